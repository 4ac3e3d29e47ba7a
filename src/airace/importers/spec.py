"""Declarative CSV specs and the strict reader that applies them.

A spec names every upstream column it uses, with its type and whether the importer cannot
work without it. Reading checks the header first (a renamed or missing required column is an
error naming the column), then converts every cell, reporting file, line and column for the
first cell that does not fit.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from airace.errors import AiraceError

csv.field_size_limit(16 * 1024 * 1024)

# Upper bounds on what one import may read: a file, one zip member once uncompressed, and
# all members together. Real upstream files are a few MB; a zip bomb must not fill memory.
MAX_INPUT_BYTES = 1 << 30
MAX_MEMBER_BYTES = 256 << 20
MAX_ARCHIVE_BYTES = 1 << 30

# A number as upstream files write it: no underscores, no "inf"/"nan", no hex, no spaces.
NUMBER = re.compile(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?")


@dataclass(frozen=True)
class Column:
    """One upstream column and the catalog column it becomes."""

    source: str
    name: str
    type: str = "string"  # string | float | int | date | datetime | bool
    required: bool = True
    scale: float = 1.0  # multiply numbers by this (e.g. 100 for fractions -> percent)
    formats: tuple[str, ...] = ("%Y-%m-%d",)
    true_values: tuple[str, ...] = ("yes", "true", "1")
    false_values: tuple[str, ...] = ("no", "false", "0")
    low: float | None = None  # plausible range of the stored (scaled) value, when known
    high: float | None = None


@dataclass(frozen=True)
class CsvSpec:
    """The layout of one upstream CSV file."""

    name: str
    columns: tuple[Column, ...]
    encoding: str = "utf-8-sig"  # utf-8 with or without a byte-order mark
    delimiter: str = ","
    thousands: str | None = None
    keep_raw: bool = True
    extra: dict[str, Any] = field(default_factory=dict)

    def required(self) -> list[str]:
        return [c.source for c in self.columns if c.required]


def zip_members(archive: Any, wanted: Any, label: str) -> list[tuple[str, bytes]]:
    """(name, bytes) of the members of an open ``zipfile.ZipFile`` for which ``wanted(name)``
    is true, refusing members whose uncompressed size is over the limits (a zip bomb)."""
    total = 0
    out = []
    for info in archive.infolist():
        if info.is_dir() or not wanted(info.filename):
            continue
        if info.file_size > MAX_MEMBER_BYTES:
            raise AiraceError(
                f"zip member expands to {info.file_size / 1e6:,.0f} MB, over the "
                f"{MAX_MEMBER_BYTES / 1e6:,.0f} MB limit (not an upstream file?)",
                file=label,
                field=info.filename,
            )
        total += info.file_size
        if total > MAX_ARCHIVE_BYTES:
            raise AiraceError(
                f"zip members expand to over {MAX_ARCHIVE_BYTES / 1e6:,.0f} MB "
                "(not an upstream file?)",
                file=label,
            )
        out.append((info.filename, archive.read(info)))
    return out


def decode(data: bytes, encoding: str, label: str) -> str:
    """Bytes to text; a wrong encoding names the line where decoding failed."""
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise AiraceError(
            f"not {encoding} text ({exc.reason} at byte {exc.start}); "
            "is the file in another encoding?",
            file=label,
            row=f"line {line}",
        ) from None


def read_json(data: bytes, label: str) -> Any:
    """Parse a JSON upstream file; a malformed or truncated one names line and column.

    ``NaN``, ``Infinity`` and numbers too large for a float (``1e400``) are refused: JSON
    does not allow them and they would become non-finite data.
    """
    import json

    text = decode(data, "utf-8-sig", label)

    def constant(name: str) -> Any:
        raise ValueError(f"{name} is not a JSON number")

    def finite_float(token: str) -> float:
        number = float(token)
        if not math.isfinite(number):
            raise ValueError(f"{token[:40]} is out of range (not a finite number)")
        return number

    try:
        return json.loads(text, parse_constant=constant, parse_float=finite_float)
    except json.JSONDecodeError as exc:
        raise AiraceError(
            f"malformed JSON ({exc.msg}); the file may be truncated",
            file=label,
            row=f"line {exc.lineno}",
            field=f"column {exc.colno}",
        ) from None
    except ValueError as exc:
        raise AiraceError(f"malformed JSON: {exc}", file=label) from None
    except RecursionError:
        raise AiraceError("malformed JSON: nested too deeply", file=label) from None


def convert(col: Column, text: str, thousands: str | None = None) -> Any:
    """One cell to a typed value (None for an empty cell); ValueError explains a bad cell."""
    value = text.strip()
    if value == "":
        return None
    if col.type == "string":
        return value
    if col.type in {"float", "int"}:
        return _number(col, value, text, thousands)
    if col.type in {"date", "datetime"}:
        for fmt in col.formats:
            try:
                parsed = dt.datetime.strptime(value, fmt)
            except ValueError:
                continue
            return parsed.date() if col.type == "date" else parsed
        raise ValueError(f"{text!r} is not a date in the format {' or '.join(col.formats)}")
    if col.type == "bool":
        lowered = value.lower()
        if lowered in col.true_values:
            return True
        if lowered in col.false_values:
            return False
        raise ValueError(f"{text!r} is not one of {', '.join(col.true_values + col.false_values)}")
    raise AssertionError(f"unknown column type {col.type}")


def _number(col: Column, value: str, text: str, thousands: str | None) -> float | int:
    """A strictly formatted, finite number in the column's plausible range."""
    if thousands:
        value = value.replace(thousands, "")
    if not NUMBER.fullmatch(value):
        raise ValueError(f"{text!r} is not a number")
    number = float(value) * col.scale
    if not math.isfinite(number):
        raise ValueError(f"{text!r} is out of range (not a finite number)")
    if col.low is not None and number < col.low:
        raise ValueError(f"{text!r} is below the plausible minimum {col.low:g}")
    if col.high is not None and number > col.high:
        raise ValueError(f"{text!r} is above the plausible maximum {col.high:g}")
    if col.type == "int":
        if number != int(number):
            raise ValueError(f"{text!r} is not a whole number")
        return int(number)
    return number


def read_csv(spec: CsvSpec, data: bytes, label: str) -> tuple[list[dict[str, Any]], list[str]]:
    """Rows of an upstream CSV as dicts of typed values, plus the header.

    Each row has ``_line`` (the physical line it starts on) and, when the spec keeps it,
    ``_raw`` (the upstream cells by upstream column name).
    """
    text = decode(data, spec.encoding, label)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=spec.delimiter, strict=True)
    try:
        header = next(reader)
    except StopIteration:
        raise AiraceError("the file is empty (no header row)", file=label) from None
    except csv.Error as exc:
        raise AiraceError(f"malformed CSV header: {exc}", file=label, row="line 1") from None
    check_header(spec, header, label)
    index = {name: i for i, name in enumerate(header)}
    rows: list[dict[str, Any]] = []
    line = 2
    for record in _records(reader, label):
        start = line
        line = reader.line_num + 1
        if not any(cell.strip() for cell in record):
            continue
        if len(record) != len(header):
            raise AiraceError(
                f"has {len(record)} cells, the header has {len(header)} "
                "(truncated or malformed file?)",
                file=label,
                row=f"line {start}",
            )
        row: dict[str, Any] = {"_line": start}
        for col in spec.columns:
            if col.source not in index:
                row[col.name] = None
                continue
            try:
                row[col.name] = convert(col, record[index[col.source]], spec.thousands)
            except ValueError as exc:
                raise AiraceError(
                    str(exc), file=label, row=f"line {start}", field=col.source
                ) from None
        if spec.keep_raw:
            row["_raw"] = {h: record[i] for i, h in enumerate(header) if record[i] != ""}
        rows.append(row)
    return rows, header


def _records(reader: Any, label: str) -> Iterator[list[str]]:
    while True:
        try:
            record = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise AiraceError(
                f"malformed CSV ({exc}); the file may be truncated",
                file=label,
                row=f"line {reader.line_num}",
            ) from None
        yield record


def check_header(spec: CsvSpec, header: list[str], label: str) -> None:
    """Every required upstream column must be there, by its exact name, and only once
    (with a repeated name it is unclear which column is meant)."""
    seen: set[str] = set()
    for i, name in enumerate(header, start=1):
        if name.strip() and name in seen:
            raise AiraceError(
                f"column name {name!r} appears more than once (column {i}); which one is "
                "meant is ambiguous",
                file=label,
                row="line 1",
                field=name,
            )
        seen.add(name)
    present = set(header)
    missing = [name for name in spec.required() if name not in present]
    if missing:
        near = _near(missing[0], header)
        raise AiraceError(
            f"upstream column {missing[0]!r} is missing{near}; the {spec.name} layout "
            f"needs: {', '.join(spec.required())}",
            file=label,
            row="line 1",
            field=missing[0],
        )


def _near(name: str, header: list[str]) -> str:
    import difflib

    close = difflib.get_close_matches(name, header, n=1, cutoff=0.6)
    return f" (renamed to {close[0]!r}?)" if close else ""
