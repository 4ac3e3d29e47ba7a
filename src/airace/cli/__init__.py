"""The ``airace`` command line.

Subcommands live in their own modules and are imported only when invoked, so that
``airace --help`` starts without loading pandas or DuckDB.
"""

from __future__ import annotations

import importlib
import sys
from typing import Any

import click

from airace.version import __version__

# name -> (module, attribute, one-line help shown by `airace --help`)
COMMANDS: dict[str, tuple[str, str, str]] = {
    "releases": ("airace.cli.releases", "releases", "List model releases with filters."),
    "cadence": (
        "airace.cli.cadence",
        "cadence",
        "Count launches per lab or country under counting rules.",
    ),
    "rules": ("airace.cli.rules", "rules", "Counting rules: list the bundled ones."),
    "data": ("airace.cli.data", "data", "Curated data: validate, describe, rebuild the catalog."),
    "import": (
        "airace.cli.imports",
        "import_",
        "Import an upstream file (Epoch AI, LMArena, OpenRouter).",
    ),
    "sources": ("airace.cli.sources", "sources", "List imported snapshots and unmatched names."),
    "update": (
        "airace.cli.update",
        "update",
        "Download the newest upstream files and import them.",
    ),
    "gap": ("airace.cli.gap", "gap", "Frontier gap and lag between two groups of models."),
    "hardware": (
        "airace.cli.hardware",
        "hardware",
        "Chips and systems: list, show, compare, classify, diff.",
    ),
    "budget": (
        "airace.cli.economics",
        "budget",
        "Dollars to chips to training FLOP, vs well-known training runs.",
    ),
    "compute-share": (
        "airace.cli.economics",
        "compute_share",
        "AI supercomputer compute by country (Epoch clusters).",
    ),
    "claims": (
        "airace.cli.claims",
        "claims",
        "Check a ledger of claims and predictions against the data.",
    ),
    "compare-dates": (
        "airace.cli.compare",
        "compare_dates",
        "Curated release dates vs an imported source.",
    ),
    "scenario": (
        "airace.cli.scenario",
        "scenario",
        "Compute-supply scenarios: US vs China AI-chip stock by quarter.",
    ),
    "efficiency": (
        "airace.cli.efficiency",
        "efficiency",
        "Score against training compute by country or lab: efficiency frontiers.",
    ),
    "serve": (
        "airace.cli.serve",
        "serve",
        "Serve the local dashboard and JSON API (read-only).",
    ),
    "chart": (
        "airace.cli.chart",
        "chart",
        "Draw any analysis as a chart file (SVG, PNG, HTML, Vega-Lite JSON).",
    ),
    "report": (
        "airace.cli.report",
        "report",
        "Write a self-contained offline HTML report of a claims ledger.",
    ),
}


class LazyGroup(click.Group):
    """A click group whose subcommands are imported on first use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name not in COMMANDS:
            return None
        module, attr, _ = COMMANDS[name]
        command: click.Command = getattr(importlib.import_module(module), attr)
        return command

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [(name, COMMANDS[name][2]) for name in self.list_commands(ctx)]
        with formatter.section("Commands"):
            formatter.write_dl(rows)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="airace")
def cli() -> None:
    """airace: reproducible numbers about the AI race.

    Every figure comes from sourced data with its definition on the table.

    \b
    Examples:
      airace cadence --as-of 2026-03-03 --window 14M --labs deepseek,openai --sensitivity
      airace releases --lab deepseek --since 2025-01-01
      airace data validate
    """


def main(argv: list[str] | None = None) -> None:
    """Entry point: user mistakes become one line on stderr and a non-zero exit code.

    Anything else that escapes a command (a DuckDB, OS, overflow or memory error) is also
    reported as one ``error:`` line, never a traceback; ``AIRACE_DEBUG=1`` re-raises it for
    developers.
    """
    import os

    from airace.errors import AiraceError

    try:
        cli.main(args=argv, prog_name="airace", standalone_mode=False)
    except AiraceError as exc:
        click.echo(f"error: {exc.line()}", err=True)
        sys.exit(exc.exit_code)
    except (click.exceptions.Abort, KeyboardInterrupt):
        click.echo("aborted", err=True)
        sys.exit(130)
    except click.UsageError as exc:
        where = exc.ctx.command_path if exc.ctx else "airace"
        click.echo(f"error: {exc.format_message()} (see `{where} --help`)", err=True)
        sys.exit(exc.exit_code)
    except click.ClickException as exc:
        click.echo(f"error: {exc.format_message()}", err=True)
        sys.exit(exc.exit_code)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except BrokenPipeError:
        sys.exit(0)
    except SystemExit:
        raise
    except Exception as exc:
        if os.environ.get("AIRACE_DEBUG") == "1":
            raise
        click.echo(f"error: {_unexpected(exc)}", err=True)
        sys.exit(1)


def _one_line(text: str) -> str:
    """The first line of a message (the rest is shown with AIRACE_DEBUG=1)."""
    return text.strip().splitlines()[0] if text.strip() else text


def _damaged(text: str) -> bool:
    """A DuckDB message that means the catalog file itself is damaged."""
    lowered = text.lower()
    return any(
        marker in lowered
        for marker in ("corrupt", "checksum", "not a valid duckdb", "could not read enough")
    )


UNEXPECTED = "(unexpected; set AIRACE_DEBUG=1 for a traceback)"


def _unexpected(exc: BaseException) -> str:
    """One line for an error no command turned into an AiraceError (ends in UNEXPECTED)."""
    if isinstance(exc, MemoryError):
        return f"out of memory (input too large?) {UNEXPECTED}"
    if isinstance(exc, RecursionError):
        return f"input nested too deeply {UNEXPECTED}"
    if isinstance(exc, OSError):
        where = f": {exc.filename}" if exc.filename else ""
        return f"{exc.strerror or type(exc).__name__}{where} {UNEXPECTED}"
    if "duckdb" in type(exc).__module__ and _damaged(str(exc)):
        return f"catalog unreadable: {_one_line(str(exc))}; delete it or run `airace data build`"
    if "duckdb" in type(exc).__module__:
        return (
            f"catalog error ({type(exc).__name__}: {_one_line(str(exc))}); if the catalog "
            f"file is damaged, delete it or run `airace data build` {UNEXPECTED}"
        )
    return f"{type(exc).__name__}: {_one_line(str(exc)) or 'unexpected error'} {UNEXPECTED}"


def run(*args: Any) -> None:  # pragma: no cover - convenience for python -m
    main(list(args))
