"""Stability and speed of the lag-trend interval on Epoch's ECI file (US vs China).

Run with `python bench/bench_lag_interval.py [--eci FILE] [--seed N]`; prints figures only.
Target from issue 10: with a fixed seed the interval bounds move by less than 10% of the
interval's width between 1,000 and 5,000 replicates. Reads the shared data folder next to
the repository (`../shared/data/epoch/eci/*.csv`) unless --eci names a file.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from pathlib import Path

import pandas as pd

from airace.analysis import frontier as fr

ECI_DIR = Path(__file__).resolve().parents[2] / "shared" / "data" / "epoch" / "eci"
GROUPS = {"United States of America": "US", "China": "CN"}
WINDOWS = [
    (dt.date(2023, 1, 1), dt.date(2025, 12, 31)),
    (dt.date(2024, 3, 3), dt.date(2026, 3, 3)),
    (dt.date(2026, 3, 3), dt.date(2026, 6, 16)),
]
REPLICATES = (200, 1000, 5000)


def eci_points(path: Path) -> pd.DataFrame:
    """Rows of US and Chinese models with a score and a release date, as frontier points."""
    raw = pd.read_csv(path)
    raw = raw[raw["Country"].isin(GROUPS) & raw["ECI Score"].notna() & raw["Release date"].notna()]
    return pd.DataFrame(
        {
            "model": raw["Model version"],
            "group": raw["Country"].map(GROUPS),
            "date": pd.to_datetime(raw["Release date"]),
            "score": raw["ECI Score"],
            "compute": raw["Training compute (FLOP)"],
        }
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--eci", type=Path, help="ECI CSV (default: the shared data folder)")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    path = args.eci or next(iter(sorted(ECI_DIR.glob("*.csv"))), None)
    if path is None or not path.is_file():
        print(f"no ECI file (looked in {ECI_DIR}); pass --eci FILE", file=sys.stderr)
        return 1
    pts = eci_points(path)
    models = fr.collapse_models(pts)
    print(
        f"{path.name}: {len(pts)} rows, {len(models)} models after collapsing variants "
        f"(US {sum(models['group'] == 'US')}, CN {sum(models['group'] == 'CN')}); "
        f"method: {fr.INTERVAL_METHOD}, 90% interval, seed {args.seed}"
    )
    for since, until in WINDOWS:
        bounds = {}
        for n in REPLICATES:
            start = time.perf_counter()
            s = fr.lag_stats(pts, "US", "CN", since, until, n_boot=n, seed=args.seed)
            took = time.perf_counter() - start
            bounds[n] = (s["trend_low"], s["trend_high"])
            print(
                f"  {since}..{until} {n:>5} replicates: trend {s['trend_months_per_year']:+.3f}"
                f" months/year, interval {s['trend_low']:+.3f}..{s['trend_high']:+.3f} "
                f"({s['events']} events, {s['replicates_failed']} failed replicates, "
                f"{s['trend_direction']}) {took:.2f} s"
            )
        width = bounds[5000][1] - bounds[5000][0]
        shift = max(abs(a - b) for a, b in zip(bounds[1000], bounds[5000], strict=True))
        print(
            f"  -> bounds move {shift:.3f} between 1,000 and 5,000 replicates = "
            f"{shift / width:.1%} of the width (target < 10%)"
        )
    until = dt.date(2026, 3, 3)
    starts = fr.quarter_starts(dt.date(2024, 1, 1), dt.date(2025, 7, 1))
    table = fr.trend_sensitivity(pts, "US", "CN", starts, until, n_boot=1000, seed=args.seed)
    print(f"\nwindow sensitivity (quarterly starts, until {until}, 1,000 replicates):")
    print(table.to_string(index=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
