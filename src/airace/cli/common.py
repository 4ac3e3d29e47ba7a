"""Options and output shared by every command (DESIGN convention 5).

Data goes to stdout (or ``--output``, written to a temporary file and renamed into place so
that nothing is half-written); messages go to stderr.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import click

from airace.errors import AiraceError
from airace.render.text import cell_text, render, render_result
from airace.service.result import Result, jsonable

FORMATS = ("table", "csv", "json")
__all__ = [
    "DATE",
    "cell_text",
    "emit",
    "emit_result",
    "format_option",
    "info",
    "jsonable",
    "output_option",
    "render",
    "split_list",
]


class DateType(click.ParamType):
    name = "DATE"

    def convert(
        self, value: Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> dt.date:
        if isinstance(value, dt.date):
            return value
        from airace.schema.periods import user_date

        label = f"--{param.name.replace('_', '-')}" if param and param.name else "date"
        return user_date(str(value), label)


DATE = DateType()


def format_option(extra: Sequence[str] = ()) -> Callable[[Any], Any]:
    return click.option(
        "--format",
        "fmt",
        type=click.Choice([*FORMATS, *extra]),
        default="table",
        show_default=True,
        help="Output format.",
    )


output_option = click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write to this file instead of stdout.",
)


def as_of_option(required: bool = False) -> Callable[[Any], Any]:
    return click.option(
        "--as-of",
        type=DATE,
        required=required,
        default=None,
        help="Evaluate as of this date (YYYY-MM-DD).",
    )


def split_list(value: str | None) -> list[str]:
    if not value:
        return []
    return [part.strip() for part in value.split(",") if part.strip()]


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


def emit_result(result: Result, fmt: str, output: Path | None, **table: Any) -> None:
    """Render a service result (``table`` shapes the human table) and write it."""
    emit(render_result(result, fmt, **table), output)


def info(message: str) -> None:
    click.echo(message, err=True)
