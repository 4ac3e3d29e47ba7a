"""`airace hardware`: chips and rack-scale systems, equal-compute comparisons, ECCN 3A090."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from airace.cli.common import emit, format_option, output_option, render
from airace.errors import AiraceError

LIST_COLUMNS = {
    "chip": ["chip_id", "chip_name", "vendor", "release_date", "dense_bf16_flops",
             "dense_fp8_flops", "dense_fp4_flops", "hbm_capacity_gb", "tdp_w",
             "is_us_export_controlled", "confidence"],
    "system": ["system_id", "system_name", "vendor", "chip_id", "chip_count",
               "cabinets_total", "cabinets_compute", "all_in_power_kw", "dense_bf16_flops",
               "dense_fp8_flops", "dense_fp4_flops", "availability_date", "confidence"],
}


@click.group()
def hardware() -> None:
    """Chips and rack-scale systems: list, show, compare, classify, diff."""


@hardware.command("list")
@click.option("--kind", type=click.Choice(["chip", "system"]), default=None)
@click.option("--vendor", default=None, help="nvidia, amd, google, aws, huawei, cambricon...")
@format_option()
@output_option
def list_(kind: str | None, vendor: str | None, fmt: str, output: Path | None) -> None:
    """List chips and systems with their key figures.

    \b
    Examples:
      airace hardware list --kind system
      airace hardware list --vendor huawei --format csv
    """
    from airace import catalog

    kinds = [kind] if kind else ["chip", "system"]
    parts: list[str] = []
    json_records: list[dict[str, Any]] = []
    for k in kinds:
        table = "chips" if k == "chip" else "systems"
        frame = catalog.query(f"SELECT * FROM {table} ORDER BY vendor, release_date"
                              if k == "chip" else
                              f"SELECT * FROM {table} ORDER BY vendor, availability_date")
        if vendor:
            known = sorted(set(frame["vendor"]))
            if vendor not in known and k == kinds[-1] and not any(
                    vendor in set(catalog.query(f"SELECT vendor FROM {t}")["vendor"])
                    for t in ("chips", "systems")):
                raise AiraceError(f"unknown vendor {vendor!r}; vendors: {', '.join(known)}")
            frame = frame[frame["vendor"] == vendor]
        columns = LIST_COLUMNS[k] if fmt == "table" else list(frame.columns)
        records = frame[columns].to_dict(orient="records")
        if fmt == "json":
            json_records.extend({"kind": k, **r} for r in records)
        else:
            parts.append(render(records, fmt, title=f"{table} ({len(records)})" if fmt ==
                                "table" else None))
    if fmt == "json":
        emit(render(json_records, "json"), output)
    else:
        footer = "Data: airace curated chips and systems (CC BY 4.0); `airace hardware show ID` "\
                 "lists every figure with its source."
        emit("\n".join(parts) + (footer + "\n" if fmt == "table" else ""), output)


@hardware.command()
@click.argument("unit_id")
@format_option()
def show(unit_id: str, fmt: str) -> None:
    """Every figure of one chip or system, each with its source.

    \b
    Example:
      airace hardware show cloudmatrix-384
    """
    from airace.hardware_data import get_unit

    unit = get_unit(unit_id)
    records = []
    for name, value in unit.values.items():
        if name.startswith("_") or name in ("source_url", "source_title", "retrieved_date",
                                            "evidence_type", "confidence", "notes"):
            continue
        if value is None:
            continue
        src = unit.source(name)
        records.append({"field": name, "value": value, "source_url": src.get("source_url"),
                        "evidence_type": src.get("evidence_type"),
                        "confidence": src.get("confidence")})
    footer = f"Notes: {unit.values.get('notes') or '-'}"
    emit(render(records, fmt, title=f"{unit.kind} {unit.id}: {unit.name}", footer=footer),
         None)


@hardware.command("compare")
@click.argument("base")
@click.argument("other")
@click.option("--precision", type=click.Choice(["fp64", "fp32", "tf32", "bf16", "fp16", "fp8",
                                                "fp4", "int8"]), default="bf16",
              show_default=True)
@click.option("--sparse", is_flag=True, help="Use figures with 2:4 structured sparsity.")
@click.option("--basis", type=click.Choice(["compute", "memory-bandwidth", "memory-capacity"]),
              default="compute", show_default=True)
@click.option("--power-basis", type=click.Choice(["it", "all-in"]), default="all-in",
              show_default=True)
@format_option()
@output_option
def compare_(base: str, other: str, precision: str, sparse: bool, basis: str,
             power_basis: str, fmt: str, output: Path | None) -> None:
    """What OTHER needs, relative to BASE, for the same compute (or memory).

    units_ratio is how many OTHER units match one BASE unit; chips, cabinets (all and
    compute-only), power, floor area and cost ratios compare those OTHER units with one BASE
    unit. A ratio whose input is unpublished is null and the output says which figure is
    missing. System compute is the vendor-stated figure, else chips x per-chip figure.

    \b
    Examples:
      airace hardware compare gb200-nvl72 cloudmatrix-384 --precision bf16
      airace hardware compare gb300-nvl72 atlas-950-superpod --precision fp4
      airace hardware compare h100-sxm ascend-910c --basis memory-bandwidth
    """
    from airace.analysis.hardware import MissingFigure, compare
    from airace.hardware_data import get_unit, load_units

    units = load_units()
    a, b = get_unit(base, units), get_unit(other, units)
    try:
        record = compare(a, b, precision=precision, sparse=sparse, basis=basis,
                         power_basis=power_basis)
    except MissingFigure as exc:
        raise AiraceError(str(exc)) from None
    if fmt != "table":
        emit(render([record], fmt), output)
        return
    keys = ["base", "other", "precision", "sparse", "basis", "power_basis",
            "base_compute_flops", "other_compute_flops", "units_ratio", "chips_ratio",
            "cabinets_ratio", "compute_cabinets_ratio", "power_ratio", "floor_area_ratio",
            "cost_ratio"]
    summary = [{"field": k, "value": record[k]} for k in keys]
    parts = [render(summary, "table", title=f"{other} relative to {base}")]
    parts.append(render(record["inputs"], "table", title="Inputs"))
    missing = "\n".join(f"  {m}" for m in record["missing"]) or "  none"
    emit("\n".join(parts) + f"Missing figures:\n{missing}\n", output)


@hardware.command()
@click.argument("chip_id")
@format_option()
def classify(chip_id: str, fmt: str) -> None:
    """ECCN 3A090 classification of a chip from its published figures.

    TPP = 2 x MacTOPS x bit length (dense, the maximum over precisions); performance
    density = TPP / die area. 3A090.a: TPP >= 4800, or TPP >= 1600 and density >= 5.92.
    3A090.b: 2400 <= TPP < 4800 and 1.6 <= density < 5.92, or TPP >= 1600 and
    3.2 <= density < 5.92.

    \b
    Examples:
      airace hardware classify h20
      airace hardware classify h100-sxm --format json
    """
    from airace.analysis.hardware import MissingFigure
    from airace.analysis.hardware import classify as run
    from airace.hardware_data import get_unit

    unit = get_unit(chip_id, kind="chip")
    try:
        record = run(unit)
    except MissingFigure as exc:
        raise AiraceError(str(exc)) from None
    if fmt != "table":
        emit(render([record], fmt), None)
        return
    rows = [{"field": k, "value": v} for k, v in record.items() if k != "thresholds"]
    rows.extend({"field": f"threshold {k}", "value": v} for k, v in
                record["thresholds"].items())
    src = unit.source("die_area_mm2")
    emit(render(rows, "table", title=f"ECCN 3A090 classification of {chip_id}",
                footer=f"Die area source: {src.get('source_url')}"), None)


@hardware.command("diff")
@click.option("--source", default="epoch-hardware", show_default=True)
@click.option("--snapshot", default=None)
@click.option("--tolerance", type=float, default=0.01, show_default=True,
              help="Relative difference to report (0.01 = 1%).")
@click.option("--all", "show_all", is_flag=True,
              help="Also list fields only one side has.")
@format_option()
@output_option
def diff_(source: str, snapshot: str | None, tolerance: float, show_all: bool, fmt: str,
          output: Path | None) -> None:
    """Our chip specs that differ from Epoch's ML hardware data by more than 1%.

    \b
    Example:
      airace hardware diff --source epoch-hardware
    """
    from airace import catalog
    from airace.analysis.hardware_diff import diff
    from airace.sources import snapshot_rows

    if source != "epoch-hardware":
        raise AiraceError("hardware diff compares with --source epoch-hardware")
    epoch = snapshot_rows(source, snapshot)
    chips = catalog.query("SELECT * FROM chips")
    fs = catalog.query("SELECT row_id, field, notes FROM field_sources "
                       "WHERE \"table\" = 'chips'")
    notes = {(r["row_id"], r["field"]): r["notes"] for r in fs.to_dict(orient="records")}
    table = diff(chips, epoch, tolerance, notes)
    if not show_all and not table.empty:
        table = table[table["issue"].isin(["differs", "no_epoch_row"])]
    meta = epoch.attrs["snapshot"]
    records: list[dict[str, Any]] = table.to_dict(orient="records")
    columns = (["chip_id", "field", "issue", "ours", "epoch", "relative_difference",
                "our_notes"] if fmt == "table" else None)
    footer = (f"{len(records)} difference(s). Epoch: snapshot {meta['snapshot_id']} "
              f"({meta['citation']}; licence {meta['licence']}). Ours: airace curated chips.")
    emit(render(records, fmt, columns=columns, footer=footer), output)
