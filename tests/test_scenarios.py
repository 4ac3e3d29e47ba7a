"""Compute-supply scenarios: distributions, hand-computed pathways, validation, reproducibility."""

from __future__ import annotations

import ast
import datetime as dt
import json
import math
from pathlib import Path
from statistics import NormalDist
from typing import Any

import numpy as np
import pandas as pd
import pytest
import yaml
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from airace.errors import AiraceError
from airace.scenarios import bundled_names, compare, load, parse, run
from airace.scenarios.distributions import (
    Discrete,
    SplitLognormal,
    Triangular,
    Uniform,
    ndtri,
)

REPO = Path(__file__).resolve().parents[1]
CHIPS_CSV = REPO / "src" / "airace" / "data" / "chips.csv"
SHARED = REPO.parent / "shared" / "data"
SOURCE = {
    "url": "https://example.org/report",
    "title": "A report",
    "quote": "about 10",
    "date": "2025-01-01",
}


def chips() -> pd.DataFrame:
    """Round numbers: an H100 reference (TPP 16,000) and a half-as-fast chip without FP8."""
    return pd.DataFrame(
        [
            {
                "chip_id": "h100-sxm",
                "chip_name": "H100",
                "dense_bf16_flops": 1e15,
                "dense_fp8_flops": 2e15,
            },
            {
                "chip_id": "half",
                "chip_name": "Half",
                "dense_bf16_flops": 5e14,
                "dense_fp8_flops": math.nan,
            },
        ]
    )


def fixed(value: float) -> dict[str, Any]:
    return {"dist": "fixed", "value": value, "evidence": "estimate", "source": SOURCE}


def scenario(params: dict[str, Any], **extra: Any) -> dict[str, Any]:
    everything = {
        p: "h100-sxm"
        for p in ("domestic", "other_domestic", "h20", "h200", "smuggled", "rented", "us")
    }
    return {
        "id": "t",
        "title": "test",
        "start": dt.date(2025, 1, 1),
        "horizon": dt.date(2026, 12, 31),
        "chips": everything,
        "parameters": {k: fixed(v) if not isinstance(v, dict) else v for k, v in params.items()},
        **extra,
    }


def stock(
    data: dict[str, Any],
    country: str = "CN",
    line: str = "owned",
    unit: str = "h100e_bf16",
    paths: int = 4,
) -> list[float]:
    result = run(parse(data, "t.yaml"), chips(), paths=paths, seed=0, tornado=False)
    q = result.quantiles
    rows = q[(q["country"] == country) & (q["line"] == line) & (q["unit"] == unit)]
    assert (rows["p05"] == rows["p95"]).all()  # every parameter fixed: no spread
    return [float(x) for x in rows["p50"]]


# ---------------------------------------------------------------- distributions


def test_ndtri_matches_the_standard_library() -> None:
    u = np.concatenate(
        [
            np.linspace(1e-10, 0.03, 500),
            np.linspace(0.02, 0.98, 500),
            np.linspace(0.97, 1 - 1e-10, 500),
        ]
    )
    expected = np.array([NormalDist().inv_cdf(float(x)) for x in u])
    assert np.max(np.abs(ndtri(u) - expected)) < 1e-8


def test_split_lognormal_matches_an_asymmetric_triple_exactly_and_in_samples() -> None:
    dist = SplitLognormal(10_000, 140_000, 400_000)
    assert dist.ppf(np.array([0.05, 0.5, 0.95])) == pytest.approx([1e4, 1.4e5, 4e5], rel=1e-7)
    draws = dist.ppf(np.random.default_rng(1).random(200_000))
    # N = 200,000: sample 5/50/95th percentiles within 2% of the given triple
    assert np.quantile(draws, [0.05, 0.5, 0.95]) == pytest.approx([1e4, 1.4e5, 4e5], rel=0.02)


@settings(max_examples=60, deadline=None)
@given(
    st.floats(1e-3, 1e9),
    st.floats(1.0, 50.0),
    st.floats(1.0, 50.0),
    st.lists(st.floats(1e-9, 1 - 1e-9), min_size=2, max_size=20),
)
def test_split_lognormal_hits_its_triple_and_is_monotone(
    p5: float, up1: float, up2: float, us: list[float]
) -> None:
    dist = SplitLognormal(p5, p5 * up1, p5 * up1 * up2)
    q = dist.ppf(np.array([0.05, 0.5, 0.95]))
    assert q == pytest.approx([p5, p5 * up1, p5 * up1 * up2], rel=1e-6)
    u = np.sort(np.array(us))
    assert np.all(np.diff(dist.ppf(u)) >= 0)


def test_uniform_and_triangular_quantiles() -> None:
    assert Uniform(4, 6).ppf(np.array([0.0, 0.25, 1.0])) == pytest.approx([4, 4.5, 6])
    tri = Triangular(0, 1, 2)  # symmetric: median at the mode, F(0.5) = 0.125
    assert tri.ppf(np.array([0.125, 0.5, 0.875])) == pytest.approx([0.5, 1.0, 1.5])


def test_discrete_branch_frequencies() -> None:
    dist = Discrete(("a", "b", "c"), (0.2, 0.5, 0.3), (0.0, 1.0, 2.0))
    values = dist.ppf(np.random.default_rng(2).random(100_000))
    for value, p in ((0.0, 0.2), (1.0, 0.5), (2.0, 0.3)):
        share = float(np.mean(values == value))
        assert abs(share - p) < 4 * math.sqrt(p * (1 - p) / 100_000)
    assert dist.quantiles() == (0.0, 1.0, 2.0)


# ---------------------------------------------------------------- pathways, by hand


DOMESTIC = {
    "smic_advanced_wafers_per_month": 1000,
    "ascend_wafer_share": 0.5,
    "ascend_gross_dies_per_wafer": 60,
    "ascend_die_yield": 0.5,
    "dies_per_package": 2,
}


def test_domestic_production_is_hbm_bound() -> None:
    # dies: 1000 wafers/month x 3 x 0.5 x (60 x 0.5 good dies) = 45,000 -> 22,500 packages;
    # HBM: 30,000 stacks / 8 per package = 3,750 packages -> production is the smaller, 3,750.
    data = scenario({**DOMESTIC, "hbm_stockpile_start": 30_000, "hbm_stacks_per_package": 8})
    assert stock(data)[:2] == pytest.approx([3_750 * 1.0, 3_750 * 1.0])  # stockpile used up


def test_domestic_production_is_die_bound_without_hbm() -> None:
    data = scenario({**DOMESTIC})  # hbm_stacks_per_package 0: HBM not modelled
    assert stock(data)[:2] == pytest.approx([22_500, 45_000])


def test_die_bank_is_drawn_down_at_the_cap() -> None:
    data = scenario(
        {"die_bank_start": 100_000, "die_bank_draw_per_quarter": 40_000, "dies_per_package": 2}
    )
    data["chips"]["domestic"] = "half"  # 0.5 H100e (BF16) per package
    # packages 20,000, 20,000, 10,000, 0 -> stock 10,000, 20,000, 25,000, 25,000
    assert stock(data)[:5] == pytest.approx([10_000, 20_000, 25_000, 25_000, 25_000])
    # TPP of the half chip is 8,000 / 16,000; FP8: no FP8, so its BF16 rate, 0.25 H100e
    assert stock(data, unit="h100e_tpp")[0] == pytest.approx(10_000)
    assert stock(data, unit="h100e_fp8")[0] == pytest.approx(5_000)


def test_unused_smic_dies_join_the_inventory() -> None:
    # 2025Q4: 45,000 SMIC dies but HBM for only 3,750 packages -> 37,500 dies into inventory.
    # 2026Q1: ample new HBM; dies = 45,000 new + min(37,500, draw cap 20,000) = 65,000
    # -> 32,500 packages (22,500 if leftovers were lost). Stock: 3,750 + 32,500 = 36,250.
    hbm = {
        "dist": "fixed",
        "evidence": "assumption",
        "source": SOURCE,
        "note": "test",
        "by_year": {2025: {"value": 0}, 2026: {"value": 1_000_000}},
    }
    data = scenario(
        {
            **DOMESTIC,
            "hbm_stockpile_start": 30_000,
            "hbm_stacks_per_package": 8,
            "die_bank_draw_per_quarter": 20_000,
            "domestic_hbm_stacks_per_quarter": hbm,
        }
    )
    data["start"] = dt.date(2025, 10, 1)
    assert stock(data)[:2] == pytest.approx([3_750, 36_250])


def test_legal_imports_follow_the_policy_branch() -> None:
    allowed = {
        "dist": "discrete",
        "evidence": "assumption",
        "note": "test",
        "source": SOURCE,
        "by_year": {
            2025: {"branches": [{"label": "banned", "p": 1, "value": 0}]},
            2026: {"branches": [{"label": "allowed", "p": 1, "value": 1}]},
        },
    }
    data = scenario({"h200_policy": allowed, "h200_units_per_year": 400_000})
    values = stock(data)
    assert values[:4] == pytest.approx([0, 0, 0, 0])  # banned in 2025
    assert values[4:] == pytest.approx([100_000, 200_000, 300_000, 400_000])


def test_smuggling_rented_total_and_ratio() -> None:
    data = scenario(
        {
            "smuggled_units_per_year": 40_000,
            "rented_overseas_units": 1_000,
            "us_additions_h100e_per_year": 400_000,
        }
    )
    assert stock(data)[:2] == pytest.approx([10_000, 20_000])
    assert stock(data, line="rented")[:2] == pytest.approx([1_000, 1_000])
    assert stock(data, line="total")[:2] == pytest.approx([11_000, 21_000])
    assert stock(data, country="CN/US", line="total")[:2] == pytest.approx(
        [11_000 / 100_000, 21_000 / 200_000]
    )


def test_retirement_and_us_growth() -> None:
    data = scenario(
        {
            "chip_lifetime_years": 2,
            "us_additions_h100e_per_year": 4_000_000,
            "us_additions_growth_per_year": 2,
        },
        start_stock={
            "source": SOURCE,
            "US": [],
            "CN": [{"label": "c", "h100e": 1_000_000, "chip_mix": {"h100-sxm": 1}}],
        },
    )
    survive = math.exp(-0.25 / 2)
    assert stock(data)[0] == pytest.approx(1_000_000 * survive)
    us = stock(data, country="US")
    assert us[0] == pytest.approx(1_000_000)
    assert us[1] == pytest.approx(1_000_000 * survive + 1_000_000)
    # 2026: additions double to 2,000,000 a quarter
    assert us[4] == pytest.approx(us[3] * survive + 2_000_000)


def test_start_stock_converts_units_with_the_chip_mix() -> None:
    data = scenario(
        {},
        start_stock={
            "source": SOURCE,
            "US": [],
            "CN": [{"label": "c", "h100e": 1_000, "chip_mix": {"half": 1}}],
        },
    )
    assert stock(data, unit="h100e_bf16")[0] == pytest.approx(1_000)
    assert stock(data, unit="h100e_tpp")[0] == pytest.approx(1_000)  # TPP/BF16 same ratio
    assert stock(data, unit="h100e_fp8")[0] == pytest.approx(500)  # no FP8: BF16 rate


# ---------------------------------------------------------------- engine


def test_same_seed_same_output_different_seed_different() -> None:
    base = load("baseline")
    table = pd.read_csv(CHIPS_CSV)
    a = run(base, table, paths=500, seed=7)
    b = run(base, table, paths=500, seed=7)
    c = run(base, table, paths=500, seed=8)
    pd.testing.assert_frame_equal(a.quantiles, b.quantiles)
    pd.testing.assert_frame_equal(a.events, b.events)
    pd.testing.assert_frame_equal(a.sensitivity, b.sensitivity)
    assert not a.quantiles["p50"].equals(c.quantiles["p50"])


def test_event_probability_and_standard_error() -> None:
    half = {
        "dist": "discrete",
        "evidence": "assumption",
        "note": "t",
        "source": SOURCE,
        "branches": [{"label": "yes", "p": 0.5, "value": 1}, {"label": "no", "p": 0.5, "value": 0}],
    }
    data = scenario(
        {"h200_policy": half, "h200_units_per_year": 400_000},
        events=[
            {
                "id": "e",
                "description": "CN above 50k",
                "country": "CN",
                "unit": "h100e_bf16",
                "line": "owned",
                "op": ">",
                "value": 50_000,
                "at": dt.date(2025, 6, 30),
            }
        ],
    )
    result = run(parse(data, "t.yaml"), chips(), paths=10_000, seed=3, tornado=False)
    row = result.events.iloc[0]
    assert row["evaluated_at"] == "2025Q2"
    assert abs(row["probability"] - 0.5) < 4 * 0.005
    assert row["mc_se"] == pytest.approx(
        math.sqrt(row["probability"] * (1 - row["probability"]) / 10_000)
    )


def test_event_relative_to_an_earlier_date() -> None:
    """Fixed inputs: CN owned stock grows by 10,000 H100e a quarter from 10,000 (smuggled
    40,000 a year); value at 2025-12-31 over value at 2025-03-31 is 40,000 / 10,000 = 4."""
    data = scenario(
        {"smuggled_units_per_year": 40_000},
        events=[
            {
                "id": f"grew-{op}",
                "description": "CN grew",
                "country": "CN",
                "unit": "h100e_bf16",
                "line": "owned",
                "op": op,
                "value": value,
                "at": dt.date(2025, 12, 31),
                "relative_to": dt.date(2025, 3, 31),
            }
            for op, value in ((">", 3.9), ("<", 4.1), (">", 4.1))
        ],
    )
    series = stock(data)
    assert series[3] / series[0] == pytest.approx(4.0)
    result = run(parse(data, "t.yaml"), chips(), paths=4, seed=0, tornado=False)
    assert result.events["probability"].tolist() == [1.0, 1.0, 0.0]
    assert "value at 2025-03-31" in result.events["condition"].iloc[0]


def test_event_relative_to_must_come_first(tmp_path: Path) -> None:
    data = scenario(
        {"smuggled_units_per_year": 1},
        events=[
            {
                "id": "e",
                "description": "d",
                "country": "CN",
                "op": "<",
                "value": 1,
                "at": dt.date(2025, 6, 30),
                "relative_to": dt.date(2025, 9, 30),
            }
        ],
    )
    with pytest.raises(AiraceError, match="relative_to"):
        parse(data, "t.yaml")


def test_sensitivity_ranks_the_driver_first() -> None:
    wide = {
        "dist": "lognormal",
        "p5": 1e4,
        "p50": 1e5,
        "p95": 1e6,
        "evidence": "estimate",
        "source": SOURCE,
    }
    narrow = {
        "dist": "uniform",
        "low": 0.99,
        "high": 1.01,
        "evidence": "estimate",
        "source": SOURCE,
    }
    data = scenario(
        {
            "smuggled_units_per_year": wide,
            "us_additions_growth_per_year": narrow,
            "us_additions_h100e_per_year": 1e6,
        }
    )
    result = run(parse(data, "t.yaml"), chips(), paths=5_000, seed=0)
    assert result.sensitivity.iloc[0]["input"] == "smuggled_units_per_year"
    assert result.sensitivity["variance_share"].sum() == pytest.approx(1)
    top = result.tornado.iloc[0]
    assert top["input"] == "smuggled_units_per_year" and top["at_p95"] > top["at_p05"]


def test_ranks_average_ties_and_discrete_inputs_rank_by_value() -> None:
    from airace.scenarios.engine import _ranks

    assert list(_ranks(np.array([3.0, 1.0, 1.0, 2.0, 1.0]))) == [4, 1, 1, 3, 1]
    # branch listed first has the high value: a u-based rank would give the wrong sign
    policy = {
        "dist": "discrete",
        "evidence": "assumption",
        "note": "t",
        "source": SOURCE,
        "branches": [{"label": "on", "p": 0.3, "value": 1}, {"label": "off", "p": 0.7, "value": 0}],
    }
    data = scenario(
        {"h200_policy": policy, "h200_units_per_year": 4e5, "us_additions_h100e_per_year": 1e6}
    )
    result = run(parse(data, "t.yaml"), chips(), paths=2_000, seed=0)
    row = result.sensitivity.set_index("input").loc["h200_policy"]
    assert row["spearman_rho"] > 0.9
    top = result.tornado.set_index("input").loc["h200_policy"]
    assert top["at_p05"] == pytest.approx(0) and top["at_p95"] > 0


def test_until_cuts_the_quarters() -> None:
    result = run(
        load("baseline"),
        pd.read_csv(CHIPS_CSV),
        paths=200,
        seed=0,
        until=dt.date(2026, 6, 30),
        tornado=False,
    )
    assert sorted(result.quantiles["quarter"].unique())[-1] == "2026Q2"
    assert result.events["probability"].isna().all()  # every event is after mid-2026


def test_every_bundled_scenario_loads_runs_and_cites_sources() -> None:
    names = bundled_names()
    assert {"baseline", "commentary", "parity"} <= set(names)
    table = pd.read_csv(CHIPS_CSV)
    for name in names:
        sc = load(name)
        assert sc.horizon >= dt.date(2028, 12, 31)
        for param in sc.parameters.values():
            assert param.source.url.startswith("https://") and param.source.quote
        result = run(sc, table, paths=300, seed=0)
        assert len(result.quantiles["quarter"].unique()) == 16
        assert result.events["probability"].between(0, 1).all()
        assert len(result.backtest) == 8


def test_compare_two_runs() -> None:
    table = pd.read_csv(CHIPS_CSV)
    a = run(load("commentary"), table, paths=500, seed=0, tornado=False)
    b = run(load("parity"), table, paths=500, seed=0, tornado=False)
    out = compare(a, b)
    q = out["quantiles"]
    row = q[
        (q["quarter"] == "2028Q4")
        & (q["country"] == "CN")
        & (q["unit"] == "h100e_tpp")
        & (q["line"] == "total")
    ].iloc[0]
    assert row["p50_b"] > row["p50_a"]
    assert set(out["events"]["event"]) == {e.id for e in load("baseline").events}


# ---------------------------------------------------------------- validation


def write(tmp_path: Path, data: dict[str, Any]) -> Path:
    path = tmp_path / "scen.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


def error(path: Path) -> AiraceError:
    with pytest.raises(AiraceError) as info:
        load(path)
    return info.value


def test_p5_above_p95_names_file_parameter_and_field(tmp_path: Path) -> None:
    bad = {
        "dist": "lognormal",
        "p5": 300000,
        "p50": 100000,
        "p95": 10000,
        "evidence": "estimate",
        "source": SOURCE,
    }
    path = write(tmp_path, scenario({"smuggled_units_per_year": bad}))
    err = error(path)
    assert (err.file, err.row, err.field) == (
        str(path),
        "parameter 'smuggled_units_per_year'",
        "p95",
    )
    assert str(err) == (
        f"{path}, row parameter 'smuggled_units_per_year', field 'p95': "
        "p5 (300000) is above p95 (10000)"
    )


def test_p5_above_p50(tmp_path: Path) -> None:
    bad = {
        "dist": "lognormal",
        "p5": 20,
        "p50": 10,
        "p95": 30,
        "evidence": "estimate",
        "source": SOURCE,
    }
    err = error(write(tmp_path, scenario({"smuggled_units_per_year": bad})))
    assert err.field == "p50" and "p5 (20) is above p50 (10)" in err.message


def test_unknown_parameter(tmp_path: Path) -> None:
    err = error(write(tmp_path, scenario({"smugled_units": 5})))
    assert (err.row, err.field) == ("parameter 'smugled_units'", "name")
    assert "unknown parameter" in err.message


def test_probabilities_must_sum_to_one(tmp_path: Path) -> None:
    bad = {
        "dist": "discrete",
        "evidence": "assumption",
        "note": "n",
        "source": SOURCE,
        "branches": [{"label": "a", "p": 0.5, "value": 1}, {"label": "b", "p": 0.4, "value": 0}],
    }
    err = error(write(tmp_path, scenario({"h200_policy": bad})))
    assert (err.row, err.field) == ("parameter 'h200_policy'", "branches")
    assert "sum to 0.9, not 1" in err.message


def test_missing_source(tmp_path: Path) -> None:
    bad = {"dist": "fixed", "value": 1, "evidence": "estimate"}
    err = error(write(tmp_path, scenario({"chip_lifetime_years": bad})))
    assert (err.file, err.row, err.field) == (
        str(tmp_path / "scen.yaml"),
        "parameter 'chip_lifetime_years'",
        "source",
    )


def test_source_without_quote(tmp_path: Path) -> None:
    bad = {**fixed(1), "source": {k: v for k, v in SOURCE.items() if k != "quote"}}
    err = error(write(tmp_path, scenario({"chip_lifetime_years": bad})))
    assert err.field == "source.quote"


def test_oversized_and_malformed_files(tmp_path: Path) -> None:
    big = tmp_path / "big.yaml"
    big.write_text("#" * 1_000_001, encoding="utf-8")
    assert "limit" in error(big).message
    broken = tmp_path / "broken.yaml"
    broken.write_text("id: [unclosed\n", encoding="utf-8")
    assert "not valid YAML" in error(broken).message
    unsafe = tmp_path / "unsafe.yaml"
    unsafe.write_text("id: !!python/object/apply:os.system ['true']\n", encoding="utf-8")
    assert "not valid YAML" in error(unsafe).message


def test_unknown_chip_is_reported(tmp_path: Path) -> None:
    data = scenario({})
    data["chips"]["smuggled"] = "b999"
    with pytest.raises(AiraceError) as info:
        run(parse(data, "t.yaml"), chips(), paths=10)
    assert info.value.row == "chips 'smuggled'" and "b999" in info.value.message


# ---------------------------------------------------------------- layering and CLI


ALLOWED = {
    "numpy",
    "pandas",
    "pydantic",
    "yaml",
    "airace.errors",
    "__future__",
    "math",
    "dataclasses",
    "datetime",
    "pathlib",
    "typing",
    "collections.abc",
}


def test_scenarios_package_imports_only_downward() -> None:
    for path in (REPO / "src" / "airace" / "scenarios").glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = (
                [a.name for a in node.names]
                if isinstance(node, ast.Import)
                else [node.module or ""]
                if isinstance(node, ast.ImportFrom)
                else []
            )
            for name in names:
                assert name in ALLOWED or name.startswith(
                    ("airace.analysis", "airace.scenarios", "airace.schema")
                ), f"{path.name} imports {name}"


def test_cli_run_json_csv_and_compare(tmp_path: Path) -> None:
    from airace.cli.scenario import scenario as group

    runner = CliRunner()
    res = runner.invoke(group, ["run", "baseline", "--paths", "200", "--format", "json"])
    assert res.exit_code == 0, res.output
    payload = json.loads(res.output)
    assert payload["params"]["scenario"] == "baseline" and payload["params"]["paths"] == 200
    assert payload["data"][0]["quarter"] == "2025Q1"  # the quantile table
    assert {"events", "sensitivity", "backtest", "parameters"} <= set(payload["summary"])
    assert payload["sources"][0]["table"] == "chips"
    out = tmp_path / "q.csv"
    res = runner.invoke(
        group,
        [
            "run",
            "commentary",
            "--paths",
            "200",
            "--format",
            "csv",
            "--until",
            "2026-12-31",
            "-o",
            str(out),
        ],
    )
    assert res.exit_code == 0, res.output
    table = pd.read_csv(out)
    assert list(table.columns[:5]) == ["quarter", "quarter_end", "country", "unit", "line"]
    assert table["quarter"].max() == "2026Q4"
    res = runner.invoke(group, ["compare", "commentary", "parity", "--paths", "200"])
    assert res.exit_code == 0 and "Year-end stock" in res.output
    res = runner.invoke(group, ["run", "parity", "--paths", "200"])
    assert res.exit_code == 0
    assert "Backtest: model vs Epoch AI" in res.output and "± " in res.output
    res = runner.invoke(group, ["run", "no-such-scenario"])
    assert isinstance(res.exception, AiraceError)


# ---------------------------------------------------------------- integration: Epoch


def epoch_dir() -> Path:
    path = SHARED / "epoch" / "ai_chip_owners"
    if not (path / "cumulative_by_designer.csv").exists():
        pytest.skip(f"real upstream data not available: {path} is absent")
    return path


@pytest.mark.integration
def test_bundled_calibration_matches_the_epoch_file() -> None:
    from airace.scenarios.calibration import backtest_block, read_epoch, start_stock

    designer, chip_type = read_epoch(epoch_dir())
    expected = start_stock(designer, chip_type, dt.date(2024, 12, 31))
    reference = backtest_block(designer, dt.date(2024, 12, 31))["rows"]
    for name in ("baseline", "commentary", "parity"):
        raw = load(name).raw
        assert raw["start_stock"]["US"] == expected["US"]
        assert raw["start_stock"]["CN"] == expected["CN"]
        assert [
            (r["quarter_end"], r["country"], r["epoch_median"]) for r in raw["backtest"]["rows"]
        ] == [(r["quarter_end"], r["country"], r["epoch_median"]) for r in reference]
    # Epoch's China stock at the end of 2025 (medians): 1.16M + 0.66M smuggled
    end = next(
        r for r in reference if r["quarter_end"] == dt.date(2025, 12, 31) and r["country"] == "CN"
    )
    assert end["epoch_median"] == 1_817_162
    assert end["epoch_p05"] < end["epoch_median"] < end["epoch_p95"]


@pytest.mark.integration
def test_backtest_runs_against_the_epoch_file() -> None:
    designer = pd.read_csv(epoch_dir() / "cumulative_by_designer.csv")
    result = run(load("baseline"), pd.read_csv(CHIPS_CSV), paths=2_000, seed=0, tornado=False)
    bt = result.backtest
    assert len(bt) == 8 and set(bt["country"]) == {"US", "CN"}
    cn = designer[
        designer["Owner"].isin(["China", "China (smuggled)"])
        & (designer["End date"] == "2025-06-30")
    ]
    row = bt[(bt["country"] == "CN") & (bt["quarter_end"] == dt.date(2025, 6, 30))].iloc[0]
    assert row["epoch_median"] == cn["Compute estimate in H100e (median)"].sum()
    assert (bt["model_p05"] < bt["model_p50"]).all() and (bt["model_p50"] < bt["model_p95"]).all()
