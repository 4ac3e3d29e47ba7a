"""Compute efficiency: score against training compute, per group of models.

The question behind it is the reader comment's premise that one country keeps level only by
spending far more compute. That is a statement about the score each group reaches *per
FLOP*, so the pure functions here answer three things on the same points (``model``,
``group``, ``date``, ``score``, ``compute`` in FLOP):

- :func:`compute_points`: each model's score against log10 training FLOP;
- :func:`efficiency_frontier`: each group's frontier, the best score reached by any of its
  models trained with at most a given compute (one row per model that raises it);
- :func:`compute_to_reach`: for given score levels, the least training compute with which
  each group reached the level (and when), the first model to reach it and its compute,
  and the leader/follower compute ratio at levels both reached.

Models without a compute figure cannot be placed; :func:`coverage` counts them per group so
the output says how much of each group the answer rests on.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence

import pandas as pd

COLUMNS = ["model", "group", "date", "score", "compute"]


def _usable(points: pd.DataFrame, as_of: dt.date | None) -> pd.DataFrame:
    rows = points[COLUMNS].copy()
    rows["date"] = pd.to_datetime(rows["date"])
    if as_of is not None:
        rows = rows[rows["date"] <= pd.Timestamp(as_of)]
    return rows[rows["score"].notna()]


def _with_compute(rows: pd.DataFrame) -> pd.DataFrame:
    return rows[rows["compute"].notna() & (rows["compute"] > 0)]


def _day(value: object) -> str | None:
    return pd.Timestamp(value).date().isoformat() if value is not None else None


def coverage(
    points: pd.DataFrame, groups: Sequence[str], as_of: dt.date | None = None
) -> pd.DataFrame:
    """Per group: scored models, how many have a compute figure, and the share lacking one."""
    rows = _usable(points, as_of)
    records = []
    for group in groups:
        mine = rows[rows["group"] == group]
        models = mine["model"].nunique()
        with_compute = _with_compute(mine)["model"].nunique()
        records.append(
            {
                "group": group,
                "models": int(models),
                "with_compute": int(with_compute),
                "share_lacking_compute": (round(1 - with_compute / models, 4) if models else None),
            }
        )
    return pd.DataFrame.from_records(
        records, columns=["group", "models", "with_compute", "share_lacking_compute"]
    )


def compute_points(
    points: pd.DataFrame, groups: Sequence[str], as_of: dt.date | None = None
) -> pd.DataFrame:
    """Models with a compute figure: group, model, date, score, compute and log10 compute."""
    rows = _with_compute(_usable(points, as_of))
    rows = rows[rows["group"].isin(list(groups))].copy()
    rows["log10_compute"] = rows["compute"].map(math.log10).round(4)
    rows = rows.sort_values(["group", "compute", "model"], kind="mergesort")
    out = rows[["group", "model", "date", "score", "compute", "log10_compute"]].reset_index(
        drop=True
    )
    out["date"] = out["date"].map(_day)
    return out


def efficiency_frontier(
    points: pd.DataFrame, groups: Sequence[str], as_of: dt.date | None = None
) -> pd.DataFrame:
    """Each group's best score at or below each compute level.

    Rows are the models that raise the group's best score as compute grows (ties in compute
    are taken best score first), so the frontier at any compute C is the last row with
    ``compute <= C``.
    """
    rows = compute_points(points, groups, as_of)
    records = []
    for group in groups:
        mine = rows[rows["group"] == group].sort_values(
            ["compute", "score", "model"], ascending=[True, False, True], kind="mergesort"
        )
        best = -math.inf
        for row in mine.itertuples(index=False):
            if row.score > best:
                best = row.score
                records.append(
                    {
                        "group": group,
                        "compute": float(row.compute),
                        "log10_compute": row.log10_compute,
                        "best_score": float(row.score),
                        "model": row.model,
                        "date": row.date,
                    }
                )
    return pd.DataFrame.from_records(
        records, columns=["group", "compute", "log10_compute", "best_score", "model", "date"]
    )


def default_levels(frontier: pd.DataFrame, groups: Sequence[str]) -> list[float]:
    """Score levels to compare at: every step of every group's frontier up to the lowest
    of the groups' best scores (above it, some group never reached the level)."""
    tops = [frontier[frontier["group"] == g]["best_score"].max() for g in groups]
    if not tops or any(pd.isna(t) for t in tops):
        return sorted(set(frontier["best_score"].tolist()))
    ceiling = min(tops)
    return sorted({s for s in frontier["best_score"].tolist() if s <= ceiling})


def compute_to_reach(
    points: pd.DataFrame,
    groups: Sequence[str],
    levels: Sequence[float] | None = None,
    as_of: dt.date | None = None,
) -> pd.DataFrame:
    """For each score level: per group, the least compute that reached it and when, and the
    first model (by date) to reach it with its compute; then ``ratio`` = first group's least
    compute / second group's (None when either never reached the level).
    """
    rows = compute_points(points, groups, as_of)
    if levels is None:
        levels = default_levels(efficiency_frontier(points, groups, as_of), groups)
    records = []
    for level in sorted(levels):
        rec: dict[str, object] = {"score_level": float(level)}
        least: list[float | None] = []
        for group in groups:
            reached = rows[(rows["group"] == group) & (rows["score"] >= level)]
            if reached.empty:
                rec.update(
                    {
                        f"{group}_min_compute": None,
                        f"{group}_min_compute_model": None,
                        f"{group}_min_compute_date": None,
                        f"{group}_first_model": None,
                        f"{group}_first_date": None,
                        f"{group}_first_compute": None,
                    }
                )
                least.append(None)
                continue
            cheapest = reached.sort_values(["compute", "date", "model"], kind="mergesort").iloc[0]
            first = reached.sort_values(["date", "compute", "model"], kind="mergesort").iloc[0]
            rec.update(
                {
                    f"{group}_min_compute": float(cheapest["compute"]),
                    f"{group}_min_compute_model": cheapest["model"],
                    f"{group}_min_compute_date": cheapest["date"],
                    f"{group}_first_model": first["model"],
                    f"{group}_first_date": first["date"],
                    f"{group}_first_compute": float(first["compute"]),
                }
            )
            least.append(float(cheapest["compute"]))
        a, b = [*least, None, None][:2]
        rec["compute_ratio"] = a / b if a is not None and b is not None and b > 0 else None
        rec["log10_compute_ratio"] = (
            round(math.log10(a / b), 4) if a is not None and b is not None and b > 0 else None
        )
        records.append(rec)
    out = pd.DataFrame.from_records(records)
    return out.astype(object).where(out.notna(), None)  # unreached levels: None, not NaN


def ratio_summary(table: pd.DataFrame) -> dict[str, float | int | None]:
    """Median, min and max of log10(first group's compute / second's) over the levels both
    groups reached: positive means the first group needed more compute."""
    if table.empty or "log10_compute_ratio" not in table:
        return {"levels_compared": 0, "median": None, "min": None, "max": None}
    values = pd.to_numeric(table["log10_compute_ratio"], errors="coerce").dropna()
    if values.empty:
        return {"levels_compared": 0, "median": None, "min": None, "max": None}
    return {
        "levels_compared": len(values),
        "median": round(float(values.median()), 4),
        "min": round(float(values.min()), 4),
        "max": round(float(values.max()), 4),
    }
