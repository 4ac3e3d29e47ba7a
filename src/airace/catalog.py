"""The catalog: one embedded DuckDB file built from the curated tables (and, later, imports).

The CLI never asks the user to build anything: :func:`connect` rebuilds the curated part
whenever the curated files differ from what the catalog was built from (a content hash is
stored in the catalog). A broken curated copy is refused with the validator's message and
the old catalog is left untouched.
"""

from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from airace import paths
from airace.errors import AiraceError, CatalogBusy

if TYPE_CHECKING:
    import duckdb
    import pandas as pd

    from airace.tables import Table

SCHEMA_VERSION = "1"

SQL_TYPES = {
    "date": "DATE",
    "int": "BIGINT",
    "float": "DOUBLE",
    "bool": "BOOLEAN",
    "set": "VARCHAR[]",
    "list": "VARCHAR[]",
}


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


def _open(path: Path, read_only: bool) -> duckdb.DuckDBPyConnection:
    """Open the catalog, waiting briefly for another process to release its lock."""
    import duckdb

    deadline = time.monotonic() + _busy_timeout()
    while True:
        try:
            return duckdb.connect(str(path), read_only=read_only)
        except duckdb.IOException as exc:
            text = str(exc)
            if "lock" not in text.lower():
                raise AiraceError(f"cannot open the catalog: {text}", file=str(path)) from None
            if time.monotonic() >= deadline:
                raise CatalogBusy(
                    "catalog busy: another airace process is writing to it; try again when "
                    "it has finished", file=str(path)) from None
            time.sleep(0.05)


def _stored_fingerprint(path: Path) -> str | None:
    if not path.exists():
        return None
    con = _open(path, read_only=True)
    try:
        row = con.execute(
            "SELECT value FROM information_schema.tables t, airace_meta m "
            "WHERE t.table_name = 'airace_meta' AND m.key = 'curated_fingerprint'"
        ).fetchone()
    except Exception:
        return None
    finally:
        con.close()
    return row[0] if row else None


def table_frame(table: Table) -> pd.DataFrame:
    """Typed rows of a curated table as a DataFrame (sets and lists become lists)."""
    import pandas as pd

    columns = list(table.meta.columns)
    records = [
        {c: (list(v) if isinstance(v, tuple) else v) for c, v in row.items()}
        for row in table.rows
    ]
    return pd.DataFrame.from_records(records, columns=columns)


def _create_sql(table: Table) -> str:
    from airace.dictionary import load_dictionary

    dictionary = load_dictionary(table.meta.path.parent / "fields.yaml")
    cols = ", ".join(
        f'"{c}" {SQL_TYPES.get(dictionary[c].type, "VARCHAR")}' for c in table.meta.columns
    )
    return f'CREATE OR REPLACE TABLE "{table.name}" ({cols})'


def build(path: Path | None = None, folder: Path | None = None) -> str:
    """(Re)build the curated tables of the catalog in one transaction; returns the hash."""
    from airace.tables import read_all
    from airace.validate import validate

    path = path or paths.catalog_path()
    folder = folder or paths.curated_dir()
    problems = validate(folder)
    if problems:
        shown = "\n  ".join(p.line() for p in problems[:5])
        more = f"\n  ... and {len(problems) - 5} more" if len(problems) > 5 else ""
        raise AiraceError(f"curated data in {folder} does not validate "
                          f"({len(problems)} problems); run `airace data validate`:\n  "
                          f"{shown}{more}")
    tables = read_all(folder)
    digest = fingerprint(folder)
    path.parent.mkdir(parents=True, exist_ok=True)
    con = _open(path, read_only=False)
    try:
        con.execute("BEGIN TRANSACTION")
        con.execute("CREATE TABLE IF NOT EXISTS airace_meta (key VARCHAR PRIMARY KEY, "
                    "value VARCHAR)")
        con.execute("CREATE OR REPLACE TABLE curated_tables (name VARCHAR, title VARCHAR, "
                    "licence VARCHAR, rows BIGINT, description VARCHAR)")
        for table in tables.values():
            frame = table_frame(table)
            con.execute(_create_sql(table))
            if len(frame):
                con.register("_frame", frame)
                con.execute(f'INSERT INTO "{table.name}" SELECT * FROM _frame')
                con.unregister("_frame")
            con.execute("INSERT INTO curated_tables VALUES (?, ?, ?, ?, ?)",
                        [table.name, table.meta.title, table.meta.licence, len(table.rows),
                         table.meta.description])
        from airace.importers.run import recrosswalk

        recrosswalk(con)
        con.execute("INSERT OR REPLACE INTO airace_meta VALUES ('curated_fingerprint', ?)",
                    [digest])
        con.execute("INSERT OR REPLACE INTO airace_meta VALUES ('curated_folder', ?)",
                    [str(folder)])
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    finally:
        con.close()
    return digest


# Catalogs this process has already seen match the curated data (path -> fingerprint), so
# a command that runs several queries opens the catalog once to check, not once per query.
_VERIFIED: dict[Path, str] = {}


def ensure_fresh(path: Path | None = None, folder: Path | None = None) -> Path:
    """Build the catalog when it is missing or older than the curated data."""
    path = path or paths.catalog_path()
    folder = folder or paths.curated_dir()
    current = fingerprint(folder)
    if _VERIFIED.get(path) == current and path.exists():
        return path
    if _stored_fingerprint(path) != current:
        build(path, folder)
    _VERIFIED[path] = current
    return path


@contextmanager
def connect(read_only: bool = True) -> Iterator[duckdb.DuckDBPyConnection]:
    """A connection to a fresh catalog; read-only unless the caller will write."""
    path = ensure_fresh()
    con = _open(path, read_only=read_only)
    try:
        yield con
    finally:
        con.close()


def query(sql: str, params: list[Any] | None = None) -> pd.DataFrame:
    with connect() as con:
        return con.execute(sql, params or []).df()
