"""Checking a ledger's claims against the data: one verdict per claim, with evidence.

Each check names an analysis; :data:`RUNNERS` maps analysis names to small functions that
call the same analysis code as the CLI commands and return values by group, the evidence
rows behind them and their sources. Data comes from a provider (the catalog, or tables a
test builds), so the verdict logic itself never touches files.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

import pandas as pd

from airace.analysis import verdicts as V
from airace.errors import AiraceError
from airace.ledger import Claim, Ledger, Reading


class Data(Protocol):
    """What claim checks read. The catalog implements it; tests implement it on frames."""

    def releases(self) -> pd.DataFrame: ...
    def events(self) -> pd.DataFrame: ...
    def points(self, metric: str, groups: str, source: str | None) -> Any: ...
    def units(self) -> dict[str, Any]: ...
    def reference_runs(self) -> pd.DataFrame: ...
    def clusters(self) -> tuple[pd.DataFrame, dict[str, Any]]: ...


@dataclass
class Result:
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


CURATED_RELEASES = {"source": "airace curated releases", "licence": "CC BY 4.0"}
CURATED_EVENTS = {"source": "airace curated events", "licence": "CC BY 4.0"}
CURATED_HARDWARE = {"source": "airace curated chips and systems", "licence": "CC BY 4.0"}


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


def _text_mask(frame: pd.DataFrame, columns: list[str], every: list[str], anyof: list[str]
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

def run_cadence(params: dict[str, Any], data: Data) -> Result:
    from airace.analysis.cadence import count_launches
    from airace.periods import window_start
    from airace.rules import resolve_rule

    as_of = _date(params["as_of"], "as_of")
    since = (_date(params["since"], "since") if "since" in params
             else window_start(as_of, params.get("window", "14M")))
    rule = resolve_rule(params.get("rule", "main-versions"))
    by = params.get("by", "lab")
    frame = data.releases()
    labs = params.get("labs")
    group_by = "org_id" if by == "lab" else "country"
    if labs and by == "country":
        frame = frame[frame["org_id"].isin(labs)]
    groups = labs if by == "lab" else params.get("countries")
    table = count_launches(frame, rule, since=since, as_of=as_of, group_by=group_by,
                           groups=groups)
    rows = frame.drop_duplicates("model_id").set_index("model_id")
    values, evidence = {}, []
    for rec in table.to_dict(orient="records"):
        values[rec["group"]] = {"count": rec["count"],
                                "median_interval_days": rec["median_interval_days"],
                                "days_since_last": rec["days_since_last"]}
        for mid, day in zip(rec["model_ids"], rec["release_dates"], strict=True):
            evidence.append({"group": rec["group"], "model_id": mid,
                             "model_name": rows.loc[mid, "model_name"], "date": day,
                             "source_url": rows.loc[mid, "source_url"]})
    values[None] = {"since": since.isoformat(), "as_of": as_of.isoformat(), "rule": rule.name}
    return Result(values, evidence, [CURATED_RELEASES])


def _points(params: dict[str, Any], data: Data) -> Any:
    return data.points(params["metric"], params.get("groups", "country:US,CN"),
                       params.get("source"))


def run_gap(params: dict[str, Any], data: Data) -> Result:
    from airace.analysis.frontier import gap_at

    points = _points(params, data)
    groups = params.get("groups", "country:US,CN").split(":", 1)[1].split(",")
    rec = gap_at(points.frame, groups[0].strip(), groups[1].strip(),
                 _date(params["as_of"], "as_of"), float(params.get("tie", 0)))
    evidence = [{"role": "leader", "model": rec["leader_model"], "score": rec["leader_score"],
                 "date": rec["leader_model_date"]},
                {"role": "follower", "model": rec["follower_model"],
                 "score": rec["follower_score"], "date": rec["follower_model_date"]}]
    return Result({None: rec}, evidence, points.sources)


def run_gap_stats(params: dict[str, Any], data: Data) -> Result:
    from airace.analysis.frontier import lag_stats

    points = _points(params, data)
    groups = params.get("groups", "country:US,CN").split(":", 1)[1].split(",")
    since, until = _date(params["since"], "since"), _date(params["until"], "until")
    leader, follower = groups[0].strip(), groups[1].strip()
    rec = lag_stats(points.frame, leader, follower, since, until,
                    float(params.get("tie", 0)), int(params.get("bootstrap", 500)),
                    int(params.get("seed", 0)))
    return Result({None: rec}, _frontier_steps(points.frame, [leader, follower], since, until),
                  points.sources)


def _frontier_steps(frame: pd.DataFrame, groups: list[str], since: dt.date, until: dt.date
                    ) -> list[dict[str, Any]]:
    """The models that set each group's frontier in the period (and the one in force at its
    start): the evidence behind a lag trend."""
    from airace.analysis.frontier import from_day, frontier, to_day

    rows = []
    for group in groups:
        front = frontier(frame, group)
        start = max(0, int((front.days <= to_day(since)).sum()) - 1)
        for day, score, model in zip(front.days[start:], front.scores[start:],
                                     front.models[start:], strict=True):
            if day <= to_day(until):
                rows.append({"group": group, "model": str(model),
                             "date": from_day(int(day)).isoformat(), "score": float(score)})
    return rows


def run_hardware_compare(params: dict[str, Any], data: Data) -> Result:
    from airace.analysis.hardware import MissingFigure, compare

    units = data.units()
    for key in ("base", "other"):
        if params[key] not in units:
            raise AiraceError(f"unknown chip or system {params[key]!r}")
    try:
        rec = compare(units[params["base"]], units[params["other"]],
                      precision=params.get("precision", "bf16"),
                      sparse=bool(params.get("sparse", False)),
                      basis=params.get("basis", "compute"),
                      power_basis=params.get("power_basis", "all-in"))
    except MissingFigure as exc:
        return Result({None: {}}, [{"missing": str(exc)}], [CURATED_HARDWARE])
    evidence = [i for i in rec["inputs"] if i["value"] is not None]
    sources = [CURATED_HARDWARE, *({"source_url": i["source_url"]} for i in evidence
                                   if i.get("source_url"))]
    return Result({None: rec}, evidence, sources)


def run_budget(params: dict[str, Any], data: Data) -> Result:
    from airace.analysis.budget import budget

    units = data.units()
    chip = units.get(params["chip"])
    if chip is None:
        raise AiraceError(f"unknown chip {params['chip']!r}")
    runs = data.reference_runs()
    if params.get("runs"):
        runs = runs[runs["model_id"].isin(params["runs"])]
    rec = budget(float(params["usd"]), chip, runs, price=params.get("price_usd"),
                 utilization=float(params.get("utilization", 0.4)),
                 days=float(params.get("days", 90)), precision=params.get("precision", "bf16"))
    values: dict[str | None, dict[str, Any]] = {None: {k: v for k, v in rec.items()
                                                       if k != "equivalents"}}
    for eq in rec["equivalents"]:
        values[eq["model_id"]] = eq
    src = chip.source("price_usd_low")
    sources = [CURATED_HARDWARE, {"source_url": src.get("source_url")}]
    sources.extend({"source_url": e["source_url"]} for e in rec["equivalents"]
                   if e.get("source_url"))
    return Result(values, rec["equivalents"], sources)


def run_releases(params: dict[str, Any], data: Data) -> Result:
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
        values.update(first_date=first.isoformat(), last_date=last.isoformat(),
                      months_since_first=round((as_of - first).days / 30.44, 2),
                      months_since_last=round((as_of - last).days / 30.44, 2))
        modalities = sorted({m for cell in rows["output_modalities"] for m in (
            list(cell) if isinstance(cell, (list, tuple)) or hasattr(cell, "tolist")
            else [])}) if "output_modalities" in rows else []
        values["output_modalities"] = modalities
    evidence = [{"model_id": r["model_id"], "model_name": r["model_name"],
                 "date": pd.Timestamp(r["release_date"]).date().isoformat(),
                 "source_url": r["source_url"]} for r in rows.to_dict(orient="records")]
    return Result({None: values}, evidence, [CURATED_RELEASES])


EVENT_TEXT = ["title", "summary", "affected_firms", "affected_chips"]


def _event_rows(frame: pd.DataFrame, where: dict[str, Any], text: list[str],
                any_text: list[str]) -> pd.DataFrame:
    mask = _matches(frame, where)
    columns = [c for c in EVENT_TEXT if c in frame.columns]
    if text or any_text:
        prepared = frame.copy()
        for c in columns:
            prepared[c] = prepared[c].map(lambda v: " ".join(v) if isinstance(
                v, (list, tuple)) else ("" if v is None else str(v)))
        mask &= _text_mask(prepared, columns, text, any_text)
    return frame[mask]


def run_events(params: dict[str, Any], data: Data) -> Result:
    as_of = _date(params["as_of"], "as_of")
    frame = data.events()
    rows = _event_rows(frame, params.get("where", {}), params.get("text", []),
                       params.get("any_text", []))
    dates = pd.to_datetime(rows["event_date"])
    keep = dates <= pd.Timestamp(as_of)
    if "since" in params:
        keep &= dates >= pd.Timestamp(_date(params["since"], "since"))
    if "until" in params:
        keep &= dates <= pd.Timestamp(_date(params["until"], "until"))
    rows = rows[keep].sort_values("event_date")
    statuses = sorted(set(rows["status"])) if len(rows) else []
    values = {"count": len(rows),
              "confirmed": int((rows["status"] == "confirmed").sum()) if len(rows) else 0,
              "statuses": statuses}
    evidence = [{"event_id": r["event_id"],
                 "date": pd.Timestamp(r["event_date"]).date().isoformat(),
                 "title": r["title"], "status": r["status"], "source_url": r["source_url"]}
                for r in rows.to_dict(orient="records")]
    return Result({None: values}, evidence, [CURATED_EVENTS])


def run_compute_share(params: dict[str, Any], data: Data) -> Result:
    from airace.analysis.compute_share import compute_share

    clusters, meta = data.clusters()
    table, info = compute_share(clusters, _date(params["as_of"], "as_of"))
    values: dict[str | None, dict[str, Any]] = {None: info}
    for rec in table.to_dict(orient="records"):
        values[rec["country"]] = rec
    source = {"source": meta.get("citation"), "snapshot": meta.get("snapshot_id"),
              "licence": meta.get("licence")}
    return Result(values, table.to_dict(orient="records"), [source])


def run_classify(params: dict[str, Any], data: Data) -> Result:
    from airace.analysis.hardware import classify

    units = data.units()
    rec = classify(units[params["chip"]])
    return Result({None: rec}, [], [CURATED_HARDWARE, {"source_url": rec["rule_source"]}])


RUNNERS: dict[str, Callable[[dict[str, Any], Data], Result]] = {
    "cadence": run_cadence, "gap": run_gap, "gap_stats": run_gap_stats,
    "hardware_compare": run_hardware_compare, "budget": run_budget,
    "releases": run_releases, "events": run_events, "compute_share": run_compute_share,
    "classify": run_classify,
}


# ---- verdicts ---------------------------------------------------------------------------

def _figures(checks: list[V.ExpectationResult]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for c in checks:
        out.update(c.figures)
    return out


def evaluate_reading(claim: Claim, reading: Reading, data: Data, as_of: dt.date
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
            return V.ReadingOutcome(reading.label, params, "missing", [], error=message,
                                    sources=[_needed_source(claim.check.analysis, params,
                                                            message)])
        raise
    checks = [V.check_expectation(result.values, e) for e in expectations]
    return V.ReadingOutcome(reading.label, params, V.reading_status(checks), checks,
                            _figures(checks), result.evidence, result.sources)


NEEDED = {
    "compute_share": ("Epoch AI, AI Supercomputers (GPU clusters) — import with "
                      "`airace update epoch-clusters`", "CC BY 4.0"),
    "gap:epoch-eci": ("Epoch AI, Epoch Capabilities Index — import with "
                      "`airace update epoch-eci`", "CC BY 4.0"),
}


def _needed_source(analysis: str, params: dict[str, Any], message: str) -> dict[str, Any]:
    """The data a reading would need, so an 'insufficient data' verdict names its source."""
    key = analysis if analysis in NEEDED else f"gap:{params.get('source')}"
    if analysis.startswith("gap") and key not in NEEDED:
        key = "gap:epoch-eci" if params.get("metric") == "eci" else ""
    name, licence = NEEDED.get(key, ("airace curated data", "CC BY 4.0"))
    return {"source": name, "licence": licence, "status": f"unavailable: {message}"}


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
    figures = {o.label: o.figures for o in outcomes} if len(outcomes) > 1 else (
        outcomes[0].figures)
    evidence = [dict(e, reading=o.label) for o in outcomes for e in o.evidence]
    sources = _dedupe_sources([s for o in outcomes for s in o.sources])
    return Verdict(claim, document, verdict, reason, figures, outcomes, evidence, sources)


def _evaluate_prediction(claim: Claim, document: str, data: Data, as_of: dt.date
                         ) -> Verdict:
    res = claim.resolution
    assert res is not None and claim.made_on and claim.resolve_by
    if res.table == "releases":
        frame = data.releases()
        rows = frame[_matches(frame, res.where)]
        if res.text or res.any_text:
            rows = rows[_text_mask(rows, ["model_name", "model_id"], res.text, res.any_text)]
        date_field, source = "release_date", CURATED_RELEASES
    else:
        frame = data.events()
        rows = _event_rows(frame, res.where, res.text, res.any_text)
        date_field, source = "event_date", CURATED_EVENTS
    records = []
    for row in rows.to_dict(orient="records"):
        row[date_field] = pd.Timestamp(row[date_field]).date()
        records.append(row)
    outcome = V.resolve(records, date_field, res.not_before or claim.made_on,
                        claim.resolve_by, as_of)
    shown = [r for r in (outcome.resolving_row, outcome.late_row) if r]
    evidence = [{k: (v.isoformat() if isinstance(v, dt.date) else v)
                 for k, v in r.items() if k in ("model_id", "model_name", "event_id", "title",
                                                date_field, "status", "source_url")}
                for r in shown]
    figures = {"made_on": claim.made_on.isoformat(), "resolve_by": claim.resolve_by.isoformat(),
               "probability": claim.probability,
               "resolved_on": (outcome.resolving_row[date_field].isoformat()
                               if outcome.resolving_row else None)}
    sources = _dedupe_sources([source, *({"source_url": e.get("source_url")}
                                         for e in evidence)])
    return Verdict(claim, document, outcome.verdict, outcome.reason, figures, [], evidence,
                   sources, outcome.resolving_row)


def check_ledger(ledger: Ledger, data: Data, as_of: dt.date) -> list[Verdict]:
    return [evaluate_claim(c, ledger.document.id, data, as_of) for c in ledger.claims]


def score(ledgers: list[Ledger], verdicts: list[Verdict]) -> list[dict[str, Any]]:
    """Forecasting scores per document and per author over resolved predictions."""
    author_of = {lg.document.id: lg.document.author or "unknown" for lg in ledgers}
    rows = []
    for level, key in (("document", lambda v: v.document),
                       ("author", lambda v: author_of.get(v.document, "unknown"))):
        groups: dict[str, list[Verdict]] = {}
        for v in verdicts:
            if v.claim.kind == "prediction":
                groups.setdefault(key(v), []).append(v)
        for name, items in sorted(groups.items()):
            resolved = [v for v in items if v.verdict in (V.RESOLVED_TRUE, V.RESOLVED_FALSE)]
            with_p = [(v.claim.probability, v.verdict == V.RESOLVED_TRUE) for v in resolved
                      if v.claim.probability is not None]
            without = [v for v in resolved if v.claim.probability is None]
            rows.append({
                "level": level, "name": name, "predictions": len(items),
                "resolved": len(resolved), "pending": sum(v.verdict == V.PENDING
                                                          for v in items),
                "brier_score": V.brier([(float(p), y) for p, y in with_p]),
                "scored_with_probability": len(with_p),
                "hits_without_probability": sum(v.verdict == V.RESOLVED_TRUE for v in without),
                "misses_without_probability": sum(v.verdict == V.RESOLVED_FALSE
                                                  for v in without),
                "note": ("no stated probabilities: reported as hit/miss only"
                         if resolved and not with_p else ""),
            })
    return rows


class CatalogData:
    """The catalog as a claims data provider (curated tables plus imported snapshots).

    Tables are read once per provider: a ledger check asks for the same tables many times.
    """

    def __init__(self) -> None:
        self._cache: dict[Any, Any] = {}

    def _once(self, key: Any, load: Callable[[], Any]) -> Any:
        if key not in self._cache:
            try:
                self._cache[key] = (True, load())
            except AiraceError as exc:
                self._cache[key] = (False, exc)
        ok, value = self._cache[key]
        if not ok:
            raise value
        return value

    def releases(self) -> pd.DataFrame:
        from airace import api

        return self._once("releases", api.releases)

    def events(self) -> pd.DataFrame:
        from airace import catalog

        return self._once("events", lambda: catalog.query(
            "SELECT * FROM events ORDER BY event_date"))

    def points(self, metric: str, groups: str, source: str | None) -> Any:
        from airace.points import load_points, parse_groups

        return self._once(("points", metric, groups, source),
                          lambda: load_points(metric, parse_groups(groups), source))

    def units(self) -> dict[str, Any]:
        from airace.hardware_data import load_units

        return self._once("units", load_units)

    def reference_runs(self) -> pd.DataFrame:
        from airace.hardware_data import reference_runs

        return self._once("runs", reference_runs)

    def clusters(self) -> tuple[pd.DataFrame, dict[str, Any]]:
        from airace.sources import snapshot_rows

        rows = self._once("clusters", lambda: snapshot_rows("epoch-clusters"))
        return rows, rows.attrs["snapshot"]
