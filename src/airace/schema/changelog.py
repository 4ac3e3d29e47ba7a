"""The data changelog: one YAML entry per version of the curated tables.

Each entry (``data/changelog/NNNN-VERSION.yaml``) records the version, its date, a summary,
the row-level changes since the previous entry (rows added and removed by id, rows changed
field by field with old and new cells) and a content hash of every curated table. The
newest entry's hashes must equal the hashes of the files on disk, so a change to a table
without a changelog entry fails a test (``tests/test_changelog.py``); ``tools/changelog.py``
writes an entry from the difference between a git revision's tables and the working tree.

Hashes are over the parsed cells (header plus rows sorted by primary key), so reordering
rows or re-quoting cells is not a change but any edited cell is.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import itertools
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from airace.errors import AiraceError
from airace.schema.dictionary import data_dir
from airace.schema.tables import CURATED_TABLES, load_meta

ENTRY_RE = re.compile(r"^(\d{4})-(.+)\.ya?ml$")
VERSION_RE = re.compile(r"^\d{4}\.\d{2}\.\d{2}(\.\d+)?$")
Cells = dict[str, str]


@dataclass
class TableChanges:
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    changed: dict[str, dict[str, tuple[str, str]]] = field(default_factory=dict)

    def empty(self) -> bool:
        return not (self.added or self.removed or self.changed)


@dataclass
class Entry:
    """One version of the curated data."""

    version: str
    date: dt.date
    summary: str
    hashes: dict[str, str]
    rows: dict[str, int]
    changes: dict[str, TableChanges]
    baseline: bool
    path: Path


def changelog_dir(folder: Path | None = None) -> Path:
    return (folder or data_dir()) / "changelog"


def row_key(cells: Mapping[str, str], primary_key: Iterable[str]) -> str:
    """A row's id in the changelog: its primary key, composite keys joined by ' / '."""
    return " / ".join(cells.get(col, "") for col in primary_key)


def parse_csv(text: str, primary_key: tuple[str, ...]) -> tuple[list[str], dict[str, Cells]]:
    """Header and rows by id of one table's CSV text (raw cells, no typing)."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff"), newline=""))
    header = list(reader.fieldnames or [])
    rows: dict[str, Cells] = {}
    for record in reader:
        if not any((v or "").strip() for v in record.values()):
            continue
        cells = {k: v or "" for k, v in record.items() if k is not None}
        rows[row_key(cells, primary_key)] = cells
    return header, rows


def content_hash(header: list[str], rows: Mapping[str, Cells]) -> str:
    payload = json.dumps(
        {"header": header, "rows": [rows[k] for k in sorted(rows)]},
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return "sha256:" + hashlib.sha256(payload.encode("utf-8")).hexdigest()


def table_texts(folder: Path | None = None) -> dict[str, str]:
    """CSV text of every curated table present in ``folder``."""
    folder = folder or data_dir()
    return {
        name: (folder / f"{name}.csv").read_text(encoding="utf-8")
        for name in CURATED_TABLES
        if (folder / f"{name}.csv").exists()
    }


def primary_keys(folder: Path | None = None) -> dict[str, tuple[str, ...]]:
    folder = folder or data_dir()
    return {
        name: load_meta(name, folder).primary_key
        for name in CURATED_TABLES
        if (folder / f"{name}.yaml").exists()
    }


def state(texts: Mapping[str, str], keys: Mapping[str, tuple[str, ...]]) -> dict[str, Any]:
    """Parsed tables: name -> (header, rows by id)."""
    return {name: parse_csv(text, keys[name]) for name, text in texts.items() if name in keys}


def hashes_of(parsed: Mapping[str, Any]) -> dict[str, str]:
    return {name: content_hash(h, rows) for name, (h, rows) in sorted(parsed.items())}


def diff_tables(old: Mapping[str, Any], new: Mapping[str, Any]) -> dict[str, TableChanges]:
    """Row-level changes from ``old`` to ``new`` parsed tables (tables on either side)."""
    out: dict[str, TableChanges] = {}
    for name in sorted(set(old) | set(new)):
        old_rows = old[name][1] if name in old else {}
        new_rows = new[name][1] if name in new else {}
        change = TableChanges(
            added=[k for k in new_rows if k not in old_rows],
            removed=[k for k in old_rows if k not in new_rows],
        )
        for key in new_rows:
            if key not in old_rows:
                continue
            a, b = old_rows[key], new_rows[key]
            fields = {
                col: (a.get(col, ""), b.get(col, ""))
                for col in list(dict.fromkeys([*a, *b]))
                if a.get(col, "") != b.get(col, "")
            }
            if fields:
                change.changed[key] = fields
        if not change.empty():
            out[name] = change
    return out


def entry_document(
    version: str,
    date: dt.date,
    summary: str,
    parsed: Mapping[str, Any],
    changes: Mapping[str, TableChanges],
    baseline: bool = False,
) -> dict[str, Any]:
    """The YAML mapping of one entry (what ``tools/changelog.py`` writes)."""
    doc: dict[str, Any] = {
        "version": version,
        "date": date.isoformat(),
        "summary": summary,
    }
    if baseline:
        doc["baseline"] = True
    doc["tables"] = {
        name: {"rows": len(rows), "hash": content_hash(header, rows)}
        for name, (header, rows) in sorted(parsed.items())
    }
    doc["changes"] = {
        name: {
            **({"added": c.added} if c.added else {}),
            **({"removed": c.removed} if c.removed else {}),
            **(
                {
                    "changed": {
                        key: {f: {"old": o, "new": n} for f, (o, n) in fields.items()}
                        for key, fields in c.changed.items()
                    }
                }
                if c.changed
                else {}
            ),
        }
        for name, c in changes.items()
    }
    return doc


def _entry(path: Path) -> Entry:
    from airace.schema.yamlfile import read_yaml

    raw = read_yaml(path)
    if not isinstance(raw, dict):
        raise AiraceError("a changelog entry must be a YAML mapping", file=str(path))
    version = str(raw.get("version", ""))
    if not VERSION_RE.match(version):
        raise AiraceError(
            f"version {version!r} is not YYYY.MM.DD (optionally .N)",
            file=str(path),
            field="version",
        )
    try:
        date = dt.date.fromisoformat(str(raw.get("date")))
    except ValueError:
        raise AiraceError(
            f"date {raw.get('date')!r} is not YYYY-MM-DD", file=str(path), field="date"
        ) from None
    tables = raw.get("tables") or {}
    changes: dict[str, TableChanges] = {}
    for name, body in (raw.get("changes") or {}).items():
        body = body or {}
        changed = {
            str(key): {str(f): (str(v["old"]), str(v["new"])) for f, v in fields.items()}
            for key, fields in (body.get("changed") or {}).items()
        }
        changes[str(name)] = TableChanges(
            [str(k) for k in body.get("added") or []],
            [str(k) for k in body.get("removed") or []],
            changed,
        )
    return Entry(
        version=version,
        date=date,
        summary=str(raw.get("summary", "")).strip(),
        hashes={str(n): str(t.get("hash")) for n, t in tables.items()},
        rows={str(n): int(t.get("rows", 0)) for n, t in tables.items()},
        changes=changes,
        baseline=bool(raw.get("baseline", False)),
        path=path,
    )


def read_changelog(folder: Path | None = None) -> list[Entry]:
    """Every entry, oldest first (files are numbered ``NNNN-VERSION.yaml``)."""
    root = changelog_dir(folder)
    if not root.is_dir():
        return []
    files = sorted(p for p in root.iterdir() if ENTRY_RE.match(p.name))
    return [_entry(p) for p in files]


def data_version(folder: Path | None = None) -> str | None:
    """The version of the curated data: the newest changelog entry's."""
    entries = read_changelog(folder)
    return entries[-1].version if entries else None


def changelog_problems(folder: Path | None = None) -> list[str]:
    """Why the changelog does not match the tables (empty when it does).

    The newest entry's hashes must be the files' hashes; versions and dates must increase;
    each entry's row counts must follow from the previous counts and its added/removed rows.
    """
    folder = folder or data_dir()
    entries = read_changelog(folder)
    if not entries:
        return ["the changelog has no entries"]
    problems: list[str] = []
    for prev, cur in itertools.pairwise(entries):
        if cur.version <= prev.version or cur.date < prev.date:
            problems.append(f"{cur.path.name}: version/date do not follow {prev.version}")
        for name, count in cur.rows.items():
            c = cur.changes.get(name, TableChanges())
            expected = prev.rows.get(name, 0) + len(c.added) - len(c.removed)
            if expected != count:
                problems.append(
                    f"{cur.path.name}: {name} has {count} rows, but {prev.rows.get(name, 0)} "
                    f"+ {len(c.added)} added - {len(c.removed)} removed = {expected}"
                )
    current = hashes_of(state(table_texts(folder), primary_keys(folder)))
    newest = entries[-1]
    for name, digest in current.items():
        if newest.hashes.get(name) != digest:
            problems.append(
                f"table {name} differs from changelog version {newest.version} "
                f"({newest.path.name}): record the change with tools/changelog.py"
            )
    for name in set(newest.hashes) - set(current):
        problems.append(f"table {name} is in changelog version {newest.version} but not on disk")
    return problems
