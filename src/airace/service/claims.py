"""Checking a ledger's claims against the data: one verdict per claim, with evidence.

Each check names an analysis; :data:`RUNNERS` maps analysis names to small functions that
call the same service operations as the CLI commands and return values by group, the evidence
rows behind them and their sources. Data comes from a provider (the catalog, or tables a
test builds), so the verdict logic itself never touches files.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from airace.analysis import verdicts as V
from airace.errors import AiraceError
from airace.schema.ledger import Claim, Ledger, Reading
from airace.service.data import Data
from airace.service.result import Result


@dataclass
class Values:
    """What a runner hands to the verdict engine: values by group, evidence, sources."""

    values: dict[str | None, dict[str, Any]]
    evidence: list[dict[str, Any]] = field(default_factory=list)
    sources: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class Verdict:
    claim: Claim
    document: str
    verdict: str
    reason: str
    figures: dict[str, Any]
    readings: list[V.ReadingOutcome]
    evidence: list[dict[str, Any]]
    sources: list[dict[str, Any]]
    resolving_row: dict[str, Any] | None = None


def _srcs(result: Any) -> list[dict[str, Any]]:
    return [src.to_dict() for src in result.sources]


def _date(value: Any, name: str) -> dt.date:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise AiraceError(f"check parameter {name}: {value!r} is not a date") from None


def _matches(frame: pd.DataFrame, where: dict[str, Any]) -> pd.Series:
    """Rows where every column equals the value or one of the values (any item for lists)."""
    mask = pd.Series(True, index=frame.index)
    for column, wanted in where.items():
        if column not in frame.columns:
            raise AiraceError(f"filter on unknown column {column!r}")
        values = wanted if isinstance(wanted, list) else [wanted]
        series = frame[column]

        def hit(cell: Any, values: list[Any] = values) -> bool:
            if isinstance(cell, (list, tuple)) or hasattr(cell, "tolist"):
                items = list(cell.tolist() if hasattr(cell, "tolist") else cell)
                return bool(set(map(str, items)) & set(map(str, values)))
            if cell is None or cell is pd.NA or (isinstance(cell, float) and cell != cell):
                return False
            return bool(cell in values)

        mask &= series.map(hit).astype(bool)
    return mask


def _text_mask(
    frame: pd.DataFrame, columns: list[str], every: list[str], anyof: list[str]
) -> pd.Series:
    text = frame[columns].fillna("").astype(str).agg(" ".join, axis=1).str.casefold()
    mask = pd.Series(True, index=frame.index)
    for word in every:
        mask &= text.str.contains(word.casefold(), regex=False)
    if anyof:
        some = pd.Series(False, index=frame.index)
        for word in anyof:
            some |= text.str.contains(word.casefold(), regex=False)
        mask &= some
    return mask


# ---- analysis runners -------------------------------------------------------------------


def run_cadence(params: dict[str, Any], data: Data) -> Values:
    from airace.service.launches import cadence

    as_of = _date(params["as_of"], "as_of")
    since = _date(params["since"], "since") if "since" in params else None
    result = cadence(
        data,
        as_of=as_of,
        since=since,
        window=None if since else params.get("window", "14M"),
        labs=params.get("labs"),
        by=params.get("by", "lab"),
        rule=params.get("rule", "main-versions"),
        countries=params.get("countries"),
    )
    rows = result.extra["rows"]
    key = result.extra["key"]
    values: dict[str | None, dict[str, Any]] = {}
    evidence = []
    for rec in result.records:
        values[rec[key]] = {
            "count": rec["count"],
            "median_interval_days": rec["median_interval_days"],
            "days_since_last": rec["days_since_last"],
        }
        for mid, day in zip(rec["model_ids"], rec["release_dates"], strict=True):
            evidence.append(
                {
                    "group": rec[key],
                    "model_id": mid,
                    "model_name": rows.loc[mid, "model_name"],
                    "date": day,
                    "source_url": rows.loc[mid, "source_url"],
                }
            )
    values[None] = {
        "since": result.params["since"].isoformat(),
        "as_of": result.params["as_of"].isoformat(),
        "rule": result.params["rules"][0],
    }
    return Values(values, evidence, _srcs(result))


def _gap_args(params: dict[str, Any]) -> dict[str, Any]:
    return {
        "metric": params["metric"],
        "groups": params.get("groups", "country:US,CN"),
        "source": params.get("source"),
        "tie": float(params.get("tie", 0)),
    }


def run_gap(params: dict[str, Any], data: Data) -> Values:
    from airace.service.frontier import gap

    result = gap(data, as_of=_date(params["as_of"], "as_of"), **_gap_args(params))
    rec = result.record
    evidence = [
        {
            "role": "leader",
            "model": rec["leader_model"],
            "score": rec["leader_score"],
            "date": rec["leader_model_date"],
        },
        {
            "role": "follower",
            "model": rec["follower_model"],
            "score": rec["follower_score"],
            "date": rec["follower_model_date"],
        },
    ]
    return Values({None: rec}, evidence, _srcs(result))


def run_gap_stats(params: dict[str, Any], data: Data) -> Values:
    from airace.service.frontier import gap_stats

    since, until = _date(params["since"], "since"), _date(params["until"], "until")
    result = gap_stats(
        data,
        since=since,
        until=until,
        bootstrap=int(params.get("bootstrap", 500)),
        seed=int(params.get("seed", 0)),
        **_gap_args(params),
    )
    leader, follower = result.records[0]["groups"].split(":", 1)[1].split(",")
    return Values(
        {None: result.record},
        _frontier_steps(result.extra["points"], [leader, follower], since, until),
        _srcs(result),
    )


def _frontier_steps(
    frame: pd.DataFrame, groups: list[str], since: dt.date, until: dt.date
) -> list[dict[str, Any]]:
    """The models that set each group's frontier in the period (and the one in force at its
    start): the evidence behind a lag trend."""
    from airace.analysis.frontier import from_day, frontier, to_day

    rows = []
    for group in groups:
        front = frontier(frame, group)
        start = max(0, int((front.days <= to_day(since)).sum()) - 1)
        for day, score, model in zip(
            front.days[start:], front.scores[start:], front.models[start:], strict=True
        ):
            if day <= to_day(until):
                rows.append(
                    {
                        "group": group,
                        "model": str(model),
                        "date": from_day(int(day)).isoformat(),
                        "score": float(score),
                    }
                )
    return rows


def run_hardware_compare(params: dict[str, Any], data: Data) -> Values:
    from airace.analysis.hardware import MissingFigure
    from airace.service.hardware import compare

    try:
        result = compare(
            data,
            base=params["base"],
            other=params["other"],
            precision=params.get("precision", "bf16"),
            sparse=bool(params.get("sparse", False)),
            basis=params.get("basis", "compute"),
            power_basis=params.get("power_basis", "all-in"),
        )
    except MissingFigure as exc:
        return Values({None: {}}, [{"missing": str(exc)}])
    rec = result.record
    evidence = [i for i in rec["inputs"] if i["value"] is not None]
    sources = [
        *_srcs(result),
        *({"source_url": i["source_url"]} for i in evidence if i.get("source_url")),
    ]
    return Values({None: rec}, evidence, sources)


def run_budget(params: dict[str, Any], data: Data) -> Values:
    from airace.service.economics import budget

    result = budget(
        data,
        usd=float(params["usd"]),
        chip_id=params["chip"],
        price_usd=params.get("price_usd"),
        utilization=float(params.get("utilization", 0.4)),
        days=float(params.get("days", 90)),
        precision=params.get("precision", "bf16"),
        runs=params.get("runs"),
        all_runs=not params.get("runs"),
    )
    rec = result.record
    values: dict[str | None, dict[str, Any]] = {
        None: {k: v for k, v in rec.items() if k != "equivalents"}
    }
    for eq in rec["equivalents"]:
        values[eq["model_id"]] = eq
    sources = [*_srcs(result), {"source_url": rec.get("price_source")}]
    sources.extend(
        {"source_url": e["source_url"]} for e in rec["equivalents"] if e.get("source_url")
    )
    return Values(values, rec["equivalents"], sources)


def run_releases(params: dict[str, Any], data: Data) -> Values:
    as_of = _date(params["as_of"], "as_of")
    frame = data.releases()
    dates = pd.to_datetime(frame["release_date"])
    mask = _matches(frame, params.get("where", {})) & (dates <= pd.Timestamp(as_of))
    if "since" in params:
        mask &= dates >= pd.Timestamp(_date(params["since"], "since"))
    rows = frame[mask].sort_values("release_date")
    values: dict[str, Any] = {"count": len(rows)}
    if len(rows):
        first = pd.Timestamp(rows["release_date"].iloc[0]).date()
        last = pd.Timestamp(rows["release_date"].iloc[-1]).date()
        values.update(
            first_date=first.isoformat(),
            last_date=last.isoformat(),
            months_since_first=round((as_of - first).days / 30.44, 2),
            months_since_last=round((as_of - last).days / 30.44, 2),
        )
        modalities = (
            sorted(
                {
                    m
                    for cell in rows["output_modalities"]
                    for m in (
                        list(cell)
                        if isinstance(cell, (list, tuple)) or hasattr(cell, "tolist")
                        else []
                    )
                }
            )
            if "output_modalities" in rows
            else []
        )
        values["output_modalities"] = modalities
    evidence = [
        {
            "model_id": r["model_id"],
            "model_name": r["model_name"],
            "date": pd.Timestamp(r["release_date"]).date().isoformat(),
            "source_url": r["source_url"],
        }
        for r in rows.to_dict(orient="records")
    ]
    return Values({None: values}, evidence, [data.table_source("releases", rows).to_dict()])


EVENT_TEXT = ["title", "summary", "affected_firms", "affected_chips"]


def _event_rows(
    frame: pd.DataFrame, where: dict[str, Any], text: list[str], any_text: list[str]
) -> pd.DataFrame:
    mask = _matches(frame, where)
    columns = [c for c in EVENT_TEXT if c in frame.columns]
    if text or any_text:
        prepared = frame.copy()
        for c in columns:
            prepared[c] = prepared[c].map(
                lambda v: (
                    " ".join(v) if isinstance(v, (list, tuple)) else ("" if v is None else str(v))
                )
            )
        mask &= _text_mask(prepared, columns, text, any_text)
    return frame[mask]


def run_events(params: dict[str, Any], data: Data) -> Values:
    as_of = _date(params["as_of"], "as_of")
    frame = data.events()
    rows = _event_rows(
        frame, params.get("where", {}), params.get("text", []), params.get("any_text", [])
    )
    dates = pd.to_datetime(rows["event_date"])
    keep = dates <= pd.Timestamp(as_of)
    if "since" in params:
        keep &= dates >= pd.Timestamp(_date(params["since"], "since"))
    if "until" in params:
        keep &= dates <= pd.Timestamp(_date(params["until"], "until"))
    rows = rows[keep].sort_values("event_date")
    statuses = sorted(set(rows["status"])) if len(rows) else []
    values = {
        "count": len(rows),
        "confirmed": int((rows["status"] == "confirmed").sum()) if len(rows) else 0,
        "statuses": statuses,
    }
    evidence = [
        {
            "event_id": r["event_id"],
            "date": pd.Timestamp(r["event_date"]).date().isoformat(),
            "title": r["title"],
            "status": r["status"],
            "source_url": r["source_url"],
        }
        for r in rows.to_dict(orient="records")
    ]
    return Values({None: values}, evidence, [data.table_source("events", rows).to_dict()])


def run_compute_share(params: dict[str, Any], data: Data) -> Values:
    from airace.service.economics import compute_share

    result = compute_share(data, as_of=_date(params["as_of"], "as_of"))
    values: dict[str | None, dict[str, Any]] = {None: result.extra["info"]}
    for rec in result.records:
        values[rec["country"]] = rec
    return Values(values, result.records, _srcs(result))


def run_classify(params: dict[str, Any], data: Data) -> Values:
    from airace.service.hardware import classify

    result = classify(data, chip_id=params["chip"])
    rec = result.record
    return Values({None: rec}, [], [*_srcs(result), {"source_url": rec["rule_source"]}])


RUNNERS: dict[str, Callable[[dict[str, Any], Data], Values]] = {
    "cadence": run_cadence,
    "gap": run_gap,
    "gap_stats": run_gap_stats,
    "hardware_compare": run_hardware_compare,
    "budget": run_budget,
    "releases": run_releases,
    "events": run_events,
    "compute_share": run_compute_share,
    "classify": run_classify,
}


# ---- verdicts ---------------------------------------------------------------------------


def _figures(checks: list[V.ExpectationResult]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for c in checks:
        out.update(c.figures)
    return out


def evaluate_reading(
    claim: Claim, reading: Reading, data: Data, as_of: dt.date
) -> V.ReadingOutcome:
    assert claim.check is not None
    params = {**claim.check.params, **reading.params}
    params.setdefault("as_of", as_of.isoformat())
    expectations = reading.expect or claim.check.expect
    runner = RUNNERS[claim.check.analysis]
    try:
        result = runner(params, data)
    except (AiraceError, ValueError, KeyError) as exc:
        from airace.analysis.frontier import NoData

        message = exc.line() if isinstance(exc, AiraceError) else str(exc)
        if isinstance(exc, (NoData, AiraceError, KeyError)) or "unpublished" in message:
            return V.ReadingOutcome(
                reading.label,
                params,
                "missing",
                [],
                error=message,
                sources=[_needed_source(claim.check.analysis, params, message)],
            )
        raise
    checks = [V.check_expectation(result.values, e) for e in expectations]
    return V.ReadingOutcome(
        reading.label,
        params,
        V.reading_status(checks),
        checks,
        _figures(checks),
        result.evidence,
        result.sources,
    )


NEEDED = {"compute_share": "epoch-clusters", "gap:epoch-eci": "epoch-eci"}


def _needed_source(analysis: str, params: dict[str, Any], message: str) -> dict[str, Any]:
    """The data a reading would need, so an 'insufficient data' verdict names its source."""
    from airace.importers import registry

    key = analysis if analysis in NEEDED else f"gap:{params.get('source')}"
    if analysis.startswith("gap") and key not in NEEDED:
        key = "gap:epoch-eci" if params.get("metric") == "eci" else ""
    if key in NEEDED:
        kind = registry.KINDS[NEEDED[key]]
        name = (
            f"{kind.publisher.producer}, {kind.publisher.title} — import with "
            f"`airace update {kind.name}`"
        )
        return {
            "source": name,
            "licence": kind.publisher.licence,
            "status": f"unavailable: {message}",
        }
    return {"source": "airace curated data", "status": f"unavailable: {message}"}


def _dedupe_sources(sources: list[dict[str, Any]]) -> list[dict[str, Any]]:
    seen, out = set(), []
    for src in sources:
        key = tuple(sorted((k, str(v)) for k, v in src.items() if v is not None))
        if key and key not in seen:
            seen.add(key)
            out.append({k: v for k, v in src.items() if v is not None})
    return out


def evaluate_claim(claim: Claim, document: str, data: Data, as_of: dt.date) -> Verdict:
    if claim.kind == "prediction":
        return _evaluate_prediction(claim, document, data, as_of)
    assert claim.check is not None
    readings = claim.check.readings or [Reading(label="as stated")]
    outcomes = [evaluate_reading(claim, r, data, as_of) for r in readings]
    verdict, reason = V.combine(outcomes)
    figures = {o.label: o.figures for o in outcomes} if len(outcomes) > 1 else (outcomes[0].figures)
    evidence = [dict(e, reading=o.label) for o in outcomes for e in o.evidence]
    sources = _dedupe_sources([s for o in outcomes for s in o.sources])
    return Verdict(claim, document, verdict, reason, figures, outcomes, evidence, sources)


def _evaluate_prediction(claim: Claim, document: str, data: Data, as_of: dt.date) -> Verdict:
    res = claim.resolution
    assert res is not None and claim.made_on and claim.resolve_by
    if res.table == "releases":
        frame = data.releases()
        rows = frame[_matches(frame, res.where)]
        if res.text or res.any_text:
            rows = rows[_text_mask(rows, ["model_name", "model_id"], res.text, res.any_text)]
        date_field, table = "release_date", "releases"
    else:
        frame = data.events()
        rows = _event_rows(frame, res.where, res.text, res.any_text)
        date_field, table = "event_date", "events"
    records = []
    for row in rows.to_dict(orient="records"):
        row[date_field] = pd.Timestamp(row[date_field]).date()
        records.append(row)
    outcome = V.resolve(
        records, date_field, res.not_before or claim.made_on, claim.resolve_by, as_of
    )
    shown = [r for r in (outcome.resolving_row, outcome.late_row) if r]
    evidence = [
        {
            k: (v.isoformat() if isinstance(v, dt.date) else v)
            for k, v in r.items()
            if k
            in ("model_id", "model_name", "event_id", "title", date_field, "status", "source_url")
        }
        for r in shown
    ]
    figures = {
        "made_on": claim.made_on.isoformat(),
        "resolve_by": claim.resolve_by.isoformat(),
        "probability": claim.probability,
        "resolved_on": (
            outcome.resolving_row[date_field].isoformat() if outcome.resolving_row else None
        ),
    }
    sources = _dedupe_sources(
        [
            data.table_source(table, rows).to_dict(),
            *({"source_url": e.get("source_url")} for e in evidence),
        ]
    )
    return Verdict(
        claim,
        document,
        outcome.verdict,
        outcome.reason,
        figures,
        [],
        evidence,
        sources,
        outcome.resolving_row,
    )


def check_ledger(ledger: Ledger, data: Data, as_of: dt.date) -> list[Verdict]:
    return [evaluate_claim(c, ledger.document.id, data, as_of) for c in ledger.claims]


def score(ledgers: list[Ledger], verdicts: list[Verdict]) -> list[dict[str, Any]]:
    """Forecasting scores per document and per author over resolved predictions."""
    author_of = {lg.document.id: lg.document.author or "unknown" for lg in ledgers}
    rows = []
    for level, key in (
        ("document", lambda v: v.document),
        ("author", lambda v: author_of.get(v.document, "unknown")),
    ):
        groups: dict[str, list[Verdict]] = {}
        for v in verdicts:
            if v.claim.kind == "prediction":
                groups.setdefault(key(v), []).append(v)
        for name, items in sorted(groups.items()):
            resolved = [v for v in items if v.verdict in (V.RESOLVED_TRUE, V.RESOLVED_FALSE)]
            with_p = [
                (v.claim.probability, v.verdict == V.RESOLVED_TRUE)
                for v in resolved
                if v.claim.probability is not None
            ]
            without = [v for v in resolved if v.claim.probability is None]
            rows.append(
                {
                    "level": level,
                    "name": name,
                    "predictions": len(items),
                    "resolved": len(resolved),
                    "pending": sum(v.verdict == V.PENDING for v in items),
                    "brier_score": V.brier([(float(p), y) for p, y in with_p]),
                    "scored_with_probability": len(with_p),
                    "hits_without_probability": sum(v.verdict == V.RESOLVED_TRUE for v in without),
                    "misses_without_probability": sum(
                        v.verdict == V.RESOLVED_FALSE for v in without
                    ),
                    "note": (
                        "no stated probabilities: reported as hit/miss only"
                        if resolved and not with_p
                        else ""
                    ),
                }
            )
    return rows


# ---- operations -------------------------------------------------------------------------


def load_ledgers(paths: Sequence[Path] = ()) -> list[Ledger]:
    """The given ledger files, or the bundled ones."""
    from airace.schema.ledger import bundled_ledgers, load_ledger

    return [load_ledger(p) for p in (paths or tuple(bundled_ledgers()))]


def verdict_record(v: Verdict) -> dict[str, Any]:
    """A verdict as a plain record (what JSON, the report and the web show)."""
    from airace.service.result import jsonable

    return {
        "claim_id": v.claim.id,
        "document": v.document,
        "kind": v.claim.kind,
        "speaker": v.claim.speaker,
        "quote": v.claim.quote,
        "verdict": v.verdict,
        "figures": jsonable(v.figures),
        "reason": v.reason,
        "readings": [
            {
                "label": o.label,
                "status": o.status,
                "params": jsonable(o.params),
                "checks": [c.text for c in o.checks],
                "error": o.error,
            }
            for o in v.readings
        ],
        "evidence": jsonable(v.evidence),
        "sources": jsonable(v.sources),
    }


def _table_sources(data: Data) -> list[Any]:
    return [data.table_source(t) for t in ("releases", "scores", "events", "chips", "systems")]


def check(data: Data, *, ledgers: Sequence[Path] = (), as_of: dt.date | None = None) -> Result:
    """One verdict per claim of the ledgers (the bundled ones by default)."""
    date = as_of or dt.date.today()
    loaded = load_ledgers(ledgers)
    verdicts = [v for lg in loaded for v in check_ledger(lg, data, date)]
    counts: dict[str, int] = {}
    for v in verdicts:
        counts[v.verdict] = counts.get(v.verdict, 0) + 1
    return Result(
        "claims-check",
        [verdict_record(v) for v in verdicts],
        _table_sources(data),
        params={"as_of": date, "ledgers": [str(lg.path) for lg in loaded]},
        extra={"verdicts": verdicts, "ledgers": loaded, "counts": counts},
    )


def explain(
    data: Data, *, claim_id: str, ledgers: Sequence[Path] = (), as_of: dt.date | None = None
) -> Result:
    """The full evidence behind one claim's verdict."""
    from airace.errors import suggest

    loaded = load_ledgers(ledgers)
    found = [(lg, c) for lg in loaded for c in lg.claims if c.id == claim_id]
    if not found:
        known = [c.id for lg in loaded for c in lg.claims]
        raise AiraceError(f"unknown claim {claim_id!r}{suggest(claim_id, known)}")
    ledger, claim = found[0]
    date = as_of or dt.date.today()
    verdict = evaluate_claim(claim, ledger.document.id, data, date)
    return Result(
        "claims-explain",
        [verdict_record(verdict)],
        _table_sources(data),
        params={"as_of": date, "claim_id": claim_id},
        extra={"verdict": verdict, "ledger": ledger, "claim": claim},
    )


def score_ledgers(
    data: Data, *, ledgers: Sequence[Path] = (), as_of: dt.date | None = None
) -> Result:
    """Forecasting scores per document and per author."""
    date = as_of or dt.date.today()
    loaded = load_ledgers(ledgers)
    verdicts = [v for lg in loaded for v in check_ledger(lg, data, date)]
    return Result(
        "claims-score", score(loaded, verdicts), _table_sources(data), params={"as_of": date}
    )
