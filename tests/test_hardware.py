"""Hardware arithmetic on synthetic chips and systems (hand-computed) and on the real rows."""

from __future__ import annotations

import datetime as dt
import math

import pandas as pd
import pytest

from airace.analysis.budget import budget
from airace.analysis.compute_share import compute_share
from airace.analysis.hardware import MissingFigure, Unit, classify, compare
from conftest import data_of, run_cli


def chip(cid: str, **values) -> Unit:
    return Unit(
        cid,
        "chip",
        cid,
        {"chip_id": cid, **values},
        {"_row": {"source_url": f"https://example.org/{cid}"}},
    )


def system(sid: str, chip_row: Unit, **values) -> Unit:
    return Unit(
        sid,
        "system",
        sid,
        {"system_id": sid, "chip_id": chip_row.id, **values},
        {"_row": {"source_url": f"https://example.org/{sid}"}},
        chip_row.values,
    )


FAST = chip(
    "fast",
    dense_bf16_flops=2e15,
    sparse_bf16_flops=4e15,
    dense_fp8_flops=4e15,
    hbm_capacity_gb=192,
    hbm_bandwidth_tb_s=8,
    tdp_w=1000,
    price_usd_low=30000,
    price_usd_high=40000,
    die_area_mm2=800,
)
SLOW = chip(
    "slow",
    dense_bf16_flops=5e14,
    hbm_capacity_gb=128,
    hbm_bandwidth_tb_s=3.2,
    tdp_w=500,
    price_usd_low=10000,
    price_usd_high=10000,
)
RACK = system(
    "rack",
    FAST,
    chip_count=72,
    cabinets_total=1,
    cabinets_compute=1,
    it_power_kw=120,
    all_in_power_kw=150,
    dense_bf16_flops=1.44e17,
    floor_area_m2=2.0,
)
POD = system(
    "pod",
    SLOW,
    chip_count=400,
    cabinets_total=16,
    cabinets_compute=12,
    all_in_power_kw=600,
    floor_area_m2=40,
)  # compute derived: 400 x 5e14 = 2e17


def test_system_comparison_by_hand():
    rec = compare(RACK, POD, precision="bf16")
    assert rec["base_compute_flops"] == 1.44e17 and rec["other_compute_flops"] == 2e17
    assert rec["units_ratio"] == pytest.approx(0.72)  # 1.44e17 / 2e17 pods per rack
    assert rec["chips_ratio"] == pytest.approx(0.72 * 400 / 72)
    assert rec["cabinets_ratio"] == pytest.approx(0.72 * 16)
    assert rec["compute_cabinets_ratio"] == pytest.approx(0.72 * 12)
    assert rec["power_ratio"] == pytest.approx(0.72 * 600 / 150)
    assert rec["floor_area_ratio"] == pytest.approx(0.72 * 40 / 2)
    assert rec["cost_ratio"] is None
    assert any("price" in m for m in rec["missing"])
    derived = [i for i in rec["inputs"] if i["unit"] == "pod" and i["field"] == "dense_bf16_flops"]
    assert derived and derived[0]["how"].startswith("derived: 400 x slow")


def test_it_power_missing_is_reported_not_invented():
    rec = compare(RACK, POD, precision="bf16", power_basis="it")
    assert rec["power_ratio"] is None
    assert "it power: unpublished for pod" in rec["missing"]


def test_chip_comparison_memory_and_cost():
    rec = compare(FAST, SLOW, basis="memory-bandwidth")
    assert rec["units_ratio"] == pytest.approx(8 / 3.2)
    assert rec["power_ratio"] is None  # chips have no all-in power
    rec = compare(FAST, SLOW, basis="compute", power_basis="it")
    assert rec["units_ratio"] == 4
    assert rec["power_ratio"] == pytest.approx(4 * 0.5 / 1.0)
    assert rec["cost_ratio"] == pytest.approx(4 * 10000 / 35000)


def test_sparse_and_missing_precision():
    rec = compare(FAST, FAST, precision="bf16", sparse=True)
    assert rec["base_compute_flops"] == 4e15 and rec["units_ratio"] == 1
    with pytest.raises(
        MissingFigure,
        match=r"dense_fp8_flops of slow is unpublished.*"
        "dense compute at bf16",
    ):
        compare(FAST, SLOW, precision="fp8")


def test_classification_thresholds():
    # TPP = dense TOPS x bits: 2e15 BF16 -> 2000 x 16 = 32000 -> 3A090.a
    assert classify(FAST)["eccn"] == "3A090.a"
    h20_like = chip("h20ish", dense_bf16_flops=1.48e14, dense_fp8_flops=2.96e14, die_area_mm2=814)
    rec = classify(h20_like)
    assert rec["tpp"] == 2368 and rec["performance_density"] == pytest.approx(2.909, 1e-3)
    assert rec["eccn"] == "none"
    b1 = chip("b1", dense_fp8_flops=3.5e14, die_area_mm2=1000)  # TPP 2800, PD 2.8
    assert classify(b1)["eccn"] == "3A090.b"
    b2 = chip("b2", dense_fp8_flops=2.5e14, die_area_mm2=500)  # TPP 2000, PD 4.0
    assert classify(b2)["eccn"] == "3A090.b"
    a2 = chip("a2", dense_fp8_flops=2.5e14, die_area_mm2=300)  # TPP 2000, PD 6.67
    assert classify(a2)["eccn"] == "3A090.a"
    low = chip("low", dense_fp8_flops=1e14)  # TPP 800
    assert classify(low)["eccn"] == "none"
    unknown_area = chip("u", dense_fp8_flops=3e14)  # TPP 2400, no die area
    assert classify(unknown_area)["eccn"] == "undetermined"


def test_budget_by_hand():
    runs = pd.DataFrame(
        {
            "model_id": ["big", "small"],
            "model_name": ["Big", "Small"],
            "training_compute_flop": [1e26, 1e24],
        }
    )
    rec = budget(1e9, FAST, runs, utilization=0.5, days=10)
    assert rec["price_usd"] == 35000 and rec["chips"] == math.floor(1e9 / 35000)
    assert (rec["chips_low"], rec["chips_high"]) == (25000, 33333)
    assert rec["peak_flops"] == pytest.approx(28571 * 2e15)
    assert rec["delivered_flop"] == pytest.approx(28571 * 2e15 * 0.5 * 10 * 86400)
    assert rec["power_mw"] == pytest.approx(28.571)
    assert [e["model_id"] for e in rec["equivalents"]] == ["big", "small"]
    assert rec["equivalents"][0]["multiple"] == pytest.approx(rec["delivered_flop"] / 1e26)
    assert budget(1e9, FAST, runs, price=50000)["chips"] == 20000


@pytest.mark.parametrize(
    ("kwargs", "fragment"),
    [
        ({"usd": 0}, "positive number of dollars"),
        ({"usd": -5}, "positive number of dollars"),
        ({"utilization": 0}, "utilization must be in (0, 1]"),
        ({"utilization": 1.2}, "utilization must be in (0, 1]"),
        ({"days": 0}, "days must be positive"),
        ({"price": -1}, "--price-usd must be positive"),
    ],
)
def test_budget_rejects_bad_input(kwargs, fragment):
    args = {"usd": 1e9, **kwargs}
    usd = args.pop("usd")
    with pytest.raises(
        ValueError,
        match=fragment.replace("(", r"\(")
        .replace(")", r"\)")
        .replace("[", r"\[")
        .replace("]", r"\]"),
    ):
        budget(usd, FAST, pd.DataFrame(columns=["model_id", "training_compute_flop"]), **args)


def test_compute_share_by_hand():
    clusters = pd.DataFrame(
        {
            "name": ["a", "b", "c", "d", "e", "f"],
            "status": ["Existing", "Existing", "Existing", "Planned", "Decommissioned", "Existing"],
            "countries": [["US"], ["CN"], ["US", "CN"], ["US"], ["US"], ["FR"]],
            "first_operational_date": [
                "2024-01-01",
                "2024-06-01",
                "2024-03-01",
                None,
                "2020-01-01",
                "2025-01-01",
            ],
            "decommissioned_date": [None, None, None, None, "2023-01-01", None],
            "h100_equivalents": [100.0, 50.0, 40.0, 1000.0, 70.0, 10.0],
            "in_standard_analysis": [True] * 6,
        }
    )
    table, info = compute_share(clusters, dt.date(2024, 12, 31))
    got = dict(zip(table["country"], table["h100_equivalents"], strict=True))
    assert got == {"US": 120.0, "CN": 70.0}  # c split equally; d planned; e gone; f later
    assert table.set_index("country").loc["US", "share"] == pytest.approx(120 / 190)
    assert info["clusters_counted"] == 3 and info["planned_excluded"] == 1


# ---- the real curated rows ------------------------------------------------------------


def test_cloudmatrix_vs_gb200_bf16_real_rows():
    code, out, err = run_cli(
        "hardware",
        "compare",
        "gb200-nvl72",
        "cloudmatrix-384",
        "--precision",
        "bf16",
        "--format",
        "json",
    )
    assert code == 0, err
    rec = data_of(out)[0]
    for key in (
        "base",
        "other",
        "precision",
        "basis",
        "power_basis",
        "base_compute_flops",
        "other_compute_flops",
        "units_ratio",
        "chips_ratio",
        "cabinets_ratio",
        "compute_cabinets_ratio",
        "power_ratio",
        "cost_ratio",
        "inputs",
    ):
        assert key in rec
    # 180 vs 300 PFLOP/s dense BF16; 16 cabinets (12 compute); 559 vs 145 kW all-in
    assert rec["units_ratio"] == pytest.approx(180 / 300)
    assert rec["cabinets_ratio"] == pytest.approx(0.6 * 16)
    assert rec["compute_cabinets_ratio"] == pytest.approx(0.6 * 12)
    assert rec["power_ratio"] == pytest.approx(0.6 * 559 / 145)
    assert all(i["source_url"] for i in rec["inputs"] if i["value"] is not None)


def test_b200_budget_real_rows():
    code, out, err = run_cli("budget", "1e9", "--chip", "b200", "--format", "json")
    assert code == 0, err
    rec = data_of(out)[0]
    assert rec["price_usd_low"] == 30000 and rec["price_usd_high"] == 40000
    assert rec["chips"] == 28571 and rec["chips_low"] == 25000 and rec["chips_high"] == 33333
    assert rec["peak_flops"] == pytest.approx(28571 * 2.25e15)
    assert rec["delivered_flop"] == pytest.approx(28571 * 2.25e15 * 0.4 * 90 * 86400)
    ids = {e["model_id"] for e in rec["equivalents"]}
    assert {"gpt-4", "deepseek-v3", "grok-3"} <= ids
    for e in rec["equivalents"]:
        assert e["multiple"] == pytest.approx(rec["delivered_flop"] / e["training_compute_flop"])


def test_h100_and_h20_classification_real_rows():
    code, out, _ = run_cli("hardware", "classify", "h100-sxm", "--format", "json")
    rec = data_of(out)[0]
    assert code == 0 and rec["eccn"] == "3A090.a" and rec["tpp"] == pytest.approx(15831, 1)
    code, out, _ = run_cli("hardware", "classify", "h20", "--format", "json")
    rec = data_of(out)[0]
    assert code == 0 and rec["eccn"] == "none"
    assert rec["tpp"] == 2368 and rec["performance_density"] == pytest.approx(2.909, 1e-3)


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["hardware", "show", "h1000"], "unknown chip or system id 'h1000' (did you mean"),
        (
            ["hardware", "compare", "gb200-nvl72", "atlas-950-superpod", "--precision", "bf16"],
            "dense_bf16_flops of atlas-950-superpod is unpublished",
        ),
        (["hardware", "classify", "gb200-nvl72"], "unknown chip id 'gb200-nvl72'"),
        (["budget", "0", "--chip", "b200"], "positive number of dollars"),
        (["budget", "1e9", "--chip", "b200", "--utilization", "1.5"], "utilization"),
        (["budget", "1e9", "--chip", "ascend-950dt"], "no price is recorded"),
    ],
)
def test_hardware_bad_input(args, fragment):
    code, _out, err = run_cli(*args)
    assert code != 0 and fragment in err and "Traceback" not in err


def test_compare_names_possible_comparisons():
    _code, _, err = run_cli(
        "hardware", "compare", "gb200-nvl72", "atlas-950-superpod", "--precision", "bf16"
    )
    assert "comparisons possible for it: dense compute at fp8, fp4" in err
