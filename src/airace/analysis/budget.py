"""Dollars to chips to training FLOP, compared with well-known training runs."""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

from airace.analysis.hardware import Unit, compute_flops, price_usd

SECONDS_PER_DAY = 86_400


def budget(
    usd: float,
    chip: Unit,
    runs: pd.DataFrame,
    *,
    price: float | None = None,
    utilization: float = 0.4,
    days: float = 90,
    precision: str = "bf16",
) -> dict[str, Any]:
    """What ``usd`` buys in ``chip`` and how much training compute that delivers.

    ``runs`` has model_id, model_name, training_compute_flop (and optionally source_url,
    confidence) for the reference training runs. Chips are bought at ``price`` or, when not
    given, across the chip's price range (low price -> more chips). Power is chip TDP only.
    """
    if not usd > 0:
        raise ValueError("the budget must be a positive number of dollars")
    if not 0 < utilization <= 1:
        raise ValueError("utilization must be in (0, 1]")
    if not days > 0:
        raise ValueError("days must be positive")
    if price is not None and not price > 0:
        raise ValueError("--price-usd must be positive")
    low, high = (price, price) if price is not None else price_usd(chip)
    if low is None or high is None:
        raise ValueError(f"no price is recorded for {chip.id}; give one with --price-usd")
    flops, _ = compute_flops(chip, precision)
    if flops is None:
        raise ValueError(f"{chip.id} has no published dense {precision} throughput")
    mid = (low + high) / 2
    chips = math.floor(usd / mid)
    chips_low, chips_high = math.floor(usd / high), math.floor(usd / low)
    seconds = days * SECONDS_PER_DAY

    def delivered(n: int) -> float:
        return n * flops * utilization * seconds

    tdp = chip.get("tdp_w")
    total = delivered(chips)
    equivalents = []
    for row in runs.sort_values("training_compute_flop", ascending=False).itertuples():
        equivalents.append(
            {
                "model_id": row.model_id,
                "model_name": getattr(row, "model_name", row.model_id),
                "training_compute_flop": float(row.training_compute_flop),
                "multiple": total / float(row.training_compute_flop),
                "multiple_low": delivered(chips_low) / float(row.training_compute_flop),
                "multiple_high": delivered(chips_high) / float(row.training_compute_flop),
                "source_url": getattr(row, "source_url", None),
                "confidence": getattr(row, "confidence", None),
            }
        )
    return {
        "usd": usd,
        "chip": chip.id,
        "precision": precision,
        "price_usd_low": low,
        "price_usd_high": high,
        "price_usd": mid,
        "price_given": price is not None,
        "chips": chips,
        "chips_low": chips_low,
        "chips_high": chips_high,
        "chip_dense_flops": flops,
        "peak_flops": chips * flops,
        "utilization": utilization,
        "days": days,
        "delivered_flop": total,
        "delivered_flop_low": delivered(chips_low),
        "delivered_flop_high": delivered(chips_high),
        "power_mw": None if tdp is None else chips * float(tdp) / 1e6,
        "power_basis": "chip TDP only (no host CPUs, networking or cooling)",
        "equivalents": equivalents,
    }
