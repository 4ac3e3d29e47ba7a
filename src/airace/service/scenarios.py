"""Scenario operations: run a compute-supply scenario, compare two, list the bundled ones.

The engine (:mod:`airace.scenarios`) is pure; here it gets the curated chips table from the
catalog and its result becomes a :class:`Result`: the quantile table as records, the
event probabilities, drivers, backtest and parameter sources in ``summary``.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from airace.service.result import Result

if TYPE_CHECKING:
    from airace.scenarios.engine import ScenarioRun
    from airace.service.data import Data


def _records(frame: Any) -> list[dict[str, Any]]:
    return list(frame.to_dict(orient="records")) if frame is not None else []


def simulate(
    data: Data,
    *,
    scenario: str,
    paths: int = 10_000,
    seed: int = 0,
    until: dt.date | None = None,
    tornado: bool = True,
    analyses: bool = True,
) -> ScenarioRun:
    """The engine's run of a bundled scenario name or a scenario file path."""
    from airace.scenarios import load, run

    return run(
        load(scenario),
        data.table("chips"),
        paths=paths,
        seed=seed,
        until=until,
        tornado=tornado,
        analyses=analyses,
    )


def run_scenario(
    data: Data,
    *,
    scenario: str,
    paths: int = 10_000,
    seed: int = 0,
    until: dt.date | None = None,
) -> Result:
    """Quantiles per quarter for US, CN and CN/US, with events, drivers and sources."""
    return as_result(simulate(data, scenario=scenario, paths=paths, seed=seed, until=until), data)


def as_result(res: ScenarioRun, data: Data) -> Result:
    """A scenario run as a Result: quantiles as records, the other tables in ``summary``."""
    chips = data.table("chips")
    return Result(
        "scenario",
        _records(res.quantiles),
        [data.table_source("chips", chips)],
        params={
            "scenario": res.scenario.id,
            "file": res.scenario.file,
            "paths": res.paths,
            "seed": res.seed,
            "until": res.until,
        },
        definitions={
            "h100e_tpp": "H100-equivalents by Total Processing Performance "
            "(ECCN 3A090; H100 SXM = 15,831)",
            "h100e_bf16": "H100-equivalents by dense BF16 FLOP/s",
            "rented": "capacity used abroad, not owned (a separate line)",
        },
        caveats=list(res.notes),
        summary={
            "events": _records(res.events),
            "sensitivity": _records(res.sensitivity),
            "tornado": _records(res.tornado),
            "backtest": _records(res.backtest),
            "constraints": _records(res.constraints),
            "parameters": _records(res.parameters),
        },
        extra={"run": res},
    )


def event_probability(
    data: Data, *, scenario: str, event: str, paths: int = 20_000, seed: int = 0
) -> dict[str, Any]:
    """One named event's probability (with its Monte-Carlo standard error) in a scenario."""
    from airace.errors import AiraceError, suggest

    res = simulate(data, scenario=scenario, paths=paths, seed=seed, tornado=False, analyses=False)
    events = {str(r["event"]): r for r in _records(res.events)}
    if event not in events:
        raise AiraceError(
            f"unknown event {event!r} in scenario {scenario!r}"
            f"{suggest(event, events)}; events: {', '.join(events)}"
        )
    return events[event]


def check_values(
    params: dict[str, Any], data: Data
) -> tuple[dict[str | None, dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]]]:
    """What a ledger check of ``analysis: scenario`` sees: the named events' probabilities
    (with Monte-Carlo standard errors) as values by event id, the events as evidence, and
    the sources (the chips table and every parameter's source)."""
    paths = int(params.get("paths", 20_000))
    seed = int(params.get("seed", 0))
    res = simulate(
        data,
        scenario=str(params["scenario"]),
        paths=paths,
        seed=seed,
        tornado=False,
        analyses=False,
    )
    values: dict[str | None, dict[str, Any]] = {
        None: {"scenario": res.scenario.id, "paths": paths, "seed": seed}
    }
    evidence = []
    for rec in _records(res.events):
        p, se = float(rec["probability"]), float(rec["mc_se"])
        # a 90% Monte-Carlo interval, so verdicts are judged on it (not on the point)
        values[str(rec["event"])] = {
            "probability": p,
            "mc_se": se,
            "probability_low": max(0.0, p - 1.645 * se),
            "probability_high": min(1.0, p + 1.645 * se),
        }
        evidence.append(
            {k: rec[k] for k in ("event", "description", "date", "probability", "mc_se")}
        )
    sources = [data.table_source("chips", data.table("chips")).to_dict()]
    sources += [
        {"source": p.get("source_title"), "source_url": p.get("source_url")}
        for p in _records(res.parameters)
        if p.get("source_url")
    ]
    return values, evidence, sources
