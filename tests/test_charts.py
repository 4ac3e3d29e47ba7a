"""Chart specifications: data and encodings checked by hand, plus stored snapshots.

Snapshots of every chart kind live in tests/snapshots/charts/<kind>.json. After an
intended change, regenerate them with

    AIRACE_UPDATE_SNAPSHOTS=1 .venv/bin/python -m pytest tests/test_charts.py

and review the diff before committing.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from airace.errors import AiraceError
from airace.render import charts as C
from airace.service.result import Source

SNAPSHOTS = Path(__file__).parent / "snapshots" / "charts"
UPDATE = os.environ.get("AIRACE_UPDATE_SNAPSHOTS") == "1"

SOURCE = Source(
    producer="Test lab", title="Hand-made scores", licence="CC BY 4.0", snapshot_id="test-snap-1"
)

# Frontier: A's best on 2025-06-30 is a3 (14, 2025-04-01), B's is b2 (12, 2025-05-15).
# A first reached 12 on 2025-04-01, so the lag is 90 days = 2.96 months; a4 comes after
# the as-of date and must not be drawn.
POINTS = pd.DataFrame(
    [
        ("a1", "A", "2025-01-10", 10.0),
        ("a2", "A", "2025-03-01", 8.0),
        ("a3", "A", "2025-04-01", 14.0),
        ("a4", "A", "2025-08-01", 20.0),
        ("b1", "B", "2025-02-01", 9.0),
        ("b2", "B", "2025-05-15", 12.0),
    ],
    columns=["model", "group", "date", "score"],
).assign(date=lambda f: pd.to_datetime(f["date"]))
GAP = {
    "as_of": "2025-06-30",
    "leader": "A",
    "follower": "B",
    "leader_model": "a3",
    "leader_score": 14.0,
    "leader_model_date": "2025-04-01",
    "follower_model": "b2",
    "follower_score": 12.0,
    "follower_model_date": "2025-05-15",
    "gap": 2.0,
    "lag_days": 90,
    "lag_months": 2.96,
    "leader_reached_follower_level": "2025-04-01",
    "follower_leads": False,
    "tie": 0.0,
}
SERIES = [
    {"as_of": "2025-01-31", "lag_months": 3.0, "leader": "A", "follower": "B"},
    {"as_of": "2025-02-28", "lag_months": 2.0, "leader": "A", "follower": "B"},
    {"as_of": "2025-03-31", "lag_months": 1.0, "leader": "A", "follower": "B"},
]
TREND = {"slope": -12.0, "low": -15.0, "high": -9.0, "level": 0.9}
CADENCE = [
    {
        "org_id": "A",
        "rule": "r-strict",
        "count": 2,
        "model_ids": ["a1", "a3"],
        "release_dates": ["2025-01-10", "2025-04-01"],
        "collapsed_ids": [[], ["a3-mini"]],
        "since": "2025-01-01",
        "as_of": "2025-06-30",
    },
    {
        "org_id": "B",
        "rule": "r-strict",
        "count": 1,
        "model_ids": ["b1"],
        "release_dates": ["2025-02-01"],
        "collapsed_ids": [[]],
        "since": "2025-01-01",
        "as_of": "2025-06-30",
    },
    {
        "org_id": "A",
        "rule": "r-loose",
        "count": 3,
        "model_ids": ["a1", "a3", "a3-mini"],
        "release_dates": ["2025-01-10", "2025-04-01", "2025-04-05"],
        "collapsed_ids": [[], [], []],
        "since": "2025-01-01",
        "as_of": "2025-06-30",
    },
    {
        "org_id": "B",
        "rule": "r-loose",
        "count": 1,
        "model_ids": ["b1"],
        "release_dates": ["2025-02-01"],
        "collapsed_ids": [[]],
        "since": "2025-01-01",
        "as_of": "2025-06-30",
    },
]
# One nv-rack matches 0.5 cn-pods; cn-pod's all-in power is unpublished.
HARDWARE = {
    "base": "nv-rack",
    "other": "cn-pod",
    "precision": "bf16",
    "basis": "compute",
    "power_basis": "all-in",
    "units_ratio": 0.5,
    "power_ratio": None,
    "inputs": [
        {"unit": "nv-rack", "field": "dense_bf16_flops", "value": 1.5e17},
        {"unit": "nv-rack", "field": "chip_count", "value": 72},
        {"unit": "nv-rack", "field": "cabinets_total", "value": 1.0},
        {"unit": "nv-rack", "field": "all_in_power_kw", "value": 120.0},
        {"unit": "cn-pod", "field": "dense_bf16_flops", "value": 3e17},
        {"unit": "cn-pod", "field": "chip_count", "value": 384},
        {"unit": "cn-pod", "field": "cabinets_total", "value": 16.0},
        {"unit": "cn-pod", "field": "all_in_power_kw", "value": None},
    ],
}
BUDGET = {
    "usd": 1e9,
    "chip": "chip-x",
    "chips": 25000,
    "days": 90.0,
    "utilization": 0.4,
    "delivered_flop": 2e26,
    "delivered_flop_low": 1.5e26,
    "delivered_flop_high": 2.5e26,
    "equivalents": [
        {
            "model_id": "r2",
            "model_name": "Run Two",
            "training_compute_flop": 2e25,
            "multiple": 10.0,
        },
        {"model_id": "r1", "model_name": "Run One", "training_compute_flop": 5e26, "multiple": 0.4},
    ],
}
SHARE = [
    {"as_of": "2025-01-01", "country": "US", "share": 0.7, "h100_equivalents": 700.0},
    {"as_of": "2025-01-01", "country": "CN", "share": 0.3, "h100_equivalents": 300.0},
    {"as_of": "2026-01-01", "country": "US", "share": 0.6, "h100_equivalents": 900.0},
    {"as_of": "2026-01-01", "country": None, "share": 0.4, "h100_equivalents": 600.0},
]
EVENTS = [
    {
        "event_id": "e2",
        "event_date": "2025-03-01",
        "jurisdiction": "CN",
        "event_type": "guidance",
        "title": "Second",
        "status": "reported",
        "source_url": "https://example.org/e2",
    },
    {
        "event_id": "e1",
        "event_date": "2024-10-01",
        "jurisdiction": "US",
        "event_type": "export_rule",
        "title": "First",
        "status": "confirmed",
        "source_url": "https://example.org/e1",
    },
]


# A scenario run's quantile table (two quarters) and tornado table, by hand.
FAN = [
    {
        "quarter_end": q,
        "country": c,
        "unit": "h100e_tpp",
        "line": "total",
        "p05": v * 0.8,
        "p25": v * 0.9,
        "p50": v,
        "p75": v * 1.1,
        "p95": v * 1.25,
    }
    for q, c, v in (
        ("2025-12-31", "US", 100.0),
        ("2025-12-31", "CN", 10.0),
        ("2025-12-31", "CN/US", 0.1),
        ("2026-12-31", "US", 200.0),
        ("2026-12-31", "CN", 15.0),
        ("2026-12-31", "CN/US", 0.075),
    )
]
TORNADO = [
    {"input": "smuggling", "at_p05": 0.06, "at_p50": 0.07, "at_p95": 0.09, "swing": 0.03},
    {"input": "us_growth", "at_p05": 0.10, "at_p50": 0.07, "at_p95": 0.04, "swing": 0.06},
]


def sample_charts() -> dict[str, Any]:
    """One chart of every kind from the inputs above (the browser test uses them too)."""
    src = [SOURCE]
    return {
        "frontier": C.frontier(POINTS, GAP, subtitle="metric test, groups A,B", sources=src),
        "lag": C.lag(SERIES, TREND, sources=src),
        "cadence": C.cadence(
            CADENCE, rule="r-strict", release_dates={"a3-mini": "2025-04-05"}, sources=src
        ),
        "sensitivity": C.sensitivity(CADENCE, sources=src),
        "hardware": C.hardware(HARDWARE, sources=src),
        "budget": C.budget(BUDGET, sources=src),
        "compute-share": C.compute_share(SHARE, sources=src),
        "events": C.events(EVENTS, sources=src),
        "fan": C.fan(FAN, sources=src),
        "tornado": C.tornado(TORNADO, sources=src),
    }


def test_fan_draws_the_median_and_both_bands_per_country(specs: dict[str, Any]) -> None:
    rows = named(specs["fan"], "fan")
    assert [(r["country"], r["quarter_end"], r["p50"]) for r in rows] == [
        ("CN", "2025-12-31", 10.0),
        ("CN", "2026-12-31", 15.0),
        ("US", "2025-12-31", 100.0),
        ("US", "2026-12-31", 200.0),
    ]
    marks = [layer["mark"]["type"] for layer in layers(specs["fan"])]
    assert marks == ["area", "area", "line"]
    ratio = C.spec(C.fan(FAN, ratio=True))
    assert [r["country"] for r in named(ratio, "fan")] == ["CN/US", "CN/US"]
    assert "CN median 15" in C.text_alternative("fan", FAN)


def test_tornado_sorts_by_swing_and_spans_p05_to_p95(specs: dict[str, Any]) -> None:
    rows = named(specs["tornado"], "tornado")
    assert [(r["input"], r["low"], r["high"]) for r in rows] == [
        ("us_growth", 0.04, 0.10),
        ("smuggling", 0.06, 0.09),
    ]
    assert "widest swing is us_growth" in C.text_alternative("tornado", TORNADO)


def layers(spec: dict[str, Any]) -> list[dict[str, Any]]:
    """The layers of the (single) inner chart of a framed spec."""
    inner = spec["vconcat"][0]
    inner = inner.get("spec", inner)  # faceted charts wrap their layers in "spec"
    return inner.get("layer", [inner])


def named(spec: dict[str, Any], name: str) -> list[dict[str, Any]]:
    found = C._find_data(spec, name)
    assert found is not None, f"no dataset {name!r}"
    return found


@pytest.fixture(scope="module")
def specs() -> dict[str, dict[str, Any]]:
    return {kind: C.spec(chart, validate=True) for kind, chart in sample_charts().items()}


def test_every_kind_has_a_sample(specs: dict[str, dict[str, Any]]) -> None:
    assert set(specs) == set(C.KINDS)


@pytest.mark.parametrize("kind", sorted(C.KINDS))
def test_snapshot(kind: str, specs: dict[str, dict[str, Any]]) -> None:
    path = SNAPSHOTS / f"{kind}.json"
    text = json.dumps(specs[kind], indent=1, sort_keys=True) + "\n"
    if UPDATE:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    if not path.exists():
        pytest.fail(f"no snapshot {path.name}; create it with AIRACE_UPDATE_SNAPSHOTS=1")
    assert json.loads(path.read_text(encoding="utf-8")) == specs[kind]


def test_specs_are_deterministic() -> None:
    first = {k: C.spec(c) for k, c in sample_charts().items()}
    second = {k: C.spec(c) for k, c in sample_charts().items()}
    assert first == second
    text = json.dumps(first)
    assert "param_" not in text and "view_" not in text and "data-" not in text


def test_auto_names_are_renumbered() -> None:
    import altair as alt

    select = alt.selection_point(fields=["a"])
    chart = (
        alt.Chart(alt.InlineData(values=[{"a": 1}], name="t"))
        .mark_point()
        .encode(x="a:Q")
        .add_params(select)
    )
    spec = C.spec(alt.layer(chart, chart))
    assert spec["params"][0]["name"] == "param_0"
    assert spec["params"][0]["views"] == ["view_0"]
    assert spec["layer"][0]["name"] == "view_0"


def test_frontier_steps_span_and_points(specs: dict[str, dict[str, Any]]) -> None:
    spec = specs["frontier"]
    marks = [layer["mark"] for layer in layers(spec)]
    line = next(m for m in marks if m["type"] == "line")
    assert line["interpolate"] == "step-after"
    steps = named(spec, "frontier")
    assert [(s["group"], s["date"], s["score"], s["model"]) for s in steps] == [
        ("A", "2025-01-10", 10.0, "a1"),
        ("A", "2025-04-01", 14.0, "a3"),
        ("A", "2025-06-30", 14.0, "a3"),
        ("B", "2025-02-01", 9.0, "b1"),
        ("B", "2025-05-15", 12.0, "b2"),
        ("B", "2025-06-30", 12.0, "b2"),
    ]
    span_layer = next(layer for layer in layers(spec) if layer["mark"]["type"] == "rule")
    assert span_layer["encoding"]["x"]["field"] == "start"
    assert span_layer["encoding"]["x2"]["field"] == "end"
    assert named(spec, "lag_span") == [
        {
            "start": "2025-04-01",
            "end": "2025-06-30",
            "score": 12.0,
            "lag_months": 2.96,
            "label": "lag 2.96 months",
        }
    ]
    models = {p["model"] for p in named(spec, "points")}
    assert models == {"a1", "a2", "a3", "b1", "b2"}  # a4 is after the as-of date
    tips = {
        t["field"]
        for t in next(la for la in layers(spec) if la["mark"]["type"] == "circle")["encoding"][
            "tooltip"
        ]
    }
    assert {"model", "date", "score"} <= tips
    assert spec["usermeta"] == {"airace": {"kind": "frontier", "table": "frontier"}}


def test_titles_carry_parameters_and_footers_sources(specs: dict[str, dict[str, Any]]) -> None:
    spec = specs["frontier"]
    title = spec["vconcat"][0]["title"]
    assert title["text"] == "Frontier of A and B to 2025-06-30"
    assert title["subtitle"] == ["metric test, groups A,B"]
    assert spec["title"]["orient"] == "bottom"
    assert spec["title"]["text"] == [
        "Source: Test lab: Hand-made scores (snapshot test-snap-1), licence CC BY 4.0"
    ]
    assert C.footer_lines([]) == ["Sources: none recorded for this chart"]
    assert C.footer_lines([{"source": "airace curated releases", "licence": "CC BY 4.0"}]) == [
        "Source: airace curated releases, licence CC BY 4.0"
    ]


def test_lag_trend_through_mean_with_interval(specs: dict[str, dict[str, Any]]) -> None:
    spec = specs["lag"]
    # mean date is 2025-03-01 (29 days after 2025-01-31); mean lag 2.0
    trend = named(spec, "trend")
    assert [t["as_of"] for t in trend] == ["2025-01-31", "2025-03-01", "2025-03-31"]
    assert trend[1]["lag_months"] == 2.0
    assert trend[0]["lag_months"] == pytest.approx(2 + 12 * 29 / 365.25, abs=1e-4)
    band = named(spec, "trend_interval")
    assert band[0]["low"] == pytest.approx(2 + 9 * 29 / 365.25, abs=1e-4)
    assert band[0]["high"] == pytest.approx(2 + 15 * 29 / 365.25, abs=1e-4)
    assert band[1]["low"] == band[1]["high"] == 2.0
    assert "90% interval -15 to -9" in spec["description"]
    # a lag_stats record works as the trend too
    stats = {
        "trend_months_per_year": -12.0,
        "trend_low": -15.0,
        "trend_high": -9.0,
        "trend_interval": 0.9,
    }
    assert named(C.spec(C.lag(SERIES, stats)), "trend_interval") == band


def test_cadence_counted_and_collapsed(specs: dict[str, dict[str, Any]]) -> None:
    spec = specs["cadence"]
    launches = named(spec, "launches")
    assert [(m["group"], m["date"], m["status"], m["models"]) for m in launches] == [
        ("A", "2025-01-10", "counted", "a1"),
        ("A", "2025-04-01", "counted", "a3"),
        ("A", "2025-04-05", "collapsed", "a3-mini"),
        ("B", "2025-02-01", "counted", "b1"),
    ]
    assert launches[2]["collapsed_into"] == "a3"
    point = next(la for la in layers(spec) if la["mark"]["type"] == "point")
    assert point["encoding"]["color"]["scale"]["domain"] == ["counted", "collapsed"]
    assert point["encoding"]["y"]["sort"] == ["A (2)", "B (1)"]
    assert named(spec, "window") == [{"since": "2025-01-01", "as_of": "2025-06-30"}]
    # without dates the collapsed launch sits at the launch that absorbed it
    bare = named(C.spec(C.cadence(CADENCE)), "launches")
    assert [m["date"] for m in bare if m["status"] == "collapsed"] == ["2025-04-01"]


def test_sensitivity_heatmap(specs: dict[str, dict[str, Any]]) -> None:
    spec = specs["sensitivity"]
    assert named(spec, "counts") == [
        {"group": "A", "rule": "r-strict", "count": 2},
        {"group": "B", "rule": "r-strict", "count": 1},
        {"group": "A", "rule": "r-loose", "count": 3},
        {"group": "B", "rule": "r-loose", "count": 1},
    ]
    rect = next(la for la in layers(spec) if la["mark"]["type"] == "rect")
    assert rect["encoding"]["x"]["sort"] == ["r-strict", "r-loose"]


def test_hardware_unpublished_is_null_not_zero(specs: dict[str, dict[str, Any]]) -> None:
    spec = specs["hardware"]
    needs = {(r["unit"], r["measure"]): r for r in named(spec, "needs")}
    assert needs[("nv-rack", "units")]["value"] == 1.0
    assert needs[("cn-pod", "units")]["value"] == 0.5
    assert needs[("nv-rack", "chips")]["value"] == 72
    assert needs[("cn-pod", "chips")]["value"] == 192  # 0.5 x 384
    assert needs[("cn-pod", "cabinets")]["value"] == 8  # 0.5 x 16
    assert needs[("nv-rack", "power, kW (all-in)")]["value"] == 120
    gap = needs[("cn-pod", "power, kW (all-in)")]
    assert gap["value"] is None and gap["status"] == "unpublished"
    assert spec["vconcat"][0]["resolve"]["scale"]["y"] == "independent"
    marks = [la["mark"]["type"] for la in layers(spec)]
    assert marks == ["bar", "text", "text"]
    assert "power, kW (all-in) 120 vs unpublished" in spec["description"]


def test_budget_log_axis(specs: dict[str, dict[str, Any]]) -> None:
    spec = specs["budget"]
    dots = next(la for la in layers(spec) if la["mark"]["type"] == "point")
    assert dots["encoding"]["x"]["scale"]["type"] == "log"
    assert [r["model"] for r in named(spec, "runs")] == ["Run One", "Run Two"]
    assert named(spec, "delivered")[0]["low"] == 1.5e26
    assert spec["vconcat"][0]["title"]["text"].startswith("$1 billion of chip-x for 90 days")


def test_compute_share_and_events(specs: dict[str, dict[str, Any]]) -> None:
    share = specs["compute-share"]
    area = layers(share)[0]
    assert area["mark"]["type"] == "area"
    assert area["encoding"]["y"]["stack"] == "normalize"
    assert {r["country"] for r in named(share, "shares")} == {"US", "CN", "unknown"}
    single = C.spec(C.compute_share([{"country": "US", "share": 0.7}]))
    assert layers(single)[0]["mark"]["type"] == "bar"
    events = named(specs["events"], "events")
    assert [e["event_id"] for e in events] == ["e1", "e2"]


def test_text_alternatives_name_key_numbers() -> None:
    text = C.text_alternative("frontier", POINTS, gap=GAP)
    assert "A first reached B's level on 2025-04-01, a lag of 2.96 months (90 days)" in text
    assert "gap of 2" in text
    assert "A 2 (plus 1 collapsed into them); B 1" in C.text_alternative("cadence", CADENCE)
    assert "Run One 5e+26 FLOP (0.4x)" in C.text_alternative("budget", BUDGET)
    assert "US 60.0%; unknown 40.0%" in C.text_alternative("compute-share", SHARE)
    assert "2 events from 2024-10-01 to 2025-03-01" in C.text_alternative("events", EVENTS)


def test_bad_input_is_one_clear_error() -> None:
    with pytest.raises(AiraceError, match="unknown chart kind 'pie'"):
        C.make("pie", [])
    with pytest.raises(AiraceError, match="frontier chart: no data"):
        C.make("frontier", POINTS.iloc[0:0])
    with pytest.raises(AiraceError, match="no column 'score'"):
        C.frontier(POINTS.drop(columns=["score"]))
    with pytest.raises(AiraceError, match="rule 'nope' is not in the data"):
        C.cadence(CADENCE, rule="nope")
    with pytest.raises(AiraceError, match="units_ratio"):
        C.hardware({"base": "x", "other": "y", "inputs": []})
    with pytest.raises(AiraceError, match="no reference training runs"):
        C.budget({**BUDGET, "equivalents": []})
    with pytest.raises(AiraceError, match="no scored model on or before 2020-01-01"):
        C.frontier(POINTS, {**GAP, "as_of": "2020-01-01"})


def test_svg_png_html_json_output(tmp_path: Path) -> None:
    chart = sample_charts()["frontier"]
    svg = C.save(chart, tmp_path / "f.svg").read_text(encoding="utf-8")
    assert "<svg" in svg and "Frontier of A and B" in svg
    assert C.save(chart, tmp_path / "f.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    html = C.save(chart, tmp_path / "f.html").read_text(encoding="utf-8")
    assert "vegaEmbed" in html and "<script src=" not in html
    assert json.loads((C.save(chart, tmp_path / "f.json")).read_text()) == C.spec(chart)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["f.html", "f.json", "f.png", "f.svg"]


def test_unwritable_or_failed_output_leaves_no_file(tmp_path: Path) -> None:
    chart = sample_charts()["hardware"]
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    with pytest.raises(AiraceError) as err:
        C.save(chart, blocker / "chart.svg")
    assert str(blocker) in str(err.value)
    with pytest.raises(AiraceError, match=r"unknown chart format '\.gif'"):
        C.save(chart, tmp_path / "chart.gif")
    # a spec vl-convert rejects: the old file stays as it was, no temporary file is left
    target = tmp_path / "old.svg"
    target.write_text("old")
    with pytest.raises(AiraceError, match="could not be rendered"):
        C.save({"mark": "nonsense-mark", "data": {"values": []}}, target)
    assert target.read_text() == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a-file", "old.svg"]
