"""`airace cadence`: launch counts per lab or country under explicit counting rules."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import click

from airace.cli.common import (
    DATE,
    emit,
    format_option,
    info,
    output_option,
    render,
    split_list,
)


@click.command()
@click.option("--as-of", type=DATE, required=True, help="Last day of the window (YYYY-MM-DD).")
@click.option("--window", default=None, help="Window length ending at --as-of: 14M, 90D, 6W, 2Y.")
@click.option("--since", type=DATE, default=None,
              help="First day of the window (instead of --window).")
@click.option("--labs", default=None, help="Comma-separated lab ids, names or aliases.")
@click.option("--by", type=click.Choice(["lab", "country"]), default="lab", show_default=True,
              help="Group counts by lab or by the lab's country.")
@click.option("--rule", "rule_names", multiple=True,
              help="Bundled rule name or path to a rule .yaml (repeatable; default main-versions).")
@click.option("--sensitivity", is_flag=True, help="Counts under every bundled rule side by side.")
@click.option("--show-sources", is_flag=True,
              help="List the source page of every counted launch.")
@click.option("--source", default="curated", show_default=True,
              help="curated, or an imported model list (epoch-notable, epoch-all, "
                   "epoch-large-scale, epoch-frontier, openrouter).")
@click.option("--snapshot", default=None, help="Imported snapshot id (default: the newest).")
@format_option()
@output_option
def cadence(as_of: dt.date, window: str | None, since: dt.date | None, labs: str | None,
            by: str, rule_names: tuple[str, ...], sensitivity: bool, show_sources: bool,
            source: str, snapshot: str | None, fmt: str, output: Path | None) -> None:
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
    from airace import api
    from airace.rules import bundled_rules

    if sensitivity and rule_names:
        raise click.UsageError("--sensitivity already uses every bundled rule; drop --rule")
    names: list[str] = list(rule_names) or (["main-versions"] if source == "curated"
                                            else ["every-release"])
    if sensitivity:
        names = [r.name for r in bundled_rules()]
        if source != "curated":
            frame = api.releases(source=source, snapshot=snapshot)
            names, skipped = api.rules_for_source(frame)
            for name, lacking in skipped.items():
                info(f"rule {name} does not apply to {source}: it needs {', '.join(lacking)}")
    result = api.cadence(as_of=as_of, window=window, since=since,
                         labs=split_list(labs) or None, by=by, rule=names, source=source,
                         snapshot=snapshot)
    start, end = result.attrs["since"], result.attrs["as_of"]
    rows = result.attrs["rows"].drop_duplicates("model_id").set_index("model_id")
    key = "org_id" if by == "lab" else "country"
    records = []
    for rec in result.to_dict(orient="records"):
        ids = rec["model_ids"]
        records.append({
            key: rec["group"],
            "rule": rec["rule"],
            "count": rec["count"],
            "model_ids": ids,
            "release_dates": rec["release_dates"],
            "collapsed_ids": rec["collapsed_ids"],
            "median_interval_days": rec["median_interval_days"],
            "days_since_last": rec["days_since_last"],
            "since": start.isoformat(),
            "as_of": end.isoformat(),
            "sources": sorted({str(u) for u in rows.loc[ids, "source_url"].tolist()
                               if isinstance(u, str)}),
            "source": source,
        })
    if fmt != "table":
        emit(render(records, fmt), output)
        return
    emit(_tables(records, key, names, start, end, rows, show_sources,
                 result.attrs["sources"]), output)


def _tables(records: list[dict[str, Any]], key: str, names: list[str], start: dt.date,
            end: dt.date, rows: Any, show_sources: bool, data_sources: list[dict[str, Any]]
            ) -> str:
    from airace.rules import resolve_rule

    span = f"{start} .. {end} ({(end - start).days + 1} days)"
    parts = []
    if len(names) > 1:
        grid: dict[str, dict[str, Any]] = {}
        for rec in records:
            grid.setdefault(rec[key], {key: rec[key]})[rec["rule"]] = rec["count"]
        parts.append(render(list(grid.values()), "table", columns=[key, *names],
                            title=f"Launch counts by counting rule, {span}"))
    detail = []
    for rec in records:
        launches = [f"{rows.loc[i, 'model_name']} ({d})"
                    for i, d in zip(rec["model_ids"], rec["release_dates"], strict=True)]
        detail.append({
            "rule": rec["rule"], key: rec[key], "count": rec["count"],
            "median interval (days)": rec["median_interval_days"],
            "days since last": rec["days_since_last"],
            "launches counted": "; ".join(launches),
        })
    parts.append(render(detail, "table", title=f"Launches counted, {span}"))
    legend = "\n".join(f"  {n}: {resolve_rule(n).describe()}" for n in names)
    data = "; ".join(f"{d['source']}" + (f" (snapshot {d['snapshot']})" if d.get("snapshot")
                                         else "") + f", licence {d['licence']}"
                     for d in data_sources)
    footer = [f"Rules:\n{legend}",
              f"Data: {data}; each row cites its source — add --show-sources or use "
              "--format json."]
    if show_sources:
        urls = sorted({u for rec in records for u in rec["sources"]})
        footer.append("Sources of counted launches:\n" + "\n".join(f"  {u}" for u in urls))
    return "\n".join(parts) + "\n".join(footer) + "\n"
