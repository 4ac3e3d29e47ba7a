"""Invariants of cadence that must hold for any release table (hypothesis)."""

import datetime as dt
import itertools

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from airace.analysis.cadence import count_launches
from synth import releases, rule

TYPES = [
    "new_generation",
    "version_step",
    "point_update",
    "reasoning_variant",
    "tier",
    "specialist",
    "media",
]
START = dt.date(2025, 1, 1)

row = st.tuples(
    st.sampled_from(["a", "b", "c"]),
    st.sampled_from(["f1", "f2", "f3"]),
    st.sampled_from(TYPES),
    st.booleans(),
    st.integers(min_value=0, max_value=200),
)
tables = st.lists(row, min_size=0, max_size=40)


def make(rows):
    return releases(
        [
            (
                f"m{i}",
                org,
                "US" if org != "c" else "CN",
                f"{org}-{fam}",
                typ,
                main,
                (START + dt.timedelta(days=day)).isoformat(),
            )
            for i, (org, fam, typ, main, day) in enumerate(rows)
        ]
    )


def counts(frame, r, since, as_of):
    res = count_launches(frame, r, since=since, as_of=as_of, groups=["a", "b", "c"])
    return dict(zip(res["group"], res["count"], strict=True))


RULES = [
    rule("gen", ["new_generation"], main=True, within=None),
    rule("ver", ["new_generation", "version_step"], main=True, within=7),
    rule(
        "launch",
        ["new_generation", "version_step", "reasoning_variant", "tier"],
        main=True,
        within=7,
    ),
    rule("named", ["new_generation", "version_step", "reasoning_variant", "tier"]),
    rule("every"),
]


@settings(max_examples=60, deadline=None)
@given(tables, st.randoms(use_true_random=False))
def test_counts_do_not_depend_on_row_order(rows, rnd):
    frame = make(rows)
    shuffled = frame.sample(frac=1, random_state=rnd.randint(0, 10_000)).reset_index(drop=True)
    end = START + dt.timedelta(days=200)
    for r in RULES:
        a = count_launches(frame, r, since=START, as_of=end, groups=["a", "b", "c"])
        b = count_launches(shuffled, r, since=START, as_of=end, groups=["a", "b", "c"])
        pd.testing.assert_frame_equal(a, b)


@settings(max_examples=60, deadline=None)
@given(tables, st.integers(min_value=1, max_value=199))
def test_adjacent_windows_add_up_without_collapsing(rows, split):
    frame = make(rows)
    mid = START + dt.timedelta(days=split)
    end = START + dt.timedelta(days=200)
    for r in (RULES[3], RULES[4]):  # the rules without collapsing
        left = counts(frame, r, START, mid - dt.timedelta(days=1))
        right = counts(frame, r, mid, end)
        whole = counts(frame, r, START, end)
        assert {k: left[k] + right[k] for k in whole} == whole


@settings(max_examples=60, deadline=None)
@given(tables)
def test_looser_nested_rules_never_count_fewer(rows):
    frame = make(rows)
    end = START + dt.timedelta(days=200)
    results = [counts(frame, r, START, end) for r in RULES]
    for strict, loose in itertools.pairwise(results):
        for lab in strict:
            assert loose[lab] >= strict[lab]


@settings(max_examples=40, deadline=None)
@given(tables, row)
def test_adding_a_release_never_lowers_a_count(rows, extra):
    end = START + dt.timedelta(days=200)
    before = [counts(make(rows), r, START, end) for r in RULES]
    after = [counts(make([*rows, extra]), r, START, end) for r in RULES]
    for b, a in zip(before, after, strict=True):
        assert all(a[k] >= b[k] for k in b)
