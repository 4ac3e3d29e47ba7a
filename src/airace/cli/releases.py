"""`airace releases`: list model releases with filters."""

from __future__ import annotations

import datetime as dt

import click

from airace.cli.common import DATE, emit, format_option, output_option, render, split_list

DEFAULT_COLUMNS = ["release_date", "org_id", "model_id", "model_name", "release_type",
                   "is_main_line", "is_open_weights", "confidence"]


@click.command()
@click.option("--lab", "labs", multiple=True, help="Lab id, name or alias; repeat or comma-separate.")
@click.option("--country", default=None, help="ISO country code of the lab (e.g. CN, US).")
@click.option("--since", type=DATE, default=None, help="First release date to include.")
@click.option("--until", type=DATE, default=None, help="Last release date to include.")
@click.option("--type", "types", multiple=True,
              help="release_type to keep (new_generation, version_step, point_update, "
                   "reasoning_variant, tier, specialist, media); repeatable.")
@click.option("--all-columns", is_flag=True, help="Show every column, sources included.")
@click.option("--list-labs", is_flag=True, help="List the labs (org ids, countries, aliases).")
@format_option()
@output_option
def releases(labs: tuple[str, ...], country: str | None, since: dt.date | None,
             until: dt.date | None, types: tuple[str, ...], all_columns: bool,
             list_labs: bool, fmt: str, output: click.Path | None) -> None:
    """List model releases (curated data), oldest first.

    \b
    Examples:
      airace releases --lab deepseek --since 2025-01-01
      airace releases --country CN --type new_generation --format csv
    """
    from airace import api

    if list_labs:
        emit(render(_labs(), fmt), output)  # type: ignore[arg-type]
        return
    lab_list = [lab for item in labs for lab in split_list(item)]
    frame = api.releases(labs=lab_list or None, country=country, since=since, until=until,
                         types=[t for item in types for t in split_list(item)] or None)
    if fmt != "table" or all_columns:
        columns = [c for c in frame.columns]
    else:
        columns = DEFAULT_COLUMNS
    frame["release_date"] = frame["release_date"].dt.date
    records = frame[columns].to_dict(orient="records")
    urls = frame["source_url"].nunique()
    footer = (f"{len(frame)} releases; sources: airace curated releases (CC BY 4.0), "
              f"{urls} distinct source pages — see --all-columns or --format csv for each "
              "row's source_url")
    emit(render(records, fmt, footer=footer), output)  # type: ignore[arg-type]


def _labs() -> list[dict[str, object]]:
    from airace import catalog

    frame = catalog.query(
        "SELECT o.org_id, o.org_name, o.country, o.aliases, count(r.model_id) AS releases "
        "FROM orgs o LEFT JOIN releases r USING (org_id) "
        "GROUP BY ALL ORDER BY releases DESC, o.org_id")
    return frame.to_dict(orient="records")
