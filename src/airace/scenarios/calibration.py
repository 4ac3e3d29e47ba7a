"""Calibration to Epoch AI's 'Data on AI Chip Owners': starting stock and backtest figures.

The scenario files carry the figures this module derives (so running a scenario reads only
the scenario file and the chips table); the integration tests re-derive them from the real
files and check that the bundled scenarios agree. Countries: CN = Epoch owners "China" and
"China (smuggled)"; US = the seven US owners Epoch names. Epoch's "Other" mixes US and
non-US owners and is left out (documented as a lower bound for the US).

Epoch's H100e is based on dense FP16/BF16 throughput, so it is used as the model's
``h100e_bf16``; the TPP and FP8 figures of the starting stock are converted with the chip
mix (units by chip type) Epoch gives for the same owner, designer and date.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from airace.scenarios.distributions import SplitLognormal

EPOCH_URL = "https://epoch.ai/data/ai-chip-owners"
EPOCH_TITLE = "Epoch AI, 'Data on AI Chip Owners' (CC BY 4.0)"
US_OWNERS = ("Google", "Microsoft", "Amazon", "Meta", "Oracle", "CoreWeave", "xAI")
CN_OWNERS = ("China", "China (smuggled)")
# Epoch chip type -> chips.csv id (same dense throughput); unmapped types convert at ratio 1.
CHIP_TYPES = {
    "A100": "a100",
    "A800": "a100",
    "H100/H200": "h100-sxm",
    "H800": "h800",
    "H20": "h20",
    "B200": "b200",
    "B300": "b300",
    "Instinct MI300X": "mi300x",
    "Instinct MI325X": "mi325x",
    "Instinct MI355X": "mi355x",
    "TPU v5e": "tpu-v5e",
    "TPU v5p": "tpu-v5p",
    "TPU v6e": "tpu-v6e",
    "TPU v7": "tpu-v7",
    "Trainium2": "trainium2",
    "Ascend 910B": "ascend-910b",
    "Ascend 910C": "ascend-910c",
    "Siyuan 590": "mlu590",
}
MED, P5, P95 = (
    "Compute estimate in H100e (median)",
    "H100e (5th percentile)",
    "H100e (95th percentile)",
)


def read_epoch(folder: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    designer = pd.read_csv(folder / "cumulative_by_designer.csv")
    chip_type = pd.read_csv(folder / "cumulative_by_chip_type.csv")
    return designer, chip_type


def _owners(country: str) -> tuple[str, ...]:
    return US_OWNERS if country == "US" else CN_OWNERS


def _triple(row: pd.Series) -> dict[str, float] | float:
    med, p5, p95 = row[MED], row[P5], row[P95]
    if pd.isna(p5) or pd.isna(p95) or not p5 <= med <= p95 or p5 <= 0:
        return float(med)
    return {"p5": float(p5), "p50": float(med), "p95": float(p95)}


def start_stock(designer: pd.DataFrame, chip_type: pd.DataFrame, date: dt.date) -> dict[str, Any]:
    """The starting-stock block of a scenario file: components at ``date`` by country."""
    day = date.isoformat()
    out: dict[str, Any] = {
        "source": {
            "url": EPOCH_URL,
            "title": EPOCH_TITLE,
            "date": "2026-04-15",
            "quote": f"cumulative H100e (median, 5th, 95th percentile) by owner and "
            f"designer, rows ending {day}",
        }
    }
    for country in ("US", "CN"):
        rows = designer[designer["Owner"].isin(_owners(country)) & (designer["End date"] == day)]
        comps = []
        for _, row in rows.sort_values(["Owner", "Chip manufacturer"]).iterrows():
            types = chip_type[
                (chip_type["Owner"] == row["Owner"])
                & (chip_type["Chip manufacturer"] == row["Chip manufacturer"])
                & (chip_type["End date"] == day)
            ]
            mix: dict[str, float] = {}
            for _, t in types.iterrows():
                chip = CHIP_TYPES.get(str(t["Chip type"]))
                if chip and t["Number of Units (median)"] > 0:
                    mix[chip] = mix.get(chip, 0.0) + float(t["Number of Units (median)"])
            comp: dict[str, Any] = {
                "label": f"{row['Owner']} / {row['Chip manufacturer']}",
                "h100e": _triple(row),
            }
            if mix:
                comp["chip_mix"] = mix
            comps.append(comp)
        out[country] = comps
    return out


def reference(
    designer: pd.DataFrame, after: dt.date, draws: int = 200_000, seed: int = 0
) -> list[dict[str, Any]]:
    """Epoch's stock per complete quarter after ``after``: sum of medians and a 90% range.

    Epoch publishes percentiles per owner and designer, not for sums; the range of a sum is
    obtained by drawing each component independently from a two-piece lognormal through its
    5th/50th/95th percentiles (components without percentiles are fixed at the median).
    """
    rng = np.random.default_rng(seed)
    rows = []
    ends = sorted(e for e in designer["End date"].unique() if e > after.isoformat())
    for end in ends:
        for country in ("US", "CN"):
            part = designer[
                designer["Owner"].isin(_owners(country)) & (designer["End date"] == end)
            ]
            if part.empty or part["Incomplete"].notna().any():
                continue
            total = np.zeros(draws)
            for _, row in part.iterrows():
                t = _triple(row)
                if isinstance(t, dict):
                    total += SplitLognormal(t["p5"], t["p50"], t["p95"]).ppf(
                        np.clip(rng.random(draws), 1e-12, 1 - 1e-12)
                    )
                else:
                    total += t
            rows.append(
                {
                    "quarter_end": dt.date.fromisoformat(end),
                    "country": country,
                    "epoch_p05": round(float(np.quantile(total, 0.05))),
                    "epoch_median": round(float(part[MED].sum())),
                    "epoch_p95": round(float(np.quantile(total, 0.95))),
                }
            )
    return rows


def backtest_block(designer: pd.DataFrame, after: dt.date) -> dict[str, Any]:
    return {
        "source": {
            "url": EPOCH_URL,
            "title": EPOCH_TITLE,
            "date": "2026-04-15",
            "quote": "cumulative H100e by owner and designer, quarterly, with 5th "
            "and 95th percentiles (rows marked Incomplete are skipped)",
        },
        "rows": reference(designer, after),
    }
