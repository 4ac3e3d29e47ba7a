"""`airace update`: fetch the newest upstream files and import them."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from airace.cli.common import emit_result, finite, format_option, info, output_option


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
    type=finite(0, 600),
    default=1.0,
    show_default=True,
    help="Seconds before the first retry; doubles each time.",
)
@click.option(
    "--timeout",
    type=finite(0.1, 3600),
    default=60.0,
    show_default=True,
    help="Seconds to wait for the server on each read.",
)
@click.option(
    "--deadline",
    type=finite(0.1, 86400),
    default=900.0,
    show_default=True,
    help="Seconds for each file, retries included; a slower download fails.",
)
@click.option(
    "--max-mb",
    type=finite(0.001, 1024),
    default=1024.0,
    show_default=True,
    help="Largest file accepted, in MB; a bigger download is stopped.",
)
@click.option(
    "--force",
    is_flag=True,
    help="Download even if the publisher says unchanged, and import a file much smaller or "
    "older than the current snapshot.",
)
@format_option()
@output_option
def update(
    kinds: tuple[str, ...],
    base_url: str | None,
    retries: int,
    backoff: float,
    timeout: float,
    deadline: float,
    max_mb: float,
    force: bool,
    fmt: str,
    output: Path | None,
) -> None:
    """Download the newest upstream files and import them (default: every kind).

    KINDS: see `airace sources kinds`. Unchanged files (ETag / Last-Modified) are
    skipped; a failed, slow, oversized or invalid download keeps the previous snapshot and
    the other files go on. Exit code 1 if any download failed.

    \b
    Examples:
      airace update
      airace update epoch-models epoch-eci
      airace update --base-url http://127.0.0.1:8000/mirror --deadline 120 --max-mb 200
    """
    from airace.service.sources import update as run

    result = run(
        list(kinds) or None,
        base_url=base_url,
        retries=retries,
        backoff=backoff,
        timeout=timeout,
        deadline=deadline,
        max_bytes=int(max_mb * 1e6),
        force=force,
        report=info,
    )
    emit_result(result, fmt, output, footer="")
    if any(r["status"] == "failed" for r in result.records):
        sys.exit(1)
