"""Dashboard pages: server-rendered HTML, charts from the shared specs drawn client-side.

Every control is a field of a GET form, so the view lives in the URL: a link or a reload
restores it, and the page works as plain forms without JavaScript (charts then show as
their text alternative and data table). Pages are cached like API responses.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.concurrency import run_in_threadpool

from airace.errors import AiraceError
from airace.service.result import Result
from airace.version import __version__
from airace.web.api import ApiError, bounded
from airace.web.cache import Cached, cache_key, etag_of
from airace.web.state import ServerState

TEMPLATES = Path(__file__).resolve().parent / "templates"
NAV = (
    ("/", "Overview"),
    ("/releases", "Releases & cadence"),
    ("/frontier", "Frontier"),
    ("/hardware", "Hardware & budget"),
    ("/claims", "Claims ledger"),
    ("/docs", "API"),
)
DEFAULT_LABS = "deepseek,openai,anthropic,google"


class PageError(Exception):
    """A control with a value the page cannot use (shown on the page, status 400)."""


@functools.lru_cache(maxsize=1)
def _env() -> Any:
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
    )
    from airace.report.build import fmt, is_url

    env.filters["fmt"] = fmt
    env.tests["url"] = is_url
    return env


@functools.lru_cache(maxsize=1)
def runtime_bytes() -> bytes:
    """The Vega/Vega-Lite/vega-embed bundle from vl-convert (cached under AIRACE_HOME/cache)."""
    from airace.render.charts import vl_version
    from airace.report.build import runtime

    return runtime(vl_version()).encode("utf-8")


# ------------------------------------------------------------------------------- helpers


def _text(query: dict[str, str], name: str, default: str) -> str:
    value = query.get(name, default).strip()
    if len(value) > 200:
        raise PageError(f"{name}: value too long")
    return value or default


def _day(query: dict[str, str], name: str, default: dt.date | None) -> dt.date | None:
    raw = query.get(name, "").strip()
    if not raw:
        return default
    try:
        day = dt.date.fromisoformat(raw)
    except ValueError:
        raise PageError(f"{name}: {raw!r} is not a date (YYYY-MM-DD)") from None
    if not dt.date(1900, 1, 1) <= day <= dt.date(2200, 12, 31):
        raise PageError(f"{name}: {raw!r} is out of range")
    return day


def _number(query: dict[str, str], name: str, default: float, low: float, high: float) -> float:
    raw = query.get(name, "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise PageError(f"{name}: {raw!r} is not a number") from None
    if not low < value <= high:
        raise PageError(f"{name}: {raw!r} must be more than {low:g} and at most {high:g}")
    return value


def _choice(query: dict[str, str], name: str, options: Sequence[str], default: str) -> str:
    value = query.get(name, default)
    if value not in options:
        raise PageError(f"{name}: {value!r} is not one of {', '.join(options)}")
    return value


def control(
    name: str,
    label: str,
    kind: str,
    value: Any,
    options: Sequence[Any] = (),
    hint: str | None = None,
    step: str | None = None,
) -> dict[str, Any]:
    """One form control; ``options`` are values or (value, label) pairs."""
    opts = [o if isinstance(o, tuple) else (o, o) for o in options]
    return {
        "name": name,
        "label": label,
        "kind": kind,
        "value": value,
        "options": opts,
        "hint": hint,
        "step": step,
    }


def chart(kind: str, result: Result, build: Callable[[], Any], index: int) -> dict[str, Any] | None:
    """A chart view (spec JSON, caption, table fallback), or None when there is nothing to draw."""
    from airace.render.charts import source_line
    from airace.report.build import chart_view

    try:
        view = chart_view(kind, build(), index)
    except AiraceError:
        return None
    if view is not None:
        view["sources"] = list(dict.fromkeys(source_line(s) for s in result.sources))
    return view


def table(
    result: Result | Sequence[dict[str, Any]], columns: Sequence[str], caption: str
) -> dict[str, Any]:
    records = result.records if isinstance(result, Result) else list(result)
    return {
        "caption": caption,
        "columns": list(columns),
        "rows": [[r.get(c) for c in columns] for r in records],
    }


def _frontier_charts(gap: Result, title: str) -> list[dict[str, Any]]:
    """The frontier chart of a gap result (none when the chart cannot be drawn)."""
    from airace.render import charts

    view = chart(
        "frontier",
        gap,
        lambda: charts.frontier(
            gap.extra["points"], gap=gap.record, title=title, sources=gap.sources
        ),
        0,
    )
    return [view] if view else []


def sources_of(*results: Result) -> list[str]:
    from airace.render.charts import source_line

    return list(dict.fromkeys(source_line(s) for r in results for s in r.sources))


def _svc() -> Any:
    import airace.service as svc

    return svc


# --------------------------------------------------------------------------------- pages


def overview(query: dict[str, str]) -> dict[str, Any]:
    from airace.render import charts

    svc = _svc()
    metrics = [m["metric"] for m in svc.metrics().records if m["source"] == "curated"]
    metric = _choice(
        query, "metric", metrics, "gpqa_diamond" if "gpqa_diamond" in metrics else metrics[0]
    )
    as_of = _day(query, "as_of", dt.date.today())
    assert as_of is not None
    quarter = dt.date(as_of.year, 3 * ((as_of.month - 1) // 3) + 1, 1)
    gap = svc.gap(metric=metric, groups="country:US,CN", as_of=as_of)
    launches = svc.releases(since=quarter, until=as_of)
    ledger = svc.check_claims(as_of=as_of, cached=True)
    rec = gap.record
    sections = [
        {
            "title": f"Frontier by country on {metric}, as of {as_of}",
            "paragraphs": [
                f"{rec['leader']} leads with {rec['leader_model']} "
                f"({charts._fmt(rec['leader_score'])}); {rec['follower']}'s best is "
                f"{rec['follower_model']} ({charts._fmt(rec['follower_score'])}); lag "
                f"{charts._fmt(rec['lag_months'])} months."
            ],
            "charts": _frontier_charts(gap, f"{metric}: US vs CN frontier"),
            "tables": [],
            "sources": sources_of(gap),
        },
        {
            "title": f"Launches this quarter ({quarter} to {as_of}): {len(launches.records)}",
            "paragraphs": [] if launches.records else ["No curated release in this period."],
            "charts": [],
            "tables": [
                table(
                    launches,
                    ["release_date", "model_name", "org_id", "country", "release_type"],
                    "Curated releases this quarter",
                )
            ],
            "sources": sources_of(launches),
        },
        {
            "title": "The bundled ledger's verdicts",
            "paragraphs": [
                ", ".join(f"{k}: {v}" for k, v in ledger.summary.items()) if ledger.summary else ""
            ],
            "charts": [],
            "tables": [ledger_table(ledger, as_of)],
            "sources": sources_of(ledger),
        },
    ]
    controls = [
        control("metric", "Metric (curated)", "select", metric, metrics),
        control("as_of", "As of", "date", as_of.isoformat()),
    ]
    return {"title": "Overview", "controls": controls, "sections": sections}


def ledger_table(ledger: Result, as_of: dt.date | None) -> dict[str, Any]:
    rows = []
    for r in ledger.records:
        link = f"/claims?claim={r['claim_id']}" + (f"&as_of={as_of}" if as_of else "")
        rows.append([{"href": link, "text": r["claim_id"]}, r["verdict"], r["quote"]])
    return {
        "caption": "Claims and verdicts",
        "columns": ["claim", "verdict", "quote"],
        "rows": rows,
    }


def releases_page(query: dict[str, str]) -> dict[str, Any]:
    from airace.render import charts

    svc = _svc()
    rules = [r["name"] for r in svc.rules().records]
    as_of = _day(query, "as_of", dt.date.today())
    window = _text(query, "window", "14M")
    labs = _text(query, "labs", DEFAULT_LABS)
    by = _choice(query, "by", ["lab", "country"], "lab")
    rule = _choice(query, "rule", rules, "main-versions")
    sensitivity = query.get("sensitivity", "") in ("1", "true", "on", "yes")
    result = svc.cadence(
        as_of=as_of,
        window=window,
        labs=labs.split(","),
        by=by,
        rule=None if sensitivity else rule,
        sensitivity=sensitivity,
    )
    frame = result.to_frame()
    key = "org_id" if by == "lab" else "country"
    if sensitivity:
        view = chart(
            "sensitivity",
            result,
            lambda: charts.sensitivity(
                frame,
                title=f"Launch counts under every rule, {window} to {as_of}",
                sources=result.sources,
            ),
            0,
        )
    else:
        view = chart(
            "cadence",
            result,
            lambda: charts.cadence(
                frame,
                rule=rule,
                title=f"Launches counted under {rule}, {window} to {as_of}",
                sources=result.sources,
            ),
            0,
        )
    controls = [
        control("as_of", "As of", "date", as_of.isoformat() if as_of else ""),
        control(
            "window",
            "Window",
            "select",
            window,
            ["3M", "6M", "12M", "14M", "18M", "24M", "36M"]
            if window in ("3M", "6M", "12M", "14M", "18M", "24M", "36M")
            else [window, "3M", "6M", "12M", "14M", "18M", "24M", "36M"],
        ),
        control("labs", "Labs (comma-separated)", "text", labs),
        control("by", "Group by", "select", by, ["lab", "country"]),
        control(
            "rule",
            "Counting rule",
            "select",
            rule,
            [(r["name"], f"{r['name']}: {r['title']}") for r in svc.rules().records],
        ),
        control("sensitivity", "Sensitivity (every rule)", "checkbox", sensitivity),
    ]
    return {
        "title": "Releases & cadence",
        "controls": controls,
        "sections": [
            {
                "title": "Launch counts",
                "paragraphs": [f"{r}: {d}" for r, d in result.definitions.items()] + result.caveats,
                "charts": [view] if view else [],
                "tables": [
                    table(
                        result,
                        [
                            key,
                            "rule",
                            "count",
                            "median_interval_days",
                            "days_since_last",
                            "model_ids",
                        ],
                        "Counts",
                    )
                ],
                "sources": sources_of(result),
            }
        ],
    }


def frontier_page(query: dict[str, str]) -> dict[str, Any]:
    from airace.render import charts

    svc = _svc()
    metrics = list(dict.fromkeys(m["metric"] for m in svc.metrics().records))
    metric = _choice(
        query, "metric", metrics, "gpqa_diamond" if "gpqa_diamond" in metrics else metrics[0]
    )
    groups = _text(query, "groups", "country:US,CN")
    as_of = _day(query, "as_of", dt.date.today())
    since = _day(query, "since", None)
    evaluator = _choice(query, "evaluator", ["any", "self", "third_party"], "any")
    bounded({"as_of": as_of, "since": since, "bootstrap": 500})
    args = {"metric": metric, "groups": groups, "evaluator": evaluator}
    gap = svc.gap(as_of=as_of, **args)
    series = svc.gap_series(since=since, until=as_of, **args)
    stats = svc.gap_stats(
        since=since, until=as_of, bootstrap=500, seed=0, sensitivity=False, **args
    )
    st = stats.record
    sections = [
        {
            "title": f"Frontier and lag at {as_of}",
            "paragraphs": [f"{k}: {v}" for k, v in gap.definitions.items()] + gap.caveats,
            "charts": _frontier_charts(gap, f"{metric}: {groups}"),
            "tables": [
                table(
                    gap,
                    [
                        "leader",
                        "leader_model",
                        "leader_score",
                        "follower",
                        "follower_model",
                        "follower_score",
                        "gap",
                        "lag_months",
                    ],
                    "Gap and lag",
                )
            ],
            "sources": sources_of(gap),
        },
        {
            "title": "Lag over time and its trend",
            "paragraphs": [],
            "charts": [
                c
                for c in [
                    chart(
                        "lag",
                        series,
                        lambda: charts.lag(
                            series.to_frame(),
                            trend=st,
                            title=f"{metric}: lag of {groups}",
                            sources=stats.sources,
                        ),
                        1,
                    )
                ]
                if c
            ],
            "tables": [
                table(
                    stats, [k for k in st if not isinstance(st[k], (list, dict))], "Lag statistics"
                )
            ],
            "sources": sources_of(stats),
        },
    ]
    controls = [
        control("metric", "Metric", "select", metric, metrics),
        control(
            "groups",
            "Groups (leader, follower)",
            "text",
            groups,
            hint="country:US,CN | lab:openai,deepseek | access:closed,open",
        ),
        control("as_of", "As of", "date", as_of.isoformat() if as_of else ""),
        control(
            "since",
            "Lag from (blank: first day both groups have a model)",
            "date",
            since.isoformat() if since else "",
        ),
        control(
            "evaluator",
            "Setting: who ran the eval",
            "select",
            evaluator,
            ["any", "self", "third_party"],
        ),
    ]
    return {"title": "Frontier explorer", "controls": controls, "sections": sections}


def hardware_page(query: dict[str, str]) -> dict[str, Any]:
    from airace.render import charts

    svc = _svc()
    units = svc.hardware_list().records
    ids = list(
        dict.fromkeys(str(u["system_id"] if u["kind"] == "system" else u["chip_id"]) for u in units)
    )
    chips = [str(u["chip_id"]) for u in units if u["kind"] == "chip"]
    precisions = ["fp64", "fp32", "tf32", "bf16", "fp16", "fp8", "fp4", "int8"]
    base = _choice(query, "base", ids, "gb200-nvl72" if "gb200-nvl72" in ids else ids[0])
    other = _choice(query, "other", ids, "cloudmatrix-384" if "cloudmatrix-384" in ids else ids[-1])
    precision = _choice(query, "precision", precisions, "bf16")
    basis = _choice(query, "basis", ["compute", "memory-bandwidth", "memory-capacity"], "compute")
    power_basis = _choice(query, "power_basis", ["it", "all-in"], "all-in")
    chip = _choice(query, "chip", chips, "h100-sxm" if "h100-sxm" in chips else chips[0])
    usd = _number(query, "usd", 1e9, 0, 1e15)
    utilization = _number(query, "utilization", 0.4, 0, 1)
    days = _number(query, "days", 90, 0, 36500)
    compare = svc.compare_hardware(
        base=base, other=other, precision=precision, basis=basis, power_basis=power_basis
    )
    budget = svc.budget(
        usd=usd, chip_id=chip, utilization=utilization, days=days, precision=precision
    )
    crec, brec = compare.record, budget.record
    sections = [
        {
            "title": f"{other} relative to {base} ({basis}, {precision})",
            "paragraphs": compare.caveats,
            "charts": [
                c
                for c in [
                    chart(
                        "hardware",
                        compare,
                        lambda: charts.hardware(
                            crec, title=f"{other} vs {base}", sources=compare.sources
                        ),
                        0,
                    )
                ]
                if c
            ],
            "tables": [
                table(
                    compare,
                    [k for k in crec if not isinstance(crec[k], (list, dict))],
                    "Comparison",
                )
            ],
            "sources": sources_of(compare),
        },
        {
            "title": f"Budget: {charts._usd(usd)} of {chip}",
            "paragraphs": budget.caveats,
            "charts": [
                c
                for c in [
                    chart(
                        "budget",
                        budget,
                        lambda: charts.budget(
                            brec, title=f"{charts._usd(usd)} of {chip}", sources=budget.sources
                        ),
                        1,
                    )
                ]
                if c
            ],
            "tables": [
                table(budget, [k for k in brec if not isinstance(brec[k], (list, dict))], "Budget")
            ],
            "sources": sources_of(budget),
        },
    ]
    controls = [
        control("base", "Base", "select", base, ids),
        control("other", "Other", "select", other, ids),
        control("precision", "Precision", "select", precision, precisions),
        control(
            "basis", "Basis", "select", basis, ["compute", "memory-bandwidth", "memory-capacity"]
        ),
        control("power_basis", "Power basis", "select", power_basis, ["it", "all-in"]),
        control("chip", "Budget chip", "select", chip, chips),
        control("usd", "Budget (USD)", "number", f"{usd:g}", step="any"),
        control("utilization", "Utilisation (0-1]", "number", f"{utilization:g}", step="any"),
        control("days", "Days of training", "number", f"{days:g}", step="any"),
    ]
    return {"title": "Hardware & budget", "controls": controls, "sections": sections}


def claims_page(query: dict[str, str]) -> dict[str, Any]:
    from airace.report.compose import claim_chart
    from airace.service.data import CatalogData

    svc = _svc()
    as_of = _day(query, "as_of", None)
    ledger = svc.check_claims(as_of=as_of, cached=True)
    ids = [r["claim_id"] for r in ledger.records]
    claim = _choice(query, "claim", ids, ids[0])
    explained = svc.explain_claim(claim_id=claim, as_of=as_of)
    rec = explained.record
    verdict = explained.extra["verdict"]
    view = None
    if verdict.claim.check is not None and verdict.readings:
        readings = verdict.readings[0]
        view = chart(
            claim,
            explained,
            lambda: claim_chart(verdict.claim.check.analysis, readings.params, CatalogData()),
            0,
        )
    evidence = rec.get("evidence") or []
    columns = list(dict.fromkeys(k for row in evidence for k in row))
    readings_rows = [
        {
            "reading": r.get("label"),
            "status": r.get("status"),
            "checks": r.get("checks"),
            "error": r.get("error"),
        }
        for r in rec.get("readings") or []
    ]
    sections = [
        {
            "title": f"{claim}: {rec['verdict']}",
            "paragraphs": [
                f"“{rec['quote']}”" + (f" ({rec['speaker']})" if rec.get("speaker") else ""),
                str(rec.get("reason") or ""),
            ],
            "charts": [view] if view else [],
            "tables": [
                table(readings_rows, ["reading", "status", "checks", "error"], "Readings"),
                table(evidence, columns, "Evidence rows"),
            ],
            "sources": sources_of(explained),
        },
        {
            "title": "All claims",
            "paragraphs": [],
            "charts": [],
            "tables": [ledger_table(ledger, as_of)],
            "sources": sources_of(ledger),
        },
    ]
    controls = [
        control("claim", "Claim", "select", claim, ids),
        control("as_of", "As of (blank: today)", "date", as_of.isoformat() if as_of else ""),
    ]
    return {"title": "Claims ledger", "controls": controls, "sections": sections}


PAGES: dict[str, tuple[str, Callable[[dict[str, str]], dict[str, Any]]]] = {
    "/": ("overview", overview),
    "/releases": ("releases", releases_page),
    "/frontier": ("frontier", frontier_page),
    "/hardware": ("hardware", hardware_page),
    "/claims": ("claims", claims_page),
}


# ------------------------------------------------------------------------------ serving


def render_page(path: str, query: dict[str, str], state: ServerState) -> tuple[int, bytes]:
    name, build = PAGES[path]
    status, context = 200, {}
    with state.lock:
        try:
            context = build(query)
        except (AiraceError, PageError, ApiError) as exc:
            status = 400
            message = exc.message if isinstance(exc, ApiError) else str(exc)
            context = {
                "title": name.capitalize(),
                "controls": [],
                "sections": [],
                "error": message,
            }
    html = (
        _env()
        .get_template("page.html.j2")
        .render(
            nav=NAV,
            path=path,
            version=__version__,
            data_version=state.data_version,
            error=context.pop("error", None),
            **context,
        )
    )
    return status, html.encode("utf-8")


async def serve_page(request: Request) -> Response:
    from airace.web.api import remember, reply

    state: ServerState = request.app.state.airace
    query = {k: v for k, v in request.query_params.items()}
    key = cache_key(f"page:{request.url.path}", query, state.cache_version)
    item = state.cache.get(key)
    if item is None:
        status, body = await run_in_threadpool(render_page, request.url.path, query, state)
        if status != 200:
            return Response(body, status_code=status, media_type="text/html")
        item = Cached(body, "text/html; charset=utf-8", etag_of(body, state.data_version))
        state.cache.put(key, item)
    remember(request, item, state)
    return reply(request, item)


def docs_page(request: Request, schema: dict[str, Any]) -> Response:
    """airace's own API docs from the OpenAPI schema (no Swagger UI assets: no CDN)."""
    endpoints = []
    for path, methods in schema.get("paths", {}).items():
        for method, op in methods.items():
            endpoints.append(
                {
                    "method": method.upper(),
                    "path": path,
                    "summary": op.get("summary", ""),
                    "tag": (op.get("tags") or [""])[0],
                    "parameters": [
                        {
                            "name": p["name"],
                            "in": p["in"],
                            "required": p.get("required", False),
                            "description": p.get("description", ""),
                            "schema": _schema_text(p.get("schema", {})),
                        }
                        for p in op.get("parameters", [])
                    ],
                }
            )
    html = (
        _env()
        .get_template("docs.html.j2")
        .render(
            nav=NAV,
            path="/docs",
            version=__version__,
            title="API",
            data_version=request.app.state.airace.data_version,
            endpoints=endpoints,
            error=None,
        )
    )
    return Response(html, media_type="text/html; charset=utf-8")


def _schema_text(schema: dict[str, Any]) -> str:
    if "anyOf" in schema:
        return " | ".join(_schema_text(s) for s in schema["anyOf"] if s.get("type") != "null")
    if "enum" in schema:
        return " | ".join(map(str, schema["enum"]))
    text = str(schema.get("format") or schema.get("type") or "")
    if "default" in schema and schema["default"] is not None:
        text += f" (default {schema['default']})"
    return text


def router() -> APIRouter:
    pages = APIRouter(include_in_schema=False)
    for path in PAGES:
        pages.add_api_route(path, serve_page, methods=["GET"])
    return pages
