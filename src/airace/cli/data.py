"""`airace data`: validate the curated tables, describe them, rebuild the catalog."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import click

from airace.cli.common import emit, emit_result, format_option, info, output_option, render


@click.group()
def data() -> None:
    """Curated data: validate, describe, list changes, rebuild the catalog.

    \b
    Examples:
      airace data validate
      airace data changes --since 2026.11.29
      airace data tables --format json
    """


@data.command()
@click.option(
    "--data-dir",
    type=click.Path(file_okay=False, exists=True, path_type=Path),
    default=None,
    help="Validate a copy of the curated tables in this folder.",
)
@format_option()
@output_option
def validate(data_dir: Path | None, fmt: str, output: Path | None) -> None:
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
        emit(render(records, fmt, columns=["table", "row", "field", "check", "message"]), output)
    elif output is not None:
        emit("".join(f"{p.line()}\n" for p in problems), output)
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
    from airace.service.result import Result, Source

    tables = read_all()
    records = [
        {"table": name, "rows": len(t.rows), "licence": t.meta.licence, "title": t.meta.title}
        for name, t in tables.items()
    ]
    sources = [
        Source("airace", t.meta.title, t.meta.licence, table=name, rows=len(t.rows))
        for name, t in tables.items()
    ]
    emit_result(Result("data-tables", records, sources), fmt, output, footer="")


@data.command()
def build() -> None:
    """Rebuild the catalog's curated tables now (normally automatic).

    \b
    Example:
      airace data build
    """
    from airace.service.context import get_catalog

    catalog = get_catalog()
    catalog.rebuild()
    info(f"catalog rebuilt: {catalog.path}")


@data.command()
@format_option()
@output_option
def path(fmt: str, output: Path | None) -> None:
    """Print where the catalog and snapshots live (AIRACE_HOME).

    \b
    Examples:
      airace data path
      airace data path --format json
    """
    from airace.catalog import paths

    record = {
        "home": str(paths.home()),
        "catalog": str(paths.catalog_path()),
        "snapshots": str(paths.snapshots_dir()),
        "curated_data": str(paths.curated_dir()),
    }
    if fmt == "table":
        emit("".join(f"{k}: {v}\n" for k, v in record.items()), output)
    else:
        emit(render([record], fmt), output)


@data.command()
@click.option(
    "--since",
    default=None,
    help="A data version (YYYY.MM.DD): changes after it; or a date: entries dated on or after.",
)
@click.option("--table", default=None, help="Only this curated table.")
@click.option("--version", "show_version", is_flag=True, help="Print the data version only.")
@format_option()
@output_option
def changes(
    since: str | None, table: str | None, show_version: bool, fmt: str, output: Path | None
) -> None:
    """Rows added, changed (field by field) and removed, per version of the curated data.

    Read from the changelog kept with the data (data/changelog/, one YAML entry per version;
    a test checks that the newest entry matches the tables).

    \b
    Examples:
      airace data changes
      airace data changes --since 2026.11.29 --table releases --format csv -o changes.csv
      airace data changes --since 2026-12-01 --format json
      airace data changes --version
    """
    from airace.cli.common import emit_result
    from airace.service.changes import data_changes

    result = data_changes(since=since, table=table)
    if show_version:
        click.echo(result.summary["data_version"])
        return
    versions = ", ".join(v["version"] for v in result.summary["versions"]) or "none"
    title = (
        f"data version {result.summary['data_version']}; entries shown: {versions}; "
        f"rows added {result.summary['rows_added']}, changed {result.summary['rows_changed']}, "
        f"removed {result.summary['rows_removed']}"
    )
    shown = [
        {k: (v[:60] + "…" if isinstance(v, str) and len(v) > 61 else v) for k, v in r.items()}
        for r in result.records
    ]
    emit_result(result, fmt, output, title=title, records=shown)
