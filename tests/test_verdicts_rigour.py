"""Verdicts an expert would sign (issue 10): figures judged on their intervals, events
supported only by confirmed rows, groups compared per lab, scores compared like for like,
predictions resolved only within the data's coverage, zero counts explained, and the
bundled ledger read with all of that. Every expected number is worked out by hand."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from airace.analysis import verdicts as V
from airace.schema.ledger import Expectation, load_ledger
from airace.service.claims import evaluate_claim
from airace.service.points import Points
from airace.service.result import Source
from conftest import data_of, run_cli
from test_claims import FrameData, ledger_file

D = dt.date
END = D(2025, 12, 31)


def exp(**kw: Any) -> Expectation:
    return Expectation(**kw)


# ---- 1. figures with an interval are judged on the interval -------------------------------


@pytest.mark.parametrize(
    ("low", "high", "op", "t_low", "t_high", "status"),
    [
        (0.5, 2.0, "gt", 0, 0, "holds"),  # whole interval above 0
        (-1.0, 2.0, "gt", 0, 0, "inconclusive"),  # straddles 0
        (-3.0, -1.0, "gt", 0, 0, "fails"),  # whole interval below
        (-3.0, 0.0, "gt", 0, 0, "fails"),  # high == threshold: no value is > 0
        (0.0, 1.0, "ge", 0, 0, "holds"),
        (-2.0, -0.1, "lt", 0, 0, "holds"),
        (-2.0, 0.1, "le", 0, 0, "inconclusive"),
        (5.0, 7.0, "gt", 4.0, 6.0, "inconclusive"),  # target interval overlaps
        (6.5, 7.0, "gt", 4.0, 6.0, "holds"),
        (10.0, 11.5, "approx", 11.0, 11.0, "inconclusive"),  # band 11 ± 1.1 = 9.9..12.1
    ],
)
def test_judge_interval_by_hand(low, high, op, t_low, t_high, status):
    tol = 1.1 if op == "approx" else 0.0
    if (low, high) == (10.0, 11.5):
        status = "holds"  # 10..11.5 lies inside 9.9..12.1
    assert V.judge_interval(low, high, op, t_low, t_high, tol) == status


def test_trend_expectation_reads_the_interval_not_the_sign():
    expect = exp(field="trend_months_per_year", op="gt", value=0, label="trend")
    straddle = {None: {"trend_months_per_year": 1.5, "trend_low": -0.4, "trend_high": 3.0}}
    result = V.check_expectation(straddle, expect)
    assert result.status == "inconclusive" and result.interval == (-0.4, 3.0)
    assert "interval -0.4..3" in result.text and "inconclusive" in result.text
    above = {None: {"trend_months_per_year": 1.5, "trend_low": 0.2, "trend_high": 3.0}}
    assert V.check_expectation(above, expect).status == "holds"
    below = {None: {"trend_months_per_year": -1.5, "trend_low": -3.0, "trend_high": -0.2}}
    assert V.check_expectation(below, expect).status == "fails"
    # a point estimate without an interval is judged as before
    assert V.check_expectation({None: {"trend_months_per_year": 1.5}}, expect).status == "holds"


def test_generic_low_high_interval_and_other_value_interval():
    # budget-style {field}_low/{field}_high: multiple 0.9 (0.8..1.2) < 1 is inconclusive
    values = {"run": {"multiple": 0.9, "multiple_low": 0.8, "multiple_high": 1.2}}
    result = V.check_expectation(values, exp(group="run", field="multiple", op="lt", value=1))
    assert result.status == "inconclusive"
    # a zero-width interval is a point: 0.9 < 1 holds
    values = {"run": {"multiple": 0.9, "multiple_low": 0.9, "multiple_high": 0.9}}
    assert (
        V.check_expectation(values, exp(group="run", field="multiple", op="lt", value=1)).status
        == "holds"
    )
    # the other side's interval counts too: 5 vs 4 (3..6) is undecided
    values = {"a": {"x": 5.0}, "b": {"x": 4.0, "x_low": 3.0, "x_high": 6.0}}
    other = exp(group="a", field="x", op="gt", other={"group": "b"})
    assert V.check_expectation(values, other).status == "inconclusive"


def _outcome(label: str, status: str) -> V.ReadingOutcome:
    check = V.ExpectationResult(f"{label} check", status, 1, 0)
    return V.ReadingOutcome(label, {}, status, [check])


@pytest.mark.parametrize(
    ("statuses", "verdict"),
    [
        (["inconclusive", "inconclusive"], V.INCONCLUSIVE),
        (["holds", "inconclusive"], V.INCONCLUSIVE),  # not every reading decides
        (["fails", "inconclusive"], V.INCONCLUSIVE),
        (["holds", "fails", "inconclusive"], V.DEPENDS),
        (["holds", "missing"], V.SUPPORTED),
        (["reported"], V.REPORTED),
        (["reported", "holds"], V.REPORTED),
        (["reported", "fails"], V.DEPENDS),
    ],
)
def test_combine_with_uncertain_readings(statuses, verdict):
    outcomes = [_outcome(f"r{i}", s) for i, s in enumerate(statuses)]
    got, reason = V.combine(outcomes)
    assert got == verdict
    if verdict == V.INCONCLUSIVE:
        labels = [o.label for o in outcomes if o.status == "inconclusive"]
        assert all(label in reason for label in labels)


# ---- 1. events: confirmed rows support, reports do not, denials are shown ---------------


class EventData(FrameData):
    def events(self) -> pd.DataFrame:
        rows = [
            (
                "r1",
                "2025-05-01",
                "smuggling_report",
                "Report: lab-b used smuggled chips",
                "reported",
            ),
            ("c1", "2025-06-01", "industry_statement", "lab-b says chips limit it", "confirmed"),
            (
                "d1",
                "2025-07-01",
                "industry_statement",
                "Vendor denies lab-b smuggled chips",
                "denied",
            ),
        ]
        frame = pd.DataFrame(
            rows, columns=["event_id", "event_date", "event_type", "title", "status"]
        )
        frame["event_date"] = pd.to_datetime(frame["event_date"])
        frame["summary"] = ""
        frame["affected_chips"] = [[] for _ in rows]
        frame["affected_firms"] = [[] for _ in rows]
        frame["jurisdiction"] = "US"
        frame["source_url"] = "https://example.org/" + frame["event_id"]
        return frame


def _event_claim(params: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": "ev",
        "quote": "q",
        "kind": "event",
        "check": {
            "analysis": "events",
            "params": {"as_of": "2025-12-31", **params},
            "expect": [{"field": "count", "op": "ge", "value": 1}],
        },
    }


def verdict_with(tmp_path: Path, claim: dict[str, Any], data: Any, as_of: dt.date = END):
    ledger = load_ledger(ledger_file(tmp_path, [claim]))
    return evaluate_claim(ledger.claims[0], "doc", data, as_of)


def test_reported_only_is_not_supported_and_denials_are_shown(tmp_path: Path):
    claim = _event_claim(
        {"where": {"event_type": "smuggling_report"}, "text": ["lab-b", "smuggled"]}
    )
    v = verdict_with(tmp_path, claim, EventData())
    assert v.verdict == V.REPORTED
    assert "1 matching row(s), 0 confirmed" in v.reason
    assert "denied: Vendor denies lab-b smuggled chips (2025-07-01" in v.reason
    roles = {(e["event_id"], e["role"]) for e in v.evidence}
    assert roles == {("r1", "match"), ("d1", "denial")}  # the denial is evidence, not a match
    confirmed = _event_claim({"text": ["lab-b", "limit"]})
    assert verdict_with(tmp_path, confirmed, EventData()).verdict == V.SUPPORTED


# ---- 3. groups of unequal size are compared per lab --------------------------------------


class ManyLabs(FrameData):
    """US: one lab with 3 main launches; CN: three labs with 1, 1 and 2 (4 in total)."""

    def __init__(self) -> None:
        super().__init__()
        rows = [
            ("u1", "us-a", "US", "f1", "2025-02-01"),
            ("u2", "us-a", "US", "f2", "2025-05-01"),
            ("u3", "us-a", "US", "f3", "2025-08-01"),
            ("c1", "cn-a", "CN", "g1", "2025-03-01"),
            ("c2", "cn-b", "CN", "g2", "2025-04-01"),
            ("c3", "cn-c", "CN", "g3", "2025-06-01"),
            ("c4", "cn-c", "CN", "g4", "2025-09-01"),
            ("z0", "cn-z", "CN", "gz", "2024-12-20"),  # cn-z: nothing in 2025
        ]
        frame = pd.DataFrame(
            rows, columns=["model_id", "org_id", "country", "family_id", "release_date"]
        )
        frame["release_type"] = "new_generation"
        frame["is_main_line"] = True
        frame["release_date"] = pd.to_datetime(frame["release_date"])
        frame["model_name"] = frame["model_id"].str.upper()
        frame["source_url"] = "https://example.org/" + frame["model_id"]
        frame["output_modalities"] = [["text"] for _ in rows]
        self._releases = frame

    def orgs(self) -> pd.DataFrame:
        labs = ["us-a", "cn-a", "cn-b", "cn-c", "cn-z"]
        return pd.DataFrame(
            {
                "org_id": labs,
                "org_name": labs,
                "country": ["US", "CN", "CN", "CN", "CN"],
                "aliases": [[] for _ in labs],
            }
        )


def _slower(field: str) -> dict[str, Any]:
    return {
        "id": "slower",
        "quote": "China is moving more slowly",
        "kind": "comparison",
        "check": {
            "analysis": "cadence",
            "params": {
                "as_of": "2025-12-31",
                "since": "2025-01-01",
                "by": "country",
                "countries": ["US", "CN"],
                "labs": ["us-a", "cn-a", "cn-b", "cn-c", "cn-z"],
                "rule": "main-generations",
            },
            "expect": [{"group": "CN", "field": field, "op": "lt", "other": {"group": "US"}}],
        },
    }


def test_per_lab_rates_and_lab_lists(tmp_path: Path):
    totals = verdict_with(tmp_path, _slower("count"), ManyLabs())
    assert totals.verdict == V.CONTRADICTED  # CN 4 launches > US 3: the unfair total
    mean = verdict_with(tmp_path, _slower("mean_per_lab"), ManyLabs())
    # CN: (1 + 1 + 2 + 0) / 4 labs = 1.0 per lab; US: 3 / 1 lab = 3.0
    assert mean.verdict == V.SUPPORTED
    assert mean.figures == {"CN.mean_per_lab": 1.0, "US.mean_per_lab": 3.0}
    median = verdict_with(tmp_path, _slower("median_per_lab"), ManyLabs())
    assert median.verdict == V.SUPPORTED and median.figures["CN.median_per_lab"] == 1.0
    from airace.service.claims import run_cadence

    values = run_cadence(_slower("count")["check"]["params"], ManyLabs()).values
    assert values["CN"]["labs"] == ["cn-a", "cn-b", "cn-c", "cn-z"]
    assert values["CN"]["lab_counts"] == {"cn-a": 1, "cn-b": 1, "cn-c": 2, "cn-z": 0}
    assert values["US"]["n_labs"] == 1


# ---- 6. a zero count names the lab's last launch before the window -----------------------


def test_zero_count_shows_last_launch_before_window(tmp_path: Path):
    claim = {
        "id": "zero",
        "quote": "cn-z launched nothing",
        "kind": "count",
        "check": {
            "analysis": "cadence",
            "params": {
                "as_of": "2025-12-31",
                "since": "2025-01-01",
                "labs": ["cn-z"],
                "rule": "main-generations",
            },
            "expect": [{"group": "cn-z", "field": "count", "op": "eq", "value": 0}],
        },
    }
    v = verdict_with(tmp_path, claim, ManyLabs())
    assert v.verdict == V.SUPPORTED
    # z0 on 2024-12-20 is 12 days before 2025-01-01
    assert "last counted launch before the window: z0 on 2024-12-20 (12 days before it)" in v.reason


# ---- 4. settings: like for like by default, the setting shown, mixed frontiers flagged ---


class SettingData(FrameData):
    """US: a parallel test-time-compute score of 82.0 and a single attempt of 77.2 for the
    same model (2025-09-29); CN: a single attempt of 76.5 (2025-12-01)."""

    def points(self, metric: str, groups: Any, source: str | None = None, *args: Any) -> Points:
        frame = pd.DataFrame(
            [
                (
                    "us-m",
                    "US",
                    "2025-09-29",
                    82.0,
                    "parallel",
                    "harness",
                    "parallel test-time compute",
                ),
                ("us-m", "US", "2025-09-29", 77.2, "single", "harness", "single attempt"),
                ("cn-m", "CN", "2025-12-01", 76.5, "single", "harness", "avg of 4 runs"),
            ],
            columns=[
                "model",
                "group",
                "date",
                "score",
                "setting_attempts",
                "setting_tools",
                "setting",
            ],
        )
        frame["date"] = pd.to_datetime(frame["date"])
        frame["compute"] = float("nan")
        frame["setting_effort"] = "unstated"
        return Points(frame, metric, "test", [Source("test", "test scores", "none")])


def test_gap_like_for_like_by_default_and_mixed_caveat():
    from airace.service.frontier import gap

    data = SettingData()
    like = gap(data, metric="swe", as_of=D(2026, 3, 2))
    rec = like.record
    assert rec["leader_score"] == 77.2 and rec["gap"] == pytest.approx(0.7)  # 77.2 - 76.5
    assert (
        "attempts: single" in rec["leader_setting"] and "(single attempt)" in rec["leader_setting"]
    )
    assert not [c for c in like.caveats if "mixes settings" in c]
    assert any("1 score rows of other settings left out (us-m)" in c for c in like.caveats)
    mixed = gap(data, metric="swe", as_of=D(2026, 3, 2), setting="any")
    assert mixed.record["gap"] == pytest.approx(5.5)  # 82.0 - 76.5
    assert any("mixes settings (attempts)" in c for c in mixed.caveats)


def test_setting_is_validated():
    from airace.errors import AiraceError
    from airace.service.frontier import gap

    with pytest.raises(AiraceError, match="unknown --setting"):
        gap(SettingData(), metric="swe", as_of=D(2026, 3, 2), setting="best")


def test_bundled_scores_have_normalised_settings():
    from airace.schema.dictionary import data_dir

    frame = pd.read_csv(data_dir() / "scores.csv", keep_default_na=False)
    assert set(frame["setting_tools"]) <= {"none", "tools", "harness", "unstated"}
    assert set(frame["setting_attempts"]) <= {"single", "multiple", "parallel", "unstated"}
    by_id = frame.set_index("score_id")
    assert (
        by_id.loc["claude-sonnet-4.5--swe_bench_verified--anthropic--parallel", "setting_attempts"]
        == "parallel"
    )
    assert (
        by_id.loc["claude-sonnet-4.5--swe_bench_verified--anthropic--single", "setting_attempts"]
        == "single"
    )
    assert by_id.loc["gpt-5.2--hle--openai--tools", "setting_tools"] == "tools"
    assert by_id.loc["gpt-5.2--hle--openai--no-tools", "setting_tools"] == "none"


def test_gap_cli_setting_on_curated_swe_bench(home: Path):
    """The issue's example: at 2026-03-02 the US SWE-bench leader with every setting is a
    parallel score (82.0); like for like it is Claude Opus 4.5's 80.9, 0.7 above MiniMax-M2.5's
    80.2 (Claude Code scaffold, mean of 4 runs)."""
    code, out, err = run_cli(
        "gap", "--metric", "swe_bench_verified", "--as-of", "2026-03-02", "--format", "json"
    )
    assert code == 0, err
    env = json.loads(out)
    rec = env["data"][0]
    assert (rec["leader_model"], rec["leader_score"], rec["follower_score"]) == (
        "claude-opus-4.5",
        80.9,
        80.2,
    )
    assert rec["gap"] == pytest.approx(0.7)
    code, out, _ = run_cli(
        "gap",
        "--metric",
        "swe_bench_verified",
        "--as-of",
        "2026-03-02",
        "--setting",
        "any",
        "--format",
        "json",
    )
    env = json.loads(out)
    assert env["data"][0]["leader_score"] == 82.0 and env["data"][0]["gap"] == pytest.approx(1.8)
    assert any("mixes settings" in c for c in env["caveats"])


# ---- 5. coverage and staleness ----------------------------------------------------------


def test_resolve_within_coverage_only():
    made, by = D(2026, 3, 3), D(2026, 9, 30)
    out = V.resolve([], "event_date", made, by, D(2026, 11, 29), covered_through=D(2026, 6, 1))
    assert out.verdict == V.INSUFFICIENT and "2026-06-01" in out.reason
    out = V.resolve([], "event_date", made, by, D(2026, 11, 29), covered_through=D(2026, 10, 31))
    assert out.verdict == V.RESOLVED_FALSE
    row = {"event_date": D(2026, 8, 1)}
    out = V.resolve([row], "event_date", made, by, D(2026, 11, 29), covered_through=D(2026, 6, 1))
    assert out.verdict == V.RESOLVED_TRUE  # a row found is found, whatever the coverage


class CoveredData(FrameData):
    """FrameData plus a coverage table saying events are complete through 2025-10-31."""

    def table(self, name: str) -> pd.DataFrame:
        if name == "coverage":
            return pd.DataFrame(
                {
                    "table": ["events"],
                    "scope": ["all"],
                    "complete_through_date": [pd.Timestamp("2025-10-31")],
                    "source_url": ["https://example.org/coverage"],
                }
            )
        return super().table(name)


def test_declared_coverage_lets_absence_resolve_false(tmp_path: Path):
    claim = {
        "id": "p",
        "quote": "a cloud rule in Q3",
        "kind": "prediction",
        "made_on": "2025-01-01",
        "resolve_by": "2025-09-30",
        "resolution": {"table": "events", "not_before": "2025-07-01", "any_text": ["cloud"]},
    }
    # the newest event row is 2025-08-01 (< deadline): no declared coverage -> insufficient
    assert verdict_with(tmp_path, claim, FrameData()).verdict == V.INSUFFICIENT
    covered = verdict_with(tmp_path, claim, CoveredData())
    assert (
        covered.verdict == V.RESOLVED_FALSE and covered.figures["covered_through"] == "2025-10-31"
    )


def test_staleness_caveat():
    from airace.service.frontier import STALE_DAYS, staleness

    assert STALE_DAYS == 30
    frame = pd.DataFrame(columns=["model", "group", "date", "score"])
    # the case: an LMArena file of 2025-12-11 read at --as-of 2026-03-03, 82 days on
    old = Points(frame, "m", "lmarena", [], [], D(2025, 12, 11), "accessed on")
    text = staleness(old, D(2026, 3, 3)) or ""
    assert "stale data" in text and "2025-12-11, 82 days before --as-of 2026-03-03" in text
    assert staleness(old, D(2026, 1, 10)) is None  # 30 days: not stale
    later = Points(frame, "m", "lmarena", [], [], D(2026, 12, 1), "accessed on")
    assert "may have been measured after 2026-03-03" in (staleness(later, D(2026, 3, 3)) or "")
    curated = Points(frame, "m", "curated", [])
    assert staleness(curated, D(2026, 3, 3)) is None


# ---- 2 (residual). window sensitivity in `gap --stats` ------------------------------------


def test_gap_stats_window_sensitivity(home: Path):
    args = [
        "gap",
        "--metric",
        "gpqa_diamond",
        "--stats",
        "--since",
        "2024-03-02",
        "--until",
        "2025-03-01",
    ]
    code, out, err = run_cli(*args, "--bootstrap", "200", "--format", "json")
    assert code == 0, err
    rows = json.loads(out)["summary"]["window_sensitivity"]
    assert [r["since"] for r in rows] == [
        "2024-03-02",
        "2024-04-01",
        "2024-07-01",
        "2024-10-01",
        "2025-01-01",
    ]
    assert {r["until"] for r in rows} == {"2025-03-01"}
    first = data_of(out)[0]
    assert (rows[0]["trend_low"], rows[0]["trend_high"]) == (
        first["trend_low"],
        first["trend_high"],
    )
    code, out, _ = run_cli(*args, "--bootstrap", "200")
    assert code == 0 and "Window sensitivity" in out


# ---- 6/7. the bundled ledger --------------------------------------------------------------


def test_bundled_ledger_windows_end_the_day_before_the_piece():
    from airace.schema.ledger import bundled_ledgers

    ledger = next(load_ledger(p) for p in bundled_ledgers() if "rfm-2026-03" in p.name)
    before = ledger.document.date - dt.timedelta(days=1)
    for claim in ledger.claims:
        if claim.check is None:
            continue
        readings = [r for r in claim.check.readings if "after the piece" not in r.label]
        for params in [claim.check.params, *(r.params for r in readings)]:
            for key in ("as_of", "until"):
                if key in params:
                    assert str(params[key]) <= before.isoformat(), (claim.id, key)


def test_preview_then_final_of_one_version_counts_once(home: Path):
    """One treatment for every lab: a version counts at its first public release (preview or
    experimental included); the later final release of the same version is a point update,
    as Google's GA snapshots are. DeepSeek-V3.2-Exp (2025-09-29) opens V3.2; V3.2 itself
    (2025-12-01) no longer counts again, so DeepSeek's version steps in the 14 months to
    2026-03-02 are V3.1 and V3.2-Exp."""
    code, out, err = run_cli(
        "cadence",
        "--as-of",
        "2026-03-02",
        "--window",
        "14M",
        "--labs",
        "deepseek",
        "--rule",
        "main-versions",
        "--format",
        "json",
    )
    assert code == 0, err
    record = data_of(out)[0]
    assert record["model_ids"] == ["deepseek-v3.1", "deepseek-v3.2-exp"]


def test_bundled_new_claims_and_1bn_reading(home: Path):
    code, out, err = run_cli("claims", "check", "--as-of", "2026-11-29", "--format", "json")
    assert code == 0, err
    by_id = {r["claim_id"]: r for r in data_of(out)}
    for claim_id in (
        "rfm-v4-better-responses",
        "rfm-deepseek-overseas-silicon",
        "rfm-china-leading-edge",
    ):
        assert claim_id in by_id
    # $1e9 / $61,125 per GPU (FT: $489,000 per 8-GPU server) = 16,359 B200s; the FP8 run
    # of 90 days at 40% is many times DeepSeek's runs, so "not enough" is contradicted
    bn = by_id["rfm-1bn-no-difference"]
    assert bn["verdict"] == V.CONTRADICTED
    multiples = [v for fig in bn["figures"].values() for v in fig.values() if isinstance(v, float)]
    assert multiples and min(multiples) > 1
    assert by_id["rfm-smuggled-1bn"]["verdict"] == V.DEPENDS  # reported; not about DeepSeek
    assert by_id["rfm-deepseek-overseas-silicon"]["verdict"] == V.REPORTED
    assert "denied" in by_id["rfm-deepseek-overseas-silicon"]["reason"]
    assert by_id["rfm-export-rules-q3-2026"]["verdict"] == V.INSUFFICIENT
    assert by_id["rfm-china-falling-behind"]["verdict"] == V.INCONCLUSIVE
    assert "interval" in by_id["rfm-china-falling-behind"]["reason"]
