"""What the server knows about its catalog: opened read-only once, and the data version.

The server never writes the catalog: a missing catalog, or one built from curated data
other than the current files, is refused at start-up with a line saying what to run
(``airace data build``), instead of rebuilding it behind the user's back.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from airace.errors import AiraceError
from airace.web.cache import Cached, ResponseCache


@dataclass
class ServerState:
    """The data version (curated fingerprint + snapshot ids), the cache and the run lock.

    ``lock`` serialises service calls: the process has one DuckDB connection, which is
    not safe to use from several threads at once.
    """

    catalog_path: Path
    fingerprint: str
    snapshot_ids: list[str]
    cache: ResponseCache[Cached] = field(default_factory=ResponseCache)
    # results shared by an endpoint's JSON, CSV and metadata forms
    results: ResponseCache[Any] = field(default_factory=lambda: ResponseCache(64))
    # bodies by exact (path, query string): answered at the ASGI edge, before routing
    edge: ResponseCache[Cached] = field(default_factory=ResponseCache)
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def data_version(self) -> str:
        digest = hashlib.sha256(self.fingerprint.encode())
        for snapshot in self.snapshot_ids:
            digest.update(b"\0" + snapshot.encode())
        return digest.hexdigest()[:16]

    @property
    def cache_version(self) -> str:
        """What a cached body depends on besides its parameters: the data version, and
        today's date (the default of every as-of parameter)."""
        return f"{self.data_version}:{dt.date.today().isoformat()}"


def stored_fingerprint(path: Path) -> str | None:
    """The curated fingerprint recorded in the catalog, read through a read-only connection."""
    from airace.catalog.db import open_file

    con = open_file(path, read_only=True)
    try:
        row = con.execute(
            "SELECT m.value FROM information_schema.tables t, airace_meta m "
            "WHERE t.table_name = 'airace_meta' AND m.key = 'curated_fingerprint'"
        ).fetchone()
    except Exception:  # a file that is not a catalog
        return None
    finally:
        con.close()
    return str(row[0]) if row else None


def open_state() -> ServerState:
    """Check the catalog is present and current, open it read-only, read the data version."""
    from airace.catalog import paths
    from airace.catalog.db import fingerprint
    from airace.service.context import get_catalog

    path, folder = paths.catalog_path(), paths.curated_dir()
    if not path.is_file():
        raise AiraceError(
            f"no catalog at {path}; run `airace data build` first "
            "(the server reads the catalog and never writes it)"
        )
    stored, current = stored_fingerprint(path), fingerprint(folder)
    if stored != current:
        raise AiraceError(
            f"the catalog at {path} was built from other curated data than {folder}; "
            "run `airace data build` first (the server never writes the catalog)"
        )
    catalog = get_catalog()
    catalog.con  # noqa: B018 - opens read-only; fresh, so nothing is rebuilt
    snapshots: list[str] = []
    if catalog.has_table("snapshots"):
        snapshots = [
            str(r[0]) for r in catalog.rows("SELECT snapshot_id FROM snapshots ORDER BY 1")
        ]
    return ServerState(path, current, snapshots)
