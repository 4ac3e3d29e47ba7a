"""The JSON API, ``/api/v1``: one endpoint per service operation, parameters as the CLI names them.

Each endpoint answers with the operation's :class:`~airace.service.result.Result` envelope
plus its licences, snapshot ids and the data version; a table endpoint also answers as
``.csv`` and as ``.metadata.json`` (citation, licences, parameters, data version). Bodies are
cached per (endpoint, parameters, data version) and carry an ETag. Only bundled counting
rules and ledgers are reachable: nothing a client sends names a file on the server.
"""

from __future__ import annotations

import datetime as dt
import inspect
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query, Request, Response
from fastapi.concurrency import run_in_threadpool
from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from airace.errors import AiraceError
from airace.service.result import Result, jsonable
from airace.version import __version__
from airace.web.cache import Cached, cache_key, etag_of, matches
from airace.web.state import ServerState

PREFIX = "/api/v1"
ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._+-]{0,99}$"
FIRST_DAY, LAST_DAY = dt.date(1900, 1, 1), dt.date(2200, 12, 31)
Precision = Literal["fp64", "fp32", "tf32", "bf16", "fp16", "fp8", "fp4", "int8"]


class ApiError(Exception):
    """A client mistake: HTTP status, one-line message and the parameter it concerns."""

    def __init__(self, status: int, message: str, parameter: str | None = None) -> None:
        super().__init__(message)
        self.status, self.message, self.parameter = status, message, parameter


# ----------------------------------------------------------------------------- parameters


def _in_range(day: dt.date) -> dt.date:
    if not FIRST_DAY <= day <= LAST_DAY:
        raise ValueError(f"date must be between {FIRST_DAY} and {LAST_DAY}")
    return day


Day = Annotated[dt.date, AfterValidator(_in_range)]
Text = Annotated[str, Field(min_length=1, max_length=200)]
Ident = Annotated[str, Field(pattern=ID_PATTERN, description="An airace id, e.g. h100-sxm.")]
CommaList = Annotated[str, Field(max_length=1000, description="Comma-separated list.")]


class Params(BaseModel):
    """Query parameters; unknown ones are refused (422) rather than silently ignored."""

    model_config = ConfigDict(extra="forbid")


class NoParams(Params):
    pass


class AsOfParams(Params):
    as_of: Day | None = Field(None, description="Date to evaluate (default: today).")


class ReleasesParams(Params):
    labs: CommaList | None = Field(None, description="Lab ids, names or aliases, comma-separated.")
    country: Text | None = None
    since: Day | None = None
    until: Day | None = None
    types: CommaList | None = Field(None, description="Release types, comma-separated.")
    source: Text = "curated"
    snapshot: Text | None = None


class CadenceParams(Params):
    as_of: Day = Field(description="Last day of the window.")
    window: Annotated[str, Field(pattern=r"^[0-9]{1,4}[DWMYdwmy]$")] | None = Field(
        None, description="Window length ending at as_of: 14M, 90D, 6W, 2Y."
    )
    since: Day | None = Field(None, description="First day of the window (instead of window).")
    labs: CommaList | None = None
    by: Literal["lab", "country"] = "lab"
    rule: CommaList | None = Field(
        None, description="Bundled counting rules, comma-separated (default main-versions)."
    )
    sensitivity: bool = Field(False, description="Counts under every bundled rule.")
    countries: CommaList | None = None
    source: Text = "curated"
    snapshot: Text | None = None


class CompareDatesParams(Params):
    source: Text = "epoch-notable"
    labs: CommaList | None = None
    threshold_days: Annotated[int, Field(ge=0, le=3650)] = 3
    snapshot: Text | None = None
    since: Day = dt.date(2023, 1, 1)


class GapParams(Params):
    metric: Text = Field(description="eci, lmarena, or a benchmark id (see /api/v1/metrics).")
    groups: Text = Field(
        "country:US,CN", description="country:US,CN | lab:a,b | access:closed,open"
    )
    as_of: Day | None = None
    tie: Annotated[float, Field(ge=0, le=1e6, allow_inf_nan=False)] = 0.0
    source: Text | None = None
    snapshot: Text | None = None
    multi_country: Literal["each", "exclude"] = "each"
    evaluator: Literal["any", "self", "third_party"] = "any"


class GapSeriesParams(GapParams):
    since: Day | None = None
    until: Day | None = None
    every: Literal["daily", "monthly"] = "monthly"


class GapStatsParams(GapParams):
    since: Day | None = None
    until: Day | None = None
    bootstrap: Annotated[int, Field(ge=0, le=2000)] = 1000
    seed: Annotated[int, Field(ge=0, le=2**31 - 1)] = 0


class EfficiencyParams(Params):
    metric: Text
    budgets: CommaList = Field(description="Training-compute budgets in FLOP, e.g. 1e24,1e25.")
    groups: Text = "country:US,CN"
    as_of: Day | None = None
    source: Text | None = None
    snapshot: Text | None = None
    multi_country: Literal["each", "exclude"] = "each"
    evaluator: Literal["any", "self", "third_party"] = "any"


class HardwareListParams(Params):
    kind: Literal["chip", "system"] | None = None
    vendor: Text | None = None


class HardwareCompareParams(Params):
    base: Ident
    other: Ident
    precision: Precision = "bf16"
    sparse: bool = False
    basis: Literal["compute", "memory-bandwidth", "memory-capacity"] = "compute"
    power_basis: Literal["it", "all-in"] = "all-in"


class HardwareDiffParams(Params):
    source: Text = "epoch-hardware"
    snapshot: Text | None = None
    tolerance: Annotated[float, Field(ge=0, le=1e6, allow_inf_nan=False)] = 0.01
    show_all: bool = False


class BudgetParams(Params):
    usd: Annotated[float, Field(gt=0, le=1e15, allow_inf_nan=False)] = Field(
        description="Dollars to spend on chips."
    )
    chip: Ident = Field(description="Chip id, e.g. b200.")
    price_usd: Annotated[float, Field(gt=0, le=1e9, allow_inf_nan=False)] | None = None
    utilization: Annotated[float, Field(gt=0, le=1, allow_inf_nan=False)] = 0.4
    days: Annotated[float, Field(gt=0, le=36500, allow_inf_nan=False)] = 90
    precision: Precision = "bf16"
    runs: CommaList | None = Field(None, description="Reference runs (model ids).")
    all_runs: bool = False


class ComputeShareParams(Params):
    source: Text = "epoch-clusters"
    snapshot: Text | None = None
    as_of: Day | None = None
    all_rows: bool = False
    include_undated: bool = False


# ------------------------------------------------------------------------------ responses


class SourceModel(BaseModel):
    source: str
    producer: str
    title: str
    licence: str
    url: str | None = None
    citation: str | None = None
    retrieved: str | None = None
    snapshot_id: str | None = None
    sha256: str | None = None
    table: str | None = None
    rows: int | None = None
    pages: list[str] | None = None


class Envelope(BaseModel):
    """A service result with its provenance (the CLI's ``--format json`` plus versions)."""

    operation: str
    params: dict[str, Any]
    data: list[dict[str, Any]]
    summary: dict[str, Any] | None = None
    sources: list[SourceModel]
    licences: list[str]
    snapshot_ids: list[str]
    definitions: dict[str, str]
    caveats: list[str]
    data_version: str
    airace_version: str


class Metadata(BaseModel):
    """What an OWID-style ``.metadata.json`` carries: how to cite and reuse a table."""

    title: str
    description: str
    operation: str
    citation: str
    licences: list[str]
    sources: list[SourceModel]
    parameters: dict[str, Any]
    query: dict[str, Any]
    columns: list[str]
    rows: int
    data_version: str
    snapshot_ids: list[str]
    airace_version: str
    json_url: str
    csv_url: str
    definitions: dict[str, str]
    caveats: list[str]


class ErrorBody(BaseModel):
    error: str
    parameter: str | None = None


class Health(BaseModel):
    status: str
    airace_version: str
    data_version: str
    curated_fingerprint: str
    snapshot_ids: list[str]


ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorBody, "description": text}
    for code, text in (
        (400, "A parameter the operation cannot use (the message names it)."),
        (404, "Unknown id, or data that must be imported first."),
        (414, "Query string too long."),
        (422, "A parameter of the wrong type or out of range."),
    )
}


# ----------------------------------------------------------------------------- operations


def _list(text: str | None) -> list[str] | None:
    items = [t.strip() for t in (text or "").split(",") if t.strip()]
    return items or None


def _rules(text: str | None) -> list[str] | None:
    """Bundled rule names only: the CLI's rule-file paths are not reachable over HTTP."""
    from airace.schema.rules import bundled_rules

    names = _list(text)
    known = [r.name for r in bundled_rules()]
    for name in names or []:
        if name not in known:
            raise ApiError(400, f"unknown rule {name!r}; bundled rules: {', '.join(known)}", "rule")
    return names


def _budgets(text: str) -> list[float]:
    import math

    out = []
    for item in _list(text) or []:
        try:
            value = float(item)
        except ValueError:
            raise ApiError(400, f"budget {item!r} is not a number of FLOP", "budgets") from None
        if not math.isfinite(value) or value <= 0:
            raise ApiError(400, f"budget {item!r} must be a positive number of FLOP", "budgets")
        out.append(value)
    if not out:
        raise ApiError(400, "give at least one budget, e.g. 1e24,1e25", "budgets")
    return out


MAX_SPAN_DAYS = 15 * 366  # a daily lag series or a trend period: at most ~15 years


def bounded(p: dict[str, Any]) -> dict[str, Any]:
    """Keep frontier questions to what can be known and answered quickly.

    A frontier cannot be evaluated after today (no model has been released yet), and a
    daily series or trend costs time in proportion to its days; the server answers one
    request at a time, so a 300-year daily series would stall every other client.
    """
    limit = dt.date.today() + dt.timedelta(days=366)
    for name in ("as_of", "until"):
        if p.get(name) and p[name] > limit:
            raise ApiError(
                400,
                f"{name} {p[name]} is more than a year after today; frontiers are "
                "known only up to today",
                name,
            )
    end = p.get("until") or p.get("as_of") or dt.date.today()
    daily = p.get("every") == "daily" or "bootstrap" in p
    if daily and p.get("since") and (end - p["since"]).days > MAX_SPAN_DAYS:
        raise ApiError(
            400,
            f"since {p['since']} to {end} is longer than 15 years; the API computes "
            "daily series and trends over at most 15 years (the CLI has no limit)",
            "since",
        )
    return p


def _svc() -> Any:
    import airace.service as svc

    return svc


def _efficiency(**params: Any) -> Result:
    """The best score each group reached within training-compute budgets (gap --efficiency)."""
    return _svc().gap_efficiency(**params)


def _frontier(p: dict[str, Any], *drop: str) -> dict[str, Any]:
    return {k: v for k, v in p.items() if k not in drop}


@dataclass(frozen=True)
class Op:
    """One endpoint: path under /api/v1, its query model, and the call that answers it."""

    path: str
    name: str
    summary: str
    query: type[Params]
    run: Callable[[dict[str, Any]], Result]
    tag: str
    table: bool = True
    path_param: str | None = None


OPS: list[Op] = [
    Op(
        "/releases",
        "releases",
        "Model releases with filters.",
        ReleasesParams,
        lambda p: _svc().releases(**{**p, "labs": _list(p["labs"]), "types": _list(p["types"])}),
        "launches",
    ),
    Op(
        "/labs",
        "labs",
        "Labs with country, aliases and release counts.",
        NoParams,
        lambda p: _svc().labs(),
        "launches",
    ),
    Op(
        "/rules",
        "rules",
        "The bundled counting rules, strictest first.",
        NoParams,
        lambda p: _svc().rules(),
        "launches",
    ),
    Op(
        "/cadence",
        "cadence",
        "Launch counts per lab or country under counting rules.",
        CadenceParams,
        lambda p: _svc().cadence(
            **{
                **p,
                "labs": _list(p["labs"]),
                "rule": _rules(p["rule"]),
                "countries": _list(p["countries"]),
            }
        ),
        "launches",
    ),
    Op(
        "/compare-dates",
        "compare_dates",
        "Curated release dates vs an imported source.",
        CompareDatesParams,
        lambda p: _svc().compare_dates(**{**p, "labs": _list(p["labs"])}),
        "launches",
    ),
    Op(
        "/metrics",
        "metrics",
        "Metrics the frontier operations can use, and their sources.",
        NoParams,
        lambda p: _svc().metrics(),
        "frontier",
    ),
    Op(
        "/gap",
        "gap",
        "Frontier gap and lag between two groups at one date.",
        GapParams,
        lambda p: _svc().gap(**bounded(p)),
        "frontier",
    ),
    Op(
        "/gap/series",
        "gap_series",
        "Gap and lag at each day or month end.",
        GapSeriesParams,
        lambda p: _svc().gap_series(**bounded(p)),
        "frontier",
    ),
    Op(
        "/gap/stats",
        "gap_stats",
        "Lag statistics and trend with a bootstrap interval.",
        GapStatsParams,
        lambda p: _svc().gap_stats(**bounded(p)),
        "frontier",
    ),
    Op(
        "/gap/efficiency",
        "efficiency",
        "Best score each group reached within compute budgets.",
        EfficiencyParams,
        lambda p: _efficiency(**{**bounded(p), "budgets": _budgets(p["budgets"])}),
        "frontier",
    ),
    Op(
        "/hardware",
        "hardware_list",
        "Chips and systems with every column.",
        HardwareListParams,
        lambda p: _svc().hardware_list(**p),
        "hardware",
    ),
    Op(
        "/hardware/compare",
        "compare_hardware",
        "What OTHER needs, relative to BASE.",
        HardwareCompareParams,
        lambda p: _svc().compare_hardware(**p),
        "hardware",
    ),
    Op(
        "/hardware/diff",
        "hardware_diff",
        "Chip specs that differ from Epoch's hardware data.",
        HardwareDiffParams,
        lambda p: _svc().hardware_diff(**p),
        "hardware",
    ),
    Op(
        "/hardware/classify/{chip_id}",
        "classify",
        "ECCN 3A090 classification of a chip.",
        NoParams,
        lambda p: _svc().classify(**p),
        "hardware",
        path_param="chip_id",
    ),
    Op(
        "/hardware/{unit_id}",
        "hardware_show",
        "Every published figure of a chip or system.",
        NoParams,
        lambda p: _svc().hardware_show(**p),
        "hardware",
        path_param="unit_id",
    ),
    Op(
        "/budget",
        "budget",
        "Dollars to chips to training FLOP, vs well-known runs.",
        BudgetParams,
        lambda p: _svc().budget(
            **{**_frontier(p, "chip"), "chip_id": p["chip"], "runs": _list(p["runs"]) or None}
        ),
        "economics",
    ),
    Op(
        "/compute-share",
        "compute_share",
        "AI supercomputer compute by country.",
        ComputeShareParams,
        lambda p: _svc().compute_share(**p),
        "economics",
    ),
    Op(
        "/sources",
        "list_sources",
        "Imported snapshots: kind, file, dates, licence.",
        NoParams,
        lambda p: _svc().list_sources(),
        "sources",
    ),
    Op(
        "/claims/check",
        "check_claims",
        "The bundled ledger's claims and their verdicts.",
        AsOfParams,
        lambda p: _svc().check_claims(cached=True, **p),
        "claims",
    ),
    Op(
        "/claims/score",
        "score_claims",
        "Forecasting scores of the bundled ledger.",
        AsOfParams,
        lambda p: _svc().score_claims(**p),
        "claims",
    ),
    Op(
        "/claims/{claim_id}",
        "explain_claim",
        "The full evidence behind one claim's verdict.",
        AsOfParams,
        lambda p: _svc().explain_claim(**p),
        "claims",
        path_param="claim_id",
    ),
]
OPS_BY_NAME = {op.name: op for op in OPS}


# ----------------------------------------------------------------------------- answering


def _parameter(exc: AiraceError, params: dict[str, Any], path_param: str | None) -> str | None:
    """The parameter an error is about: its field, a ``--option`` it names, or a quoted value."""
    if exc.field:
        return exc.field
    options = {name.replace("_", "-"): name for name in params}
    options.update({"type": "types", "lab": "labs", "chip": "chip"})
    for option in re.findall(r"--([a-z][a-z-]*)", exc.message):
        if option in options:
            return options[option]
    for name, value in params.items():
        if isinstance(value, str) and value and repr(value) in exc.message:
            return name
    return path_param if path_param and str(params.get(path_param)) in exc.message else None


def _status(exc: AiraceError, parameter: str | None, path_param: str | None) -> int:
    text = exc.message.lower()
    if (parameter and parameter == path_param) or "imported yet" in text:
        return 404
    return 400


def _licences(result: Result) -> list[str]:
    return sorted({s.licence for s in result.sources if s.licence})


def _snapshots(result: Result) -> list[str]:
    return sorted({s.snapshot_id for s in result.sources if s.snapshot_id})


def _dump(value: Any) -> bytes:
    text = json.dumps(jsonable(value), ensure_ascii=False, allow_nan=False, default=str)
    return text.encode("utf-8")


def run_op(op: Op, params: dict[str, Any], state: ServerState) -> Result:
    """Call the service operation under the run lock; user mistakes become :class:`ApiError`."""
    key = cache_key(op.name, params, state.cache_version)
    with state.lock:
        cached: Result | None = state.results.get(key)
        if cached is not None:
            return cached
        try:
            result = op.run(params)
            state.results.put(key, result)
            return result
        except AiraceError as exc:
            parameter = _parameter(exc, params, op.path_param)
            raise ApiError(_status(exc, parameter, op.path_param), exc.line(), parameter) from None


def envelope(result: Result, state: ServerState) -> dict[str, Any]:
    return {
        **result.envelope(),
        "licences": _licences(result),
        "snapshot_ids": _snapshots(result),
        "data_version": state.data_version,
        "airace_version": __version__,
    }


def citation(op: Op, result: Result, state: ServerState, url: str) -> str:
    parts = [
        f"airace {__version__}, {op.summary.rstrip('.')} ({url}), data version "
        f"{state.data_version}."
    ]
    for src in result.sources:
        text = src.citation or f"{src.name}"
        if src.snapshot_id:
            text += f" (snapshot {src.snapshot_id})"
        parts.append(f"{text}, licence {src.licence}.")
    return " ".join(parts)


def metadata(
    op: Op, result: Result, state: ServerState, url: tuple[str, str], query: dict[str, Any]
) -> dict[str, Any]:
    """``url`` is (path without suffix, query string)."""
    base, qs = url
    tail = f"?{qs}" if qs else ""
    columns = list(dict.fromkeys(k for r in result.records for k in r))
    return {
        "title": f"airace {op.name}",
        "description": op.summary,
        "operation": result.operation,
        "citation": citation(op, result, state, base + tail),
        "licences": _licences(result),
        "sources": [s.to_dict() for s in result.sources],
        "parameters": result.params,
        "query": query,
        "columns": columns,
        "rows": len(result.records),
        "data_version": state.data_version,
        "snapshot_ids": _snapshots(result),
        "airace_version": __version__,
        "json_url": base + tail,
        "csv_url": base + ".csv" + tail,
        "definitions": result.definitions,
        "caveats": result.caveats,
    }


def build(op: Op, fmt: str, params: dict[str, Any], state: ServerState, url: str) -> Cached:
    """Run the operation and render one format (json, csv, metadata)."""
    from airace.render.text import to_csv

    result = run_op(op, params, state)
    base, _, query = url.partition("?")
    base = base.removesuffix(".csv").removesuffix(".metadata.json")
    link = f'<{base}.metadata.json>; rel="describedby"'
    if fmt == "csv":
        body = to_csv(jsonable(result.records)).encode("utf-8")
        name = op.name + (f"-{params[op.path_param]}" if op.path_param else "")
        headers = (("Link", link), ("Content-Disposition", f'inline; filename="{name}.csv"'))
        return Cached(body, "text/csv; charset=utf-8", etag_of(body, state.data_version), headers)
    if fmt == "metadata":
        body = _dump(metadata(op, result, state, (base, query), jsonable(params)))
    else:
        body = _dump(envelope(result, state))
    return Cached(body, "application/json", etag_of(body, state.data_version), (("Link", link),))


def reply(request: Request, item: Cached) -> Response:
    headers = {"ETag": item.etag, "Cache-Control": "no-cache", **dict(item.headers)}
    if matches(request.headers.get("if-none-match"), item.etag):
        return Response(status_code=304, headers=headers)
    return Response(item.body, media_type=item.media_type, headers=headers)


async def answer(request: Request, op: Op, fmt: str, params: dict[str, Any]) -> Response:
    state: ServerState = request.app.state.airace
    key = cache_key(f"{op.name}.{fmt}", params, state.cache_version)
    item = state.cache.get(key)
    if item is None:
        url = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        item = await run_in_threadpool(build, op, fmt, params, state, url)
        state.cache.put(key, item)
    remember(request, item, state)
    return reply(request, item)


def remember(request: Request, item: Cached, state: ServerState) -> None:
    """Keep a body for its exact URL, so a repeat is answered before routing (see Guard)."""
    raw = request.scope.get("query_string", b"")
    state.edge.put((request.scope["path"], raw, state.cache_version), item)


# ----------------------------------------------------------------------------- routing

SUFFIXES = {"metadata": ".metadata.json", "csv": ".csv", "json": ""}
CONTENT: dict[str, dict[int | str, dict[str, Any]]] = {
    "json": {200: {"model": Envelope, "description": "The result with its sources."}},
    "csv": {
        200: {
            "content": {"text/csv": {"schema": {"type": "string"}}},
            "description": "The records as CSV (see .metadata.json).",
        }
    },
    "metadata": {200: {"model": Metadata, "description": "Citation, licences, parameters."}},
}


def _endpoint(op: Op, fmt: str) -> Callable[..., Any]:
    async def endpoint(request: Request, **kwargs: Any) -> Response:
        params: dict[str, Any] = {}
        for name, value in kwargs.items():
            if isinstance(value, BaseModel):
                params.update(value.model_dump())
            else:
                params[name] = value
        return await answer(request, op, fmt, params)

    parameters = [
        inspect.Parameter("request", inspect.Parameter.KEYWORD_ONLY, annotation=Request),
    ]
    if op.path_param:
        annotation = Annotated[str, Path(pattern=ID_PATTERN, description="An airace id.")]
        parameters.append(
            inspect.Parameter(op.path_param, inspect.Parameter.KEYWORD_ONLY, annotation=annotation)
        )
    if op.query is not NoParams:
        parameters.append(
            inspect.Parameter(
                "query", inspect.Parameter.KEYWORD_ONLY, annotation=Annotated[op.query, Query()]
            )
        )
    endpoint.__signature__ = inspect.Signature(parameters)  # type: ignore[attr-defined]
    endpoint.__name__ = f"{op.name}_{fmt}"
    return endpoint


def router() -> APIRouter:
    """The /api/v1 routes; each operation's suffixed forms first, so ``{id}.csv`` is not
    read as an id."""
    api = APIRouter(prefix=PREFIX)

    @api.get("/health", response_model=Health, tags=["meta"], summary="Liveness and versions.")
    async def health(request: Request) -> dict[str, Any]:
        state: ServerState = request.app.state.airace
        return {
            "status": "ok",
            "airace_version": __version__,
            "data_version": state.data_version,
            "curated_fingerprint": state.fingerprint,
            "snapshot_ids": state.snapshot_ids,
        }

    for op in OPS:  # OPS lists fixed paths before the {id} paths that could shadow them
        for fmt in ("metadata", "csv", "json"):
            if fmt != "json" and not op.table:
                continue
            api.add_api_route(
                op.path + SUFFIXES[fmt],
                _endpoint(op, fmt),
                methods=["GET"],
                response_model=None,
                summary=op.summary if fmt == "json" else f"{op.summary} ({SUFFIXES[fmt]})",
                operation_id=f"{op.name}_{fmt}",
                tags=[op.tag],
                responses={**CONTENT[fmt], **ERRORS},
            )
    return api
