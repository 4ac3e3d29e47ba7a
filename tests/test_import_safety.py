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
from airace.service.context import get_catalog
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
    get_catalog().close()  # release this reader so the child can take the write lock
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
    # the killed import's store folder was swept; only committed snapshots remain
    stored = sorted(p.name for p in (home / "snapshots" / "epoch-models").iterdir())
    assert stored == sorted(s["sha256"][:12] for s in list_snapshots())


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


KILL_DELAYS = (0.3, 0.6, 0.9, 1.2, 1.5, 1.8, 2.1, 2.4, 2.8, 3.2)


def test_repeated_kill_9_never_damages_the_catalog(home: Path, tmp_path: Path):
    """kill -9 at spread-out moments (start-up, parsing, storing, inside the transaction):
    each time the catalog opens, holds either the old snapshots or the old ones plus the
    complete new one, and the next import sweeps any orphan store folder."""
    rows = [
        [f"Kill Model {i}", "OpenAI", "2024-06-01", *upstream.EPOCH_MODEL_ROWS[1][3:]]
        for i in range(20)
    ]
    import_path("epoch-models", upstream.epoch_models(tmp_path, rows=rows))
    survived = 0
    for n, delay in enumerate(KILL_DELAYS):
        before = {s["snapshot_id"]: s["rows"] for s in list_snapshots()}
        get_catalog().close()
        folder = tmp_path / f"run{n}"
        folder.mkdir()
        extra = [f"Kill Extra {n}", *rows[0][1:]]
        path = upstream.epoch_models(folder, rows=[*rows, extra])
        proc = _start_paused_import(home, path, pause=1.0)
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
        after = {s["snapshot_id"]: s["rows"] for s in list_snapshots()}
        new = set(after) - set(before)
        assert set(before) <= set(after) and len(new) <= 1
        assert all(after[sid] == 21 for sid in new)  # all or nothing
        survived += 1
    assert survived == len(KILL_DELAYS)
    final = upstream.epoch_models(tmp_path / "run0", rows=[*rows, ["Final", *rows[0][1:]]])
    import_path("epoch-models", final)
    stored = sorted(p.name for p in (home / "snapshots" / "epoch-models").iterdir())
    assert stored == sorted(s["sha256"][:12] for s in list_snapshots())
