"""Importers on small files the tests write, including every kind of broken file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import upstream
from airace.errors import AiraceError
from airace.service.snapshots import (
    list_snapshots,
    load_snapshot,
    snapshot_rows,
    unmatched_names,
)
from conftest import data_of, import_path, run_cli


def test_epoch_models_import_with_bom_multi_org_and_unmatched(home: Path, tmp_path: Path):
    path = upstream.epoch_models(tmp_path)
    result = import_path("epoch-models", path)
    assert result.variant == "epoch-notable"
    assert result.rows == result.upstream_rows == 4
    rows = snapshot_rows("epoch-notable").set_index("model_name")
    assert list(rows.loc["DeepSeek-V3", "org_ids"]) == ["deepseek"]
    assert rows.loc["DeepSeek-V3", "model_id"] == "deepseek-v3"
    assert list(rows.loc["DeepSeek-V3", "countries"]) == ["CN"]
    assert bool(rows.loc["DeepSeek-V3", "is_open_weights"]) is True
    assert rows.loc["DeepSeek-V3", "training_compute_flop"] == pytest.approx(3.4e24)
    # two Google units collapse to one lab; OpenAI is a second lab of the same row
    assert list(rows.loc["Joint Model", "org_ids"]) == ["google", "openai"]
    assert list(rows.loc["Joint Model", "countries"]) == ["US"]
    # an unknown organisation is kept with its name and country, and reported
    assert list(rows.loc["Mystery LM", "org_ids"]) == []
    assert list(rows.loc["Mystery LM", "countries"]) == ["CN"]
    names = {(u["name_kind"], u["name"]) for u in unmatched_names("epoch-notable")}
    assert ("org", "Unknown Lab Inc") in names and ("model", "Mystery LM") in names
    # the raw file is kept unchanged with a sidecar
    snap = list_snapshots()[0]
    stored = Path(load_snapshot("epoch-notable").meta["store_path"])
    assert (stored / path.name).read_bytes() == path.read_bytes()
    sidecar = json.loads((stored / "snapshot.json").read_text(encoding="utf-8"))
    assert sidecar["sha256"] == snap["sha256"] and sidecar["licence"] == "CC BY 4.0"
    assert sidecar["rows"] == 4 and sidecar["bytes"] == path.stat().st_size
    assert sidecar["producer"] == "Epoch AI" and "epoch.ai" in sidecar["citation"]


def test_reimport_is_a_noop_and_a_changed_file_is_a_new_snapshot(home: Path, tmp_path: Path):
    path = upstream.epoch_models(tmp_path)
    first = import_path("epoch-models", path)
    again = import_path("epoch-models", path)
    assert again.already_imported and again.snapshot_id == first.snapshot_id
    assert len(list_snapshots()) == 1
    mystery = upstream.EPOCH_MODEL_ROWS[3]
    newer = [*upstream.EPOCH_MODEL_ROWS[:2], [*mystery[:2], "2025-04-01", *mystery[3:]]]
    upstream.epoch_models(tmp_path, rows=newer)
    second = import_path("epoch-models", path)
    assert second.snapshot_id != first.snapshot_id
    assert len(list_snapshots()) == 2
    # the snapshot with the newest data (2025-04-01 > 2025-03-01) is used by default
    assert len(snapshot_rows("epoch-notable")) == 3
    assert len(snapshot_rows("epoch-notable", first.snapshot_id)) == 4
    # re-importing an older file later does not make it the default
    (tmp_path / "old").mkdir()
    older = upstream.epoch_models(tmp_path / "old", rows=upstream.EPOCH_MODEL_ROWS[:3])
    assert import_path("epoch-models", older).rows == 3
    assert len(snapshot_rows("epoch-notable")) == 3
    assert snapshot_rows("epoch-notable")["snapshot_id"].iloc[0] == second.snapshot_id


def _error(
    tmp_path: Path, data: bytes, kind: str = "epoch-models", name: str = "notable_ai_models.csv"
) -> AiraceError:
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(AiraceError) as info:
        import_path(kind, path)
    return info.value


def test_renamed_column_fails_loudly(home: Path, tmp_path: Path):
    header = ["Model name" if h == "Model" else h for h in upstream.EPOCH_MODEL_HEADER]
    err = _error(tmp_path, upstream.csv_bytes(header, upstream.EPOCH_MODEL_ROWS))
    assert err.field == "Model"
    assert "upstream column 'Model' is missing (renamed to 'Model name'?)" in err.message
    assert err.file and err.file.endswith("notable_ai_models.csv")


def test_truncated_file_names_the_line(home: Path, tmp_path: Path):
    data = upstream.csv_bytes(upstream.EPOCH_MODEL_HEADER, upstream.EPOCH_MODEL_ROWS)
    err = _error(tmp_path, data[: len(data) - 40])
    assert err.row == "line 5"
    assert "truncated" in err.message


def test_truncated_inside_a_quoted_cell(home: Path, tmp_path: Path):
    data = upstream.csv_bytes(upstream.EPOCH_MODEL_HEADER, upstream.EPOCH_MODEL_ROWS)
    cut = data.index(b"Google DeepMind") + 5
    err = _error(tmp_path, data[:cut])
    assert "truncated" in err.message


def test_wrong_encoding(home: Path, tmp_path: Path):
    text = upstream.csv_bytes(upstream.EPOCH_MODEL_HEADER, upstream.EPOCH_MODEL_ROWS)
    err = _error(tmp_path, text.decode("utf-8").encode("utf-16"))
    assert "not utf-8-sig text" in err.message and err.row == "line 1"


def test_wrongly_typed_cell_names_line_and_column(home: Path, tmp_path: Path):
    rows = [list(r) for r in upstream.EPOCH_MODEL_ROWS]
    rows[2][2] = "early 2025"
    err = _error(tmp_path, upstream.csv_bytes(upstream.EPOCH_MODEL_HEADER, rows))
    assert (err.row, err.field) == ("line 4", "Publication date")
    assert "'early 2025' is not a date" in err.message


def test_failed_import_leaves_the_catalog_unchanged(home: Path, tmp_path: Path):
    import_path("epoch-models", upstream.epoch_models(tmp_path))
    before = list_snapshots()
    rows = [list(r) for r in upstream.EPOCH_MODEL_ROWS]
    rows[3][5] = "many"
    bad = tmp_path / "bad"
    bad.mkdir()
    with pytest.raises(AiraceError):
        import_path("epoch-models", upstream.epoch_models(bad, rows=rows))
    assert list_snapshots() == before


def test_openrouter_and_lmarena(home: Path, tmp_path: Path):
    result = import_path("openrouter", upstream.openrouter(tmp_path))
    assert result.rows == 2
    rows = snapshot_rows("openrouter").set_index("external_id")
    assert str(rows.loc["openai/gpt-4o", "release_date"])[:10] == "2024-05-13"
    assert rows.loc["openai/gpt-4o", "model_id"] == "gpt-4o"
    assert rows.loc["deepseek/deepseek-chat", "prompt_usd_per_mtok"] == pytest.approx(0.27)
    result = import_path("lmarena", upstream.lmarena_json(tmp_path))
    assert result.rows == 3
    scores = snapshot_rows("lmarena")
    full = scores[scores["metric"] == "lmarena"].set_index("external_id")
    assert full.loc["deepseek-v3", "score"] == pytest.approx(1318.5)
    assert set(scores["metric"]) == {"lmarena", "lmarena:coding"}


@pytest.mark.parametrize(
    ("kind", "name", "data", "fragment"),
    [
        (
            "openrouter",
            "models.json",
            b'{"data": [{"id": "x/y", "name": "Y"}]}',
            "required key is missing",
        ),
        ("openrouter", "models.json", b'{"data": [{"id": "x/y", "name"', "malformed JSON"),
        ("openrouter", "models.json", b'{"models": []}', "'data' list"),
        ("lmarena", "leaderboard-text.json", b'{"coding": {}}', "no 'full' category"),
        (
            "lmarena",
            "leaderboard-text.json",
            b'{"full": {"m": {"score": 1}}}',
            "no numeric 'rating'",
        ),
        (
            "epoch-eci",
            "epoch_capabilities_index.csv",
            b"Model version,Release date\n",
            "upstream column 'Organization' is missing",
        ),
        (
            "epoch-benchmarks",
            "benchmark_data.zip",
            b"PK\x03\x04 not really a zip",
            "not a zip archive",
        ),
        ("epoch-models", "models.csv", b"Model\n", "cannot tell which Epoch models file"),
    ],
)
def test_malformed_files_of_every_kind(
    home: Path, tmp_path: Path, kind: str, name: str, data: bytes, fragment: str
):
    err = _error(tmp_path, data, kind, name)
    assert fragment in err.message
    assert list_snapshots() == []


def test_cli_import_sources_and_unmatched(home: Path, tmp_path: Path):
    path = upstream.epoch_models(tmp_path)
    code, out, err = run_cli("import", "epoch-models", str(path))
    assert code == 0, err
    assert "imported 4 rows" in out and "epoch-models-" in out
    assert "Unknown Lab Inc" in out
    code, out, _ = run_cli("import", "epoch-models", str(path))
    assert code == 0 and "already imported" in out
    code, out, _ = run_cli("sources", "--format", "json")
    records = data_of(out)
    assert len(records) == 1 and records[0]["rows"] == 4
    assert records[0]["min_date"] == "2024-05-13" and records[0]["max_date"] == "2025-03-01"
    code, out, _ = run_cli("sources", "unmatched", "epoch-notable", "--format", "csv")
    assert code == 0 and "org,Unknown Lab Inc,1" in out
    code, _, err = run_cli("import", "epoch-models", str(tmp_path / "missing.csv"))
    assert code == 2 and "file not found" in err


def test_cadence_and_releases_on_an_imported_source(home: Path, tmp_path: Path):
    import_path("epoch-models", upstream.epoch_models(tmp_path))
    code, out, err = run_cli(
        "cadence",
        "--source",
        "epoch-notable",
        "--as-of",
        "2025-06-30",
        "--since",
        "2024-01-01",
        "--labs",
        "openai,deepseek,google",
        "--rule",
        "every-release",
        "--format",
        "json",
    )
    assert code == 0, err
    counts = {r["org_id"]: r["count"] for r in data_of(out)}
    assert counts == {"openai": 2, "deepseek": 1, "google": 1}  # Joint Model counts for both
    code, _, err = run_cli(
        "cadence",
        "--source",
        "epoch-notable",
        "--as-of",
        "2025-06-30",
        "--since",
        "2024-01-01",
        "--rule",
        "main-versions",
    )
    assert code == 2
    assert "needs family_id, is_main_line, release_type" in err
    assert "rules that apply: every-release" in err
    code, out, _ = run_cli(
        "releases", "--source", "epoch-notable", "--lab", "google", "--format", "json"
    )
    assert [r["model_name"] for r in data_of(out)] == ["Joint Model"]


def test_compare_dates_finds_differences_and_gaps(home: Path, tmp_path: Path):
    rows = [list(r) for r in upstream.EPOCH_MODEL_ROWS]
    rows[0][2] = "2024-12-20"  # DeepSeek-V3 six days earlier than our curated date
    template = rows[0]
    extra = {  # models we lack: one out of scope, one unreleased, one possibly missed
        "DeepSeek-Fold": ("2025-01-10", "Biology", "Open weights (unrestricted)"),
        "DeepSeek-Internal": ("2025-01-11", "Language", "Unreleased"),
        "DeepSeek-Painter": ("2025-01-12", "Image generation", "API access"),
    }
    for name, (day, domain, access) in extra.items():
        row = list(template)
        row[0], row[2], row[3], row[10] = name, day, domain, access
        rows.append(row)
    import_path("epoch-models", upstream.epoch_models(tmp_path, rows=rows))
    code, out, err = run_cli(
        "compare-dates", "--source", "epoch-notable", "--lab", "deepseek", "--format", "json"
    )
    assert code == 0, err
    issues = data_of(out)
    differs = [i for i in issues if i["issue"] == "date_differs"]
    assert differs == [
        {
            **differs[0],
            "model_id": "deepseek-v3",
            "days_difference": -6,
            "source_date": "2024-12-20",
        }
    ]
    missing = {i["model_id"] for i in issues if i["issue"] == "missing_in_source"}
    assert "deepseek-r1" in missing  # launched before the source's last row, not in it
    assert "deepseek-r1-0528" not in missing  # after the source's last date (2025-03-01)
    assert "deepseek-v3-0324" not in missing
    lacking = {
        i["source_name"]: i["explained"] for i in issues if i["issue"] == "missing_in_airace"
    }
    assert lacking == {
        "DeepSeek-Fold": "outside the releases table's scope (domain: Biology)",
        "DeepSeek-Internal": "the source marks it unreleased: not a public launch",
        "DeepSeek-Painter": None,
    }
    code, out, _ = run_cli(
        "compare-dates",
        "--source",
        "epoch-notable",
        "--lab",
        "deepseek",
        "--days",
        "10",
        "--format",
        "json",
    )
    assert not [i for i in data_of(out) if i["issue"] == "date_differs"]


def test_models_we_lack_are_explained_only_by_the_sources_own_fields():
    from airace.analysis.external import explain_missing

    assert "unreleased" in explain_missing("Unreleased", "Language")
    assert explain_missing("Open weights (unrestricted)", "Biology") == (
        "outside the releases table's scope (domain: Biology)"
    )
    assert "Robotics,Games" in explain_missing("API access", "Robotics,Games")
    # one in-scope domain is enough to count as a possible launch we lack
    assert explain_missing("Open weights (unrestricted)", "Robotics,Vision,Language") is None
    assert explain_missing("API access", "Image generation") is None
    assert explain_missing(None, None) is None and explain_missing(float("nan"), "") is None


def test_date_differences_are_explained_when_our_row_accounts_for_them():
    import pandas as pd

    from airace.analysis.external import explain_difference

    row = pd.Series(
        {
            "release_date": pd.Timestamp("2024-04-09"),
            "announced_date": pd.Timestamp("2024-02-15"),
            "date_precision": "day",
            "notes": "",
        }
    )
    assert "announcement date" in explain_difference(row, pd.Timestamp("2024-02-15"), 3)
    assert explain_difference(row, pd.Timestamp("2024-03-01"), 3) is None
    month = pd.Series(
        {
            "release_date": pd.Timestamp("2025-05-01"),
            "announced_date": None,
            "date_precision": "month",
            "notes": "",
        }
    )
    assert "month only" in explain_difference(month, pd.Timestamp("2025-05-11"), 3)
    noted = pd.Series(
        {
            "release_date": pd.Timestamp("2025-09-24"),
            "announced_date": None,
            "date_precision": "day",
            "notes": "Epoch says 2025-09-05 (preview).",
        }
    )
    assert "notes discuss" in explain_difference(noted, pd.Timestamp("2025-09-05"), 3)
