"""Lag trend at the follower's frontier events, its model-level interval and the verdict."""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from airace.analysis import frontier as fr

D = dt.date
ECI_DIR = Path(__file__).resolve().parents[2] / "shared" / "data" / "epoch" / "eci"
TREND_KEYS = ("trend_months_per_year", "trend_low", "trend_high", "trend_direction", "events")


def points(rows: list[tuple[str, str, str, float]]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["model", "group", "date", "score"])
    frame["date"] = pd.to_datetime(frame["date"])
    frame["compute"] = np.nan
    return frame


# Leader steps each quarter; the follower reaches each leader level some weeks later.
HAND = points(
    [
        ("a", "L", "2024-01-01", 10),
        ("b", "L", "2024-04-01", 20),
        ("c", "L", "2024-07-01", 30),
        ("d", "L", "2024-10-01", 40),
        ("x", "F", "2024-03-01", 5),
        ("y", "F", "2024-06-01", 15),
        ("z", "F", "2024-10-01", 25),
        ("w", "F", "2024-12-01", 35),
    ]
)
# Events: x 03-01 (L reached 5 on 01-01: 60 days), y 06-01 (15 on 04-01: 61 days),
# z 10-01 (25 on 07-01: 92 days), w 12-01 (35 on 10-01: 61 days); event days after 03-01:
# 0, 92, 214, 275. OLS: mean x 145.25, mean y 68.5, Sxy 2276.5, Sxx 45494.75 (days/day).
HAND_SLOPE = 2276.5 / 45494.75 * 365.25 / 30.44


def test_event_lags_by_hand():
    events = fr.event_lags(HAND, "L", "F", D(2024, 1, 1), D(2024, 12, 31))
    assert events["date"].tolist() == ["2024-03-01", "2024-06-01", "2024-10-01", "2024-12-01"]
    assert events["follower_model"].tolist() == ["x", "y", "z", "w"]
    assert events["lag_days"].tolist() == [60, 61, 92, 61]
    assert events["leader_model"].tolist() == ["a", "b", "c", "d"]
    assert events["leader_reached_date"].tolist() == [
        "2024-01-01",
        "2024-04-01",
        "2024-07-01",
        "2024-10-01",
    ]


def test_trend_is_the_ols_slope_at_events_by_hand():
    stats = fr.lag_stats(HAND, "L", "F", D(2024, 1, 1), D(2024, 12, 31), n_boot=200, seed=1)
    assert stats["events"] == 4
    assert stats["trend_months_per_year"] == round(HAND_SLOPE, 3)  # 0.6 months per year
    assert stats["trend_low"] <= stats["trend_months_per_year"] <= stats["trend_high"]
    assert stats["interval_method"] == fr.INTERVAL_METHOD
    assert (stats["replicates_requested"], stats["seed"]) == (200, 1)
    assert stats["bootstrap_replicates"] + stats["replicates_failed"] == 200
    assert (stats["models_leader"], stats["models_follower"]) == (4, 4)
    # the daily figures are still there, as descriptions of the period
    for key in (
        "mean_lag_months",
        "median_lag_months",
        "min_lag_months",
        "max_lag_months",
        "mean_gap",
        "follower_lead_share",
        "days_evaluated",
        "trend_interval",
    ):
        assert key in stats
    # daily lag: 60 days on 03-01 (x at 5, reached on 01-01) is the least; the most is on
    # 09-30 (y at 15, reached on 04-01): 182 days
    assert stats["first_day_with_both"] == "2024-03-01"
    assert stats["min_lag_months"] == round(60 / 30.44, 3)
    assert stats["max_lag_months"] == round(182 / 30.44, 3)


def test_events_are_those_in_the_window_and_fewer_than_three_give_no_trend():
    table = fr.trend_sensitivity(
        HAND, "L", "F", [D(2024, 3, 1), D(2024, 6, 1), D(2024, 7, 1)], D(2024, 12, 31), n_boot=100
    )
    assert table["events"].tolist() == [4, 3, 2]
    assert table.loc[0, "trend_months_per_year"] == round(HAND_SLOPE, 3)
    # from 06-01: events y, z, w at days 0, 122, 183 with lags 61, 92, 61
    by_hand = np.polyfit(np.array([0, 122, 183]) / 365.25, np.array([61, 92, 61]) / 30.44, 1)
    assert table.loc[1, "trend_months_per_year"] == round(by_hand[0], 3)
    assert math.isnan(table.loc[2, "trend_months_per_year"])
    assert table.loc[2, "trend_direction"] == "insufficient data"
    assert table.loc[2, "bootstrap_replicates"] == 0
    with pytest.raises(ValueError, match="after until"):
        fr.trend_sensitivity(HAND, "L", "F", [D(2025, 1, 1)], D(2024, 12, 31))


def test_events_where_the_follower_is_level_or_ahead_count_as_zero_lag():
    pts = points(
        [
            ("a", "L", "2024-01-01", 50),
            ("b", "L", "2024-03-01", 60),
            ("c", "L", "2024-06-01", 70),
            ("x", "F", "2024-02-01", 45),
            ("y", "F", "2024-05-01", 60),
            ("z", "F", "2024-08-01", 75),
        ]
    )
    events = fr.event_lags(pts, "L", "F", D(2024, 1, 1), D(2024, 12, 31))
    # x: 45 reached by a on 01-01 (31 days); y: level with b (0); z: ahead of c (0)
    assert events["lag_days"].tolist() == [31, 0, 0]
    assert events["leader_model"][0] == "a"
    assert events["leader_model"].isna().tolist() == [False, True, True]
    stats = fr.lag_stats(pts, "L", "F", D(2024, 1, 1), D(2024, 12, 31), n_boot=100)
    by_hand = np.polyfit(np.array([0, 90, 182]) / 365.25, np.array([31, 0, 0]) / 30.44, 1)
    assert stats["trend_months_per_year"] == round(by_hand[0], 3)
    with pytest.raises(fr.NoData, match="never both have a scored model"):
        fr.lag_stats(pts, "L", "F", D(2023, 1, 1), D(2023, 12, 31), n_boot=10)


def test_quarter_starts():
    assert fr.quarter_starts(D(2024, 1, 1), D(2025, 7, 1)) == [
        D(2024, 1, 1),
        D(2024, 4, 1),
        D(2024, 7, 1),
        D(2024, 10, 1),
        D(2025, 1, 1),
        D(2025, 4, 1),
        D(2025, 7, 1),
    ]
    assert fr.quarter_starts(D(2024, 2, 15), D(2024, 12, 31)) == [
        D(2024, 4, 1),
        D(2024, 7, 1),
        D(2024, 10, 1),
    ]


@pytest.mark.parametrize(
    ("low", "high", "threshold", "verdict"),
    [
        (0.5, 2.0, 0.0, "growing"),
        (-3.0, -0.1, 0.0, "shrinking"),
        (-1.0, 2.0, 0.0, "inconclusive"),
        (0.0, 2.0, 0.0, "inconclusive"),  # the interval still admits no change
        (1.0, 2.0, 1.5, "inconclusive"),  # within the threshold: not a material change
        (2.0, 3.0, 1.5, "growing"),
        (-3.0, -2.0, 1.5, "shrinking"),
        (float("nan"), float("nan"), 0.0, "insufficient data"),
    ],
)
def test_trend_direction(low, high, threshold, verdict):
    assert fr.trend_direction(low, high, threshold) == verdict


# ---- one row per model ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "base"),
    [
        ("o1-2024-12-17_high", "o1-2024-12-17"),
        ("o1-2024-12-17_low", "o1-2024-12-17"),
        ("gpt-5.2-2025-12-11_xhigh", "gpt-5.2-2025-12-11"),
        ("claude-opus-4-20250514_16K", "claude-opus-4-20250514"),
        ("gemini-2.5-flash-preview-09-2025_16k", "gemini-2.5-flash-preview-09-2025"),
        ("gemini-2.5-flash-preview-04-17 (24K thinking)", "gemini-2.5-flash-preview-04-17"),
        ("DeepSeek-V3.2-Exp_thinking", "deepseek-v3.2-exp"),
        ("claude-opus-4-6_max", "claude-opus-4-6"),
        ("gpt-5.1-2025-11-13_none", "gpt-5.1-2025-11-13"),
        ("fireworks/Kimi-K2-Instruct-0905", "kimi-k2-instruct-0905"),
        ("zai-org/GLM-4.6", "glm-4.6"),
        # kept apart: dated snapshots, sizes and names that merely contain an underscore
        ("gpt-4o-2024-05-13", "gpt-4o-2024-05-13"),
        ("gpt-4o-2024-08-06", "gpt-4o-2024-08-06"),
        ("Qwen-1_8B", "qwen-1_8b"),
        ("InternVL2_5-78B", "internvl2_5-78b"),
        ("open_llama_7b", "open_llama_7b"),
        ("phi-1_5", "phi-1_5"),
    ],
)
def test_base_model_rule(name, base):
    assert fr.base_model(name) == base


def test_collapse_keeps_the_best_score_of_each_model():
    rows = points(
        [
            ("o1-2024-12-17_high", "US", "2024-12-17", 80),
            ("o1-2024-12-17_low", "US", "2024-12-17", 70),
            ("o1-2024-12-17", "CN", "2024-12-17", 60),  # same name, other group: other row
            ("gpt-4o-2024-05-13", "US", "2024-05-13", 50),
            ("gpt-4o-2024-08-06", "US", "2024-08-06", 55),
        ]
    )
    out = fr.collapse_models(rows).set_index(["group", "model"])
    assert len(out) == 4
    best = out.loc[("US", "o1-2024-12-17")]
    assert (best["score"], best["rows"], best["best_row"]) == (80, 2, "o1-2024-12-17_high")
    assert out.loc[("CN", "o1-2024-12-17"), "rows"] == 1
    assert len(fr.collapse_models(rows, model_key=None)) == 5


def test_same_day_same_score_is_one_model_unless_turned_off():
    rows = points(
        [
            ("deepseek-chat", "CN", "2025-12-01", 146.6),
            ("deepseek-reasoner", "CN", "2025-12-01", 146.6),
            ("fireworks/deepseek-v3p2", "CN", "2025-12-01", 146.6),
            ("other", "CN", "2025-12-02", 146.6),  # another day: another model
            ("gpt-x", "US", "2025-12-01", 146.6),  # another group: another model
        ]
    )
    out = fr.collapse_models(rows)
    assert sorted(out["model"]) == ["deepseek-chat", "gpt-x", "other"]
    assert out.set_index("model").loc["deepseek-chat", "rows"] == 3
    assert len(fr.collapse_models(rows, merge_same_score=False)) == 5


def test_merging_follows_chains_and_mappings():
    # A shares a (day, score) with B, B with C: one model, whose best score is kept
    rows = points(
        [
            ("A", "G", "2024-01-01", 1),
            ("B", "G", "2024-01-01", 1),
            ("B", "G", "2024-02-01", 2),
            ("C", "G", "2024-02-01", 2),
            ("C", "G", "2024-03-01", 3),
        ]
    )
    out = fr.collapse_models(rows)
    assert out[["model", "score", "rows"]].values.tolist() == [["a", 3, 5]]
    mapped = fr.collapse_models(rows, model_key={"A": "alpha"}, merge_same_score=False)
    assert sorted(mapped["model"]) == ["B", "C", "alpha"]


def test_several_rows_of_a_model_get_no_more_weight_than_one():
    # US models get effort variants and a hosted copy, CN models one row each: the figures
    # must not change (before: multi-row models survived the resampling far more often)
    base = _noisy_case()
    variants = []
    for row in base.itertuples():
        if row.group == "L":
            for suffix, minus in (("_high", 0.0), ("_low", 0.3), ("_medium", 0.1)):
                variants.append((f"{row.model}{suffix}", "L", row.date, row.score - minus))
            variants.append((f"host/{row.model.upper()}", "L", row.date, row.score))
    more = pd.concat([base, points(variants)], ignore_index=True)
    args = ("L", "F", D(2023, 6, 1), D(2027, 12, 31))
    a = fr.lag_stats(base, *args, n_boot=300, seed=4)
    b = fr.lag_stats(more, *args, n_boot=300, seed=4)
    assert {k: a[k] for k in TREND_KEYS} == {k: b[k] for k in TREND_KEYS}
    assert a["models_leader"] == b["models_leader"]
    # the test can fail: counting rows as models does change the interval
    c = fr.lag_stats(more, *args, n_boot=300, seed=4, model_key=None, merge_same_score=False)
    assert (c["trend_low"], c["trend_high"]) != (a["trend_low"], a["trend_high"])


# ---- synthetic lag paths ----------------------------------------------------------------------

BASE = pd.Timestamp("2023-01-01")


def lagged(gaps: list[int], lags: list[int], buffer: int = 0) -> tuple[pd.DataFrame, D, D]:
    """Follower model i on event day e_i reaches a level the leader reached lags[i] earlier.

    Leader model i (score i + 1) on e_i - lags[i]; follower model i (score i + 0.5) on e_i,
    so the lag at event i is lags[i]. ``buffer`` more leader models just after the last one
    keep the leader ahead when its newest models are left out of a replicate.
    """
    event = np.cumsum(gaps)
    rows = []
    for i, (day, lag) in enumerate(zip(event, lags, strict=True)):
        rows.append((f"l{i}", "L", BASE + pd.Timedelta(days=int(day - lag)), i + 1.0))
        rows.append((f"f{i}", "F", BASE + pd.Timedelta(days=int(day)), i + 0.5))
    last = int(event[-1] - lags[-1])
    rows += [
        (f"b{j}", "L", BASE + pd.Timedelta(days=last + 1 + j), len(gaps) + 1.0 + j)
        for j in range(buffer)
    ]
    frame = pd.DataFrame(rows, columns=["model", "group", "date", "score"])
    start, end = (BASE + pd.Timedelta(days=int(d)) for d in (event[0], event[-1]))
    return frame, start.date(), end.date()


def linear_lags(gaps: list[int], first_lag: float, k: float) -> list[int] | None:
    """Lags growing by k months per year of event time; None when the path is impossible."""
    event = np.cumsum(gaps)
    lags = np.rint(first_lag + k * 30.44 / 365.25 * (event - event[0])).astype(int)
    if lags.min() < 5 or np.any(np.diff(event - lags) <= 0):
        return None  # the leader would step back in time
    return [int(v) for v in lags]


def _noisy_case() -> pd.DataFrame:
    rng = np.random.default_rng(11)
    gaps = [400, *rng.integers(25, 90, 17).tolist()]
    lags = rng.integers(60, 300, 18).tolist()
    event = np.cumsum(gaps)
    for i in range(1, len(lags)):  # keep the leader's steps in date order
        lags[i] = min(lags[i], int(event[i] - (event[i - 1] - lags[i - 1])) - 1)
    frame, *_ = lagged(gaps, lags, buffer=2)
    return frame


gap_lists = st.lists(st.integers(20, 60), min_size=6, max_size=16).map(lambda g: [400, *g])


@settings(max_examples=25, deadline=None)
@given(gap_lists, st.integers(30, 400), st.booleans())
def test_constant_lag_gives_an_interval_containing_zero(gaps, lag, buffer):
    frame, start, end = lagged(gaps, [lag] * len(gaps), buffer=3 if buffer else 0)
    stats = fr.lag_stats(frame, "L", "F", start, end, n_boot=200, seed=0)
    assert stats["trend_months_per_year"] == 0
    assert stats["trend_low"] <= 0 <= stats["trend_high"]
    assert stats["trend_direction"] != "growing" and stats["trend_direction"] != "shrinking"


@settings(max_examples=25, deadline=None)
@given(gap_lists, st.floats(60, 700), st.floats(-24, 11), st.booleans())
def test_linear_lag_interval_contains_its_slope(gaps, first_lag, k, buffer):
    lags = linear_lags(gaps, first_lag, k)
    assume(lags is not None)
    frame, start, end = lagged(gaps, lags, buffer=3 if buffer else 0)
    stats = fr.lag_stats(frame, "L", "F", start, end, n_boot=200, seed=0)
    assert stats["trend_months_per_year"] == pytest.approx(k, abs=0.1)  # lags rounded to days
    assert stats["trend_low"] - 0.1 <= k <= stats["trend_high"] + 0.1


@settings(max_examples=20, deadline=None)
@given(
    st.lists(st.integers(20, 60), min_size=12, max_size=24).map(lambda g: [400, *g]),
    st.floats(200, 700),
    st.one_of(st.floats(-24, -6), st.floats(6, 11)),
)
def test_a_steep_lag_trend_with_enough_events_excludes_zero(gaps, first_lag, k):
    lags = linear_lags(gaps, first_lag, k)
    assume(lags is not None)
    frame, start, end = lagged(gaps, lags, buffer=3)
    stats = fr.lag_stats(frame, "L", "F", start, end, n_boot=200, seed=0)
    assert stats["trend_low"] - 0.1 <= k <= stats["trend_high"] + 0.1
    assert stats["trend_direction"] == ("growing" if k > 0 else "shrinking")


def test_interval_is_stable_in_the_number_of_replicates():
    frame = _noisy_case()
    args = ("L", "F", D(2023, 6, 1), D(2027, 12, 31))
    for seed in (0, 1):
        small = fr.lag_stats(frame, *args, n_boot=1000, seed=seed)
        large = fr.lag_stats(frame, *args, n_boot=5000, seed=seed)
        width = large["trend_high"] - large["trend_low"]
        assert width > 0
        assert abs(small["trend_low"] - large["trend_low"]) < 0.1 * width
        assert abs(small["trend_high"] - large["trend_high"]) < 0.1 * width


def test_same_seed_same_figures():
    frame = _noisy_case()
    args = ("L", "F", D(2023, 6, 1), D(2027, 12, 31))
    assert fr.lag_stats(frame, *args, n_boot=300, seed=9) == fr.lag_stats(
        frame, *args, n_boot=300, seed=9
    )


# ---- real data --------------------------------------------------------------------------------


def eci_points() -> pd.DataFrame:
    files = sorted(ECI_DIR.glob("*.csv")) if ECI_DIR.is_dir() else []
    if not files:
        pytest.skip(f"Epoch ECI file not found under {ECI_DIR} (shared data folder absent)")
    raw = pd.read_csv(files[0])
    groups = {"United States of America": "US", "China": "CN"}
    raw = raw[raw["Country"].isin(groups) & raw["ECI Score"].notna() & raw["Release date"].notna()]
    return pd.DataFrame(
        {
            "model": raw["Model version"],
            "group": raw["Country"].map(groups),
            "date": pd.to_datetime(raw["Release date"]),
            "score": raw["ECI Score"],
            "compute": raw["Training compute (FLOP)"],
        }
    )


@pytest.mark.parametrize(
    ("since", "until"), [(D(2023, 1, 1), D(2025, 12, 31)), (D(2024, 3, 3), D(2026, 3, 3))]
)
def test_real_eci_trend_has_a_sane_interval(since, until):
    pts = eci_points()
    stats = fr.lag_stats(pts, "US", "CN", since, until, n_boot=1000, seed=0)
    print(
        f"\nECI US vs CN {since}..{until}: {stats['events']} events, trend "
        f"{stats['trend_months_per_year']} months/year, 90% interval "
        f"{stats['trend_low']}..{stats['trend_high']} ({stats['interval_method']}, "
        f"{stats['bootstrap_replicates']} replicates, seed 0) -> {stats['trend_direction']}; "
        f"mean lag {stats['mean_lag_months']} months"
    )
    assert stats["events"] >= 5
    assert stats["trend_low"] < stats["trend_months_per_year"] < stats["trend_high"]
    assert stats["models_leader"] < len(pts[pts["group"] == "US"])  # variants collapsed
