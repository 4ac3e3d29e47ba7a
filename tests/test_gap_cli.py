"""`airace gap` end to end: curated scores on a fresh install, the real Epoch ECI file
checked against an independent computation, and bad input."""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path

import pytest

from conftest import data_of, import_path, run_cli, shared


def test_curated_gpqa_works_without_any_import(home: Path):
    code, out, err = run_cli(
        "gap",
        "--metric",
        "gpqa_diamond",
        "--groups",
        "country:US,CN",
        "--as-of",
        "2026-03-03",
        "--format",
        "json",
    )
    assert code == 0, err
    rec = data_of(out)[0]
    for key in (
        "as_of",
        "leader",
        "follower",
        "leader_model",
        "leader_score",
        "follower_model",
        "follower_score",
        "gap",
        "lag_days",
        "lag_months",
    ):
        assert key in rec
    assert rec["gap"] == pytest.approx(rec["leader_score"] - rec["follower_score"])
    source = json.loads(out)["sources"][0]
    assert source["licence"] == "CC BY 4.0" and source["table"] == "scores" and source["pages"]


def test_curated_series_and_stats(home: Path):
    code, out, err = run_cli(
        "gap",
        "--metric",
        "gpqa_diamond",
        "--as-of",
        "2026-03-03",
        "--series",
        "monthly",
        "--since",
        "2025-01-01",
        "--format",
        "json",
    )
    assert code == 0, err
    records = data_of(out)
    assert records[0]["as_of"] == "2025-01-31" and records[-1]["as_of"] == "2026-03-03"
    code, out, err = run_cli(
        "gap",
        "--metric",
        "gpqa_diamond",
        "--stats",
        "--since",
        "2025-01-01",
        "--until",
        "2025-12-31",
        "--bootstrap",
        "100",
        "--format",
        "json",
    )
    assert code == 0, err
    stats = data_of(out)[0]
    for key in (
        "mean_lag_months",
        "median_lag_months",
        "min_lag_months",
        "max_lag_months",
        "trend_months_per_year",
        "trend_low",
        "trend_high",
        "follower_lead_share",
    ):
        assert key in stats
    assert stats["min_lag_months"] <= stats["median_lag_months"] <= stats["max_lag_months"]


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["--metric", "iq"], "unknown metric 'iq'"),
        (["--metric", "gpqa_diamond", "--groups", "country:US,XX"], "unknown country 'XX'"),
        (["--metric", "gpqa_diamond", "--groups", "lab:openai,deepsek"], "unknown lab 'deepsek'"),
        (["--metric", "gpqa_diamond", "--groups", "planet:earth,mars"], "bad --groups"),
        (
            ["--metric", "gpqa_diamond", "--groups", "access:open,shut"],
            "unknown access group 'shut'",
        ),
        (
            ["--metric", "gpqa_diamond", "--as-of", "2020-01-01"],
            "has no scored model on or before 2020-01-01",
        ),
        (["--metric", "eci", "--source", "epoch-eci"], "no epoch-eci snapshot imported yet"),
        (["--metric", "gpqa_diamond", "--efficiency", "lots"], "bad --efficiency"),
        (["--metric", "gpqa_diamond", "--tie", "-1"], "--tie must be zero or more"),
    ],
)
def test_bad_input(home: Path, args, fragment):
    code, out, err = run_cli("gap", *args)
    assert code != 0 and out == ""
    assert fragment in err and "Traceback" not in err


def test_list_metrics(home: Path):
    code, out, _ = run_cli("gap", "--list-metrics", "--format", "json")
    assert code == 0
    metrics = {(r["metric"], r["source"]) for r in data_of(out)}
    assert ("gpqa_diamond", "curated") in metrics and ("hle", "curated") in metrics


# ---- the real Epoch ECI file, checked independently -------------------------------------


def independent_frontier(path: Path, country: str, day: str) -> tuple[float, str]:
    """Best ECI among rows released on or before ``day`` whose Country lists ``country``."""
    best, model = float("-inf"), ""
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            if not row["Release date"] or not row["ECI Score"]:
                continue
            if country in row["Country"].split(",") and row["Release date"] <= day:
                score = float(row["ECI Score"])
                if score > best:
                    best, model = score, row["Model version"]
    return best, model


def independent_reach(path: Path, country: str, level: float) -> str:
    """First release date on which a country's best ECI was at least ``level``."""
    dates = []
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            if (
                row["Release date"]
                and row["ECI Score"]
                and country in row["Country"].split(",")
                and float(row["ECI Score"]) >= level
            ):
                dates.append(row["Release date"])
    return min(dates)


@pytest.mark.integration
@pytest.mark.parametrize(
    "day", ["2024-06-30", "2025-01-20", "2025-09-01", "2026-03-03", "2026-06-16"]
)
def test_eci_gap_agrees_with_an_independent_computation(home: Path, day: str):
    path = shared("epoch", "eci", "epoch_capabilities_index.csv")
    import_path("epoch-eci", path)
    code, out, err = run_cli(
        "gap", "--metric", "eci", "--groups", "country:US,CN", "--as-of", day, "--format", "json"
    )
    assert code == 0, err
    rec = data_of(out)[0]
    us, _ = independent_frontier(path, "United States of America", day)
    cn, _ = independent_frontier(path, "China", day)
    assert rec["leader_score"] == pytest.approx(us)
    assert rec["follower_score"] == pytest.approx(cn)
    assert rec["gap"] == pytest.approx(us - cn)
    if cn < us:
        reached = independent_reach(path, "United States of America", cn)
        expected = (dt.date.fromisoformat(day) - dt.date.fromisoformat(reached)).days
        assert rec["lag_days"] == expected
    else:
        assert rec["lag_days"] == 0
    source = json.loads(out)["sources"][0]
    assert source["licence"] == "CC BY 4.0" and source["snapshot_id"].startswith("epoch-eci-")
