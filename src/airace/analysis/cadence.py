"""Release cadence: how many launches each lab (or country) made in a window, by rule.

The counting rule decides the answer, so the result always says which rule produced each
count and which launches are behind it.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from airace.rules import CountingRule

RESULT_COLUMNS = [
    "group",
    "rule",
    "count",
    "model_ids",
    "release_dates",
    "collapsed_ids",
    "median_interval_days",
    "days_since_last",
    "first_date",
    "last_date",
]


def _matches(frame: pd.DataFrame, column: str, value: Any) -> np.ndarray:
    values = value if isinstance(value, list) else [value]
    series = frame[column]
    if series.dtype == object and len(series) and isinstance(
        series.dropna().iloc[0] if series.notna().any() else None, (list, tuple, np.ndarray)
    ):
        wanted = set(values)
        return series.map(lambda items: items is not None and bool(wanted & set(items))).to_numpy(
            dtype=bool
        )
    return series.isin(values).to_numpy(dtype=bool)


def rule_mask(frame: pd.DataFrame, rule: CountingRule) -> np.ndarray:
    """Rows the rule's include/exclude conditions keep."""
    mask = np.ones(len(frame), dtype=bool)
    for column, value in rule.include.items():
        mask &= _matches(frame, column, value)
    for column, value in rule.exclude.items():
        mask &= ~_matches(frame, column, value)
    return mask


def collapse_starts(keys: np.ndarray, days: np.ndarray, within_days: int | None) -> np.ndarray:
    """Which launches count after collapsing, given rows sorted by (key, day).

    A counted launch opens a span of ``within_days`` days; launches of the same key inside
    that span are absorbed into it. This greedy cover is the fewest spans that cover all
    launches, so adding a launch can never lower a count (looser rules never count less).
    ``within_days=None`` counts each key once.
    """
    n = len(days)
    starts = np.zeros(n, dtype=bool)
    if n == 0:
        return starts
    new_key = np.ones(n, dtype=bool)
    new_key[1:] = keys[1:] != keys[:-1]
    if within_days is None:
        return new_key
    # Lay keys out on one number line far apart so a span never reaches the next key.
    span = int(days.max() - days.min()) + within_days + 2
    group_index = np.cumsum(new_key) - 1
    line = (group_index * span + (days - days.min())).tolist()
    i = 0
    while i < n:
        starts[i] = True
        i = bisect.bisect_right(line, line[i] + within_days, lo=i + 1)
    return starts


def count_launches(
    releases: pd.DataFrame,
    rule: CountingRule,
    *,
    since: dt.date,
    as_of: dt.date,
    group_by: str = "org_id",
    groups: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Count launches per group under one rule in the window [since, as_of].

    ``releases`` needs ``model_id``, ``org_id``, ``release_date`` (datetime64), the
    ``group_by`` column and the columns the rule names. Groups listed in ``groups`` appear
    even with a zero count.
    """
    dates = pd.to_datetime(releases["release_date"])
    in_window = ((dates >= pd.Timestamp(since)) & (dates <= pd.Timestamp(as_of))).to_numpy()
    if groups is not None:
        in_window = in_window & releases[group_by].isin(list(groups)).to_numpy()
    window = releases.loc[in_window]
    kept = window.loc[rule_mask(window, rule)].copy()
    kept["_day"] = (pd.to_datetime(kept["release_date"]) - pd.Timestamp("1970-01-01")).dt.days
    if rule.collapse is not None:
        collapse_by = ["org_id", *rule.collapse.by]
        kept = kept.sort_values([*collapse_by, "_day", "model_id"], kind="mergesort")
        key_codes = kept.groupby(collapse_by, sort=False, dropna=False).ngroup().to_numpy()
        starts = collapse_starts(key_codes, kept["_day"].to_numpy(), rule.collapse.within_days)
        # absorbed launches point at the counted launch that opened their span
        opener = np.where(starts, np.arange(len(kept)), 0)
        opener = np.maximum.accumulate(opener)
        kept["_opener"] = kept["model_id"].to_numpy()[opener]
        counted = kept.loc[starts]
        absorbed = kept.loc[~starts]
    else:
        counted, absorbed = kept, kept.iloc[0:0].assign(_opener=[])
    counted = counted.sort_values(["_day", "model_id"], kind="mergesort")
    absorbed_by_opener: dict[str, list[str]] = {}
    for opener_id, model_id in zip(absorbed["_opener"], absorbed["model_id"], strict=True):
        absorbed_by_opener.setdefault(opener_id, []).append(model_id)

    as_of_day = (pd.Timestamp(as_of) - pd.Timestamp("1970-01-01")).days
    wanted = list(groups) if groups is not None else sorted(kept[group_by].dropna().unique())
    records = []
    by_group = {key: frame for key, frame in counted.groupby(group_by, sort=False)}
    for group in wanted:
        frame = by_group.get(group)
        if frame is None or frame.empty:
            records.append(_record(group, rule, [], [], [], as_of_day))
            continue
        ids = frame["model_id"].tolist()
        days = frame["_day"].to_numpy()
        collapsed = [absorbed_by_opener.get(i, []) for i in ids]
        records.append(_record(group, rule, ids, days, collapsed, as_of_day))
    result = pd.DataFrame.from_records(records, columns=RESULT_COLUMNS)
    result["days_since_last"] = result["days_since_last"].astype("Int64")
    return result


def _record(group: str, rule: CountingRule, ids: list[str], days: Any,
            collapsed: list[list[str]], as_of_day: int) -> dict[str, Any]:
    days = np.asarray(days, dtype=np.int64)
    epoch = dt.date(1970, 1, 1)
    iso = [(epoch + dt.timedelta(days=int(d))).isoformat() for d in days]
    intervals = np.diff(days)
    return {
        "group": group,
        "rule": rule.name,
        "count": len(ids),
        "model_ids": ids,
        "release_dates": iso,
        "collapsed_ids": collapsed,
        "median_interval_days": float(np.median(intervals)) if len(intervals) else None,
        "days_since_last": int(as_of_day - days[-1]) if len(days) else None,
        "first_date": iso[0] if iso else None,
        "last_date": iso[-1] if iso else None,
    }


def cadence(
    releases: pd.DataFrame,
    rules: Sequence[CountingRule],
    *,
    since: dt.date,
    as_of: dt.date,
    group_by: str = "org_id",
    groups: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Counts for several rules stacked into one tidy table (one row per group per rule)."""
    if since > as_of:
        raise ValueError(f"window start {since} is after as_of {as_of}")
    frames = [
        count_launches(releases, rule, since=since, as_of=as_of, group_by=group_by,
                       groups=groups)
        for rule in rules
    ]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(
        columns=RESULT_COLUMNS)


def sensitivity(result: pd.DataFrame) -> pd.DataFrame:
    """Counts as a group x rule grid, rules in the order they were given."""
    order = list(dict.fromkeys(result["rule"]))
    grid = result.pivot(index="group", columns="rule", values="count")
    groups = list(dict.fromkeys(result["group"]))
    return grid.loc[groups, order].reset_index()
