"""Where airace keeps its files: ``AIRACE_HOME`` (default: the per-user data directory)."""

from __future__ import annotations

import os
from pathlib import Path

from airace.schema.dictionary import data_dir


def home() -> Path:
    configured = os.environ.get("AIRACE_HOME")
    if configured:
        path = Path(configured).expanduser()
        if path.exists() and not path.is_dir():
            from airace.errors import AiraceError

            raise AiraceError("AIRACE_HOME must be a folder, not a file", file=str(path))
        return path
    from platformdirs import user_data_dir

    return Path(user_data_dir("airace", appauthor=False))


def catalog_path() -> Path:
    """The DuckDB catalog file; ``AIRACE_CATALOG`` overrides its location."""
    configured = os.environ.get("AIRACE_CATALOG")
    return Path(configured).expanduser() if configured else home() / "catalog.duckdb"


def curated_dir() -> Path:
    """Curated tables: the package's own, or ``AIRACE_DATA_DIR`` for a fork of the data."""
    configured = os.environ.get("AIRACE_DATA_DIR")
    return Path(configured).expanduser() if configured else data_dir()


def snapshots_dir() -> Path:
    return home() / "snapshots"
