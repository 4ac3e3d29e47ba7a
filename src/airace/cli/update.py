"""`airace update`: fetch the newest upstream files and import them."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from airace.cli.common import emit_result, format_option, info, output_option


@click.command()
@click.argument("kinds", nargs=-1)
@click.option(
    "--base-url",
    default=None,
    help="Fetch every file from this mirror (BASE/<file name>) instead of the "
    "publisher; also AIRACE_BASE_URL.",
)
@click.option("--retries", type=click.IntRange(0, 10), default=3, show_default=True)
@click.option(
    "--backoff",
    type=click.FloatRange(0),
    default=1.0,
    show_default=True,
    help="Seconds before the first retry; doubles each time.",
)
@click.option("--timeout", type=click.FloatRange(0.1), default=60.0, show_default=True)
@click.option("--force", is_flag=True, help="Download even if the publisher says unchanged.")
@format_option()
@output_option
def update(
    kinds: tuple[str, ...],
    base_url: str | None,
    retries: int,
    backoff: float,
    timeout: float,
    force: bool,
    fmt: str,
    output: Path | None,
) -> None:
    """Download the newest upstream files and import them (default: every kind).

    KINDS: see `airace sources kinds`. Unchanged files (ETag / Last-Modified) are
    skipped; a failed or invalid download keeps the previous snapshot. Exit code 1 if any
    download failed.

    \b
    Examples:
      airace update
      airace update epoch-models epoch-eci
      airace update --base-url http://127.0.0.1:8000/mirror
    """
    from airace.service.sources import update as run

    result = run(
        list(kinds) or None,
        base_url=base_url,
        retries=retries,
        backoff=backoff,
        timeout=timeout,
        force=force,
        report=info,
    )
    emit_result(result, fmt, output, footer="")
    if any(r["status"] == "failed" for r in result.records):
        sys.exit(1)
