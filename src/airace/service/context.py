"""The process's catalog: one :class:`~airace.catalog.Catalog` per catalog file and data folder.

The service layer owns it because only here are both the catalog and the importers known:
a rebuild after a curated-data change re-matches imported names (``recrosswalk``) in the
same transaction.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from airace.catalog import Catalog, paths

if TYPE_CHECKING:
    import duckdb

_CURRENT: Catalog | None = None


def get_catalog() -> Catalog:
    """The catalog for the current ``AIRACE_HOME`` / ``AIRACE_CATALOG`` / ``AIRACE_DATA_DIR``."""
    global _CURRENT
    path, folder = paths.catalog_path(), paths.curated_dir()
    if _CURRENT is None or _CURRENT.path != path or _CURRENT.folder != folder:
        if _CURRENT is not None:
            _CURRENT.close()
        _CURRENT = Catalog(path, folder, today=dt.date.today(), after_build=recrosswalk)
    return _CURRENT


def reset() -> None:
    """Forget the process's catalog (tests that edit curated files in place use this)."""
    global _CURRENT
    if _CURRENT is not None:
        _CURRENT.close()
    _CURRENT = None


def recrosswalk(con: duckdb.DuckDBPyConnection) -> object:
    """Re-match imported names after a rebuild (imported only when a rebuild happens)."""
    from airace.importers.run import recrosswalk as run

    return run(con)
