"""Our chip specs against Epoch's ML hardware data: differences beyond a tolerance."""

from __future__ import annotations

import math
import re
from typing import Any

import pandas as pd

FIELDS = (
    "dense_bf16_flops",
    "dense_fp8_flops",
    "dense_fp4_flops",
    "dense_fp64_flops",
    "dense_fp32_flops",
    "dense_tf32_flops",
    "dense_int8_ops",
    "hbm_capacity_gb",
    "hbm_bandwidth_tb_s",
    "tdp_w",
    "die_area_mm2",
    "transistors_billion",
)


def _norm(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.casefold())


def match(chips: pd.DataFrame, epoch: pd.DataFrame) -> dict[str, int]:
    """Our chip_id -> row index in ``epoch``, through chip aliases, then exact names."""
    by_name = {_norm(str(n)): i for i, n in zip(epoch.index, epoch["hardware_name"], strict=True)}
    out = {}
    for row in chips.itertuples(index=False):
        names = [
            *(
                list(row.aliases)
                if isinstance(row.aliases, (list, tuple)) or hasattr(row.aliases, "tolist")
                else []
            ),
            row.chip_name,
        ]
        for name in names:
            hit = by_name.get(_norm(str(name)))
            if hit is not None:
                out[row.chip_id] = hit
                break
    return out


def _num(value: Any) -> float | None:
    if value is None:
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(number) else number


def diff(
    chips: pd.DataFrame,
    epoch: pd.DataFrame,
    tolerance: float = 0.01,
    notes: dict[tuple[str, str], str] | None = None,
) -> pd.DataFrame:
    """Fields whose values differ by more than ``tolerance`` (relative), plus price and date.

    Fields one side leaves empty are listed as ``only_ours`` / ``only_epoch`` so gaps show.
    """
    notes = notes or {}
    pairs = match(chips, epoch)
    records = []
    for chip in chips.to_dict(orient="records"):
        idx = pairs.get(chip["chip_id"])
        if idx is None:
            records.append(
                {
                    "chip_id": chip["chip_id"],
                    "field": None,
                    "issue": "no_epoch_row",
                    "ours": None,
                    "epoch": None,
                    "relative_difference": None,
                    "epoch_name": None,
                    "our_source": chip["source_url"],
                    "our_notes": None,
                }
            )
            continue
        theirs = epoch.loc[idx]
        compare = [*list(FIELDS), "price_usd"]
        for name in compare:
            if name == "price_usd":
                ours_low, ours_high = (
                    _num(chip.get("price_usd_low")),
                    _num(chip.get("price_usd_high")),
                )
                ours = None if ours_low is None else (ours_low + (ours_high or ours_low)) / 2
                field = "price_usd_low"
            else:
                ours, field = _num(chip.get(name)), name
            epoch_value = _num(theirs.get(name))
            if ours is None and epoch_value is None:
                continue
            if ours is None or epoch_value is None:
                issue = "only_epoch" if ours is None else "only_ours"
                rel = None
            else:
                rel = abs(ours - epoch_value) / max(abs(epoch_value), 1e-30)
                if rel <= tolerance:
                    continue
                issue = "differs"
            if name == "price_usd" and ours is not None and epoch_value is not None:
                low = _num(chip.get("price_usd_low")) or ours
                high = _num(chip.get("price_usd_high")) or ours
                if low <= epoch_value <= high:
                    continue  # Epoch's price is inside our range
            records.append(
                {
                    "chip_id": chip["chip_id"],
                    "field": name,
                    "issue": issue,
                    "ours": ours,
                    "epoch": epoch_value,
                    "relative_difference": rel,
                    "epoch_name": theirs["hardware_name"],
                    "our_source": chip["source_url"],
                    "our_notes": notes.get((chip["chip_id"], field)) or chip.get("notes"),
                }
            )
        ours_date, their_date = chip.get("release_date"), theirs.get("release_date")
        if ours_date is not None and their_date is not None and not pd.isna(their_date):
            days = (pd.Timestamp(ours_date) - pd.Timestamp(their_date)).days
            if abs(days) > 31:
                records.append(
                    {
                        "chip_id": chip["chip_id"],
                        "field": "release_date",
                        "issue": "differs",
                        "ours": str(pd.Timestamp(ours_date).date()),
                        "epoch": str(pd.Timestamp(their_date).date()),
                        "relative_difference": None,
                        "epoch_name": theirs["hardware_name"],
                        "our_source": chip["source_url"],
                        "our_notes": chip.get("notes"),
                    }
                )
    return pd.DataFrame.from_records(records)
