"""One self-contained HTML report: a document's claims, verdicts, evidence and charts.

The Vega, Vega-Lite and vega-embed runtime is inlined once (vl-convert's bundle), each
chart's spec is embedded as JSON, so the file opens and renders with no network. Every
chart has its text alternative as the figure caption and its data as a table, so the page
reads without JavaScript too.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import math
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from airace.analysis.verdicts import VERDICTS
from airace.errors import AiraceError

VERDICT_ORDER = VERDICTS  # the verdict engine's own order


@functools.lru_cache(maxsize=2)
def runtime(vl_version: str | None = None) -> str:
    """vl-convert's bundle of vega-embed, Vega-Lite and Vega (globals vegaEmbed, vega ...).

    Bundling takes seconds, so the result is kept under AIRACE_HOME/cache, keyed by the
    vl-convert and Vega-Lite versions (best effort: an unwritable home only costs time).
    """
    import importlib.metadata

    import vl_convert as vlc

    cache = _cache_dir()
    key = f"vega-runtime-{importlib.metadata.version('vl-convert-python')}-{vl_version}.js"
    if cache is not None and (cache / key).is_file():
        return (cache / key).read_text(encoding="utf-8")
    raw = vlc.javascript_bundle(vl_version=vl_version)  # type: ignore[call-arg]
    bundle = str(raw).replace("</script", "<\\/script")
    if cache is not None:
        from airace.files import write_atomic

        try:
            cache.mkdir(parents=True, exist_ok=True)
            write_atomic(cache / key, bundle.encode("utf-8"))
        except (OSError, AiraceError):
            pass
    return bundle


def _cache_dir() -> Path | None:
    try:
        from airace.catalog.paths import home
    except ImportError:  # pragma: no cover - layout moved
        return None
    return home() / "cache"


def runtime_versions() -> dict[str, str]:
    import vl_convert as vlc

    from airace.render.charts import vl_version

    return {
        "vega": str(vlc.get_vega_version()),
        "vega-lite": vl_version() or str(vlc.get_vegalite_versions()[-1]),
        "vega-embed": str(vlc.get_vega_embed_version()),
    }


def fmt(value: Any) -> str:
    """A value for a table cell: numbers to 3-4 significant figures, lists joined."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and math.isnan(value):
        return "—"
    if isinstance(value, (int, float)):
        number = float(value)
        if number != 0 and (abs(number) >= 1e6 or abs(number) < 1e-2):
            return f"{number:.3g}"
        if isinstance(value, int):
            return f"{value:,}"
        return f"{number:,.3f}".rstrip("0").rstrip(".")
    if isinstance(value, Mapping):
        return "; ".join(f"{k}: {fmt(v)}" for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return ", ".join(fmt(v) for v in value) if value else "—"
    return str(value)


def is_url(value: Any) -> bool:
    return isinstance(value, str) and value.startswith(("https://", "http://"))


def slug(text: Any) -> str:
    return "".join(c if c.isalnum() else "-" for c in str(text).lower()).strip("-")


def _script_json(value: Any) -> str:
    """JSON safe inside a <script> element."""
    text = json.dumps(value, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    return text.replace("</", "<\\/").replace("<!--", "<\\!--")


def figure_table(figures: Any) -> dict[str, Any]:
    """Key figures as a table: readings x figures when every value is a mapping of figures
    (as multi-reading claims give them), else two columns (figure, value)."""
    if not isinstance(figures, Mapping) or not figures:
        rows = [] if figures in (None, {}) else [["value", figures]]
        return {"columns": ["figure", "value"], "rows": rows}
    if all(isinstance(v, Mapping) for v in figures.values()):
        keys = list(dict.fromkeys(k for v in figures.values() for k in v))
        return {
            "columns": ["reading", *keys],
            "rows": [[label, *(v.get(k) for k in keys)] for label, v in figures.items()],
        }
    return {"columns": ["figure", "value"], "rows": [[k, v] for k, v in figures.items()]}


def _columns(rows: Sequence[Mapping[str, Any]]) -> list[str]:
    return list(dict.fromkeys(k for row in rows for k in row))


def chart_view(claim_id: str, chart: Any, index: int) -> dict[str, Any] | None:
    """What the template needs for one chart: spec JSON, text alternative, table."""
    from airace.render.charts import spec, table_of

    if chart is None:
        return None
    vega_lite = chart if isinstance(chart, dict) else spec(chart)
    columns, rows = table_of(vega_lite)
    return {
        "id": f"chart-{index}-{slug(claim_id)}",
        "spec_json": _script_json(vega_lite),
        "description": str(vega_lite.get("description") or "Chart of the evidence."),
        "kind": ((vega_lite.get("usermeta") or {}).get("airace") or {}).get("kind", "chart"),
        "columns": columns,
        "rows": rows,
    }


def _licences(claims: Sequence[Mapping[str, Any]], meta: Mapping[str, Any]) -> list[str]:
    found = [
        str(src["licence"])
        for claim in claims
        for src in claim.get("sources") or []
        if isinstance(src, Mapping) and src.get("licence")
    ]
    found += [
        str(snap["licence"])
        for snap in meta.get("snapshots") or []
        if isinstance(snap, Mapping) and snap.get("licence")
    ]
    return sorted(set(found))


def _summary(claims: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    counts: dict[str, int] = {}
    for claim in claims:
        counts[str(claim.get("verdict"))] = counts.get(str(claim.get("verdict")), 0) + 1
    order = [v for v in VERDICT_ORDER if v in counts] + sorted(set(counts) - set(VERDICT_ORDER))
    return [{"verdict": v, "claims": counts[v]} for v in order]


def build_report(
    document: Mapping[str, Any],
    claims: Sequence[Mapping[str, Any]],
    charts: Mapping[str, Any],
    meta: Mapping[str, Any],
    *,
    forecasts: Sequence[Mapping[str, Any]] | None = None,
) -> str:
    """The report as one HTML string.

    ``document``: the ledger's document (id, title, author, publisher, date, url,
    description). ``claims``: records as ``airace claims check --format json`` gives them.
    ``charts``: claim_id -> Altair chart (or Vega-Lite dict, or None). ``meta``:
    airace_version, built (date or datetime), data_version, snapshots (ids or dicts with
    snapshot_id, source, licence). ``forecasts``: rows of forecast scores.
    """
    import jinja2

    if not isinstance(document, Mapping):
        raise AiraceError("report: the document must be a mapping with at least a title")
    for number, claim in enumerate(claims, 1):
        if not isinstance(claim, Mapping) or not claim.get("claim_id") or not claim.get("verdict"):
            raise AiraceError(f"report: claim {number} has no claim_id or verdict")
    unknown = sorted(set(charts) - {str(c.get("claim_id")) for c in claims})
    if unknown:
        raise AiraceError(f"report: charts given for unknown claims: {', '.join(unknown)}")
    from airace.render.charts import vl_version

    views = []
    chart_count = 0
    for claim in claims:
        view = chart_view(
            str(claim.get("claim_id")), charts.get(str(claim.get("claim_id"))), chart_count
        )
        chart_count += view is not None
        evidence = [dict(row) for row in claim.get("evidence") or [] if isinstance(row, Mapping)]
        views.append(
            {
                "claim": claim,
                "anchor": f"claim-{slug(claim.get('claim_id'))}",
                "figures": figure_table(claim.get("figures")),
                "evidence": evidence,
                "evidence_columns": _columns(evidence),
                "chart": view,
            }
        )
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("airace.report", "templates"),
        autoescape=jinja2.select_autoescape(["html", "j2"], default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )
    env.filters["fmt"] = fmt
    env.filters["slug"] = slug
    env.tests["url"] = is_url
    built = meta.get("built") or dt.datetime.now(dt.UTC).replace(microsecond=0)
    snapshots = [
        s if isinstance(s, Mapping) else {"snapshot_id": str(s)}
        for s in meta.get("snapshots") or []
    ]
    template = env.get_template("report.html.j2")
    return template.render(
        document=document,
        claims=views,
        summary=_summary(claims),
        forecasts=list(forecasts or []),
        forecast_columns=_columns(list(forecasts or [])),
        meta=meta,
        built=built.isoformat() if isinstance(built, (dt.date, dt.datetime)) else str(built),
        snapshots=snapshots,
        licences=_licences(claims, meta),
        versions=runtime_versions(),
        runtime=runtime(vl_version()) if chart_count else "",
        chart_count=chart_count,
    )


def write_report(html: str, path: str | os.PathLike[str]) -> Path:
    """Write the report atomically (temporary file renamed into place)."""
    from airace.files import write_atomic

    return write_atomic(path, html.encode("utf-8"))
