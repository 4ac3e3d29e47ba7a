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

from airace.schema.rules import CountingRule

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
    """Rows whose column equals the value (or one of the values; any item for list cells)."""
    values = value if isinstance(value, list) else [value]
    series = frame[column]
    first = series.dropna().iloc[0] if series.notna().any() else None
    if isinstance(first, (list, tuple, np.ndarray)):
        wanted = set(values)
        return np.fromiter(
            (
                items is not None and not isinstance(items, float) and bool(wanted & set(items))
                for items in series
            ),
            dtype=bool,
            count=len(series),
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


def day_numbers(dates: pd.Series) -> np.ndarray:
    """Days since 1970-01-01 as int64 (NaT becomes a very small number, outside any window)."""
    values = pd.to_datetime(dates).to_numpy().astype("datetime64[D]")
    out = values.astype(np.int64)
    out[np.isnat(values)] = np.iinfo(np.int64).min
    return out


def _day(value: dt.date) -> int:
    return (value - dt.date(1970, 1, 1)).days


def _codes(frame: pd.DataFrame, columns: Sequence[str], index: np.ndarray) -> np.ndarray:
    """One integer per distinct combination of the columns (rows ``index`` only)."""
    combined = np.zeros(len(index), dtype=np.int64)
    for column in columns:
        codes, uniques = pd.factorize(frame[column].to_numpy()[index], use_na_sentinel=False)
        combined = combined * (len(uniques) + 1) + codes
    return combined


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
    even with a zero count. Launches on the same day are ordered by model_id, so the result
    does not depend on row order.
    """
    day = day_numbers(releases["release_date"])
    mask = (day >= _day(since)) & (day <= _day(as_of))
    if groups is not None:
        mask &= releases[group_by].isin(list(groups)).to_numpy()
    mask &= rule_mask(releases, rule)
    index = np.flatnonzero(mask)
    ids = releases["model_id"].to_numpy()[index].astype(str)
    days = day[index]
    collapsed: dict[str, list[str]] = {}
    if rule.collapse is not None and len(index):
        keys = _codes(releases, ["org_id", *rule.collapse.by], index)
        order = np.lexsort((ids, days, keys))
        starts = collapse_starts(keys[order], days[order], rule.collapse.within_days)
        # absorbed launches point at the counted launch that opened their span
        opener = np.maximum.accumulate(np.where(starts, np.arange(len(order)), 0))
        sorted_ids = ids[order]
        absorbed = np.flatnonzero(~starts)
        for opened_by, model_id in zip(
            sorted_ids[opener[absorbed]].tolist(), sorted_ids[absorbed].tolist(), strict=True
        ):
            collapsed.setdefault(opened_by, []).append(model_id)
        keep = np.sort(order[starts])
        index, ids, days = index[keep], ids[keep], days[keep]
    group_values = releases[group_by].to_numpy()[index]
    group_codes, group_names = pd.factorize(group_values)
    order = np.lexsort((ids, days, group_codes))
    ids, days, group_codes = ids[order], days[order], group_codes[order]
    iso = np.datetime_as_string(days.astype("datetime64[D]"))
    bounds = np.flatnonzero(np.diff(group_codes)) + 1
    starts_at = np.concatenate(([0], bounds)) if len(ids) else np.array([], dtype=int)
    ends_at = np.concatenate((bounds, [len(ids)])) if len(ids) else np.array([], dtype=int)
    by_group = {
        group_names[group_codes[a]]: (a, b) for a, b in zip(starts_at, ends_at, strict=True)
    }
    wanted = list(groups) if groups is not None else sorted(by_group)
    as_of_day = _day(as_of)
    records = []
    for group in wanted:
        a, b = by_group.get(group, (0, 0))
        group_ids = ids[a:b].tolist()
        records.append(
            _record(
                group,
                rule,
                group_ids,
                days[a:b],
                iso[a:b].tolist(),
                [collapsed.get(i, []) for i in group_ids],
                as_of_day,
            )
        )
    result = pd.DataFrame.from_records(records, columns=RESULT_COLUMNS)
    result["days_since_last"] = result["days_since_last"].astype("Int64")
    return result


def _record(
    group: str,
    rule: CountingRule,
    ids: list[str],
    days: np.ndarray,
    iso: list[str],
    collapsed: list[list[str]],
    as_of_day: int,
) -> dict[str, Any]:
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
        count_launches(releases, rule, since=since, as_of=as_of, group_by=group_by, groups=groups)
        for rule in rules
    ]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=RESULT_COLUMNS)


def sensitivity(result: pd.DataFrame) -> pd.DataFrame:
    """Counts as a group x rule grid, rules in the order they were given."""
    order = list(dict.fromkeys(result["rule"]))
    grid = result.pivot(index="group", columns="rule", values="count")
    groups = list(dict.fromkeys(result["group"]))
    return grid.loc[groups, order].reset_index()
