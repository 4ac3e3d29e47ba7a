"""`airace gap`: frontier gap and lag between two groups of models."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import click

from airace.cli.common import DATE, emit_result, finite, format_option, output_option

DEFINITIONS = """\b
Definitions:
  frontier  a group's best score among its models released on or before a date
  gap       leader's frontier minus follower's frontier
  lag       date minus the first date on which the leader's frontier reached at least
            (follower's frontier - TIE); zero when the follower is not behind.
            Months are 30.44 days.
  trend     least-squares slope of the lag (months) at each rise of the follower's
            frontier against time (years) over --since..--until, one row per model;
            90% interval from a cluster bootstrap over models. Growing / shrinking
            only when the whole interval is on one side of zero. --stats also shows
            the trend for windows starting on each quarter (window sensitivity).
"""


@click.command(epilog=DEFINITIONS)
@click.option(
    "--metric", default=None, help="eci, lmarena, or a benchmark id (see --list-metrics)."
)
@click.option(
    "--source",
    default=None,
    help="curated, epoch-eci, epoch-benchmarks, lmarena, "
    "lmarena-history (default: curated when it has the metric).",
)
@click.option("--snapshot", default=None, help="Imported snapshot id (default: the newest).")
@click.option(
    "--groups",
    "groups_text",
    default="country:US,CN",
    show_default=True,
    help="country:US,CN | lab:openai,deepseek | access:closed,open (leader, then follower).",
)
@click.option("--as-of", type=DATE, default=None, help="Date to evaluate (default: today).")
@click.option("--since", type=DATE, default=None, help="Start of --series/--stats.")
@click.option(
    "--until", type=DATE, default=None, help="End of --series/--stats (default: --as-of)."
)
@click.option(
    "--tie",
    type=finite(None, 1e6),
    default=0.0,
    show_default=True,
    help="Scores within TIE of the follower's count as reached.",
)
@click.option(
    "--series",
    type=click.Choice(["daily", "monthly"]),
    default=None,
    help="One record per day or per month end.",
)
@click.option("--stats", is_flag=True, help="Lag statistics and trend over --since..--until.")
@click.option("--bootstrap", type=click.IntRange(0, 100_000), default=1000, show_default=True)
@click.option("--seed", type=click.IntRange(0, 2**32 - 1), default=0, show_default=True)
@click.option(
    "--efficiency",
    "budgets",
    default=None,
    help="Comma-separated training-compute budgets in FLOP (e.g. 1e24,1e25): the "
    "best score each group reached within each budget.",
)
@click.option(
    "--multi-country",
    type=click.Choice(["each", "exclude"]),
    default="each",
    show_default=True,
    help="Models listing several countries: count for each, or leave out.",
)
@click.option(
    "--evaluator",
    type=click.Choice(["any", "self", "third_party"]),
    default="any",
    show_default=True,
    help="Curated scores: who ran the eval.",
)
@click.option(
    "--setting",
    type=click.Choice(["like-for-like", "single", "no-tools", "tools", "any"]),
    default="like-for-like",
    show_default=True,
    help="Curated scores: evaluation setting. like-for-like = single attempts without "
    "extra tools (no pass@k, parallel test-time compute or tool-assisted rows); any = "
    "each model's best over all settings.",
)
@click.option("--list-metrics", is_flag=True, help="List metrics and their sources.")
@format_option()
@output_option
def gap(
    metric: str | None,
    source: str | None,
    snapshot: str | None,
    groups_text: str,
    as_of: dt.date | None,
    since: dt.date | None,
    until: dt.date | None,
    tie: float,
    series: str | None,
    stats: bool,
    bootstrap: int,
    seed: int,
    budgets: str | None,
    multi_country: str,
    evaluator: str,
    setting: str,
    list_metrics: bool,
    fmt: str,
    output: Path | None,
) -> None:
    """How far behind is one group of labs, in score and in months, and is the lag growing?

    \b
    Examples:
      airace gap --metric gpqa_diamond --groups country:US,CN --as-of 2026-03-03
      airace gap --metric eci --as-of 2025-01-20 --format json
      airace gap --metric eci --stats --since 2023-01-01 --until 2025-12-31
      airace gap --metric eci --series monthly --since 2024-01-01 --until 2026-06-30
      airace gap --metric eci --groups lab:openai,deepseek --efficiency 1e24,1e25
    """
    import airace.service as svc

    if list_metrics:
        emit_result(svc.metrics(), fmt, output, footer="")
        return
    common: dict[str, Any] = dict(
        metric=metric,
        groups=groups_text,
        source=source,
        snapshot=snapshot,
        multi_country=multi_country,
        evaluator=evaluator,
        setting=setting,
    )
    if budgets:
        result = svc.gap_efficiency(budgets=_budgets(budgets), as_of=as_of, **common)
    elif stats:
        result = svc.gap_stats(
            since=since, until=until, as_of=as_of, tie=tie, bootstrap=bootstrap, seed=seed, **common
        )
    elif series:
        result = svc.gap_series(
            since=since, until=until, as_of=as_of, every=series, tie=tie, **common
        )
    else:
        result = svc.gap(as_of=as_of, tie=tie, **common)
    if fmt == "table" and len(result.records) == 1 and not budgets:
        rows = [{"field": k, "value": v} for k, v in result.record.items()]
        windows = result.summary.get("window_sensitivity")
        if windows and fmt == "table":
            from airace.cli.common import emit
            from airace.render.text import render_result

            first = render_result(result, fmt, records=rows, footer="")
            emit(first + render_result(result, fmt, records=windows, title=WINDOWS), output)
            return
        emit_result(result, fmt, output, records=rows)
    else:
        emit_result(result, fmt, output)


WINDOWS = "Window sensitivity: the trend for each quarterly start, same end and seed"


def _budgets(text: str) -> list[float]:
    from airace.errors import AiraceError

    try:
        values = [float(part) for part in text.split(",") if part.strip()]
    except ValueError:
        raise AiraceError(f"bad --efficiency {text!r}: give FLOP budgets like 1e24,1e25") from None
    if not values or any(v <= 0 for v in values):
        raise AiraceError("--efficiency budgets must be positive numbers of FLOP")
    return values
