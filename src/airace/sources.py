"""Reading imported snapshots back: which exist, which is newest, what did not match."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from airace.errors import AiraceError

if TYPE_CHECKING:
    import pandas as pd

SOURCE_TABLES = {
    "epoch-notable": "ext_models", "epoch-all": "ext_models",
    "epoch-large-scale": "ext_models", "epoch-frontier": "ext_models",
    "openrouter": "ext_models", "lmarena-meta": "ext_models",
    "epoch-eci": "ext_scores", "epoch-benchmarks": "ext_scores", "lmarena": "ext_scores",
    "lmarena-history": "ext_scores",
    "epoch-hardware": "ext_hardware", "epoch-clusters": "ext_clusters",
}


def _has_snapshots(con: Any) -> bool:
    return bool(con.execute("SELECT count(*) FROM information_schema.tables "
                            "WHERE table_name = 'snapshots'").fetchone()[0])


def list_snapshots() -> list[dict[str, Any]]:
    from airace import catalog

    with catalog.connect() as con:
        if not _has_snapshots(con):
            return []
        cursor = con.execute(
            "SELECT snapshot_id, variant AS source, kind, file_name, imported_at, min_date, "
            "max_date, rows, bytes, sha256, licence, producer, url, accessed_date, citation "
            "FROM snapshots ORDER BY variant, imported_at")
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def resolve_snapshot(con: Any, source: str, snapshot: str | None = None) -> str:
    """The snapshot id to use for a source: the given one, else the newest import."""
    if source not in SOURCE_TABLES:
        from airace.api import suggest

        raise AiraceError(f"unknown source {source!r}{suggest(source, list(SOURCE_TABLES))}; "
                          f"sources: {', '.join(SOURCE_TABLES)}")
    if not _has_snapshots(con):
        raise AiraceError(f"no {source} snapshot imported yet; run `airace import` or "
                          "`airace update` first")
    if snapshot:
        row = con.execute("SELECT variant FROM snapshots WHERE snapshot_id = ?",
                          [snapshot]).fetchone()
        if row is None:
            raise AiraceError(f"unknown snapshot {snapshot!r}; see `airace sources`")
        if row[0] != source:
            raise AiraceError(f"snapshot {snapshot} is a {row[0]} snapshot, not {source}")
        return snapshot
    row = con.execute("SELECT snapshot_id FROM snapshots WHERE variant = ? "
                      "ORDER BY imported_at DESC, snapshot_id LIMIT 1", [source]).fetchone()
    if row is None:
        raise AiraceError(f"no {source} snapshot imported yet; run `airace import` or "
                          "`airace update` first")
    return str(row[0])


def snapshot_rows(source: str, snapshot: str | None = None,
                  where: str = "", params: list[Any] | None = None) -> pd.DataFrame:
    """Rows of one source's snapshot, with the snapshot's metadata in ``attrs``."""
    from airace import catalog

    with catalog.connect() as con:
        sid = resolve_snapshot(con, source, snapshot)
        table = SOURCE_TABLES[source]
        frame = con.execute(
            f'SELECT * FROM "{table}" WHERE snapshot_id = ? {where} ORDER BY line',
            [sid, *(params or [])]).df()
        meta = con.execute("SELECT * FROM snapshots WHERE snapshot_id = ?", [sid]).df()
    frame.attrs["snapshot"] = meta.to_dict(orient="records")[0]
    return frame


def unmatched_names(source: str, snapshot: str | None = None) -> list[dict[str, Any]]:
    from airace import catalog

    with catalog.connect() as con:
        sid = resolve_snapshot(con, source, snapshot)
        frame = con.execute(
            "SELECT name_kind, name, rows, snapshot_id FROM unmatched WHERE snapshot_id = ? "
            "ORDER BY name_kind DESC, rows DESC, name", [sid]).df()
    return frame.to_dict(orient="records")
