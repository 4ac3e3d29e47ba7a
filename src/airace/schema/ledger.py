"""Claims and predictions ledgers: the YAML format and its schema.

A ledger is one document (title, author, publisher, date, URL) holding claims. Each claim
quotes the text, says what kind of statement it is, and either names an airace analysis
with its parameters and the expected outcome (``check``) or, for a prediction, how it
resolves (``resolution``). Ambiguous claims list several ``readings`` (parameter sets) so
the verdict can show under which definitions the claim holds.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from airace.errors import AiraceError
from airace.schema.dictionary import check_slug, data_dir
from airace.schema.yamlfile import parse_model, read_yaml

Kind = Literal["count", "ratio", "quantity", "trend", "comparison", "event", "prediction"]
Analysis = Literal[
    "cadence",
    "gap",
    "gap_stats",
    "hardware_compare",
    "budget",
    "releases",
    "events",
    "compute_share",
    "classify",
    "model_scores",
    "efficiency",
    "scenario",
]
KINDS = get_args(Kind)
ANALYSES = get_args(Analysis)
OPS = ("eq", "approx", "lt", "le", "gt", "ge", "between", "contains")


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class OtherValue(Strict):
    """Compare with another result value instead of a constant (e.g. another lab's count)."""

    group: str | None = None
    field: str | None = None
    factor: float = 1.0


class Expectation(Strict):
    """One condition on an analysis result: ``field`` (of ``group``) ``op`` ``value``."""

    field: str
    group: str | None = None
    op: Literal["eq", "approx", "lt", "le", "gt", "ge", "between", "contains"]
    value: Any = None
    low: float | None = None
    high: float | None = None
    rel_tol: float = Field(default=0.0, ge=0)
    abs_tol: float = Field(default=0.0, ge=0)
    other: OtherValue | None = None
    label: str | None = None

    @model_validator(mode="after")
    def _operands(self) -> Expectation:
        if self.op == "between":
            if self.low is None or self.high is None:
                raise ValueError("op 'between' needs low and high")
        elif self.value is None and self.other is None:
            raise ValueError(f"op {self.op!r} needs a value or an 'other'")
        return self


class Reading(Strict):
    """One plausible interpretation of an ambiguous claim: a label and parameter overrides."""

    label: str
    params: dict[str, Any] = Field(default_factory=dict)
    expect: list[Expectation] | None = None


class Check(Strict):
    analysis: Analysis
    params: dict[str, Any] = Field(default_factory=dict)
    expect: list[Expectation] = Field(default_factory=list)
    readings: list[Reading] = Field(default_factory=list)

    @model_validator(mode="after")
    def _has_expectations(self) -> Check:
        if not self.expect and not all(r.expect for r in self.readings or [Reading(label="")]):
            raise ValueError("a check needs 'expect' (or every reading its own 'expect')")
        return self


class Resolution(Strict):
    """How a prediction resolves: a row of ``table`` matching ``where`` (and ``text``) dated
    after ``made_on`` and on or before ``resolve_by``."""

    table: Literal["releases", "events"]
    where: dict[str, Any] = Field(default_factory=dict)
    not_before: dt.date | None = Field(
        default=None,
        description="rows before this date do "
        "not count (default: made_on), e.g. the start of a "
        "predicted quarter",
    )
    text: list[str] = Field(
        default_factory=list,
        description="all of these words must "
        "appear in title, summary or model name (case-insensitive)",
    )
    any_text: list[str] = Field(default_factory=list, description="at least one of these")


class ProbabilityFrom(Strict):
    """A prediction's probability taken from a compute-supply scenario's named event."""

    scenario: str
    event: str
    paths: int = Field(default=20_000, ge=100, le=1_000_000)
    seed: int = 0


class Claim(Strict):
    id: str
    quote: str
    kind: Kind
    summary: str | None = None
    speaker: str | None = None
    check: Check | None = None
    made_on: dt.date | None = None
    resolve_by: dt.date | None = None
    probability: float | None = Field(default=None, ge=0, le=1)
    probability_from: ProbabilityFrom | None = None
    resolution: Resolution | None = None
    notes: str | None = None

    _slug = field_validator("id")(check_slug)

    @model_validator(mode="after")
    def _shape(self) -> Claim:
        if self.kind == "prediction":
            missing = [
                n for n in ("made_on", "resolve_by", "resolution") if getattr(self, n) is None
            ]
            if missing:
                raise ValueError(f"a prediction needs {', '.join(missing)}")
            assert self.made_on and self.resolve_by
            if self.resolve_by < self.made_on:
                raise ValueError("resolve_by is before made_on")
            if self.probability is not None and self.probability_from is not None:
                raise ValueError("give probability or probability_from, not both")
        elif self.probability_from is not None:
            raise ValueError("probability_from applies to predictions only")
        elif self.check is None:
            raise ValueError("a claim that is not a prediction needs a 'check'")
        return self


class Document(Strict):
    id: str
    title: str
    author: str | None = None
    publisher: str | None = None
    date: dt.date
    date_note: str | None = None
    url: str | None = None
    description: str | None = None


class Ledger(Strict):
    document: Document
    claims: list[Claim]
    path: str = ""


def load_ledger(path: Path) -> Ledger:
    """Read and validate a ledger; errors name the file, the claim id and the field."""
    raw = read_yaml(path)
    if not isinstance(raw, dict):
        raise AiraceError(
            "a ledger must be a YAML mapping with 'document' and 'claims'", file=str(path)
        )
    unknown = sorted(str(k) for k in set(raw) - {"document", "claims"})
    if unknown:
        raise AiraceError("unknown field", file=str(path), field=unknown[0])
    if "document" not in raw:
        raise AiraceError("required field is missing", file=str(path), field="document")
    document = parse_model(Document, raw["document"], path, row="document")
    claims_raw = raw.get("claims")
    if not isinstance(claims_raw, list) or not claims_raw:
        raise AiraceError("'claims' must be a non-empty list", file=str(path), field="claims")
    claims, seen = [], set()
    for i, item in enumerate(claims_raw):
        label = (item.get("id") if isinstance(item, dict) else None) or f"#{i + 1}"
        claim = parse_model(Claim, item, path, row=f"claim {label}")
        if claim.id in seen:
            raise AiraceError(
                "duplicate claim id", file=str(path), row=f"claim {claim.id}", field="id"
            )
        seen.add(claim.id)
        claims.append(claim)
    return Ledger(document=document, claims=claims, path=str(path))


def bundled_ledgers() -> list[Path]:
    return sorted((data_dir() / "ledgers").glob("*.yaml"))
