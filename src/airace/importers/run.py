"""Importing one upstream file into the catalog, all or nothing.

Parsing happens before anything is written; the raw file goes to the snapshot store; then
the snapshot row, its data rows and its unmatched names are inserted in one DuckDB
transaction. A failure or a kill before COMMIT leaves the catalog exactly as it was.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from airace.errors import AiraceError
from airace.importers import registry
from airace.importers.crosswalk import Crosswalk
from airace.importers.parsed import Parsed
from airace.importers.spec import MAX_INPUT_BYTES
from airace.importers.store import (
    SnapshotMeta,
    content_hash,
    folder_for,
    keep,
    now,
    snapshot_id,
    sweep_orphans,
)

if TYPE_CHECKING:
    from airace.catalog import Catalog

# The default snapshot of a source is the one with the newest data (then the latest import),
# so re-importing an older file never hides a newer one.
NEWEST_FIRST = "max_date DESC NULLS LAST, imported_at DESC, snapshot_id"
# A new snapshot with fewer than this share of the current one's rows, or whose newest date
# is this many days older, is refused unless forced (a cut download, a wrong file).
MIN_ROW_SHARE = 0.5
MAX_DATE_DROP_DAYS = 180

TEXT, DOUBLE, DATE, BOOL, LIST, BIGINT = (
    "VARCHAR",
    "DOUBLE",
    "DATE",
    "BOOLEAN",
    "VARCHAR[]",
    "BIGINT",
)

_PROVENANCE = [("snapshot_id", TEXT), ("source", TEXT), ("line", BIGINT)]
_NAMES = [
    ("external_id", TEXT),
    ("model_name", TEXT),
    ("organization", TEXT),
    ("org_ids", LIST),
    ("country_raw", TEXT),
    ("countries", LIST),
    ("model_id", TEXT),
    ("match_source", TEXT),
    ("match_names", LIST),
]

SCHEMAS: dict[str, list[tuple[str, str]]] = {
    "snapshots": [
        ("snapshot_id", TEXT),
        ("kind", TEXT),
        ("variant", TEXT),
        ("file_name", TEXT),
        ("sha256", TEXT),
        ("bytes", BIGINT),
        ("rows", BIGINT),
        ("imported_at", TEXT),
        ("accessed_date", DATE),
        ("producer", TEXT),
        ("title", TEXT),
        ("url", TEXT),
        ("licence", TEXT),
        ("citation", TEXT),
        ("min_date", DATE),
        ("max_date", DATE),
        ("store_path", TEXT),
        ("notes", TEXT),
    ],
    "ext_models": [
        *_PROVENANCE,
        *_NAMES,
        ("release_date", DATE),
        ("domain", TEXT),
        ("parameters", DOUBLE),
        ("training_compute_flop", DOUBLE),
        ("accessibility", TEXT),
        ("is_open_weights", BOOL),
        ("confidence", TEXT),
        ("link", TEXT),
        ("license", TEXT),
        ("hugging_face_id", TEXT),
        ("context_length", BIGINT),
        ("input_modalities", LIST),
        ("output_modalities", LIST),
        ("prompt_usd_per_mtok", DOUBLE),
        ("completion_usd_per_mtok", DOUBLE),
        ("raw", TEXT),
    ],
    "ext_scores": [
        *_PROVENANCE,
        ("metric", TEXT),
        *_NAMES,
        ("release_date", DATE),
        ("score", DOUBLE),
        ("score_unit", TEXT),
        ("score_low", DOUBLE),
        ("score_high", DOUBLE),
        ("stderr", DOUBLE),
        ("training_compute_flop", DOUBLE),
        ("accessibility", TEXT),
        ("display_name", TEXT),
        ("confidence", TEXT),
        ("evaluated_date", DATE),
        ("votes", DOUBLE),
        ("rank", BIGINT),
        ("raw", TEXT),
    ],
    "ext_hardware": [
        ("snapshot_id", TEXT),
        ("line", BIGINT),
        ("hardware_name", TEXT),
        ("manufacturer", TEXT),
        ("hardware_type", TEXT),
        ("release_date", DATE),
        ("price_usd", DOUBLE),
        ("dense_fp64_flops", DOUBLE),
        ("dense_fp32_flops", DOUBLE),
        ("dense_tf32_flops", DOUBLE),
        ("dense_bf16_flops", DOUBLE),
        ("dense_fp16_flops", DOUBLE),
        ("dense_fp8_flops", DOUBLE),
        ("dense_fp4_flops", DOUBLE),
        ("dense_int8_ops", DOUBLE),
        ("hbm_capacity_gb", DOUBLE),
        ("hbm_bandwidth_tb_s", DOUBLE),
        ("scaleup_bandwidth_gb_s", DOUBLE),
        ("tdp_w", DOUBLE),
        ("foundry", TEXT),
        ("die_area_mm2", DOUBLE),
        ("process_nm", DOUBLE),
        ("transistors_billion", DOUBLE),
        ("tpp_bit_ops", DOUBLE),
        ("link", TEXT),
        ("price_source", TEXT),
        ("raw", TEXT),
    ],
    "ext_clusters": [
        ("snapshot_id", TEXT),
        ("line", BIGINT),
        ("name", TEXT),
        ("status", TEXT),
        ("certainty", TEXT),
        ("country_raw", TEXT),
        ("countries", LIST),
        ("owner", TEXT),
        ("first_operational_date", DATE),
        ("h100_equivalents", DOUBLE),
        ("chip_type", TEXT),
        ("chip_quantity", DOUBLE),
        ("power_capacity_mw", DOUBLE),
        ("hardware_cost_usd", DOUBLE),
        ("single_cluster", TEXT),
        ("sector", TEXT),
        ("in_standard_analysis", BOOL),
        ("possible_duplicate", TEXT),
        ("decommissioned_date", DATE),
        ("raw", TEXT),
    ],
    "unmatched": [
        ("snapshot_id", TEXT),
        ("source", TEXT),
        ("name_kind", TEXT),
        ("name", TEXT),
        ("rows", BIGINT),
    ],
}


@dataclass
class ImportResult:
    snapshot_id: str
    kind: str
    variant: str
    rows: int
    upstream_rows: int
    unmatched: list[tuple[str, str, int]] = field(default_factory=list)
    already_imported: bool = False
    notes: list[str] = field(default_factory=list)


def ensure_import_tables(con: Any) -> None:
    for table, columns in SCHEMAS.items():
        cols = ", ".join(f'"{name}" {sqltype}' for name, sqltype in columns)
        con.execute(f'CREATE TABLE IF NOT EXISTS "{table}" ({cols})')


def _insert(con: Any, table: str, rows: list[dict[str, Any]], sid: str) -> None:
    _insert_frame(con, table, [{**row, "snapshot_id": sid} for row in rows])


def _pause_for_tests() -> None:
    """Fault injection for the crash tests: hold the open transaction for a while."""
    seconds = os.environ.get("AIRACE_TEST_PAUSE_BEFORE_COMMIT")
    if seconds:
        time.sleep(float(seconds))


def import_path(
    catalog: Catalog,
    kind: str,
    path: Path,
    *,
    variant: str | None = None,
    accessed: dt.date | None = None,
    url: str | None = None,
    force: bool = False,
) -> ImportResult:
    """Import one upstream file (or Benchmarking Hub folder/zip) as a snapshot.

    The file is parsed and validated before the write lock is taken, so readers keep
    working while a large file is parsed; the write itself is one transaction. A file with
    no data rows is refused; so is one much smaller or older than the source's current
    snapshot, unless ``force`` (see :func:`check_against_current`).
    """
    spec = registry.kind(kind)
    path = path.expanduser()
    if not path.exists():
        raise AiraceError("file not found", file=str(path))
    if path.is_dir() and not spec.takes_folder:
        raise AiraceError(f"{kind} imports a file, not a folder", file=str(path))
    if not path.is_dir() and not path.is_file():
        raise AiraceError("not a regular file", file=str(path))
    label = str(path)
    sha, size = content_hash(path)
    if size > MAX_INPUT_BYTES:
        raise AiraceError(
            f"{size / 1e6:,.0f} MB is over the {MAX_INPUT_BYTES / 1e6:,.0f} MB import limit",
            file=label,
        )
    sid = snapshot_id(kind, sha)
    existing = _existing(catalog, sid)
    if existing:
        return ImportResult(sid, kind, existing[0], existing[1], existing[1], already_imported=True)
    xw = Crosswalk.from_catalog(catalog.con)
    parsed = spec.parse(path, label, xw, variant)
    rows = sum(len(r) for r in parsed.rows.values())
    if rows == 0:
        raise AiraceError(
            "no data rows (only a header, or an empty list); nothing to import", file=label
        )
    low, high = parsed.date_range()
    notes = list(parsed.notes)
    notes += check_against_current(catalog, parsed, high, label, force)
    publisher = spec.publisher
    meta = SnapshotMeta(
        snapshot_id=sid,
        kind=kind,
        variant=parsed.variant,
        file_name=path.name,
        sha256=sha,
        bytes=size,
        rows=rows,
        imported_at=now(),
        accessed_date=(accessed or dt.date.today()).isoformat(),
        producer=publisher.producer,
        title=publisher.title,
        url=url or publisher.url,
        licence=publisher.licence,
        citation=publisher.citation,
        min_date=low.isoformat() if low else None,
        max_date=high.isoformat() if high else None,
        store_path=str(folder_for(kind, sha)),
    )
    unmatched = sorted(
        ((k, n, c) for (k, n), c in xw.unmatched.items()), key=lambda t: (-t[2], t[0], t[1])
    )
    final = folder_for(kind, sha)
    created = False
    try:
        with catalog.transaction() as con:
            ensure_import_tables(con)
            if con.execute(
                "SELECT count(*) FROM snapshots WHERE snapshot_id = ?", [sid]
            ).fetchall()[0][0]:
                return ImportResult(sid, kind, parsed.variant, rows, rows, already_imported=True)
            # Under the write lock: no other import is between storing and committing.
            known = con.execute("SELECT sha256 FROM snapshots WHERE kind = ?", [kind]).fetchall()
            sweep_orphans(kind, {str(r[0]) for r in known})
            created = not final.exists()
            keep(path, meta)
            _insert(con, "snapshots", [{**meta.__dict__, "notes": "\n".join(notes)}], sid)
            for table, table_rows in parsed.rows.items():
                _insert(con, table, table_rows, sid)
            _insert(
                con,
                "unmatched",
                [
                    {"source": parsed.variant, "name_kind": k, "name": n, "rows": c}
                    for k, n, c in unmatched
                ],
                sid,
            )
            _pause_for_tests()
    except BaseException:
        if created:
            shutil.rmtree(final, ignore_errors=True)
        raise
    return ImportResult(
        sid, kind, parsed.variant, rows, parsed.upstream_rows, unmatched, notes=notes
    )


def current_snapshot(catalog: Catalog, variant: str) -> tuple[str, dt.date | None] | None:
    """(snapshot id, newest date) of a source's default snapshot, if any."""
    if not catalog.has_table("snapshots"):
        return None
    found = catalog.rows(
        f"SELECT snapshot_id, max_date FROM snapshots WHERE variant = ? "
        f"ORDER BY {NEWEST_FIRST} LIMIT 1",
        [variant],
    )
    return (str(found[0][0]), found[0][1]) if found else None


def _row_counts(parsed: Parsed) -> dict[str, int]:
    """Rows per metric (score tables, whose files may hold several boards) or in total."""
    counts: dict[str, int] = {}
    for table, rows in parsed.rows.items():
        for row in rows:
            key = str(row.get("metric")) if table == "ext_scores" else table
            counts[key] = counts.get(key, 0) + 1
    return counts


def _current_counts(catalog: Catalog, sid: str) -> dict[str, int]:
    counts: dict[str, int] = {}
    for table in ("ext_models", "ext_scores", "ext_hardware", "ext_clusters"):
        if not catalog.has_table(table):
            continue
        key = "metric" if table == "ext_scores" else f"'{table}'"
        for name, count in catalog.rows(
            f'SELECT {key}, count(*) FROM "{table}" WHERE snapshot_id = ? GROUP BY 1', [sid]
        ):
            counts[str(name)] = int(count)
    return counts


def check_against_current(
    catalog: Catalog, parsed: Parsed, newest: dt.date | None, label: str, force: bool
) -> list[str]:
    """Refuse a snapshot that shrinks its source a lot: fewer than half the rows of the
    current snapshot (per metric for score files, over the metrics both have), or a newest
    date more than ~6 months older. Those are the usual signs of a cut download or the
    wrong file. ``force`` turns the refusal into a note."""
    variant = parsed.variant
    current = current_snapshot(catalog, variant)
    if current is None:
        return []
    sid, before_newest = current
    before = _current_counts(catalog, sid)
    after = _row_counts(parsed)
    problems = []
    for key in sorted(set(before) & set(after)):
        if after[key] < MIN_ROW_SHARE * before[key]:
            what = "" if key.startswith("ext_") else f" for {key}"
            problems.append(
                f"has {after[key]} rows{what}, the current {variant} snapshot {sid} has "
                f"{before[key]}"
            )
            break
    if newest and before_newest and (before_newest - newest).days > MAX_DATE_DROP_DAYS:
        problems.append(
            f"its newest date is {newest}, the current {variant} snapshot {sid} reaches "
            f"{before_newest}"
        )
    if not problems:
        return []
    message = "; ".join(problems)
    if not force:
        raise AiraceError(
            f"{message} (truncated or wrong file?); pass --force to import it anyway",
            file=label,
        )
    return [f"imported with --force although it {message}"]


def _existing(catalog: Catalog, sid: str) -> tuple[str, int] | None:
    if not catalog.has_table("snapshots"):
        return None
    row = catalog.rows("SELECT variant, rows FROM snapshots WHERE snapshot_id = ?", [sid])
    return (str(row[0][0]), int(row[0][1])) if row else None


def recrosswalk(con: Any) -> int:
    """Re-match every imported row against the current curated aliases.

    Called inside the catalog rebuild transaction when curated data changes, so a new alias
    takes effect for snapshots imported before it. Returns the rows re-matched.
    """
    import pandas as pd

    present = {
        r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()
    }
    if "snapshots" not in present:
        return 0
    xw = Crosswalk.from_catalog(con)
    total = 0
    unmatched: list[dict[str, Any]] = []
    for table in ("ext_models", "ext_scores"):
        frame = con.execute(
            f"SELECT rowid AS _rowid, snapshot_id, source, organization, country_raw, "
            f"match_source, match_names, {'metric' if table == 'ext_scores' else 'NULL'} "
            f'AS metric FROM "{table}"'
        ).df()
        if frame.empty:
            continue
        frame = frame.astype(object).where(frame.notna(), None)
        out = []
        for snap, rows in frame.groupby("snapshot_id", sort=False):
            xw.unmatched.clear()
            for row in rows.to_dict(orient="records"):
                names = row["match_names"]
                row["match_names"] = list(names) if names is not None else []
                count = row["metric"] is None or ":" not in str(row["metric"])
                xw.resolve(row, count=count)
                out.append(
                    {
                        "_rowid": row["_rowid"],
                        "org_ids": row["org_ids"],
                        "countries": row["countries"],
                        "model_id": row["model_id"],
                    }
                )
            source = str(rows["source"].iloc[0])
            unmatched.extend(
                {"snapshot_id": snap, "source": source, "name_kind": k, "name": n, "rows": c}
                for (k, n), c in xw.unmatched.items()
            )
        updates = pd.DataFrame.from_records(out)
        con.register("_updates", updates)
        con.execute(
            f'UPDATE "{table}" SET org_ids = u.org_ids, countries = u.countries, '
            f'model_id = u.model_id FROM _updates u WHERE "{table}".rowid = u._rowid'
        )
        con.unregister("_updates")
        total += len(updates)
    con.execute("DELETE FROM unmatched")
    if unmatched:
        _insert_frame(con, "unmatched", unmatched)
    return total


def _insert_frame(con: Any, table: str, rows: list[dict[str, Any]]) -> None:
    import pandas as pd

    columns = [name for name, _ in SCHEMAS[table]]
    frame = pd.DataFrame.from_records(
        [{c: row.get(c) for c in columns} for row in rows], columns=columns
    )
    con.register("_incoming", frame)
    try:
        con.execute(f'INSERT INTO "{table}" SELECT * FROM _incoming')
    finally:
        con.unregister("_incoming")
