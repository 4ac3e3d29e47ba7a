"""Charts drawn from the service layer: one function per chart kind, by parameters.

`airace chart`, the HTML report and the web dashboard all call :func:`chart`, so a chart
of the same kind and parameters is the same chart everywhere. Each kind runs the service
operation behind it and hands its records and sources to :mod:`airace.render.charts`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from airace.errors import AiraceError, suggest
from airace.service.data import Data
from airace.service.frontier import gap_params as _gap_args


def _date(value: Any, name: str) -> dt.date:
    if isinstance(value, dt.date):
        return value
    if value is None:
        raise AiraceError(f"this chart needs --{name.replace('_', '-')}")
    from airace.schema.periods import user_date

    return user_date(str(value), f"--{name.replace('_', '-')}")


def _subtitle(params: dict[str, Any]) -> str:
    def shown(v: Any) -> bool:
        return v is not None and v is not False and v not in ("", [], ())

    return ", ".join(
        f"{k}={','.join(map(str, v)) if isinstance(v, (list, tuple)) else v}"
        for k, v in params.items()
        if shown(v)
    )


def _frontier(data: Data, p: dict[str, Any]) -> Any:
    from airace.render import charts
    from airace.service import frontier

    result = frontier.gap(data, as_of=_date(p.get("as_of"), "as_of"), **_gap_args(p))
    return charts.frontier(
        result.extra["points"],
        gap=result.record,
        title=f"Frontier and lag: {result.record['metric']}",
        subtitle=_subtitle(p),
        sources=result.sources,
    )


def _lag(data: Data, p: dict[str, Any]) -> Any:
    from airace.render import charts
    from airace.service import frontier

    since = _date(p["since"], "since") if p.get("since") else None
    until = _date(p["until"], "until") if p.get("until") else None
    as_of = _date(p["as_of"], "as_of") if p.get("as_of") else None
    stats = frontier.gap_stats(
        data,
        since=since,
        until=until,
        as_of=as_of,
        bootstrap=int(p.get("bootstrap") or 500),
        seed=int(p.get("seed") or 0),
        sensitivity=False,
        **_gap_args(p),
    )
    series = frontier.gap_series(
        data,
        since=stats.params["since"],
        until=stats.params["until"],
        every="monthly",
        **_gap_args(p),
    )
    return charts.lag(
        series.to_frame(),
        trend=stats.record,
        title=f"Lag over time: {stats.record['metric']}",
        subtitle=_subtitle(p),
        sources=stats.sources,
    )


def _cadence_result(data: Data, p: dict[str, Any], sensitivity: bool) -> Any:
    from airace.service import launches

    since = _date(p["since"], "since") if p.get("since") else None
    return launches.cadence(
        data,
        as_of=_date(p.get("as_of"), "as_of"),
        since=since,
        window=None if since else (p.get("window") or "14M"),
        labs=p.get("labs"),
        by=p.get("by") or "lab",
        countries=p.get("countries"),
        rule=None if sensitivity else (p.get("rule") or "main-versions"),
        sensitivity=sensitivity,
    )


def _flat(value: Any) -> list[Any]:
    """Collapsed ids come as a list per counted launch; flatten them."""
    if isinstance(value, (list, tuple)) or hasattr(value, "tolist"):
        items = value.tolist() if hasattr(value, "tolist") else value
        return [x for item in items for x in _flat(item)]
    return [] if value is None else [value]


def _cadence(data: Data, p: dict[str, Any]) -> Any:
    from airace.render import charts

    result = _cadence_result(data, p, sensitivity=False)
    rows = result.extra["rows"]
    collapsed = {str(i) for rec in result.records for i in _flat(rec["collapsed_ids"])}
    dates = {i: rows.loc[i, "release_date"] for i in collapsed if i in rows.index}
    return charts.cadence(
        result.to_frame(),
        rule=result.params["rules"][0],
        release_dates=dates,
        title="Launches counted",
        subtitle=_subtitle({**p, "rule": result.params["rules"][0]}),
        sources=result.sources,
    )


def _sensitivity(data: Data, p: dict[str, Any]) -> Any:
    from airace.render import charts

    result = _cadence_result(data, p, sensitivity=True)
    return charts.sensitivity(
        result.to_frame(),
        title="Launch counts by counting rule",
        subtitle=_subtitle(p),
        sources=result.sources,
    )


def _hardware(data: Data, p: dict[str, Any]) -> Any:
    from airace.render import charts
    from airace.service import hardware

    if not p.get("base") or not p.get("other"):
        raise AiraceError("the hardware chart needs --base and --other (chip or system ids)")
    result = hardware.compare(
        data,
        base=p["base"],
        other=p["other"],
        precision=p.get("precision") or "bf16",
        sparse=bool(p.get("sparse")),
        basis=p.get("basis") or "compute",
        power_basis=p.get("power_basis") or "all-in",
    )
    return charts.hardware(
        result.record,
        title=f"{p['other']} for the compute of {p['base']}",
        subtitle=_subtitle(p),
        sources=result.sources,
    )


def _budget(data: Data, p: dict[str, Any]) -> Any:
    from airace.render import charts
    from airace.service import economics

    if p.get("usd") is None or not p.get("chip"):
        raise AiraceError("the budget chart needs --usd and --chip")
    runs = p.get("runs")
    result = economics.budget(
        data,
        usd=float(p["usd"]),
        chip_id=p["chip"],
        precision=p.get("precision") or "bf16",
        runs=runs,
        all_runs=not runs,
    )
    return charts.budget(result.record, subtitle=_subtitle(p), sources=result.sources)


def _compute_share(data: Data, p: dict[str, Any]) -> Any:
    """Shares at quarter ends from --since to --as-of (one date when --since is absent)."""
    import pandas as pd

    from airace.render import charts
    from airace.service import economics

    end = _date(p.get("as_of"), "as_of")
    start = _date(p["since"], "since") if p.get("since") else end
    days = [d.date() for d in pd.date_range(start, end, freq="QE")] or [end]
    if days[-1] != end:
        days.append(end)
    frames, sources = [], []
    for day in days:
        result = economics.compute_share(data, as_of=day, all_rows=bool(p.get("all_rows")))
        frame = result.to_frame()
        frame["as_of"] = day.isoformat()
        frames.append(frame)
        sources = result.sources
    return charts.compute_share(
        pd.concat(frames, ignore_index=True),
        title="AI supercomputer compute by country",
        subtitle=_subtitle(p),
        sources=sources,
    )


def _events(data: Data, p: dict[str, Any]) -> Any:
    import pandas as pd

    from airace.render import charts

    frame = data.events()
    dates = pd.to_datetime(frame["event_date"])
    if p.get("since"):
        frame = frame[dates >= pd.Timestamp(_date(p["since"], "since"))]
    if p.get("until") or p.get("as_of"):
        end = _date(p.get("until") or p.get("as_of"), "until")
        frame = frame[pd.to_datetime(frame["event_date"]) <= pd.Timestamp(end)]
    return charts.events(
        frame,
        title="Export controls and related events",
        subtitle=_subtitle(p),
        sources=[data.table_source("events", frame)],
    )


def _scenario_run(data: Data, p: dict[str, Any], analyses: bool = True) -> Any:
    """A scenario's Result; ``analyses=False`` skips the tornado, sensitivity and backtest
    (a fan chart needs only the quantiles)."""
    from airace.service import scenarios

    if not p.get("scenario"):
        raise AiraceError(
            "this chart needs --scenario (a bundled name such as baseline, or a scenario file)"
        )
    run = scenarios.simulate(
        data,
        scenario=str(p["scenario"]),
        paths=int(p.get("paths") or 10_000),
        seed=int(p.get("seed") or 0),
        until=_date(p["until"], "until") if p.get("until") else None,
        tornado=analyses,
        analyses=analyses,
    )
    return scenarios.as_result(run, data)


def _fan(data: Data, p: dict[str, Any]) -> Any:
    from airace.render import charts

    result = _scenario_run(data, p, analyses=False)
    shown = {k: result.params[k] for k in ("scenario", "paths", "seed", "until")}
    return charts.fan(
        result.records,
        ratio=bool(p.get("ratio")),
        title=f"Compute stock by quarter: {result.params['scenario']}",
        subtitle=_subtitle(shown),
        sources=result.sources,
    )


def _tornado(data: Data, p: dict[str, Any]) -> Any:
    from airace.render import charts

    result = _scenario_run(data, p)
    shown = {k: result.params[k] for k in ("scenario", "paths", "seed", "until")}
    return charts.tornado(
        result.summary["tornado"],
        title=f"What drives China's share of US compute: {result.params['scenario']}",
        subtitle=_subtitle(shown),
        sources=result.sources,
    )


KINDS: dict[str, Callable[[Data, dict[str, Any]], Any]] = {
    "frontier": _frontier,
    "lag": _lag,
    "cadence": _cadence,
    "sensitivity": _sensitivity,
    "hardware": _hardware,
    "budget": _budget,
    "compute-share": _compute_share,
    "events": _events,
    "fan": _fan,
    "tornado": _tornado,
}


def chart(kind: str, data: Data, **params: Any) -> Any:
    """The chart of one kind for these parameters (CLI option names, underscores)."""
    if kind not in KINDS:
        raise AiraceError(
            f"unknown chart kind {kind!r}{suggest(kind, KINDS)}; kinds: {', '.join(KINDS)}"
        )
    return KINDS[kind](data, params)


# Which chart shows the evidence of a ledger check (analysis name -> chart kind).
ANALYSIS_CHARTS = {
    "cadence": "cadence",
    "gap": "frontier",
    "gap_stats": "lag",
    "hardware_compare": "hardware",
    "budget": "budget",
    "compute_share": "compute-share",
    "events": "events",
}


def claim_chart(analysis: str, params: dict[str, Any], data: Data) -> Any:
    """The evidence chart of a ledger check (its first reading's parameters), or None."""
    kind = ANALYSIS_CHARTS.get(analysis)
    if kind is None:
        return None
    p = dict(params)
    if analysis == "budget":
        p["usd"] = p.get("usd")
    if analysis == "events":
        p = {k: p.get(k) for k in ("since", "until", "as_of")}
    return chart(kind, data, **p)
