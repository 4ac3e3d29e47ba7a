"""Scored models as frontier points: curated scores or an imported score snapshot.

This is the I/O edge of `airace gap`: it picks the rows of a metric, assigns each model to
the groups being compared (by country, lab or open/closed weights) and keeps the sources
and licences of every row used.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pandas as pd

from airace.errors import AiraceError, suggest
from airace.importers import registry
from airace.schema.cells import as_list
from airace.service.result import Source

if TYPE_CHECKING:
    from airace.catalog import Catalog
    from airace.service.data import CatalogData

GROUP_KINDS = ("country", "lab", "access")
# Curated scores carry their evaluation setting; imported sources have none (None).
SETTING_COLUMNS = ("setting", "setting_tools", "setting_attempts", "setting_effort")


@dataclass(frozen=True)
class Groups:
    kind: str
    leader: str
    follower: str

    @property
    def names(self) -> list[str]:
        return [self.leader, self.follower]


@dataclass
class Points:
    frame: pd.DataFrame  # model, group, date, score, compute
    metric: str
    source: str
    sources: list[Source] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    # Imported snapshots: the newest date their data is known to describe, and how known.
    data_through: dt.date | None = None
    data_date_basis: str = ""


def parse_groups(text: str) -> Groups:
    """``country:US,CN`` / ``lab:openai,deepseek`` / ``access:closed,open`` (leader first)."""
    kind, _, rest = text.partition(":")
    kind = kind.strip().lower()
    names = [n.strip() for n in rest.split(",") if n.strip()]
    if kind not in GROUP_KINDS or len(names) != 2:
        raise AiraceError(
            f"bad --groups {text!r}: use country:US,CN or lab:openai,deepseek "
            "or access:closed,open (leader first, then follower)"
        )
    if kind == "country":
        names = [n.upper() for n in names]
    if kind == "access":
        names = [n.lower() for n in names]
        bad = [n for n in names if n not in ("open", "closed")]
        if bad:
            raise AiraceError(f"unknown access group {bad[0]!r}: use open or closed")
    return Groups(kind, names[0], names[1])


def _access(value: Any) -> str | None:
    """open / closed from a boolean or an Epoch 'Model accessibility' string."""
    if isinstance(value, bool):
        return "open" if value else "closed"
    if isinstance(value, str) and value:
        if value.startswith("Open weights"):
            return "open"
        if value.startswith(("API access", "Hosted access")):
            return "closed"
    return None  # unreleased or unknown: in neither group


def curated_metrics(cat: Catalog) -> dict[str, int]:
    frame = cat.query("SELECT benchmark_id, count(*) AS n FROM scores GROUP BY 1")
    return dict(zip(frame["benchmark_id"], frame["n"], strict=True))


def imported_metrics(cat: Catalog) -> pd.DataFrame:
    """(source, metric, rows, snapshot) for the newest snapshot of each score source."""
    if not cat.has_table("ext_scores"):
        return pd.DataFrame(columns=["source", "metric", "rows", "snapshot_id"])
    return cat.query(
        "WITH newest AS (SELECT source, metric, max(s.imported_at) AS at FROM ext_scores e "
        "JOIN snapshots s USING (snapshot_id) GROUP BY 1, 2) "
        "SELECT e.source, e.metric, count(*) AS rows, any_value(e.snapshot_id) AS "
        "snapshot_id FROM ext_scores e JOIN snapshots s USING (snapshot_id) "
        "JOIN newest n ON n.source = e.source AND n.metric = e.metric "
        "AND n.at = s.imported_at GROUP BY 1, 2 ORDER BY 1, 2"
    )


def default_source(cat: Catalog, metric: str) -> str:
    """Curated scores when they have the metric, else the imported source that has it."""
    curated = curated_metrics(cat)
    if metric in curated:
        return "curated"
    imported = imported_metrics(cat)
    having = imported[imported["metric"] == metric]["source"].tolist()
    for preferred in registry.SCORE_PREFERENCE:
        if preferred in having:
            return preferred
    if metric == "eci":
        return "epoch-eci"
    if metric.startswith("lmarena"):
        return "lmarena"
    raise AiraceError(
        f"unknown metric {metric!r}: not in the curated scores "
        f"({', '.join(sorted(curated))}) nor in any imported snapshot; see "
        "`airace gap --list-metrics`"
    )


def _assign(
    rows: pd.DataFrame, groups: Groups, multi_country: str
) -> tuple[pd.DataFrame, list[str]]:
    """One row per (model, group) for the two groups; notes on what was excluded."""
    notes = []
    out = []
    for row in rows.itertuples(index=False):
        if groups.kind == "country":
            members = as_list(row.countries)
            if len(members) > 1:
                if multi_country == "exclude":
                    continue
                if set(members) & set(groups.names):
                    notes.append(
                        f"{row.model} lists several countries "
                        f"({', '.join(members)}): counted for each"
                    )
        elif groups.kind == "lab":
            members = as_list(row.org_ids)
        else:
            access = _access(row.access)
            members = [access] if access else []
        for name in groups.names:
            if name in members:
                out.append(
                    {
                        "model": row.model,
                        "group": name,
                        "date": row.date,
                        "score": row.score,
                        "compute": row.compute,
                        **{c: getattr(row, c, None) for c in SETTING_COLUMNS},
                    }
                )
    frame = pd.DataFrame.from_records(
        out, columns=["model", "group", "date", "score", "compute", *SETTING_COLUMNS]
    )
    return frame, notes


def load_points(
    data: CatalogData,
    metric: str,
    groups: Groups,
    source: str | None = None,
    snapshot: str | None = None,
    multi_country: str = "each",
    evaluator: str = "any",
) -> Points:
    """Scored models of a metric, assigned to the two groups, with the sources used."""
    cat = data.catalog
    source = source or default_source(cat, metric)
    scored = registry.with_role("scores")
    through: tuple[dt.date | None, str] = (None, "")
    if source == "curated":
        rows, sources = _curated(data, metric, evaluator)
    elif source in scored:
        rows, sources, through = _imported(cat, metric, source, snapshot)
    else:
        raise AiraceError(f"unknown score source {source!r}; sources: curated, {', '.join(scored)}")
    undated = int(rows["date"].isna().sum())
    rows = rows[rows["date"].notna() & rows["score"].notna()]
    _check_group_names(groups, rows)
    frame, notes = _assign(rows, groups, multi_country)
    frame["date"] = pd.to_datetime(frame["date"])
    notes = sorted(set(notes))
    if undated:
        notes.append(
            f"{undated} rows without a release date (not matched to a curated "
            "release) were left out"
        )
    return Points(frame, metric, source, sources, notes, *through)


def _check_group_names(groups: Groups, rows: pd.DataFrame) -> None:
    if groups.kind == "access":
        return
    column = "countries" if groups.kind == "country" else "org_ids"
    known = sorted({v for cell in rows[column] for v in as_list(cell)})
    for name in groups.names:
        if name not in known:
            raise AiraceError(
                f"unknown {groups.kind} {name!r} for this metric"
                f"{suggest(name, known)}; {groups.kind} values with scores: "
                f"{', '.join(known)}"
            )


def _curated(data: CatalogData, metric: str, evaluator: str) -> tuple[pd.DataFrame, list[Source]]:
    known = curated_metrics(data.catalog)
    if metric not in known:
        raise AiraceError(
            f"unknown metric {metric!r} in curated scores; curated metrics: "
            f"{', '.join(sorted(known))} (see `airace gap --list-metrics`)"
        )
    if evaluator not in ("any", "self", "third_party"):
        raise AiraceError("--evaluator must be any, self or third_party")
    where = "" if evaluator == "any" else f"AND s.evaluator_type = '{evaluator}'"
    frame = data.catalog.query(
        "SELECT s.model_id AS model, r.release_date AS date, s.score, "
        "r.training_compute_flop AS compute, [o.country] AS countries, [r.org_id] AS org_ids, "
        "r.is_open_weights AS access, s.source_url, s.evaluator, s.setting, "
        "s.setting_tools, s.setting_attempts, s.setting_effort "
        "FROM scores s JOIN releases r USING (model_id) JOIN orgs o ON o.org_id = r.org_id "
        f"WHERE s.benchmark_id = ? {where}",
        [metric],
    )
    return frame, [data.table_source("scores", frame)]


def _data_date(meta: dict[str, Any], frame: pd.DataFrame) -> tuple[dt.date | None, str]:
    """The newest date a snapshot's scores describe: its evaluation dates, else its recorded
    data range, else the day it was accessed (an upper bound only)."""
    if "evaluated_date" in frame and frame["evaluated_date"].notna().any():
        return pd.Timestamp(frame["evaluated_date"].max()).date(), "newest evaluation date"
    for key, basis in (("max_date", "newest dated row"), ("accessed_date", "accessed on")):
        value = meta.get(key)
        if value is not None and not pd.isna(value):
            return pd.Timestamp(value).date(), basis
    return None, ""


def _imported(
    cat: Catalog, metric: str, source: str, snapshot: str | None
) -> tuple[pd.DataFrame, list[Source], tuple[dt.date | None, str]]:
    from airace.service.snapshots import resolve_snapshot, snapshot_meta, snapshot_source

    if snapshot is None:
        found = (
            cat.rows(
                "SELECT e.snapshot_id FROM ext_scores e JOIN snapshots s USING (snapshot_id) "
                "WHERE e.source = ? AND e.metric = ? "
                "ORDER BY s.max_date DESC NULLS LAST, s.imported_at DESC, s.snapshot_id LIMIT 1",
                [source, metric],
            )
            if cat.has_table("ext_scores")
            else []
        )
        if not found:
            resolve_snapshot(cat, source)  # says "no snapshot imported" when so
            raise AiraceError(
                f"unknown metric {metric!r} in {source}; see `airace gap --list-metrics`"
            )
        snapshot = str(found[0][0])
    else:
        resolve_snapshot(cat, source, snapshot)
    frame = cat.query(
        "SELECT e.external_id AS model, coalesce(e.release_date, r.release_date) AS date, "
        "e.score, coalesce(e.training_compute_flop, r.training_compute_flop) AS compute, "
        "CASE WHEN len(e.countries) > 0 THEN e.countries "
        "     WHEN o.country IS NOT NULL THEN [o.country] ELSE [] END AS countries, "
        "CASE WHEN len(e.org_ids) > 0 THEN e.org_ids "
        "     WHEN r.org_id IS NOT NULL THEN [r.org_id] ELSE [] END AS org_ids, "
        "coalesce(e.accessibility, CASE WHEN r.is_open_weights THEN 'Open weights' "
        "     WHEN r.is_open_weights = false THEN 'API access' END) AS access, "
        "e.evaluated_date "
        "FROM ext_scores e LEFT JOIN releases r ON r.model_id = e.model_id "
        "LEFT JOIN orgs o ON o.org_id = r.org_id "
        "WHERE e.snapshot_id = ? AND e.metric = ?",
        [snapshot, metric],
    )
    meta = snapshot_meta(cat, snapshot)
    if source == "lmarena-history" and frame["evaluated_date"].notna().any():
        latest = frame["evaluated_date"].max()
        frame = frame[frame["evaluated_date"] == latest]
    return frame, [snapshot_source(meta, rows=len(frame))], _data_date(meta, frame)
