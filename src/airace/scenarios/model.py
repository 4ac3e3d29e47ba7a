"""The compute-supply model: quarterly chip flows by pathway, turned into H100-equivalents.

Equations (per Monte-Carlo path, per quarter; see docs/scenarios.md):

China, domestic (Ascend):
    smic_dies  = wafers_per_month x 3 x wafer_share x gross_dies_per_wafer x yield
    die_supply = smic_dies + min(die_inventory, die_bank_draw_per_quarter)
    hbm_supply = domestic_hbm_stacks_per_quarter + hbm_stockpile
    packages   = min(die_supply / dies_per_package, hbm_supply / hbm_stacks_per_package)
  dies are taken from this quarter's SMIC output first, then from the inventory (the TSMC die
  bank); unused SMIC dies join the inventory. HBM likewise: new stacks first, then the
  stockpile. hbm_stacks_per_package = 0 means HBM is not modelled (never binds).
China, other flows (chips per year / 4): other domestic designers, legal imports
  (policy branch x volume, for H20 and H200), smuggling. Rented capacity abroad is a level
  (chips in use), a separate line that is used but not owned and never enters the stock.
US: additions in H100e (BF16, Epoch's unit) = base x product of yearly growth factors.
Owned stocks retire exponentially: stock <- stock x exp(-0.25 / lifetime) + additions.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from airace.analysis.hardware import MissingFigure, Unit, classify

UNITS = ("h100e_tpp", "h100e_bf16", "h100e_fp8")
REFERENCE_CHIP = "h100-sxm"


@dataclass(frozen=True)
class Param:
    unit: str
    default: float
    description: str


PARAMETERS: dict[str, Param] = {
    "smic_advanced_wafers_per_month": Param(
        "wafers/month", 0.0, "SMIC advanced-node (7nm-class) wafer starts per month"
    ),
    "ascend_wafer_share": Param(
        "fraction", 0.0, "share of those wafers allocated to Ascend logic dies"
    ),
    "ascend_gross_dies_per_wafer": Param(
        "dies/wafer", 0.0, "candidate Ascend dies per 300 mm wafer before yield"
    ),
    "ascend_die_yield": Param("fraction", 0.0, "share of candidate dies that work"),
    "die_bank_start": Param(
        "dies", 0.0, "Ascend dies in inventory (the TSMC-made die bank) at the start"
    ),
    "die_bank_draw_per_quarter": Param(
        "dies/quarter", 0.0, "most dies that can be drawn from the inventory per quarter"
    ),
    "dies_per_package": Param("dies", 1.0, "logic dies per Ascend package (910C: 2)"),
    "hbm_stockpile_start": Param("stacks", 0.0, "HBM stacks stockpiled in China at the start"),
    "domestic_hbm_stacks_per_quarter": Param(
        "stacks/quarter", 0.0, "HBM stacks made in China per quarter (CXMT and others)"
    ),
    "hbm_stacks_per_package": Param(
        "stacks", 0.0, "HBM stacks per Ascend package; 0 = HBM not modelled"
    ),
    "other_domestic_units_per_year": Param(
        "chips/year", 0.0, "accelerators from other Chinese designers (e.g. Cambricon)"
    ),
    "h20_policy": Param("multiplier", 0.0, "1 when H20 sales to China happen, else 0"),
    "h20_units_per_year": Param("chips/year", 0.0, "H20 shipments to China if allowed"),
    "h200_policy": Param("multiplier", 0.0, "1 when H200 sales to China happen, else 0"),
    "h200_units_per_year": Param("chips/year", 0.0, "H200 shipments to China if allowed"),
    "smuggled_units_per_year": Param(
        "chips/year", 0.0, "export-controlled chips smuggled into China"
    ),
    "rented_overseas_units": Param(
        "chips", 0.0, "chips abroad rented by Chinese firms (level in use, not owned)"
    ),
    "chip_lifetime_years": Param(
        "years", 0.0, "mean service life of an AI chip; 0 = no retirement"
    ),
    "us_additions_h100e_per_year": Param(
        "H100e (BF16)/year", 0.0, "US additions in the first simulated year"
    ),
    "us_additions_growth_per_year": Param(
        "factor/year", 1.0, "growth factor of US additions from one year to the next"
    ),
}

PATHWAYS: dict[str, str] = {
    "domestic": "ascend-910c",
    "other_domestic": "mlu590",
    "h20": "h20",
    "h200": "h200",
    "smuggled": "h100-sxm",
    "rented": "b200",
    "us": "b200",
}

ChipMix = dict[str, float]


def chip_factors(chips: pd.DataFrame) -> pd.DataFrame:
    """Each chip's TPP and its H100-equivalents in every unit (NaN where unpublished).

    TPP follows ECCN 3A090 (``airace.analysis.hardware.classify``). BF16 falls back to the
    dense FP16 figure (same bit width) when BF16 is unpublished. FP8: a chip without FP8 runs
    FP8 work at its BF16/FP16 rate, so that rate is used.
    """
    rows = []
    for record in chips.to_dict(orient="records"):
        unit = Unit(
            id=str(record["chip_id"]), kind="chip", name=str(record.get("chip_name")), values=record
        )
        try:
            tpp = float(classify(unit)["tpp"])
        except MissingFigure:
            tpp = math.nan
        bf16, basis = unit.get("dense_bf16_flops"), "dense_bf16_flops"
        if bf16 is None:
            bf16, basis = unit.get("dense_fp16_flops"), "dense_fp16_flops"
        fp8 = unit.get("dense_fp8_flops")
        fp8_basis = "dense_fp8_flops"
        if fp8 is None:
            fp8, fp8_basis = bf16, f"{basis} (no FP8)"
        rows.append(
            {
                "chip_id": unit.id,
                "tpp": tpp,
                "bf16_flops": math.nan if bf16 is None else float(bf16),
                "bf16_basis": basis if bf16 is not None else None,
                "fp8_flops": math.nan if fp8 is None else float(fp8),
                "fp8_basis": fp8_basis if fp8 is not None else None,
            }
        )
    table = pd.DataFrame(rows).set_index("chip_id")
    if REFERENCE_CHIP not in table.index:
        raise ValueError(f"the chips table has no {REFERENCE_CHIP!r} row (the H100 reference)")
    ref = table.loc[REFERENCE_CHIP]
    table["h100e_tpp"] = table["tpp"] / ref["tpp"]
    table["h100e_bf16"] = table["bf16_flops"] / ref["bf16_flops"]
    table["h100e_fp8"] = table["fp8_flops"] / ref["fp8_flops"]
    return table


def mix_factor(mix: Mapping[str, float], factors: pd.DataFrame, unit: str) -> float:
    """H100e per chip of a chip mix (weights need not sum to 1; they are normalised)."""
    total = sum(mix.values())
    return float(sum(w * factors.loc[c, unit] for c, w in mix.items()) / total)


def ratio_factor(mix: Mapping[str, float], factors: pd.DataFrame, unit: str) -> float:
    """Convert H100e (BF16) of a chip mix into ``unit``; 1 for an empty mix."""
    if not mix:
        return 1.0
    return mix_factor(mix, factors, unit) / mix_factor(mix, factors, "h100e_bf16")


@dataclass
class Inputs:
    """Everything the kernel needs, already resolved to arrays and numbers."""

    quarters: list[tuple[int, int]]  # (year, quarter 1-4)
    value: Callable[[str, int], np.ndarray]  # (parameter, year) -> per-path values
    factor: Callable[[str, int, str], float]  # (pathway, year, unit) -> H100e per chip
    start: dict[str, dict[str, np.ndarray]]  # country -> unit -> per-path stock
    paths: int


def simulate(inp: Inputs) -> dict[str, Any]:
    """Run every path through every quarter; return (quarters x paths) stock arrays.

    The arithmetic is float64; the stored quarterly stocks are float32 (relative rounding
    6e-8, far below Monte-Carlo error), which halves memory and speeds the quantile sorts.
    """
    n_q, n = len(inp.quarters), inp.paths
    out = {
        key: np.empty((n_q, n), dtype=np.float32)
        for key in [
            f"{c}|{line}|{u}"
            for c, line in (("US", "owned"), ("CN", "owned"), ("CN", "rented"))
            for u in UNITS
        ]
    }
    hbm_bound = np.empty(n_q)
    packages_p50 = np.empty(n_q)
    stock = {c: {u: inp.start[c][u].copy() for u in UNITS} for c in ("US", "CN")}
    first_year = inp.quarters[0][0]
    bank = inp.value("die_bank_start", first_year).copy()
    hbm = inp.value("hbm_stockpile_start", first_year).copy()
    us_scale = np.ones(n)
    year_seen = first_year
    for i, (year, _q) in enumerate(inp.quarters):
        v = lambda name, y=year: inp.value(name, y)  # noqa: E731
        if year != year_seen:
            us_scale = us_scale * v("us_additions_growth_per_year")
            year_seen = year
        lifetime = v("chip_lifetime_years")
        survive = np.where(lifetime > 0, np.exp(-0.25 / np.where(lifetime > 0, lifetime, 1.0)), 1.0)
        # domestic production: dies vs HBM
        smic = (
            v("smic_advanced_wafers_per_month")
            * 3.0
            * v("ascend_wafer_share")
            * v("ascend_gross_dies_per_wafer")
            * v("ascend_die_yield")
        )
        draw = np.minimum(bank, v("die_bank_draw_per_quarter"))
        dpp = v("dies_per_package")
        spp = v("hbm_stacks_per_package")
        new_hbm = v("domestic_hbm_stacks_per_quarter")
        by_dies = (smic + draw) / dpp
        with np.errstate(divide="ignore", invalid="ignore"):
            by_hbm = np.where(spp > 0, (new_hbm + hbm) / np.where(spp > 0, spp, 1.0), np.inf)
        packages = np.minimum(by_dies, by_hbm)
        hbm_bound[i] = float(np.mean(by_hbm < by_dies))
        packages_p50[i] = float(np.median(packages))
        dies_used = packages * dpp
        from_smic = np.minimum(dies_used, smic)
        bank = bank - (dies_used - from_smic) + (smic - from_smic)
        stacks_used = np.where(spp > 0, packages * spp, 0.0)
        from_new = np.minimum(stacks_used, new_hbm)
        hbm = np.maximum(hbm - (stacks_used - from_new), 0.0) + (new_hbm - from_new)
        chips_q = {
            "domestic": packages,
            "other_domestic": v("other_domestic_units_per_year") / 4.0,
            "h20": v("h20_policy") * v("h20_units_per_year") / 4.0,
            "h200": v("h200_policy") * v("h200_units_per_year") / 4.0,
            "smuggled": v("smuggled_units_per_year") / 4.0,
        }
        us_add_bf16 = v("us_additions_h100e_per_year") * us_scale / 4.0
        rented = v("rented_overseas_units")
        for u in UNITS:
            cn_add = sum(chips_q[p] * inp.factor(p, year, u) for p in chips_q)
            us_add = us_add_bf16 * (
                inp.factor("us", year, u) / inp.factor("us", year, "h100e_bf16")
            )
            stock["CN"][u] = stock["CN"][u] * survive + cn_add
            stock["US"][u] = stock["US"][u] * survive + us_add
            out[f"CN|owned|{u}"][i] = stock["CN"][u]
            out[f"US|owned|{u}"][i] = stock["US"][u]
            out[f"CN|rented|{u}"][i] = rented * inp.factor("rented", year, u)
    return {"series": out, "hbm_bound_share": hbm_bound, "packages_p50": packages_p50}
