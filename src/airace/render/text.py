"""Text renderers: one per format (table, CSV, JSON, markdown) over records or a Result.

JSON of a :class:`~airace.service.result.Result` is its envelope (data plus sources,
parameters, definitions and caveats); CSV is the records alone; a table adds the sources
and caveats as a footer; markdown is a pipe table followed by the sources.
"""

from __future__ import annotations

import io
import json
import math
import os
import re
from collections.abc import Sequence
from typing import Any

from airace.service.result import Result, jsonable

FORMATS = ("table", "csv", "json", "markdown")

# C0 controls except tab and newline, DEL, and C1 controls (ESC starts terminal escapes).
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_ESCAPE_SEQUENCE = re.compile(r"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)?|.)")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?")


def clean_text(text: str) -> str:
    """Text safe to print on a terminal: escape sequences and control characters removed
    (upstream names are data we do not control)."""
    return _CONTROL.sub("", _ESCAPE_SEQUENCE.sub("", text))


def csv_value(value: Any) -> str:
    """A CSV cell: the raw value at full precision (not the display rounding of tables), with
    a leading ``'`` on text a spreadsheet would run as a formula. Numbers stay numbers,
    negative ones included."""
    value = jsonable(value)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return repr(value) if math.isfinite(value) else ""
    if isinstance(value, list):
        text = "; ".join(csv_value(v).removeprefix("'") for v in value)
    elif isinstance(value, dict):
        text = json.dumps(value, ensure_ascii=False, sort_keys=True)
    else:
        text = str(value)
    # A bare CR is not quoted by the writer (its line ending is LF) and would split the row.
    return neutralise(text).replace("\r\n", "\n").replace("\r", "\n")


def neutralise(text: str) -> str:
    """Prefix ``'`` to a cell a spreadsheet would treat as a formula (CSV injection)."""
    if text.startswith(_FORMULA_START) and not _PLAIN_NUMBER.fullmatch(text):
        return "'" + text
    return text


def cell_text(value: Any) -> str:
    value = jsonable(value)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return (
            f"{value:.4g}"
            if abs(value) >= 1e6 or (value and abs(value) < 1e-3)
            else (f"{value:,.2f}".rstrip("0").rstrip("."))
        )
    if isinstance(value, list):
        return "; ".join(cell_text(v) for v in value)
    return str(value)


def to_json(value: Any) -> str:
    return json.dumps(jsonable(value), indent=2, ensure_ascii=False) + "\n"


def to_csv(records: list[dict[str, Any]], columns: Sequence[str] | None = None) -> str:
    import csv

    columns = list(columns or (records[0].keys() if records else []))
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow([neutralise(str(c)) for c in columns])
    for record in records:
        writer.writerow([csv_value(record.get(c)) for c in columns])
    return buf.getvalue()


def to_table(
    records: list[dict[str, Any]],
    *,
    title: str | None = None,
    footer: str | None = None,
    columns: Sequence[str] | None = None,
) -> str:
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    columns = list(columns or (records[0].keys() if records else []))
    table = Table(
        title=Text(clean_text(title)) if title else None,
        title_justify="left",
        show_lines=False,
        header_style="bold",
    )
    for col in columns:
        table.add_column(Text(clean_text(str(col))), overflow="fold")
    for record in records:
        table.add_row(*(Text(clean_text(cell_text(record.get(c)))) for c in columns))
    width = int(os.environ.get("COLUMNS", "0") or 0) or 160
    console = Console(file=io.StringIO(), width=width, color_system=None, soft_wrap=False)
    console.print(table)
    if footer:
        console.print(clean_text(footer), highlight=False, markup=False)
    return str(console.file.getvalue())  # type: ignore[attr-defined]


def to_markdown(
    records: list[dict[str, Any]], columns: Sequence[str] | None = None, footer: str | None = None
) -> str:
    columns = list(columns or (records[0].keys() if records else []))

    def esc(text: str) -> str:
        return clean_text(text).replace("|", "\\|").replace("\n", " ")

    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    lines += ["| " + " | ".join(esc(cell_text(r.get(c))) for c in columns) + " |" for r in records]
    if footer:
        lines += ["", footer]
    return "\n".join(lines) + "\n"


def render(
    records: list[dict[str, Any]],
    fmt: str,
    *,
    title: str | None = None,
    footer: str | None = None,
    columns: Sequence[str] | None = None,
) -> str:
    """Plain records in one format (a JSON array for ``json``)."""
    if fmt == "json":
        return to_json(records)
    if fmt == "csv":
        return to_csv(records, columns)
    if fmt == "markdown":
        return to_markdown(records, columns, footer)
    return to_table(records, title=title, footer=footer, columns=columns)


def provenance_footer(result: Result, limit: int = 10) -> str:
    """Sources and caveats of a result as footer lines."""
    lines = [src.line() for src in result.sources]
    lines += [f"Note: {c}" for c in result.caveats[:limit]]
    if len(result.caveats) > limit:
        lines.append(f"Note: ... and {len(result.caveats) - limit} more (see --format json)")
    return "\n".join(lines)


def render_result(
    result: Result,
    fmt: str,
    *,
    title: str | None = None,
    columns: Sequence[str] | None = None,
    footer: str | None = None,
    records: list[dict[str, Any]] | None = None,
) -> str:
    """A result in one format; ``columns``/``records`` shape the human table only."""
    if fmt == "json":
        return to_json(result.envelope())
    if fmt == "csv":
        return to_csv(result.records)
    shown = result.records if records is None else records
    text = provenance_footer(result) if footer is None else footer
    if fmt == "markdown":
        return to_markdown(shown, columns, text)
    return to_table(shown, title=title, footer=text, columns=columns)
