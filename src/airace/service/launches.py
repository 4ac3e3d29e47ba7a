"""Release operations: list releases and labs, count launches under rules, compare dates."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from airace.errors import AiraceError, suggest
from airace.importers import registry
from airace.schema.cells import as_list
from airace.service.result import Result, Source

if TYPE_CHECKING:
    import pandas as pd

    from airace.schema.rules import CountingRule
    from airace.service.data import Data

CURATED = "curated"


def release_sources() -> tuple[str, ...]:
    """``curated`` and every imported model list."""
    return (CURATED, *registry.with_role("models"))


def user_date(value: str | dt.date | None, option: str) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    from airace.schema.periods import user_date as parse

    return parse(value, option)


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
            raise AiraceError(
                f"unknown lab {lab!r}{suggest(key, sorted(orgs['org_id']))}; "
                "see `airace releases --list-labs`"
            )
        out.append(lookup[key])
    return list(dict.fromkeys(out))


def release_frame(
    data: Data, source: str, snapshot: str | None, group_by: str = "org_id"
) -> tuple[pd.DataFrame, Source]:
    """Releases of the curated table or of an imported model list, curated-style."""
    if source == CURATED:
        if snapshot:
            raise AiraceError("--snapshot applies to imported sources, not to curated data")
        frame = data.releases()
        return frame, data.table_source("releases", frame)
    registry.source(source, "models")
    from airace.analysis.external import as_releases

    snap = data.snapshot(source, snapshot)
    return as_releases(snap.rows, group_by), snap.source


def releases(
    data: Data,
    *,
    labs: Sequence[str] | None = None,
    country: str | None = None,
    since: str | dt.date | None = None,
    until: str | dt.date | None = None,
    types: Sequence[str] | None = None,
    source: str = CURATED,
    snapshot: str | None = None,
) -> Result:
    """Releases joined with their lab's country, filtered, oldest first.

    ``source`` is ``curated`` (airace's table) or an imported model list; imported rows by
    several labs appear once per lab.
    """
    import pandas as pd

    if source not in release_sources():
        raise AiraceError(
            f"unknown release source {source!r}"
            f"{suggest(source, release_sources())}; sources: "
            f"{', '.join(release_sources())}"
        )
    frame, src = release_frame(data, source, snapshot)
    if labs:
        frame = frame[frame["org_id"].isin(resolve_labs(labs, data.orgs()))]
    if country:
        code = country.strip().upper()
        known = sorted(set(data.orgs()["country"]))
        if code not in known:
            raise AiraceError(
                f"unknown country {country!r}; countries with labs: {', '.join(known)}"
            )
        frame = frame[frame["country"] == code]
    if types and source != CURATED:
        raise AiraceError(f"--type needs release_type, which {source} does not have")
    start, end = user_date(since, "--since"), user_date(until, "--until")
    if start:
        frame = frame[frame["release_date"] >= pd.Timestamp(start)]
    if end:
        frame = frame[frame["release_date"] <= pd.Timestamp(end)]
    if types:
        from airace.schema.dictionary import load_dictionary

        allowed = load_dictionary()["release_type"].values
        bad = [t for t in types if t not in allowed]
        if bad:
            raise AiraceError(f"unknown release type {bad[0]!r}; types: {', '.join(allowed)}")
        frame = frame[frame["release_type"].isin(list(types))]
    frame = frame.reset_index(drop=True)
    out = frame.copy()
    out["release_date"] = out["release_date"].dt.date
    if source == CURATED:
        src = data.table_source("releases", frame)
    return Result(
        "releases",
        out.to_dict(orient="records"),
        [src],
        params={
            "labs": list(labs or []),
            "country": country,
            "since": start,
            "until": end,
            "types": list(types or []),
            "source": source,
            "snapshot": src.snapshot_id,
        },
    )


def labs(data: Data) -> Result:
    """The labs with their country, aliases and number of curated releases."""
    orgs = data.orgs()
    counts = data.releases()["org_id"].value_counts()
    frame = orgs[["org_id", "org_name", "country", "aliases"]].copy()
    frame["releases"] = frame["org_id"].map(counts).fillna(0).astype(int)
    frame = frame.sort_values(["releases", "org_id"], ascending=[False, True])
    return Result("labs", frame.to_dict(orient="records"), [data.table_source("orgs", orgs)])


def rules_list() -> Result:
    """The bundled counting rules, strictest first."""
    from airace.schema.rules import bundled_rules

    records = [
        {
            "name": r.name,
            "title": r.title,
            "definition": r.describe(),
            "description": " ".join(r.description.split()),
        }
        for r in bundled_rules()
    ]
    return Result("rules", records)


def rules_for_source(frame: pd.DataFrame) -> tuple[list[str], dict[str, list[str]]]:
    """Bundled rules a release frame can use, and for the others the columns it lacks."""
    from airace.schema.rules import bundled_rules

    usable, missing = [], {}
    for r in bundled_rules():
        lacking = sorted(r.columns() - set(frame.columns))
        if lacking:
            missing[r.name] = lacking
        else:
            usable.append(r.name)
    return usable, missing


def _check_rules_apply(chosen: Sequence[CountingRule], frame: pd.DataFrame, source: str) -> None:
    usable, _ = rules_for_source(frame)
    for r in chosen:
        lacking = sorted(r.columns() - set(frame.columns))
        if lacking:
            raise AiraceError(
                f"rule {r.name!r} cannot apply to {source}: it needs {', '.join(lacking)}, "
                f"which {source} does not record; rules that apply: {', '.join(usable)}"
            )


def cadence(
    data: Data,
    *,
    as_of: str | dt.date,
    window: str | None = None,
    since: str | dt.date | None = None,
    labs: Sequence[str] | None = None,
    by: str = "lab",
    rule: str | Sequence[str] | None = None,
    sensitivity: bool = False,
    countries: Sequence[str] | None = None,
    source: str = CURATED,
    snapshot: str | None = None,
) -> Result:
    """Launch counts per lab or country in a window, under one or several counting rules.

    On an imported source only rules whose columns the source has can apply; asking for
    another is an error naming the missing columns. ``sensitivity`` uses every bundled
    rule that applies (the others are listed in the caveats).
    """
    from airace.analysis.cadence import cadence as count
    from airace.schema.periods import window_start
    from airace.schema.rules import bundled_rules, resolve_rule

    end = user_date(as_of, "--as-of")
    assert end is not None
    if (window is None) == (since is None):
        raise AiraceError("give exactly one of --window or --since")
    start = window_start(end, window) if window else user_date(since, "--since")
    assert start is not None
    if start > end:
        raise AiraceError(f"--since {start} is after --as-of {end}")
    if by not in {"lab", "country"}:
        raise AiraceError(f"--by must be lab or country, not {by!r}")
    if source not in release_sources():
        raise AiraceError(
            f"unknown release source {source!r}"
            f"{suggest(source, release_sources())}; sources: "
            f"{', '.join(release_sources())}"
        )
    group_by = "org_id" if by == "lab" else "country"
    frame, src = release_frame(data, source, snapshot, group_by)
    caveats: list[str] = []
    if sensitivity:
        if rule:
            raise AiraceError("--sensitivity already uses every bundled rule; drop --rule")
        names = [r.name for r in bundled_rules()]
        if source != CURATED:
            names, skipped = rules_for_source(frame)
            caveats += [
                f"rule {n} does not apply to {source}: it needs {', '.join(c)}"
                for n, c in skipped.items()
            ]
    else:
        names = (
            [rule]
            if isinstance(rule, str)
            else list(rule or (["main-versions"] if source == CURATED else ["every-release"]))
        )
    chosen = [resolve_rule(name) for name in names]
    if source != CURATED:
        _check_rules_apply(chosen, frame, source)
    groups = list(countries) if countries and by == "country" else None
    if labs:
        lab_ids = resolve_labs(labs, data.orgs())
        frame = frame[frame["org_id"].isin(lab_ids)]
        if by == "lab":
            groups = lab_ids
    table = count(frame, chosen, since=start, as_of=end, group_by=group_by, groups=groups)
    rows = frame.drop_duplicates("model_id").set_index("model_id")
    key = "org_id" if by == "lab" else "country"
    records = []
    for rec in table.to_dict(orient="records"):
        ids = rec["model_ids"]
        records.append(
            {
                key: rec["group"],
                "rule": rec["rule"],
                "count": rec["count"],
                "model_ids": ids,
                "release_dates": rec["release_dates"],
                "collapsed_ids": rec["collapsed_ids"],
                "median_interval_days": rec["median_interval_days"],
                "days_since_last": rec["days_since_last"],
                "since": start.isoformat(),
                "as_of": end.isoformat(),
                "sources": sorted(
                    {str(u) for u in rows.loc[ids, "source_url"].tolist() if isinstance(u, str)}
                ),
                "source": source,
            }
        )
    if by == "lab":
        caveats += _zero_count_notes(data, records, chosen, start, source, snapshot)
    if source == CURATED:
        in_window = frame[
            (frame["release_date"] >= str(start)) & (frame["release_date"] <= str(end))
        ]
        src = data.table_source("releases", in_window)
    return Result(
        "cadence",
        records,
        [src],
        params={
            "as_of": end,
            "since": start,
            "window": window,
            "by": by,
            "labs": list(labs or []),
            "rules": names,
            "source": source,
            "snapshot": src.snapshot_id,
        },
        definitions={r.name: r.describe() for r in chosen},
        caveats=caveats,
        extra={"rows": rows, "key": key},
    )


def last_before(
    data: Data,
    lab: str,
    rule: CountingRule,
    start: dt.date,
    source: str = CURATED,
    snapshot: str | None = None,
) -> str:
    """The lab's last launch counted by ``rule`` before ``start`` (to explain a zero)."""
    from airace.analysis.cadence import cadence as count

    frame, _ = release_frame(data, source, snapshot)
    frame = frame[frame["org_id"] == lab]
    before = start - dt.timedelta(days=1)
    prior = count(frame, [rule], since=dt.date(1990, 1, 1), as_of=before, groups=[lab])
    ids = prior["model_ids"].iloc[0] if len(prior) else []
    if len(ids) == 0:
        return "no earlier launch counted"
    mid, day = ids[-1], prior["release_dates"].iloc[0][-1]
    gap = (start - dt.date.fromisoformat(str(day)[:10])).days
    return f"last counted launch before the window: {mid} on {day} ({gap} days before it)"


def _zero_count_notes(
    data: Data,
    records: list[dict[str, Any]],
    rules: Sequence[CountingRule],
    start: dt.date,
    source: str,
    snapshot: str | None,
) -> list[str]:
    """For each lab with no launch under a rule, its last counted launch before the window
    (also set as the record's ``last_before_window``): a zero may be a matter of days."""
    by_name = {r.name: r for r in rules}
    notes = []
    for rec in records:
        if rec["count"] == 0:
            note = last_before(data, rec["org_id"], by_name[rec["rule"]], start, source, snapshot)
            rec["last_before_window"] = note
            notes.append(f"{rec['org_id']}: 0 under {rec['rule']} since {start}; {note}")
    return notes


def compare_dates(
    data: Data,
    *,
    source: str = "epoch-notable",
    labs: Sequence[str] | None = None,
    threshold_days: int = 3,
    snapshot: str | None = None,
    since: str | dt.date = "2023-01-01",
) -> Result:
    """Curated release dates vs an imported source (see analysis.external.compare_dates)."""
    from airace.analysis.external import compare_dates as compare

    models = registry.with_role("models")
    if source not in models:
        raise AiraceError(f"compare-dates needs an imported model list: {', '.join(models)}")
    if threshold_days < 0:
        raise AiraceError("--days must be zero or more")
    ours = data.releases()
    lab_ids = resolve_labs(labs, data.orgs()) if labs else None
    snap = data.snapshot(source, snapshot)
    start = user_date(since, "--since")
    assert start is not None
    out = compare(ours, snap.rows, threshold_days=threshold_days, labs=lab_ids, since=start)
    counts = out["issue"].value_counts().to_dict()
    return Result(
        "compare-dates",
        out.to_dict(orient="records"),
        [data.table_source("releases", ours), snap.source],
        params={
            "source": source,
            "snapshot": snap.meta["snapshot_id"],
            "labs": lab_ids or [],
            "threshold_days": threshold_days,
            "since": start,
        },
        summary={"counts": counts},
        extra={"meta": snap.meta},
    )
