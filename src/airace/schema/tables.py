"""Curated tables: a CSV file plus a YAML sidecar, read into typed rows.

Reading is strict and never half-done: every cell is parsed against the field dictionary
and each problem is reported with table, row and field, so `airace data validate` can list
them all and the catalog builder can refuse to build from a broken copy.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from airace.errors import AiraceError
from airace.schema.dictionary import CellError, Field, data_dir, load_dictionary

PROVENANCE_COLUMNS = (
    "source_url",
    "source_title",
    "retrieved_date",
    "evidence_type",
    "confidence",
    "notes",
)

# Tables in build order (a table's foreign keys point at tables earlier in the list).
CURATED_TABLES = (
    "orgs",
    "releases",
    "coverage",
    "scores",
    "chips",
    "systems",
    "events",
    "field_sources",
    "model_aliases",
)


@dataclass(frozen=True)
class Problem:
    """One validation finding, located as precisely as the data allows."""

    table: str
    row: str | None
    field: str | None
    message: str
    check: str = "type"

    def line(self) -> str:
        parts = [self.table]
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.field is not None:
            parts.append(f"field {self.field!r}")
        return f"{', '.join(parts)}: {self.message}"


@dataclass
class TableMeta:
    name: str
    title: str
    description: str
    licence: str
    primary_key: tuple[str, ...]
    row_label: str | None
    columns: dict[str, bool]  # column name -> required
    foreign_keys: dict[str, str]
    path: Path
    csv_path: Path


@dataclass
class Table:
    meta: TableMeta
    rows: list[dict[str, Any]] = field(default_factory=list)
    lines: list[int] = field(default_factory=list)
    _indexes: dict[str, dict[Any, dict[str, Any]]] = field(default_factory=dict, repr=False)

    def index(self, key: str) -> dict[Any, dict[str, Any]]:
        """Rows by the value of one column, built on first use (for cross-table checks)."""
        if key not in self._indexes:
            self._indexes[key] = {row.get(key): row for row in self.rows}
        return self._indexes[key]

    @property
    def name(self) -> str:
        return self.meta.name

    def label(self, index: int) -> str:
        """How a row is named in messages: its id when it has one, always its line."""
        line = self.lines[index]
        key = self.meta.row_label
        value = self.rows[index].get(key) if key else None
        return f"{value} (line {line})" if value not in (None, "") else f"line {line}"


def load_meta(name: str, folder: Path | None = None) -> TableMeta:
    folder = folder or data_dir()
    path = folder / f"{name}.yaml"
    from airace.schema.yamlfile import read_yaml

    raw = read_yaml(path) or {}
    if not isinstance(raw, dict):
        from airace.errors import AiraceError

        raise AiraceError("a table sidecar must be a YAML mapping", file=str(path))
    columns_raw = raw.get("columns") or {}
    columns = {str(col): (str(req) == "required") for col, req in columns_raw.items()}
    pk = tuple(raw.get("primary_key") or ())
    return TableMeta(
        name=name,
        title=str(raw.get("title", name)),
        description=str(raw.get("description", "")).strip(),
        licence=str(raw.get("licence", "")),
        primary_key=pk,
        row_label=raw.get("row_label") or (pk[0] if len(pk) == 1 else None),
        columns=columns,
        foreign_keys=dict(raw.get("foreign_keys") or {}),
        path=path,
        csv_path=folder / f"{name}.csv",
    )


def read_table(
    name: str,
    folder: Path | None = None,
    dictionary: dict[str, Field] | None = None,
    problems: list[Problem] | None = None,
) -> Table:
    """Read one curated table; type problems are appended to ``problems``.

    When ``problems`` is None the first problem is raised as an AiraceError instead.
    """
    dictionary = dictionary or load_dictionary()
    found: list[Problem] = [] if problems is None else problems
    try:
        meta = load_meta(name, folder)
    except AiraceError as exc:
        if problems is None:
            raise
        found.append(Problem(name, None, None, exc.line(), "sidecar"))
        return Table(
            meta=TableMeta(
                name, name, "", "", (), None, {}, {}, Path(exc.file or ""), Path(exc.file or "")
            )
        )
    start = len(found)
    table = Table(meta=meta)
    try:
        text = meta.csv_path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        text = None
        found.append(Problem(name, None, None, f"CSV file {meta.csv_path.name} is missing", "file"))
    except UnicodeDecodeError as exc:
        text = None
        found.append(
            Problem(
                name,
                None,
                None,
                f"{meta.csv_path.name} is not UTF-8 text ({exc.reason} at byte {exc.start})",
                "file",
            )
        )
    if text is None:
        if problems is None:
            raise AiraceError(found[start].message, file=str(meta.csv_path))
        return table
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except StopIteration:
        header = []
    expected = list(meta.columns)
    missing = [c for c in expected if c not in header]
    extra = [c for c in header if c not in meta.columns]
    for col in missing:
        found.append(Problem(name, None, col, "column is missing from the CSV header", "header"))
    for col in extra:
        found.append(Problem(name, None, col, "column is not declared in the sidecar", "header"))
    for col in expected:
        if col not in dictionary:
            found.append(
                Problem(name, None, col, "column is not in the field dictionary", "dictionary")
            )
    if len(found) > start:
        if problems is None:
            first = found[start]
            raise AiraceError(first.message, file=str(meta.csv_path), field=first.field)
        return table

    for record in reader:
        line = reader.line_num
        if not any(cell.strip() for cell in record):
            continue
        row_label = f"line {line}"
        if len(record) != len(header):
            found.append(
                Problem(
                    name,
                    row_label,
                    None,
                    f"has {len(record)} cells, the header has {len(header)}",
                    "shape",
                )
            )
            continue
        raw = dict(zip(header, record, strict=True))
        label_key = meta.row_label
        if label_key and raw.get(label_key):
            row_label = f"{raw[label_key]} (line {line})"
        row: dict[str, Any] = {}
        for col, required in meta.columns.items():
            cell = raw[col]
            if cell == "":
                if required:
                    found.append(Problem(name, row_label, col, "is required but empty", "required"))
                row[col] = None
                continue
            try:
                row[col] = dictionary[col].parse(cell)
            except CellError as exc:
                found.append(Problem(name, row_label, col, str(exc), "type"))
                row[col] = None
        table.rows.append(row)
        table.lines.append(line)
        if problems is None and len(found) > start:
            first = found[start]
            raise AiraceError(
                first.message, file=str(meta.csv_path), row=first.row, field=first.field
            )
    return table


def read_all(folder: Path | None = None, problems: list[Problem] | None = None) -> dict[str, Table]:
    """Read every curated table present in ``folder``."""
    folder = folder or data_dir()
    dictionary = load_dictionary(folder / "fields.yaml")
    tables: dict[str, Table] = {}
    for name in CURATED_TABLES:
        if (folder / f"{name}.yaml").exists():
            tables[name] = read_table(name, folder, dictionary, problems)
    return tables
