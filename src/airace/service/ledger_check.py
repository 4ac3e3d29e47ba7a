"""Checking a loaded ledger's references against the catalog before any verdict is given.

The ledger schema (``schema/ledger.py``) checks shapes; this module checks meaning: that
labs, chips, metrics, rules, columns, windows, dates and numbers a claim names exist or are
valid. A misspelt lab must be an error from ``claims validate`` and ``claims check``, not an
"insufficient data" or "contradicted" verdict made in airace's name.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from airace.errors import AiraceError, suggest

if TYPE_CHECKING:
    from airace.schema.ledger import Claim, Ledger
    from airace.service.data import Data

# Parameters each analysis reads (``as_of`` is added to every reading by the engine). An
# analysis not listed here gets its values checked but not its parameter names.
PARAMS: dict[str, set[str]] = {
    "cadence": {"as_of", "since", "window", "labs", "by", "rule", "countries"},
    "gap": {"as_of", "metric", "groups", "source", "tie", "setting"},
    "gap_stats": {
        "as_of",
        "since",
        "until",
        "metric",
        "groups",
        "source",
        "tie",
        "setting",
        "bootstrap",
        "seed",
    },
    "model_scores": {"as_of", "lab", "models", "metric", "source", "setting"},
    "hardware_compare": {"as_of", "base", "other", "precision", "sparse", "basis", "power_basis"},
    "budget": {"as_of", "usd", "chip", "price_usd", "utilization", "days", "precision", "runs"},
    "releases": {"as_of", "where", "since"},
    "events": {"as_of", "where", "text", "any_text", "since", "until"},
    "compute_share": {"as_of", "all_rows"},
    "classify": {"as_of", "chip"},
    "efficiency": {"as_of", "metric", "groups", "source", "levels", "setting", "min_with_compute"},
    "scenario": {"as_of", "scenario", "paths", "seed"},
}
WHERE_TABLE = {"releases": "releases", "events": "events"}


class _Refs:
    """What the catalog knows, loaded lazily; a provider without a table skips its checks."""

    def __init__(self, data: Data) -> None:
        self.data = data
        self._cache: dict[str, Any] = {}

    def _get(self, key: str, load: Callable[[], Any]) -> Any:
        if key not in self._cache:
            try:
                self._cache[key] = load()
            except Exception:  # a test provider without this table: nothing to check against
                self._cache[key] = None
        return self._cache[key]

    def orgs(self) -> Any:
        return self._get("orgs", self.data.orgs)

    def countries(self) -> set[str] | None:
        orgs = self.orgs()
        if orgs is None or "country" not in orgs:
            return None
        return {str(c) for c in orgs["country"].dropna()}

    def units(self) -> set[str] | None:
        units = self._get("units", self.data.units)
        return set(units) if units is not None else None

    def metrics(self) -> set[str] | None:
        def load() -> set[str]:
            from airace.importers.epoch import BENCHMARK_SCORES, metric_name

            known = {metric_name(stem) for stem in BENCHMARK_SCORES} | {"eci"}
            scores = self.data.table("scores")
            if "benchmark_id" in scores:
                known |= {str(m) for m in scores["benchmark_id"].dropna()}
            return known

        known: set[str] | None = self._get("metrics", load)
        return known

    def columns(self, table: str) -> set[str] | None:
        def load() -> set[str]:
            frame = self.data.releases() if table == "releases" else self.data.events()
            return {str(c) for c in frame.columns}

        found: set[str] | None = self._get(f"columns:{table}", load)
        return found


class _Claim:
    """Raises errors that name the ledger file, the claim and the field."""

    def __init__(self, ledger: Ledger, claim: Claim) -> None:
        self.file = ledger.path or ledger.document.id
        self.row = f"claim {claim.id}"

    def fail(self, field: str, message: str) -> AiraceError:
        return AiraceError(message, file=self.file, row=self.row, field=field)


def check_ledger_refs(ledger: Ledger, data: Data) -> None:
    """Raise an AiraceError for the first reference in ``ledger`` the catalog cannot resolve.

    Checked: parameter names per analysis; labs, countries, chips and systems, metrics,
    counting rules, score sources, settings, windows and dates; numbers finite and in range;
    ``where`` columns of releases and events; expectation bounds finite.
    """
    refs = _Refs(data)
    for claim in ledger.claims:
        at = _Claim(ledger, claim)
        if claim.check is not None:
            analysis = claim.check.analysis
            base = claim.check.params
            _check_params(analysis, base, "check.params", refs, at)
            for i, reading in enumerate(claim.check.readings):
                merged = {**base, **reading.params}
                prefix = f"check.readings[{i}].params"
                for name in reading.params:
                    _check_param(analysis, name, merged[name], f"{prefix}.{name}", refs, at)
                _check_names(analysis, reading.params, prefix, at)
                for j, expect in enumerate(reading.expect or []):
                    _check_expectation(expect, f"check.readings[{i}].expect[{j}]", at)
            for j, expect in enumerate(claim.check.expect):
                _check_expectation(expect, f"check.expect[{j}]", at)
        if claim.resolution is not None:
            _check_where(
                claim.resolution.table, claim.resolution.where, "resolution.where", refs, at
            )


def _check_params(
    analysis: str, params: dict[str, Any], prefix: str, refs: _Refs, at: _Claim
) -> None:
    _check_names(analysis, params, prefix, at)
    for name, value in params.items():
        _check_param(analysis, name, value, f"{prefix}.{name}", refs, at)


def _check_names(analysis: str, params: dict[str, Any], prefix: str, at: _Claim) -> None:
    allowed = PARAMS.get(analysis)
    if allowed is None:
        return
    for name in params:
        if not isinstance(name, str) or name not in allowed:
            raise at.fail(
                f"{prefix}.{name}",
                f"{analysis} has no parameter {name!r}{suggest(str(name), sorted(allowed))}; "
                f"parameters: {', '.join(sorted(allowed))}",
            )


def _check_param(analysis: str, name: str, value: Any, field: str, refs: _Refs, at: _Claim) -> None:
    _check_finite(value, field, at)
    check = _CHECKS.get(name)
    if check is not None:
        check(value, field, refs, at, analysis)


def _check_finite(value: Any, field: str, at: _Claim) -> None:
    if isinstance(value, float) and not math.isfinite(value):
        raise at.fail(field, f"{value!r} is not a finite number")
    if isinstance(value, dict):
        for key, item in value.items():
            _check_finite(item, f"{field}.{key}", at)
    elif isinstance(value, list):
        for i, item in enumerate(value):
            _check_finite(item, f"{field}[{i}]", at)


def _check_expectation(expect: Any, field: str, at: _Claim) -> None:
    for name in ("value", "low", "high", "rel_tol", "abs_tol"):
        _check_finite(getattr(expect, name, None), f"{field}.{name}", at)


# ---- one check per parameter name -------------------------------------------------------


def _number(
    value: Any, field: str, at: _Claim, *, low: float, high: float, integer: bool = False
) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise at.fail(field, f"{value!r} is not a number")
    if integer and not isinstance(value, int):
        raise at.fail(field, f"{value!r} is not a whole number")
    if not math.isfinite(value) or not low <= value <= high:
        raise at.fail(field, f"{value!r} is outside {low:g} .. {high:g}")
    return float(value)


def _strings(value: Any, field: str, at: _Claim) -> list[str]:
    """A list of names (or one comma-separated string, as the CLI takes them)."""
    if isinstance(value, str):
        return [v.strip() for v in value.split(",") if v.strip()]
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return value
    raise at.fail(field, f"{value!r} is not a list of names")


def _one_of(value: Any, known: Iterable[str], field: str, at: _Claim, what: str) -> None:
    options = sorted(known)
    if not isinstance(value, str) or value not in options:
        raise at.fail(
            field,
            f"unknown {what} {value!r}{suggest(str(value), options)}; known: "
            f"{', '.join(options[:20])}{' ...' if len(options) > 20 else ''}",
        )


def _date(value: Any, field: str, refs: _Refs, at: _Claim, analysis: str) -> None:
    if isinstance(value, dt.date):
        return
    from airace.schema.periods import user_date

    if not isinstance(value, str):
        raise at.fail(field, f"{value!r} is not a date (YYYY-MM-DD)")
    try:
        user_date(value, field)
    except AiraceError:
        raise at.fail(field, f"{value!r} is not a date (YYYY-MM-DD)") from None


def _window(value: Any, field: str, refs: _Refs, at: _Claim, analysis: str) -> None:
    from airace.schema.periods import window_start

    if not isinstance(value, str):
        raise at.fail(field, f"{value!r} is not a window such as 14M, 90D, 6W or 2Y")
    try:
        window_start(dt.date(2000, 1, 1), value)
    except AiraceError as exc:
        raise at.fail(field, exc.message) from None


def _labs(value: Any, field: str, refs: _Refs, at: _Claim, analysis: str) -> None:
    names = _strings(value, field, at)
    if not names:
        raise at.fail(field, "an empty list of labs")
    orgs = refs.orgs()
    if orgs is None:
        return
    from airace.service.launches import resolve_labs

    for name in names:
        try:
            resolve_labs([name], orgs)
        except AiraceError as exc:
            raise at.fail(field, exc.message) from None


def _countries(value: Any, field: str, refs: _Refs, at: _Claim, analysis: str) -> None:
    names = _strings(value, field, at)
    known = refs.countries()
    if known is None:
        return
    for name in names:
        _one_of(name, known, field, at, "country")


def _rule(value: Any, field: str, refs: _Refs, at: _Claim, analysis: str) -> None:
    from airace.schema.rules import bundled_rules, resolve_rule

    if not isinstance(value, str):
        raise at.fail(field, f"{value!r} is not a rule name")
    if value in {r.name for r in bundled_rules()}:
        return
    try:
        resolve_rule(value)
    except AiraceError as exc:
        names = [r.name for r in bundled_rules()]
        message = exc.message if exc.file else f"unknown rule {value!r}{suggest(value, names)}"
        raise at.fail(field, f"{message}; bundled rules: {', '.join(names)}") from None


def _by(value: Any, field: str, refs: _Refs, at: _Claim, analysis: str) -> None:
    _one_of(value, ("lab", "country"), field, at, "grouping")


def _metric(value: Any, field: str, refs: _Refs, at: _Claim, analysis: str) -> None:
    if isinstance(value, str) and value.startswith("lmarena"):
        return
    known = refs.metrics()
    if known is not None:
        _one_of(value, known, field, at, "metric")


def _groups(value: Any, field: str, refs: _Refs, at: _Claim, analysis: str) -> None:
    from airace.service.points import parse_groups

    if not isinstance(value, str):
        raise at.fail(field, f"{value!r} is not a grouping such as country:US,CN")
    try:
        groups = parse_groups(value)
    except AiraceError as exc:
        raise at.fail(field, exc.message) from None
    if groups.kind == "country":
        _countries(groups.names, field, refs, at, analysis)
    elif groups.kind == "lab":
        _labs(groups.names, field, refs, at, analysis)


def _source(value: Any, field: str, refs: _Refs, at: _Claim, analysis: str) -> None:
    if value is None:
        return
    from airace.importers import registry

    _one_of(value, ["curated", *registry.SOURCES], field, at, "source")


def _setting(value: Any, field: str, refs: _Refs, at: _Claim, analysis: str) -> None:
    from airace.service.frontier import SETTINGS

    _one_of(value, SETTINGS, field, at, "setting")


def _unit(value: Any, field: str, refs: _Refs, at: _Claim, analysis: str) -> None:
    known = refs.units()
    if known is not None:
        _one_of(value, known, field, at, "chip or system")


def _precision(value: Any, field: str, refs: _Refs, at: _Claim, analysis: str) -> None:
    from airace.analysis.hardware import PRECISIONS

    _one_of(value, PRECISIONS, field, at, "precision")


def _basis(value: Any, field: str, refs: _Refs, at: _Claim, analysis: str) -> None:
    from airace.analysis.hardware import BASES

    _one_of(value, BASES, field, at, "basis")


def _power_basis(value: Any, field: str, refs: _Refs, at: _Claim, analysis: str) -> None:
    from airace.analysis.hardware import POWER_BASES

    _one_of(value, POWER_BASES, field, at, "power basis")


def _flag(value: Any, field: str, refs: _Refs, at: _Claim, analysis: str) -> None:
    if not isinstance(value, bool):
        raise at.fail(field, f"{value!r} is not true or false")


def _texts(value: Any, field: str, refs: _Refs, at: _Claim, analysis: str) -> None:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise at.fail(field, f"{value!r} is not a list of words")


def _where(value: Any, field: str, refs: _Refs, at: _Claim, analysis: str) -> None:
    _check_where(WHERE_TABLE.get(analysis, "releases"), value, field, refs, at)


def _check_where(table: str, where: Any, field: str, refs: _Refs, at: _Claim) -> None:
    if not isinstance(where, dict):
        raise at.fail(field, f"{where!r} is not a mapping of column: value")
    known = refs.columns(table)
    for column, wanted in where.items():
        if known is not None and column not in known:
            raise at.fail(
                f"{field}.{column}",
                f"{column!r} is not a {table} column{suggest(str(column), sorted(known))}",
            )
        values = wanted if isinstance(wanted, list) else [wanted]
        if not values:
            raise at.fail(f"{field}.{column}", "an empty list matches nothing")
        for item in values:
            if isinstance(item, (dict, list)):
                raise at.fail(f"{field}.{column}", f"{item!r} is not a single value")


def _range(
    low: float, high: float, integer: bool = False
) -> Callable[[Any, str, _Refs, _Claim, str], None]:
    def check(value: Any, field: str, refs: _Refs, at: _Claim, analysis: str) -> None:
        _number(value, field, at, low=low, high=high, integer=integer)

    return check


def _optional_price(value: Any, field: str, refs: _Refs, at: _Claim, analysis: str) -> None:
    if value is not None:
        _number(value, field, at, low=1e-9, high=1e9)


def _runs(value: Any, field: str, refs: _Refs, at: _Claim, analysis: str) -> None:
    if value is not None:
        _strings(value, field, at)


def _models(value: Any, field: str, refs: _Refs, at: _Claim, analysis: str) -> None:
    if not _strings(value, field, at):
        raise at.fail(field, "an empty list of models")


_CHECKS: dict[str, Callable[[Any, str, _Refs, _Claim, str], None]] = {
    "as_of": _date,
    "since": _date,
    "until": _date,
    "window": _window,
    "labs": _labs,
    "lab": _labs,
    "countries": _countries,
    "rule": _rule,
    "by": _by,
    "metric": _metric,
    "groups": _groups,
    "source": _source,
    "setting": _setting,
    "tie": _range(0, 1e6),
    "bootstrap": _range(1, 100_000, integer=True),
    "seed": _range(0, 2**32 - 1, integer=True),
    "base": _unit,
    "other": _unit,
    "chip": _unit,
    "precision": _precision,
    "basis": _basis,
    "power_basis": _power_basis,
    "sparse": _flag,
    "all_rows": _flag,
    "usd": _range(1, 1e15),
    "price_usd": _optional_price,
    "utilization": _range(1e-6, 1),
    "days": _range(1e-3, 36_500),
    "runs": _runs,
    "models": _models,
    "where": _where,
    "text": _texts,
    "any_text": _texts,
}
