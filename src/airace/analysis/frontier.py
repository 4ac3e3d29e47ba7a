"""Capability frontier, gap and lag between two groups of models.

Definitions (also in `airace gap --help`):

- A group's *frontier* at date d is the best score of its models released on or before d,
  with the model that first reached it.
- The *gap* at d is the leader's frontier minus the follower's.
- The *lag* at d is how long ago the leader was where the follower is now: d minus the
  first date on which the leader's frontier reached at least (follower's frontier at d)
  minus ``tie``. It is zero when the follower is not behind (its frontier is at least the
  leader's). Months are 30.44 days.
- Period statistics describe the daily lag over [since, until] (mean, median, min, max,
  follower-lead share). The *trend* is the least-squares slope of the lag (months) at each
  rise of the follower's frontier in the period against time (years): one observation per
  new follower frontier model, not per day (the daily lag is an autocorrelated sawtooth of
  those few numbers). Its interval comes from a cluster bootstrap over models within each
  group; a verdict reads the interval (`trend_direction`), never the sign alone.
- Statistics count models, not rows: `collapse_models` first keeps each model's best row,
  so reasoning-effort variants and hosted copies do not weigh more than a single row.

Input is a tidy table of points: ``model``, ``group``, ``date`` (datetime64), ``score`` and
optionally ``compute`` (training FLOP). A model in several groups has one row per group.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

DAYS_PER_MONTH = 30.44
NONE_DAY = np.iinfo(np.int64).min


class NoData(ValueError):
    """A group has no scored model on or before the date asked about."""


@dataclass(frozen=True)
class Frontier:
    """A group's frontier as a step function: strictly rising scores at rising dates."""

    days: np.ndarray  # int64 day numbers of each step
    scores: np.ndarray
    models: np.ndarray

    def best_at(self, days: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Index of the step in force on each day (-1 before the first model)."""
        idx = np.searchsorted(self.days, days, side="right") - 1
        if not len(self.scores):
            return idx, np.full(len(days), np.nan)
        values = np.where(idx >= 0, self.scores[np.maximum(idx, 0)], np.nan)
        return idx, values

    def first_reach(self, levels: np.ndarray) -> np.ndarray:
        """Day the frontier first reached each level (NONE_DAY when never)."""
        idx = np.searchsorted(self.scores, levels, side="left")
        out = np.full(len(levels), NONE_DAY, dtype=np.int64)
        ok = idx < len(self.scores)
        out[ok] = self.days[idx[ok]]
        return out


def to_day(value: dt.date | pd.Timestamp) -> int:
    return int((pd.Timestamp(value) - pd.Timestamp("1970-01-01")).days)


def from_day(day: int) -> dt.date:
    return dt.date(1970, 1, 1) + dt.timedelta(days=int(day))


def frontier(points: pd.DataFrame, group: str) -> Frontier:
    """The frontier of one group (ties: higher score first, then model name)."""
    rows = points[points["group"] == group]
    days = pd.to_datetime(rows["date"]).to_numpy().astype("datetime64[D]").astype(np.int64)
    return frontier_of(
        days, rows["score"].to_numpy(dtype=float), rows["model"].to_numpy().astype(str)
    )


def frontier_of(days: np.ndarray, scores: np.ndarray, models: np.ndarray) -> Frontier:
    """The frontier of a set of (day, score, model) points."""
    order = np.lexsort((models, -scores, days))
    days, scores, models = days[order], scores[order], models[order]
    running = np.maximum.accumulate(scores) if len(scores) else scores
    previous = np.concatenate(([-np.inf], running[:-1])) if len(scores) else scores
    step = scores > previous
    return Frontier(days[step], scores[step], models[step])


def lag_days(
    leader: Frontier, follower: Frontier, days: np.ndarray, tie: float = 0.0
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Gap and lag on each day; NaN where a group has no model yet.

    Returns (gap, lag in days, leader best, follower best, day the leader reached the
    follower's level).
    """
    _, lead = leader.best_at(days)
    _, follow = follower.best_at(days)
    gap = lead - follow
    reached = leader.first_reach(follow - tie)
    behind = follow < lead
    lag = np.where(behind, days - reached, 0).astype(float)
    lag[np.isnan(lead) | np.isnan(follow)] = np.nan
    return gap, lag, lead, follow, reached


def _record(
    leader_name: str, follower_name: str, leader: Frontier, follower: Frontier, day: int, tie: float
) -> dict[str, Any]:
    days = np.array([day], dtype=np.int64)
    li, _ = leader.best_at(days)
    fi, _ = follower.best_at(days)
    gap, lag, lead, follow, reached = lag_days(leader, follower, days, tie)
    behind = bool(follow[0] < lead[0])
    return {
        "as_of": from_day(day).isoformat(),
        "leader": leader_name,
        "follower": follower_name,
        "leader_model": str(leader.models[li[0]]),
        "leader_score": float(lead[0]),
        "leader_model_date": from_day(leader.days[li[0]]).isoformat(),
        "follower_model": str(follower.models[fi[0]]),
        "follower_score": float(follow[0]),
        "follower_model_date": from_day(follower.days[fi[0]]).isoformat(),
        "gap": float(gap[0]),
        "lag_days": int(lag[0]),
        "lag_months": round(float(lag[0]) / DAYS_PER_MONTH, 2),
        "leader_reached_follower_level": (from_day(reached[0]).isoformat() if behind else None),
        "follower_leads": bool(follow[0] > lead[0]),
        "tie": tie,
    }


def gap_at(
    points: pd.DataFrame, leader: str, follower: str, as_of: dt.date, tie: float = 0.0
) -> dict[str, Any]:
    """Gap and lag between two groups on one date (raises NoData when undefined)."""
    fronts = {g: frontier(points, g) for g in (leader, follower)}
    day = to_day(as_of)
    for group, front in fronts.items():
        if not len(front.days) or front.days[0] > day:
            first = from_day(front.days[0]).isoformat() if len(front.days) else None
            raise NoData(
                f"group {group!r} has no scored model on or before {as_of}"
                + (f" (its first is on {first})" if first else "")
            )
    return _record(leader, follower, fronts[leader], fronts[follower], day, tie)


def series_days(since: dt.date, until: dt.date, every: str = "daily") -> np.ndarray:
    """Evaluation days: every day, or the last day of each month (and ``until``)."""
    start, end = to_day(since), to_day(until)
    if every == "daily":
        return np.arange(start, end + 1, dtype=np.int64)
    months = pd.date_range(pd.Timestamp(since), pd.Timestamp(until), freq="ME")
    days = [to_day(m) for m in months]
    if not days or days[-1] != end:
        days.append(end)
    return np.array(days, dtype=np.int64)


def common_start(points: pd.DataFrame, leader: str, follower: str) -> dt.date:
    """First day on which both groups have a scored model."""
    fronts = [frontier(points, g) for g in (leader, follower)]
    if any(not len(f.days) for f in fronts):
        empty = [g for g, f in zip((leader, follower), fronts, strict=True) if not len(f.days)]
        raise NoData(f"group {empty[0]!r} has no scored models")
    return from_day(max(int(f.days[0]) for f in fronts))


def gap_series(
    points: pd.DataFrame, leader: str, follower: str, days: np.ndarray, tie: float = 0.0
) -> pd.DataFrame:
    """One record per evaluation day on which both groups have a model."""
    fronts = {g: frontier(points, g) for g in (leader, follower)}
    records = [
        _record(leader, follower, fronts[leader], fronts[follower], int(d), tie)
        for d in days
        if all(len(f.days) and f.days[0] <= d for f in fronts.values())
    ]
    return pd.DataFrame.from_records(records)


# ---- one row per model --------------------------------------------------------------------

# A reasoning setting appended to a model version: Epoch writes `o1-2024-12-17_high`,
# `claude-opus-4-20250514_16K` (thinking budget) or `... (24K thinking)`.
SETTING_SUFFIX = re.compile(
    r"(?:_(?:minimal|low|medium|high|xhigh|max|none|unknown|thinking|\d+k)"
    r"| \(\d+k thinking\))$",
    re.IGNORECASE,
)

ModelKey = Callable[[str], str] | Mapping[str, str] | None


def base_model(name: str) -> str:
    """The model a row belongs to: its name without host prefix, setting suffix or case.

    Conservative on purpose: only a host or organisation prefix (``fireworks/``,
    ``zai-org/``), one trailing reasoning setting (``_high``, ``_xhigh``, ``_none``,
    ``_16K``, ``_thinking``, `` (24K thinking)``) and letter case are dropped. Dates and
    other suffixes are kept, so dated snapshots (``gpt-4o-2024-05-13`` and
    ``gpt-4o-2024-08-06``) and sizes (``Qwen-1_8B``) stay distinct models.
    """
    name = str(name).strip().rsplit("/", 1)[-1]
    return SETTING_SUFFIX.sub("", name).casefold()


def _keys(models: pd.Series, model_key: ModelKey) -> np.ndarray:
    names = models.astype(str)
    if model_key is None:
        return names.to_numpy()
    if callable(model_key):
        return np.array([model_key(n) for n in names], dtype=object).astype(str)
    return np.array([model_key.get(n, n) for n in names], dtype=object).astype(str)


def collapse_models(
    points: pd.DataFrame, model_key: ModelKey = base_model, merge_same_score: bool = True
) -> pd.DataFrame:
    """One row per (model, group): the model's best score, with that row's date.

    A model is the unit of evidence, not a row: reasoning-effort variants and hosted copies
    of one model must not count as several models. ``model_key`` names the model of a row
    (a function of its name, a mapping of names, or None to take names as they are; default
    `base_model`). With ``merge_same_score``, rows of one group released on the same day
    with the same score are also one model: in Epoch's ECI every variant and hosted copy of
    a model carries that model's score and date, whatever its spelling (``deepseek-chat``
    and ``deepseek-reasoner``). Merging two genuinely distinct models this way leaves both
    frontiers unchanged; it can only make a frontier step rest on fewer models, so the
    interval errs wide rather than narrow.

    Returns columns model (the key), group, date, score, compute, rows (rows merged) and
    best_row (the name of the row whose score is kept). The caller filters the setting
    first (tools, attempts), so the best score is a like-for-like figure.
    """
    frame = points.loc[
        :, [c for c in ("model", "group", "date", "score", "compute") if c in points.columns]
    ].copy()
    if "compute" not in frame.columns:
        frame["compute"] = np.nan
    frame["date"] = pd.to_datetime(frame["date"])
    frame = frame[frame["score"].notna() & frame["date"].notna()]
    frame["best_row"] = frame["model"].astype(str)
    frame["model"] = _keys(frame["model"], model_key)
    if merge_same_score and len(frame):
        frame["model"] = _merge_same_score(frame)
    frame = frame.sort_values(
        ["group", "model", "score", "date", "best_row"],
        ascending=[True, True, False, True, True],
        kind="mergesort",
    )
    rows = frame.groupby(["group", "model"], sort=False)["model"].transform("size")
    frame = frame.assign(rows=rows.astype(int)).drop_duplicates(["group", "model"])
    return frame[["model", "group", "date", "score", "compute", "rows", "best_row"]].reset_index(
        drop=True
    )


def _merge_same_score(frame: pd.DataFrame) -> np.ndarray:
    """Union of keys sharing a (group, day, score); each set named by its smallest key."""
    parent: dict[tuple[str, str], tuple[str, str]] = {}

    def root(node: tuple[str, str]) -> tuple[str, str]:
        while parent.setdefault(node, node) != node:
            node = parent[node]
        return node

    groups = frame["group"].astype(str).to_numpy()
    keys = frame["model"].to_numpy()
    buckets = pd.Series(
        list(zip(groups, frame["date"].dt.normalize(), frame["score"].round(9), strict=True))
    )
    for _, idx in buckets.groupby(buckets).indices.items():
        nodes = sorted({(groups[i], keys[i]) for i in idx})
        for node in nodes[1:]:
            a, b = root(nodes[0]), root(node)
            if a != b:
                parent[max(a, b)] = min(a, b)
    return np.array(
        [root((g, k))[1] for g, k in zip(groups, keys, strict=True)], dtype=object
    ).astype(str)


# ---- lag at the follower's frontier events --------------------------------------------------

MIN_EVENTS = 3  # a slope from fewer follower frontier events is not a trend


def event_lags(
    points: pd.DataFrame,
    leader: str,
    follower: str,
    since: dt.date,
    until: dt.date,
    tie: float = 0.0,
    model_key: ModelKey = base_model,
    merge_same_score: bool = True,
) -> pd.DataFrame:
    """The lag at each rise of the follower's frontier in [since, until].

    One row per new follower frontier model: how many months earlier the leader had reached
    its score (0 when it is level or ahead). These are the observations behind the trend;
    the daily lag in between is a sawtooth of the same few numbers.
    """
    models = collapse_models(points, model_key, merge_same_score)
    lead, follow = frontier(models, leader), frontier(models, follower)
    days, months, steps = _events(lead, follow, to_day(since), to_day(until), tie)
    step = np.searchsorted(lead.scores, follow.scores[steps] - tie, side="left")
    behind = months > 0
    rows = models[models["group"] == follower].set_index("model")["best_row"]
    followers = follow.models[steps].astype(str)
    return pd.DataFrame(
        {
            "date": [from_day(d).isoformat() for d in days],
            "follower_model": followers,
            "follower_row": rows.reindex(followers).to_numpy(),
            "follower_score": follow.scores[steps],
            "lag_days": np.rint(months * DAYS_PER_MONTH).astype(int),
            "lag_months": np.round(months, 2),
            "leader_model": [
                str(lead.models[i]) if b else None for i, b in zip(step, behind, strict=True)
            ],
            "leader_reached_date": [
                from_day(lead.days[i]).isoformat() if b else None
                for i, b in zip(step, behind, strict=True)
            ],
        }
    )


def _events(
    lead: Frontier, follow: Frontier, start: int, end: int, tie: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Days, lags (months) and follower step indices of the events the leader can date."""
    steps = np.flatnonzero((follow.days >= start) & (follow.days <= end))
    days = follow.days[steps]
    _, lag, *_ = lag_days(lead, follow, days, tie)
    ok = ~np.isnan(lag)
    return days[ok], lag[ok] / DAYS_PER_MONTH, steps[ok]


def _slope(days: np.ndarray, months: np.ndarray, weights: np.ndarray | None = None) -> float:
    """Weighted least-squares slope of lag (months) on time (years); NaN below MIN_EVENTS."""
    if len(days) < MIN_EVENTS or days[-1] == days[0]:  # days are sorted
        return float("nan")
    w = np.ones(len(days)) if weights is None else weights.astype(float)
    years = (days - days[0]) / 365.25
    total = w.sum()
    x = years - (w @ years) / total
    y = months - (w @ months) / total
    return float((w * x) @ y / ((w * x) @ x))


@dataclass(frozen=True)
class _Pool:
    """One group's models released by the end of the window, in frontier order."""

    days: np.ndarray
    scores: np.ndarray

    @classmethod
    def of(cls, models: pd.DataFrame, group: str, end: int) -> _Pool:
        rows = models[models["group"] == group]
        days = rows["date"].to_numpy().astype("datetime64[D]").astype(np.int64)
        scores = rows["score"].to_numpy(dtype=float)
        names = rows["model"].to_numpy().astype(str)
        keep = days <= end
        days, scores, names = days[keep], scores[keep], names[keep]
        order = np.lexsort((names, -scores, days))
        return cls(days[order], scores[order])

    def frontier(self, counts: np.ndarray) -> tuple[Frontier, np.ndarray]:
        """Frontier of the drawn models (models = pool index) and each step's draw count."""
        drawn = np.flatnonzero(counts)
        scores = self.scores[drawn]
        running = np.maximum.accumulate(scores) if len(scores) else scores
        previous = np.concatenate(([-np.inf], running[:-1])) if len(scores) else scores
        step = drawn[scores > previous]
        return Frontier(self.days[step], self.scores[step], step), counts[step]


INTERVAL_METHOD = "cluster bootstrap over models within each group (percentile)"


def _trend_with_interval(
    models: pd.DataFrame,
    leader: str,
    follower: str,
    start: int,
    end: int,
    tie: float,
    n_boot: int,
    seed: int,
    level: float,
) -> dict[str, Any]:
    """Event-time trend and its cluster-bootstrap interval.

    Each replicate redraws, with replacement, as many models as each group has (released by
    ``end``), rebuilds both frontiers from the drawn models and regresses the lag at the
    replicate's follower frontier events on time, each event weighted by how often its
    model was drawn. Replicates with fewer than MIN_EVENTS events are counted as failed.
    """
    pools = (_Pool.of(models, leader, end), _Pool.of(models, follower, end))
    full = [np.ones(len(p.days), dtype=np.int64) for p in pools]
    (lead, _), (follow, _) = (p.frontier(c) for p, c in zip(pools, full, strict=True))
    days, months, _ = _events(lead, follow, start, end, tie)
    trend = _slope(days, months)
    slopes: list[float] = []
    if not np.isnan(trend) and n_boot > 0:
        rng = np.random.default_rng(seed)
        sizes = [len(p.days) for p in pools]
        for _ in range(n_boot):
            counts = [np.bincount(rng.integers(0, n, n), minlength=n) for n in sizes]
            (f_lead, _), (f_follow, weight) = (
                p.frontier(c) for p, c in zip(pools, counts, strict=True)
            )
            if not len(f_lead.days):
                continue
            b_days, b_months, b_steps = _events(f_lead, f_follow, start, end, tie)
            slope = _slope(b_days, b_months, weight[b_steps])
            if not np.isnan(slope):
                slopes.append(slope)
    tail = (1 - level) / 2
    low, high = np.quantile(slopes, [tail, 1 - tail]) if slopes else (np.nan, np.nan)
    low, high = round(float(low), 3), round(float(high), 3)  # the verdict reads what is shown
    return {
        "trend_basis": "lag at each rise of the follower's frontier",
        "events": len(days),
        "trend_months_per_year": round(trend, 3),
        "trend_low": low,
        "trend_high": high,
        "trend_interval": level,
        "trend_direction": trend_direction(low, high),
        "interval_method": INTERVAL_METHOD,
        "replicates_requested": n_boot if not np.isnan(trend) else 0,
        "bootstrap_replicates": len(slopes),
        "replicates_failed": (n_boot - len(slopes)) if not np.isnan(trend) else 0,
        "seed": seed,
        "models_leader": len(pools[0].days),
        "models_follower": len(pools[1].days),
    }


def trend_direction(low: float, high: float, threshold: float = 0.0) -> str:
    """Verdict on a trend from its interval, never from its sign alone.

    "growing" when the whole interval is above ``threshold`` (months of lag per year),
    "shrinking" when it is all below ``-threshold``, "inconclusive" when it admits both,
    and "insufficient data" when there is no interval.
    """
    if np.isnan(low) or np.isnan(high):
        return "insufficient data"
    if low > threshold:
        return "growing"
    if high < -threshold:
        return "shrinking"
    return "inconclusive"


def lag_stats(
    points: pd.DataFrame,
    leader: str,
    follower: str,
    since: dt.date,
    until: dt.date,
    tie: float = 0.0,
    n_boot: int = 1000,
    seed: int = 0,
    level: float = 0.90,
    *,
    model_key: ModelKey = base_model,
    merge_same_score: bool = True,
) -> dict[str, Any]:
    """Daily lag figures over [since, until] and the event-time trend with its interval.

    The daily figures (mean, median, min, max, follower-lead share) describe the period.
    The trend is the least-squares slope of the lag at the follower's frontier events
    against time, with a cluster-bootstrap interval over models (see
    `_trend_with_interval`); judge it by `trend_direction`, not by its sign.
    """
    if since > until:
        raise ValueError(f"since {since} is after until {until}")
    models = collapse_models(points, model_key, merge_same_score)
    days = series_days(since, until)
    fronts = {g: frontier(models, g) for g in (leader, follower)}
    gap, lag, lead, follow, _ = lag_days(fronts[leader], fronts[follower], days, tie)
    valid = ~np.isnan(lag)
    if not valid.any():
        raise NoData(
            f"{leader!r} and {follower!r} never both have a scored model between "
            f"{since} and {until}"
        )
    months = lag / DAYS_PER_MONTH
    trend = _trend_with_interval(
        models, leader, follower, to_day(since), to_day(until), tie, n_boot, seed, level
    )
    return {
        "leader": leader,
        "follower": follower,
        "since": since.isoformat(),
        "until": until.isoformat(),
        "first_day_with_both": from_day(days[valid][0]).isoformat(),
        "days_evaluated": int(valid.sum()),
        "mean_lag_months": round(float(np.nanmean(months)), 3),
        "median_lag_months": round(float(np.nanmedian(months)), 3),
        "min_lag_months": round(float(np.nanmin(months)), 3),
        "max_lag_months": round(float(np.nanmax(months)), 3),
        "mean_gap": round(float(np.nanmean(gap)), 4),
        **trend,
        "follower_lead_share": round(float(np.mean(follow[valid] > lead[valid])), 4),
        "tie": tie,
    }


def quarter_starts(first: dt.date, last: dt.date) -> list[dt.date]:
    """First days of the quarters from ``first``'s quarter on, up to ``last``."""
    start = dt.date(first.year, 3 * ((first.month - 1) // 3) + 1, 1)
    out = []
    while start <= last:
        if start >= first:
            out.append(start)
        month = start.month + 3
        start = dt.date(start.year + (month > 12), (month - 1) % 12 + 1, 1)
    return out


def trend_sensitivity(
    points: pd.DataFrame,
    leader: str,
    follower: str,
    starts: list[dt.date],
    until: dt.date,
    tie: float = 0.0,
    n_boot: int = 1000,
    seed: int = 0,
    level: float = 0.90,
    *,
    model_key: ModelKey = base_model,
    merge_same_score: bool = True,
) -> pd.DataFrame:
    """Trend and interval for each window [start, until]: does the verdict hang on the start?

    One row per start (same seed for each, so rows differ only by the window).
    """
    models = collapse_models(points, model_key, merge_same_score)
    records = []
    for start in starts:
        if start > until:
            raise ValueError(f"start {start} is after until {until}")
        trend = _trend_with_interval(
            models, leader, follower, to_day(start), to_day(until), tie, n_boot, seed, level
        )
        records.append(
            {
                "since": start.isoformat(),
                "until": until.isoformat(),
                **{
                    k: trend[k]
                    for k in (
                        "events",
                        "trend_months_per_year",
                        "trend_low",
                        "trend_high",
                        "trend_direction",
                        "bootstrap_replicates",
                        "replicates_failed",
                    )
                },
            }
        )
    return pd.DataFrame.from_records(records)


def efficiency(
    points: pd.DataFrame, groups: list[str], budgets: list[float], as_of: dt.date | None = None
) -> pd.DataFrame:
    """Best score each group reached with at most each training-compute budget (FLOP)."""
    usable = points[points["compute"].notna() & (points["compute"] > 0)]
    if as_of is not None:
        usable = usable[pd.to_datetime(usable["date"]) <= pd.Timestamp(as_of)]
    records = []
    for group in groups:
        rows = usable[usable["group"] == group]
        for budget in budgets:
            within = rows[rows["compute"] <= budget]
            if within.empty:
                records.append(
                    {
                        "group": group,
                        "max_compute_flop": budget,
                        "best_score": None,
                        "model": None,
                        "model_compute_flop": None,
                        "models": 0,
                    }
                )
                continue
            best = within.sort_values(
                ["score", "compute", "model"], ascending=[False, True, True]
            ).iloc[0]
            records.append(
                {
                    "group": group,
                    "max_compute_flop": budget,
                    "best_score": float(best["score"]),
                    "model": best["model"],
                    "model_compute_flop": float(best["compute"]),
                    "models": len(within),
                }
            )
    return pd.DataFrame.from_records(records)
