"""Source operations: import a file, update from the publishers, list snapshots."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from airace.service.context import get_catalog
from airace.service.result import Result, Source
from airace.service.snapshots import list_snapshots, snapshot_source, unmatched_names


def snapshots() -> Result:
    """Imported snapshots: kind, file, dates, rows, sha256, licence."""
    records = list_snapshots(get_catalog())
    return Result(
        "sources", records, [snapshot_source(r | {"variant": r["source"]}) for r in records]
    )


def unmatched(source: str, snapshot: str | None = None) -> Result:
    """Names in an imported source that match no airace organisation or model id."""
    return Result(
        "unmatched",
        unmatched_names(source, snapshot, get_catalog()),
        params={"source": source, "snapshot": snapshot},
    )


def import_file(
    kind: str,
    path: Path,
    *,
    variant: str | None = None,
    accessed: dt.date | None = None,
    url: str | None = None,
    force: bool = False,
) -> Result:
    """Import an upstream file as a snapshot (identical files are imported once)."""
    from airace.importers.run import import_path

    res = import_path(
        get_catalog(), kind, path, variant=variant, accessed=accessed, url=url, force=force
    )
    record = {
        "snapshot_id": res.snapshot_id,
        "kind": res.kind,
        "source": res.variant,
        "rows_imported": res.rows,
        "upstream_rows": res.upstream_rows,
        "already_imported": res.already_imported,
        "unmatched_names": len(res.unmatched),
        "unmatched_rows": sum(c for _, _, c in res.unmatched),
        "unmatched": [{"kind": k, "name": n, "rows": c} for k, n, c in res.unmatched],
    }
    return Result(
        "import",
        [record],
        _snapshot_sources([res.snapshot_id]),
        params={"kind": kind, "path": str(path)},
        caveats=list(res.notes),
    )


def _snapshot_sources(ids: list[str | None]) -> list[Source]:
    """The sidecar of each snapshot named (the ones an import or update produced)."""
    from airace.service.snapshots import snapshot_meta

    catalog = get_catalog()
    return [snapshot_source(snapshot_meta(catalog, sid)) for sid in dict.fromkeys(ids) if sid]


def update(
    kinds: list[str] | None = None,
    *,
    base_url: str | None = None,
    retries: int = 3,
    backoff: float = 1.0,
    timeout: float = 60.0,
    deadline: float = 900.0,
    max_bytes: int | None = None,
    force: bool = False,
    report: Callable[[str], None] | None = None,
) -> Result:
    """Download the newest upstream files and import them."""
    from airace.importers.spec import MAX_INPUT_BYTES
    from airace.importers.update import update as run

    outcomes = run(
        get_catalog(),
        kinds,
        base_url=base_url,
        retries=retries,
        backoff=backoff,
        timeout=timeout,
        deadline=deadline,
        max_bytes=max_bytes or MAX_INPUT_BYTES,
        force=force,
        report=report,
    )
    records = [
        {
            "kind": o.target.kind,
            "file": o.target.member or o.target.file_name,
            "status": o.status,
            "snapshot_id": o.snapshot_id,
            "detail": o.detail,
        }
        for o in outcomes
    ]
    return Result(
        "update",
        records,
        _snapshot_sources([r["snapshot_id"] for r in records if r["status"] != "failed"]),
        params={"kinds": kinds or [], "base_url": base_url},
    )
