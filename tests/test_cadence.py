"""Cadence on synthetic tables whose answers were computed by hand."""

import datetime as dt

import pandas as pd
import pytest

from airace.analysis.cadence import cadence, collapse_starts, count_launches, sensitivity
from synth import EVERY, MAIN_GENERATIONS, MAIN_LAUNCHES, MAIN_VERSIONS, TABLE, releases, rule

SINCE, AS_OF = dt.date(2025, 1, 1), dt.date(2025, 6, 30)
LABS = ["lab-a", "lab-b", "lab-c"]


def by_group(result):
    return {row["group"]: row for row in result.to_dict(orient="records")}


def test_main_versions_counts_families_and_late_siblings():
    res = by_group(count_launches(TABLE, MAIN_VERSIONS, since=SINCE, as_of=AS_OF, groups=LABS))
    # a1 opens family fa; a4 opens fb; a5 is 8 days after a4, outside the 7-day span
    assert res["lab-a"]["count"] == 3
    assert res["lab-a"]["model_ids"] == ["a1", "a4", "a5"]
    assert res["lab-a"]["median_interval_days"] == 29.0  # intervals 50 and 8
    assert res["lab-a"]["days_since_last"] == 113  # 2025-03-09 -> 2025-06-30
    assert res["lab-b"]["count"] == 1
    assert pd.isna(res["lab-b"]["median_interval_days"])
    assert res["lab-b"]["days_since_last"] == 135
    # c1 is one day before the window
    assert res["lab-c"]["count"] == 0
    assert res["lab-c"]["model_ids"] == []
    assert pd.isna(res["lab-c"]["days_since_last"])


def test_main_launches_collapses_tiers_into_the_family_launch():
    res = by_group(count_launches(TABLE, MAIN_LAUNCHES, since=SINCE, as_of=AS_OF, groups=LABS))
    assert res["lab-a"]["model_ids"] == ["a1", "a4", "a5"]
    assert res["lab-a"]["collapsed_ids"] == [["a2"], [], []]
    assert res["lab-b"]["model_ids"] == ["b1"]
    assert res["lab-b"]["collapsed_ids"] == [["b2"]]


def test_generations_count_each_family_once_and_every_release_counts_all():
    gen = by_group(count_launches(TABLE, MAIN_GENERATIONS, since=SINCE, as_of=AS_OF))
    assert {k: v["count"] for k, v in gen.items()} == {"lab-a": 1, "lab-b": 1}
    every = by_group(count_launches(TABLE, EVERY, since=SINCE, as_of=AS_OF, groups=LABS))
    assert {k: v["count"] for k, v in every.items()} == {"lab-a": 6, "lab-b": 3, "lab-c": 0}


def test_window_bounds_are_inclusive():
    res = by_group(
        count_launches(
            TABLE, EVERY, since=dt.date(2025, 1, 10), as_of=dt.date(2025, 3, 9), groups=["lab-a"]
        )
    )
    assert res["lab-a"]["model_ids"] == ["a1", "a2", "a3", "a4", "a5"]
    res = by_group(
        count_launches(
            TABLE, EVERY, since=dt.date(2025, 1, 11), as_of=dt.date(2025, 3, 8), groups=["lab-a"]
        )
    )
    assert res["lab-a"]["model_ids"] == ["a2", "a3", "a4"]


def test_by_country_pools_labs():
    res = by_group(
        count_launches(TABLE, MAIN_VERSIONS, since=SINCE, as_of=AS_OF, group_by="country")
    )
    assert res["US"]["count"] == 3 and res["CN"]["count"] == 1


def test_collapse_spans_are_anchored_on_the_counted_launch():
    # launches on days 0, 5, 10, 14 of one family with a 7-day span: 0 covers 5,
    # 10 opens a new span and covers 14 -> two counted (a chain rule would give one)
    table = releases(
        [
            (f"m{d}", "lab", "US", "f", "version_step", True, f"2025-01-{1 + d:02d}")
            for d in (0, 5, 10, 14)
        ]
    )
    res = by_group(count_launches(table, MAIN_VERSIONS, since=SINCE, as_of=AS_OF))
    assert res["lab"]["model_ids"] == ["m0", "m10"]
    assert res["lab"]["collapsed_ids"] == [["m5"], ["m14"]]


def test_collapse_starts_respects_keys():
    import numpy as np

    starts = collapse_starts(np.array([0, 0, 1, 1]), np.array([0, 3, 3, 20]), 7)
    assert starts.tolist() == [True, False, True, True]
    assert collapse_starts(np.array([0, 0, 1]), np.array([0, 30, 1]), None).tolist() == [
        True,
        False,
        True,
    ]


def test_sensitivity_grid_keeps_rule_order():
    res = cadence(
        TABLE,
        [MAIN_GENERATIONS, MAIN_VERSIONS, EVERY],
        since=SINCE,
        as_of=AS_OF,
        groups=["lab-a", "lab-b"],
    )
    grid = sensitivity(res)
    assert list(grid.columns) == ["group", "gen", "ver", "every"]
    assert grid.set_index("group").loc["lab-a"].tolist() == [1, 3, 6]


def test_rule_matching_on_booleans_and_exclusions():
    not_media = rule("x")
    not_media.exclude["release_type"] = ["media", "specialist"]
    res = by_group(count_launches(TABLE, not_media, since=SINCE, as_of=AS_OF))
    assert res["lab-a"]["count"] == 5 and res["lab-b"]["count"] == 2


def test_window_after_as_of_is_rejected():
    with pytest.raises(ValueError):
        cadence(TABLE, [EVERY], since=AS_OF, as_of=SINCE)
