"""`airace budget` and `airace compute-share`: money to compute, compute by country."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from airace.cli.common import DATE, emit, format_option, output_option, render
from airace.errors import AiraceError

REFERENCE_RUNS = ("gpt-4", "llama-3.1", "deepseek-v3", "deepseek-v4-pro", "grok-3", "grok-4",
                  "gpt-4.5", "gpt-5")


@click.command()
@click.argument("usd", type=float)
@click.option("--chip", "chip_id", required=True, help="Chip id, e.g. b200.")
@click.option("--price-usd", type=float, default=None,
              help="Price per chip (default: the chip's recorded price range).")
@click.option("--utilization", type=float, default=0.4, show_default=True,
              help="Share of peak throughput achieved in training, in (0, 1].")
@click.option("--days", type=float, default=90, show_default=True)
@click.option("--precision", type=click.Choice(["fp64", "fp32", "tf32", "bf16", "fp16", "fp8",
                                                "fp4", "int8"]),
              default="bf16", show_default=True)
@click.option("--runs", default=",".join(REFERENCE_RUNS), show_default=True,
              help="Reference training runs (model ids) to express the compute in.")
@click.option("--all-runs", is_flag=True, help="Every release with a compute estimate.")
@format_option()
@output_option
def budget(usd: float, chip_id: str, price_usd: float | None, utilization: float,
           days: float, precision: str, runs: str, all_runs: bool, fmt: str,
           output: Path | None) -> None:
    """Dollars -> chips -> training FLOP, as multiples of well-known training runs.

    \b
    Examples:
      airace budget 1e9 --chip b200
      airace budget 1e9 --chip b200 --price-usd 50000 --utilization 0.35 --days 120
    """
    from airace.analysis.budget import budget as run
    from airace.hardware_data import get_unit, reference_runs

    chip = get_unit(chip_id, kind="chip")
    table = reference_runs()
    if not all_runs:
        wanted = [r.strip() for r in runs.split(",") if r.strip()]
        unknown = [r for r in wanted if r not in set(table["model_id"])]
        if unknown:
            raise AiraceError(f"no training-compute estimate for {unknown[0]!r}; runs with "
                              f"one: {', '.join(sorted(table['model_id']))}")
        table = table[table["model_id"].isin(wanted)]
    try:
        record = run(usd, chip, table, price=price_usd, utilization=utilization,
                     days=days, precision=precision)
    except ValueError as exc:
        raise AiraceError(str(exc)) from None
    src = chip.source("price_usd_low")
    record["price_source"] = None if price_usd else src.get("source_url")
    if fmt != "table":
        emit(render([record], fmt), output)
        return
    keys = [k for k in record if k != "equivalents"]
    head = render([{"field": k, "value": record[k]} for k in keys], "table",
                  title=f"${usd:,.0f} of {chip_id}")
    eq = render([{k: e[k] for k in ("model_id", "training_compute_flop", "multiple",
                                    "multiple_low", "multiple_high", "confidence")}
                 for e in record["equivalents"]], "table",
                title="Delivered compute as multiples of training runs (estimates; sources "
                      "in --format json)")
    emit(head + eq, output)


@click.command("compute-share")
@click.option("--source", default="epoch-clusters", show_default=True)
@click.option("--snapshot", default=None)
@click.option("--by", type=click.Choice(["country"]), default="country", show_default=True)
@click.option("--as-of", type=DATE, default=None,
              help="Date (default: the snapshot's last operational date).")
@click.option("--all-rows", is_flag=True,
              help="Use every row, not only those Epoch marks for its standard analysis.")
@click.option("--include-undated", is_flag=True,
              help="Count existing clusters without an operational date.")
@format_option()
@output_option
def compute_share(source: str, snapshot: str | None, by: str, as_of: dt.date | None,
                  all_rows: bool, include_undated: bool, fmt: str,
                  output: Path | None) -> None:
    """H100-equivalents of operating AI supercomputers by country, and each share.

    \b
    Example:
      airace compute-share --source epoch-clusters --by country --as-of 2025-06-30
    """
    from airace.analysis.compute_share import compute_share as run
    from airace.sources import snapshot_rows

    if source != "epoch-clusters":
        raise AiraceError("compute-share reads --source epoch-clusters")
    rows = snapshot_rows(source, snapshot)
    meta = rows.attrs["snapshot"]
    date = as_of or dt.date.fromisoformat(str(meta["max_date"])[:10])
    table, info = run(rows, date, standard_only=not all_rows, include_undated=include_undated)
    records = table.to_dict(orient="records")
    if fmt == "json":
        emit(render([{**info, "by_country": records, "snapshot": meta["snapshot_id"],
                      "licence": meta["licence"], "citation": meta["citation"]}], "json"),
             output)
        return
    footer = "\n".join([f"{info['clusters_counted']} clusters, "
                        f"{info['total_h100_equivalents']:,.0f} H100-equivalents as of "
                        f"{info['as_of']}. Source: {meta['citation']} (snapshot "
                        f"{meta['snapshot_id']}, licence {meta['licence']}).",
                        *(f"Caveat: {c}" for c in info["caveats"])])
    emit(render(records, fmt, footer=footer if fmt == "table" else None), output)
