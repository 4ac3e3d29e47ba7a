"""Compute efficiency: score against training compute, on synthetic points with answers
computed by hand, then through the service with a small fake data provider."""

from __future__ import annotations

import datetime as dt
import math

import pandas as pd
import pytest

from airace.analysis import efficiency as eff
from airace.errors import AiraceError
from airace.service.compute_efficiency import compute_efficiency, efficiency_values
from airace.service.points import Points
from airace.service.result import Source

# US: a (1e24, 50), b (1e25, 60), c (1e26, 55: more compute, lower score), d (70, no compute)
# CN: x (1e23, 50), y (3e24, 65)
ROWS = [
    ("a", "US", "2024-01-01", 50.0, 1e24),
    ("b", "US", "2024-06-01", 60.0, 1e25),
    ("c", "US", "2024-09-01", 55.0, 1e26),
    ("d", "US", "2025-01-01", 70.0, None),
    ("x", "CN", "2024-03-01", 50.0, 1e23),
    ("y", "CN", "2024-12-01", 65.0, 3e24),
]
GROUPS = ["US", "CN"]


def points() -> pd.DataFrame:
    frame = pd.DataFrame(ROWS, columns=["model", "group", "date", "score", "compute"])
    frame["date"] = pd.to_datetime(frame["date"])
    return frame


def test_coverage_counts_models_without_compute():
    table = eff.coverage(points(), GROUPS).set_index("group")
    assert table.loc["US"].tolist() == [4, 3, 0.25]
    assert table.loc["CN"].tolist() == [2, 2, 0.0]


def test_compute_points_are_placed_on_log10_flop():
    table = eff.compute_points(points(), GROUPS)
    assert table["model"].tolist() == ["x", "y", "a", "b", "c"]  # group CN first, by compute
    assert table.set_index("model").loc["y", "log10_compute"] == round(math.log10(3e24), 4)
    assert "d" not in set(table["model"])


def test_frontier_keeps_only_models_that_raise_the_best_score():
    table = eff.efficiency_frontier(points(), GROUPS)
    us = table[table["group"] == "US"]
    assert us["model"].tolist() == ["a", "b"]  # c used more compute for a lower score
    assert us["best_score"].tolist() == [50.0, 60.0]
    assert us["log10_compute"].tolist() == [24.0, 25.0]
    cn = table[table["group"] == "CN"]
    assert cn["model"].tolist() == ["x", "y"] and cn["date"].tolist() == [
        "2024-03-01",
        "2024-12-01",
    ]


def test_compute_to_reach_default_levels_and_ratio():
    table = eff.compute_to_reach(points(), GROUPS)
    # levels: frontier steps up to min(best US 60, best CN 65) = 60
    assert table["score_level"].tolist() == [50.0, 60.0]
    first = table.iloc[0]
    assert first["US_min_compute"] == 1e24 and first["CN_min_compute"] == 1e23
    assert first["compute_ratio"] == pytest.approx(10.0)
    assert first["log10_compute_ratio"] == 1.0
    second = table.iloc[1]
    assert second["US_min_compute_model"] == "b" and second["CN_min_compute_model"] == "y"
    assert second["compute_ratio"] == pytest.approx(1e25 / 3e24)
    assert second["log10_compute_ratio"] == round(math.log10(1e25 / 3e24), 4)  # 0.5229
    summary = eff.ratio_summary(table)
    assert summary["levels_compared"] == 2
    assert summary["median"] == pytest.approx((1.0 + 0.5229) / 2, abs=1e-4)
    assert (summary["min"], summary["max"]) == (0.5229, 1.0)


def test_levels_reached_and_not_reached():
    # level 55: US reached it with b (1e25, 2024-06-01) and c (1e26, 2024-09-01)
    table = eff.compute_to_reach(points(), GROUPS, levels=[55, 70])
    row = table.iloc[0]
    assert row["US_min_compute_model"] == "b" and row["US_first_model"] == "b"
    assert row["US_first_date"] == "2024-06-01" and row["US_first_compute"] == 1e25
    # level 70: only d, which has no compute; CN never reached it
    none = table.iloc[1]
    assert none["US_min_compute"] is None and none["CN_min_compute"] is None
    assert none["compute_ratio"] is None and none["US_first_model"] is None


def test_first_model_is_earliest_not_cheapest():
    frame = pd.concat(
        [
            points(),
            pd.DataFrame(
                [("z", "CN", "2024-01-15", 52.0, 5e23)],
                columns=["model", "group", "date", "score", "compute"],
            ).assign(date=lambda f: pd.to_datetime(f["date"])),
        ]
    )
    row = eff.compute_to_reach(frame, GROUPS, levels=[50]).iloc[0]
    assert row["CN_first_model"] == "z" and row["CN_first_compute"] == 5e23
    assert row["CN_min_compute_model"] == "x"


def test_as_of_drops_later_models():
    table = eff.compute_to_reach(points(), GROUPS, as_of=dt.date(2024, 6, 30))
    # by then: US a, b; CN x. Levels up to min(60, 50) = 50.
    assert table["score_level"].tolist() == [50.0]
    assert table.iloc[0]["log10_compute_ratio"] == 1.0
    cover = eff.coverage(points(), GROUPS, as_of=dt.date(2024, 6, 30)).set_index("group")
    assert cover.loc["US", "models"] == 2 and cover.loc["CN", "models"] == 1


# --- service ------------------------------------------------------------------------------


class FakeData:
    """The parts of the Data provider compute_efficiency reads."""

    def __init__(self, frame: pd.DataFrame, field_sources: pd.DataFrame) -> None:
        self.frame = frame
        self.fs = field_sources

    def points(self, metric, groups, source=None, snapshot=None, multi_country="each",
               evaluator="any"):  # fmt: skip
        return Points(
            self.frame,
            metric,
            "curated",
            [Source(producer="test", title="scores", licence="CC0", table="scores")],
        )

    def table(self, name: str) -> pd.DataFrame:
        assert name == "field_sources"
        return self.fs

    def table_source(self, table: str, frame: pd.DataFrame | None = None) -> Source:
        return Source(producer="test", title=table, licence="CC0", table=table)

    def snapshot(self, source: str, snapshot: str | None = None):
        raise AiraceError(f"no snapshot of {source} imported")


def fake() -> FakeData:
    fs = pd.DataFrame(
        [("releases", m, "training_compute_flop") for m in ["a", "b", "c", "x"]],
        columns=["table", "row_id", "field"],
    )
    return FakeData(points(), fs)


def test_service_result_has_sources_coverage_and_views():
    result = compute_efficiency(fake(), metric="m", as_of=dt.date(2026, 1, 1))
    assert [r["score_level"] for r in result.records] == [50.0, 60.0]
    assert result.records[0]["groups"] == "country:US,CN"
    assert {s.table for s in result.sources} == {"scores", "field_sources"}
    assert result.summary["coverage"][0] == {
        "group": "US",
        "models": 4,
        "with_compute": 3,
        "share_lacking_compute": 0.25,
    }
    assert result.summary["compute_sources"] == {"curated": 5}
    assert any("without a method row in field_sources: y" in c for c in result.caveats)
    assert any("1 of 4 scored models (25%)" in c for c in result.caveats)
    frontier = compute_efficiency(fake(), metric="m", view="frontier", as_of=dt.date(2026, 1, 1))
    assert [r["model"] for r in frontier.records] == ["a", "b", "x", "y"]


def test_service_rejects_bad_input():
    with pytest.raises(AiraceError, match="--metric is required"):
        compute_efficiency(fake(), metric=None)
    with pytest.raises(AiraceError, match="--view"):
        compute_efficiency(fake(), metric="m", view="chart")


def test_ledger_values():
    out = efficiency_values({"metric": "m", "as_of": "2026-01-01"}, fake())
    assert out["values"][None]["levels_compared"] == 2
    assert out["values"][None]["median_log10_compute_ratio"] == pytest.approx(0.76145, abs=1e-4)
    assert out["values"]["US"]["share_lacking_compute"] == 0.25
    assert len(out["evidence"]) == 2 and out["sources"]
