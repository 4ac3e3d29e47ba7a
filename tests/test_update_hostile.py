"""`airace update` against a misbehaving server on 127.0.0.1: every bad response is rejected
within the target's deadline, the good snapshot is kept, and the other targets go on."""

from __future__ import annotations

import contextlib
import io
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import zipfile
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest

import upstream
from airace.errors import AiraceError
from airace.importers import update as update_module
from airace.service.snapshots import list_snapshots
from conftest import update

ROWS = [
    [f"Test Model {i}", "OpenAI", f"2024-{1 + i % 12:02d}-01", *upstream.EPOCH_MODEL_ROWS[1][3:]]
    for i in range(20)
]


class Server:
    """Serves files by name; ``modes[name]`` says how to misbehave."""

    def __init__(self) -> None:
        self.files: dict[str, bytes] = {}
        self.modes: dict[str, str] = {}
        self.hits: dict[str, int] = {}


def _handler(server: Server) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.0"

        def log_message(self, *args: object) -> None:
            pass

        def do_GET(self) -> None:
            name = self.path.rsplit("/", 1)[-1]
            server.hits[name] = server.hits.get(name, 0) + 1
            if name not in server.files:
                self.send_response(404)
                self.end_headers()
                return
            data, mode = server.files[name], server.modes.get(name, "good")
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                self._serve(data, mode)

        def _serve(self, data: bytes, mode: str) -> None:
            if mode == "redirect":
                self.send_response(302)
                self.send_header("Location", self.path)
                self.end_headers()
                return
            self.send_response(200)
            if mode == "html":
                body = b"<!doctype html><html><body>Maintenance</body></html>"
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
                return
            if mode in ("good", "short", "trickle", "stall"):
                extra = 1000 if mode == "short" else 0
                self.send_header("Content-Length", str(len(data) + extra))
            self.end_headers()
            if mode == "trickle":
                for byte in data:
                    self.wfile.write(bytes([byte]))
                    self.wfile.flush()
                    time.sleep(0.05)
            elif mode == "stall":
                time.sleep(30)
            elif mode == "endless":
                block = b"x" * 65536
                for _ in range(1_000_000):
                    self.wfile.write(block)
            elif mode == "cut":
                lines = data.splitlines(keepends=True)
                self.wfile.write(b"".join(lines[: len(lines) // 3]))  # a row boundary
            else:
                self.wfile.write(data)

    return Handler


@pytest.fixture
def server() -> Iterator[tuple[Server, str]]:
    state = Server()
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(state))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield state, f"http://127.0.0.1:{httpd.server_address[1]}/data"
    finally:
        httpd.shutdown()
        httpd.server_close()


def _notable(outcomes):
    return next(o for o in outcomes if o.target.file_name == "notable_ai_models.csv")


def _good_snapshot(state: Server, base: str, tmp_path: Path) -> str:
    path = upstream.epoch_models(tmp_path, rows=ROWS)
    state.files["notable_ai_models.csv"] = path.read_bytes()
    outcome = _notable(update(["epoch-models"], base_url=base, backoff=0, retries=0))
    assert outcome.status == "imported", outcome.detail
    return str(outcome.snapshot_id)


DEADLINE = 3.0


@pytest.mark.parametrize(
    ("mode", "needle"),
    [
        ("trickle", "deadline"),
        ("stall", ""),
        ("endless", "limit"),
        ("short", "truncated"),
        ("cut", "rows"),
        ("redirect", "redirect"),
        ("html", "html"),
    ],
)
def test_bad_response_is_rejected_in_time_and_the_good_snapshot_kept(
    mode: str, needle: str, home: Path, tmp_path: Path, server
):
    state, base = server
    good = _good_snapshot(state, base, tmp_path)
    changed = upstream.epoch_models(tmp_path, rows=[*ROWS, [ROWS[0][0] + " x", *ROWS[0][1:]]])
    state.files["notable_ai_models.csv"] = changed.read_bytes()
    state.modes["notable_ai_models.csv"] = mode
    started = time.monotonic()
    outcome = _notable(
        update(
            ["epoch-models"],
            base_url=base,
            backoff=0,
            retries=1,
            timeout=1.0,
            deadline=DEADLINE,
            max_bytes=2_000_000,
            force=True,  # even an unconditional download must not replace the snapshot
        )
        if mode != "cut"
        else update(["epoch-models"], base_url=base, backoff=0, retries=1, deadline=DEADLINE)
    )
    elapsed = time.monotonic() - started
    assert outcome.status == "failed", outcome.detail
    assert needle in outcome.detail.lower(), outcome.detail
    assert "previous snapshot is kept" in outcome.detail
    assert elapsed < DEADLINE * 4 + 2, elapsed  # 4 targets, each bounded by the deadline
    assert [s["snapshot_id"] for s in list_snapshots()] == [good]


def test_each_target_fails_on_its_own(home: Path, tmp_path: Path, server):
    state, base = server
    state.files["leaderboard-text.json"] = upstream.lmarena_json(tmp_path).read_bytes()
    state.files["scatterplot-data.json"] = b"[]"
    state.modes["scatterplot-data.json"] = "html"
    outcomes = update(["lmarena"], base_url=base, backoff=0, retries=0)
    status = {o.target.file_name: o.status for o in outcomes}
    assert status == {"leaderboard-text.json": "imported", "scatterplot-data.json": "failed"}
    assert [s["source"] for s in list_snapshots()] == ["lmarena"]


def test_dns_failures_are_not_retried(monkeypatch):
    calls = []

    def fail(*args, **kwargs):
        calls.append(1)
        try:
            raise socket.gaierror(-2, "Name or service not known")
        except socket.gaierror as exc:
            raise httpx.ConnectError("[Errno -2] Name or service not known") from exc

    monkeypatch.setattr(httpx, "stream", fail)
    with pytest.raises(AiraceError, match="host not found"):
        update_module._with_retries(
            lambda: update_module.fetch("http://nowhere.invalid/x", Path("x"), {}, timeout=1),
            3,
            0,
            lambda m: None,
            "http://nowhere.invalid/x",
        )
    assert len(calls) == 1


def test_zip_member_size_is_bounded(home: Path, tmp_path: Path, server, monkeypatch):
    monkeypatch.setattr("airace.importers.spec.MAX_MEMBER_BYTES", 1 << 20)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("epoch_capabilities_index.csv", b"0" * (3 << 20))
    state, base = server
    state.files["benchmark_data.zip"] = buf.getvalue()
    (outcome,) = update(["epoch-eci"], base_url=base, backoff=0, retries=0)
    assert outcome.status == "failed" and "limit" in outcome.detail
    assert list_snapshots() == []


def test_sigterm_removes_temporary_downloads(home: Path, tmp_path: Path, server):
    state, base = server
    path = upstream.epoch_models(tmp_path, rows=ROWS)
    state.files["notable_ai_models.csv"] = path.read_bytes()
    state.modes["notable_ai_models.csv"] = "trickle"
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    env = {**os.environ, "AIRACE_HOME": str(home), "TMPDIR": str(scratch)}
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "airace",
            "update",
            "epoch-models",
            "--base-url",
            base,
            *("--retries", "0", "--deadline", "60"),
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while not any(p.is_file() for p in scratch.rglob("notable_ai_models.csv")):
            assert time.monotonic() < deadline, "the download never started"
            assert proc.poll() is None, proc.communicate()
            time.sleep(0.05)
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 143, err
    assert "Traceback" not in err
    assert list(scratch.iterdir()) == []
    assert list_snapshots() == []
