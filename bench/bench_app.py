"""Application-layer timings as ratios against floors measured in the same run.

Prints: per-query overhead after start-up (one process, many queries on the catalog),
and whole-command times of `airace claims check` (the cached answer the warm-up stored,
and recomputed with --no-cache), a cadence query and `airace --help`
divided by `python -c "import pandas, duckdb"` (or `python -c pass` for --help).
Medians over several runs; absolute times on shared machines are noisy, ratios less so.

    .venv/bin/python bench/bench_app.py
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BIN = Path(sys.executable).parent
RUNS = int(os.environ.get("BENCH_RUNS", "5"))


def wall(cmd: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    return time.perf_counter() - start


def median_time(cmd: list[str], env: dict[str, str]) -> float:
    wall(cmd, env)  # warm-up (and builds the catalog on first use)
    return statistics.median(wall(cmd, env) for _ in range(RUNS))


def per_query_overhead(env: dict[str, str]) -> float:
    code = (
        "import time, airace\n"
        "from airace.service.context import get_catalog\n"
        "cat = get_catalog(); cat.query('SELECT 1')\n"
        "n = 200; t = time.perf_counter()\n"
        "for _ in range(n): cat.query('SELECT count(*) FROM releases')\n"
        "print((time.perf_counter() - t) / n)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    ).stdout
    return float(out.strip())


def main() -> None:
    env = {**os.environ, "AIRACE_HOME": tempfile.mkdtemp(prefix="airace-bench-")}
    airace = str(BIN / "airace")
    floor = median_time([sys.executable, "-c", "import pandas, duckdb"], env)
    bare = median_time([sys.executable, "-c", "pass"], env)
    cases = {
        "claims check (cached answer)": [airace, "claims", "check"],
        "claims check --no-cache (computed)": [airace, "claims", "check", "--no-cache"],
        "cadence json": [
            airace,
            "cadence",
            "--as-of",
            "2026-03-03",
            "--window",
            "14M",
            "--labs",
            "deepseek,openai",
            "--format",
            "json",
        ],
        "releases (table)": [airace, "releases"],
    }
    print(
        f"floor: python -c 'import pandas, duckdb' {floor:.3f} s; python -c pass "
        f"{bare:.3f} s (median of {RUNS})"
    )
    print(
        f"per-query overhead after start-up: {per_query_overhead(env) * 1000:.2f} ms "
        "(target < 20 ms)"
    )
    for name, cmd in cases.items():
        t = median_time(cmd, env)
        print(f"{name}: {t:.3f} s = {t / floor:.2f}x the pandas+duckdb floor")
    t = median_time([airace, "--help"], env)
    print(f"airace --help: {t:.3f} s = {t / bare:.1f}x python -c pass (target <= 12x)")
    print("targets: claims check <= 2x, cadence json <= 1.5x the floor")


if __name__ == "__main__":
    main()
