"""`airace sources`: the imported snapshots, and the names that matched no airace id."""

from __future__ import annotations

import click

from airace.cli.common import emit, format_option, output_option, render


@click.group(invoke_without_command=True)
@format_option()
@output_option
@click.pass_context
def sources(ctx: click.Context, fmt: str, output: click.Path | None) -> None:
    """List imported snapshots: kind, file, dates, rows, sha256, licence.

    \b
    Examples:
      airace sources
      airace sources --format json
      airace sources unmatched epoch-notable
    """
    if ctx.invoked_subcommand is not None:
        return
    from airace.sources import list_snapshots

    records = list_snapshots()
    columns = ["snapshot_id", "source", "file_name", "imported_at", "min_date", "max_date",
               "rows", "sha256", "licence"]
    if fmt == "table":
        for rec in records:
            rec["sha256"] = rec["sha256"][:16] + "…"
        footer = (f"{len(records)} snapshot(s); the newest of each source is used unless "
                  "--snapshot is given" if records else
                  "no snapshots yet: `airace import KIND PATH` or `airace update`")
        emit(render(records, fmt, columns=columns, footer=footer), output)  # type: ignore[arg-type]
    else:
        emit(render(records, fmt), output)  # type: ignore[arg-type]


@sources.command()
@click.argument("source")
@click.option("--snapshot", default=None, help="Snapshot id (default: the newest of SOURCE).")
@format_option()
def unmatched(source: str, snapshot: str | None, fmt: str) -> None:
    """Names in an imported source that match no airace organisation or model id.

    SOURCE is a source name (epoch-notable, epoch-eci, lmarena, openrouter, ...).

    \b
    Example:
      airace sources unmatched epoch-notable --format csv
    """
    from airace.sources import unmatched_names

    emit(render(unmatched_names(source, snapshot), fmt,
                columns=["name_kind", "name", "rows", "snapshot_id"]), None)
