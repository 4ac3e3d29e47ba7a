"""The data changelog: it matches the bundled tables, and `airace data changes` lists what
an entry records (checked on a copy of the data edited by hand)."""

from __future__ import annotations

import datetime as dt
import importlib.util
import shutil
from pathlib import Path

import pytest
import yaml

from airace.errors import AiraceError
from airace.schema import changelog as cl
from airace.service.changes import data_changes
from conftest import data_of, edit_csv, run_cli

ROOT = Path(__file__).resolve().parent.parent


def test_bundled_changelog_matches_the_tables():
    """A change to a curated table without a changelog entry fails here: record it with
    `python tools/changelog.py --base HEAD --version YYYY.MM.DD --summary ...`."""
    assert cl.changelog_problems() == []


def test_bundled_changelog_has_a_baseline_then_versions():
    entries = cl.read_changelog()
    assert entries[0].baseline and entries[0].changes == {}
    assert all(not e.baseline for e in entries[1:])
    assert [e.version for e in entries] == sorted(e.version for e in entries)


def _write(folder: Path, number: int, doc: dict) -> None:
    root = cl.changelog_dir(folder)
    root.mkdir(exist_ok=True)
    (root / f"{number:04d}-{doc['version']}.yaml").write_text(
        yaml.safe_dump(doc, sort_keys=False, allow_unicode=True), encoding="utf-8"
    )


def _parsed(folder: Path) -> dict:
    return cl.state(cl.table_texts(folder), cl.primary_keys(folder))


@pytest.fixture
def versioned(data_copy: Path) -> Path:
    """A data copy whose changelog has only a baseline of its current tables."""
    shutil.rmtree(cl.changelog_dir(data_copy), ignore_errors=True)
    doc = cl.entry_document("2026.01.01", dt.date(2026, 1, 1), "base", _parsed(data_copy), {}, True)
    _write(data_copy, 1, doc)
    return data_copy


def _edit(rows: list[dict[str, str]]) -> list[dict[str, str]]:
    """Change one cell of deepseek-v3, drop deepseek-r1, add a row copied from it."""
    out = []
    for row in rows:
        if row["model_id"] == "deepseek-r1":
            continue
        if row["model_id"] == "deepseek-v3":
            row["confidence"] = "low"
        out.append(row)
    added = dict(next(r for r in rows if r["model_id"] == "deepseek-v3"))
    added["model_id"] = "deepseek-test"
    return [*out, added]


def test_unrecorded_change_fails_then_an_entry_fixes_it(versioned: Path):
    assert cl.changelog_problems(versioned) == []
    before = _parsed(versioned)
    old_conf = before["releases"][1]["deepseek-v3"]["confidence"]
    edit_csv(versioned / "releases.csv", _edit)
    problems = cl.changelog_problems(versioned)
    assert problems == [
        "table releases differs from changelog version 2026.01.01 (0001-2026.01.01.yaml): "
        "record the change with tools/changelog.py"
    ]
    after = _parsed(versioned)
    changes = cl.diff_tables(before, after)
    assert list(changes) == ["releases"]
    assert changes["releases"].added == ["deepseek-test"]
    assert changes["releases"].removed == ["deepseek-r1"]
    assert changes["releases"].changed == {"deepseek-v3": {"confidence": (old_conf, "low")}}
    doc = cl.entry_document("2026.01.02", dt.date(2026, 1, 2), "edit", after, changes)
    _write(versioned, 2, doc)
    assert cl.changelog_problems(versioned) == []

    result = data_changes(folder=versioned)
    assert result.summary["data_version"] == "2026.01.02"
    assert [(r["change"], r["row_id"], r["field"], r["old"], r["new"]) for r in result.records] == [
        ("added", "deepseek-test", None, None, None),
        ("changed", "deepseek-v3", "confidence", old_conf, "low"),
        ("removed", "deepseek-r1", None, None, None),
    ]
    assert (result.summary["rows_added"], result.summary["rows_changed"]) == (1, 1)
    assert data_changes(folder=versioned, since="2026.01.02").records == []
    assert len(data_changes(folder=versioned, since="2026-01-02").records) == 3
    assert data_changes(folder=versioned, table="scores").records == []


def test_row_counts_must_follow_from_the_changes(versioned: Path):
    edit_csv(
        versioned / "releases.csv", lambda rows: [r for r in rows if r["model_id"] != "deepseek-r1"]
    )
    after = _parsed(versioned)
    doc = cl.entry_document("2026.01.02", dt.date(2026, 1, 2), "edit", after, {})  # no changes
    _write(versioned, 2, doc)
    problems = cl.changelog_problems(versioned)
    assert len(problems) == 1 and "releases has" in problems[0] and "0 removed" in problems[0]


def test_reordering_rows_is_not_a_change(versioned: Path):
    edit_csv(versioned / "releases.csv", lambda rows: list(reversed(rows)))
    assert cl.changelog_problems(versioned) == []


def test_bad_since_and_table_are_user_errors(versioned: Path):
    with pytest.raises(AiraceError, match="unknown data version"):
        data_changes(folder=versioned, since="2025.01.01")
    with pytest.raises(AiraceError, match="bad --since"):
        data_changes(folder=versioned, since="last week")
    with pytest.raises(AiraceError, match="unknown table"):
        data_changes(folder=versioned, table="nope")


def test_cli_lists_the_bundled_changes():
    code, out, err = run_cli("data", "changes", "--format", "json")
    assert code == 0, err
    assert data_of(out) is not None
    code, out, _ = run_cli("data", "changes", "--version")
    assert code == 0 and out.strip() == cl.data_version()
    code, _, err = run_cli("data", "changes", "--since", "yesterday")
    assert code != 0 and "bad --since" in err and "Traceback" not in err


def test_tool_refuses_a_base_that_is_not_the_previous_version(tmp_path: Path, monkeypatch):
    spec = importlib.util.spec_from_file_location("changelog_tool", ROOT / "tools/changelog.py")
    assert spec and spec.loader
    tool = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tool)
    monkeypatch.setattr(tool, "texts_at", lambda rev: {"releases": "model_id\nx\n"})
    code = tool.main(["--base", "HEAD", "--version", "2099.01.01", "--summary", "test"])
    assert code == 1
