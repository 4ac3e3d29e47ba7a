"""`airace data changes`: what changed in the curated data, from the changelog kept with it.

Reads ``data/changelog/`` (:mod:`airace.schema.changelog`) and lists rows added, changed
(one record per field, with old and new cell) and removed, per version. The changelog is
checked against the tables by a test, so what this lists is what the files contain.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from airace.errors import AiraceError
from airace.schema import changelog as cl
from airace.service.result import Result, Source

DEFINITIONS = {
    "version": "version of the curated data (YYYY.MM.DD[.N]); the newest entry is the "
    "version of the files",
    "added / removed": "a row whose primary key appears / disappears in that version",
    "changed": "one record per field whose cell differs from the previous version",
    "since": "a version: the entries after it; a date: the entries dated on or after it",
}


def _select(entries: list[cl.Entry], since: str | None) -> list[cl.Entry]:
    if since is None:
        return entries
    if cl.VERSION_RE.match(since):
        versions = [e.version for e in entries]
        if since not in versions:
            raise AiraceError(f"unknown data version {since!r}; versions: {', '.join(versions)}")
        return [e for e in entries if e.version > since]
    try:
        day = dt.date.fromisoformat(since)
    except ValueError:
        raise AiraceError(
            f"bad --since {since!r}: give a data version (YYYY.MM.DD) or a date (YYYY-MM-DD)"
        ) from None
    return [e for e in entries if e.date >= day]


def data_changes(
    *, since: str | None = None, table: str | None = None, folder: Path | None = None
) -> Result:
    """Row-level changes of the curated tables per version, oldest first."""
    entries = cl.read_changelog(folder)
    if not entries:
        raise AiraceError("the curated data has no changelog (data/changelog/ is empty)")
    known = sorted({n for e in entries for n in e.hashes})
    if table is not None and table not in known:
        raise AiraceError(f"unknown table {table!r}; tables: {', '.join(known)}")
    chosen = _select(entries, since)
    records: list[dict[str, Any]] = []
    counts = {"added": 0, "changed": 0, "removed": 0}
    for entry in chosen:
        base = {"version": entry.version, "date": entry.date.isoformat()}
        for name, change in sorted(entry.changes.items()):
            if table is not None and name != table:
                continue
            for key in change.added:
                records.append({**base, "table": name, "change": "added", "row_id": key,
                                "field": None, "old": None, "new": None})  # fmt: skip
            for key, fields in change.changed.items():
                for col, (old, new) in fields.items():
                    records.append({**base, "table": name, "change": "changed", "row_id": key,
                                    "field": col, "old": old, "new": new})  # fmt: skip
            for key in change.removed:
                records.append({**base, "table": name, "change": "removed", "row_id": key,
                                "field": None, "old": None, "new": None})  # fmt: skip
            counts["added"] += len(change.added)
            counts["changed"] += len(change.changed)
            counts["removed"] += len(change.removed)
    newest = entries[-1]
    source = Source(
        producer="airace",
        title="Data changelog",
        licence="CC BY 4.0",
        table="changelog",
        rows=len(records),
        retrieved=newest.date.isoformat(),
    )
    return Result(
        "data-changes",
        records,
        [source],
        params={"since": since, "table": table},
        definitions=DEFINITIONS,
        summary={
            "data_version": newest.version,
            "versions": [
                {"version": e.version, "date": e.date.isoformat(), "summary": e.summary}
                for e in chosen
            ],
            "rows_added": counts["added"],
            "rows_changed": counts["changed"],
            "rows_removed": counts["removed"],
        },
    )
