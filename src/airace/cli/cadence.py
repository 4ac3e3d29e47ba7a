"""`airace cadence`: launch counts per lab or country under explicit counting rules."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import click

from airace.cli.common import (
    DATE,
    emit,
    emit_result,
    format_option,
    info,
    output_option,
    render,
    split_list,
)
from airace.service.result import Result


@click.command()
@click.option("--as-of", type=DATE, required=True, help="Last day of the window (YYYY-MM-DD).")
@click.option("--window", default=None, help="Window length ending at --as-of: 14M, 90D, 6W, 2Y.")
@click.option(
    "--since", type=DATE, default=None, help="First day of the window (instead of --window)."
)
@click.option("--labs", default=None, help="Comma-separated lab ids, names or aliases.")
@click.option(
    "--by",
    type=click.Choice(["lab", "country"]),
    default="lab",
    show_default=True,
    help="Group counts by lab or by the lab's country.",
)
@click.option(
    "--rule",
    "rule_names",
    multiple=True,
    help="Bundled rule name or path to a rule .yaml (repeatable; default main-versions).",
)
@click.option("--sensitivity", is_flag=True, help="Counts under every bundled rule side by side.")
@click.option("--show-sources", is_flag=True, help="List the source page of every counted launch.")
@click.option(
    "--source",
    default="curated",
    show_default=True,
    help="curated, or an imported model list (epoch-notable, epoch-all, "
    "epoch-large-scale, epoch-frontier, openrouter).",
)
@click.option("--snapshot", default=None, help="Imported snapshot id (default: the newest).")
@format_option()
@output_option
def cadence(
    as_of: dt.date,
    window: str | None,
    since: dt.date | None,
    labs: str | None,
    by: str,
    rule_names: tuple[str, ...],
    sensitivity: bool,
    show_sources: bool,
    source: str,
    snapshot: str | None,
    fmt: str,
    output: Path | None,
) -> None:
    """Count model launches per lab (or country) in a window, under counting rules.

    The window runs from --since (or --as-of minus --window) to --as-of, both days included.
    Which launches count is decided by a counting rule (`airace rules list`); the output
    names the rule of every count and the launches behind it, the median interval between
    counted launches, and the days from the last one to --as-of.

    \b
    Examples:
      airace cadence --as-of 2026-03-03 --window 14M \\
          --labs deepseek,openai,anthropic,google --sensitivity
      airace cadence --as-of 2026-03-03 --since 2025-01-20 --by country --rule named-models
      airace cadence --as-of 2026-03-03 --window 1Y --rule my-rule.yaml --format json
      airace cadence --source epoch-notable --as-of 2026-03-03 --since 2025-01-01 \\
          --rule every-release

    Imported sources lack release_type, is_main_line and family_id, so only rules that do not
    use them apply there (every-release, or your own rules over is_open_weights); a model by
    several labs counts once for each lab.
    """
    import airace.service as svc

    result = svc.cadence(
        as_of=as_of,
        window=window,
        since=since,
        labs=split_list(labs) or None,
        by=by,
        rule=list(rule_names) or None,
        sensitivity=sensitivity,
        source=source,
        snapshot=snapshot,
    )
    for caveat in result.caveats:
        info(caveat)
    if fmt != "table":
        emit_result(result, fmt, output)
        return
    emit(_tables(result, show_sources), output)


def _tables(result: Result, show_sources: bool) -> str:
    records, key, rows = result.records, result.extra["key"], result.extra["rows"]
    names: list[str] = result.params["rules"]
    start, end = result.params["since"], result.params["as_of"]
    span = f"{start} .. {end} ({(end - start).days + 1} days)"
    parts = []
    if len(names) > 1:
        grid: dict[str, dict[str, Any]] = {}
        for rec in records:
            grid.setdefault(rec[key], {key: rec[key]})[rec["rule"]] = rec["count"]
        parts.append(
            render(
                list(grid.values()),
                "table",
                columns=[key, *names],
                title=f"Launch counts by counting rule, {span}",
            )
        )
    detail = []
    for rec in records:
        launches = [
            f"{rows.loc[i, 'model_name']} ({d})"
            for i, d in zip(rec["model_ids"], rec["release_dates"], strict=True)
        ]
        detail.append(
            {
                "rule": rec["rule"],
                key: rec[key],
                "count": rec["count"],
                "median interval (days)": rec["median_interval_days"],
                "days since last": rec["days_since_last"],
                "launches counted": "; ".join(launches)
                or (f"none; {rec['last_before_window']}" if "last_before_window" in rec else ""),
            }
        )
    parts.append(render(detail, "table", title=f"Launches counted, {span}"))
    legend = "\n".join(f"  {n}: {d}" for n, d in result.definitions.items())
    data = "; ".join(
        f"{src.name}"
        + (f" (snapshot {src.snapshot_id})" if src.snapshot_id else "")
        + f", licence {src.licence}"
        for src in result.sources
    )
    footer = [
        f"Rules:\n{legend}",
        f"Data: {data}; each row cites its source — add --show-sources or use --format json.",
    ]
    if show_sources:
        urls = sorted({u for rec in records for u in rec["sources"]})
        footer.append("Sources of counted launches:\n" + "\n".join(f"  {u}" for u in urls))
    return "\n".join(parts) + "\n".join(footer) + "\n"
