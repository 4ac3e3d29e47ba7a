"""`airace data`: validate the curated tables, describe them, rebuild the catalog."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import click

from airace.cli.common import emit, format_option, info, output_option, render


@click.group()
def data() -> None:
    """Curated data: validate, describe, rebuild the catalog."""


@data.command()
@click.option(
    "--data-dir",
    type=click.Path(file_okay=False, exists=True, path_type=Path),
    default=None,
    help="Validate a copy of the curated tables in this folder.",
)
@format_option()
def validate(data_dir: Path | None, fmt: str) -> None:
    """Check every curated table: types, enums, keys, provenance, plausibility.

    Each problem names table, row and field; the exit code is 1 when any is found.

    \b
    Examples:
      airace data validate
      airace data validate --data-dir my-fork/data --format json
    """
    from airace.catalog.paths import curated_dir
    from airace.schema.tables import read_all
    from airace.schema.validate import validate as run

    folder = data_dir or curated_dir()
    problems = run(folder, dt.date.today())
    if fmt != "table":
        records = [
            {
                "table": p.table,
                "row": p.row,
                "field": p.field,
                "check": p.check,
                "message": p.message,
            }
            for p in problems
        ]
        emit(render(records, fmt, columns=["table", "row", "field", "check", "message"]), None)
    else:
        for problem in problems:
            click.echo(problem.line())
    if problems:
        info(f"{len(problems)} problem(s) in {folder}")
        sys.exit(1)
    counts = ", ".join(f"{name} {len(t.rows)}" for name, t in read_all(folder).items())
    info(f"ok: {counts} rows valid")


@data.command()
@format_option()
@output_option
def tables(fmt: str, output: Path | None) -> None:
    """List the curated tables with their row counts and licences.

    \b
    Example:
      airace data tables --format json
    """
    from airace.schema.tables import read_all

    records = [
        {"table": name, "rows": len(t.rows), "licence": t.meta.licence, "title": t.meta.title}
        for name, t in read_all().items()
    ]
    emit(render(records, fmt), output)


@data.command()
def build() -> None:
    """Rebuild the catalog's curated tables now (normally automatic)."""
    from airace.service.context import get_catalog

    catalog = get_catalog()
    catalog.rebuild()
    info(f"catalog rebuilt: {catalog.path}")


@data.command()
def path() -> None:
    """Print where the catalog and snapshots live (AIRACE_HOME)."""
    from airace.catalog import paths

    click.echo(
        f"home: {paths.home()}\ncatalog: {paths.catalog_path()}\n"
        f"curated data: {paths.curated_dir()}"
    )
