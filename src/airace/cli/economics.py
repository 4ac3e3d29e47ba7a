"""`airace budget` and `airace compute-share`: money to compute, compute by country."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from airace.cli.common import (
    DATE,
    emit,
    emit_result,
    finite,
    format_option,
    output_option,
    render,
)
from airace.render.text import provenance_footer
from airace.service.economics import REFERENCE_RUNS


@click.command()
@click.argument("usd", type=finite(None, 1e15))
@click.option("--chip", "chip_id", required=True, help="Chip id, e.g. b200.")
@click.option(
    "--price-usd",
    type=finite(None, 1e9),
    default=None,
    help="Price per chip (default: the chip's recorded price range).",
)
@click.option(
    "--utilization",
    type=finite(),
    default=0.4,
    show_default=True,
    help="Share of peak throughput achieved in training, in (0, 1].",
)
@click.option("--days", type=finite(None, 36_500), default=90, show_default=True)
@click.option(
    "--precision",
    type=click.Choice(["fp64", "fp32", "tf32", "bf16", "fp16", "fp8", "fp4", "int8"]),
    default="bf16",
    show_default=True,
)
@click.option(
    "--runs",
    default=",".join(REFERENCE_RUNS),
    show_default=True,
    help="Reference training runs (model ids) to express the compute in.",
)
@click.option("--all-runs", is_flag=True, help="Every release with a compute estimate.")
@format_option()
@output_option
def budget(
    usd: float,
    chip_id: str,
    price_usd: float | None,
    utilization: float,
    days: float,
    precision: str,
    runs: str,
    all_runs: bool,
    fmt: str,
    output: Path | None,
) -> None:
    """Dollars -> chips -> training FLOP, as multiples of well-known training runs.

    \b
    Examples:
      airace budget 1e9 --chip b200
      airace budget 1e9 --chip b200 --price-usd 50000 --utilization 0.35 --days 120
    """
    import airace.service as svc

    result = svc.budget(
        usd=usd,
        chip_id=chip_id,
        price_usd=price_usd,
        utilization=utilization,
        days=days,
        precision=precision,
        runs=[r.strip() for r in runs.split(",") if r.strip()],
        all_runs=all_runs,
    )
    if fmt != "table":
        emit_result(result, fmt, output)
        return
    record = result.record
    keys = [k for k in record if k != "equivalents"]
    head = render(
        [{"field": k, "value": record[k]} for k in keys], "table", title=f"${usd:,.0f} of {chip_id}"
    )
    eq = render(
        [
            {
                k: e[k]
                for k in (
                    "model_id",
                    "training_compute_flop",
                    "multiple",
                    "multiple_low",
                    "multiple_high",
                    "confidence",
                )
            }
            for e in record["equivalents"]
        ],
        "table",
        title="Delivered compute as multiples of training runs (estimates; sources "
        "in --format json)",
        footer=provenance_footer(result),
    )
    emit(head + eq, output)


@click.command("compute-share")
@click.option("--source", default="epoch-clusters", show_default=True)
@click.option("--snapshot", default=None)
@click.option("--by", type=click.Choice(["country"]), default="country", show_default=True)
@click.option(
    "--as-of", type=DATE, default=None, help="Date (default: the snapshot's last operational date)."
)
@click.option(
    "--all-rows",
    is_flag=True,
    help="Use every row, not only those Epoch marks for its standard analysis.",
)
@click.option(
    "--include-undated", is_flag=True, help="Count existing clusters without an operational date."
)
@format_option()
@output_option
def compute_share(
    source: str,
    snapshot: str | None,
    by: str,
    as_of: dt.date | None,
    all_rows: bool,
    include_undated: bool,
    fmt: str,
    output: Path | None,
) -> None:
    """H100-equivalents of operating AI supercomputers by country, and each share.

    \b
    Example:
      airace compute-share --source epoch-clusters --by country --as-of 2025-06-30
    """
    import airace.service as svc

    result = svc.compute_share(
        source=source,
        snapshot=snapshot,
        as_of=as_of,
        all_rows=all_rows,
        include_undated=include_undated,
    )
    summary = result.summary
    footer = "\n".join(
        [
            f"{summary['clusters_counted']} clusters, "
            f"{summary['total_h100_equivalents']:,.0f} H100-equivalents as of "
            f"{summary['as_of']}.",
            provenance_footer(result),
        ]
    )
    emit_result(result, fmt, output, footer=footer)
