"""Every real upstream file in ../shared/data imports, with row counts checked independently.

Skipped with a reason when ../shared/data is absent.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from airace.importers.epoch import BENCHMARK_SCORES
from airace.service.snapshots import snapshot_rows
from conftest import data_of, import_path, shared

pytestmark = pytest.mark.integration


def csv_rows(path: Path) -> int:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return sum(1 for _ in csv.DictReader(handle))


@pytest.fixture(scope="module")
def imported(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    """Import every shared file once into one home; returns the results by file."""
    import os

    root = shared()
    home = tmp_path_factory.mktemp("real-home")
    old = os.environ.get("AIRACE_HOME")
    os.environ["AIRACE_HOME"] = str(home)
    results: dict[str, object] = {}
    try:
        for name in (
            "notable_ai_models",
            "all_ai_models",
            "large_scale_ai_models",
            "frontier_ai_models",
        ):
            path = root / "epoch" / "ai_models" / f"{name}.csv"
            results[name] = import_path("epoch-models", path)
        results["ml_hardware"] = import_path(
            "epoch-hardware", root / "epoch" / "hardware" / "ml_hardware.csv"
        )
        results["gpu_clusters"] = import_path(
            "epoch-clusters", root / "epoch" / "gpu_clusters" / "gpu_clusters.csv"
        )
        results["eci"] = import_path(
            "epoch-eci", root / "epoch" / "eci" / "epoch_capabilities_index.csv"
        )
        results["benchmarks"] = import_path("epoch-benchmarks", root / "epoch" / "benchmarks")
        for path in sorted((root / "lmarena").glob("*.json")) + sorted(
            (root / "lmarena").glob("*.csv")
        ):
            results[path.name] = import_path("lmarena", path)
        results["openrouter"] = import_path(
            "openrouter", root / "openrouter" / "openrouter_models.json"
        )
        yield results
    finally:
        if old is None:
            os.environ.pop("AIRACE_HOME", None)
        else:
            os.environ["AIRACE_HOME"] = old


@pytest.mark.parametrize(
    "name", ["notable_ai_models", "all_ai_models", "large_scale_ai_models", "frontier_ai_models"]
)
def test_epoch_model_files(imported, name):
    path = shared("epoch", "ai_models", f"{name}.csv")
    result = imported[name]
    assert result.rows == result.upstream_rows == csv_rows(path)


def test_epoch_hardware_clusters_and_eci(imported):
    assert (
        imported["ml_hardware"].rows
        == csv_rows(shared("epoch", "hardware", "ml_hardware.csv"))
        == 176
    )
    assert (
        imported["gpu_clusters"].rows
        == csv_rows(shared("epoch", "gpu_clusters", "gpu_clusters.csv"))
        == 786
    )
    assert (
        imported["eci"].rows
        == csv_rows(shared("epoch", "eci", "epoch_capabilities_index.csv"))
        == 683
    )


def test_epoch_benchmarks_folder(imported):
    folder = shared("epoch", "benchmarks")
    expected = sum(csv_rows(p) for p in folder.glob("*.csv"))
    assert {p.stem for p in folder.glob("*.csv")} <= set(BENCHMARK_SCORES)
    result = imported["benchmarks"]
    assert result.rows == expected
    assert any("eci_scaling.csv" in note for note in result.notes)  # reported, not dropped


def test_benchmarks_zip_matches_folder(imported, tmp_path: Path):
    import zipfile

    folder = shared("epoch", "benchmarks")
    archive = tmp_path / "benchmark_data.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for path in sorted(folder.glob("*.csv")):
            zf.write(path, path.name)
    result = import_path("epoch-benchmarks", archive)
    assert result.rows == imported["benchmarks"].rows


def test_lmarena_files(imported):
    folder = shared("lmarena")
    for path in folder.glob("*.csv"):
        assert imported[path.name].rows == csv_rows(path)
    for path in folder.glob("leaderboard-*.json"):
        doc = json.loads(path.read_text(encoding="utf-8"))
        assert imported[path.name].rows == sum(len(v) for v in doc.values())
    meta = json.loads((folder / "scatterplot-data.json").read_text(encoding="utf-8"))
    assert imported["scatterplot-data.json"].rows == len(meta) == 141


def test_openrouter_file(imported):
    doc = json.loads(shared("openrouter", "openrouter_models.json").read_text())
    assert imported["openrouter"].rows == len(doc["data"]) == 356


def test_imported_values_are_faithful(imported):
    eci = snapshot_rows("epoch-eci")
    raw = list(
        csv.DictReader(
            io.StringIO(shared("epoch", "eci", "epoch_capabilities_index.csv").read_text())
        )
    )
    first = eci.iloc[0]
    assert first["external_id"] == raw[0]["Model version"]
    assert first["score"] == pytest.approx(float(raw[0]["ECI Score"]))
    gpqa = snapshot_rows("epoch-benchmarks", where="AND metric = 'gpqa_diamond'")
    raw = list(
        csv.DictReader(io.StringIO(shared("epoch", "benchmarks", "gpqa_diamond.csv").read_text()))
    )
    assert len(gpqa) == len(raw)
    assert gpqa.iloc[0]["score"] == pytest.approx(100 * float(raw[0]["mean_score"]))


def test_compute_share_and_hardware_diff_on_real_files(imported):
    from conftest import run_cli

    code, out, err = run_cli(
        "compute-share", "--source", "epoch-clusters", "--as-of", "2025-06-30", "--format", "json"
    )
    assert code == 0, err
    shares = {r["country"]: r["share"] for r in data_of(out)}
    assert sum(shares.values()) == pytest.approx(1.0)
    assert shares["US"] > shares["CN"] > 0
    doc = json.loads(out)
    assert any("anonymises Chinese systems" in c for c in doc["caveats"])
    assert doc["summary"]["clusters_counted"] > 0 and doc["sources"][0]["snapshot_id"]
    code, out, err = run_cli("hardware", "diff", "--source", "epoch-hardware", "--format", "json")
    assert code == 0, err
    for row in data_of(out):
        assert row["issue"] in {"differs", "no_epoch_row"}
        if row["issue"] == "differs" and row["relative_difference"] is not None:
            assert row["relative_difference"] > 0.01
