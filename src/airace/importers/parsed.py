"""What a parser hands to the import machinery: normalised rows per catalog table."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Parsed:
    """The result of parsing one upstream file (or folder)."""

    kind: str
    variant: str  # the source name analyses use, e.g. epoch-notable, lmarena
    rows: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    upstream_rows: int = 0
    notes: list[str] = field(default_factory=list)

    def add(self, table: str, row: dict[str, Any]) -> None:
        self.rows.setdefault(table, []).append(row)

    def date_range(self) -> tuple[dt.date | None, dt.date | None]:
        dates = [
            r.get("release_date") or r.get("first_operational_date") or r.get("evaluated_date")
            for rows in self.rows.values()
            for r in rows
        ]
        found = [d for d in dates if isinstance(d, dt.date)]
        return (min(found), max(found)) if found else (None, None)


@dataclass(frozen=True)
class Publisher:
    """Who publishes a dataset, under which licence, and how to cite it."""

    producer: str
    title: str
    url: str
    licence: str
    citation: str
