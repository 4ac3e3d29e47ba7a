"""Golden figures: the README's headline numbers and every bundled verdict, pinned.

A data edit that moves one of these fails here, saying which figure moved. After a
deliberate change, regenerate the files and review the diff before committing:

    AIRACE_UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/test_golden.py   (or `make golden`)
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from conftest import data_of, import_path, run_cli, shared

GOLDEN = Path(__file__).parent / "golden"
UPDATE = os.environ.get("AIRACE_UPDATE_GOLDEN") == "1"
AS_OF = "2026-11-29"


def check(name: str, actual: Any) -> None:
    """Compare with tests/golden/NAME.json (or write it when regenerating)."""
    path = GOLDEN / f"{name}.json"
    text = json.dumps(actual, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    if UPDATE:
        path.write_text(text, encoding="utf-8")
        return
    assert path.exists(), f"{path} is missing: run AIRACE_UPDATE_GOLDEN=1 pytest {__file__}"
    expected = json.loads(path.read_text(encoding="utf-8"))
    assert actual == expected, f"golden figures in {path.name} moved"


def cli_data(*args: str) -> Any:
    code, out, err = run_cli(*args, "--format", "json")
    assert code == 0, err
    return data_of(out)


def pick(record: dict[str, Any], *keys: str) -> dict[str, Any]:
    return {k: record[k] for k in keys}


def test_readme_cadence_table(home: Path):
    records = cli_data(
        "cadence",
        "--as-of",
        "2026-03-03",
        "--window",
        "14M",
        "--labs",
        "deepseek,openai,anthropic,google",
        "--sensitivity",
    )
    check(
        "cadence_readme",
        [pick(r, "org_id", "rule", "count", "model_ids", "since", "as_of") for r in records],
    )


@pytest.mark.parametrize(
    ("base", "other", "precision"),
    [
        ("gb200-nvl72", "cloudmatrix-384", "bf16"),
        ("gb300-nvl72", "atlas-950-superpod", "fp4"),
        ("gb300-nvl72", "atlas-950-superpod", "fp8"),
        ("vr-nvl144", "atlas-950-superpod", "fp8"),
    ],
)
def test_readme_hardware_ratios(home: Path, base: str, other: str, precision: str):
    rec = cli_data("hardware", "compare", base, other, "--precision", precision)[0]
    check(
        f"hardware_{base}_{other}_{precision}",
        pick(
            rec,
            "units_ratio",
            "chips_ratio",
            "cabinets_ratio",
            "compute_cabinets_ratio",
            "power_ratio",
            "cost_ratio",
            "missing",
        ),
    )


def test_readme_classify_and_budget(home: Path):
    figures = {chip: cli_data("hardware", "classify", chip)[0] for chip in ("h100-sxm", "h20")}
    budget = cli_data("budget", "1e9", "--chip", "b200")[0]
    figures["budget_1e9_b200"] = {
        **pick(
            budget,
            "chips",
            "chips_low",
            "chips_high",
            "delivered_flop",
            "delivered_flop_low",
            "delivered_flop_high",
            "power_mw",
        ),
        "multiples": {e["model_id"]: e["multiple"] for e in budget["equivalents"]},
    }
    check("classify_budget", figures)


def test_bundled_verdicts_without_imports(home: Path):
    records = cli_data("claims", "check", "--as-of", AS_OF)
    check("verdicts_curated_only", {r["claim_id"]: r["verdict"] for r in records})


@pytest.fixture(scope="module")
def imported_home(tmp_path_factory: pytest.TempPathFactory, built_catalog: Path) -> Path:
    """A home with Epoch's ECI and clusters files imported (the README's data)."""
    import shutil

    eci = shared("epoch", "eci", "epoch_capabilities_index.csv")
    clusters = shared("epoch", "gpu_clusters", "gpu_clusters.csv")
    home = tmp_path_factory.mktemp("golden-home")
    shutil.copy2(built_catalog, home / "catalog.duckdb")
    previous = os.environ.get("AIRACE_HOME")
    os.environ["AIRACE_HOME"] = str(home)
    try:
        import_path("epoch-eci", eci)
        import_path("epoch-clusters", clusters)
    finally:
        if previous is not None:
            os.environ["AIRACE_HOME"] = previous
    return home


@pytest.mark.integration
def test_readme_eci_gap_lag_and_verdicts(imported_home: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("AIRACE_HOME", str(imported_home))
    figures: dict[str, Any] = {}
    for day in ("2025-01-20", "2026-03-03"):
        rec = cli_data("gap", "--metric", "eci", "--groups", "country:US,CN", "--as-of", day)[0]
        figures[day] = pick(
            rec,
            "leader_model",
            "leader_score",
            "follower_model",
            "follower_score",
            "gap",
            "lag_days",
            "lag_months",
        )
    stats = cli_data(
        "gap", "--metric", "eci", "--stats", "--since", "2023-01-01", "--until", "2025-12-31"
    )[0]
    figures["stats_2023_2025"] = pick(
        stats,
        "mean_lag_months",
        "median_lag_months",
        "min_lag_months",
        "max_lag_months",
        "trend_months_per_year",
        "trend_low",
        "trend_high",
    )
    check("eci_gap_lag", figures)
    records = cli_data("claims", "check", "--as-of", AS_OF)
    check(
        "verdicts_with_imports",
        {r["claim_id"]: {"verdict": r["verdict"], "figures": r["figures"]} for r in records},
    )


def test_recrosswalk_rematches_imported_names_after_an_alias_is_added(
    home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, data_copy: Path
):
    """A curated alias added after an import takes effect on that snapshot at rebuild."""
    import upstream
    from airace.service.context import reset
    from airace.service.snapshots import snapshot_rows, unmatched_names

    monkeypatch.setenv("AIRACE_DATA_DIR", str(data_copy))
    reset()
    import_path("epoch-models", upstream.epoch_models(tmp_path))
    rows = snapshot_rows("epoch-notable").set_index("model_name")
    assert not isinstance(rows.loc["Mystery LM", "model_id"], str)
    assert ("model", "Mystery LM") in {
        (u["name_kind"], u["name"]) for u in unmatched_names("epoch-notable")
    }
    with (data_copy / "model_aliases.csv").open("a", encoding="utf-8") as handle:
        handle.write("epoch,Mystery LM,deepseek-v3\n")
    reset()  # a new process would see the changed folder; so does a new catalog object
    rows = snapshot_rows("epoch-notable").set_index("model_name")
    assert rows.loc["Mystery LM", "model_id"] == "deepseek-v3"
    assert ("model", "Mystery LM") not in {
        (u["name_kind"], u["name"]) for u in unmatched_names("epoch-notable")
    }
    reset()
