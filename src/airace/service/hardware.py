"""Hardware operations: list, show, equal-compute compare, ECCN 3A090 classify, diff."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from airace.errors import AiraceError
from airace.service.result import Result, Source, merge_sources
from airace.service.units import get_unit

if TYPE_CHECKING:
    from airace.analysis.hardware import Unit
    from airace.service.data import Data

PROVENANCE_FIELDS = (
    "source_url",
    "source_title",
    "retrieved_date",
    "evidence_type",
    "confidence",
    "notes",
)


def _sources(data: Data, *units: Unit) -> list[Source]:
    tables = {"chips"} | {"systems" for u in units if u.kind == "system"}
    out = []
    for table in sorted(tables):
        frame = data.table(table)
        key = "chip_id" if table == "chips" else "system_id"
        ids = {u.id for u in units} | {u.chip["chip_id"] for u in units if u.chip}
        out.append(data.table_source(table, frame[frame[key].isin(ids)] if units else frame))
    return out


def hardware_list(data: Data, *, kind: str | None = None, vendor: str | None = None) -> Result:
    """Chips and systems with every column (``kind`` on each record)."""
    kinds = [kind] if kind else ["chip", "system"]
    vendors = set(data.table("chips")["vendor"]) | set(data.table("systems")["vendor"])
    if vendor and vendor not in vendors:
        raise AiraceError(f"unknown vendor {vendor!r}; vendors: {', '.join(sorted(vendors))}")
    records: list[dict[str, Any]] = []
    sources = []
    for k in kinds:
        table = "chips" if k == "chip" else "systems"
        order = "release_date" if k == "chip" else "availability_date"
        key = "chip_id" if k == "chip" else "system_id"
        frame = data.table(table).sort_values(["vendor", order, key], kind="stable")
        if vendor:
            frame = frame[frame["vendor"] == vendor]
        records.extend({"kind": k, **r} for r in frame.to_dict(orient="records"))
        sources.append(data.table_source(table, frame))
    return Result("hardware-list", records, sources, params={"kind": kind, "vendor": vendor})


def show(data: Data, *, unit_id: str) -> Result:
    """Every published figure of one chip or system, each with its source."""
    unit = get_unit(data.units(), unit_id)
    records = []
    for name, value in unit.values.items():
        if name.startswith("_") or name in PROVENANCE_FIELDS or value is None:
            continue
        src = unit.source(name)
        records.append(
            {
                "field": name,
                "value": value,
                "source_url": src.get("source_url"),
                "evidence_type": src.get("evidence_type"),
                "confidence": src.get("confidence"),
            }
        )
    return Result(
        "hardware-show",
        records,
        _sources(data, unit),
        params={"unit_id": unit_id, "kind": unit.kind, "name": unit.name},
        caveats=[f"Notes: {unit.values.get('notes') or '-'}"],
    )


def compare(
    data: Data,
    *,
    base: str,
    other: str,
    precision: str = "bf16",
    sparse: bool = False,
    basis: str = "compute",
    power_basis: str = "all-in",
) -> Result:
    """What OTHER needs, relative to BASE, for the same compute (or memory)."""
    from airace.analysis.hardware import MissingFigure
    from airace.analysis.hardware import compare as run

    units = data.units()
    a, b = get_unit(units, base), get_unit(units, other)
    try:
        record = run(a, b, precision=precision, sparse=sparse, basis=basis, power_basis=power_basis)
    except MissingFigure as exc:
        raise AiraceError(str(exc)) from None
    return Result(
        "hardware-compare",
        [record],
        _sources(data, a, b),
        params={
            "base": base,
            "other": other,
            "precision": precision,
            "sparse": sparse,
            "basis": basis,
            "power_basis": power_basis,
        },
        caveats=list(record["missing"]),
    )


def classify(data: Data, *, chip_id: str) -> Result:
    """ECCN 3A090 classification of a chip from its published figures."""
    from airace.analysis.hardware import MissingFigure
    from airace.analysis.hardware import classify as run

    unit = get_unit(data.units(), chip_id, kind="chip")
    try:
        record = run(unit)
    except MissingFigure as exc:
        raise AiraceError(str(exc)) from None
    return Result(
        "hardware-classify",
        [record],
        _sources(data, unit),
        params={"chip_id": chip_id},
        extra={"die_area_source": unit.source("die_area_mm2").get("source_url")},
    )


def diff(
    data: Data,
    *,
    source: str = "epoch-hardware",
    snapshot: str | None = None,
    tolerance: float = 0.01,
    show_all: bool = False,
) -> Result:
    """Our chip specs that differ from Epoch's ML hardware data by more than ``tolerance``."""
    from airace.analysis.hardware_diff import diff as run

    if source != "epoch-hardware":
        raise AiraceError("hardware diff compares with --source epoch-hardware")
    snap = data.snapshot(source, snapshot)
    chips = data.table("chips")
    fs = data.table("field_sources")
    fs = fs[fs["table"] == "chips"]
    notes = {(r["row_id"], r["field"]): r["notes"] for r in fs.to_dict(orient="records")}
    table = run(chips, snap.rows, tolerance, notes)
    if not show_all and not table.empty:
        table = table[table["issue"].isin(["differs", "no_epoch_row"])]
    return Result(
        "hardware-diff",
        table.to_dict(orient="records"),
        merge_sources([data.table_source("chips", chips), snap.source]),
        params={
            "source": source,
            "snapshot": snap.meta["snapshot_id"],
            "tolerance": tolerance,
            "all": show_all,
        },
    )
