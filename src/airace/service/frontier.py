"""Frontier operations: gap and lag at a date, series, period statistics, efficiency."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from airace.errors import AiraceError
from airace.service.points import parse_groups
from airace.service.result import Result

if TYPE_CHECKING:
    from airace.service.data import CatalogData, Data
    from airace.service.points import Groups, Points

DEFINITIONS = {
    "frontier": "a group's best score among its models released on or before a date",
    "gap": "leader's frontier minus follower's frontier",
    "lag": "date minus the first date on which the leader's frontier reached at least "
    "(follower's frontier - tie); zero when the follower is not behind; months are "
    "30.44 days",
    "trend": "least-squares slope of the daily lag (months) against time (years) over the "
    "period, with a 90% bootstrap interval that resamples models",
}


def _points(
    data: Data,
    metric: str | None,
    groups: str | Groups,
    source: str | None,
    snapshot: str | None,
    multi_country: str,
    evaluator: str,
) -> tuple[Groups, Points]:
    if not metric:
        raise AiraceError("--metric is required (see --list-metrics)")
    parsed = parse_groups(groups) if isinstance(groups, str) else groups
    return parsed, data.points(metric, parsed, source, snapshot, multi_country, evaluator)


def _result(
    operation: str,
    records: list[dict[str, Any]],
    points: Points,
    groups: Groups,
    params: dict[str, Any],
) -> Result:
    context = {
        "metric": points.metric,
        "source": points.source,
        "groups": f"{groups.kind}:{groups.leader},{groups.follower}",
    }
    return Result(
        operation,
        [{**context, **r} for r in records],
        points.sources,
        params={**context, **params},
        definitions=DEFINITIONS,
        caveats=list(points.notes),
        extra={"points": points.frame},
    )


def _check_tie(tie: float) -> None:
    if tie < 0:
        raise AiraceError("--tie must be zero or more")


def gap(
    data: Data,
    *,
    metric: str | None,
    groups: str | Groups = "country:US,CN",
    as_of: dt.date | None = None,
    tie: float = 0.0,
    source: str | None = None,
    snapshot: str | None = None,
    multi_country: str = "each",
    evaluator: str = "any",
) -> Result:
    """The gap and lag between two groups' frontiers at one date."""
    from airace.analysis import frontier as fr

    _check_tie(tie)
    parsed, points = _points(data, metric, groups, source, snapshot, multi_country, evaluator)
    end = as_of or dt.date.today()
    try:
        rec = fr.gap_at(points.frame, parsed.leader, parsed.follower, end, tie)
    except ValueError as exc:  # NoData included
        raise AiraceError(str(exc)) from None
    return _result("gap", [rec], points, parsed, {"as_of": end, "tie": tie})


def _period(
    points: Points,
    groups: Groups,
    since: dt.date | None,
    until: dt.date | None,
    as_of: dt.date | None,
) -> tuple[dt.date, dt.date]:
    from airace.analysis import frontier as fr

    try:
        start = since or fr.common_start(points.frame, groups.leader, groups.follower)
    except ValueError as exc:
        raise AiraceError(str(exc)) from None
    stop = until or as_of or dt.date.today()
    if start > stop:
        raise AiraceError(f"--since {start} is after --until {stop}")
    return start, stop


def gap_series(
    data: Data,
    *,
    metric: str | None,
    groups: str | Groups = "country:US,CN",
    since: dt.date | None = None,
    until: dt.date | None = None,
    as_of: dt.date | None = None,
    every: str = "monthly",
    tie: float = 0.0,
    source: str | None = None,
    snapshot: str | None = None,
    multi_country: str = "each",
    evaluator: str = "any",
) -> Result:
    """Gap and lag on every day (``daily``) or month end (``monthly``) of a period."""
    from airace.analysis import frontier as fr

    _check_tie(tie)
    parsed, points = _points(data, metric, groups, source, snapshot, multi_country, evaluator)
    start, stop = _period(points, parsed, since, until, as_of)
    try:
        table = fr.gap_series(
            points.frame, parsed.leader, parsed.follower, fr.series_days(start, stop, every), tie
        )
    except ValueError as exc:
        raise AiraceError(str(exc)) from None
    return _result(
        "gap-series",
        table.to_dict(orient="records"),
        points,
        parsed,
        {"since": start, "until": stop, "every": every, "tie": tie},
    )


def gap_stats(
    data: Data,
    *,
    metric: str | None,
    groups: str | Groups = "country:US,CN",
    since: dt.date | None = None,
    until: dt.date | None = None,
    as_of: dt.date | None = None,
    tie: float = 0.0,
    bootstrap: int = 1000,
    seed: int = 0,
    source: str | None = None,
    snapshot: str | None = None,
    multi_country: str = "each",
    evaluator: str = "any",
) -> Result:
    """Lag statistics and trend over a period."""
    from airace.analysis import frontier as fr

    _check_tie(tie)
    parsed, points = _points(data, metric, groups, source, snapshot, multi_country, evaluator)
    start, stop = _period(points, parsed, since, until, as_of)
    try:
        rec = fr.lag_stats(
            points.frame, parsed.leader, parsed.follower, start, stop, tie, bootstrap, seed
        )
    except ValueError as exc:
        raise AiraceError(str(exc)) from None
    return _result(
        "gap-stats",
        [rec],
        points,
        parsed,
        {"since": start, "until": stop, "tie": tie, "bootstrap": bootstrap, "seed": seed},
    )


def efficiency(
    data: Data,
    *,
    metric: str | None,
    budgets: list[float],
    groups: str | Groups = "country:US,CN",
    as_of: dt.date | None = None,
    source: str | None = None,
    snapshot: str | None = None,
    multi_country: str = "each",
    evaluator: str = "any",
) -> Result:
    """The best score each group reached within each training-compute budget."""
    from airace.analysis import frontier as fr

    if not budgets or any(not (b > 0) for b in budgets):
        raise AiraceError("--efficiency budgets must be positive numbers of FLOP")
    parsed, points = _points(data, metric, groups, source, snapshot, multi_country, evaluator)
    end = as_of or dt.date.today()
    table = fr.efficiency(points.frame, parsed.names, budgets, as_of=end)
    return _result(
        "efficiency",
        table.to_dict(orient="records"),
        points,
        parsed,
        {"as_of": end, "budgets": budgets},
    )


def metrics(data: CatalogData) -> Result:
    """Metrics with scores: curated ones and those of the newest imported snapshots."""
    from airace.service.points import curated_metrics, imported_metrics
    from airace.service.snapshots import snapshot_meta, snapshot_source

    cat = data.catalog
    scores = data.table_source("scores")
    rows: list[dict[str, Any]] = [
        {
            "metric": m,
            "source": "curated",
            "rows": n,
            "snapshot_id": None,
            "licence": scores.licence,
        }
        for m, n in sorted(curated_metrics(cat).items())
    ]
    sources = [scores]
    seen: dict[str, Any] = {}
    for rec in imported_metrics(cat).to_dict(orient="records"):
        sid = rec["snapshot_id"]
        if sid not in seen:
            seen[sid] = snapshot_source(snapshot_meta(cat, sid))
            sources.append(seen[sid])
        rows.append({**rec, "licence": seen[sid].licence})
    return Result("metrics", rows, sources)
