"""Scenario files: YAML, validated field by field with one clear error per mistake.

A mistake raises :class:`AiraceError` naming the file, the parameter (as the row) and the
field, e.g. ``scen.yaml, row parameter 'smuggled_units_per_year', field 'p95': p5 (300000)
is above p95 (10000)``. Files are limited to 1 MB and read with the bounded safe loader of
:mod:`airace.schema.yamlfile` (no alias bombs, no duplicate keys).
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from airace.errors import AiraceError
from airace.scenarios.distributions import (
    Discrete,
    Distribution,
    Fixed,
    SplitLognormal,
    Triangular,
    Uniform,
)
from airace.scenarios.model import PARAMETERS, PATHWAYS, UNITS
from airace.schema.yamlfile import load_bounded

MAX_BYTES = 1_000_000
BUNDLED_DIR = Path(__file__).resolve().parents[1] / "data" / "scenarios"
EVIDENCE = ("reported", "estimate", "derived", "assumption")
COUNTRIES = ("US", "CN", "CN/US")
LINES = ("owned", "rented", "total")
OPS = {">": "gt", ">=": "ge", "<": "lt", "<=": "le"}
TOP_KEYS = {
    "id",
    "title",
    "description",
    "reading",
    "start",
    "horizon",
    "chips",
    "parameters",
    "start_stock",
    "backtest",
    "events",
    "sensitivity_output",
}
DIST_FIELDS = {
    "lognormal": ("p5", "p50", "p95"),
    "uniform": ("low", "high"),
    "triangular": ("low", "mode", "high"),
    "fixed": ("value",),
    "discrete": ("branches",),
}
PARAM_KEYS = {
    "dist",
    "by_year",
    "unit",
    "evidence",
    "source",
    "note",
    "branches",
    *(f for fields in DIST_FIELDS.values() for f in fields),
}


@dataclass(frozen=True)
class Source:
    url: str
    title: str
    quote: str
    date: str


@dataclass
class Parameter:
    name: str
    kind: str
    by_year: dict[int, Distribution]  # year -> distribution (key 0: every year)
    evidence: str
    source: Source
    unit: str
    note: str = ""

    def at(self, year: int) -> Distribution:
        """The distribution for a year: the latest year given at or before it, else the first."""
        years = sorted(self.by_year)
        chosen = years[0]
        for y in years:
            if y <= year:
                chosen = y
        return self.by_year[chosen]

    @property
    def varies(self) -> bool:
        return any(not isinstance(d, Fixed) for d in self.by_year.values())


@dataclass
class StockComponent:
    label: str
    dist: Distribution
    chip_mix: dict[str, float]


@dataclass
class Event:
    id: str
    description: str
    country: str
    unit: str
    line: str
    op: str
    value: float
    date: dt.date
    mode: str  # "at" (on that date) or "by" (at any quarter end up to it)
    relative_to: dt.date | None = None  # compare value(date) / value(relative_to) instead


@dataclass
class Scenario:
    id: str
    title: str
    file: str
    start: dt.date
    horizon: dt.date
    parameters: dict[str, Parameter]
    chips: dict[str, dict[int, dict[str, float]]]
    start_stock: dict[str, list[StockComponent]]
    start_stock_source: Source | None
    backtest: list[dict[str, Any]]
    backtest_source: Source | None
    events: list[Event]
    sensitivity_output: dict[str, str]
    description: str = ""
    reading: str = ""
    raw: dict[str, Any] = field(default_factory=dict, repr=False)


def bundled_names() -> list[str]:
    return sorted(p.stem for p in BUNDLED_DIR.glob("*.yaml"))


def resolve(name_or_path: str | Path) -> Path:
    """A bundled scenario name (``baseline``) or a path to a YAML file."""
    text = str(name_or_path)
    path = Path(text).expanduser()
    if path.suffix in (".yaml", ".yml") or path.exists():
        if not path.exists():
            raise AiraceError("no such scenario file", file=text)
        return path
    bundled = BUNDLED_DIR / f"{text}.yaml"
    if bundled.exists():
        return bundled
    raise AiraceError(
        f"no bundled scenario {text!r} and no such file; bundled: {', '.join(bundled_names())}"
    )


def load(name_or_path: str | Path) -> Scenario:
    path = resolve(name_or_path)
    label = path.name if path.parent == BUNDLED_DIR else str(name_or_path)
    size = path.stat().st_size
    if size > MAX_BYTES:
        raise AiraceError(
            f"scenario file is {size:,} bytes; the limit is {MAX_BYTES:,}", file=label
        )
    try:
        data = load_bounded(
            path.read_text(encoding="utf-8"),
            label,
            loader_class=getattr(yaml, "CSafeLoader", yaml.SafeLoader),
        )
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        raise AiraceError(f"not valid YAML{where}", file=label) from None
    except UnicodeDecodeError:
        raise AiraceError("not UTF-8 text", file=label) from None
    return parse(data, label)


class _Ctx:
    def __init__(self, file: str) -> None:
        self.file = file

    def fail(self, message: str, row: str | None = None, fld: str | None = None) -> AiraceError:
        return AiraceError(message, file=self.file, row=row, field=fld)


def _number(ctx: _Ctx, value: Any, row: str, fld: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ctx.fail(f"expected a number, got {value!r}", row, fld)
    if not math.isfinite(float(value)):
        raise ctx.fail(f"expected a finite number, got {value!r}", row, fld)
    return float(value)


def _date(ctx: _Ctx, value: Any, row: str | None, fld: str) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise ctx.fail(f"expected a date YYYY-MM-DD, got {value!r}", row, fld) from None


def _fmt(x: float) -> str:
    return f"{x:g}" if abs(x) < 1e15 else f"{x:.6g}"


def _source(ctx: _Ctx, value: Any, row: str) -> Source:
    if value is None:
        raise ctx.fail("missing source (url, title, quote, date)", row, "source")
    if not isinstance(value, dict):
        raise ctx.fail("source must be a mapping with url, title, quote, date", row, "source")
    for key in ("url", "title", "quote", "date"):
        if value.get(key) in (None, ""):
            raise ctx.fail(f"source has no {key}", row, f"source.{key}")
    url = str(value["url"])
    if not url.startswith(("http://", "https://")):
        raise ctx.fail(f"source url must start with http(s)://, got {url!r}", row, "source.url")
    return Source(
        url=url,
        title=str(value["title"]),
        quote=str(value["quote"]).strip(),
        date=_date(ctx, value["date"], row, "source.date").isoformat(),
    )


def _distribution(
    ctx: _Ctx, kind: str, spec: dict[str, Any], row: str, year: int | None
) -> Distribution:
    when = f"in {year}: " if year else ""
    missing = [f for f in DIST_FIELDS[kind] if f not in spec]
    if missing:
        raise ctx.fail(
            f"{when}a {kind} distribution needs {', '.join(DIST_FIELDS[kind])}", row, missing[0]
        )
    if kind == "fixed":
        return Fixed(_number(ctx, spec["value"], row, "value"))
    if kind == "uniform":
        low, high = (_number(ctx, spec[f], row, f) for f in ("low", "high"))
        if low > high:
            raise ctx.fail(f"{when}low ({_fmt(low)}) is above high ({_fmt(high)})", row, "high")
        return Uniform(low, high)
    if kind == "triangular":
        low, mode, high = (_number(ctx, spec[f], row, f) for f in ("low", "mode", "high"))
        if low > high:
            raise ctx.fail(f"{when}low ({_fmt(low)}) is above high ({_fmt(high)})", row, "high")
        if not low <= mode <= high:
            raise ctx.fail(f"{when}mode ({_fmt(mode)}) is outside [low, high]", row, "mode")
        return Triangular(low, mode, high)
    if kind == "lognormal":
        p5, p50, p95 = (_number(ctx, spec[f], row, f) for f in ("p5", "p50", "p95"))
        if p5 > p95:
            raise ctx.fail(f"{when}p5 ({_fmt(p5)}) is above p95 ({_fmt(p95)})", row, "p95")
        if p5 > p50:
            raise ctx.fail(f"{when}p5 ({_fmt(p5)}) is above p50 ({_fmt(p50)})", row, "p50")
        if p50 > p95:
            raise ctx.fail(f"{when}p50 ({_fmt(p50)}) is above p95 ({_fmt(p95)})", row, "p95")
        if p5 <= 0:
            raise ctx.fail(f"{when}a lognormal needs p5 > 0, got {_fmt(p5)}", row, "p5")
        return SplitLognormal(p5, p50, p95)
    branches = spec["branches"]
    if not isinstance(branches, list) or not branches:
        raise ctx.fail(f"{when}branches must be a non-empty list", row, "branches")
    labels, probs, values = [], [], []
    for i, branch in enumerate(branches):
        if not isinstance(branch, dict) or not {"label", "p", "value"} <= set(branch):
            raise ctx.fail(f"{when}branch {i + 1} needs label, p and value", row, "branches")
        p = _number(ctx, branch["p"], row, "branches.p")
        if not 0 <= p <= 1:
            raise ctx.fail(
                f"{when}branch {branch['label']!r} has p {_fmt(p)}, outside [0, 1]",
                row,
                "branches.p",
            )
        labels.append(str(branch["label"]))
        probs.append(p)
        values.append(_number(ctx, branch["value"], row, "branches.value"))
    total = sum(probs)
    if abs(total - 1) > 1e-9:
        raise ctx.fail(f"{when}branch probabilities sum to {total:g}, not 1", row, "branches")
    return Discrete(tuple(labels), tuple(probs), tuple(values))


def _parameter(ctx: _Ctx, name: str, spec: Any) -> Parameter:
    row = f"parameter {name!r}"
    if name not in PARAMETERS:
        raise ctx.fail(f"unknown parameter; known: {', '.join(sorted(PARAMETERS))}", row, "name")
    if not isinstance(spec, dict):
        raise ctx.fail("a parameter must be a mapping", row)
    unknown = sorted(set(spec) - PARAM_KEYS)
    if unknown:
        raise ctx.fail(f"unknown field; allowed: {', '.join(sorted(PARAM_KEYS))}", row, unknown[0])
    kind = spec.get("dist")
    if kind not in DIST_FIELDS:
        raise ctx.fail(f"dist must be one of {', '.join(DIST_FIELDS)}, got {kind!r}", row, "dist")
    source = _source(ctx, spec.get("source"), row)
    evidence = spec.get("evidence")
    if evidence not in EVIDENCE:
        raise ctx.fail(
            f"evidence must be one of {', '.join(EVIDENCE)}, got {evidence!r}", row, "evidence"
        )
    if evidence == "assumption" and not spec.get("note"):
        raise ctx.fail("an assumption needs a note saying why the range was chosen", row, "note")
    by_year: dict[int, Distribution] = {}
    if "by_year" in spec:
        years = spec["by_year"]
        if not isinstance(years, dict) or not years:
            raise ctx.fail("by_year must map years to distribution fields", row, "by_year")
        for year, fields in years.items():
            if isinstance(year, bool) or not isinstance(year, int) or not 2000 <= year <= 2100:
                raise ctx.fail(f"by_year keys must be years, got {year!r}", row, "by_year")
            if not isinstance(fields, dict):
                raise ctx.fail(
                    f"by_year {year} must be a mapping of distribution fields", row, "by_year"
                )
            by_year[year] = _distribution(ctx, kind, fields, row, year)
    else:
        by_year[0] = _distribution(ctx, kind, spec, row, None)
    return Parameter(
        name=name,
        kind=kind,
        by_year=by_year,
        evidence=evidence,
        source=source,
        unit=str(spec.get("unit") or PARAMETERS[name].unit),
        note=str(spec.get("note") or "").strip(),
    )


def _mix(ctx: _Ctx, value: Any, row: str, fld: str) -> dict[str, float]:
    if isinstance(value, str):
        return {value: 1.0}
    if isinstance(value, dict) and value:
        mix = {str(k): _number(ctx, v, row, fld) for k, v in value.items()}
        if any(w < 0 for w in mix.values()) or sum(mix.values()) <= 0:
            raise ctx.fail("chip mix weights must be non-negative with a positive sum", row, fld)
        return mix
    raise ctx.fail(f"expected a chip id or a mapping chip id -> weight, got {value!r}", row, fld)


def _chips(ctx: _Ctx, value: Any) -> dict[str, dict[int, dict[str, float]]]:
    out = {p: {0: {chip: 1.0}} for p, chip in PATHWAYS.items()}
    if value is None:
        return out
    if not isinstance(value, dict):
        raise ctx.fail("chips must map pathways to chip ids", "chips")
    for pathway, spec in value.items():
        row = f"chips {pathway!r}"
        if pathway not in PATHWAYS:
            raise ctx.fail(f"unknown pathway; known: {', '.join(PATHWAYS)}", row, "name")
        if (
            isinstance(spec, dict)
            and spec
            and all(isinstance(k, int) and not isinstance(k, bool) for k in spec)
        ):
            out[pathway] = {int(y): _mix(ctx, v, row, str(y)) for y, v in spec.items()}
        else:
            out[pathway] = {0: _mix(ctx, spec, row, "chip")}
    return out


def _start_stock(ctx: _Ctx, value: Any) -> tuple[dict[str, list[StockComponent]], Source | None]:
    if value is None:
        return {"US": [], "CN": []}, None
    if not isinstance(value, dict):
        raise ctx.fail("start_stock must be a mapping with source, US and CN", "start_stock")
    source = _source(ctx, value.get("source"), "start_stock")
    out: dict[str, list[StockComponent]] = {"US": [], "CN": []}
    for country in ("US", "CN"):
        for i, comp in enumerate(value.get(country) or []):
            row = f"start_stock {country} {i + 1}"
            if not isinstance(comp, dict) or "h100e" not in comp:
                raise ctx.fail("a component needs label and h100e", row, "h100e")
            spec = comp["h100e"]
            if isinstance(spec, (int, float)) and not isinstance(spec, bool):
                dist: Distribution = Fixed(_number(ctx, spec, row, "h100e"))
            elif isinstance(spec, dict):
                dist = _distribution(ctx, "lognormal", spec, row, None)
            else:
                raise ctx.fail("h100e must be a number or p5/p50/p95", row, "h100e")
            mix = comp.get("chip_mix") or {}
            out[country].append(
                StockComponent(
                    label=str(comp.get("label", f"{country} {i + 1}")),
                    dist=dist,
                    chip_mix=_mix(ctx, mix, row, "chip_mix") if mix else {},
                )
            )
    return out, source


def _events(ctx: _Ctx, value: Any, start: dt.date, horizon: dt.date) -> list[Event]:
    events = []
    for i, spec in enumerate(value or []):
        row = f"event {spec.get('id', i + 1)!r}" if isinstance(spec, dict) else f"event {i + 1}"
        if not isinstance(spec, dict):
            raise ctx.fail("an event must be a mapping", row)
        for key in ("id", "description", "country", "op", "value"):
            if key not in spec:
                raise ctx.fail(f"an event needs {key}", row, key)
        if spec["country"] not in COUNTRIES:
            raise ctx.fail(f"country must be one of {', '.join(COUNTRIES)}", row, "country")
        unit = spec.get("unit", "h100e_tpp")
        if unit not in UNITS:
            raise ctx.fail(f"unit must be one of {', '.join(UNITS)}", row, "unit")
        line = spec.get("line", "total")
        if line not in LINES:
            raise ctx.fail(f"line must be one of {', '.join(LINES)}", row, "line")
        if spec["op"] not in OPS:
            raise ctx.fail(f"op must be one of {', '.join(OPS)}", row, "op")
        modes = [m for m in ("at", "by") if m in spec]
        if len(modes) != 1:
            raise ctx.fail(
                "give exactly one of at (on that date) or by (any time up to it)", row, "at"
            )
        date = _date(ctx, spec[modes[0]], row, modes[0])
        if not start < date <= horizon:
            raise ctx.fail(f"{date} is outside the scenario ({start} to {horizon})", row, modes[0])
        relative_to = None
        if "relative_to" in spec:
            relative_to = _date(ctx, spec["relative_to"], row, "relative_to")
            if modes[0] != "at":
                raise ctx.fail("relative_to needs 'at' (one date), not 'by'", row, "relative_to")
            if not start < relative_to < date:
                raise ctx.fail(
                    f"relative_to {relative_to} must fall after the start {start} "
                    f"and before the event's date {date}",
                    row,
                    "relative_to",
                )
        events.append(
            Event(
                id=str(spec["id"]),
                description=str(spec["description"]),
                country=spec["country"],
                unit=unit,
                line=line,
                op=spec["op"],
                value=_number(ctx, spec["value"], row, "value"),
                date=date,
                mode=modes[0],
                relative_to=relative_to,
            )
        )
    return events


def parse(data: Any, file: str) -> Scenario:
    ctx = _Ctx(file)
    if not isinstance(data, dict):
        raise ctx.fail("a scenario file must be a YAML mapping")
    unknown = sorted(set(data) - TOP_KEYS)
    if unknown:
        raise ctx.fail(
            f"unknown top-level key; allowed: {', '.join(sorted(TOP_KEYS))}", fld=unknown[0]
        )
    for key in ("id", "title", "start", "horizon", "parameters"):
        if key not in data:
            raise ctx.fail(f"missing {key}", fld=key)
    start = _date(ctx, data["start"], None, "start")
    horizon = _date(ctx, data["horizon"], None, "horizon")
    if start.day != 1 or start.month not in (1, 4, 7, 10):
        raise ctx.fail(f"start must be the first day of a quarter, got {start}", fld="start")
    if horizon <= start:
        raise ctx.fail("horizon must be after start", fld="horizon")
    if not isinstance(data["parameters"], dict):
        raise ctx.fail("parameters must map names to distributions", fld="parameters")
    params = {name: _parameter(ctx, str(name), spec) for name, spec in data["parameters"].items()}
    stock, stock_source = _start_stock(ctx, data.get("start_stock"))
    backtest = data.get("backtest") or {}
    rows = backtest.get("rows") or [] if isinstance(backtest, dict) else []
    bt_source = _source(ctx, backtest.get("source"), "backtest") if rows else None
    for i, r in enumerate(rows):
        for key in ("quarter_end", "country", "epoch_p05", "epoch_median", "epoch_p95"):
            if key not in r:
                raise ctx.fail(f"a backtest row needs {key}", f"backtest {i + 1}", key)
    sens = {"country": "CN/US", "unit": "h100e_tpp", "line": "total"}
    given = data.get("sensitivity_output") or {}
    if not isinstance(given, dict):
        raise ctx.fail("sensitivity_output must map country, unit, line", fld="sensitivity_output")
    for key, allowed in (("country", COUNTRIES), ("unit", UNITS), ("line", LINES)):
        value = given.get(key, sens[key])
        if value not in allowed:
            raise ctx.fail(
                f"{key} must be one of {', '.join(allowed)}, got {value!r}",
                "sensitivity_output",
                key,
            )
        sens[key] = value
    return Scenario(
        id=str(data["id"]),
        title=str(data["title"]),
        file=file,
        start=start,
        horizon=horizon,
        parameters=params,
        chips=_chips(ctx, data.get("chips")),
        start_stock=stock,
        start_stock_source=stock_source,
        backtest=list(rows),
        backtest_source=bt_source,
        events=_events(ctx, data.get("events"), start, horizon),
        sensitivity_output=sens,
        description=str(data.get("description") or "").strip(),
        reading=str(data.get("reading") or "").strip(),
        raw=data,
    )
