"""`airace import KIND PATH`: bring an upstream file into the catalog as a snapshot."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from airace.cli.common import DATE, emit, format_option, info, render

KIND_NAMES = ["epoch-models", "epoch-hardware", "epoch-benchmarks", "epoch-eci",
              "epoch-clusters", "lmarena", "openrouter"]


@click.command("import")
@click.argument("kind", type=click.Choice(KIND_NAMES))
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--variant", default=None,
              help="For epoch-models when the file name does not tell: epoch-notable, "
                   "epoch-all, epoch-large-scale or epoch-frontier.")
@click.option("--accessed", type=DATE, default=None,
              help="Date the file was downloaded (default: today).")
@click.option("--url", default=None, help="Where the file was downloaded from.")
@format_option()
def import_(kind: str, path: Path, variant: str | None, accessed: dt.date | None,
            url: str | None, fmt: str) -> None:
    """Import an upstream file; identical files are imported once.

    Prints the snapshot id, the rows imported and the names that matched no airace id.
    The catalog is unchanged if anything in the file is wrong.

    \b
    Examples:
      airace import epoch-models notable_ai_models.csv
      airace import epoch-benchmarks benchmark_data.zip
      airace import lmarena leaderboard-text.json
    """
    from airace.importers.run import import_path

    result = import_path(kind, path, variant=variant, accessed=accessed, url=url)
    record = {
        "snapshot_id": result.snapshot_id,
        "kind": result.kind,
        "source": result.variant,
        "rows_imported": result.rows,
        "upstream_rows": result.upstream_rows,
        "already_imported": result.already_imported,
        "unmatched_names": len(result.unmatched),
        "unmatched_rows": sum(c for _, _, c in result.unmatched),
    }
    if fmt != "table":
        emit(render([{**record, "unmatched": [
            {"kind": k, "name": n, "rows": c} for k, n, c in result.unmatched]}], fmt), None)
        return
    if result.already_imported:
        click.echo(f"{result.snapshot_id}: identical file already imported "
                   f"({result.rows} rows); nothing changed")
        return
    click.echo(f"imported {result.rows} rows from {result.upstream_rows} upstream rows as "
               f"snapshot {result.snapshot_id} (source {result.variant})")
    for note in result.notes:
        info(note)
    if result.unmatched:
        orgs = [u for u in result.unmatched if u[0] == "org"]
        models = [u for u in result.unmatched if u[0] == "model"]
        click.echo(f"unmatched: {len(orgs)} organisation names, {len(models)} model names "
                   f"(kept with their original names; list them with "
                   f"`airace sources unmatched {result.variant}`)")
        for _kind, name, count in orgs[:10]:
            click.echo(f"  org   {name} ({count} rows)")
