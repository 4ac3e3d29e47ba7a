"""The dashboard in a real browser: Debian's Chromium driven by Playwright, against a server
this module starts on 127.0.0.1 (uvicorn in a thread, a free port).

For each page: it loads and draws an SVG; changing a control changes the URL and the chart's
data; reloading the URL restores the same view; no console errors; and no request leaves
127.0.0.1 (every such request is aborted and recorded).
"""

from __future__ import annotations

import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

# page, control (selector, new value), the query the URL must then carry
CASES = [
    ("/", "#c-metric", "hle", "metric=hle"),
    ("/releases", "#c-rule", "every-release", "rule=every-release"),
    ("/frontier", "#c-groups", "lab:openai,deepseek", "groups=lab%3Aopenai%2Cdeepseek"),
    ("/hardware", "#c-other", "tpu-v7-pod", "other=tpu-v7-pod"),
    ("/claims", "#c-claim", "rfm-superpod-11x-cabinets", "claim=rfm-superpod-11x-cabinets"),
]


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        pytest.skip(f"Debian's chromium is not installed at {CHROMIUM}")
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, built_catalog: Path) -> Iterator[str]:
    uvicorn = pytest.importorskip("uvicorn")
    home = tmp_path_factory.mktemp("browser-home")
    shutil.copy2(built_catalog, home / "catalog.duckdb")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("AIRACE_HOME", str(home))
        from airace.cli.serve import bind
        from airace.web.app import create_app

        app = create_app()
        sock = bind("127.0.0.1", 0)
        port = sock.getsockname()[1]
        config = uvicorn.Config(app, log_level="warning", access_log=False, lifespan="off")
        srv = uvicorn.Server(config)
        thread = threading.Thread(target=srv.run, kwargs={"sockets": [sock]}, daemon=True)
        thread.start()
        deadline = time.monotonic() + 30
        while not srv.started and time.monotonic() < deadline:
            time.sleep(0.05)
        assert srv.started, "the server did not start"
        yield f"http://127.0.0.1:{port}"
        srv.should_exit = True
        thread.join(10)
        sock.close()
    from airace.service.context import reset

    reset()


@pytest.fixture
def page(browser: Any, server: str) -> Iterator[Any]:
    context = browser.new_context()
    tab = context.new_page()
    origin = urlsplit(server).netloc
    tab.elsewhere = []  # requests to another host (aborted)
    tab.errors = []  # console errors and uncaught exceptions

    def route(r: Any) -> None:
        url = r.request.url
        if url.startswith(("data:", "blob:")) or urlsplit(url).netloc == origin:
            r.continue_()
        else:
            tab.elsewhere.append(url)
            r.abort()

    tab.route("**/*", route)
    tab.on("console", lambda m: tab.errors.append(m.text) if m.type == "error" else None)
    tab.on("pageerror", lambda e: tab.errors.append(str(e)))
    yield tab
    context.close()


def chart_state(tab: Any) -> tuple[str, str]:
    """The first chart's inlined spec and its drawn SVG text, once drawn."""
    tab.wait_for_selector(".chart[data-rendered] svg", timeout=30_000)
    spec = tab.eval_on_selector("script[type='application/json']", "e => e.textContent")
    svg = tab.inner_text(".chart")
    return spec, svg


@pytest.mark.parametrize("path, selector, value, expect", CASES)
def test_page_control_url_and_reload(
    page: Any, server: str, path: str, selector: str, value: str, expect: str
) -> None:
    page.goto(server + path)
    spec_before, svg_before = chart_state(page)
    assert page.locator("figure figcaption").first.inner_text().strip()
    assert page.locator("figure table").count() >= 1  # the table fallback
    if page.eval_on_selector(selector, "e => e.tagName") == "SELECT":
        page.select_option(selector, value)
    else:
        page.fill(selector, value)
        page.press(selector, "Tab")
    page.wait_for_url(lambda url: expect in url, timeout=30_000)
    spec_after, svg_after = chart_state(page)
    assert spec_after != spec_before
    assert svg_after != svg_before
    changed = page.url
    page.reload()
    spec_again, svg_again = chart_state(page)
    assert page.url == changed
    assert page.input_value(selector) == value
    assert spec_again == spec_after
    assert svg_again == svg_after
    assert page.elsewhere == []
    assert page.errors == []


def test_keyboard_reaches_the_controls(page: Any, server: str) -> None:
    page.goto(server + "/releases")
    chart_state(page)
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip"
    seen = []
    for _ in range(20):
        page.keyboard.press("Tab")
        seen.append(page.evaluate("document.activeElement.id"))
    assert "c-as_of" in seen and "c-rule" in seen
    assert seen.index("c-as_of") < seen.index("c-rule")
    labels = page.eval_on_selector_all(
        "form.controls input, form.controls select",
        "els => els.map(e => document.querySelector(`label[for='${e.id}']`) !== null)",
    )
    assert labels and all(labels)


def test_oversized_query_over_http(server: str) -> None:
    """100 kB of query string over a real connection: a 4xx, never a 5xx or a hang."""
    host, port = urlsplit(server).hostname, urlsplit(server).port
    with socket.create_connection((host, port), timeout=10) as conn:
        request = f"GET /api/v1/releases?labs={'a' * 100_000} HTTP/1.1\r\nHost: x\r\n\r\n"
        conn.sendall(request.encode())
        status = conn.recv(64).split(b" ")[1]
    assert status.startswith(b"4"), status
