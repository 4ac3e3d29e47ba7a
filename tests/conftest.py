"""Shared fixtures: an isolated AIRACE_HOME, copies of the curated data, an in-process CLI."""

from __future__ import annotations

import csv
import io
import os
import shutil
import tempfile
from collections.abc import Callable
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path
from typing import Any

import pytest

from airace.schema.dictionary import data_dir

SHARED_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"


def pytest_configure(config: pytest.Config) -> None:
    # One catalog for the whole session unless a test asks for its own home.
    os.environ["AIRACE_HOME"] = tempfile.mkdtemp(prefix="airace-test-home-")
    os.environ.pop("AIRACE_CATALOG", None)
    os.environ.pop("AIRACE_DATA_DIR", None)


def pytest_unconfigure(config: pytest.Config) -> None:
    home = os.environ.get("AIRACE_HOME", "")
    if "airace-test-home-" in home:
        shutil.rmtree(home, ignore_errors=True)


def shared(*parts: str) -> Path:
    """A path under ../shared/data, skipping the test when that folder is absent."""
    path = SHARED_DATA.joinpath(*parts)
    if not path.exists():
        pytest.skip(
            f"real upstream data not available: {path} is absent "
            "(integration tests read ../shared/data beside the repository)"
        )
    return path


@pytest.fixture(scope="session")
def built_catalog(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The curated catalog, built once per test session (copied into each fresh home)."""
    from airace.catalog import Catalog
    from airace.service.context import reset

    path = tmp_path_factory.mktemp("catalog-template") / "catalog.duckdb"
    import datetime as dt

    from airace.importers.run import recrosswalk

    Catalog(path, data_dir(), today=dt.date.today(), after_build=recrosswalk).ensure_fresh()
    reset()
    return path


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, built_catalog: Path) -> Path:
    """A fresh AIRACE_HOME with no imports, for tests that write to the catalog (its curated
    catalog is a copy of the session's, so nothing is rebuilt)."""
    target = tmp_path / "home"
    target.mkdir()
    shutil.copy2(built_catalog, target / "catalog.duckdb")
    monkeypatch.setenv("AIRACE_HOME", str(target))
    return target


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    """A writable copy of the bundled curated data."""
    target = tmp_path / "data"
    shutil.copytree(data_dir(), target)
    return target


def edit_csv(
    path: Path, change: Callable[[list[dict[str, str]]], list[dict[str, str]] | None]
) -> None:
    """Rewrite a CSV through a function of its rows (keeps the header)."""
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        fields = list(reader.fieldnames or [])
        rows = list(reader)
    result = change(rows)
    rows = rows if result is None else result
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def run_cli(*args: str) -> tuple[int, str, str]:
    """Run the CLI in-process; returns (exit code, stdout, stderr)."""
    from airace.cli import main

    out, err = io.StringIO(), io.StringIO()
    code = 0
    with redirect_stdout(out), redirect_stderr(err):
        try:
            main(list(args))
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    return code, out.getvalue(), err.getvalue()


def data_of(out: str) -> Any:
    """The records of a command's JSON output, checking the envelope carries its sources."""
    import json

    doc = json.loads(out)
    assert isinstance(doc, dict) and "sources" in doc and "params" in doc, doc
    return doc["data"]


def import_path(kind: str, path: Path, **options: Any) -> Any:
    """Import a file into the current AIRACE_HOME's catalog (the importer, no CLI)."""
    from airace.importers.run import import_path as run
    from airace.service.context import get_catalog

    return run(get_catalog(), kind, path, **options)


def update(kinds: list[str] | None = None, **options: Any) -> Any:
    """`airace update` without the CLI, on the current AIRACE_HOME's catalog."""
    from airace.importers.update import update as run
    from airace.service.context import get_catalog

    return run(get_catalog(), kinds, **options)
