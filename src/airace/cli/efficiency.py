"""`airace efficiency`: score against training compute, by country, lab or access."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from airace.cli.common import DATE, emit_result, format_option, output_option
from airace.errors import AiraceError

DEFINITIONS = """\b
Definitions:
  compute      training compute (FLOP): curated releases.training_compute_flop (method
               in field_sources), else Epoch AI's estimate (imported snapshots)
  frontier     a group's best score among its models trained with at most a given
               compute (one row per model that raises it)
  min_compute  the least compute with which a group's model reached the score level;
               first_* is the group's first model (by date) to reach it
  ratio        first group's min_compute / second group's at the same level
  levels       default: every frontier step up to the lower of the groups' best scores
"""


def _levels(text: str | None) -> list[float] | None:
    if not text:
        return None
    try:
        return [float(part) for part in text.split(",") if part.strip()]
    except ValueError:
        raise AiraceError(f"bad --levels {text!r}: give scores like 50,60,70") from None


@click.command(epilog=DEFINITIONS)
@click.option("--metric", required=True, help="eci, or a benchmark id such as gpqa_diamond.")
@click.option(
    "--groups",
    "groups_text",
    default="country:US,CN",
    show_default=True,
    help="country:US,CN | lab:openai,deepseek | access:closed,open (first, then second).",
)
@click.option("--as-of", type=DATE, default=None, help="Models released by this date (today).")
@click.option("--levels", default=None, help="Score levels to reach, e.g. 50,60,70.")
@click.option(
    "--view",
    type=click.Choice(["levels", "frontier", "points", "coverage"]),
    default="levels",
    show_default=True,
    help="levels: compute each group needed per score; frontier: best score per compute; "
    "points: every model with compute; coverage: share of models lacking compute.",
)
@click.option(
    "--source",
    default=None,
    help="curated, epoch-eci, epoch-benchmarks (default: curated when it has the metric).",
)
@click.option("--snapshot", default=None, help="Imported snapshot id (default: the newest).")
@click.option(
    "--no-epoch-fill",
    is_flag=True,
    help="Curated scores: do not fill missing compute from an imported Epoch models list.",
)
@click.option(
    "--setting",
    type=click.Choice(["like-for-like", "single", "no-tools", "tools", "any"]),
    default="like-for-like",
    show_default=True,
    help="Curated scores: evaluation setting (as in `airace gap`).",
)
@format_option()
@output_option
def efficiency(
    metric: str,
    groups_text: str,
    as_of: dt.date | None,
    levels: str | None,
    view: str,
    source: str | None,
    snapshot: str | None,
    no_epoch_fill: bool,
    setting: str,
    fmt: str,
    output: Path | None,
) -> None:
    """Does one group reach the same scores with less training compute?

    \b
    Examples:
      airace efficiency --metric eci --groups country:US,CN
      airace efficiency --metric gpqa_diamond --as-of 2026-03-03 --levels 60,70,80
      airace efficiency --metric eci --view frontier --format csv
    """
    from airace.service.compute_efficiency import compute_efficiency
    from airace.service.data import default_data

    result = compute_efficiency(
        default_data(),
        metric=metric,
        groups=groups_text,
        as_of=as_of,
        levels=_levels(levels),
        view=view,
        source=source,
        snapshot=snapshot,
        setting=setting,
        fill_from_epoch=not no_epoch_fill,
    )
    ratio = result.summary["log10_compute_ratio"]
    cover = "; ".join(
        f"{c['group']}: {c['with_compute']}/{c['models']} models with compute"
        for c in result.summary["coverage"]
    )
    median = ratio["median"]
    line = (
        f"median log10(compute ratio) over {ratio['levels_compared']} shared levels: {median}"
        if median is not None
        else "no level reached by both groups"
    )
    emit_result(
        result,
        fmt,
        output,
        title=f"{metric}: {line}; {cover}",
        records=_shown(result.records, view),
    )


def _flop(value: object) -> object:
    return f"{value:.2e}" if isinstance(value, float) and value == value else value


def _shown(records: list[dict[str, object]], view: str) -> list[dict[str, object]]:
    """The human table: no repeated context columns, FLOP in short scientific form."""
    out = []
    for rec in records:
        row = {k: v for k, v in rec.items() if k not in ("metric", "source", "groups")}
        if view == "levels":
            row = {
                k: v
                for k, v in row.items()
                if not k.endswith(("_first_compute", "_min_compute_date", "compute_ratio"))
                or k == "log10_compute_ratio"
            }
        out.append(
            {k: _flop(v) if "compute" in k and "log10" not in k else v for k, v in row.items()}
        )
    return out
