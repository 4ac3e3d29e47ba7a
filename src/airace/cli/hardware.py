"""`airace hardware`: chips and rack-scale systems, equal-compute comparisons, ECCN 3A090."""

from __future__ import annotations

from pathlib import Path

import click

from airace.cli.common import emit, emit_result, finite, format_option, output_option, render
from airace.render.text import provenance_footer

LIST_COLUMNS = {
    "chip": [
        "chip_id",
        "chip_name",
        "vendor",
        "release_date",
        "dense_bf16_flops",
        "dense_fp8_flops",
        "dense_fp4_flops",
        "hbm_capacity_gb",
        "tdp_w",
        "is_us_export_controlled",
        "confidence",
    ],
    "system": [
        "system_id",
        "system_name",
        "vendor",
        "chip_id",
        "chip_count",
        "cabinets_total",
        "cabinets_compute",
        "all_in_power_kw",
        "dense_bf16_flops",
        "dense_fp8_flops",
        "dense_fp4_flops",
        "availability_date",
        "confidence",
    ],
}


@click.group()
def hardware() -> None:
    """Chips and rack-scale systems: list, show, compare, classify, diff.

    \b
    Examples:
      airace hardware list --vendor huawei
      airace hardware compare b200 ascend-910c --format json
    """


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
    import airace.service as svc

    result = svc.hardware_list(kind=kind, vendor=vendor)
    if fmt != "table":
        emit_result(result, fmt, output)
        return
    parts = []
    for k in [kind] if kind else ["chip", "system"]:
        records = [r for r in result.records if r["kind"] == k]
        parts.append(
            render(
                records,
                "table",
                columns=LIST_COLUMNS[k],
                title=f"{'chips' if k == 'chip' else 'systems'} ({len(records)})",
            )
        )
    footer = provenance_footer(result) + (
        "\n`airace hardware show ID` lists every figure with its source."
    )
    emit("\n".join(parts) + footer + "\n", output)


@hardware.command()
@click.argument("unit_id")
@format_option()
@output_option
def show(unit_id: str, fmt: str, output: Path | None) -> None:
    """Every figure of one chip or system, each with its source.

    \b
    Example:
      airace hardware show cloudmatrix-384
    """
    import airace.service as svc

    result = svc.hardware_show(unit_id=unit_id)
    p = result.params
    emit_result(result, fmt, output, title=f"{p['kind']} {unit_id}: {p['name']}")


@hardware.command("compare")
@click.argument("base")
@click.argument("other")
@click.option(
    "--precision",
    type=click.Choice(["fp64", "fp32", "tf32", "bf16", "fp16", "fp8", "fp4", "int8"]),
    default="bf16",
    show_default=True,
)
@click.option("--sparse", is_flag=True, help="Use figures with 2:4 structured sparsity.")
@click.option(
    "--basis",
    type=click.Choice(["compute", "memory-bandwidth", "memory-capacity"]),
    default="compute",
    show_default=True,
)
@click.option(
    "--power-basis", type=click.Choice(["it", "all-in"]), default="all-in", show_default=True
)
@format_option()
@output_option
def compare_(
    base: str,
    other: str,
    precision: str,
    sparse: bool,
    basis: str,
    power_basis: str,
    fmt: str,
    output: Path | None,
) -> None:
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
    import airace.service as svc

    result = svc.compare_hardware(
        base=base,
        other=other,
        precision=precision,
        sparse=sparse,
        basis=basis,
        power_basis=power_basis,
    )
    if fmt != "table":
        emit_result(result, fmt, output)
        return
    record = result.record
    keys = [
        "base",
        "other",
        "precision",
        "sparse",
        "basis",
        "power_basis",
        "base_compute_flops",
        "other_compute_flops",
        "units_ratio",
        "chips_ratio",
        "cabinets_ratio",
        "compute_cabinets_ratio",
        "power_ratio",
        "floor_area_ratio",
        "cost_ratio",
    ]
    summary = [{"field": k, "value": record[k]} for k in keys]
    parts = [render(summary, "table", title=f"{other} relative to {base}")]
    parts.append(render(record["inputs"], "table", title="Inputs"))
    missing = "\n".join(f"  {m}" for m in record["missing"]) or "  none"
    sources = "\n".join(src.line() for src in result.sources)
    emit("\n".join(parts) + f"Missing figures:\n{missing}\n{sources}\n", output)


@hardware.command()
@click.argument("chip_id")
@format_option()
@output_option
def classify(chip_id: str, fmt: str, output: Path | None) -> None:
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
    import airace.service as svc

    result = svc.classify(chip_id=chip_id)
    if fmt != "table":
        emit_result(result, fmt, output)
        return
    record = result.record
    rows = [{"field": k, "value": v} for k, v in record.items() if k != "thresholds"]
    rows.extend({"field": f"threshold {k}", "value": v} for k, v in record["thresholds"].items())
    footer = f"Die area source: {result.extra['die_area_source']}\n{provenance_footer(result)}"
    emit_result(
        result,
        fmt,
        output,
        records=rows,
        title=f"ECCN 3A090 classification of {chip_id}",
        footer=footer,
    )


@hardware.command("diff")
@click.option("--source", default="epoch-hardware", show_default=True)
@click.option("--snapshot", default=None)
@click.option(
    "--tolerance",
    type=finite(0, 1e6),
    default=0.01,
    show_default=True,
    help="Relative difference to report (0.01 = 1%).",
)
@click.option("--all", "show_all", is_flag=True, help="Also list fields only one side has.")
@format_option()
@output_option
def diff_(
    source: str,
    snapshot: str | None,
    tolerance: float,
    show_all: bool,
    fmt: str,
    output: Path | None,
) -> None:
    """Our chip specs that differ from Epoch's ML hardware data by more than 1%.

    \b
    Example:
      airace hardware diff --source epoch-hardware
    """
    import airace.service as svc

    result = svc.hardware_diff(
        source=source, snapshot=snapshot, tolerance=tolerance, show_all=show_all
    )
    columns = ["chip_id", "field", "issue", "ours", "epoch", "relative_difference", "our_notes"]
    footer = f"{len(result.records)} difference(s).\n{provenance_footer(result)}"
    emit_result(result, fmt, output, columns=columns, footer=footer)
