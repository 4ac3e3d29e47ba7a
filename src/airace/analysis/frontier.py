"""Capability frontier, gap and lag between two groups of models.

Definitions (also in `airace gap --help`):

- A group's *frontier* at date d is the best score of its models released on or before d,
  with the model that first reached it.
- The *gap* at d is the leader's frontier minus the follower's.
- The *lag* at d is how long ago the leader was where the follower is now: d minus the
  first date on which the leader's frontier reached at least (follower's frontier at d)
  minus ``tie``. It is zero when the follower is not behind (its frontier is at least the
  leader's). Months are 30.44 days.
- Period statistics evaluate the lag on every day of [since, until]; the trend is the
  least-squares slope of lag (months) against time (years), with a bootstrap interval
  that resamples models.

Input is a tidy table of points: ``model``, ``group``, ``date`` (datetime64), ``score`` and
optionally ``compute`` (training FLOP). A model in several groups has one row per group.
"""

from __future__ import annotations

import datetime as dt
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
    days = (pd.to_datetime(rows["date"]).to_numpy().astype("datetime64[D]")
            .astype(np.int64))
    return frontier_of(days, rows["score"].to_numpy(dtype=float),
                       rows["model"].to_numpy().astype(str))


def frontier_of(days: np.ndarray, scores: np.ndarray, models: np.ndarray) -> Frontier:
    """The frontier of a set of (day, score, model) points."""
    order = np.lexsort((models, -scores, days))
    days, scores, models = days[order], scores[order], models[order]
    running = np.maximum.accumulate(scores) if len(scores) else scores
    previous = np.concatenate(([-np.inf], running[:-1])) if len(scores) else scores
    step = scores > previous
    return Frontier(days[step], scores[step], models[step])


def lag_days(leader: Frontier, follower: Frontier, days: np.ndarray, tie: float = 0.0
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


def _record(leader_name: str, follower_name: str, leader: Frontier, follower: Frontier,
            day: int, tie: float) -> dict[str, Any]:
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
        "leader_reached_follower_level": (from_day(reached[0]).isoformat()
                                          if behind else None),
        "follower_leads": bool(follow[0] > lead[0]),
        "tie": tie,
    }


def gap_at(points: pd.DataFrame, leader: str, follower: str, as_of: dt.date,
           tie: float = 0.0) -> dict[str, Any]:
    """Gap and lag between two groups on one date (raises NoData when undefined)."""
    fronts = {g: frontier(points, g) for g in (leader, follower)}
    day = to_day(as_of)
    for group, front in fronts.items():
        if not len(front.days) or front.days[0] > day:
            first = from_day(front.days[0]).isoformat() if len(front.days) else None
            raise NoData(f"group {group!r} has no scored model on or before {as_of}"
                         + (f" (its first is on {first})" if first else ""))
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


def gap_series(points: pd.DataFrame, leader: str, follower: str, days: np.ndarray,
               tie: float = 0.0) -> pd.DataFrame:
    """One record per evaluation day on which both groups have a model."""
    fronts = {g: frontier(points, g) for g in (leader, follower)}
    records = [_record(leader, follower, fronts[leader], fronts[follower], int(d), tie)
               for d in days
               if all(len(f.days) and f.days[0] <= d for f in fronts.values())]
    return pd.DataFrame.from_records(records)


def _trend(days: np.ndarray, lag_months: np.ndarray) -> float:
    ok = ~np.isnan(lag_months)
    if ok.sum() < 2:
        return float("nan")
    years = (days[ok] - days[ok][0]) / 365.25
    if np.ptp(years) == 0:
        return float("nan")
    slope = np.polyfit(years, lag_months[ok], 1)[0]
    return float(slope)


def lag_stats(points: pd.DataFrame, leader: str, follower: str, since: dt.date,
              until: dt.date, tie: float = 0.0, n_boot: int = 1000, seed: int = 0,
              level: float = 0.90) -> dict[str, Any]:
    """Lag statistics over every day of [since, until] with a bootstrap trend interval."""
    if since > until:
        raise ValueError(f"since {since} is after until {until}")
    days = series_days(since, until)
    fronts = {g: frontier(points, g) for g in (leader, follower)}
    gap, lag, lead, follow, _ = lag_days(fronts[leader], fronts[follower], days, tie)
    valid = ~np.isnan(lag)
    if not valid.any():
        raise NoData(f"{leader!r} and {follower!r} never both have a scored model between "
                     f"{since} and {until}")
    months = lag / DAYS_PER_MONTH
    trend = _trend(days, months)
    rng = np.random.default_rng(seed)
    model_codes, model_names = pd.factorize(points["model"].astype(str))
    arrays = {}
    for group in (leader, follower):
        rows = (points["group"] == group).to_numpy()
        arrays[group] = (
            pd.to_datetime(points["date"][rows]).to_numpy().astype("datetime64[D]")
            .astype(np.int64),
            points["score"][rows].to_numpy(dtype=float),
            points["model"][rows].to_numpy().astype(str),
            model_codes[rows],
        )
    slopes = []
    for _ in range(n_boot):
        # a frontier depends on which models are drawn, not how often
        drawn = np.bincount(rng.integers(0, len(model_names), len(model_names)),
                            minlength=len(model_names)) > 0
        f_lead, f_follow = (
            frontier_of(*(a[drawn[arrays[g][3]]] for a in arrays[g][:3]))
            for g in (leader, follower))
        if not len(f_lead.days) or not len(f_follow.days):
            continue
        _, boot_lag, *_ = lag_days(f_lead, f_follow, days, tie)
        slope = _trend(days, boot_lag / DAYS_PER_MONTH)
        if not np.isnan(slope):
            slopes.append(slope)
    tail = (1 - level) / 2
    low, high = (np.quantile(slopes, [tail, 1 - tail]) if slopes else (np.nan, np.nan))
    first_valid = from_day(days[valid][0])
    return {
        "leader": leader,
        "follower": follower,
        "since": since.isoformat(),
        "until": until.isoformat(),
        "first_day_with_both": first_valid.isoformat(),
        "days_evaluated": int(valid.sum()),
        "mean_lag_months": round(float(np.nanmean(months)), 3),
        "median_lag_months": round(float(np.nanmedian(months)), 3),
        "min_lag_months": round(float(np.nanmin(months)), 3),
        "max_lag_months": round(float(np.nanmax(months)), 3),
        "mean_gap": round(float(np.nanmean(gap)), 4),
        "trend_months_per_year": round(trend, 3),
        "trend_low": round(float(low), 3),
        "trend_high": round(float(high), 3),
        "trend_interval": level,
        "bootstrap_replicates": len(slopes),
        "seed": seed,
        "follower_lead_share": round(float(np.mean(follow[valid] > lead[valid])), 4),
        "tie": tie,
    }


def efficiency(points: pd.DataFrame, groups: list[str], budgets: list[float],
               as_of: dt.date | None = None) -> pd.DataFrame:
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
                records.append({"group": group, "max_compute_flop": budget, "best_score": None,
                                "model": None, "model_compute_flop": None, "models": 0})
                continue
            best = within.sort_values(["score", "compute", "model"],
                                      ascending=[False, True, True]).iloc[0]
            records.append({"group": group, "max_compute_flop": budget,
                            "best_score": float(best["score"]), "model": best["model"],
                            "model_compute_flop": float(best["compute"]),
                            "models": len(within)})
    return pd.DataFrame.from_records(records)
