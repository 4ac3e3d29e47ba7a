"""`airace report`: one self-contained, offline HTML report of a claims ledger."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from airace.cli.common import DATE, info


@click.command()
@click.argument("ledgers", nargs=-1, type=click.Path(path_type=Path))
@click.option("--as-of", type=DATE, default=None, help="Evaluate as of this date (default: today).")
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, path_type=Path),
    default=Path("report.html"),
    show_default=True,
    help="The HTML file to write.",
)
def report(ledgers: tuple[Path, ...], as_of: dt.date | None, output: Path) -> None:
    """Write one HTML file: each claim's quote, verdict, key figures, evidence chart and
    rows with sources and licences, plus verdict and forecast summaries. It opens with no
    network (the Vega runtime is inlined).

    \b
    Examples:
      airace report --output report.html
      airace report my-ledger.yaml --as-of 2026-06-30 -o my-report.html
    """
    from airace.report.build import write_report
    from airace.report.compose import ledger_report

    html = ledger_report(ledgers, as_of)
    path = write_report(html, output)
    info(f"wrote {path} ({path.stat().st_size / 1e6:.1f} MB)")
