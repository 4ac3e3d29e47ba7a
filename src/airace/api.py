"""The Python API: the same calls the CLI makes, returning pandas DataFrames.

>>> import airace
>>> airace.cadence(as_of="2026-03-03", window="14M", labs=["deepseek", "openai"])
"""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Sequence
from typing import TYPE_CHECKING

from airace.cells import as_list
from airace.errors import AiraceError

if TYPE_CHECKING:
    import pandas as pd

    from airace.rules import CountingRule


def _date(value: str | dt.date | None, option: str) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    from airace.periods import user_date

    return user_date(value, option)


def load_table(name: str) -> pd.DataFrame:
    """A curated table from the catalog, as a DataFrame."""
    from airace import catalog
    from airace.tables import CURATED_TABLES

    if name not in CURATED_TABLES:
        raise AiraceError(f"unknown table {name!r}; tables: {', '.join(CURATED_TABLES)}")
    return catalog.query(f'SELECT * FROM "{name}"')


def suggest(name: str, known: Sequence[str]) -> str:
    close = difflib.get_close_matches(name, list(known), n=3, cutoff=0.5)
    return f" (did you mean {', '.join(close)}?)" if close else ""


def resolve_labs(labs: Sequence[str], orgs: pd.DataFrame) -> list[str]:
    """Map user-typed lab names (ids, names or aliases, any case) to org_ids."""
    lookup: dict[str, str] = {}
    for row in orgs.itertuples(index=False):
        lookup[row.org_id.casefold()] = row.org_id
        lookup[row.org_name.casefold()] = row.org_id
        for alias in as_list(row.aliases):
            lookup[alias.casefold()] = row.org_id
    out = []
    for lab in labs:
        key = lab.strip().casefold()
        if key not in lookup:
            raise AiraceError(f"unknown lab {lab!r}{suggest(key, sorted(orgs['org_id']))}; "
                              "see `airace releases --list-labs`")
        out.append(lookup[key])
    return list(dict.fromkeys(out))


CURATED = "curated"
RELEASE_SOURCES = (CURATED, "epoch-notable", "epoch-all", "epoch-large-scale", "epoch-frontier",
                   "openrouter")


def _source_frame(source: str, snapshot: str | None, group_by: str = "org_id"
                  ) -> pd.DataFrame:
    """Releases of the curated table or of an imported model list, curated-style."""
    import pandas as pd

    from airace import catalog

    if source == CURATED:
        if snapshot:
            raise AiraceError("--snapshot applies to imported sources, not to curated data")
        frame = catalog.query(
            "SELECT r.*, o.country, o.org_name FROM releases r JOIN orgs o USING (org_id) "
            "ORDER BY r.release_date, r.model_id")
        frame["release_date"] = pd.to_datetime(frame["release_date"])
        frame.attrs["sources"] = [{"source": "airace curated releases",
                                   "licence": "CC BY 4.0", "rows": len(frame)}]
        return frame
    if source not in RELEASE_SOURCES:
        raise AiraceError(f"unknown release source {source!r}{suggest(source, RELEASE_SOURCES)}"
                          f"; sources: {', '.join(RELEASE_SOURCES)}")
    from airace.analysis.external import as_releases
    from airace.sources import snapshot_rows

    rows = snapshot_rows(source, snapshot)
    frame = as_releases(rows, group_by)
    meta = rows.attrs["snapshot"]
    frame.attrs["sources"] = [{"source": f"{meta['producer']}: {meta['title']}",
                               "snapshot": meta["snapshot_id"], "licence": meta["licence"],
                               "citation": meta["citation"], "rows": len(rows)}]
    frame.attrs["snapshot"] = meta
    return frame


def releases(
    labs: Sequence[str] | None = None,
    country: str | None = None,
    since: str | dt.date | None = None,
    until: str | dt.date | None = None,
    types: Sequence[str] | None = None,
    source: str = CURATED,
    snapshot: str | None = None,
) -> pd.DataFrame:
    """Releases joined with their lab's country, filtered, oldest first.

    ``source`` is ``curated`` (airace's table) or an imported model list (epoch-notable,
    epoch-all, epoch-large-scale, epoch-frontier, openrouter); imported rows by several labs
    appear once per lab.
    """
    import pandas as pd

    from airace import catalog

    frame = _source_frame(source, snapshot)
    if labs:
        orgs = catalog.query("SELECT org_id, org_name, aliases FROM orgs")
        frame = frame[frame["org_id"].isin(resolve_labs(labs, orgs))]
    if country:
        code = country.strip().upper()
        known = sorted(catalog.query("SELECT DISTINCT country FROM orgs")["country"])
        if code not in known:
            raise AiraceError(f"unknown country {country!r}; countries with labs: "
                              f"{', '.join(known)}")
        frame = frame[frame["country"] == code]
    if types and source != CURATED:
        raise AiraceError(f"--type needs release_type, which {source} does not have")
    start, end = _date(since, "--since"), _date(until, "--until")
    if start:
        frame = frame[frame["release_date"] >= pd.Timestamp(start)]
    if end:
        frame = frame[frame["release_date"] <= pd.Timestamp(end)]
    if types:
        from airace.dictionary import load_dictionary

        allowed = load_dictionary()["release_type"].values
        bad = [t for t in types if t not in allowed]
        if bad:
            raise AiraceError(f"unknown release type {bad[0]!r}; types: {', '.join(allowed)}")
        frame = frame[frame["release_type"].isin(list(types))]
    out = frame.reset_index(drop=True)
    out.attrs = frame.attrs
    return out


def rules() -> tuple[CountingRule, ...]:
    from airace.rules import bundled_rules

    return bundled_rules()


def cadence(
    as_of: str | dt.date,
    window: str | None = None,
    since: str | dt.date | None = None,
    labs: Sequence[str] | None = None,
    by: str = "lab",
    rule: str | Sequence[str] | None = None,
    source: str = CURATED,
    snapshot: str | None = None,
) -> pd.DataFrame:
    """Launch counts per lab or country in a window, under one or several counting rules.

    On an imported source only rules whose columns the source has can apply; asking for
    another is an error that names the missing columns and the rules that do apply.
    """
    from airace.analysis.cadence import cadence as count
    from airace.periods import window_start
    from airace.rules import resolve_rule

    end = _date(as_of, "--as-of")
    assert end is not None
    if (window is None) == (since is None):
        raise AiraceError("give exactly one of --window or --since")
    start = window_start(end, window) if window else _date(since, "--since")
    assert start is not None
    if start > end:
        raise AiraceError(f"--since {start} is after --as-of {end}")
    if by not in {"lab", "country"}:
        raise AiraceError(f"--by must be lab or country, not {by!r}")
    names = [rule] if isinstance(rule, str) else list(
        rule or (["main-versions"] if source == CURATED else ["every-release"]))
    chosen = [resolve_rule(name) for name in names]
    group_by = "org_id" if by == "lab" else "country"
    frame = _source_frame(source, snapshot, group_by)
    if source != CURATED:
        check_rules_apply(chosen, frame, source)
    groups = None
    if labs:
        from airace import catalog

        orgs = catalog.query("SELECT org_id, org_name, aliases FROM orgs")
        lab_ids = resolve_labs(labs, orgs)
        frame = frame[frame["org_id"].isin(lab_ids)]
        if by == "lab":
            groups = lab_ids
    result = count(frame, chosen, since=start, as_of=end, group_by=group_by, groups=groups)
    result.attrs.update(since=start, as_of=end, rows=frame, sources=frame.attrs["sources"])
    return result


def rules_for_source(frame: pd.DataFrame) -> tuple[list[str], dict[str, list[str]]]:
    """Bundled rules a release frame can use, and for the others the columns it lacks."""
    from airace.rules import bundled_rules

    usable, missing = [], {}
    for r in bundled_rules():
        lacking = sorted(r.columns() - set(frame.columns))
        if lacking:
            missing[r.name] = lacking
        else:
            usable.append(r.name)
    return usable, missing


def check_rules_apply(chosen: Sequence[CountingRule], frame: pd.DataFrame, source: str) -> None:
    usable, _ = rules_for_source(frame)
    for r in chosen:
        lacking = sorted(r.columns() - set(frame.columns))
        if lacking:
            raise AiraceError(
                f"rule {r.name!r} cannot apply to {source}: it needs {', '.join(lacking)}, "
                f"which {source} does not record; rules that apply: {', '.join(usable)}")


def compare_dates(source: str = "epoch-notable", labs: Sequence[str] | None = None,
                  threshold_days: int = 3, snapshot: str | None = None,
                  since: str | dt.date = "2023-01-01") -> pd.DataFrame:
    """Curated release dates vs an imported source (see analysis.external.compare_dates)."""
    from airace import catalog
    from airace.analysis.external import compare_dates as compare
    from airace.sources import snapshot_rows

    if source not in RELEASE_SOURCES or source == CURATED:
        raise AiraceError(f"compare-dates needs an imported model list: "
                          f"{', '.join(RELEASE_SOURCES[1:])}")
    if threshold_days < 0:
        raise AiraceError("--days must be zero or more")
    ours = releases()
    lab_ids = None
    if labs:
        orgs = catalog.query("SELECT org_id, org_name, aliases FROM orgs")
        lab_ids = resolve_labs(labs, orgs)
    theirs = snapshot_rows(source, snapshot)
    start = _date(since, "--since")
    assert start is not None
    out = compare(ours, theirs, threshold_days=threshold_days, labs=lab_ids, since=start)
    out.attrs["snapshot"] = theirs.attrs["snapshot"]
    return out
