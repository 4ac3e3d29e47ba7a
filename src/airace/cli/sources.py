"""`airace sources`: the imported snapshots, and the names that matched no airace id."""

from __future__ import annotations

from pathlib import Path

import click

from airace.cli.common import emit_result, format_option, output_option


@click.group(invoke_without_command=True)
@format_option()
@output_option
@click.pass_context
def sources(ctx: click.Context, fmt: str, output: Path | None) -> None:
    """List imported snapshots: kind, file, dates, rows, sha256, licence.

    \b
    Examples:
      airace sources
      airace sources --format json
      airace sources unmatched epoch-notable
      airace sources kinds
    """
    if ctx.invoked_subcommand is not None:
        return
    import airace.service as svc

    result = svc.list_sources()
    columns = [
        "snapshot_id",
        "source",
        "file_name",
        "imported_at",
        "min_date",
        "max_date",
        "rows",
        "sha256",
        "licence",
    ]
    records = [{**r, "sha256": r["sha256"][:16] + "…"} for r in result.records]
    footer = (
        f"{len(records)} snapshot(s); the newest of each source is used unless --snapshot is given"
        if records
        else "no snapshots yet: `airace import KIND PATH` or `airace update`"
    )
    emit_result(
        result,
        fmt,
        output,
        columns=columns,
        records=records,
        footer=footer,
    )


@sources.command()
@click.argument("source")
@click.option("--snapshot", default=None, help="Snapshot id (default: the newest of SOURCE).")
@format_option()
@output_option
def unmatched(source: str, snapshot: str | None, fmt: str, output: Path | None) -> None:
    """Names in an imported source that match no airace organisation or model id.

    SOURCE is a source name (epoch-notable, epoch-eci, lmarena, openrouter, ...).

    \b
    Example:
      airace sources unmatched epoch-notable --format csv
    """
    from airace.service import sources as op

    emit_result(
        op.unmatched(source, snapshot),
        fmt,
        output,
        columns=["name_kind", "name", "rows", "snapshot_id"],
        footer="",
    )


@sources.command()
@format_option()
@output_option
def kinds(fmt: str, output: Path | None) -> None:
    """The upstream sources airace can import: kind, source names, publisher, licence, URLs.

    \b
    Example:
      airace sources kinds --format json
    """
    from airace.importers import registry
    from airace.service.result import Result

    records = [
        {
            "kind": k.name,
            "sources": list(k.sources),
            "publisher": k.publisher.producer,
            "title": k.publisher.title,
            "licence": k.publisher.licence,
            "downloads": [d.url for d in k.downloads],
        }
        for k in registry.KINDS.values()
    ]
    emit_result(Result("source-kinds", records), fmt, output, footer="")
