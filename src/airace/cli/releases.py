"""`airace releases`: list model releases with filters."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from airace.cli.common import DATE, emit_result, format_option, output_option, split_list

DEFAULT_COLUMNS = [
    "release_date",
    "org_id",
    "model_id",
    "model_name",
    "release_type",
    "is_main_line",
    "is_open_weights",
    "confidence",
]


@click.command()
@click.option(
    "--lab", "labs", multiple=True, help="Lab id, name or alias; repeat or comma-separate."
)
@click.option("--country", default=None, help="ISO country code of the lab (e.g. CN, US).")
@click.option("--since", type=DATE, default=None, help="First release date to include.")
@click.option("--until", type=DATE, default=None, help="Last release date to include.")
@click.option(
    "--type",
    "types",
    multiple=True,
    help="release_type to keep (new_generation, version_step, point_update, "
    "reasoning_variant, tier, specialist, media); repeatable.",
)
@click.option("--all-columns", is_flag=True, help="Show every column, sources included.")
@click.option("--list-labs", is_flag=True, help="List the labs (org ids, countries, aliases).")
@click.option(
    "--source",
    default="curated",
    show_default=True,
    help="curated, or an imported model list: epoch-notable, epoch-all, "
    "epoch-large-scale, epoch-frontier, openrouter.",
)
@click.option("--snapshot", default=None, help="Imported snapshot id (default: the newest).")
@format_option()
@output_option
def releases(
    labs: tuple[str, ...],
    country: str | None,
    since: dt.date | None,
    until: dt.date | None,
    types: tuple[str, ...],
    all_columns: bool,
    list_labs: bool,
    source: str,
    snapshot: str | None,
    fmt: str,
    output: Path | None,
) -> None:
    """List model releases (curated data), oldest first.

    \b
    Examples:
      airace releases --lab deepseek --since 2025-01-01
      airace releases --country CN --type new_generation --format csv
      airace releases --source epoch-notable --lab deepseek --since 2025-01-01

    With --source, rows come from an imported snapshot (`airace sources`); a model by
    several labs is listed once per lab, and its date is the source's own.
    """
    import airace.service as svc

    if list_labs:
        result = svc.labs()
        emit_result(
            result,
            fmt,
            output,
            columns=["org_id", "org_name", "country", "aliases", "releases"],
        )
        return
    lab_list = [lab for item in labs for lab in split_list(item)]
    result = svc.releases(
        labs=lab_list or None,
        country=country,
        since=since,
        until=until,
        types=[t for item in types for t in split_list(item)] or None,
        source=source,
        snapshot=snapshot,
    )
    if all_columns:
        columns = None
    elif source == "curated":
        columns = DEFAULT_COLUMNS
    else:
        columns = [
            "release_date",
            "org_id",
            "model_name",
            "matched_model_id",
            "country",
            "is_open_weights",
        ]
    emit_result(result, fmt, output, columns=columns)
