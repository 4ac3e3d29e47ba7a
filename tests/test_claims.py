"""Claims ledgers: schema errors, every verdict kind on small synthetic tables, prediction
resolution around resolve_by and as_of, and Brier scoring."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import yaml

from airace.analysis import verdicts as V
from airace.analysis.hardware import Unit
from airace.analysis.verdicts import brier
from airace.errors import AiraceError
from airace.schema.ledger import load_ledger
from airace.service.claims import check_ledger, evaluate_claim, score
from airace.service.points import Points
from airace.service.result import Source
from conftest import data_of, run_cli

D = dt.date


class FrameData:
    """A claims data provider over small frames built by the tests."""

    def __init__(self) -> None:
        self._releases = pd.DataFrame(
            [
                # model_id, org, country, family, type, main, date, outputs
                ("a1", "lab-a", "US", "fa", "new_generation", True, "2025-02-01", ["text"]),
                ("a2", "lab-a", "US", "fb", "version_step", True, "2025-06-01", ["text"]),
                ("a3", "lab-a", "US", "fb", "point_update", True, "2025-07-01", ["text"]),
                ("b1", "lab-b", "CN", "gb", "version_step", True, "2025-03-01", ["text"]),
                ("b2", "lab-b", "CN", "gc", "media", False, "2025-04-01", ["image"]),
                ("b3", "lab-b", "CN", "gv", "new_generation", True, "2025-09-10", ["text"]),
            ],
            columns=[
                "model_id",
                "org_id",
                "country",
                "family_id",
                "release_type",
                "is_main_line",
                "release_date",
                "output_modalities",
            ],
        )
        self._releases["release_date"] = pd.to_datetime(self._releases["release_date"])
        self._releases["model_name"] = self._releases["model_id"].str.upper()
        self._releases["source_url"] = "https://example.org/" + self._releases["model_id"]
        self._events = pd.DataFrame(
            [
                (
                    "e1",
                    "2025-05-01",
                    "US",
                    "export_rule",
                    "Rule on cloud access",
                    "cloud rule",
                    [],
                    [],
                    "confirmed",
                ),
                (
                    "e2",
                    "2025-08-01",
                    "US",
                    "guidance",
                    "Overseas data centre guidance",
                    "subsidiaries abroad",
                    [],
                    ["Nvidia"],
                    "confirmed",
                ),
            ],
            columns=[
                "event_id",
                "event_date",
                "jurisdiction",
                "event_type",
                "title",
                "summary",
                "affected_chips",
                "affected_firms",
                "status",
            ],
        )
        self._events["event_date"] = pd.to_datetime(self._events["event_date"])
        self._events["source_url"] = "https://example.org/" + self._events["event_id"]

    def releases(self) -> pd.DataFrame:
        return self._releases

    def events(self) -> pd.DataFrame:
        return self._events

    def orgs(self) -> pd.DataFrame:
        return pd.DataFrame(
            {
                "org_id": ["lab-a", "lab-b"],
                "org_name": ["Lab A", "Lab B"],
                "country": ["US", "CN"],
                "aliases": [[], []],
            }
        )

    def table(self, name: str) -> pd.DataFrame:
        if name == "chips":
            return pd.DataFrame({"chip_id": ["c"]})
        if name == "systems":
            return pd.DataFrame({"system_id": ["big", "huge"]})
        raise AiraceError(f"no {name} table in the test data")

    def table_source(self, table: str, frame: pd.DataFrame | None = None) -> Source:
        return Source(
            "test", f"test {table}", "none", table=table, rows=None if frame is None else len(frame)
        )

    def snapshot(self, source: str, snapshot: str | None = None) -> Any:
        raise AiraceError(f"no {source} snapshot imported yet")

    def points(self, metric: str, groups: Any, source: str | None = None, *args: Any) -> Any:
        frame = pd.DataFrame(
            [("m1", "US", "2025-01-01", 50.0), ("m2", "CN", "2025-03-01", 45.0)],
            columns=["model", "group", "date", "score"],
        )
        frame["date"] = pd.to_datetime(frame["date"])
        frame["compute"] = float("nan")
        return Points(frame, metric, "test", [Source("test", "test scores", "none")])

    def units(self) -> dict[str, Any]:
        chip = {"chip_id": "c", "dense_bf16_flops": 1e15, "tdp_w": 700}
        return {
            "big": Unit(
                "big",
                "system",
                "big",
                {
                    "system_id": "big",
                    "chip_count": 10,
                    "cabinets_total": 2,
                    "cabinets_compute": 2,
                    "all_in_power_kw": 20,
                },
                {},
                chip,
            ),
            "huge": Unit(
                "huge",
                "system",
                "huge",
                {"system_id": "huge", "chip_count": 100, "cabinets_total": 40},
                {},
                chip,
            ),
        }

    def reference_runs(self) -> pd.DataFrame:
        return pd.DataFrame({"model_id": ["run"], "training_compute_flop": [1e24]})


def ledger_file(tmp_path: Path, claims: list[dict[str, Any]], **doc: Any) -> Path:
    path = tmp_path / "ledger.yaml"
    document = {
        "id": "doc",
        "title": "A test piece",
        "author": "Ann Analyst",
        "date": "2025-01-01",
        **doc,
    }
    path.write_text(
        yaml.safe_dump({"document": document, "claims": claims}, sort_keys=False), encoding="utf-8"
    )
    return path


CADENCE = {
    "analysis": "cadence",
    "params": {"as_of": "2025-12-31", "since": "2025-01-01", "labs": ["lab-a", "lab-b"]},
}


END_2025 = D(2025, 12, 31)


def verdict_of(tmp_path: Path, claim: dict[str, Any], as_of: dt.date = END_2025):
    ledger = load_ledger(ledger_file(tmp_path, [claim]))
    return evaluate_claim(ledger.claims[0], "doc", FrameData(), as_of)


def test_supported_and_contradicted(tmp_path: Path):
    claim = {
        "id": "c1",
        "quote": "lab-a launched 2",
        "kind": "count",
        "check": {
            **CADENCE,
            "params": {**CADENCE["params"], "rule": "main-versions"},
            "expect": [{"group": "lab-a", "field": "count", "op": "eq", "value": 2}],
        },
    }
    v = verdict_of(tmp_path, claim)
    assert v.verdict == "supported" and v.figures == {"lab-a.count": 2}
    assert {e["model_id"] for e in v.evidence} == {"a1", "a2", "b1", "b3"}
    assert all(e["source_url"].startswith("https://example.org/") for e in v.evidence)
    claim["check"]["expect"][0]["value"] = 5
    v = verdict_of(tmp_path, claim)
    assert v.verdict == "contradicted" and "lab-a.count = 2, claim = 5" in v.reason


def test_depends_on_definition(tmp_path: Path):
    claim = {
        "id": "c2",
        "quote": "lab-b launched 3",
        "kind": "count",
        "check": {
            **CADENCE,
            "expect": [{"group": "lab-b", "field": "count", "op": "eq", "value": 3}],
            "readings": [
                {"label": "strict", "params": {"rule": "main-versions"}},
                {"label": "loose", "params": {"rule": "every-release"}},
            ],
        },
    }
    v = verdict_of(tmp_path, claim)
    assert v.verdict == "depends on definition"
    assert v.reason == "holds under loose; fails under strict"
    assert v.figures == {"strict": {"lab-b.count": 2}, "loose": {"lab-b.count": 3}}


def test_comparison_with_another_group(tmp_path: Path):
    claim = {
        "id": "c3",
        "quote": "lab-b is slower",
        "kind": "comparison",
        "check": {
            **CADENCE,
            "params": {**CADENCE["params"], "rule": "every-release"},
            "expect": [
                {"group": "lab-b", "field": "count", "op": "lt", "other": {"group": "lab-a"}}
            ],
        },
    }
    v = verdict_of(tmp_path, claim)
    assert v.verdict == "contradicted"  # 3 vs 3
    assert v.figures == {"lab-b.count": 3, "lab-a.count": 3}


def test_insufficient_data(tmp_path: Path):
    claim = {
        "id": "c4",
        "quote": "huge needs 9x the power",
        "kind": "ratio",
        "check": {
            "analysis": "hardware_compare",
            "params": {"base": "big", "other": "huge", "precision": "bf16"},
            "expect": [{"field": "power_ratio", "op": "approx", "value": 9, "rel_tol": 0.1}],
        },
    }
    v = verdict_of(tmp_path, claim)
    assert v.verdict == "insufficient data" and "unavailable" in v.reason
    # the cabinets part of the same comparison is computable: 10 huge... (1e16 vs 1e17)
    claim["check"]["expect"] = [
        {"field": "cabinets_ratio", "op": "approx", "value": 2, "rel_tol": 0.01}
    ]
    assert verdict_of(tmp_path, claim).verdict == "supported"  # 0.1 x 40 / 2 = 2
    claim = {
        "id": "c5",
        "quote": "share",
        "kind": "comparison",
        "check": {
            "analysis": "compute_share",
            "params": {"as_of": "2025-06-30"},
            "expect": [{"group": "CN", "field": "share", "op": "lt", "value": 0.5}],
        },
    }
    v = verdict_of(tmp_path, claim)
    assert v.verdict == "insufficient data" and "no epoch-clusters snapshot" in v.reason


def test_events_and_gap_checks(tmp_path: Path):
    claim = {
        "id": "c6",
        "quote": "a cloud rule exists",
        "kind": "event",
        "check": {
            "analysis": "events",
            "params": {
                "as_of": "2025-06-30",
                "where": {"jurisdiction": "US"},
                "any_text": ["cloud"],
            },
            "expect": [{"field": "count", "op": "ge", "value": 1}],
        },
    }
    assert verdict_of(tmp_path, claim).verdict == "supported"
    claim["check"]["params"]["as_of"] = "2025-04-30"  # before the rule
    assert verdict_of(tmp_path, claim).verdict == "contradicted"
    claim = {
        "id": "c7",
        "quote": "US ahead",
        "kind": "comparison",
        "check": {
            "analysis": "gap",
            "params": {"metric": "x", "as_of": "2025-06-30"},
            "expect": [{"field": "gap", "op": "approx", "value": 5, "abs_tol": 0.01}],
        },
    }
    v = verdict_of(tmp_path, claim)
    assert v.verdict == "supported" and v.figures == {"gap": 5.0}
    claim["check"]["params"]["as_of"] = "2025-02-01"  # CN has no model yet
    assert verdict_of(tmp_path, claim).verdict == "insufficient data"


PREDICTION = {
    "id": "p1",
    "quote": "lab-b will launch a new generation by September",
    "kind": "prediction",
    "made_on": "2025-06-01",
    "resolve_by": "2025-09-30",
    "probability": 0.8,
    "resolution": {
        "table": "releases",
        "where": {"org_id": "lab-b", "release_type": "new_generation"},
    },
}


@pytest.mark.parametrize(
    ("resolve_by", "as_of", "verdict"),
    [
        ("2025-09-30", "2025-09-09", "pending"),  # before it happened, deadline ahead
        ("2025-09-30", "2025-09-10", "resolved true"),  # happened on 09-10, seen on 09-10
        ("2025-09-30", "2025-12-31", "resolved true"),
        ("2025-09-09", "2025-09-09", "resolved false"),  # deadline passed the day before
        ("2025-09-09", "2025-12-31", "resolved false"),  # happened after the deadline
        ("2025-09-10", "2025-09-10", "resolved true"),  # on the deadline counts
    ],
)
def test_prediction_resolution_around_deadline_and_as_of(tmp_path, resolve_by, as_of, verdict):
    claim = {**PREDICTION, "resolve_by": resolve_by}
    v = verdict_of(tmp_path, claim, D.fromisoformat(as_of))
    assert v.verdict == verdict
    if verdict == "resolved true":
        assert v.resolving_row["model_id"] == "b3"
    if verdict == "resolved false" and as_of == "2025-12-31":
        assert "happened later, on 2025-09-10" in v.reason


def test_prediction_window_start_and_events(tmp_path: Path):
    claim = {
        "id": "p2",
        "quote": "Q3 rule on overseas data centres",
        "kind": "prediction",
        "made_on": "2025-01-01",
        "resolve_by": "2025-09-30",
        "resolution": {
            "table": "events",
            "not_before": "2025-07-01",
            "where": {"jurisdiction": "US"},
            "any_text": ["overseas"],
        },
    }
    assert verdict_of(tmp_path, claim).verdict == "resolved true"  # e2 on 2025-08-01
    claim["resolution"]["any_text"] = ["cloud"]  # e1 is in May: before the quarter
    # Nothing in the quarter, but the events table ends on 2025-08-01, before the deadline:
    # absence of a row is no evidence (coverage), so the prediction cannot resolve false.
    outcome = verdict_of(tmp_path, claim)
    assert outcome.verdict == "insufficient data"
    assert "2025-08-01" in outcome.reason and "2025-09-30" in outcome.reason


def test_brier_and_hit_miss_scores(tmp_path: Path):
    claims = [
        {**PREDICTION, "id": "yes", "probability": 0.8},  # true -> 0.04
        {**PREDICTION, "id": "no", "probability": 0.3, "resolve_by": "2025-08-01"},  # 0.09
        {**PREDICTION, "id": "bare", "probability": None},  # hit, no probability
        {
            **PREDICTION,
            "id": "open",
            "resolve_by": "2026-06-30",
            "resolution": {"table": "releases", "where": {"org_id": "lab-c"}},
        },  # pending
    ]
    ledger = load_ledger(ledger_file(tmp_path, claims))
    verdicts = check_ledger(ledger, FrameData(), D(2025, 12, 31))
    rows = {(r["level"], r["name"]): r for r in score([ledger], verdicts)}
    doc = rows[("document", "doc")]
    assert doc["brier_score"] == pytest.approx((0.04 + 0.09) / 2)
    assert doc["scored_with_probability"] == 2 and doc["pending"] == 1
    assert doc["hits_without_probability"] == 1 and doc["misses_without_probability"] == 0
    assert rows[("author", "Ann Analyst")]["brier_score"] == doc["brier_score"]
    assert brier([]) is None


@pytest.mark.parametrize(
    ("mutate", "row", "field", "fragment"),
    [
        (lambda c: c.update(kind="rumour"), "claim c1", "kind", "Input should be"),
        (lambda c: c.pop("quote"), "claim c1", "quote", "required field is missing"),
        (
            lambda c: c["check"].update(analysis="astrology"),
            "claim c1",
            "check.analysis",
            "Input should be",
        ),
        (
            lambda c: c["check"]["expect"][0].update(op="roughly"),
            "claim c1",
            "check.expect[0].op",
            "Input should be",
        ),
        (
            lambda c: c["check"]["expect"][0].pop("value"),
            "claim c1",
            "check.expect[0]",
            "needs a value",
        ),
        (
            lambda c: c.update(kind="prediction"),
            "claim c1",
            None,
            "a prediction needs made_on, resolve_by, resolution",
        ),
        (lambda c: c.update(colour="red"), "claim c1", "colour", "unknown field"),
        (lambda c: c.update(id="Bad Id"), "claim Bad Id", "id", "lowercase id"),
        (lambda c: c.update(probability=1.5), "claim c1", "probability", "less than or equal"),
    ],
)
def test_schema_errors_name_file_claim_and_field(tmp_path, mutate, row, field, fragment):
    claim = json.loads(
        json.dumps(
            {
                "id": "c1",
                "quote": "q",
                "kind": "count",
                "check": {
                    **CADENCE,
                    "expect": [{"group": "lab-a", "field": "count", "op": "eq", "value": 1}],
                },
            }
        )
    )
    mutate(claim)
    path = ledger_file(tmp_path, [claim])
    with pytest.raises(AiraceError) as info:
        load_ledger(path)
    err = info.value
    assert err.file == str(path) and err.row == row and fragment in err.message
    if field:
        assert err.field == field


def test_ledger_level_errors(tmp_path: Path):
    path = tmp_path / "bad.yaml"
    path.write_text("document: {id: d, title: t, date: 2025-13-01}\nclaims: []\n")
    with pytest.raises(AiraceError) as info:
        load_ledger(path)
    assert info.value.row == "document" and info.value.field == "date"
    path.write_text("document: {id: d, title: t, date: 2025-01-01}\nclaims: []\n")
    with pytest.raises(AiraceError, match="non-empty list"):
        load_ledger(path)
    claim = {
        "id": "c",
        "quote": "q",
        "kind": "count",
        "check": {**CADENCE, "expect": [{"field": "count", "op": "eq", "value": 1}]},
    }
    path = ledger_file(tmp_path, [claim, claim])
    with pytest.raises(AiraceError, match="duplicate claim id"):
        load_ledger(path)


# ---- the bundled ledger on the real curated data ------------------------------------------


def test_bundled_ledger_gives_every_claim_a_verdict_with_sources():
    code, out, err = run_cli("claims", "check", "--as-of", "2026-11-29", "--format", "json")
    assert code == 0, err
    records = data_of(out)
    assert len(records) >= 20
    kinds = {r["verdict"] for r in records}
    assert kinds <= set(V.VERDICTS)
    for rec in records:
        assert {"claim_id", "verdict", "figures", "reason", "sources"} <= set(rec)
        assert rec["sources"], rec["claim_id"]
        if rec["verdict"] not in ("insufficient data", "pending"):
            assert rec["evidence"] or rec["verdict"].startswith("resolved"), rec["claim_id"]
    by_id = {r["claim_id"]: r for r in records}
    assert by_id["rfm-v4-next-week"]["verdict"] == "resolved false"
    assert by_id["rfm-r1-14-months"]["verdict"] == "supported"


def test_explain_and_strict_and_score():
    code, out, _ = run_cli("claims", "explain", "rfm-release-counts", "--as-of", "2026-11-29")
    assert code == 0 and "Reading: main-versions" in out and "Sources:" in out
    assert "https://" in out
    code, _, err = run_cli("claims", "explain", "rfm-release-count")
    assert code == 2 and "did you mean rfm-release-counts" in err
    code, _, _ = run_cli("claims", "check", "--as-of", "2026-11-29", "--strict")
    assert code == 1  # the bundled ledger has contradicted claims
    code, out, _ = run_cli("claims", "score", "--as-of", "2026-11-29", "--format", "json")
    rows = data_of(out)
    doc = next(r for r in rows if r["level"] == "document")
    assert doc["brier_score"] is None and doc["misses_without_probability"] >= 2
    code, out, _ = run_cli("claims", "check", "--as-of", "2026-11-29", "--format", "markdown")
    assert code == 0 and out.startswith("| claim | quote | verdict |")


def test_explain_works_for_every_bundled_claim():
    from airace.schema.ledger import bundled_ledgers, load_ledger

    ids = [c.id for p in bundled_ledgers() for c in load_ledger(p).claims]
    assert len(ids) >= 20
    for claim_id in ids:
        code, out, err = run_cli(
            "claims", "explain", claim_id, "--as-of", "2026-11-29", "--format", "json"
        )
        assert code == 0, (claim_id, err)
        record = json.loads(out)
        assert record["claim_id"] == claim_id and record["verdict"] and record["sources"]
