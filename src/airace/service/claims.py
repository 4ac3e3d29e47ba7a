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
from airace.service.ledger_check import check_ledger_refs
from airace.service.result import Result


@dataclass
class Values:
    """What a runner hands to the verdict engine: values by group, evidence, sources."""

    values: dict[str | None, dict[str, Any]]
    evidence: list[dict[str, Any]] = field(default_factory=list)
    sources: list[dict[str, Any]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # caveats shown with the verdict


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
    notes: list[str] = field(default_factory=list)


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
    """Counts per lab or country. By country, also per-lab rates (mean and median launches
    per lab, each lab's count): groups with different numbers of labs are compared by these,
    not by their totals. A lab with no launch in the window names its last one before."""
    from airace.service.launches import cadence

    as_of = _date(params["as_of"], "as_of")
    since = _date(params["since"], "since") if "since" in params else None
    by = params.get("by", "lab")
    rule = params.get("rule", "main-versions")
    common = dict(
        as_of=as_of,
        since=since,
        window=None if since else params.get("window", "14M"),
        labs=params.get("labs"),
        rule=rule,
    )
    result = cadence(data, by=by, countries=params.get("countries"), **common)
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
    start: dt.date = result.params["since"]
    notes: list[str] = []
    lab_result = cadence(data, by="lab", **common) if by == "country" else result
    per_lab = lab_result.records
    for rec in per_lab:
        if rec["count"] == 0:
            values.setdefault(rec["org_id"], {})["last_before_window"] = rec["last_before_window"]
    notes += [c for c in lab_result.caveats if " since " in c and "; " in c]
    if by == "country":
        _per_lab_rates(values, per_lab, rows)
    values[None] = {
        "since": start.isoformat(),
        "as_of": result.params["as_of"].isoformat(),
        "rule": result.params["rules"][0],
    }
    return Values(values, evidence, _srcs(result), notes)


def _per_lab_rates(
    values: dict[str | None, dict[str, Any]], per_lab: list[dict[str, Any]], rows: pd.DataFrame
) -> None:
    """Add mean and median launches per lab, the lab list and each lab's count by country."""
    import statistics

    country_of = dict(zip(rows["org_id"], rows["country"], strict=False))
    by_country: dict[str, dict[str, int]] = {}
    for rec in per_lab:
        country = country_of.get(rec["org_id"])
        if country is not None:
            by_country.setdefault(str(country), {})[rec["org_id"]] = int(rec["count"])
    for country, counts in by_country.items():
        entry = values.setdefault(country, {})
        entry.update(
            labs=sorted(counts),
            lab_counts=dict(sorted(counts.items())),
            n_labs=len(counts),
            mean_per_lab=round(statistics.fmean(counts.values()), 3),
            median_per_lab=float(statistics.median(counts.values())),
        )


def _gap_args(params: dict[str, Any]) -> dict[str, Any]:
    from airace.service.frontier import gap_params

    if "metric" not in params:
        raise KeyError("metric")
    return gap_params(params)


CAVEATS_SHOWN = ("mixes settings", "stale data", "no data date")


def run_gap(params: dict[str, Any], data: Data) -> Values:
    from airace.service.frontier import gap

    result = gap(data, as_of=_date(params["as_of"], "as_of"), **_gap_args(params))
    rec = result.record
    notes = [c for c in result.caveats if any(k in c for k in CAVEATS_SHOWN)]
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
    for item in evidence:
        item["setting"] = rec.get(f"{item['role']}_setting")
    return Values({None: rec}, evidence, _srcs(result), notes)


def run_gap_stats(params: dict[str, Any], data: Data) -> Values:
    from airace.service.frontier import gap_stats

    since, until = _date(params["since"], "since"), _date(params["until"], "until")
    result = gap_stats(
        data,
        since=since,
        until=until,
        bootstrap=int(params.get("bootstrap", 1000)),
        seed=int(params.get("seed", 0)),
        sensitivity=False,
        **_gap_args(params),
    )
    leader, follower = result.records[0]["groups"].split(":", 1)[1].split(",")
    return Values(
        {None: result.record},
        _frontier_steps(result.extra["points"], [leader, follower], since, until),
        _srcs(result),
    )


def run_model_scores(params: dict[str, Any], data: Data) -> Values:
    """Named models' best scores on one metric under one setting (like-for-like by
    default), e.g. a new version against its predecessor. A model matches its own id and
    the source's variants of it (reasoning-effort suffixes, host prefixes)."""
    from airace.analysis.frontier import base_model
    from airace.service.frontier import setting_label, with_setting
    from airace.service.points import Groups

    lab = params["lab"]
    models = [str(m) for m in params["models"]]
    points = with_setting(
        data.points(params["metric"], Groups("lab", lab, lab), params.get("source")),
        params.get("setting", "like-for-like"),
    )
    frame = points.frame.drop_duplicates(["model", "score", "date"])
    values: dict[str | None, dict[str, Any]] = {}
    evidence = []
    for wanted in models:
        rows = frame[frame["model"].astype(str).map(base_model) == wanted.casefold()]
        if not len(rows):
            continue
        best = rows.loc[rows["score"].idxmax()]
        values[wanted] = {
            "score": float(best["score"]),
            "row": str(best["model"]),
            "setting": setting_label(points, lab, str(best["model"]), float(best["score"])),
        }
        evidence.append(
            {
                "model_id": wanted,
                "row": str(best["model"]),
                "score": float(best["score"]),
                "date": pd.Timestamp(best["date"]).date().isoformat(),
                "setting": values[wanted]["setting"],
            }
        )
    return Values(values, evidence, [s.to_dict() for s in points.sources])


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


def _window(rows: pd.DataFrame, params: dict[str, Any], as_of: dt.date) -> pd.DataFrame:
    dates = pd.to_datetime(rows["event_date"])
    keep = dates <= pd.Timestamp(as_of)
    if "since" in params:
        keep &= dates >= pd.Timestamp(_date(params["since"], "since"))
    if "until" in params:
        keep &= dates <= pd.Timestamp(_date(params["until"], "until"))
    return rows[keep].sort_values("event_date")


def _event_evidence(rows: pd.DataFrame, role: str) -> list[dict[str, Any]]:
    return [
        {
            "event_id": r["event_id"],
            "date": pd.Timestamp(r["event_date"]).date().isoformat(),
            "title": r["title"],
            "status": r["status"],
            "role": role,
            "source_url": r["source_url"],
        }
        for r in rows.to_dict(orient="records")
    ]


def run_events(params: dict[str, Any], data: Data) -> Values:
    """Matching events by status. ``count`` excludes denials; ``confirmed`` counts confirmed
    rows only (what an event claim needs to be supported); ``denied`` counts denials that
    match the claim's words whatever their event type, so they are shown beside the reports.
    """
    as_of = _date(params["as_of"], "as_of")
    frame = data.events()
    text, any_text = params.get("text", []), params.get("any_text", [])
    rows = _window(_event_rows(frame, params.get("where", {}), text, any_text), params, as_of)
    rows = rows[rows["status"] != "denied"]
    denials = _window(
        _event_rows(frame, {"status": "denied"}, text, any_text)
        if text or any_text
        else frame.iloc[0:0],
        params,
        as_of,
    )
    confirmed = int((rows["status"] == "confirmed").sum()) if len(rows) else 0
    values = {
        "count": len(rows),
        "confirmed": confirmed,
        "reported": len(rows) - confirmed,
        "denied": len(denials),
        "statuses": sorted(set(rows["status"])) if len(rows) else [],
    }
    evidence = _event_evidence(rows, "match") + _event_evidence(denials, "denial")
    notes = [
        f"denied: {r['title']} ({r['date']}, {r['source_url']})"
        for r in _event_evidence(denials, "denial")
    ]
    return Values(
        {None: values},
        evidence,
        [data.table_source("events", pd.concat([rows, denials])).to_dict()],
        notes,
    )


def run_compute_share(params: dict[str, Any], data: Data) -> Values:
    """Compute by country under both Epoch filters (the default standard rows and all rows:
    ``*_all_rows``), and each country's newest dated cluster row (``last_dated_row``), so a
    reader sees how much the filter and the data's coverage move the comparison."""
    from airace.service.economics import compute_share

    as_of = _date(params["as_of"], "as_of")
    result = compute_share(data, as_of=as_of, all_rows=bool(params.get("all_rows", False)))
    values: dict[str | None, dict[str, Any]] = {None: result.extra["info"]}
    for rec in result.records:
        values[rec["country"]] = dict(rec)
    notes = [c for c in result.caveats if c.startswith(("US:", "CN:"))]
    return Values(values, result.records, _srcs(result), notes)


def run_classify(params: dict[str, Any], data: Data) -> Values:
    from airace.service.hardware import classify

    result = classify(data, chip_id=params["chip"])
    rec = result.record
    return Values({None: rec}, [], [*_srcs(result), {"source_url": rec["rule_source"]}])


def run_efficiency(params: dict[str, Any], data: Data) -> Values:
    from airace.service.compute_efficiency import efficiency_values

    return Values(**efficiency_values(params, data))


def run_scenario(params: dict[str, Any], data: Data) -> Values:
    """A compute-supply scenario's named-event probabilities (see docs/scenarios.md)."""
    from airace.service.scenarios import check_values

    values, evidence, sources = check_values(params, data)
    return Values(values, evidence, sources)


RUNNERS: dict[str, Callable[[dict[str, Any], Data], Values]] = {
    "cadence": run_cadence,
    "gap": run_gap,
    "gap_stats": run_gap_stats,
    "hardware_compare": run_hardware_compare,
    "budget": run_budget,
    "releases": run_releases,
    "events": run_events,
    "compute_share": run_compute_share,
    "model_scores": run_model_scores,
    "classify": run_classify,
    "efficiency": run_efficiency,
    "scenario": run_scenario,
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
    status = V.reading_status(checks)
    notes = list(result.notes)
    if claim.check.analysis == "events" and status == "holds":
        status, checks, note = _confirmed_only(result.values, expectations, checks)
        notes += note
    return V.ReadingOutcome(
        reading.label,
        params,
        status,
        checks,
        _figures(checks),
        result.evidence,
        result.sources,
        notes=notes,
    )


def _confirmed_only(
    values: dict[str | None, dict[str, Any]],
    expectations: list[Any],
    checks: list[V.ExpectationResult],
) -> tuple[str, list[V.ExpectationResult], list[str]]:
    """An event reading holds only on confirmed rows; on reported rows alone it is
    ``reported`` (the verdict 'reported, unconfirmed')."""
    top = values.get(None, {})
    confirmed = {**values, None: {**top, "count": top.get("confirmed", 0)}}
    again = [V.check_expectation(confirmed, e) for e in expectations]
    if V.reading_status(again) == "holds":
        return "holds", checks, []
    note = (
        f"{top.get('count', 0)} matching row(s), {top.get('confirmed', 0)} confirmed: "
        "the evidence is reported, not confirmed"
    )
    return "reported", checks, [note]


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
    notes = list(dict.fromkeys(n for o in outcomes for n in o.notes))
    if notes:
        reason = f"{reason} [{'; '.join(notes)}]"
    return Verdict(
        claim, document, verdict, reason, figures, outcomes, evidence, sources, notes=notes
    )


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
    covered, basis = _coverage(data, frame, date_field, res.where, table)
    outcome = V.resolve(
        records, date_field, res.not_before or claim.made_on, claim.resolve_by, as_of, covered
    )
    if outcome.verdict == V.INSUFFICIENT:
        outcome.reason = f"{outcome.reason} ({basis})"
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
    probability, probability_basis = _prediction_probability(claim, data)
    figures = {
        "made_on": claim.made_on.isoformat(),
        "resolve_by": claim.resolve_by.isoformat(),
        "probability": probability,
        "probability_basis": probability_basis,
        "resolved_on": (
            outcome.resolving_row[date_field].isoformat() if outcome.resolving_row else None
        ),
        "covered_through": covered.isoformat() if covered else None,
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


def _coverage(
    data: Data, frame: pd.DataFrame, date_field: str, where: dict[str, Any], table: str
) -> tuple[dt.date | None, str]:
    """The last date a table is known to cover for a prediction, and how that is known.

    The curated ``coverage`` table, when present, says how far each table is complete per
    lab, country or ``all``; the most specific row for the prediction's lab (``org_id`` in
    ``where``) wins. Without one, coverage is the newest dated row (of the lab, else of the
    table). After that date an absent row is no evidence that nothing happened.
    """
    lab = where.get("org_id") if isinstance(where.get("org_id"), str) else None
    declared = _declared_coverage(data, table, lab)
    if declared is not None:
        return declared
    rows = frame
    scope = table
    if lab is not None and "org_id" in frame.columns:
        rows = frame[frame["org_id"] == lab]
        scope = f"{table} for {lab}"
    dates = pd.to_datetime(rows[date_field]).dropna() if len(rows) else pd.Series([])
    if not len(dates):
        return None, f"no dated rows in {scope}"
    last = pd.Timestamp(dates.max()).date()
    return last, f"coverage: the newest row of {scope} is dated {last}"


def _declared_coverage(data: Data, table: str, lab: str | None) -> tuple[dt.date, str] | None:
    try:
        cov = data.table("coverage")
    except Exception:  # no coverage table in this catalog or test provider: fall back
        return None
    if not len(cov) or "table" not in cov.columns:
        return None
    rows = cov[cov["table"] == table]
    country = None
    if lab is not None:
        orgs = data.orgs()
        match = orgs[orgs["org_id"] == lab]["country"]
        country = str(match.iloc[0]) if len(match) else None
    for scope in (lab, country, "all"):
        hit = rows[rows["scope"] == scope] if scope is not None else rows.iloc[0:0]
        if len(hit):
            row = hit.iloc[0]
            day = pd.Timestamp(row["complete_through_date"]).date()
            return day, (
                f"coverage: {table} is complete through {day} for {scope} ({row['source_url']})"
            )
    return None


def check_ledger(ledger: Ledger, data: Data, as_of: dt.date) -> list[Verdict]:
    return [evaluate_claim(c, ledger.document.id, data, as_of) for c in ledger.claims]


def _prediction_probability(claim: Claim, data: Data) -> tuple[float | None, str | None]:
    """The stated probability, or the one a scenario gives the claim's named event."""
    if claim.probability is not None:
        return claim.probability, "stated"
    source = claim.probability_from
    if source is None:
        return None, None
    from airace.service.scenarios import event_probability

    rec = event_probability(
        data, scenario=source.scenario, event=source.event, paths=source.paths, seed=source.seed
    )
    return (
        float(rec["probability"]),
        f"scenario {source.scenario}, event {source.event}, {source.paths} paths, seed "
        f"{source.seed} (Monte-Carlo s.e. {float(rec['mc_se']):.4f})",
    )


def _probability(v: Verdict) -> float | None:
    value = v.figures.get("probability") if isinstance(v.figures, dict) else None
    return None if value is None else float(value)


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
                (_probability(v), v.verdict == V.RESOLVED_TRUE)
                for v in resolved
                if _probability(v) is not None
            ]
            without = [v for v in resolved if _probability(v) is None]
            rows.append(
                {
                    "level": level,
                    "name": name,
                    "predictions": len(items),
                    "resolved": len(resolved),
                    "pending": sum(v.verdict == V.PENDING for v in items),
                    "brier_score": V.brier([(float(p), y) for p, y in with_p if p is not None]),
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
        "notes": list(v.notes),
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
    for lg in loaded:
        check_ledger_refs(lg, data)
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
    for lg in loaded:
        check_ledger_refs(lg, data)
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
    for lg in loaded:
        check_ledger_refs(lg, data)
    verdicts = [v for lg in loaded for v in check_ledger(lg, data, date)]
    return Result(
        "claims-score", score(loaded, verdicts), _table_sources(data), params={"as_of": date}
    )
