"""`airace scenario`: compute-supply scenarios (US vs China, H100-equivalents by quarter)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import click

from airace.cli.common import DATE, emit, emit_result, format_option, output_option, render

TABLES = (
    "all",
    "quantiles",
    "summary",
    "events",
    "sensitivity",
    "tornado",
    "backtest",
    "constraints",
    "parameters",
    "chips",
)


def _chips() -> Any:
    """The curated chips table, from the catalog (per-chip TPP and dense FLOP)."""
    from airace.service.data import default_data

    return default_data().table("chips")


def _records(frame: Any) -> list[dict[str, Any]]:
    return list(frame.to_dict(orient="records")) if frame is not None else []


def _run(file: str, paths: int, seed: int, until: dt.date | None) -> Any:
    from airace.scenarios import load, run

    return run(load(file), _chips(), paths=paths, seed=seed, until=until)


def _tables(result: Any) -> dict[str, list[dict[str, Any]]]:
    return {
        "quantiles": _records(result.quantiles),
        "summary": _records(result.summary()),
        "events": _records(result.events),
        "sensitivity": _records(result.sensitivity),
        "tornado": _records(result.tornado),
        "backtest": _records(result.backtest),
        "constraints": _records(result.constraints),
        "parameters": _records(result.parameters),
        "chips": _records(result.chips),
    }


paths_option = click.option(
    "--paths",
    type=click.IntRange(2, 1_000_000),
    default=10_000,
    show_default=True,
    help="Monte-Carlo paths.",
)
seed_option = click.option(
    "--seed", type=int, default=0, show_default=True, help="Random seed (same seed, same output)."
)
until_option = click.option(
    "--until",
    type=DATE,
    default=None,
    help="Last date simulated (default: the scenario's horizon).",
)


@click.group()
def scenario() -> None:
    """Compute-supply scenarios: China vs US stock of AI chips in H100-equivalents.

    \b
    Examples:
      airace scenario list
      airace scenario run baseline --paths 20000
      airace scenario compare baseline commentary
    """


@scenario.command("list")
@format_option()
@output_option
def list_(fmt: str, output: Path | None) -> None:
    """The bundled scenarios.

    \b
    Example:
      airace scenario list
    """
    from airace.scenarios import bundled_names, load

    rows = [
        {
            "name": n,
            "title": (s := load(n)).title,
            "start": s.start,
            "horizon": s.horizon,
            "parameters": len(s.parameters),
            "events": len(s.events),
        }
        for n in bundled_names()
    ]
    emit(render(rows, fmt), output)


@scenario.command("run")
@click.argument("file")
@paths_option
@seed_option
@until_option
@click.option(
    "--table",
    "which",
    type=click.Choice(TABLES),
    default="all",
    show_default=True,
    help="Which table to print (csv prints one table; 'all' means quantiles).",
)
@format_option()
@output_option
def run_(
    file: str,
    paths: int,
    seed: int,
    until: dt.date | None,
    which: str,
    fmt: str,
    output: Path | None,
) -> None:
    """Run FILE (a bundled name such as 'baseline', or a path to a YAML file).

    Prints stock quantiles (p05..p95) per quarter for US, CN and CN/US in H100-equivalents
    by TPP, dense BF16 and FP8; named-event probabilities with Monte-Carlo standard errors;
    which parameters drive the spread; the backtest against Epoch AI; and every source.

    \b
    Examples:
      airace scenario run baseline
      airace scenario run commentary --paths 20000 --seed 1 --until 2027-12-31
      airace scenario run my.yaml --format csv --table quantiles -o out.csv
    """
    result = _run(file, paths, seed, until)
    tables = _tables(result)
    if fmt == "json":
        from airace.service.data import default_data
        from airace.service.scenarios import as_result

        emit_result(as_result(result, default_data()), "json", output)
        return
    if fmt == "csv":
        emit(render(tables["quantiles" if which == "all" else which], "csv"), output)
        return
    emit(_overview(result, tables) if which == "all" else render(tables[which], "table"), output)


def _stock(value: float, ratio: bool) -> str:
    """Stocks in millions of H100e, ratios with three decimals (render's default is coarser)."""
    return f"{value:.3f}" if ratio else f"{value / 1e6:,.2f}M"


def _percent(p: float, se: float, paths: int) -> str:
    """A probability with its Monte-Carlo error; 0 or 1 gets the rule-of-three bound."""
    if p != p:  # NaN: the run ends before the event's date
        return "not evaluated"
    if p in (0.0, 1.0):
        bound = 100 * 3 / paths
        return f"0% (< {bound:.2g}%)" if p == 0 else f"100% (> {100 - bound:.4g}%)"
    return f"{100 * p:.2f}% ± {100 * se:.2f}%"


def _overview(result: Any, tables: dict[str, list[dict[str, Any]]]) -> str:
    s = result.scenario
    head = (
        f"{s.title} ({s.file}); {result.paths:,} paths, seed {result.seed}, "
        f"quarters {s.start} to {result.until}\n"
    )
    summary = [
        {
            **{k: r[k] for k in ("quarter", "country", "unit", "line")},
            **{k: _stock(r[k], r["country"] == "CN/US") for k in ("p05", "p50", "p95")},
        }
        for r in tables["summary"]
    ]
    parts = [
        head,
        render(
            summary,
            "table",
            title="Stock at each year end, H100e by TPP, owned + rented "
            "(all units and quarters: --table quantiles)",
        ),
        render(
            [
                {
                    "event": r["event"],
                    "description": r["description"],
                    "evaluated_at": r["evaluated_at"],
                    "probability": _percent(r["probability"], r["mc_se"], result.paths),
                }
                for r in tables["events"]
            ],
            "table",
            title="Named events (probability, Monte-Carlo standard error)",
        ),
        render(
            tables["backtest"],
            "table",
            title="Backtest: model vs Epoch AI, H100e (dense BF16), CN and US owned",
        ),
        render(
            tables["sensitivity"][:10],
            "table",
            title="What drives the spread: Spearman correlation, share of explained variance",
        ),
        render(
            tables["tornado"][:10],
            "table",
            title="Tornado: the output with one input at its 5th / 95th percentile",
        ),
        render(
            [
                {
                    k: r[k]
                    for k in (
                        "parameter",
                        "year",
                        "dist",
                        "p05",
                        "p50",
                        "p95",
                        "evidence",
                        "source_url",
                    )
                }
                for r in tables["parameters"]
            ],
            "table",
            title="Parameters and sources (quotes: --table parameters --format json)",
        ),
        "\n".join(f"Note: {n}" for n in result.notes) + "\n",
    ]
    return "".join(parts)


@scenario.command("compare")
@click.argument("a")
@click.argument("b")
@paths_option
@seed_option
@until_option
@format_option()
@output_option
def compare_(
    a: str, b: str, paths: int, seed: int, until: dt.date | None, fmt: str, output: Path | None
) -> None:
    """Compare two scenarios run with the same paths and seed.

    \b
    Example:
      airace scenario compare commentary parity --paths 20000
    """
    from airace.scenarios import compare

    result = compare(_run(a, paths, seed, until), _run(b, paths, seed, until))
    quantiles = result["quantiles"]
    if fmt == "json":
        emit(render([{k: _records(v) for k, v in result.items()}], "json"), output)
        return
    if fmt == "csv":
        emit(render(_records(quantiles), "csv"), output)
        return
    year_end = quantiles[
        quantiles["quarter"].str.endswith("Q4")
        & (quantiles["unit"] == "h100e_tpp")
        & (quantiles["line"] == "total")
    ]
    cols = [
        "quarter",
        "country",
        "p05_a",
        "p50_a",
        "p95_a",
        "p05_b",
        "p50_b",
        "p95_b",
        "p50_b_over_a",
    ]
    emit(
        render(_records(result["runs"]), "table", title="Runs")
        + render(
            [{c: r[c] for c in cols} for r in _records(year_end)],
            "table",
            title="Year-end stock, H100e by TPP, owned + rented (a vs b)",
        )
        + render(_records(result["events"]), "table", title="Named events"),
        output,
    )
