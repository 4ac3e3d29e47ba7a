"""Imports are transactional: a killed import leaves the catalog as it was, and a second
writer gets a clear "catalog busy" message instead of corrupting anything."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import upstream
from airace.service.snapshots import list_snapshots
from conftest import import_path


def _start_paused_import(home: Path, path: Path, pause: float) -> subprocess.Popen[str]:
    env = {**os.environ, "AIRACE_HOME": str(home), "AIRACE_TEST_PAUSE_BEFORE_COMMIT": str(pause)}
    return subprocess.Popen(
        [sys.executable, "-m", "airace", "import", "epoch-models", str(path)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _wait_for_store(home: Path, snapshots: int = 1, timeout: float = 60) -> None:
    """The raw file is stored just before the transaction opens; wait for that moment."""
    store = home / "snapshots" / "epoch-models"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if (
            store.exists()
            and len([p for p in store.iterdir() if not p.name.startswith(".")]) >= snapshots
        ):
            time.sleep(0.5)  # inside the paused transaction by now
            return
        time.sleep(0.05)
    raise AssertionError("the import never reached the store")


def test_import_killed_mid_transaction_leaves_catalog_unchanged(home: Path, tmp_path: Path):
    import_path("epoch-models", upstream.epoch_models(tmp_path))
    before = list_snapshots()
    other = tmp_path / "other"
    other.mkdir()
    path = upstream.epoch_models(other, rows=upstream.EPOCH_MODEL_ROWS[:3])
    proc = _start_paused_import(home, path, pause=60)
    try:
        _wait_for_store(home, snapshots=2)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == -signal.SIGKILL
    after = list_snapshots()  # readable, and exactly as before
    assert after == before
    again = import_path("epoch-models", path)  # and the same file can still be imported
    assert not again.already_imported and again.rows == 3


def test_second_writer_gets_catalog_busy(home: Path, tmp_path: Path):
    import_path("openrouter", upstream.openrouter(tmp_path))  # catalog exists
    path = upstream.epoch_models(tmp_path)
    proc = _start_paused_import(home, path, pause=8)
    try:
        _wait_for_store(home)
        env = {**os.environ, "AIRACE_HOME": str(home), "AIRACE_BUSY_TIMEOUT": "0.5"}
        other = subprocess.run(
            [
                sys.executable,
                "-m",
                "airace",
                "import",
                "lmarena",
                str(upstream.lmarena_json(tmp_path)),
            ],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert other.returncode == 3
        assert "catalog busy" in other.stderr
        assert "Traceback" not in other.stderr
        out, err = proc.communicate(timeout=60)
        assert proc.returncode == 0, err
        assert "imported 4 rows" in out
    finally:
        if proc.poll() is None:
            proc.kill()
    kinds = sorted(s["source"] for s in list_snapshots())
    assert kinds == ["epoch-notable", "openrouter"]
    # once the first writer is done, the second succeeds
    assert import_path("lmarena", upstream.lmarena_json(tmp_path)).rows == 3
