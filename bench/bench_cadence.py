"""Times cadence over a synthetic table of 1,000,000 releases and the CLI's cold start.

Run with `make bench` (or `python bench/bench_cadence.py [--rows N]`); prints figures only.
Targets from issue 2: cold `airace --help` under 0.3 s, cadence over 1M rows under 1 s.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

import numpy as np
import pandas as pd

from airace.analysis.cadence import cadence, count_launches
from airace.schema.rules import bundled_rules

TYPES = [
    "new_generation",
    "version_step",
    "point_update",
    "reasoning_variant",
    "tier",
    "specialist",
    "media",
]


def synthetic(rows: int, seed: int = 7) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    labs = np.array([f"lab-{i:02d}" for i in range(40)])
    org = labs[rng.integers(0, len(labs), rows)]
    family = rng.integers(0, 300, rows)
    start = np.datetime64("2023-01-01")
    days = rng.integers(0, 1400, rows)
    return pd.DataFrame(
        {
            "model_id": [f"m{i}" for i in range(rows)],
            "org_id": org,
            "country": np.where(np.isin(org, labs[:12]), "CN", "US"),
            "family_id": [f"{o}-f{f}" for o, f in zip(org, family, strict=True)],
            "release_type": np.array(TYPES)[rng.integers(0, len(TYPES), rows)],
            "is_main_line": rng.random(rows) < 0.6,
            "is_open_weights": rng.random(rows) < 0.4,
            "is_preview": rng.random(rows) < 0.1,
            "release_date": start + days.astype("timedelta64[D]"),
        }
    )


def best_of(fn, repeats: int = 3) -> float:
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def cold_start(args: list[str], runs: int = 7) -> tuple[float, float]:
    home = tempfile.mkdtemp(prefix="airace-bench-")
    env = {**os.environ, "AIRACE_HOME": home}
    times = []
    try:
        for _ in range(runs):
            t0 = time.perf_counter()
            subprocess.run(
                [sys.executable, "-m", "airace", *args], env=env, check=True, capture_output=True
            )
            times.append(time.perf_counter() - t0)
    finally:
        shutil.rmtree(home, ignore_errors=True)
    return min(times), statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=1_000_000)
    opts = parser.parse_args()
    t0 = time.perf_counter()
    frame = synthetic(opts.rows)
    print(f"built {len(frame):,} synthetic releases in {time.perf_counter() - t0:.2f} s")
    since, as_of = pd.Timestamp("2025-01-03").date(), pd.Timestamp("2026-03-03").date()
    for rule in bundled_rules():
        seconds = best_of(lambda r=rule: count_launches(frame, r, since=since, as_of=as_of))
        print(f"cadence, rule {rule.name:<17} {seconds:6.3f} s")
    seconds = best_of(lambda: cadence(frame, bundled_rules(), since=since, as_of=as_of))
    print(f"cadence, all 5 rules (--sensitivity)  {seconds:6.3f} s")
    seconds = best_of(
        lambda: cadence(frame, bundled_rules(), since=since, as_of=as_of, group_by="country")
    )
    print(f"cadence, all 5 rules by country      {seconds:6.3f} s")
    low, mid = cold_start(["--help"])
    print(f"cold `airace --help`: best {low:.3f} s, median {mid:.3f} s")
    low, mid = cold_start(
        [
            "cadence",
            "--as-of",
            "2026-03-03",
            "--window",
            "14M",
            "--labs",
            "deepseek,openai,anthropic,google",
            "--sensitivity",
        ]
    )
    print(
        f"`airace cadence ... --sensitivity` (warm catalog): best {low:.3f} s, median {mid:.3f} s"
    )


if __name__ == "__main__":
    main()
