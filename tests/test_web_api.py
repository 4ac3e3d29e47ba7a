"""The JSON API in-process: every endpoint, CSV and metadata, errors, ETags, security.

One app over a fresh copy of the curated catalog serves the whole module (the ``home``
fixture's copy, but module-scoped: the catalog is only read, and that is asserted).
"""

from __future__ import annotations

import csv
import hashlib
import io
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

fastapi = pytest.importorskip("fastapi")
from fastapi.testclient import TestClient  # noqa: E402

GOOD = {
    "/api/v1/releases": "labs=deepseek&since=2025-01-01&until=2025-12-31",
    "/api/v1/labs": "",
    "/api/v1/rules": "",
    "/api/v1/cadence": "as_of=2026-03-03&window=14M&labs=deepseek,openai&sensitivity=true",
    "/api/v1/metrics": "",
    "/api/v1/gap": "metric=gpqa_diamond&groups=country:US,CN&as_of=2026-03-03",
    "/api/v1/gap/series": "metric=gpqa_diamond&since=2025-01-01&until=2026-03-03",
    "/api/v1/gap/stats": "metric=gpqa_diamond&since=2025-01-01&until=2026-03-03&bootstrap=50",
    "/api/v1/gap/efficiency": "metric=gpqa_diamond&budgets=1e24,1e26&as_of=2026-03-03",
    "/api/v1/hardware": "kind=chip",
    "/api/v1/hardware/compare": "base=gb200-nvl72&other=cloudmatrix-384&precision=bf16",
    "/api/v1/hardware/classify/h20": "",
    "/api/v1/hardware/h100-sxm": "",
    "/api/v1/budget": "usd=1e9&chip=h100-sxm",
    "/api/v1/sources": "",
    "/api/v1/claims/check": "as_of=2026-03-03",
    "/api/v1/claims/score": "as_of=2026-03-03",
    "/api/v1/claims/rfm-release-counts": "as_of=2026-03-03",
}
# Operations that read imported snapshots: a clean 4xx naming what to import.
NEEDS_IMPORT = {
    "/api/v1/compare-dates": "epoch-notable",
    "/api/v1/hardware/diff": "epoch-hardware",
    "/api/v1/compute-share": "epoch-clusters",
    "/api/v1/gap?metric=eci": "epoch-eci",
}


def _digest(path: Path) -> tuple[int, str]:
    return path.stat().st_mtime_ns, hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def web_home(tmp_path_factory: pytest.TempPathFactory, built_catalog: Path) -> Iterator[Path]:
    home = tmp_path_factory.mktemp("web-home")
    shutil.copy2(built_catalog, home / "catalog.duckdb")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("AIRACE_HOME", str(home))
        yield home
    from airace.service.context import reset

    reset()


@pytest.fixture(scope="module")
def catalog_before(web_home: Path) -> tuple[int, str]:
    return _digest(web_home / "catalog.duckdb")


@pytest.fixture(scope="module")
def client(web_home: Path, catalog_before: tuple[int, str]) -> TestClient:
    from airace.web.app import create_app

    return TestClient(create_app())


def get(client: TestClient, path: str, query: str = "", **kw: Any) -> Any:
    return client.get(path + (f"?{query}" if query else ""), **kw)


@pytest.mark.parametrize("path", sorted(GOOD))
def test_every_endpoint_answers_with_sources(client: TestClient, path: str) -> None:
    response = get(client, path, GOOD[path])
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["data_version"] == client.app.state.airace.data_version  # type: ignore[attr-defined]
    assert body["airace_version"]
    assert isinstance(body["data"], list)
    # no imports here, so the snapshot list is empty; the rules are airace's own definitions
    if path not in ("/api/v1/sources", "/api/v1/rules"):
        assert body["sources"], path
        assert body["licences"] == sorted({s["licence"] for s in body["sources"]})
    assert response.headers["etag"].startswith('"')


def test_cadence_matches_the_service(client: TestClient) -> None:
    """The API returns what the service returns (same counts), with params resolved."""
    import airace.service as svc

    body = get(client, "/api/v1/cadence", GOOD["/api/v1/cadence"]).json()
    direct = svc.cadence(
        as_of="2026-03-03", window="14M", labs=["deepseek", "openai"], sensitivity=True
    )
    assert [(r["org_id"], r["rule"], r["count"]) for r in body["data"]] == [
        (r["org_id"], r["rule"], r["count"]) for r in direct.records
    ]
    assert body["params"]["since"] == "2025-01-03"  # 14 months before 2026-03-03
    assert len(body["data"]) == 10  # 2 labs x 5 bundled rules


def test_gap_figures(client: TestClient) -> None:
    rec = get(client, "/api/v1/gap", GOOD["/api/v1/gap"]).json()["data"][0]
    assert (rec["leader"], rec["follower"]) == ("US", "CN")
    assert rec["gap"] == pytest.approx(rec["leader_score"] - rec["follower_score"])


@pytest.mark.parametrize(
    "path", ["/api/v1/releases", "/api/v1/cadence", "/api/v1/hardware/h100-sxm"]
)
def test_csv_and_metadata(client: TestClient, path: str) -> None:
    body = get(client, path, GOOD[path]).json()
    text = get(client, path + ".csv", GOOD[path])
    assert text.status_code == 200
    assert text.headers["content-type"].startswith("text/csv")
    assert "metadata.json" in text.headers["link"]
    rows = list(csv.DictReader(io.StringIO(text.text)))
    assert len(rows) == len(body["data"])
    first = body["data"][0]
    assert list(rows[0]) == list(first)
    meta = get(client, path + ".metadata.json", GOOD[path]).json()
    assert meta["rows"] == len(body["data"])
    assert meta["licences"] == body["licences"] and meta["licences"]
    assert meta["data_version"] == body["data_version"]
    assert meta["airace_version"] == body["airace_version"]
    assert meta["csv_url"] == path + ".csv" + (f"?{GOOD[path]}" if GOOD[path] else "")
    assert "licence" in meta["citation"]
    assert meta["columns"] == list(first)


def test_releases_filter_is_applied(client: TestClient) -> None:
    rows = get(client, "/api/v1/releases", GOOD["/api/v1/releases"]).json()["data"]
    assert rows and {r["org_id"] for r in rows} == {"deepseek"}
    assert all("2025-01-01" <= r["release_date"] <= "2025-12-31" for r in rows)


@pytest.mark.parametrize("path, kind", sorted(NEEDS_IMPORT.items()))
def test_missing_imports_are_a_clean_4xx(client: TestClient, path: str, kind: str) -> None:
    response = client.get(path)
    assert response.status_code == 404
    body = response.json()
    assert kind in body["error"] and "import" in body["error"]


@pytest.mark.parametrize(
    "path, query, status, parameter",
    [
        ("/api/v1/cadence", "as_of=2026-13-01&window=14M", 422, "as_of"),
        ("/api/v1/cadence", "window=14M", 422, "as_of"),
        ("/api/v1/cadence", "as_of=2026-03-03", 400, "window"),
        ("/api/v1/cadence", "as_of=2026-03-03&window=fourteen", 422, "window"),
        ("/api/v1/cadence", "as_of=2026-03-03&window=14M&labs=nolab", 400, "labs"),
        ("/api/v1/cadence", "as_of=2026-03-03&window=14M&rule=../../etc/passwd.yaml", 400, "rule"),
        ("/api/v1/cadence", "as_of=2026-03-03&window=14M&by=planet", 422, "by"),
        ("/api/v1/releases", "bogus=1", 422, "bogus"),
        ("/api/v1/releases", "country=XX", 400, "country"),
        ("/api/v1/gap", "groups=country:US,CN", 422, "metric"),
        ("/api/v1/gap", "metric=gpqa_diamond&groups=planet:a,b", 400, "groups"),
        ("/api/v1/gap", "metric=gpqa_diamond&tie=-1", 422, "tie"),
        ("/api/v1/gap", "metric=gpqa_diamond&tie=nan", 422, "tie"),
        ("/api/v1/gap/efficiency", "metric=gpqa_diamond&budgets=lots", 400, "budgets"),
        ("/api/v1/gap", "metric=gpqa_diamond&as_of=2199-01-01", 400, "as_of"),
        ("/api/v1/gap/series", "metric=gpqa_diamond&every=daily&since=1990-01-01", 400, "since"),
        ("/api/v1/gap/stats", "metric=gpqa_diamond&since=1990-01-01", 400, "since"),
        ("/api/v1/gap/stats", "metric=gpqa_diamond&bootstrap=100000", 422, "bootstrap"),
        ("/api/v1/budget", "usd=-5&chip=h100-sxm", 422, "usd"),
        ("/api/v1/budget", "usd=1e9&chip=h100-sxm&utilization=2", 422, "utilization"),
        ("/api/v1/budget", "usd=1e9&chip=nochip", 400, "chip"),
        ("/api/v1/hardware/compare", "base=h100-sxm&other=b200&precision=fp3", 422, "precision"),
        ("/api/v1/hardware/nochip", "", 404, "unit_id"),
        ("/api/v1/hardware/classify/nochip", "", 404, "chip_id"),
        ("/api/v1/claims/noclaim", "", 404, "claim_id"),
    ],
)
def test_bad_parameters_are_4xx_naming_the_parameter(
    client: TestClient, path: str, query: str, status: int, parameter: str
) -> None:
    response = get(client, path, query)
    assert response.status_code == status, response.text
    body = response.json()
    assert body["parameter"] == parameter
    assert body["error"]


def test_etag_revalidation(client: TestClient) -> None:
    path, query = "/api/v1/cadence", GOOD["/api/v1/cadence"]
    first = get(client, path, query)
    etag = first.headers["etag"]
    again = get(client, path, query, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b""
    assert again.headers["etag"] == etag
    other = get(client, path, query, headers={"If-None-Match": '"stale"'})
    assert other.status_code == 200 and other.content == first.content
    # a repeat is answered from the edge cache, with the same headers as the first answer
    for name in ("content-type", "etag", "link", "x-content-type-options"):
        assert other.headers[name] == first.headers[name]
    changed = get(client, path, query.replace("14M", "12M"))
    assert changed.headers["etag"] != etag
    csv_tag = get(client, path + ".csv", query).headers["etag"]
    assert csv_tag != etag


def test_cache_key_includes_parameters_and_version() -> None:
    from airace.web.cache import cache_key

    a = cache_key("cadence", {"window": "14M", "labs": "a"}, "v1")
    assert a == cache_key("cadence", {"labs": "a", "window": "14M"}, "v1")
    assert a != cache_key("cadence", {"labs": "a", "window": "12M"}, "v1")
    assert a != cache_key("cadence", {"window": "14M", "labs": "a"}, "v2")


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/claims/..%2F..%2Fetc%2Fpasswd",
        "/api/v1/claims/..%2f..%2fpyproject.toml",
        "/api/v1/claims/%2e%2e",
        "/api/v1/claims/..",
        "/api/v1/hardware/..%2F..%2Fpyproject.toml",
        "/api/v1/hardware/%2e%2e%2fcatalog.duckdb",
        "/api/v1/hardware/classify/..%2F..%2Fetc%2Fpasswd",
        "/api/v1/hardware/..%5C..%5Cpyproject.toml.csv",
        "/static/../../pyproject.toml",
        "/static/%2e%2e/%2e%2e/pyproject.toml",
        "/static/..%2F..%2F..%2Fpyproject.toml",
        "/static/vendor/..%2F..%2Fapi.py",
        "/static/%2e%2e/api.py",
    ],
)
def test_path_traversal_is_refused(client: TestClient, url: str) -> None:
    response = client.get(url)
    assert 400 <= response.status_code < 500, response.text
    assert b"[project]" not in response.content and b"import" not in response.content
    assert response.headers["content-type"].startswith("application/json")


def test_oversized_query_is_refused(client: TestClient) -> None:
    # 60 kB: httpx itself refuses URLs over 64 kB (the browser test sends 100 kB raw)
    response = client.get("/api/v1/releases?labs=" + "a" * 60_000)
    assert response.status_code == 414
    assert response.json()["parameter"] is None
    page = client.get("/releases?labs=" + "a," * 20_000)
    assert page.status_code == 414


def test_non_api_paths_are_404(client: TestClient) -> None:
    for url in ("/etc/passwd", "/api/v2/releases", "/api/v1/nothing", "/catalog.duckdb"):
        response = client.get(url)
        assert response.status_code == 404
        assert response.json()["error"].startswith("not found")
    assert client.post("/api/v1/releases").status_code == 405


def test_openapi_and_docs_are_local(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()
    paths = set(schema["paths"])
    for path in GOOD:
        template = path.replace("classify/h20", "classify/{chip_id}")
        template = template.replace("h100-sxm", "{unit_id}").replace(
            "rfm-release-counts", "{claim_id}"
        )
        assert template in paths
    assert "/api/v1/releases.csv" in paths and "/api/v1/releases.metadata.json" in paths
    docs = client.get("/docs")
    assert docs.status_code == 200
    assert "/api/v1/cadence" in docs.text
    assert "https://" not in docs.text and "http://" not in docs.text


def test_health_is_trivial(client: TestClient) -> None:
    body = client.get("/api/v1/health").json()
    assert body["status"] == "ok" and body["snapshot_ids"] == []


@pytest.mark.parametrize("path", ["/", "/releases", "/frontier", "/hardware", "/claims"])
def test_pages_render_with_local_runtime(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 200
    html = response.text
    assert '<script src="/static/vendor/vega-runtime.js">' in html
    assert "application/json" in html and "<figcaption>" in html
    assert "licence" in html
    assert "http://" not in html.replace('xmlns="http://www.w3.org', "")


def test_page_with_a_bad_control_is_400_not_500(client: TestClient) -> None:
    response = client.get("/frontier?metric=nometric")
    assert response.status_code == 400
    assert "metric" in response.text


def test_runtime_is_served_locally(client: TestClient) -> None:
    response = client.get("/static/vendor/vega-runtime.js")
    assert response.status_code == 200
    assert "vegaEmbed" in response.text


def test_create_app_refuses_a_missing_or_stale_catalog(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, web_home: Path, data_copy: Path
) -> None:
    from airace.errors import AiraceError
    from airace.service.context import reset
    from airace.web.app import create_app

    monkeypatch.setenv("AIRACE_HOME", str(tmp_path))
    with pytest.raises(AiraceError, match="airace data build"):
        create_app()
    assert not (tmp_path / "catalog.duckdb").exists()
    shutil.copy2(web_home / "catalog.duckdb", tmp_path / "catalog.duckdb")
    before = _digest(tmp_path / "catalog.duckdb")
    (data_copy / "orgs.csv").write_text(
        (data_copy / "orgs.csv").read_text(encoding="utf-8") + "\n", encoding="utf-8"
    )
    monkeypatch.setenv("AIRACE_DATA_DIR", str(data_copy))
    with pytest.raises(AiraceError, match="other curated data"):
        create_app()
    assert _digest(tmp_path / "catalog.duckdb") == before
    reset()


SERVE = "import sys; from airace.cli.serve import serve; serve(sys.argv[1:])"


def test_serve_refuses_a_port_in_use() -> None:
    import socket

    from airace.cli.serve import bind
    from airace.errors import AiraceError

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        with pytest.raises(AiraceError, match=f"port {port} on 127.0.0.1 is already in use"):
            bind("127.0.0.1", port)


def test_serve_announces_one_line_and_serves(web_home: Path) -> None:
    """The real command in a subprocess: one stderr line with the URL, then it answers."""
    import os
    import re
    import subprocess
    import sys

    import httpx

    env = {**os.environ, "AIRACE_HOME": str(web_home)}
    proc = subprocess.Popen(
        [sys.executable, "-c", SERVE, "--port", "0"], env=env, stderr=subprocess.PIPE, text=True
    )
    try:
        assert proc.stderr is not None
        line = proc.stderr.readline()
        match = re.fullmatch(
            r"airace serving on (http://127\.0\.0\.1:\d+/); Ctrl-C to stop\n", line
        )
        assert match, line
        assert httpx.get(match.group(1) + "api/v1/health").json()["status"] == "ok"
    finally:
        proc.terminate()
        proc.wait(10)
    assert proc.stderr.read() == ""  # nothing else was printed


def test_zz_catalog_untouched(client: TestClient, web_home: Path, catalog_before: Any) -> None:
    """Runs last in the module: after every request above, the file is byte-identical."""
    client.get("/api/v1/cadence?" + GOOD["/api/v1/cadence"])
    assert _digest(web_home / "catalog.duckdb") == catalog_before
