"""Run a scenario: draw parameters, simulate every path, summarise as tidy tables.

``run`` is pure: the same scenario, chips table, paths, seed and end date give identical
tables. Randomness comes only from ``numpy.random.default_rng(seed)``; each parameter (in
sorted name order) and each starting-stock component gets one uniform draw per path.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from airace.errors import AiraceError
from airace.scenarios.distributions import Discrete, SplitLognormal, ndtri
from airace.scenarios.model import (
    PARAMETERS,
    PATHWAYS,
    UNITS,
    Inputs,
    chip_factors,
    mix_factor,
    ratio_factor,
    simulate,
)
from airace.scenarios.schema import Scenario, load

QUANTILES = (0.05, 0.25, 0.5, 0.75, 0.95)
QCOLS = ("p05", "p25", "p50", "p75", "p95")
_EPS = 1e-12


@dataclass
class ScenarioRun:
    """The tables of one run. ``quantiles`` is tidy: one row per quarter/country/unit/line."""

    scenario: Scenario
    paths: int
    seed: int
    until: dt.date
    quantiles: pd.DataFrame
    events: pd.DataFrame
    sensitivity: pd.DataFrame
    tornado: pd.DataFrame
    backtest: pd.DataFrame
    constraints: pd.DataFrame
    parameters: pd.DataFrame
    chips: pd.DataFrame
    notes: list[str] = field(default_factory=list)

    def summary(self, unit: str = "h100e_tpp", line: str = "total") -> pd.DataFrame:
        """Quantiles at each year's last quarter, for one unit and line."""
        q = self.quantiles
        keep = (q["unit"] == unit) & (q["line"] == line) & q["quarter"].str.endswith("Q4")
        return q[keep].reset_index(drop=True)


def quarters_between(start: dt.date, until: dt.date) -> list[tuple[int, int]]:
    """Quarters starting at ``start`` whose last day is on or before ``until``."""
    out = []
    year, q = start.year, (start.month - 1) // 3 + 1
    while quarter_end(year, q) <= until:
        out.append((year, q))
        year, q = (year + 1, 1) if q == 4 else (year, q + 1)
    return out


def quarter_end(year: int, q: int) -> dt.date:
    return dt.date(year, 3 * q, 31 if q in (1, 4) else 30)


def _label(year: int, q: int) -> str:
    return f"{year}Q{q}"


def _latents(scenario: Scenario, n: int, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """One uniform per path for each parameter and starting-stock component (fixed order)."""
    out = {}
    for name in sorted(scenario.parameters):
        out[name] = np.clip(rng.random(n), _EPS, 1 - _EPS)
    for country in ("US", "CN"):
        for i, _ in enumerate(scenario.start_stock[country]):
            out[f"start_stock:{country}:{i}"] = np.clip(rng.random(n), _EPS, 1 - _EPS)
    return out


def _factor_lookup(scenario: Scenario, factors: pd.DataFrame) -> Callable[[str, int, str], float]:
    cache: dict[tuple[str, int, str], float] = {}
    for pathway in PATHWAYS:
        for year_key, mix in scenario.chips[pathway].items():
            for chip in mix:
                if chip not in factors.index:
                    raise AiraceError(
                        f"unknown chip {chip!r}; the chips table has {', '.join(factors.index)}",
                        file=scenario.file,
                        row=f"chips {pathway!r}",
                        field=str(year_key or "chip"),
                    )
                for unit in UNITS:
                    if math.isnan(float(factors.loc[chip, unit])):
                        raise AiraceError(
                            f"chip {chip!r} has no published figure for {unit} "
                            "(dense BF16/FP16 or FP8 unpublished); choose another chip",
                            file=scenario.file,
                            row=f"chips {pathway!r}",
                            field=str(year_key or "chip"),
                        )

    def factor(pathway: str, year: int, unit: str) -> float:
        key = (pathway, year, unit)
        if key not in cache:
            by_year = scenario.chips[pathway]
            years = sorted(by_year)
            chosen = years[0]
            for y in years:
                if y <= year:
                    chosen = y
            cache[key] = mix_factor(by_year[chosen], factors, unit)
        return cache[key]

    return factor


def _start(
    scenario: Scenario, latents: dict[str, np.ndarray], factors: pd.DataFrame, n: int
) -> tuple[dict[str, dict[str, np.ndarray]], dict[str, np.ndarray]]:
    start: dict[str, dict[str, np.ndarray]] = {}
    totals: dict[str, np.ndarray] = {}
    for country in ("US", "CN"):
        start[country] = {u: np.zeros(n) for u in UNITS}
        for i, comp in enumerate(scenario.start_stock[country]):
            bf16 = comp.dist.ppf(latents[f"start_stock:{country}:{i}"])
            mix = {c: w for c, w in comp.chip_mix.items() if c in factors.index}
            for u in UNITS:
                start[country][u] += bf16 * ratio_factor(mix, factors, u)
        totals[country] = start[country]["h100e_bf16"]
    return start, totals


def _simulate(
    scenario: Scenario,
    latents: dict[str, np.ndarray],
    factors: pd.DataFrame,
    quarters: list[tuple[int, int]],
    n: int,
    without: frozenset[str] = frozenset(),
) -> dict[str, Any]:
    """Simulate; parameters named in ``without`` take their model default (e.g. no retirement)."""
    cache: dict[tuple[str, int], np.ndarray] = {}
    z_cache: dict[str, np.ndarray] = {}

    def value(name: str, year: int) -> np.ndarray:
        param = None if name in without else scenario.parameters.get(name)
        if param is None:
            key = (name, 0)
            if key not in cache:
                cache[key] = np.full(n, PARAMETERS[name].default)
            return cache[key]
        dist = param.at(year)
        key = (name, id(dist))
        if key not in cache:
            if isinstance(dist, SplitLognormal):
                if name not in z_cache:
                    z_cache[name] = ndtri(latents[name])
                cache[key] = dist.from_z(z_cache[name])
            else:
                cache[key] = dist.ppf(latents[name])
        return cache[key]

    start, totals = _start(scenario, latents, factors, n)
    result = simulate(
        Inputs(
            quarters=quarters,
            value=value,
            factor=_factor_lookup(scenario, factors),
            start=start,
            paths=n,
        )
    )
    result["start_totals"] = totals
    return result


def _series(result: dict[str, Any]) -> dict[tuple[str, str, str], np.ndarray]:
    s = result["series"]
    out: dict[tuple[str, str, str], np.ndarray] = {}
    for u in UNITS:
        us, cn_owned, cn_rented = s[f"US|owned|{u}"], s[f"CN|owned|{u}"], s[f"CN|rented|{u}"]
        cn_total = cn_owned + cn_rented
        out[("US", "owned", u)] = us
        out[("US", "total", u)] = us
        out[("CN", "owned", u)] = cn_owned
        out[("CN", "rented", u)] = cn_rented
        out[("CN", "total", u)] = cn_total
        with np.errstate(divide="ignore", invalid="ignore"):
            out[("CN/US", "owned", u)] = cn_owned / us
            out[("CN/US", "total", u)] = cn_total / us
    return out


def _quantile_table(
    series: dict[tuple[str, str, str], np.ndarray], quarters: list[tuple[int, int]]
) -> pd.DataFrame:
    rows = []
    labels = [_label(*q) for q in quarters]
    ends = [quarter_end(*q) for q in quarters]
    done: dict[int, tuple[np.ndarray, np.ndarray]] = {}
    for (country, line, unit), arr in series.items():
        if id(arr) not in done:  # US total is the same array as US owned
            done[id(arr)] = (_quantiles(arr), arr.mean(axis=1, dtype=np.float64))
        qs, means = done[id(arr)]  # (5, n_quarters), (n_quarters,)
        for i in range(len(quarters)):
            rows.append(
                {
                    "quarter": labels[i],
                    "quarter_end": ends[i],
                    "country": country,
                    "unit": unit,
                    "line": line,
                    **{c: float(qs[k, i]) for k, c in enumerate(QCOLS)},
                    "mean": float(means[i]),
                }
            )
    table = pd.DataFrame(rows)
    order = {"US": 0, "CN": 1, "CN/US": 2}
    table["_o"] = table["country"].map(order)
    table = table.sort_values(["quarter", "_o", "unit", "line"], kind="stable")
    return table.drop(columns="_o").reset_index(drop=True)


def _quantiles(arr: np.ndarray) -> np.ndarray:
    """numpy's 'linear' quantiles along axis 1, from a float32 sort (4x faster than float64;
    relative rounding 6e-8, far below Monte-Carlo error). NaN (0/0 ratios) sort last."""
    s = np.sort(arr.astype(np.float32, copy=arr.dtype != np.float32), axis=1)
    n = arr.shape[1]
    out = np.empty((len(QUANTILES), arr.shape[0]))
    for k, q in enumerate(QUANTILES):
        h = (n - 1) * q
        lo = int(np.floor(h))
        hi = min(lo + 1, n - 1)
        a, b = s[:, lo].astype(float), s[:, hi].astype(float)
        with np.errstate(invalid="ignore"):  # inf - inf when a ratio divides by zero
            out[k] = np.where(a == b, a, a + (h - lo) * (b - a))
    return out


def _index_for(date: dt.date, quarters: list[tuple[int, int]]) -> int:
    ends = [quarter_end(*q) for q in quarters]
    idx = [i for i, e in enumerate(ends) if e <= date]
    return idx[-1] if idx else -1


def _events(
    scenario: Scenario,
    series: dict[tuple[str, str, str], np.ndarray],
    quarters: list[tuple[int, int]],
    n: int,
) -> pd.DataFrame:
    rows = []
    for ev in scenario.events:
        i = _index_for(ev.date, quarters)
        arr = series[(ev.country, ev.line, ev.unit)]
        record = {
            "event": ev.id,
            "description": ev.description,
            "country": ev.country,
            "unit": ev.unit,
            "line": ev.line,
            "condition": f"{ev.op} {ev.value:g}",
            "date": ev.date,
            "mode": ev.mode,
        }
        if i < 0 or ev.date > quarter_end(*quarters[-1]):
            rows.append(
                {
                    **record,
                    "evaluated_at": None,
                    "probability": math.nan,
                    "mc_se": math.nan,
                    "note": "the run ends before the event's date (see --until)",
                }
            )
            continue
        window = arr[: i + 1] if ev.mode == "by" else arr[i : i + 1]
        if ev.relative_to is not None:  # growth since an earlier quarter, path by path
            j = _index_for(ev.relative_to, quarters)
            with np.errstate(divide="ignore", invalid="ignore"):
                window = window / arr[j : j + 1]
            record["condition"] = f"value / value at {ev.relative_to} {ev.op} {ev.value:g}"
        op = {">": np.greater, ">=": np.greater_equal, "<": np.less, "<=": np.less_equal}[ev.op]
        hit = op(window, ev.value).any(axis=0)
        p = float(hit.mean())
        rows.append(
            {
                **record,
                "evaluated_at": _label(*quarters[i]),
                "probability": p,
                "mc_se": math.sqrt(p * (1 - p) / n),
                "note": "",
            }
        )
    return pd.DataFrame(rows)


def _ranks(x: np.ndarray, ties: bool = True) -> np.ndarray:
    """0-based ranks with ties sharing their average rank (as Spearman's rho requires).
    ``ties=False`` skips the averaging for inputs that cannot tie (continuous draws)."""
    order = np.argsort(x.astype(np.float32))
    r = np.empty(len(x))
    if not ties:
        r[order] = np.arange(len(x))
        return r
    xs = x.astype(np.float32)[order]
    group = np.concatenate([[0], np.cumsum(xs[1:] != xs[:-1])])
    r[order] = (np.bincount(group, weights=np.arange(len(x))) / np.bincount(group))[group]
    return r


def _as_value(scenario: Scenario, name: str, u: np.ndarray, year: int) -> tuple[np.ndarray, bool]:
    """What the sensitivity ranks: ``u`` itself for continuous inputs (their values are
    increasing in u), the branch value for discrete ones (branch order is arbitrary)."""
    dist = scenario.parameters[name].at(year)
    return (dist.ppf(u), True) if isinstance(dist, Discrete) else (u, False)


def _sensitivity(
    scenario: Scenario,
    latents: dict[str, np.ndarray],
    metric: np.ndarray,
    start_totals: dict[str, np.ndarray],
    year: int,
) -> pd.DataFrame:
    """Spearman rank correlation of each input with the metric; variance share = rho^2 / sum.

    Discrete inputs are ranked by their value in ``year`` (the metric's year)."""
    ok = np.isfinite(metric)
    if ok.sum() < 3:
        return pd.DataFrame(columns=["input", "spearman_rho", "variance_share"])
    y = _ranks(metric[ok])
    y = (y - y.mean()) / (y.std() or 1.0)
    inputs = {
        name: _as_value(scenario, name, latents[name], year)
        for name, p in sorted(scenario.parameters.items())
        if p.varies
    }
    for country, total in start_totals.items():
        if scenario.start_stock[country] and np.ptp(total) > 0:
            inputs[f"start_stock_{country}"] = (total, False)
    rows = []
    for name, (x, discrete) in inputs.items():
        xr = _ranks(x[ok], ties=discrete)
        xr = (xr - xr.mean()) / (xr.std() or 1.0)
        rows.append({"input": name, "spearman_rho": float(np.mean(xr * y))})
    table = pd.DataFrame(rows, columns=["input", "spearman_rho"])
    if table.empty:
        return table.assign(variance_share=[])
    sq = table["spearman_rho"] ** 2
    table["variance_share"] = sq / sq.sum() if sq.sum() > 0 else 0.0
    return table.sort_values("variance_share", ascending=False).reset_index(drop=True)


def _tornado(
    scenario: Scenario,
    factors: pd.DataFrame,
    quarters: list[tuple[int, int]],
    target: tuple[str, str, str],
) -> pd.DataFrame:
    """The metric with one input at its 5th / 95th percentile and every other at its median.

    A discrete input is set to its lowest-value and highest-value branch (in the last year).
    """
    names = [n for n, p in sorted(scenario.parameters.items()) if p.varies]
    k = len(names)
    m = 1 + 2 * k
    lat = {key: np.full(m, 0.5) for key in _latents(scenario, 1, np.random.default_rng(0))}
    year = quarters[-1][0]
    for j, name in enumerate(names):
        low, high = 0.05, 0.95
        dist = scenario.parameters[name].at(year)
        if isinstance(dist, Discrete):
            edges = np.concatenate([[0.0], np.cumsum(dist.probabilities)])
            mids = (edges[:-1] + edges[1:]) / 2
            low = float(mids[int(np.argmin(dist.values))])
            high = float(mids[int(np.argmax(dist.values))])
        lat[name][1 + 2 * j] = low
        lat[name][2 + 2 * j] = high
    metric = _series(_simulate(scenario, lat, factors, quarters, m))[target][-1]
    rows = []
    for j, name in enumerate(names):
        low, high = float(metric[1 + 2 * j]), float(metric[2 + 2 * j])
        rows.append(
            {
                "input": name,
                "at_p05": low,
                "at_p50": float(metric[0]),
                "at_p95": high,
                "swing": abs(high - low),
            }
        )
    table = pd.DataFrame(rows, columns=["input", "at_p05", "at_p50", "at_p95", "swing"])
    return table.sort_values("swing", ascending=False).reset_index(drop=True)


BACKTEST_PATHS = 20_000


def _backtest(
    scenario: Scenario,
    series: dict[tuple[str, str, str], np.ndarray],
    quarters: list[tuple[int, int]],
    latents: dict[str, np.ndarray],
    factors: pd.DataFrame,
) -> pd.DataFrame:
    """Model vs Epoch at the quarters both cover, in Epoch's unit (dense BF16 H100e).

    Epoch's cumulative counts retire nothing, so the like-for-like model figures come from a
    re-run of the same paths (at most BACKTEST_PATHS of them) with retirement switched off;
    the median with retirement is shown beside them.
    """
    ends = {quarter_end(*q): i for i, q in enumerate(quarters)}
    refs = []
    for ref in scenario.backtest:
        end = ref["quarter_end"]
        end = end if isinstance(end, dt.date) else dt.date.fromisoformat(str(end))
        if end in ends:
            refs.append((end, ref))
    if not refs:
        return pd.DataFrame()
    last = max(ends[end] for end, _ in refs)
    m = min(BACKTEST_PATHS, len(next(iter(latents.values()))))
    sub = {k: v[:m] for k, v in latents.items()}
    plain = _series(
        _simulate(
            scenario, sub, factors, quarters[: last + 1], m, frozenset({"chip_lifetime_years"})
        )
    )
    rows = []
    for end, ref in refs:
        key = (str(ref["country"]), "owned", "h100e_bf16")
        arr = plain[key][ends[end]]
        q5, q50, q95 = np.quantile(arr, [0.05, 0.5, 0.95])
        rows.append(
            {
                "quarter_end": end,
                "country": ref["country"],
                "unit": "h100e_bf16",
                "model_p05": float(q5),
                "model_p50": float(q50),
                "model_p95": float(q95),
                "epoch_p05": ref["epoch_p05"],
                "epoch_median": ref["epoch_median"],
                "epoch_p95": ref["epoch_p95"],
                "model_p50_vs_epoch": float(q50) / float(ref["epoch_median"]) - 1,
                "epoch_inside_model_90pct": bool(q5 <= ref["epoch_median"] <= q95),
                "model_p50_with_retirement": float(np.median(series[key][ends[end]])),
            }
        )
    return pd.DataFrame(rows)


def _constraints(result: dict[str, Any], quarters: list[tuple[int, int]]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "quarter": [_label(*q) for q in quarters],
            "share_of_paths_hbm_bound": result["hbm_bound_share"],
            "ascend_packages_p50": result["packages_p50"],
        }
    )


def parameter_table(scenario: Scenario) -> pd.DataFrame:
    """Every parameter as given, year by year, with its evidence and source."""
    rows = []
    for name, p in sorted(scenario.parameters.items()):
        for year, d in sorted(p.by_year.items()):
            q5, q50, q95 = d.quantiles()
            branches = ""
            if isinstance(d, Discrete):
                branches = "; ".join(
                    f"{lab}: p={pr:g}, value={v:g}"
                    for lab, pr, v in zip(d.labels, d.probabilities, d.values, strict=True)
                )
            rows.append(
                {
                    "parameter": name,
                    "year": year or "all",
                    "dist": d.kind,
                    "p05": q5,
                    "p50": q50,
                    "p95": q95,
                    "branches": branches,
                    "unit": p.unit,
                    "evidence": p.evidence,
                    "source_url": p.source.url,
                    "source_title": p.source.title,
                    "source_quote": p.source.quote,
                    "source_date": p.source.date,
                    "note": p.note,
                }
            )
    return pd.DataFrame(rows)


def run(
    scenario: Scenario | str | Path,
    chips: pd.DataFrame,
    paths: int = 10_000,
    seed: int = 0,
    until: dt.date | None = None,
    *,
    tornado: bool = True,
    analyses: bool = True,
) -> ScenarioRun:
    """Simulate ``paths`` Monte-Carlo paths of the scenario from its start to ``until``.

    ``scenario`` may be a loaded :class:`Scenario`, a bundled name or a path to a YAML file.
    ``analyses=False`` skips the sensitivity, tornado and backtest (a ledger check needs
    only the quantiles and the events).
    """
    if not isinstance(scenario, Scenario):
        scenario = load(scenario)
    if paths < 2:
        raise AiraceError(f"paths must be at least 2, got {paths}")
    end = until or scenario.horizon
    if end > scenario.horizon:
        raise AiraceError(
            f"--until {end} is after the scenario's horizon {scenario.horizon}", file=scenario.file
        )
    quarters = quarters_between(scenario.start, end)
    if not quarters:
        raise AiraceError(
            f"--until {end} ends before the first quarter of the scenario ({scenario.start})",
            file=scenario.file,
        )
    factors = chip_factors(chips)
    rng = np.random.default_rng(seed)
    latents = _latents(scenario, paths, rng)
    result = _simulate(scenario, latents, factors, quarters, paths)
    series = _series(result)
    out = scenario.sensitivity_output
    target = (out.get("country", "CN/US"), out.get("line", "total"), out.get("unit", "h100e_tpp"))
    if target not in series:
        raise AiraceError(
            f"sensitivity_output {target} names no output series",
            file=scenario.file,
            field="sensitivity_output",
        )
    metric = series[target][-1]
    notes = []
    source = scenario.start_stock_source
    if source is not None:
        notes.append(f"Starting stock: {source.title} ({source.url}).")
        if "epoch.ai" in source.url:
            notes.append(
                "US = the seven US owners Epoch names (Google, Microsoft, Amazon, Meta, Oracle, "
                "CoreWeave, xAI); Epoch's 'Other' owners are excluded, so US is a lower bound "
                "and CN/US an upper bound."
            )
    if scenario.backtest:
        notes.append(
            "Backtest: retirement switched off, as Epoch's cumulative counts retire nothing; "
            "model_p50_with_retirement shows the scenario's own median."
        )
    notes += [
        "Rented = capacity abroad used by Chinese firms, not owned; total = owned + rented.",
        f"Sensitivity and tornado are for {target[0]} {target[1]} {target[2]} at "
        f"{_label(*quarters[-1])}.",
    ]
    used = [
        f"{p}: {', '.join(sorted({c for m in scenario.chips[p].values() for c in m}))}"
        for p in PATHWAYS
    ]
    chip_rows = factors.reset_index()[
        ["chip_id", "tpp", "h100e_tpp", "h100e_bf16", "h100e_fp8", "bf16_basis", "fp8_basis"]
    ]
    used_ids = {c for p in PATHWAYS for m in scenario.chips[p].values() for c in m}
    used_ids |= {
        c for comps in scenario.start_stock.values() for comp in comps for c in comp.chip_mix
    }
    notes.append("Chips by pathway: " + "; ".join(used))
    return ScenarioRun(
        scenario=scenario,
        paths=paths,
        seed=seed,
        until=end,
        quantiles=_quantile_table(series, quarters),
        events=_events(scenario, series, quarters, paths),
        sensitivity=_sensitivity(scenario, latents, metric, result["start_totals"], quarters[-1][0])
        if analyses
        else pd.DataFrame(),
        tornado=_tornado(scenario, factors, quarters, target)
        if tornado and analyses
        else pd.DataFrame(),
        backtest=_backtest(scenario, series, quarters, latents, factors)
        if analyses
        else pd.DataFrame(),
        constraints=_constraints(result, quarters),
        parameters=parameter_table(scenario),
        chips=chip_rows[chip_rows["chip_id"].isin(used_ids)].reset_index(drop=True),
        notes=notes,
    )


def compare(a: ScenarioRun, b: ScenarioRun) -> dict[str, pd.DataFrame]:
    """Side-by-side medians and 90% intervals, and event probabilities, of two runs."""
    keys = ["quarter", "quarter_end", "country", "unit", "line"]
    cols = ["p05", "p50", "p95"]
    qa = a.quantiles[keys + cols].rename(columns={c: f"{c}_a" for c in cols})
    qb = b.quantiles[keys + cols].rename(columns={c: f"{c}_b" for c in cols})
    q = qa.merge(qb, on=keys, how="inner")
    q["p50_b_over_a"] = q["p50_b"] / q["p50_a"]
    ev_cols = ["event", "description", "probability", "mc_se"]
    ea = a.events[ev_cols] if not a.events.empty else pd.DataFrame(columns=ev_cols)
    eb = b.events[ev_cols] if not b.events.empty else pd.DataFrame(columns=ev_cols)
    events = ea.merge(eb, on=["event", "description"], how="outer", suffixes=("_a", "_b"))
    return {
        "quantiles": q,
        "events": events,
        "runs": pd.DataFrame(
            [
                {
                    "run": "a",
                    "scenario": a.scenario.id,
                    "paths": a.paths,
                    "seed": a.seed,
                    "until": a.until,
                },
                {
                    "run": "b",
                    "scenario": b.scenario.id,
                    "paths": b.paths,
                    "seed": b.seed,
                    "until": b.until,
                },
            ]
        ),
    }
