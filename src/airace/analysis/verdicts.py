"""Verdicts: expectations checked against analysis results, readings combined, predictions
resolved, forecasters scored. Pure functions over plain values."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

SUPPORTED = "supported"
CONTRADICTED = "contradicted"
DEPENDS = "depends on definition"
INSUFFICIENT = "insufficient data"
PENDING = "pending"
RESOLVED_TRUE = "resolved true"
RESOLVED_FALSE = "resolved false"
VERDICTS = (SUPPORTED, CONTRADICTED, DEPENDS, INSUFFICIENT, PENDING, RESOLVED_TRUE, RESOLVED_FALSE)


@dataclass
class ExpectationResult:
    text: str
    status: str  # holds | fails | missing
    actual: Any
    expected: Any
    figures: dict[str, Any] = field(default_factory=dict)


@dataclass
class ReadingOutcome:
    label: str
    params: dict[str, Any]
    status: str  # holds | fails | missing
    checks: list[ExpectationResult]
    figures: dict[str, Any] = field(default_factory=dict)
    evidence: list[dict[str, Any]] = field(default_factory=list)
    sources: list[dict[str, Any]] = field(default_factory=list)
    error: str | None = None


def _number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)) and not (isinstance(value, float) and math.isnan(value)):
        return float(value)
    return None


def _fmt(value: Any) -> str:
    number = _number(value)
    if number is None:
        return str(value)
    if number != 0 and (abs(number) >= 1e6 or abs(number) < 1e-2):
        return f"{number:.3g}"
    return f"{number:,.2f}".rstrip("0").rstrip(".")


def compare(
    actual: Any,
    op: str,
    value: Any = None,
    low: float | None = None,
    high: float | None = None,
    rel_tol: float = 0.0,
    abs_tol: float = 0.0,
) -> bool:
    """Whether ``actual op value`` holds (tolerances apply to eq/approx)."""
    if op == "contains":
        return value in (actual or [])
    a, v = _number(actual), _number(value)
    if op == "eq" and (a is None or v is None):
        return bool(actual == value)
    if a is None:
        raise TypeError(f"{actual!r} is not a number")
    if op == "between":
        assert low is not None and high is not None
        return low <= a <= high
    if v is None:
        raise TypeError(f"{value!r} is not a number")
    if op in ("eq", "approx"):
        return abs(a - v) <= max(abs_tol, rel_tol * abs(v))
    return {"lt": a < v, "le": a <= v, "gt": a > v, "ge": a >= v}[op]


def check_expectation(values: dict[str | None, dict[str, Any]], exp: Any) -> ExpectationResult:
    """Evaluate one Expectation against an analysis result (``values[group][field]``)."""
    where = f"{exp.group}." if exp.group else ""
    name = exp.label or f"{where}{exp.field}"
    subject = f"{where}{exp.field}"
    actual = values.get(exp.group, {}).get(exp.field)
    expected: Any = exp.value
    figures: dict[str, Any] = {}
    other_name = None
    if exp.other is not None:
        group = exp.other.group if exp.other.group is not None else exp.group
        other_field = exp.other.field or exp.field
        other = values.get(group, {}).get(other_field)
        other_name = f"{group}.{other_field}" if group else other_field
        if _number(other) is None:
            return ExpectationResult(f"{name}: no value for {other_name}", "missing", actual, None)
        expected = float(_number(other) or 0.0) * exp.other.factor
        figures[other_name] = other
    if actual is None or (isinstance(actual, float) and math.isnan(actual)):
        return ExpectationResult(
            f"{name}: unavailable (figure unpublished or no data)",
            "missing",
            None,
            expected,
            {subject: None, **figures},
        )
    figures = {(subject if other_name else name): actual, **figures}
    if exp.op == "between":
        target = f"between {_fmt(exp.low)} and {_fmt(exp.high)}"
    elif exp.op == "approx":
        tol = max(exp.abs_tol, exp.rel_tol * abs(_number(expected) or 0))
        target = f"~{_fmt(expected)} (±{_fmt(tol)})"
    else:
        symbol = {"eq": "=", "lt": "<", "le": "<=", "gt": ">", "ge": ">=", "contains": "contains"}[
            exp.op
        ]
        target = f"{symbol} {_fmt(expected)}"
    try:
        ok = compare(actual, exp.op, expected, exp.low, exp.high, exp.rel_tol, exp.abs_tol)
    except TypeError as exc:
        return ExpectationResult(f"{name}: {exc}", "missing", actual, expected, figures)
    if other_name:
        text = (
            f"{name}: {subject} = {_fmt(actual)}, {other_name} = {_fmt(expected)}"
            f" ({'holds' if ok else 'does not hold'})"
        )
    else:
        text = f"{name} = {_fmt(actual)}, claim {target}"
    return ExpectationResult(text, "holds" if ok else "fails", actual, expected, figures)


def reading_status(checks: Sequence[ExpectationResult]) -> str:
    statuses = {c.status for c in checks}
    if "fails" in statuses:
        return "fails"
    if "missing" in statuses:
        return "missing"
    return "holds"


def combine(outcomes: Sequence[ReadingOutcome]) -> tuple[str, str]:
    """Verdict and one-line reason from the outcomes of a claim's readings."""
    holds = [o for o in outcomes if o.status == "holds"]
    fails = [o for o in outcomes if o.status == "fails"]
    missing = [o for o in outcomes if o.status == "missing"]
    if holds and fails:
        return DEPENDS, (
            f"holds under {', '.join(o.label for o in holds)}; fails under "
            f"{', '.join(o.label for o in fails)}"
        )
    if holds:
        extra = (
            (f" ({len(missing)} reading(s) lack data: {', '.join(o.label for o in missing)})")
            if missing
            else ""
        )
        one = holds[0]
        return SUPPORTED, f"{'; '.join(c.text for c in one.checks)}{extra}"
    if fails:
        extra = (f" ({len(missing)} reading(s) lack data)") if missing else ""
        one = fails[0]
        failing = [c.text for c in one.checks if c.status == "fails"]
        scope = (
            f"fails under all {len(fails)} readings; {one.label}" if len(fails) > 1 else one.label
        )
        return CONTRADICTED, f"{scope}: {'; '.join(failing)}{extra}"
    reasons = "; ".join(
        o.error or "; ".join(c.text for c in o.checks if c.status == "missing") for o in missing
    )
    return INSUFFICIENT, reasons or "no reading could be evaluated"


@dataclass
class PredictionOutcome:
    verdict: str
    reason: str
    resolving_row: dict[str, Any] | None
    late_row: dict[str, Any] | None


def resolve(
    rows: Sequence[dict[str, Any]],
    date_field: str,
    made_on: dt.date,
    resolve_by: dt.date,
    as_of: dt.date,
) -> PredictionOutcome:
    """Resolve a prediction from the rows that match its criterion.

    Only rows dated on or after ``made_on`` and on or before ``as_of`` are visible. A row
    on or before ``resolve_by`` resolves it true; none by ``resolve_by`` (once ``as_of`` has
    passed it) resolves it false; otherwise it is pending.
    """
    visible = sorted(
        (r for r in rows if r.get(date_field) is not None and made_on <= r[date_field] <= as_of),
        key=lambda r: r[date_field],
    )
    on_time = [r for r in visible if r[date_field] <= resolve_by]
    if on_time:
        row = on_time[0]
        return PredictionOutcome(
            RESOLVED_TRUE, f"happened on {row[date_field]} (deadline {resolve_by})", row, None
        )
    late = visible[0] if visible else None
    if as_of >= resolve_by:
        detail = (
            f"; it happened later, on {late[date_field]} "
            f"({(late[date_field] - resolve_by).days} days after the deadline)"
            if late
            else ""
        )
        return PredictionOutcome(
            RESOLVED_FALSE, f"nothing matching by {resolve_by}{detail}", None, late
        )
    return PredictionOutcome(
        PENDING, f"nothing matching yet; resolves by {resolve_by} (as of {as_of})", None, None
    )


def brier(pairs: Sequence[tuple[float, bool]]) -> float | None:
    """Mean squared error of stated probabilities against outcomes (lower is better)."""
    if not pairs:
        return None
    return sum((p - (1.0 if y else 0.0)) ** 2 for p, y in pairs) / len(pairs)
