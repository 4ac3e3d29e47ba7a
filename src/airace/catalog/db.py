"""The catalog: one embedded DuckDB file built from the curated tables plus imported snapshots.

:class:`Catalog` opens the file once per process. The first use checks that the catalog was
built from the curated files as they are now (a content hash stored in the catalog) and
rebuilds it if not; a broken curated copy is refused with the validator's message and the
old catalog is left untouched. Rebuilding does not know about importers: whoever opens the
catalog passes an ``after_build`` step (the service layer passes the re-crosswalk of
imported names), so this layer never imports a higher one.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from airace.errors import AiraceError, CatalogBusy

if TYPE_CHECKING:
    import duckdb
    import pandas as pd

    from airace.schema.tables import Table

SCHEMA_VERSION = "1"

SQL_TYPES = {
    "date": "DATE",
    "int": "BIGINT",
    "float": "DOUBLE",
    "bool": "BOOLEAN",
    "set": "VARCHAR[]",
    "list": "VARCHAR[]",
}

AfterBuild = Callable[["duckdb.DuckDBPyConnection"], object]


def fingerprint(folder: Path) -> str:
    """Content hash of the curated data folder (plus the catalog schema version)."""
    digest = hashlib.sha256(SCHEMA_VERSION.encode())
    for path in sorted(folder.rglob("*")):
        if path.is_file() and path.suffix in {".csv", ".yaml"}:
            digest.update(path.relative_to(folder).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def _busy_timeout() -> float:
    try:
        return float(os.environ.get("AIRACE_BUSY_TIMEOUT", "2"))
    except ValueError:
        return 2.0


def open_file(path: Path, read_only: bool) -> duckdb.DuckDBPyConnection:
    """Open the catalog file, waiting briefly for another process to release its lock."""
    import duckdb

    deadline = time.monotonic() + _busy_timeout()
    while True:
        try:
            return duckdb.connect(str(path), read_only=read_only)
        except duckdb.Error as exc:
            text = str(exc)
            if not re.search(r"\block\b", text, re.IGNORECASE):  # not "block"
                raise AiraceError(
                    f"catalog unreadable: {text.splitlines()[0] if text else 'IO error'}; "
                    "delete it or run `airace data build`",
                    file=str(path),
                ) from None
            if time.monotonic() >= deadline:
                raise CatalogBusy(
                    "catalog busy: another airace process is writing to it; try again when "
                    "it has finished",
                    file=str(path),
                ) from None
            time.sleep(0.05)


@contextmanager
def _committed(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """One transaction: committed with a fresh state token on success, rolled back on any
    error or interruption. The token marks the catalog as changed, so a result cached
    against the old contents (see :meth:`Catalog.state`) is never reused."""
    import uuid

    con.execute("BEGIN TRANSACTION")
    try:
        yield
        con.execute("INSERT OR REPLACE INTO airace_meta VALUES ('state', ?)", [uuid.uuid4().hex])
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise


def _stored_fingerprint(con: duckdb.DuckDBPyConnection) -> str | None:
    try:
        row = con.execute(
            "SELECT value FROM airace_meta WHERE key = 'curated_fingerprint'"
        ).fetchone()
    except Exception:
        return None
    return row[0] if row else None


def table_frame(table: Table) -> pd.DataFrame:
    """Typed rows of a curated table as a DataFrame (sets and lists become lists)."""
    import pandas as pd

    columns = list(table.meta.columns)
    records = [
        {c: (list(v) if isinstance(v, tuple) else v) for c, v in row.items()} for row in table.rows
    ]
    return pd.DataFrame.from_records(records, columns=columns)


def _create_sql(table: Table) -> str:
    from airace.schema.dictionary import load_dictionary

    dictionary = load_dictionary(table.meta.path.parent / "fields.yaml")
    cols = ", ".join(
        f'"{c}" {SQL_TYPES.get(dictionary[c].type, "VARCHAR")}' for c in table.meta.columns
    )
    return f'CREATE OR REPLACE TABLE "{table.name}" ({cols})'


def build(
    path: Path, folder: Path, *, today: dt.date, after_build: AfterBuild | None = None
) -> str:
    """(Re)build the curated tables of the catalog in one transaction; returns the hash.

    ``today`` is what validation compares retrieval dates with (no clock read here);
    ``after_build`` runs inside the same transaction (e.g. re-matching imported names).
    """
    from airace.schema.tables import read_all
    from airace.schema.validate import validate

    problems = validate(folder, today)
    if problems:
        shown = "\n  ".join(p.line() for p in problems[:5])
        more = f"\n  ... and {len(problems) - 5} more" if len(problems) > 5 else ""
        raise AiraceError(
            f"curated data in {folder} does not validate "
            f"({len(problems)} problems); run `airace data validate`:\n  "
            f"{shown}{more}"
        )
    tables = read_all(folder)
    digest = fingerprint(folder)
    path.parent.mkdir(parents=True, exist_ok=True)
    con = open_file(path, read_only=False)
    try:
        with _committed(con):
            con.execute(
                "CREATE TABLE IF NOT EXISTS airace_meta (key VARCHAR PRIMARY KEY, value VARCHAR)"
            )
            con.execute(
                "CREATE OR REPLACE TABLE curated_tables (name VARCHAR, title VARCHAR, "
                "licence VARCHAR, rows BIGINT, description VARCHAR)"
            )
            for table in tables.values():
                frame = table_frame(table)
                con.execute(_create_sql(table))
                if len(frame):
                    con.register("_frame", frame)
                    con.execute(f'INSERT INTO "{table.name}" SELECT * FROM _frame')
                    con.unregister("_frame")
                con.execute(
                    "INSERT INTO curated_tables VALUES (?, ?, ?, ?, ?)",
                    [
                        table.name,
                        table.meta.title,
                        table.meta.licence,
                        len(table.rows),
                        table.meta.description,
                    ],
                )
            if after_build is not None:
                after_build(con)
            con.execute(
                "INSERT OR REPLACE INTO airace_meta VALUES ('curated_fingerprint', ?)", [digest]
            )
            con.execute(
                "INSERT OR REPLACE INTO airace_meta VALUES ('curated_folder', ?)", [str(folder)]
            )
    finally:
        con.close()
    return digest


class Catalog:
    """One catalog file with one connection per process (read-only unless writing).

    Freshness against the curated data is checked once, on first use. ``transaction()``
    swaps the read-only connection for a writable one for the duration of a write.
    """

    def __init__(
        self,
        path: Path,
        folder: Path,
        *,
        today: dt.date | None = None,
        after_build: AfterBuild | None = None,
    ) -> None:
        self.path = path
        self.folder = folder
        self.today = today or dt.date.today()
        self.after_build = after_build
        self._con: duckdb.DuckDBPyConnection | None = None
        self._fresh = False
        self._tables: set[str] | None = None

    def ensure_fresh(self) -> None:
        """Build the catalog when it is missing or older than the curated data."""
        if self._fresh:
            return
        current = fingerprint(self.folder)
        stored = None
        if self.path.exists():
            con = open_file(self.path, read_only=True)
            stored = _stored_fingerprint(con)
            if stored == current and self._con is None:
                self._con = con  # fresh: keep the connection that checked it
            else:
                con.close()
        if stored != current:
            self.close()
            build(self.path, self.folder, today=self.today, after_build=self.after_build)
        self._fresh = True

    def rebuild(self) -> None:
        """Rebuild now (normally automatic)."""
        self.close()
        build(self.path, self.folder, today=self.today, after_build=self.after_build)
        self._fresh = True

    @property
    def con(self) -> duckdb.DuckDBPyConnection:
        """The process's read-only connection to a fresh catalog."""
        if self._con is None:
            self.ensure_fresh()
        if self._con is None:
            self._con = open_file(self.path, read_only=True)
        return self._con

    def query(self, sql: str, params: list[Any] | None = None) -> pd.DataFrame:
        return self.con.execute(sql, params or []).df()

    def rows(self, sql: str, params: list[Any] | None = None) -> list[tuple[Any, ...]]:
        return self.con.execute(sql, params or []).fetchall()

    def state(self) -> str:
        """What the catalog holds, as a token that changes with every build, import or update."""
        row = self.con.execute(
            "SELECT string_agg(value, ':' ORDER BY key) FROM airace_meta "
            "WHERE key IN ('curated_fingerprint', 'state')"
        ).fetchone()
        return str(row[0]) if row and row[0] else ""

    def has_table(self, name: str) -> bool:
        if self._tables is None:
            self._tables = {
                r[0] for r in self.rows("SELECT table_name FROM information_schema.tables")
            }
        return name in self._tables

    @contextmanager
    def transaction(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A writable connection inside one transaction: committed on success, rolled back
        on any error or interruption, so a write is all or nothing."""
        self.ensure_fresh()
        self.close()
        con = open_file(self.path, read_only=False)
        try:
            with _committed(con):
                yield con
        finally:
            con.close()
            self._tables = None

    def close(self) -> None:
        if self._con is not None:
            self._con.close()
            self._con = None
        self._tables = None
