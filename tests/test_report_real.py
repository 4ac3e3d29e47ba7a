"""`airace report` and `airace chart` on the real catalog: the bundled ledger's report opens
offline in Chromium with every evidence chart rendered; chart files are written whole."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from conftest import SHARED_DATA, import_path, run_cli
from test_report_browser import _artefacts, open_offline


@pytest.fixture(scope="module")
def report_home(tmp_path_factory: pytest.TempPathFactory, built_catalog: Path) -> Path:
    """A home with the curated catalog, plus Epoch's ECI and clusters when available."""
    home = tmp_path_factory.mktemp("report-home")
    shutil.copy2(built_catalog, home / "catalog.duckdb")
    previous = os.environ.get("AIRACE_HOME")
    os.environ["AIRACE_HOME"] = str(home)
    try:
        eci = SHARED_DATA / "epoch" / "eci" / "epoch_capabilities_index.csv"
        clusters = SHARED_DATA / "epoch" / "gpu_clusters" / "gpu_clusters.csv"
        if eci.exists() and clusters.exists():
            import_path("epoch-eci", eci)
            import_path("epoch-clusters", clusters)
    finally:
        if previous is not None:
            os.environ["AIRACE_HOME"] = previous
    return home


def test_bundled_ledger_report_renders_offline(
    report_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AIRACE_HOME", str(report_home))
    out = tmp_path / "report.html"
    code, _, err = run_cli("report", "--as-of", "2026-11-29", "--output", str(out))
    assert code == 0, err
    html = out.read_text(encoding="utf-8")
    assert len(out.read_bytes()) < 3_000_000
    assert "rfm-release-counts" in html and "CC BY 4.0" in html
    charts = html.count('class="chart"')
    assert charts >= 8  # cadence, hardware, budget, events... (more with ECI imported)
    states, errors, external, tables = open_offline(
        out, _artefacts(tmp_path) / "report-bundled-ledger.png"
    )
    assert len(states) == charts
    for chart_id, rendered, svgs, width in states:
        assert rendered == "true" and svgs >= 1 and width > 100, chart_id
    assert errors == [] and external == []
    assert tables == charts


@pytest.mark.parametrize(
    ("kind", "args", "suffix"),
    [
        (
            "cadence",
            ["--as-of", "2026-03-03", "--window", "14M", "--labs", "deepseek,openai"],
            "svg",
        ),
        ("sensitivity", ["--as-of", "2026-03-03", "--labs", "deepseek,openai"], "json"),
        ("frontier", ["--metric", "gpqa_diamond", "--as-of", "2026-03-03"], "png"),
        ("hardware", ["--base", "gb200-nvl72", "--other", "cloudmatrix-384"], "svg"),
        ("budget", ["--usd", "1e9", "--chip", "b200"], "html"),
        ("events", ["--since", "2022-10-01"], "svg"),
    ],
)
def test_chart_command_writes_each_format(
    home: Path, tmp_path: Path, kind: str, args: list[str], suffix: str
) -> None:
    target = tmp_path / f"{kind}.{suffix}"
    code, _, err = run_cli("chart", kind, *args, "--output", str(target))
    assert code == 0, err
    data = target.read_bytes()
    if suffix == "svg":
        assert data.lstrip().startswith(b"<svg") and b"CC BY 4.0" in data
    elif suffix == "png":
        assert data.startswith(b"\x89PNG\r\n\x1a\n")
    elif suffix == "json":
        assert b'"$schema"' in data and b"vega-lite" in data
    else:
        assert b"<html" in data.lower()
    assert [p.name for p in tmp_path.iterdir() if p.is_file()] == [target.name]  # no temporary


def test_chart_command_bad_input_is_one_clean_line(home: Path, tmp_path: Path) -> None:
    code, _, err = run_cli(
        "chart",
        "frontier",
        "--metric",
        "eci",
        "--as-of",
        "2026-03-03",
        "--output",
        str(tmp_path / "f.svg"),
    )
    assert code != 0 and "eci" in err and "Traceback" not in err
    assert len(err.strip().splitlines()) <= 2
    code, _, err = run_cli(
        "chart",
        "budget",
        "--usd",
        "1e9",
        "--chip",
        "b200",
        "--output",
        str(tmp_path / "missing" / "b.svg"),
    )
    assert code != 0 and "Traceback" not in err
    code, _, err = run_cli(
        "chart", "budget", "--usd", "1e9", "--chip", "b200", "--output", str(tmp_path / "b.gif")
    )
    assert code != 0 and ".gif" in err
    assert [p for p in tmp_path.iterdir() if p.is_file()] == []
