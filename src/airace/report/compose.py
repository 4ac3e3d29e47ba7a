"""A ledger report from the service layer: verdicts, one evidence chart per claim, metadata.

Each claim's chart is drawn from the same service operation its check ran (the first
reading's parameters); a claim whose data is missing gets no chart, only its verdict.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from airace.errors import AiraceError
from airace.service.data import CatalogData, Data


def _date(value: Any) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


def _gap_args(params: dict[str, Any]) -> dict[str, Any]:
    return {
        "metric": params["metric"],
        "groups": params.get("groups", "country:US,CN"),
        "source": params.get("source"),
        "tie": float(params.get("tie", 0)),
    }


def claim_chart(analysis: str, params: dict[str, Any], data: Data) -> Any:
    """The evidence chart of one check, or None when the analysis has none."""
    from airace.render import charts
    from airace.service import economics, frontier, hardware, launches

    title = f"{analysis}: " + ", ".join(
        f"{k}={v}" for k, v in params.items() if k not in ("where", "text", "any_text")
    )
    if analysis == "cadence":
        since = _date(params["since"]) if "since" in params else None
        result = launches.cadence(
            data,
            as_of=_date(params["as_of"]),
            since=since,
            window=None if since else params.get("window", "14M"),
            labs=params.get("labs"),
            by=params.get("by", "lab"),
            rule=params.get("rule", "main-versions"),
            countries=params.get("countries"),
        )
        return charts.cadence(result.to_frame(), title=title, sources=result.sources)
    if analysis == "gap":
        result = frontier.gap(data, as_of=_date(params["as_of"]), **_gap_args(params))
        return charts.frontier(
            result.extra["points"], gap=result.record, title=title, sources=result.sources
        )
    if analysis == "gap_stats":
        since, until = _date(params["since"]), _date(params["until"])
        stats = frontier.gap_stats(
            data,
            since=since,
            until=until,
            bootstrap=int(params.get("bootstrap", 500)),
            seed=int(params.get("seed", 0)),
            **_gap_args(params),
        )
        series = frontier.gap_series(
            data, since=since, until=until, every="monthly", **_gap_args(params)
        )
        return charts.lag(series.to_frame(), trend=stats.record, title=title, sources=stats.sources)
    if analysis == "hardware_compare":
        result = hardware.compare(
            data,
            base=params["base"],
            other=params["other"],
            precision=params.get("precision", "bf16"),
            sparse=bool(params.get("sparse", False)),
            basis=params.get("basis", "compute"),
            power_basis=params.get("power_basis", "all-in"),
        )
        return charts.hardware(result.record, title=title, sources=result.sources)
    if analysis == "budget":
        result = economics.budget(
            data,
            usd=float(params["usd"]),
            chip_id=params["chip"],
            runs=params.get("runs"),
            all_runs=not params.get("runs"),
        )
        return charts.budget(result.record, title=title, sources=result.sources)
    if analysis == "compute_share":
        result = economics.compute_share(data, as_of=_date(params["as_of"]))
        return charts.compute_share(result.to_frame(), title=title, sources=result.sources)
    return None


def ledger_report(
    ledgers: Sequence[Path] = (), as_of: dt.date | None = None, data: Data | None = None
) -> str:
    """The HTML report of the first ledger (the bundled one by default)."""
    from airace.report.build import build_report
    from airace.service import claims as ops
    from airace.service.sources import snapshots
    from airace.version import __version__

    provider = data or CatalogData()
    check = ops.check(provider, ledgers=ledgers, as_of=as_of)
    ledger = check.extra["ledgers"][0]
    verdicts = [v for v in check.extra["verdicts"] if v.document == ledger.document.id]
    charts: dict[str, Any] = {}
    for v in verdicts:
        if v.claim.check is None or not v.readings:
            continue
        try:
            charts[v.claim.id] = claim_chart(v.claim.check.analysis, v.readings[0].params, provider)
        except (AiraceError, KeyError, ValueError):
            charts[v.claim.id] = None
    doc = ledger.document
    document = {
        "id": doc.id,
        "title": doc.title,
        "author": doc.author,
        "publisher": doc.publisher,
        "date": str(doc.date),
        "url": doc.url,
    }
    score = ops.score_ledgers(provider, ledgers=ledgers, as_of=check.params["as_of"])
    fingerprint = getattr(getattr(provider, "catalog", None), "folder", None)
    meta = {
        "airace_version": __version__,
        "built": dt.date.today().isoformat(),
        "as_of": str(check.params["as_of"]),
        "data_version": _data_version(fingerprint),
        "snapshots": [
            {"snapshot_id": r["snapshot_id"], "source": r["source"], "licence": r["licence"]}
            for r in snapshots().records
        ],
    }
    return build_report(
        document, [ops.verdict_record(v) for v in verdicts], charts, meta, forecasts=score.records
    )


def _data_version(folder: Path | None) -> str:
    if folder is None:
        return "test data"
    from airace.catalog import fingerprint

    return f"curated data sha256 {fingerprint(folder)[:12]}"
