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
INCONCLUSIVE = "inconclusive"
REPORTED = "reported, unconfirmed"
VERDICTS = (
    SUPPORTED,
    CONTRADICTED,
    DEPENDS,
    INCONCLUSIVE,
    REPORTED,
    INSUFFICIENT,
    PENDING,
    RESOLVED_TRUE,
    RESOLVED_FALSE,
)

# Figures whose interval is not stored as ``{field}_low`` / ``{field}_high``.
INTERVAL_FIELDS = {"trend_months_per_year": ("trend_low", "trend_high")}


@dataclass
class ExpectationResult:
    text: str
    status: str  # holds | fails | inconclusive | missing
    actual: Any
    expected: Any
    figures: dict[str, Any] = field(default_factory=dict)
    interval: tuple[float, float] | None = None  # the actual figure's interval, when judged on it


@dataclass
class ReadingOutcome:
    label: str
    params: dict[str, Any]
    status: str  # holds | fails | inconclusive | reported | missing
    checks: list[ExpectationResult]
    figures: dict[str, Any] = field(default_factory=dict)
    evidence: list[dict[str, Any]] = field(default_factory=list)
    sources: list[dict[str, Any]] = field(default_factory=list)
    error: str | None = None
    notes: list[str] = field(default_factory=list)  # caveats the reader must see


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


def interval_of(group: dict[str, Any], name: str) -> tuple[float, float] | None:
    """A figure's interval from its result: ``{name}_low``/``{name}_high`` (or INTERVAL_FIELDS)."""
    low_name, high_name = INTERVAL_FIELDS.get(name, (f"{name}_low", f"{name}_high"))
    low, high = _number(group.get(low_name)), _number(group.get(high_name))
    if low is None or high is None or low == high:
        return None  # no interval, or one of zero width: judged as a point
    return (min(low, high), max(low, high))


def judge_interval(
    low: float,
    high: float,
    op: str,
    target_low: float,
    target_high: float,
    tol: float = 0.0,
) -> str:
    """``holds`` when every value in [low, high] satisfies ``op`` against every value of the
    target [target_low, target_high] (a point when equal), ``fails`` when none does, and
    ``inconclusive`` when the interval admits both outcomes."""
    if op == "gt":
        ok, bad = low > target_high, high <= target_low
    elif op == "ge":
        ok, bad = low >= target_high, high < target_low
    elif op == "lt":
        ok, bad = high < target_low, low >= target_high
    elif op == "le":
        ok, bad = high <= target_low, low > target_high
    elif op in ("eq", "approx", "between"):
        band_low, band_high = target_low - tol, target_high + tol
        ok = band_low <= low and high <= band_high
        bad = high < band_low or low > band_high
    else:
        raise TypeError(f"op {op!r} cannot be judged on an interval")
    return "holds" if ok else "fails" if bad else "inconclusive"


def _span(interval: tuple[float, float]) -> str:
    return f"{_fmt(interval[0])}..{_fmt(interval[1])}"


def check_expectation(values: dict[str | None, dict[str, Any]], exp: Any) -> ExpectationResult:
    """Evaluate one Expectation against an analysis result (``values[group][field]``).

    When the figure (or the value it is compared with) carries an interval, the expectation
    is judged on the interval, never on the point estimate: it holds only if the whole
    interval satisfies it, fails if none of it does, and is ``inconclusive`` otherwise.
    """
    where = f"{exp.group}." if exp.group else ""
    name = exp.label or f"{where}{exp.field}"
    subject = f"{where}{exp.field}"
    group_values = values.get(exp.group, {})
    actual = group_values.get(exp.field)
    expected: Any = exp.value
    figures: dict[str, Any] = {}
    other_name = None
    other_interval = None
    if exp.other is not None:
        group = exp.other.group if exp.other.group is not None else exp.group
        other_field = exp.other.field or exp.field
        other = values.get(group, {}).get(other_field)
        other_name = f"{group}.{other_field}" if group else other_field
        if _number(other) is None:
            return ExpectationResult(f"{name}: no value for {other_name}", "missing", actual, None)
        expected = float(_number(other) or 0.0) * exp.other.factor
        figures[other_name] = other
        found = interval_of(values.get(group, {}), other_field)
        if found:
            factor = exp.other.factor
            other_interval = (
                min(found[0] * factor, found[1] * factor),
                max(found[0] * factor, found[1] * factor),
            )
    if actual is None or (isinstance(actual, float) and math.isnan(actual)):
        return ExpectationResult(
            f"{name}: unavailable (figure unpublished or no data)",
            "missing",
            None,
            expected,
            {subject: None, **figures},
        )
    figures = {(subject if other_name else name): actual, **figures}
    tol = 0.0
    if exp.op == "between":
        target = f"between {_fmt(exp.low)} and {_fmt(exp.high)}"
    elif exp.op == "approx" or (exp.op == "eq" and (exp.rel_tol or exp.abs_tol)):
        tol = max(exp.abs_tol, exp.rel_tol * abs(_number(expected) or 0))
        target = f"~{_fmt(expected)} (±{_fmt(tol)})"
    else:
        symbol = {"eq": "=", "lt": "<", "le": "<=", "gt": ">", "ge": ">=", "contains": "contains"}[
            exp.op
        ]
        target = f"{symbol} {_fmt(expected)}"
    interval = interval_of(group_values, exp.field) if _number(actual) is not None else None
    if (
        (interval or other_interval)
        and exp.op != "contains"
        and (exp.op == "between" or _number(expected) is not None)
    ):
        return _interval_result(
            exp,
            name,
            subject,
            actual,
            expected,
            target,
            tol,
            interval,
            other_name,
            other_interval,
            figures,
        )
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


WORDS = {
    "holds": "the whole interval satisfies the claim",
    "fails": "no value in the interval satisfies the claim",
    "inconclusive": "the interval admits both outcomes: inconclusive",
}


def _interval_result(
    exp: Any,
    name: str,
    subject: str,
    actual: Any,
    expected: Any,
    target: str,
    tol: float,
    interval: tuple[float, float] | None,
    other_name: str | None,
    other_interval: tuple[float, float] | None,
    figures: dict[str, Any],
) -> ExpectationResult:
    point = float(_number(actual) or 0.0)
    low, high = interval or (point, point)
    if exp.op == "between":
        t_low, t_high = float(exp.low), float(exp.high)
    else:
        value = float(_number(expected) or 0.0)
        t_low, t_high = other_interval or (value, value)
    status = judge_interval(low, high, exp.op, t_low, t_high, tol)
    shown = f"{_fmt(actual)} (interval {_span((low, high))})" if interval else _fmt(actual)
    if interval:
        figures[f"{name} interval"] = [low, high]
    if other_name:
        other_shown = _fmt(expected) + (
            f" (interval {_span(other_interval)})" if other_interval else ""
        )
        text = f"{name}: {subject} = {shown}, {other_name} = {other_shown}; {WORDS[status]}"
    else:
        text = f"{name} = {shown}, claim {target}; {WORDS[status]}"
    return ExpectationResult(text, status, actual, expected, figures, (low, high))


def reading_status(checks: Sequence[ExpectationResult]) -> str:
    """fails if any check fails; else missing, inconclusive, or holds."""
    statuses = {c.status for c in checks}
    for status in ("fails", "missing", "inconclusive"):
        if status in statuses:
            return status
    return "holds"


def _labels(outcomes: Sequence[ReadingOutcome]) -> str:
    return ", ".join(o.label for o in outcomes)


def combine(outcomes: Sequence[ReadingOutcome]) -> tuple[str, str]:
    """Verdict and one-line reason from the outcomes of a claim's readings.

    supported / contradicted: every reading with data holds / fails; depends on definition:
    some hold and some fail; inconclusive: some reading's interval admits both outcomes and
    the decided readings (if any) all agree; reported, unconfirmed: an event claim whose
    matching rows are reports, not confirmed (no reading fails).
    """
    reported = [o for o in outcomes if o.status == "reported"]
    holds = [o for o in outcomes if o.status == "holds"]
    fails = [o for o in outcomes if o.status == "fails"]
    unsure = [o for o in outcomes if o.status == "inconclusive"]
    missing = [o for o in outcomes if o.status == "missing"]
    lacking = f" ({len(missing)} reading(s) lack data: {_labels(missing)})" if missing else ""
    unsure_text = f"; inconclusive under {_labels(unsure)}" if unsure else ""
    if reported and not (fails or unsure):
        one = reported[0]
        confirmed = f"; confirmed under {_labels(holds)}" if holds else ""
        return REPORTED, (
            f"{'; '.join(c.text for c in one.checks)} (reported, not confirmed, under "
            f"{_labels(reported)}){confirmed}{lacking}"
        )
    holds = holds + reported  # a report weighs against a failure as a hold would
    if holds and fails:
        return DEPENDS, (
            f"holds under {_labels(holds)}; fails under {_labels(fails)}{unsure_text}{lacking}"
        )
    if unsure:
        first = unsure[0]
        detail = "; ".join(c.text for c in first.checks if c.status == "inconclusive")
        decided = (
            f"; holds under {_labels(holds)}"
            if holds
            else f"; fails under {_labels(fails)}"
            if fails
            else ""
        )
        scope = f"inconclusive under {_labels(unsure)}; " if len(outcomes) > 1 else ""
        return INCONCLUSIVE, f"{scope}{first.label}: {detail}{decided}{lacking}"
    if holds:
        one = holds[0]
        return SUPPORTED, f"{'; '.join(c.text for c in one.checks)}{lacking}"
    if fails:
        extra = f" ({len(missing)} reading(s) lack data)" if missing else ""
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
    covered_through: dt.date | None = None,
) -> PredictionOutcome:
    """Resolve a prediction from the rows that match its criterion.

    Only rows dated on or after ``made_on`` and on or before ``as_of`` are visible. A row
    on or before ``resolve_by`` resolves it true; none by ``resolve_by`` (once ``as_of`` has
    passed it) resolves it false, unless the table's coverage (``covered_through``: the last
    date the table is known to be complete for) ends before the deadline, when the absence
    of a row says nothing and the verdict is insufficient data; otherwise it is pending.
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
    if as_of >= resolve_by and covered_through is not None and covered_through < resolve_by:
        return PredictionOutcome(
            INSUFFICIENT,
            f"nothing matching in the data, but it covers only up to {covered_through}, "
            f"before the deadline {resolve_by}",
            None,
            late,
        )
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
