"""Reading imported snapshots back: which exist, which is newest, what did not match."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from airace.errors import AiraceError
from airace.importers import registry
from airace.service.result import Source

if TYPE_CHECKING:
    import pandas as pd

    from airace.catalog import Catalog


@dataclass
class Snapshot:
    """One imported snapshot's rows with its sidecar metadata."""

    rows: pd.DataFrame
    meta: dict[str, Any]

    @property
    def source(self) -> Source:
        return snapshot_source(self.meta)


def snapshot_source(meta: dict[str, Any], rows: int | None = None) -> Source:
    """A :class:`Source` from a snapshot's sidecar row (licence and citation as recorded)."""
    accessed = meta.get("accessed_date")
    return Source(
        producer=str(meta["producer"]),
        title=str(meta["title"]),
        licence=str(meta["licence"]),
        url=meta.get("url"),
        citation=meta.get("citation"),
        retrieved=str(accessed)[:10] if accessed is not None else None,
        snapshot_id=str(meta["snapshot_id"]),
        sha256=meta.get("sha256"),
        table=registry.SOURCES[meta["variant"]].table
        if meta.get("variant") in registry.SOURCES
        else None,
        rows=rows if rows is not None else meta.get("rows"),
    )


def _cat(catalog: Catalog | None) -> Catalog:
    if catalog is not None:
        return catalog
    from airace.service.context import get_catalog

    return get_catalog()


def list_snapshots(catalog: Catalog | None = None) -> list[dict[str, Any]]:
    cat = _cat(catalog)
    if not cat.has_table("snapshots"):
        return []
    frame = cat.query(
        "SELECT snapshot_id, variant AS source, kind, file_name, imported_at, min_date, "
        "max_date, rows, bytes, sha256, licence, producer, title, url, accessed_date, citation "
        "FROM snapshots ORDER BY variant, imported_at"
    )
    records: list[dict[str, Any]] = frame.to_dict(orient="records")
    return records


def resolve_snapshot(cat: Catalog, source: str, snapshot: str | None = None) -> str:
    """The snapshot id to use for a source: the given one, else the one with the newest data
    (its latest date; then the latest import), so an older file imported later never
    replaces a newer one."""
    registry.source(source)
    if not cat.has_table("snapshots"):
        raise AiraceError(
            f"no {source} snapshot imported yet; run `airace import` or `airace update` first"
        )
    if snapshot:
        row = cat.rows("SELECT variant FROM snapshots WHERE snapshot_id = ?", [snapshot])
        if not row:
            raise AiraceError(f"unknown snapshot {snapshot!r}; see `airace sources`")
        if row[0][0] != source:
            raise AiraceError(f"snapshot {snapshot} is a {row[0][0]} snapshot, not {source}")
        return snapshot
    from airace.importers.run import NEWEST_FIRST

    row = cat.rows(
        f"SELECT snapshot_id FROM snapshots WHERE variant = ? ORDER BY {NEWEST_FIRST} LIMIT 1",
        [source],
    )
    if not row:
        raise AiraceError(
            f"no {source} snapshot imported yet; run `airace import` or `airace update` first"
        )
    return str(row[0][0])


def snapshot_meta(cat: Catalog, snapshot_id: str) -> dict[str, Any]:
    meta: dict[str, Any] = cat.query(
        "SELECT * FROM snapshots WHERE snapshot_id = ?", [snapshot_id]
    ).to_dict(orient="records")[0]
    return meta


def load_snapshot(
    source: str,
    snapshot: str | None = None,
    where: str = "",
    params: list[Any] | None = None,
    catalog: Catalog | None = None,
) -> Snapshot:
    """Rows of one source's snapshot (the newest unless ``snapshot`` is given)."""
    cat = _cat(catalog)
    sid = resolve_snapshot(cat, source, snapshot)
    table = registry.SOURCES[source].table
    frame = cat.query(
        f'SELECT * FROM "{table}" WHERE snapshot_id = ? {where} ORDER BY line',
        [sid, *(params or [])],
    )
    return Snapshot(frame, snapshot_meta(cat, sid))


def snapshot_rows(
    source: str, snapshot: str | None = None, where: str = "", params: list[Any] | None = None
) -> pd.DataFrame:
    """Rows of one source's snapshot, as a DataFrame."""
    return load_snapshot(source, snapshot, where, params).rows


def unmatched_names(
    source: str, snapshot: str | None = None, catalog: Catalog | None = None
) -> list[dict[str, Any]]:
    cat = _cat(catalog)
    sid = resolve_snapshot(cat, source, snapshot)
    frame = cat.query(
        "SELECT name_kind, name, rows, snapshot_id FROM unmatched WHERE snapshot_id = ? "
        "ORDER BY name_kind DESC, rows DESC, name",
        [sid],
    )
    records: list[dict[str, Any]] = frame.to_dict(orient="records")
    return records
