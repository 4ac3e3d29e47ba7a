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
from airace.render.evidence import claim_chart
from airace.service.data import CatalogData, Data

__all__ = ["claim_chart", "ledger_report"]


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
    forecasts = ops.score(check.extra["ledgers"], check.extra["verdicts"])
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
        document, [ops.verdict_record(v) for v in verdicts], charts, meta, forecasts=forecasts
    )


def _data_version(folder: Path | None) -> str:
    if folder is None:
        return "test data"
    from airace.catalog import fingerprint

    return f"curated data sha256 {fingerprint(folder)[:12]}"
