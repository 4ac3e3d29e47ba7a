"""The snapshot store: imported files kept unchanged under AIRACE_HOME, with a sidecar.

A snapshot is identified by its kind and content hash, so re-importing an identical file is
a no-op and a changed file becomes a new snapshot. Files are copied to a temporary folder
and renamed into place, so a killed import never leaves a half-copied snapshot.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path

from airace.catalog import paths


@dataclass
class SnapshotMeta:
    snapshot_id: str
    kind: str
    variant: str
    file_name: str
    sha256: str
    bytes: int
    rows: int
    imported_at: str
    accessed_date: str
    producer: str
    title: str
    url: str
    licence: str
    citation: str
    min_date: str | None
    max_date: str | None
    store_path: str


def content_hash(path: Path) -> tuple[str, int]:
    """sha256 and byte size of a file, or of a folder's files (names and bytes, sorted)."""
    digest = hashlib.sha256()
    if path.is_dir():
        size = 0
        for item in sorted(p for p in path.rglob("*") if p.is_file()):
            data = item.read_bytes()
            digest.update(item.relative_to(path).as_posix().encode() + b"\0")
            digest.update(hashlib.sha256(data).digest())
            size += len(data)
        return digest.hexdigest(), size
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest(), path.stat().st_size


def snapshot_id(kind: str, sha: str) -> str:
    return f"{kind}-{sha[:12]}"


def folder_for(kind: str, sha: str) -> Path:
    """Where a snapshot's file and sidecar are kept."""
    return paths.snapshots_dir() / kind / sha[:12]


def sweep_orphans(kind: str, known_shas: set[str]) -> list[Path]:
    """Remove store folders of ``kind`` that no catalog snapshot refers to: half-copied
    ``.incoming-*`` folders and folders of imports killed before their transaction committed.

    Call it only while holding the catalog's write lock: every store write happens under
    that lock, so nothing found here is still being written. Only folders this module wrote
    (a sidecar inside, or the ``.incoming-`` prefix) are ever removed.
    """
    root = paths.snapshots_dir() / kind
    if not root.is_dir():
        return []
    keep_names = {sha[:12] for sha in known_shas}
    removed = []
    for item in root.iterdir():
        if not item.is_dir() or item.is_symlink() or item.name in keep_names:
            continue
        if item.name.startswith(".incoming-") or (item / "snapshot.json").is_file():
            shutil.rmtree(item, ignore_errors=True)
            removed.append(item)
    return removed


def keep(source: Path, meta: SnapshotMeta) -> Path:
    """Copy the upstream file (or folder) into the store with its sidecar; returns the folder."""
    final = folder_for(meta.kind, meta.sha256)
    root = final.parent
    if final.exists():
        return final
    root.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".incoming-", dir=root))
    try:
        if source.is_dir():
            shutil.copytree(source, tmp / source.name)
        else:
            shutil.copy2(source, tmp / source.name)
        (tmp / "snapshot.json").write_text(
            json.dumps(asdict(meta), indent=2) + "\n", encoding="utf-8"
        )
        os.replace(tmp, final)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return final


def today() -> str:
    return dt.date.today().isoformat()


def now() -> str:
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()
