"""`airace rules`: the counting rules behind every cadence number."""

from __future__ import annotations

import click

from airace.cli.common import emit, format_option, render


@click.group()
def rules() -> None:
    """Counting rules (which launches count, how launches collapse)."""


@rules.command("list")
@format_option()
def list_rules(fmt: str) -> None:
    """List the bundled counting rules, strictest first.

    \b
    Example:
      airace rules list --format json
    """
    from airace.rules import bundled_rules

    records = [
        {"name": r.name, "title": r.title, "definition": r.describe(),
         "description": " ".join(r.description.split())}
        for r in bundled_rules()
    ]
    emit(render(records, fmt, columns=["name", "title", "definition", "description"]), None)
