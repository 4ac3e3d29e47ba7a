"""`airace compare-dates`: curated release dates against an imported source."""

from __future__ import annotations

from pathlib import Path

import click

from airace.cli.common import emit_result, format_option, output_option, split_list
from airace.render.text import provenance_footer


@click.command("compare-dates")
@click.option(
    "--source",
    default="epoch-notable",
    show_default=True,
    help="Imported model list (see `airace sources kinds`).",
)
@click.option("--lab", "labs", default=None, help="Comma-separated labs (default: all ours).")
@click.option(
    "--days",
    "threshold",
    type=click.IntRange(0, 36_500),
    default=3,
    show_default=True,
    help="Report dates that differ by more than this many days.",
)
@click.option(
    "--since", default="2023-01-01", show_default=True, help="Compare launches from this date on."
)
@click.option("--snapshot", default=None, help="Snapshot id (default: the newest).")
@format_option()
@output_option
def compare_dates(
    source: str,
    labs: str | None,
    threshold: int,
    since: str,
    snapshot: str | None,
    fmt: str,
    output: Path | None,
) -> None:
    """List curated releases whose date differs from the source's, and models on one side only.

    Issues: date_differs (|days| > --days), missing_in_source (our launch, not in the
    source; only general-model launches up to the source's last date), missing_in_airace
    (the source's model of one of our labs that matches no curated release). `explained`
    says why a difference is not an error: our row accounts for the other date, or the
    source itself marks the model unreleased or outside the releases table's domains.

    \b
    Examples:
      airace compare-dates --source epoch-notable
      airace compare-dates --source epoch-notable --lab deepseek --days 0 --format csv
    """
    import airace.service as svc

    result = svc.compare_dates(
        source=source,
        labs=split_list(labs) or None,
        threshold_days=threshold,
        snapshot=snapshot,
        since=since,
    )
    counts = result.summary["counts"]
    summary = ", ".join(f"{k} {v}" for k, v in sorted(counts.items())) or "no differences"
    columns = [
        "issue",
        "org_id",
        "model_id",
        "airace_date",
        "source_date",
        "days_difference",
        "source_name",
    ]
    emit_result(
        result, fmt, output, columns=columns, footer=f"{summary}.\n{provenance_footer(result)}"
    )
