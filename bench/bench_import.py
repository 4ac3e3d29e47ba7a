"""Times importing the largest Epoch file and listing sources.

Reads ../shared/data (skips with a message when absent). Prints figures only.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "data"


def run(args: list[str], env: dict[str, str]) -> float:
    t0 = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "airace", *args], env=env, check=True, capture_output=True
    )
    return time.perf_counter() - t0


def main() -> None:
    files = sorted((SHARED / "epoch").rglob("*.csv"), key=lambda p: p.stat().st_size)
    if not files:
        print(f"skipped: {SHARED} is absent")
        return
    largest = files[-1]
    print(f"largest Epoch file: {largest.name}, {largest.stat().st_size / 1e6:.1f} MB")
    imports, sources = [], []
    for _ in range(3):
        home = tempfile.mkdtemp(prefix="airace-bench-")
        env = {**os.environ, "AIRACE_HOME": home}
        try:
            run(["data", "build"], env)  # the curated catalog is built first, not timed
            imports.append(run(["import", "epoch-models", str(largest)], env))
            sources.append(run(["sources"], env))
        finally:
            shutil.rmtree(home, ignore_errors=True)
    print(
        f"`airace import epoch-models {largest.name}`: best {min(imports):.2f} s, "
        f"median {statistics.median(imports):.2f} s"
    )
    print(f"`airace sources`: best {min(sources):.2f} s, median {statistics.median(sources):.2f} s")


if __name__ == "__main__":
    main()
