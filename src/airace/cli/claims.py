"""`airace claims`: check a ledger of claims and predictions against the data."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import Any

import click

from airace.cli.common import DATE, cell_text, emit, emit_result, output_option, render
from airace.render.text import to_json


def _short(text: str, n: int = 70) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1] + "…"


def _figures_text(figures: Any) -> str:
    if isinstance(figures, dict) and figures and all(isinstance(v, dict) for v in figures.values()):
        return " | ".join(
            f"{k}: " + ", ".join(f"{kk}={cell_text(vv)}" for kk, vv in v.items())
            for k, v in figures.items()
        )
    if isinstance(figures, dict):
        return ", ".join(f"{k}={cell_text(v)}" for k, v in figures.items() if v is not None)
    return cell_text(figures)


def _markdown(records: list[dict[str, Any]]) -> str:
    def esc(text: str) -> str:
        return text.replace("|", "\\|").replace("\n", " ")

    lines = ["| claim | quote | verdict | key figures | reason |", "|---|---|---|---|---|"]
    for r in records:
        lines.append(
            f"| {r['claim_id']} | {esc(_short(r['quote'], 90))} | **{r['verdict']}** | "
            f"{esc(_figures_text(r['figures']))} | {esc(r['reason'])} |"
        )
    return "\n".join(lines) + "\n"


@click.group()
def claims() -> None:
    """Claims and predictions ledgers: check, explain, score, validate.

    \b
    Examples:
      airace claims check
      airace claims explain rfm-release-counts
      airace claims validate my-ledger.yaml
    """


@claims.command()
@click.argument("ledgers", nargs=-1, type=click.Path(path_type=Path))
@click.option("--as-of", type=DATE, default=None, help="Evaluate as of this date (default: today).")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "csv", "json", "markdown"]),
    default="table",
    show_default=True,
)
@click.option("--strict", is_flag=True, help="Exit 1 when any claim is contradicted.")
@click.option(
    "--no-cache",
    is_flag=True,
    help="Recompute every verdict instead of reusing the answer stored for the same data, "
    "code and date (bundled ledgers only; AIRACE_NO_CACHE=1 does the same).",
)
@output_option
def check(
    ledgers: tuple[Path, ...],
    as_of: dt.date | None,
    fmt: str,
    strict: bool,
    no_cache: bool,
    output: Path | None,
) -> None:
    """One verdict per claim: supported, contradicted, depends on definition, inconclusive
    (an interval admits both outcomes), reported, unconfirmed (event claims resting on
    reports only), insufficient data, pending, resolved true or resolved false — with key
    figures and a reason.

    Without LEDGER files the bundled ledgers are checked.

    \b
    Examples:
      airace claims check
      airace claims check my-ledger.yaml --as-of 2026-06-30 --format markdown
      airace claims check --strict --format json
    """
    import airace.service as svc

    result = svc.check_claims(ledgers=ledgers, as_of=as_of, cached=not no_cache)
    records = result.records
    if fmt == "json":
        emit_result(result, fmt, output)
    elif fmt == "markdown":
        emit(_markdown(records), output)
    else:
        rows = [
            {
                "claim_id": r["claim_id"],
                "quote": _short(r["quote"]),
                "verdict": r["verdict"],
                "key figures": _figures_text(r["figures"]),
                "reason": r["reason"],
            }
            for r in records
        ]
        if fmt == "csv":
            emit(render(rows, "csv"), output)
        else:
            counts = result.extra["counts"]
            footer = (
                f"As of {result.params['as_of']}: "
                + ", ".join(f"{k} {n}" for k, n in counts.items())
                + ". `airace claims explain CLAIM_ID` shows the evidence and sources."
            )
            emit(render(rows, "table", footer=footer), output)
    if strict and any(r["verdict"] == "contradicted" for r in records):
        sys.exit(1)


@claims.command()
@click.argument("claim_id")
@click.option("--ledger", "ledgers", multiple=True, type=click.Path(path_type=Path))
@click.option("--as-of", type=DATE, default=None)
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
@output_option
def explain(
    claim_id: str, ledgers: tuple[Path, ...], as_of: dt.date | None, fmt: str, output: Path | None
) -> None:
    """The full evidence behind one claim's verdict, with sources.

    \b
    Example:
      airace claims explain rfm-release-counts
    """
    import airace.service as svc

    result = svc.explain_claim(claim_id=claim_id, ledgers=ledgers, as_of=as_of)
    if fmt == "json":
        emit(to_json(result.record), output)
        return
    verdict, ledger, claim = (
        result.extra["verdict"],
        result.extra["ledger"],
        result.extra["claim"],
    )
    doc = ledger.document
    lines = [
        f"{claim.id} ({claim.kind}) — {doc.title}",
        f"  {doc.publisher or ''} {doc.date} {doc.url or ''}".rstrip(),
        f"Quote: “{' '.join(claim.quote.split())}”",
    ]
    if claim.speaker:
        lines.append(f"Speaker: {claim.speaker}")
    if claim.summary:
        lines.append(f"Read as: {claim.summary}")
    lines += [f"Verdict: {verdict.verdict}", f"Reason: {verdict.reason}"]
    if claim.kind == "prediction":
        stated = "none" if claim.probability is None else claim.probability
        lines.append(
            f"Made on {claim.made_on}, resolves by {claim.resolve_by}; stated probability: {stated}"
        )
    for outcome in verdict.readings:
        lines.append(f"\nReading: {outcome.label} — {outcome.status}")
        params = ", ".join(f"{k}={v}" for k, v in outcome.params.items())
        lines.append(f"  parameters: {params}")
        for c in outcome.checks:
            lines.append(f"  [{c.status}] {c.text}")
        if outcome.error:
            lines.append(f"  [missing] {outcome.error}")
    if verdict.evidence:
        lines.append("\nEvidence:")
        for row in verdict.evidence[:60]:
            lines.append(
                "  " + ", ".join(f"{k}={cell_text(v)}" for k, v in row.items() if v is not None)
            )
        if len(verdict.evidence) > 60:
            lines.append(f"  ... {len(verdict.evidence) - 60} more (use --format json)")
    lines.append("\nSources:")
    for src in verdict.sources:
        lines.append("  " + ", ".join(f"{k}: {v}" for k, v in src.items()))
    if claim.notes:
        lines.append(f"\nNotes: {' '.join(claim.notes.split())}")
    emit("\n".join(lines) + "\n", output)


@claims.command()
@click.argument("ledgers", nargs=-1, type=click.Path(path_type=Path))
@click.option("--as-of", type=DATE, default=None)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "csv", "json", "markdown"]),
    default="table",
    show_default=True,
)
@output_option
def score(ledgers: tuple[Path, ...], as_of: dt.date | None, fmt: str, output: Path | None) -> None:
    """Forecasting scores per document and per author: Brier score over resolved predictions
    with a stated probability; hits and misses for those without one.

    \b
    Example:
      airace claims score
    """
    import airace.service as svc

    emit_result(svc.score_claims(ledgers=ledgers, as_of=as_of), fmt, output, footer="")


@claims.command()
@click.argument("ledgers", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "csv", "json"]),
    default="table",
    show_default=True,
)
@output_option
def validate(ledgers: tuple[Path, ...], fmt: str, output: Path | None) -> None:
    """Check ledger files against the schema and the catalog (bundled ones by default):
    unknown labs, chips, metrics, rules, windows or dates are errors, not verdicts.

    \b
    Example:
      airace claims validate my-ledger.yaml
    """
    from airace.service.claims import load_ledgers
    from airace.service.data import CatalogData
    from airace.service.ledger_check import check_ledger_refs

    data = CatalogData()
    records = []
    for ledger in load_ledgers(ledgers):
        check_ledger_refs(ledger, data)
        records.append({"ledger": ledger.path, "claims": len(ledger.claims), "status": "ok"})
    if fmt == "table":
        emit("".join(f"ok: {r['ledger']} ({r['claims']} claims)\n" for r in records), output)
    else:
        emit(render(records, fmt), output)
