"""`airace import KIND PATH`: bring an upstream file into the catalog as a snapshot."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from airace.cli.common import DATE, emit_result, format_option, info, output_option
from airace.importers.registry import KINDS, MODEL_VARIANTS_HELP


@click.command("import")
@click.argument("kind", type=click.Choice(list(KINDS)))
@click.argument("path", type=click.Path(path_type=Path))
@click.option(
    "--variant",
    default=None,
    help=f"For epoch-models when the file name does not tell: {MODEL_VARIANTS_HELP}.",
)
@click.option(
    "--accessed", type=DATE, default=None, help="Date the file was downloaded (default: today)."
)
@click.option("--url", default=None, help="Where the file was downloaded from.")
@click.option(
    "--force",
    is_flag=True,
    help="Import a file much smaller or older than the current snapshot of its source.",
)
@format_option()
@output_option
def import_(
    kind: str,
    path: Path,
    variant: str | None,
    accessed: dt.date | None,
    url: str | None,
    force: bool,
    fmt: str,
    output: Path | None,
) -> None:
    """Import an upstream file; identical files are imported once.

    Prints the snapshot id, the rows imported and the names that matched no airace id.
    The catalog is unchanged if anything in the file is wrong, if it has no data rows, or
    if it has fewer than half the rows of the current snapshot (or data ending more than
    six months earlier) unless --force is given.

    \b
    Examples:
      airace import epoch-models notable_ai_models.csv
      airace import epoch-benchmarks benchmark_data.zip
      airace import lmarena leaderboard-text.json
    """
    from airace.service.sources import import_file

    outcome = import_file(kind, path, variant=variant, accessed=accessed, url=url, force=force)
    result = outcome.record
    if fmt != "table" or output is not None:
        emit_result(outcome, fmt, output)
        return
    if result["already_imported"]:
        click.echo(
            f"{result['snapshot_id']}: identical file already imported "
            f"({result['rows_imported']} rows); nothing changed"
        )
        return
    click.echo(
        f"imported {result['rows_imported']} rows from {result['upstream_rows']} "
        f"upstream rows as snapshot {result['snapshot_id']} (source {result['source']})"
    )
    for note in outcome.caveats:
        info(note)
    if result["unmatched"]:
        orgs = [u for u in result["unmatched"] if u["kind"] == "org"]
        models = [u for u in result["unmatched"] if u["kind"] == "model"]
        click.echo(
            f"unmatched: {len(orgs)} organisation names, {len(models)} model names "
            f"(kept with their original names; list them with "
            f"`airace sources unmatched {result['source']}`)"
        )
        for u in orgs[:10]:
            click.echo(f"  org   {u['name']} ({u['rows']} rows)")
