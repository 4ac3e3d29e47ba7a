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
    "trend": "least-squares slope of the lag (months) at each rise of the follower's "
    "frontier against time (years), one row per model (its best score); 90% interval from "
    "a cluster bootstrap over models; read as growing / shrinking only when the whole "
    "interval is on one side of zero",
    "window_sensitivity": "the same trend and interval for windows starting on each quarter "
    "from --since, all ending at --until: whether the verdict depends on the start date",
}


SETTINGS = ("like-for-like", "single", "no-tools", "tools", "any")
SETTING_HELP = {
    "like-for-like": "single attempts without extra tools (rows with tools, pass@k or "
    "parallel test-time compute left out)",
    "single": "single attempts, with or without tools",
    "no-tools": "rows stated to use no tools, single attempts",
    "tools": "rows with tools (or the benchmark's own harness), single attempts",
    "any": "every setting (each model's best score over all settings)",
}


def _points(
    data: Data,
    metric: str | None,
    groups: str | Groups,
    source: str | None,
    snapshot: str | None,
    multi_country: str,
    evaluator: str,
    setting: str = "like-for-like",
) -> tuple[Groups, Points]:
    if not metric:
        raise AiraceError("--metric is required (see --list-metrics)")
    parsed = parse_groups(groups) if isinstance(groups, str) else groups
    points = data.points(metric, parsed, source, snapshot, multi_country, evaluator)
    return parsed, with_setting(points, setting)


def with_setting(points: Points, setting: str) -> Points:
    """The points of one evaluation setting (curated scores carry theirs; imported don't).

    Frontiers take each group's best score, so mixing settings lets a parallel test-time
    compute or tool-assisted score set one side's frontier against a plain score on the
    other; ``like-for-like`` (the default) compares single attempts without extra tools.
    """
    from dataclasses import replace

    if setting not in SETTINGS:
        raise AiraceError(f"unknown --setting {setting!r}: use {', '.join(SETTINGS)}")
    frame = points.frame
    if setting == "any" or "setting_tools" not in frame or frame["setting_tools"].isna().all():
        return points
    tools, attempts = frame["setting_tools"], frame["setting_attempts"]
    keep = ~attempts.isin(["multiple", "parallel"])
    if setting == "like-for-like":
        keep &= tools != "tools"
    elif setting == "no-tools":
        keep &= tools == "none"
    elif setting == "tools":
        keep &= tools.isin(["tools", "harness"])
    dropped = frame[~keep]
    notes = list(points.notes)
    if len(dropped):
        models = ", ".join(sorted(set(dropped["model"].astype(str))))
        notes.append(
            f"--setting {setting}: {len(dropped)} score rows of other settings left out "
            f"({models}); --setting any uses every setting"
        )
    return replace(points, frame=frame[keep].reset_index(drop=True), notes=notes)


def setting_label(points: Points, group: str, model: str, score: float) -> str | None:
    """The evaluation setting behind a frontier score (curated scores only)."""
    frame = points.frame
    if "setting_tools" not in frame:
        return None
    rows = frame[(frame["group"] == group) & (frame["model"] == model)]
    rows = rows[(rows["score"] - score).abs() < 1e-9]
    if not len(rows) or rows["setting_tools"].isna().all():
        return None
    row = rows.iloc[0]
    parts = [
        f"tools: {row['setting_tools']}",
        f"attempts: {row['setting_attempts']}",
        f"effort: {row['setting_effort']}",
    ]
    text = row["setting"] if isinstance(row["setting"], str) and row["setting"] else ""
    return "; ".join(parts) + (f" ({text})" if text else "")


def _setting_caveat(rec: dict[str, Any]) -> str | None:
    """A caveat when the two frontier scores are known to come from different settings
    (tools or attempts both stated and different)."""
    lead, follow = rec.get("leader_setting"), rec.get("follower_setting")
    if not lead or not follow:
        return None

    def part(label: str, name: str) -> str:
        return label.split(f"{name}: ", 1)[1].split(";", 1)[0].split(" ", 1)[0]

    differs = [
        name
        for name in ("tools", "attempts")
        if "unstated" not in (part(lead, name), part(follow, name))
        and part(lead, name) != part(follow, name)
    ]
    if not differs:
        return None
    return (
        f"the frontier mixes settings ({' and '.join(differs)}): leader "
        f"{rec['leader_model']} ({lead}) vs follower {rec['follower_model']} ({follow})"
    )


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


def gap_params(params: dict[str, Any]) -> dict[str, Any]:
    """The frontier parameters of a ledger check or chart request, with their defaults (one
    mapping, so a verdict and the chart of its evidence use the same setting and groups)."""
    return {
        "metric": params.get("metric"),
        "groups": params.get("groups") or "country:US,CN",
        "source": params.get("source"),
        "tie": float(params.get("tie") or 0),
        "setting": params.get("setting") or "like-for-like",
    }


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
    setting: str = "like-for-like",
) -> Result:
    """The gap and lag between two groups' frontiers at one date, with the evaluation
    setting of each frontier score (curated scores) and a caveat when they differ."""
    from airace.analysis import frontier as fr

    _check_tie(tie)
    parsed, points = _points(
        data, metric, groups, source, snapshot, multi_country, evaluator, setting
    )
    end = as_of or dt.date.today()
    try:
        rec = fr.gap_at(points.frame, parsed.leader, parsed.follower, end, tie)
    except ValueError as exc:  # NoData included
        raise AiraceError(str(exc)) from None
    for role, group in (("leader", parsed.leader), ("follower", parsed.follower)):
        label = setting_label(points, group, rec[f"{role}_model"], rec[f"{role}_score"])
        if label:
            rec[f"{role}_setting"] = label
    result = _result("gap", [rec], points, parsed, {"as_of": end, "tie": tie, "setting": setting})
    mixed = _setting_caveat(rec)
    if mixed:
        result.caveats.append(mixed)
    stale = staleness(points, end)
    if stale:
        result.caveats.append(stale)
    return result


STALE_DAYS = 30  # frontier models launch about monthly: an older snapshot misses some


def staleness(points: Points, as_of: dt.date) -> str | None:
    """A caveat when an imported snapshot describes a time far from ``as_of``: older than
    STALE_DAYS (newer models may be missing), or accessed after it with no data date
    (scores may have been measured later)."""
    through, basis = points.data_through, points.data_date_basis
    if through is None:
        return None
    if basis == "accessed on" and through > as_of:
        return (
            f"the {points.source} snapshot carries no data date (accessed on {through}, after "
            f"--as-of {as_of}): its scores may have been measured after {as_of}"
        )
    age = (as_of - through).days
    if age > STALE_DAYS:
        return (
            f"stale data: the {points.source} snapshot's {basis} is {through}, {age} days "
            f"before --as-of {as_of} (more than {STALE_DAYS}); newer models are missing"
        )
    return None


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
    setting: str = "like-for-like",
) -> Result:
    """Gap and lag on every day (``daily``) or month end (``monthly``) of a period."""
    from airace.analysis import frontier as fr

    _check_tie(tie)
    parsed, points = _points(
        data, metric, groups, source, snapshot, multi_country, evaluator, setting
    )
    start, stop = _period(points, parsed, since, until, as_of)
    if every == "daily" and (stop - start).days > 20 * 366:
        raise AiraceError(
            f"--series daily covers at most 20 years ({start} .. {stop}); use --series "
            "monthly or a shorter period"
        )
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
    setting: str = "like-for-like",
    sensitivity: bool = True,
) -> Result:
    """Lag statistics and trend over a period, and (``sensitivity``) the trend for windows
    starting on each quarter of the period: a reader sees whether the sign hangs on the
    start date (``summary["window_sensitivity"]``)."""
    from airace.analysis import frontier as fr

    _check_tie(tie)
    parsed, points = _points(
        data, metric, groups, source, snapshot, multi_country, evaluator, setting
    )
    start, stop = _period(points, parsed, since, until, as_of)
    try:
        rec = fr.lag_stats(
            points.frame, parsed.leader, parsed.follower, start, stop, tie, bootstrap, seed
        )
        starts = sorted({start, *fr.quarter_starts(start, stop)} - {stop})
        table = (
            fr.trend_sensitivity(
                points.frame, parsed.leader, parsed.follower, starts, stop, tie, bootstrap, seed
            )
            if sensitivity
            else None
        )
    except ValueError as exc:
        raise AiraceError(str(exc)) from None
    result = _result(
        "gap-stats",
        [rec],
        points,
        parsed,
        {"since": start, "until": stop, "tie": tie, "bootstrap": bootstrap, "seed": seed},
    )
    if table is not None:
        rows = table.to_dict(orient="records")
        result.summary["window_sensitivity"] = rows
        directions = {r["trend_direction"] for r in rows} - {"insufficient data"}
        if len(directions) > 1:
            result.caveats.append(
                "the trend's verdict depends on the window's start: "
                + ", ".join(f"{r['since']} {r['trend_direction']}" for r in rows)
            )
    return result


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
    setting: str = "like-for-like",
) -> Result:
    """The best score each group reached within each training-compute budget."""
    from airace.analysis import frontier as fr

    if not budgets or any(not (b > 0) for b in budgets):
        raise AiraceError("--efficiency budgets must be positive numbers of FLOP")
    parsed, points = _points(
        data, metric, groups, source, snapshot, multi_country, evaluator, setting
    )
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
