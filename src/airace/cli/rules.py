"""`airace rules`: the counting rules behind every cadence number."""

from __future__ import annotations

from pathlib import Path

import click

from airace.cli.common import emit_result, format_option, output_option


@click.group()
def rules() -> None:
    """Counting rules (which launches count, how launches collapse).

    \b
    Example:
      airace rules list --format json
    """


@rules.command("list")
@format_option()
@output_option
def list_rules(fmt: str, output: Path | None) -> None:
    """List the bundled counting rules, strictest first.

    \b
    Example:
      airace rules list --format json
    """
    import airace.service as svc

    emit_result(
        svc.rules(), fmt, output, columns=["name", "title", "definition", "description"], footer=""
    )
