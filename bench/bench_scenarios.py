"""Times a compute-supply scenario run beside a plain-numpy floor; prints figures only.

Run with `python bench/bench_scenarios.py [--paths N] [--scenario NAME]`. Target from
issue 14: 100,000 paths x 16 quarters in under 2 s on a 2-core machine. The floor draws the
same number of lognormal variates (one per random input per path) and does a cumulative sum
of quarterly flows over the same (quarters x paths) grid once per output series (18): less
work than any engine that also sorts for quantiles must do. Peak memory comes from tracemalloc
(numpy reports its buffers to it), measured in a separate run so it does not slow the timing.
"""

from __future__ import annotations

import argparse
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

from airace.scenarios import load, quarters_between, run

CHIPS = Path(__file__).resolve().parents[1] / "src" / "airace" / "data" / "chips.csv"


def best_of(fn: Callable[[], object], repeats: int) -> float:
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def floor(paths: int, quarters: int, parameters: int, series: int, seed: int = 0) -> None:
    """Draw one lognormal per input per path, then cumulate quarterly flows per series."""
    rng = np.random.default_rng(seed)
    draws = rng.lognormal(size=(parameters, paths))
    flows = draws[np.arange(quarters) % parameters]
    for _ in range(series):
        np.cumsum(flows, axis=0)


def peak_mb(fn: Callable[[], object]) -> float:
    tracemalloc.start()
    fn()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--paths", type=int, default=100_000)
    parser.add_argument("--scenario", default="baseline")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    scenario = load(args.scenario)
    chips = pd.read_csv(CHIPS)
    quarters = len(quarters_between(scenario.start, scenario.horizon))
    parameters = len(scenario.parameters) + sum(len(v) for v in scenario.start_stock.values())
    run(scenario, chips, paths=1_000, seed=0)  # warm-up (imports, caches)

    full = best_of(lambda: run(scenario, chips, paths=args.paths, seed=0), args.repeats)
    core = best_of(
        lambda: run(scenario, chips, paths=args.paths, seed=0, tornado=False), args.repeats
    )
    base = best_of(lambda: floor(args.paths, quarters, parameters, 18), args.repeats)
    memory = peak_mb(lambda: run(scenario, chips, paths=args.paths, seed=0))
    memory_floor = peak_mb(lambda: floor(args.paths, quarters, parameters, 18))
    print(
        f"scenario {args.scenario}: {args.paths:,} paths x {quarters} quarters, "
        f"{parameters} random inputs (best of {args.repeats})"
    )
    print(f"  run (quantiles, events, sensitivity, tornado, backtest): {full:.3f} s")
    print(f"  run without the tornado:                                  {core:.3f} s")
    print(f"  numpy floor (lognormal draws + cumsum x 18):              {base:.3f} s")
    print(f"  ratio run / floor: {full / base:.1f}x")
    print(f"  peak traced memory: run {memory:.0f} MB, floor {memory_floor:.0f} MB")
    print(
        f"  target: under 2 s for 100,000 paths x 16 quarters -> "
        f"{'met' if full < 2 or args.paths != 100_000 else 'NOT met'}"
    )


if __name__ == "__main__":
    main()
