"""`airace releases`: list model releases with filters."""

from __future__ import annotations

import datetime as dt
from typing import Any

import click

from airace.cli.common import DATE, emit, format_option, output_option, render, split_list

DEFAULT_COLUMNS = ["release_date", "org_id", "model_id", "model_name", "release_type",
                   "is_main_line", "is_open_weights", "confidence"]


@click.command()
@click.option("--lab", "labs", multiple=True,
              help="Lab id, name or alias; repeat or comma-separate.")
@click.option("--country", default=None, help="ISO country code of the lab (e.g. CN, US).")
@click.option("--since", type=DATE, default=None, help="First release date to include.")
@click.option("--until", type=DATE, default=None, help="Last release date to include.")
@click.option("--type", "types", multiple=True,
              help="release_type to keep (new_generation, version_step, point_update, "
                   "reasoning_variant, tier, specialist, media); repeatable.")
@click.option("--all-columns", is_flag=True, help="Show every column, sources included.")
@click.option("--list-labs", is_flag=True, help="List the labs (org ids, countries, aliases).")
@click.option("--source", default="curated", show_default=True,
              help="curated, or an imported model list: epoch-notable, epoch-all, "
                   "epoch-large-scale, epoch-frontier, openrouter.")
@click.option("--snapshot", default=None, help="Imported snapshot id (default: the newest).")
@format_option()
@output_option
def releases(labs: tuple[str, ...], country: str | None, since: dt.date | None,
             until: dt.date | None, types: tuple[str, ...], all_columns: bool,
             list_labs: bool, source: str, snapshot: str | None, fmt: str,
             output: click.Path | None) -> None:
    """List model releases (curated data), oldest first.

    \b
    Examples:
      airace releases --lab deepseek --since 2025-01-01
      airace releases --country CN --type new_generation --format csv
      airace releases --source epoch-notable --lab deepseek --since 2025-01-01

    With --source, rows come from an imported snapshot (`airace sources`); a model by
    several labs is listed once per lab, and its date is the source's own.
    """
    from airace import api

    if list_labs:
        emit(render(_labs(), fmt), output)  # type: ignore[arg-type]
        return
    lab_list = [lab for item in labs for lab in split_list(item)]
    frame = api.releases(labs=lab_list or None, country=country, since=since, until=until,
                         types=[t for item in types for t in split_list(item)] or None,
                         source=source, snapshot=snapshot)
    if fmt != "table" or all_columns:
        columns = [c for c in frame.columns]
    elif source == "curated":
        columns = DEFAULT_COLUMNS
    else:
        columns = ["release_date", "org_id", "model_name", "matched_model_id", "country",
                   "is_open_weights"]
    frame["release_date"] = frame["release_date"].dt.date
    records = frame[columns].to_dict(orient="records")
    if source == "curated":
        urls = frame["source_url"].nunique()
        footer = (f"{len(frame)} releases; sources: airace curated releases (CC BY 4.0), "
                  f"{urls} distinct source pages — see --all-columns or --format csv for "
                  "each row's source_url")
    else:
        meta = frame.attrs["snapshot"]
        footer = (f"{len(frame)} rows from snapshot {meta['snapshot_id']} "
                  f"({meta['file_name']}, imported {meta['imported_at']}); "
                  f"source: {meta['citation']}; licence: {meta['licence']}")
    emit(render(records, fmt, footer=footer), output)  # type: ignore[arg-type]


def _labs() -> list[dict[str, Any]]:
    from airace import catalog

    frame = catalog.query(
        "SELECT o.org_id, o.org_name, o.country, o.aliases, count(r.model_id) AS releases "
        "FROM orgs o LEFT JOIN releases r USING (org_id) "
        "GROUP BY ALL ORDER BY releases DESC, o.org_id")
    return frame.to_dict(orient="records")
