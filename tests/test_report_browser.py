"""The HTML report: self-contained, renders every chart offline in Debian's Chromium.

The browser test opens the report from a file:// URL with every non-file request aborted
and recorded, waits until every chart container holds an SVG, and saves a screenshot under
pytest's tmp_path or the folder named by AIRACE_TEST_ARTEFACTS.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import pytest

from airace.errors import AiraceError
from airace.report import build_report, write_report
from test_charts import sample_charts

CHROMIUM = Path(os.environ.get("AIRACE_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

DOCUMENT = {
    "id": "doc-1",
    "title": "A hand-made commentary <with markup>",
    "author": "A. Writer",
    "publisher": "Test Press",
    "date": "2025-07-01",
    "url": "https://example.org/piece",
    "description": "Claims about labs A and B.",
}
META = {
    "airace_version": "0.0.test",
    "built": "2025-07-02T10:00:00+00:00",
    "data_version": "data-test-1",
    "snapshots": [
        {
            "snapshot_id": "test-snap-1",
            "source": "Test lab: Hand-made scores",
            "licence": "CC BY 4.0",
        }
    ],
}
FORECASTS = [
    {
        "level": "document",
        "name": "doc-1",
        "predictions": 1,
        "resolved": 1,
        "pending": 0,
        "brier_score": None,
        "hits_without_probability": 0,
        "misses_without_probability": 1,
    }
]


def claim(claim_id: str, verdict: str, **extra: Any) -> dict[str, Any]:
    base = {
        "claim_id": claim_id,
        "document": "doc-1",
        "kind": "comparison",
        "speaker": None,
        "quote": f"Quote of {claim_id}",
        "verdict": verdict,
        "figures": {},
        "reason": f"Reason for {claim_id}",
        "readings": [],
        "evidence": [],
        "sources": [{"source": "airace curated releases", "licence": "CC BY 4.0"}],
    }
    return {**base, **extra}


def sample_claims() -> list[dict[str, Any]]:
    kinds = list(sample_charts())
    verdicts = [
        "supported",
        "contradicted",
        "depends on definition",
        "insufficient data",
        "pending",
        "resolved true",
        "resolved false",
        "supported",
        "inconclusive",
        "reported, unconfirmed",
    ]
    claims = [claim(f"c-{kind}", verdict) for kind, verdict in zip(kinds, verdicts, strict=True)]
    claims[0]["figures"] = {"reading one": {"lag_months": 2.96, "gap": 2.0}}
    claims[0]["readings"] = [
        {
            "label": "reading one",
            "status": "holds",
            "params": {"as_of": "2025-06-30"},
            "checks": ["lag_months = 2.96, claim > 2"],
            "error": None,
        }
    ]
    claims[0]["evidence"] = [
        {
            "group": "A",
            "model": "a3",
            "date": "2025-04-01",
            "score": 14.0,
            "source_url": "https://example.org/a3",
        }
    ]
    claims[0]["quote"] = "A is <b>ahead</b> & B is behind"
    claims.append(
        claim(
            "c-no-chart", "insufficient data", sources=[{"source_url": "https://example.org/other"}]
        )
    )
    return claims


def build() -> tuple[str, int]:
    charts = {f"c-{kind}": chart for kind, chart in sample_charts().items()}
    return build_report(DOCUMENT, sample_claims(), charts, META, forecasts=FORECASTS), len(charts)


@pytest.fixture(scope="module")
def report() -> tuple[str, int]:
    return build()


def test_report_is_self_contained_and_small(report: tuple[str, int]) -> None:
    html, charts = report
    assert len(html.encode("utf-8")) < 3_000_000
    assert html.count("window.vegaEmbed=") == 1  # the runtime is inlined once
    assert len(re.findall(r"<script[^>]*\bsrc=", html)) == 0
    assert len(re.findall(r'<link[^>]*rel="stylesheet"', html)) == 0
    assert html.count('type="application/json"') == charts
    assert html.count("<figcaption>") == charts
    assert html.count("Chart data as a table") == charts


def test_report_content_is_escaped_and_complete(report: tuple[str, int]) -> None:
    html, _ = report
    assert "A hand-made commentary &lt;with markup&gt;" in html
    assert "A is &lt;b&gt;ahead&lt;/b&gt; &amp; B is behind" in html
    assert '<span class="badge v-depends-on-definition">depends on definition</span>' in html
    assert '<a href="https://example.org/a3">https://example.org/a3</a>' in html
    assert '<th scope="col">reading</th><th scope="col">lag_months</th>' in html
    assert "test-snap-1" in html and "0.0.test" in html and "data-test-1" in html
    assert "Forecast scores" in html and "misses without probability" in html
    assert "Licences of the data shown: CC BY 4.0." in html


def test_report_rejects_bad_input(tmp_path: Path) -> None:
    with pytest.raises(AiraceError, match="charts given for unknown claims: nope"):
        build_report(DOCUMENT, sample_claims(), {"nope": None}, META)
    with pytest.raises(AiraceError, match="claim 1 has no claim_id or verdict"):
        build_report(DOCUMENT, [{"quote": "x"}], {}, META)
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(AiraceError, match="is not a folder"):
        write_report("<html></html>", blocker / "report.html")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file"]


def _artefacts(tmp_path: Path) -> Path:
    folder = os.environ.get("AIRACE_TEST_ARTEFACTS")
    target = Path(folder) if folder else tmp_path
    target.mkdir(parents=True, exist_ok=True)
    return target


def open_offline(path: Path, screenshot: Path) -> tuple[list[Any], list[str], list[str], int]:
    """Open a report from file:// with every other request aborted; returns each chart's
    (id, rendered, svg count, svg width), console errors, external requests, and the number
    of fallback tables seen with JavaScript off. Skips without Chromium or Playwright."""
    if not CHROMIUM.exists():
        pytest.skip(f"Debian's Chromium is not installed at {CHROMIUM}")
    sync_api = pytest.importorskip(
        "playwright.sync_api", reason="Playwright for Python is not installed"
    )
    external: list[str] = []
    errors: list[str] = []

    def route(r: Any) -> None:
        if r.request.url.startswith("file://"):
            r.continue_()
        else:
            external.append(r.request.url)
            r.abort()

    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1200, "height": 900})
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.route("**/*", route)
            page.goto(path.as_uri())
            page.wait_for_function(
                "() => [...document.querySelectorAll('div.chart')].every(e => e.dataset.rendered)",
                timeout=60_000,
            )
            states = page.eval_on_selector_all(
                "div.chart",
                "els => els.map(e => [e.id, e.dataset.rendered, "
                "e.querySelectorAll('svg').length, "
                "e.querySelector('svg') ? e.querySelector('svg').getBBox().width : 0])",
            )
            page.screenshot(path=str(screenshot), full_page=True)
            # without JavaScript the tables are still there
            plain = browser.new_context(java_script_enabled=False).new_page()
            plain.route("**/*", route)
            plain.goto(path.as_uri())
            tables = plain.locator("figure details table").count()
        finally:
            browser.close()
    return states, errors, external, tables


def test_report_renders_offline_in_chromium(tmp_path: Path, report: tuple[str, int]) -> None:
    html, charts = report
    path = write_report(html, tmp_path / "report.html")
    states, errors, external, tables = open_offline(path, _artefacts(tmp_path) / "report.png")
    assert len(states) == charts
    for chart_id, rendered, svgs, width in states:
        assert rendered == "true", chart_id
        assert svgs >= 1 and width > 100, chart_id
    assert errors == []
    assert external == []
    assert tables == charts
