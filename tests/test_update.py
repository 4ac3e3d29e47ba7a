"""`airace update` against a real HTTP server on localhost."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

import upstream
from airace.importers.update import load_state
from airace.service.snapshots import list_snapshots
from conftest import run_cli, update


class Mirror:
    """Serves files by name; a per-file script of failures can be queued."""

    def __init__(self) -> None:
        self.files: dict[str, tuple[bytes, str]] = {}
        self.script: dict[str, list[str]] = {}
        self.requests: list[tuple[str, str | None]] = []

    def put(self, name: str, data: bytes, etag: str) -> None:
        self.files[name] = (data, etag)


def _handler(mirror: Mirror) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:  # keep test output quiet
            pass

        def do_GET(self) -> None:
            name = self.path.rsplit("/", 1)[-1]
            mirror.requests.append((name, self.headers.get("If-None-Match")))
            if name not in mirror.files:
                self.send_response(404)
                self.end_headers()
                return
            data, etag = mirror.files[name]
            step = mirror.script.get(name, []).pop(0) if mirror.script.get(name) else "ok"
            if step == "500":
                self.send_response(500)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            if self.headers.get("If-None-Match") == etag:
                self.send_response(304)
                self.send_header("ETag", etag)
                self.end_headers()
                return
            self.send_response(200)
            self.send_header("ETag", etag)
            self.send_header("Last-Modified", "Wed, 01 Jul 2026 00:00:00 GMT")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            if step == "truncate":
                self.wfile.write(data[: len(data) // 2])
                self.wfile.flush()
                self.close_connection = True
                return
            self.wfile.write(data)

    return Handler


@pytest.fixture
def mirror() -> Iterator[tuple[Mirror, str]]:
    state = Mirror()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(state))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state, f"http://127.0.0.1:{server.server_address[1]}/data"
    finally:
        server.shutdown()
        server.server_close()


def _publish(
    state: Mirror, tmp_path: Path, rows: list[list[str]] | None = None, etag: str = '"v1"'
) -> None:
    path = upstream.epoch_models(tmp_path, rows=rows)
    state.put("notable_ai_models.csv", path.read_bytes(), etag)


def _notable(outcomes):
    return next(o for o in outcomes if o.target.file_name == "notable_ai_models.csv")


def test_200_then_304(home: Path, tmp_path: Path, mirror):
    state, base = mirror
    _publish(state, tmp_path)
    first = _notable(update(["epoch-models"], base_url=base, backoff=0))
    assert first.status == "imported" and first.snapshot_id
    assert load_state()["epoch-models:notable_ai_models.csv"]["etag"] == '"v1"'
    second = _notable(update(["epoch-models"], base_url=base, backoff=0))
    assert second.status == "unchanged"
    assert ("notable_ai_models.csv", '"v1"') in state.requests
    assert len(list_snapshots()) == 1


def test_new_version_becomes_a_new_snapshot(home: Path, tmp_path: Path, mirror):
    state, base = mirror
    _publish(state, tmp_path)
    update(["epoch-models"], base_url=base, backoff=0)
    _publish(state, tmp_path, rows=upstream.EPOCH_MODEL_ROWS[:2], etag='"v2"')
    outcome = _notable(update(["epoch-models"], base_url=base, backoff=0))
    assert outcome.status == "imported"
    assert len([s for s in list_snapshots() if s["source"] == "epoch-notable"]) == 2


def test_500_then_200_is_retried(home: Path, tmp_path: Path, mirror):
    state, base = mirror
    _publish(state, tmp_path)
    state.script["notable_ai_models.csv"] = ["500", "500"]
    messages: list[str] = []
    outcome = _notable(
        update(["epoch-models"], base_url=base, backoff=0.01, report=messages.append)
    )
    assert outcome.status == "imported"
    assert sum("HTTP 500" in m for m in messages) == 2
    assert [r for r in state.requests if r[0] == "notable_ai_models.csv"].__len__() == 3


def test_persistent_failure_keeps_the_good_snapshot(home: Path, tmp_path: Path, mirror):
    state, base = mirror
    _publish(state, tmp_path)
    good = _notable(update(["epoch-models"], base_url=base, backoff=0)).snapshot_id
    _publish(state, tmp_path, rows=upstream.EPOCH_MODEL_ROWS[:1], etag='"v2"')
    state.script["notable_ai_models.csv"] = ["500"] * 5
    outcome = _notable(update(["epoch-models"], base_url=base, retries=2, backoff=0))
    assert outcome.status == "failed" and "previous snapshot is kept" in outcome.detail
    assert [s["snapshot_id"] for s in list_snapshots()] == [good]


def test_truncated_body_never_replaces_the_snapshot(home: Path, tmp_path: Path, mirror):
    state, base = mirror
    _publish(state, tmp_path)
    good = _notable(update(["epoch-models"], base_url=base, backoff=0)).snapshot_id
    _publish(state, tmp_path, rows=upstream.EPOCH_MODEL_ROWS[:3], etag='"v2"')
    state.script["notable_ai_models.csv"] = ["truncate"] * 4
    outcome = _notable(update(["epoch-models"], base_url=base, retries=3, backoff=0))
    assert outcome.status == "failed"
    assert [s["snapshot_id"] for s in list_snapshots()] == [good]
    # the next good response goes through
    outcome = _notable(update(["epoch-models"], base_url=base, backoff=0))
    assert outcome.status == "imported" and outcome.snapshot_id != good


def test_invalid_download_is_rejected(home: Path, tmp_path: Path, mirror):
    state, base = mirror
    state.put("notable_ai_models.csv", b"<html>maintenance</html>\n", '"x"')
    outcome = _notable(update(["epoch-models"], base_url=base, backoff=0))
    assert outcome.status == "failed" and "rejected" in outcome.detail
    assert list_snapshots() == []


def test_cli_update_reports_and_fails_on_missing_files(home: Path, tmp_path: Path, mirror):
    state, base = mirror
    _publish(state, tmp_path)
    code, out, err = run_cli(
        "update",
        "epoch-models",
        "--base-url",
        base,
        "--backoff",
        "0",
        "--retries",
        "0",
        "--format",
        "json",
    )
    assert code == 1  # the other three Epoch model files are not on this mirror
    assert '"status": "imported"' in out and "HTTP 404" in out
    code, _, err = run_cli("update", "nonsense", "--base-url", base)
    assert code == 2 and "unknown kind 'nonsense'" in err
