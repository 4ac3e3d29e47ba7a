"""Options and output shared by every command (DESIGN convention 5).

Data goes to stdout (or ``--output``, written to a temporary file and renamed into place so
that nothing is half-written); messages go to stderr.
"""

from __future__ import annotations

import datetime as dt
import sys
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
    "finite",
    "format_option",
    "info",
    "jsonable",
    "output_option",
    "render",
    "split_list",
    "write_file",
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
        day = user_date(str(value), label)
        if not FIRST_DATE <= day <= LAST_DATE:
            raise AiraceError(
                f"bad {label}: {day} is outside {FIRST_DATE} .. {LAST_DATE}, the range "
                "airace works with"
            )
        return day


# Dates users may give: wide enough for any AI history or forecast, narrow enough that a
# daily series over the whole range stays small (a typo like 0001-01-01 is refused).
FIRST_DATE = dt.date(1950, 1, 1)
LAST_DATE = dt.date(2100, 12, 31)


DATE = DateType()


class FiniteFloat(click.ParamType):
    """A float that is finite (no ``inf``, ``nan``, ``1e400``) and within [low, high]."""

    name = "NUMBER"

    def __init__(self, low: float | None = None, high: float | None = None) -> None:
        self.low, self.high = low, high

    def convert(
        self, value: Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> float:
        import math

        try:
            number = float(value)
        except (TypeError, ValueError):
            self.fail(f"{value!r} is not a number", param, ctx)
        if not math.isfinite(number):
            self.fail(f"{value!r} is not a finite number", param, ctx)
        if self.low is not None and number < self.low:
            self.fail(f"{value!r} is below the minimum {self.low:g}", param, ctx)
        if self.high is not None and number > self.high:
            self.fail(f"{value!r} is above the maximum {self.high:g}", param, ctx)
        return number


def finite(low: float | None = None, high: float | None = None) -> FiniteFloat:
    """A click type for a finite number in [low, high] (options that feed arithmetic)."""
    return FiniteFloat(low, high)


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
    """Write to stdout or atomically to a regular file (see :func:`write_file`)."""
    if output is None:
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    output = write_file(text, output)
    click.echo(f"wrote {output}", err=True)


def write_file(text: str, output: Path) -> Path:
    """Write ``text`` to ``output`` whole or not at all (see airace.files.write_atomic)."""
    from airace.files import write_atomic

    return write_atomic(output, text.encode("utf-8"))


def emit_result(result: Result, fmt: str, output: Path | None, **table: Any) -> None:
    """Render a service result (``table`` shapes the human table) and write it."""
    emit(render_result(result, fmt, **table), output)


def info(message: str) -> None:
    click.echo(message, err=True)
