"""Options and output shared by every command (DESIGN convention 5).

Data goes to stdout (or ``--output``, written to a temporary file and renamed into place so
that nothing is half-written); messages go to stderr.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import math
import os
import sys
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import click

from airace.errors import AiraceError

FORMATS = ("table", "csv", "json")


class DateType(click.ParamType):
    name = "DATE"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None
                ) -> dt.date:
        if isinstance(value, dt.date):
            return value
        from airace.periods import user_date

        label = f"--{param.name.replace('_', '-')}" if param and param.name else "date"
        return user_date(str(value), label)


DATE = DateType()


def format_option(extra: Sequence[str] = ()) -> Callable[[Any], Any]:
    return click.option("--format", "fmt", type=click.Choice([*FORMATS, *extra]),
                        default="table", show_default=True, help="Output format.")


output_option = click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path),
                             default=None, help="Write to this file instead of stdout.")


def as_of_option(required: bool = False) -> Callable[[Any], Any]:
    return click.option("--as-of", type=DATE, required=required, default=None,
                        help="Evaluate as of this date (YYYY-MM-DD).")


def split_list(value: str | None) -> list[str]:
    if not value:
        return []
    return [part.strip() for part in value.split(",") if part.strip()]


def jsonable(value: Any) -> Any:
    """Convert numpy/pandas/date values to plain JSON values (NaN becomes null)."""
    if value is None or value.__class__.__name__ in {"NaTType", "NAType"}:
        return None
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if hasattr(value, "tolist") and not isinstance(value, (str, bytes)):
        return jsonable(value.tolist())
    if isinstance(value, float):
        return None if math.isnan(value) or math.isinf(value) else value
    if isinstance(value, (dt.datetime, dt.date)):
        if isinstance(value, dt.datetime) and value.time() == dt.time(0):
            return value.date().isoformat()
        return value.isoformat()
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def cell_text(value: Any) -> str:
    value = jsonable(value)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return f"{value:.4g}" if abs(value) >= 1e6 or (value and abs(value) < 1e-3) else (
            f"{value:,.2f}".rstrip("0").rstrip("."))
    if isinstance(value, list):
        return "; ".join(cell_text(v) for v in value)
    return str(value)


def render(records: list[dict[str, Any]], fmt: str, *, title: str | None = None,
           footer: str | None = None, columns: Sequence[str] | None = None) -> str:
    """Records as a table (human), CSV, or a JSON array of records."""
    columns = list(columns or (records[0].keys() if records else []))
    if fmt == "json":
        return json.dumps([jsonable(r) for r in records], indent=2, ensure_ascii=False) + "\n"
    if fmt == "csv":
        import csv

        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        writer.writerow(columns)
        for record in records:
            writer.writerow([cell_text(record.get(c)) for c in columns])
        return buf.getvalue()
    from rich.console import Console
    from rich.table import Table

    table = Table(title=title, title_justify="left", show_lines=False, header_style="bold")
    for col in columns:
        table.add_column(col, overflow="fold")
    for record in records:
        table.add_row(*(cell_text(record.get(c)) for c in columns))
    width = int(os.environ.get("COLUMNS", "0") or 0) or 160
    console = Console(file=io.StringIO(), width=width, color_system=None, soft_wrap=False)
    console.print(table)
    if footer:
        console.print(footer, highlight=False, markup=False)
    out = console.file.getvalue()  # type: ignore[attr-defined]
    return str(out)


def emit(text: str, output: Path | None) -> None:
    """Write to stdout or atomically to a file."""
    if output is None:
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    output = output.expanduser()
    if not output.parent.exists():
        raise AiraceError("folder does not exist", file=str(output.parent))
    fd, tmp = tempfile.mkstemp(prefix=f".{output.name}.", dir=output.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
        os.replace(tmp, output)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    click.echo(f"wrote {output}", err=True)


def info(message: str) -> None:
    click.echo(message, err=True)
