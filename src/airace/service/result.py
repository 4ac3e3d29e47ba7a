"""Typed results: what every service operation returns, and where its numbers come from.

A :class:`Source` is one dataset behind a result (a curated table or an imported snapshot),
with the licence and citation read from its sidecar, never written out in code. A
:class:`Result` carries the records, the sources, the parameters and definitions used, and
caveats, so every shell (CLI, report, web) can show the same provenance.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Source:
    """One dataset behind a result: a curated table or an imported snapshot."""

    producer: str
    title: str
    licence: str
    url: str | None = None
    citation: str | None = None
    retrieved: str | None = None  # accessed date (snapshot) or newest retrieved_date (curated)
    snapshot_id: str | None = None
    sha256: str | None = None
    table: str | None = None
    rows: int | None = None
    pages: tuple[str, ...] = ()  # per-row source pages of curated rows, sorted

    @property
    def name(self) -> str:
        return f"{self.producer}: {self.title}"

    def with_rows(self, rows: int, pages: tuple[str, ...] = ()) -> Source:
        """The same dataset, counted for the rows one result used."""
        from dataclasses import replace

        return replace(self, rows=rows, pages=tuple(sorted(set(pages))))

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "source": self.name,
            "producer": self.producer,
            "title": self.title,
            "licence": self.licence,
            "url": self.url,
            "citation": self.citation,
            "retrieved": self.retrieved,
            "snapshot_id": self.snapshot_id,
            "sha256": self.sha256,
            "table": self.table,
            "rows": self.rows,
        }
        if self.pages:
            out["pages"] = list(self.pages)
        return out

    def line(self) -> str:
        """One human line for table footers."""
        text = f"Source: {self.name}"
        if self.snapshot_id:
            text += f" (snapshot {self.snapshot_id})"
        text += f", licence {self.licence}"
        if self.rows is not None:
            text += f", {self.rows} rows"
        if self.citation:
            text += f". {self.citation}"
        if self.pages:
            text += f"; {len(self.pages)} source pages (use --format json to list them)"
        return text


def merge_sources(sources: list[Source]) -> list[Source]:
    """Distinct sources in first-seen order (same dataset and snapshot counted once)."""
    seen: dict[tuple[Any, ...], Source] = {}
    for src in sources:
        key = (src.producer, src.title, src.snapshot_id, src.table)
        if key in seen:
            old = seen[key]
            rows = (
                None
                if old.rows is None and src.rows is None
                else (max(old.rows or 0, src.rows or 0))
            )
            seen[key] = old.with_rows(rows or 0, old.pages + src.pages) if rows is not None else old
        else:
            seen[key] = src
    return list(seen.values())


@dataclass
class Result:
    """What a service operation returns.

    ``records`` is the result as a list of flat-ish dicts (one per row, or one for a single
    record); ``params`` are the parameters as resolved (dates, rule names, snapshot ids);
    ``definitions`` explain terms the numbers depend on (e.g. the counting rule);
    ``caveats`` are what a careful reader must know; ``summary`` holds totals over the
    records (shown in JSON); ``extra`` holds structured parts a shell may show (e.g. the
    evidence rows, the frontier points for a chart), never serialised.
    """

    operation: str
    records: list[dict[str, Any]]
    sources: list[Source] = field(default_factory=list)
    params: dict[str, Any] = field(default_factory=dict)
    definitions: dict[str, str] = field(default_factory=dict)
    caveats: list[str] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)
    summary: dict[str, Any] = field(default_factory=dict)

    @property
    def record(self) -> dict[str, Any]:
        """The single record of a one-record result."""
        if len(self.records) != 1:
            raise ValueError(f"{self.operation} has {len(self.records)} records, not one")
        return self.records[0]

    def to_frame(self) -> Any:
        """The records as a pandas DataFrame (the sources stay on the Result)."""
        import pandas as pd

        return pd.DataFrame.from_records(self.records)

    def envelope(self) -> dict[str, Any]:
        """The JSON form: data plus its provenance (values not yet made JSON-safe)."""
        return {
            "operation": self.operation,
            "params": self.params,
            "data": self.records,
            **({"summary": self.summary} if self.summary else {}),
            "sources": [s.to_dict() for s in self.sources],
            "definitions": self.definitions,
            "caveats": self.caveats,
        }


def jsonable(value: Any) -> Any:
    """Convert numpy/pandas/date values to plain JSON values (NaN and infinities become null)."""
    import datetime as dt
    import math

    if value is None or value.__class__.__name__ in {"NaTType", "NAType"}:
        return None
    if isinstance(value, Source):
        return value.to_dict()
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
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
