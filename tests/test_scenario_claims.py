"""Scenarios in the claims ledger: a `scenario` check, and predictions whose probability
comes from a scenario's named event (so they get a Brier score when they resolve)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
import yaml

from airace.errors import AiraceError
from airace.schema.ledger import load_ledger
from airace.service.claims import check_ledger, evaluate_claim, score
from airace.service.data import CatalogData
from airace.service.scenarios import event_probability

DOC = {"id": "doc", "title": "A test piece", "author": "A. Writer", "date": "2024-12-01"}


def ledger(tmp_path: Path, claims: list[dict[str, Any]]) -> Path:
    path = tmp_path / "ledger.yaml"
    path.write_text(yaml.safe_dump({"document": DOC, "claims": claims}), encoding="utf-8")
    return path


PREDICTION = {
    "id": "p1",
    "quote": "BIS will publish an AI diffusion rule by March 2025",
    "kind": "prediction",
    "made_on": "2024-12-01",
    "resolve_by": "2025-03-31",
    "probability_from": {"scenario": "baseline", "event": "cn-share-falls-2027", "paths": 500},
    "resolution": {"table": "events", "text": ["diffusion"]},
}


def test_prediction_takes_its_probability_from_a_scenario(home: Path, tmp_path: Path):
    loaded = load_ledger(ledger(tmp_path, [PREDICTION]))
    data = CatalogData()
    verdict = evaluate_claim(loaded.claims[0], "doc", data, dt.date(2025, 6, 1))
    assert verdict.verdict == "resolved true"
    expected = event_probability(data, scenario="baseline", event="cn-share-falls-2027", paths=500)[
        "probability"
    ]
    assert verdict.figures["probability"] == pytest.approx(expected)
    assert "scenario baseline, event cn-share-falls-2027" in verdict.figures["probability_basis"]
    rows = score([loaded], check_ledger(loaded, data, dt.date(2025, 6, 1)))
    doc = next(r for r in rows if r["level"] == "document")
    assert doc["scored_with_probability"] == 1
    assert doc["brier_score"] == pytest.approx((1 - expected) ** 2)


def test_probability_and_probability_from_are_exclusive(tmp_path: Path):
    with pytest.raises(AiraceError, match="probability or probability_from"):
        load_ledger(ledger(tmp_path, [{**PREDICTION, "probability": 0.7}]))
    claim = {
        "id": "c1",
        "quote": "q",
        "kind": "comparison",
        "probability_from": PREDICTION["probability_from"],
        "check": {
            "analysis": "scenario",
            "params": {"scenario": "baseline"},
            "expect": [{"field": "probability", "group": "x", "op": "gt", "value": 0.5}],
        },
    }
    with pytest.raises(AiraceError, match="predictions only"):
        load_ledger(ledger(tmp_path, [claim]))


def test_scenario_check_is_judged_on_its_monte_carlo_interval(home: Path, tmp_path: Path):
    def claim(value: float, event: str = "cn-share-falls-2027") -> dict[str, Any]:
        return {
            "id": f"c-{str(value).replace('.', '-')}-{event}",
            "quote": "q",
            "kind": "comparison",
            "check": {
                "analysis": "scenario",
                "params": {"scenario": "commentary", "paths": 2000, "seed": 1},
                "expect": [{"field": "probability", "group": event, "op": "gt", "value": value}],
            },
        }

    loaded = load_ledger(ledger(tmp_path, [claim(0.5), claim(1.0), claim(0.5, "no-such")]))
    verdicts = check_ledger(loaded, CatalogData(), dt.date(2026, 11, 29))
    assert [v.verdict for v in verdicts] == ["supported", "contradicted", "insufficient data"]
