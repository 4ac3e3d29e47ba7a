"""`airace claims`: check a ledger of claims and predictions against the data."""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path
from typing import Any

import click

from airace.cli.common import DATE, cell_text, emit, jsonable, output_option, render


def _ledgers(paths: tuple[Path, ...]) -> list[Any]:
    from airace.ledger import bundled_ledgers, load_ledger

    return [load_ledger(p) for p in (paths or tuple(bundled_ledgers()))]


def _short(text: str, n: int = 70) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1] + "…"


def _figures_text(figures: Any) -> str:
    if isinstance(figures, dict) and figures and all(isinstance(v, dict) for v in
                                                    figures.values()):
        return " | ".join(f"{k}: " + ", ".join(f"{kk}={cell_text(vv)}" for kk, vv in v.items())
                          for k, v in figures.items())
    if isinstance(figures, dict):
        return ", ".join(f"{k}={cell_text(v)}" for k, v in figures.items() if v is not None)
    return cell_text(figures)


def _record(v: Any) -> dict[str, Any]:
    return {
        "claim_id": v.claim.id,
        "document": v.document,
        "kind": v.claim.kind,
        "speaker": v.claim.speaker,
        "quote": v.claim.quote,
        "verdict": v.verdict,
        "figures": jsonable(v.figures),
        "reason": v.reason,
        "readings": [{"label": o.label, "status": o.status, "params": jsonable(o.params),
                      "checks": [c.text for c in o.checks], "error": o.error}
                     for o in v.readings],
        "evidence": jsonable(v.evidence),
        "sources": jsonable(v.sources),
    }


def _markdown(records: list[dict[str, Any]]) -> str:
    def esc(text: str) -> str:
        return text.replace("|", "\\|").replace("\n", " ")

    lines = ["| claim | quote | verdict | key figures | reason |", "|---|---|---|---|---|"]
    for r in records:
        lines.append(f"| {r['claim_id']} | {esc(_short(r['quote'], 90))} | **{r['verdict']}** | "
                     f"{esc(_figures_text(r['figures']))} | {esc(r['reason'])} |")
    return "\n".join(lines) + "\n"


@click.group()
def claims() -> None:
    """Claims and predictions ledgers: check, explain, score, validate."""


@claims.command()
@click.argument("ledgers", nargs=-1, type=click.Path(path_type=Path))
@click.option("--as-of", type=DATE, default=None, help="Evaluate as of this date (default: today).")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json", "markdown"]),
              default="table", show_default=True)
@click.option("--strict", is_flag=True, help="Exit 1 when any claim is contradicted.")
@output_option
def check(ledgers: tuple[Path, ...], as_of: dt.date | None, fmt: str, strict: bool,
          output: Path | None) -> None:
    """One verdict per claim: supported, contradicted, depends on definition, insufficient
    data, pending, resolved true or resolved false — with key figures and a reason.

    Without LEDGER files the bundled ledgers are checked.

    \b
    Examples:
      airace claims check
      airace claims check my-ledger.yaml --as-of 2026-06-30 --format markdown
      airace claims check --strict --format json
    """
    from airace.claims import CatalogData, check_ledger

    date = as_of or dt.date.today()
    data = CatalogData()
    verdicts = [v for lg in _ledgers(ledgers) for v in check_ledger(lg, data, date)]
    records = [_record(v) for v in verdicts]
    if fmt == "json":
        emit(json.dumps(records, indent=2, ensure_ascii=False) + "\n", output)
    elif fmt == "markdown":
        emit(_markdown(records), output)
    else:
        rows = [{"claim_id": r["claim_id"], "quote": _short(r["quote"]),
                 "verdict": r["verdict"], "key figures": _figures_text(r["figures"]),
                 "reason": r["reason"]} for r in records]
        if fmt == "csv":
            emit(render(rows, "csv"), output)
        else:
            counts: dict[str, int] = {}
            for r in records:
                counts[r["verdict"]] = counts.get(r["verdict"], 0) + 1
            footer = (f"As of {date}: " + ", ".join(f"{k} {n}" for k, n in counts.items())
                      + ". `airace claims explain CLAIM_ID` shows the evidence and sources.")
            emit(render(rows, "table", footer=footer), output)
    if strict and any(v.verdict == "contradicted" for v in verdicts):
        sys.exit(1)


@claims.command()
@click.argument("claim_id")
@click.option("--ledger", "ledgers", multiple=True, type=click.Path(path_type=Path))
@click.option("--as-of", type=DATE, default=None)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True)
def explain(claim_id: str, ledgers: tuple[Path, ...], as_of: dt.date | None, fmt: str) -> None:
    """The full evidence behind one claim's verdict, with sources.

    \b
    Example:
      airace claims explain rfm-release-counts
    """
    from airace.api import suggest
    from airace.claims import CatalogData, evaluate_claim
    from airace.errors import AiraceError

    loaded = _ledgers(ledgers)
    found = [(lg, c) for lg in loaded for c in lg.claims if c.id == claim_id]
    if not found:
        known = [c.id for lg in loaded for c in lg.claims]
        raise AiraceError(f"unknown claim {claim_id!r}{suggest(claim_id, known)}")
    ledger, claim = found[0]
    verdict = evaluate_claim(claim, ledger.document.id, CatalogData(),
                             as_of or dt.date.today())
    record = _record(verdict)
    if fmt == "json":
        emit(json.dumps(record, indent=2, ensure_ascii=False) + "\n", None)
        return
    doc = ledger.document
    lines = [f"{claim.id} ({claim.kind}) — {doc.title}",
             f"  {doc.publisher or ''} {doc.date} {doc.url or ''}".rstrip(),
             f"Quote: “{' '.join(claim.quote.split())}”"]
    if claim.speaker:
        lines.append(f"Speaker: {claim.speaker}")
    if claim.summary:
        lines.append(f"Read as: {claim.summary}")
    lines += [f"Verdict: {verdict.verdict}", f"Reason: {verdict.reason}"]
    if claim.kind == "prediction":
        stated = "none" if claim.probability is None else claim.probability
        lines.append(f"Made on {claim.made_on}, resolves by {claim.resolve_by}; stated "
                     f"probability: {stated}")
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
            lines.append("  " + ", ".join(f"{k}={cell_text(v)}" for k, v in row.items()
                                         if v is not None))
        if len(verdict.evidence) > 60:
            lines.append(f"  ... {len(verdict.evidence) - 60} more (use --format json)")
    lines.append("\nSources:")
    for src in verdict.sources:
        lines.append("  " + ", ".join(f"{k}: {v}" for k, v in src.items()))
    if claim.notes:
        lines.append(f"\nNotes: {' '.join(claim.notes.split())}")
    emit("\n".join(lines) + "\n", None)


@claims.command()
@click.argument("ledgers", nargs=-1, type=click.Path(path_type=Path))
@click.option("--as-of", type=DATE, default=None)
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table",
              show_default=True)
def score(ledgers: tuple[Path, ...], as_of: dt.date | None, fmt: str) -> None:
    """Forecasting scores per document and per author: Brier score over resolved predictions
    with a stated probability; hits and misses for those without one.

    \b
    Example:
      airace claims score
    """
    from airace.claims import CatalogData, check_ledger
    from airace.claims import score as run

    loaded = _ledgers(ledgers)
    data = CatalogData()
    date = as_of or dt.date.today()
    verdicts = [v for lg in loaded for v in check_ledger(lg, data, date)]
    emit(render(run(loaded, verdicts), fmt), None)


@claims.command()
@click.argument("ledgers", nargs=-1, type=click.Path(path_type=Path))
def validate(ledgers: tuple[Path, ...]) -> None:
    """Check ledger files against the schema (bundled ones by default).

    \b
    Example:
      airace claims validate my-ledger.yaml
    """
    for ledger in _ledgers(ledgers):
        click.echo(f"ok: {ledger.path} ({len(ledger.claims)} claims)")
