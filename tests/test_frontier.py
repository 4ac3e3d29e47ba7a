"""Frontier, gap and lag on synthetic points with answers computed by hand."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from airace.analysis import frontier as fr

D = dt.date


def points(
    rows: list[tuple[str, str, str, float]], compute: list[float] | None = None
) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["model", "group", "date", "score"])
    frame["date"] = pd.to_datetime(frame["date"])
    frame["compute"] = compute if compute is not None else np.nan
    return frame


P = points(
    [
        ("a", "L", "2024-01-01", 50),
        ("b", "L", "2024-03-01", 60),
        ("c", "L", "2024-06-01", 70),
        ("x", "F", "2024-02-01", 45),
        ("y", "F", "2024-05-01", 60),
        ("z", "F", "2024-08-01", 75),
    ]
)


def test_gap_and_lag_by_hand():
    rec = fr.gap_at(P, "L", "F", D(2024, 7, 1))
    assert (rec["leader_model"], rec["leader_score"]) == ("c", 70)
    assert (rec["follower_model"], rec["follower_score"]) == ("y", 60)
    assert rec["gap"] == 10
    assert rec["lag_days"] == 122  # 2024-03-01 (b reached 60) -> 2024-07-01
    assert rec["lag_months"] == round(122 / 30.44, 2)
    assert rec["leader_reached_follower_level"] == "2024-03-01"
    rec = fr.gap_at(P, "L", "F", D(2024, 2, 15))
    assert rec["lag_days"] == 45 and rec["gap"] == 5


def test_follower_leading_and_level_mean_zero_lag():
    rec = fr.gap_at(P, "L", "F", D(2024, 8, 15))
    assert rec["follower_leads"] and rec["gap"] == -5 and rec["lag_days"] == 0
    assert rec["leader_reached_follower_level"] is None
    rec = fr.gap_at(P, "L", "F", D(2024, 5, 15))  # both at 60: level, not behind
    assert rec["gap"] == 0 and rec["lag_days"] == 0 and not rec["follower_leads"]


def test_tie_lowers_the_level_the_leader_must_reach():
    assert fr.gap_at(P, "L", "F", D(2024, 7, 1), tie=5)["lag_days"] == 122  # 55: b
    assert fr.gap_at(P, "L", "F", D(2024, 7, 1), tie=15)["lag_days"] == 182  # 45: a


def test_single_model_groups():
    one = points([("a", "L", "2024-01-01", 50), ("x", "F", "2024-02-01", 45)])
    rec = fr.gap_at(one, "L", "F", D(2024, 3, 1))
    assert rec["lag_days"] == 60 and rec["gap"] == 5


def test_ties_within_a_group_pick_the_earliest_then_name():
    tied = points(
        [
            ("b", "L", "2024-01-01", 50),
            ("a", "L", "2024-01-01", 50),
            ("c", "L", "2024-02-01", 50),
            ("x", "F", "2024-01-01", 40),
        ]
    )
    front = fr.frontier(tied, "L")
    assert front.models.tolist() == ["a"] and front.scores.tolist() == [50]


def test_no_data_before_the_date():
    with pytest.raises(fr.NoData, match="'L' has no scored model on or before 2023-12-31"):
        fr.gap_at(P, "L", "F", D(2023, 12, 31))
    with pytest.raises(fr.NoData, match=r"'F' has no scored model.*first is on 2024-02-01"):
        fr.gap_at(P, "L", "F", D(2024, 1, 15))


def test_daily_stats_by_hand():
    # leader at 10 from day 0; follower at 5 from day 10: on days 10..19 the lag is d days
    start = D(2024, 1, 1)
    pts = points([("a", "L", "2024-01-01", 10), ("x", "F", "2024-01-11", 5)])
    stats = fr.lag_stats(pts, "L", "F", D(2024, 1, 11), D(2024, 1, 20), n_boot=50)
    assert stats["days_evaluated"] == 10
    assert stats["mean_lag_months"] == round(14.5 / 30.44, 3)
    assert stats["min_lag_months"] == round(10 / 30.44, 3)
    assert stats["max_lag_months"] == round(19 / 30.44, 3)
    # the trend is fitted at the follower's frontier events, not on the daily sawtooth:
    # one event (x on 01-11) gives no trend (was: the slope of the daily ramp, 12 months/year)
    assert stats["events"] == 1 and np.isnan(stats["trend_months_per_year"])
    assert stats["trend_direction"] == "insufficient data"
    assert stats["follower_lead_share"] == 0
    assert start < D(2024, 1, 11)


def test_stats_follower_lead_share_and_seed_reproducibility():
    a = fr.lag_stats(P, "L", "F", D(2024, 2, 1), D(2024, 8, 31), n_boot=200, seed=3)
    b = fr.lag_stats(P, "L", "F", D(2024, 2, 1), D(2024, 8, 31), n_boot=200, seed=3)
    assert a == b
    # follower leads from 2024-08-01 to 2024-08-31: 31 of 213 days
    assert a["follower_lead_share"] == round(31 / 213, 4)
    assert a["trend_low"] <= a["trend_months_per_year"] <= a["trend_high"] or np.isnan(
        a["trend_low"]
    )


def test_series_daily_and_monthly():
    days = fr.series_days(D(2024, 1, 30), D(2024, 4, 10), "monthly")
    assert [fr.from_day(d).isoformat() for d in days] == [
        "2024-01-31",
        "2024-02-29",
        "2024-03-31",
        "2024-04-10",
    ]
    series = fr.gap_series(P, "L", "F", days, 0)
    assert series["as_of"].tolist() == ["2024-02-29", "2024-03-31", "2024-04-10"]  # F from 02-01
    # F stays at 45 (x) all along, which L reached on 01-01: lag = days since 01-01
    assert series["lag_days"].tolist() == [59, 90, 100]


def test_efficiency():
    pts = points(
        [("a", "L", "2024-01-01", 50), ("b", "L", "2024-02-01", 70), ("x", "F", "2024-01-01", 65)],
        compute=[1e24, 1e25, 3e24],
    )
    table = fr.efficiency(pts, ["L", "F"], [5e24, 2e25])
    got = {
        (r["group"], r["max_compute_flop"]): (r["best_score"], r["model"])
        for r in table.to_dict(orient="records")
    }
    assert got == {
        ("L", 5e24): (50, "a"),
        ("L", 2e25): (70, "b"),
        ("F", 5e24): (65, "x"),
        ("F", 2e25): (65, "x"),
    }


# ---- invariants -------------------------------------------------------------------------

model_points = st.lists(
    st.tuples(st.sampled_from(["L", "F"]), st.integers(0, 300), st.integers(0, 100)),
    min_size=1,
    max_size=30,
)


def _frame(rows):
    return points(
        [
            (
                f"m{i}",
                g,
                (pd.Timestamp("2024-01-01") + pd.Timedelta(days=d)).date().isoformat(),
                float(s),
            )
            for i, (g, d, s) in enumerate(rows)
        ]
    )


DAYS = fr.series_days(D(2024, 1, 1), D(2024, 12, 31))


@settings(max_examples=80, deadline=None)
@given(model_points)
def test_frontier_never_decreases(rows):
    for group in ("L", "F"):
        _, best = fr.frontier(_frame(rows), group).best_at(DAYS)
        seen = best[~np.isnan(best)]
        assert np.all(np.diff(seen) >= 0)


@settings(max_examples=80, deadline=None)
@given(model_points, st.floats(0, 20))
def test_same_group_has_zero_gap_and_lag(rows, tie):
    front = fr.frontier(_frame(rows), "L")
    gap, lag, *_ = fr.lag_days(front, front, DAYS, tie)
    ok = ~np.isnan(lag)
    assert np.all(gap[ok] == 0) and np.all(lag[ok] == 0)


@settings(max_examples=80, deadline=None)
@given(model_points, st.integers(0, 300), st.integers(0, 100), st.floats(0, 10))
def test_adding_models_moves_lag_the_right_way(rows, day, score, tie):
    base = _frame(rows)
    extra_date = pd.Timestamp("2024-01-01") + pd.Timedelta(days=day)

    def lag(frame):
        _, out, *_ = fr.lag_days(fr.frontier(frame, "L"), fr.frontier(frame, "F"), DAYS, tie)
        return out

    before = lag(base)
    for group, direction in (("F", -1), ("L", 1)):
        more = pd.concat(
            [base, points([("new", group, extra_date.date().isoformat(), float(score))])],
            ignore_index=True,
        )
        after = lag(more)
        both = ~np.isnan(before) & ~np.isnan(after)
        if direction < 0:
            assert np.all(after[both] <= before[both])
        else:
            assert np.all(after[both] >= before[both])


@settings(max_examples=50, deadline=None)
@given(model_points, st.randoms(use_true_random=False))
def test_row_order_does_not_matter(rows, rnd):
    frame = _frame(rows)
    shuffled = frame.sample(frac=1, random_state=rnd.randint(0, 9999))
    for group in ("L", "F"):
        a, b = fr.frontier(frame, group), fr.frontier(shuffled, group)
        assert a.days.tolist() == b.days.tolist() and a.models.tolist() == b.models.tolist()
