"""Hardware arithmetic: equal-amount comparisons, and US export-control classification.

Every figure used is echoed back with its source, and a figure that is unpublished stays
missing: a ratio that needs it is null and the output says which figure is missing and
which comparisons are possible instead.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

PRECISIONS = ("fp64", "fp32", "tf32", "bf16", "fp16", "fp8", "fp4", "int8")
BITS = {"fp64": 64, "fp32": 32, "tf32": 32, "bf16": 16, "fp16": 16, "fp8": 8, "fp4": 4, "int8": 8}
BASES = ("compute", "memory-bandwidth", "memory-capacity")
POWER_BASES = ("it", "all-in")

# ECCN 3A090 as amended by BIS's interim final rule of 2023-10-17 (88 FR 73458).
TPP_A = 4800.0
TPP_A2, PD_A2 = 1600.0, 5.92
TPP_B1_LOW, PD_B1_LOW = 2400.0, 1.6
PD_B2_LOW = 3.2
ECCN_SOURCE = (
    "https://www.federalregister.gov/documents/2023/10/25/2023-23055/"
    "implementation-of-additional-export-controls-certain-advanced-computing-items-"
    "supercomputer-and-semiconductor-end"
)


class MissingFigure(ValueError):
    """A figure the calculation needs is not published for this unit."""


@dataclass
class Unit:
    """A chip or a rack-scale system, with the provenance of each figure."""

    id: str
    kind: str  # chip | system
    name: str
    values: dict[str, Any]
    sources: dict[str, dict[str, Any]] = field(default_factory=dict)
    chip: dict[str, Any] | None = None  # the chip row of a system

    def get(self, name: str) -> Any:
        value = self.values.get(name)
        if isinstance(value, float) and math.isnan(value):
            return None
        return value

    def source(self, name: str) -> dict[str, Any]:
        return self.sources.get(name) or self.sources.get("_row", {})


def _chip_value(unit: Unit, column: str) -> tuple[float | None, str]:
    """A per-chip figure scaled to the unit, with how it was obtained."""
    if unit.kind == "chip":
        return unit.get(column), "chip"
    if unit.chip is None:
        return None, "no chip row"
    value = unit.chip.get(column)
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None, "chip figure unpublished"
    return float(value) * float(unit.get("chip_count")), (
        f"derived: {unit.get('chip_count')} x {unit.chip.get('chip_id')} {column}"
    )


def compute_flops(unit: Unit, precision: str, sparse: bool = False) -> tuple[float | None, str]:
    """Peak compute at a precision: vendor-stated for systems, else chips x per-chip figure."""
    if precision not in PRECISIONS:
        raise ValueError(f"unknown precision {precision!r}; use {', '.join(PRECISIONS)}")
    kind = "sparse" if sparse else "dense"
    unit_name = "ops" if precision == "int8" else "flops"
    column = f"{kind}_{precision}_{unit_name}"
    stated = unit.get(column)
    if stated is not None:
        return float(stated), "stated"
    return _chip_value(unit, column)


def amount(unit: Unit, basis: str, precision: str, sparse: bool) -> tuple[float | None, str, str]:
    """The quantity being equalised (compute, memory bandwidth or capacity) and its column."""
    if basis == "compute":
        value, how = compute_flops(unit, precision, sparse)
        kind = "sparse" if sparse else "dense"
        return value, how, f"{kind}_{precision}_{'ops' if precision == 'int8' else 'flops'}"
    column = "hbm_bandwidth_tb_s" if basis == "memory-bandwidth" else "hbm_capacity_gb"
    stated = unit.get(column)
    if stated is not None:
        return float(stated), "stated", column
    value, how = _chip_value(unit, column)
    return value, how, column


def power_kw(unit: Unit, basis: str) -> tuple[float | None, str]:
    if unit.kind == "chip":
        tdp = unit.get("tdp_w")
        if basis == "it" and tdp is not None:
            return float(tdp) / 1000, "chip TDP"
        return None, "a chip has only a TDP (IT basis)" if basis != "it" else "TDP unpublished"
    column = "it_power_kw" if basis == "it" else "all_in_power_kw"
    value = unit.get(column)
    return (float(value), "stated") if value is not None else (None, f"{column} unpublished")


def price_usd(unit: Unit) -> tuple[float | None, float | None]:
    low, high = unit.get("price_usd_low"), unit.get("price_usd_high")
    if low is None and high is None:
        return None, None
    low = float(low if low is not None else high)
    high = float(high if high is not None else low)
    return low, high


def _per_unit(unit: Unit) -> dict[str, float | None]:
    chips = float(unit.get("chip_count") or 1) if unit.kind == "system" else 1.0
    return {
        "chips": chips,
        "cabinets": unit.get("cabinets_total"),
        "compute_cabinets": unit.get("cabinets_compute"),
        "floor_area_m2": unit.get("floor_area_m2"),
    }


def compare(
    base: Unit,
    other: Unit,
    *,
    precision: str = "bf16",
    sparse: bool = False,
    basis: str = "compute",
    power_basis: str = "all-in",
) -> dict[str, Any]:
    """How much of OTHER matches one BASE on ``basis``, relative to BASE (ratios >1: more).

    units_ratio is the number of OTHER units per BASE unit; the other ratios compare what
    that many OTHER units need (chips, cabinets, power, floor area, money) with one BASE.
    """
    if basis not in BASES:
        raise ValueError(f"unknown basis {basis!r}; use {', '.join(BASES)}")
    if power_basis not in POWER_BASES:
        raise ValueError(f"unknown power basis {power_basis!r}; use it or all-in")
    base_amount, base_how, column = amount(base, basis, precision, sparse)
    other_amount, other_how, _ = amount(other, basis, precision, sparse)
    missing: list[str] = []
    for unit, value, how in ((base, base_amount, base_how), (other, other_amount, other_how)):
        if value is None:
            raise MissingFigure(f"{column} of {unit.id} is unpublished ({how}); {_possible(unit)}")
    assert base_amount is not None and other_amount is not None
    units = base_amount / other_amount
    b, o = _per_unit(base), _per_unit(other)

    def ratio(name: str, b_value: Any, o_value: Any) -> float | None:
        if b_value is None or o_value is None:
            absent = [u.id for u, v in ((base, b_value), (other, o_value)) if v is None]
            missing.append(f"{name}: unpublished for {', '.join(absent)}")
            return None
        if float(b_value) == 0:
            missing.append(f"{name}: zero for {base.id}")
            return None
        return units * float(o_value) / float(b_value)

    base_power, base_power_how = power_kw(base, power_basis)
    other_power, other_power_how = power_kw(other, power_basis)
    base_price, other_price = price_usd(base), price_usd(other)
    mid = lambda p: None if p[0] is None else (p[0] + p[1]) / 2  # noqa: E731
    record = {
        "base": base.id,
        "other": other.id,
        "precision": precision if basis == "compute" else None,
        "sparse": sparse,
        "basis": basis,
        "power_basis": power_basis,
        "base_compute_flops": compute_flops(base, precision, sparse)[0],
        "other_compute_flops": compute_flops(other, precision, sparse)[0],
        "base_amount": base_amount,
        "other_amount": other_amount,
        "amount_column": column,
        "units_ratio": units,
        "chips_ratio": ratio("chips", b["chips"], o["chips"]),
        "cabinets_ratio": ratio("cabinets", b["cabinets"], o["cabinets"]),
        "compute_cabinets_ratio": ratio(
            "compute cabinets", b["compute_cabinets"], o["compute_cabinets"]
        ),
        "power_ratio": ratio(f"{power_basis} power", base_power, other_power),
        "floor_area_ratio": ratio("floor area", b["floor_area_m2"], o["floor_area_m2"]),
        "cost_ratio": ratio("price", mid(base_price), mid(other_price)),
        "missing": missing,
        "inputs": _inputs(
            base, other, column, base_how, other_how, power_basis, base_power_how, other_power_how
        ),
    }
    return record


def _inputs(
    base: Unit,
    other: Unit,
    column: str,
    base_how: str,
    other_how: str,
    power_basis: str,
    base_power_how: str,
    other_power_how: str,
) -> list[dict[str, Any]]:
    power_col = {"it": "it_power_kw", "all-in": "all_in_power_kw"}[power_basis]
    out = []
    for unit, how, power_how in (
        (base, base_how, base_power_how),
        (other, other_how, other_power_how),
    ):
        for name in (
            column,
            "chip_count",
            "cabinets_total",
            "cabinets_compute",
            "floor_area_m2",
            power_col,
            "tdp_w",
            "price_usd_low",
            "price_usd_high",
        ):
            if name not in unit.values and not (name == column and unit.kind == "system"):
                continue
            value = unit.get(name)
            note = how if name == column else (power_how if name in (power_col, "tdp_w") else "")
            if value is None and name == column and unit.chip is not None:
                src = unit.chip.get("_sources", {}).get(column) or unit.chip.get("_row_source")
            else:
                src = unit.source(name)
            out.append(
                {
                    "unit": unit.id,
                    "field": name,
                    "value": value,
                    "how": note,
                    "source_url": (src or {}).get("source_url"),
                    "evidence_type": (src or {}).get("evidence_type"),
                    "confidence": (src or {}).get("confidence"),
                }
            )
    return out


def _possible(unit: Unit) -> str:
    """Which comparisons the unit's published figures allow."""
    precisions = [p for p in PRECISIONS if compute_flops(unit, p)[0] is not None]
    sparse = [p for p in PRECISIONS if compute_flops(unit, p, True)[0] is not None]
    memory = [
        b
        for b in ("memory-bandwidth", "memory-capacity")
        if amount(unit, b, "bf16", False)[0] is not None
    ]
    parts = []
    if precisions:
        parts.append(f"dense compute at {', '.join(precisions)}")
    if sparse:
        parts.append(f"sparse compute at {', '.join(sparse)}")
    parts.extend(memory)
    return (
        ("comparisons possible for it: " + "; ".join(parts))
        if parts
        else ("no comparison is possible for it with published figures")
    )


def classify(chip: Unit) -> dict[str, Any]:
    """TPP, performance density and the ECCN 3A090 paragraph a chip's parameters meet.

    TPP = 2 x MacTOPS x bit length = dense TOPS x bit length, the maximum over precisions
    (sparse figures excluded, as the rule requires). Performance density = TPP / die area.
    """
    per_precision = {}
    for precision in PRECISIONS:
        value, _ = compute_flops(chip, precision)
        if value is not None:
            per_precision[precision] = value / 1e12 * BITS[precision]
    if not per_precision:
        raise MissingFigure(f"no dense throughput is published for {chip.id}")
    # on a tie, name the tensor precision most people quote (fp8, then bf16 ...)
    preference = ("fp8", "bf16", "fp16", "int8", "fp4", "tf32", "fp32", "fp64")
    best = max(per_precision, key=lambda p: (per_precision[p], -preference.index(p)))
    tpp = per_precision[best]
    area = chip.get("die_area_mm2")
    density = tpp / float(area) if area else None
    if tpp >= TPP_A:
        eccn, why = "3A090.a", f"TPP {tpp:.0f} >= {TPP_A:.0f} (3A090.a.1)"
    elif density is None:
        eccn = "undetermined" if tpp >= TPP_A2 else "none"
        why = (
            "TPP between 1600 and 4800: the paragraph depends on performance density, "
            "and the die area is unpublished"
            if tpp >= TPP_A2
            else f"TPP {tpp:.0f} < {TPP_A2:.0f}: below every 3A090 threshold"
        )
    elif tpp >= TPP_A2 and density >= PD_A2:
        eccn, why = "3A090.a", f"TPP {tpp:.0f} >= 1600 and density {density:.2f} >= 5.92 (a.2)"
    elif TPP_B1_LOW <= tpp < TPP_A and PD_B1_LOW <= density < PD_A2:
        eccn, why = (
            "3A090.b",
            (f"TPP {tpp:.0f} in [2400, 4800) and density {density:.2f} in [1.6, 5.92) (b.1)"),
        )
    elif tpp >= TPP_A2 and PD_B2_LOW <= density < PD_A2:
        eccn, why = (
            "3A090.b",
            (f"TPP {tpp:.0f} >= 1600 and density {density:.2f} in [3.2, 5.92) (b.2)"),
        )
    else:
        eccn, why = "none", (f"TPP {tpp:.0f} and density {density:.2f} meet no 3A090 paragraph")
    return {
        "chip": chip.id,
        "tpp": round(tpp, 1),
        "tpp_precision": best,
        "tpp_by_precision": {p: round(v, 1) for p, v in per_precision.items()},
        "die_area_mm2": area,
        "performance_density": None if density is None else round(density, 3),
        "eccn": eccn,
        "reason": why,
        "thresholds": {
            "3A090.a.1": "TPP >= 4800",
            "3A090.a.2": "TPP >= 1600 and performance density >= 5.92",
            "3A090.b.1": "2400 <= TPP < 4800 and 1.6 <= performance density < 5.92",
            "3A090.b.2": "TPP >= 1600 and 3.2 <= performance density < 5.92",
        },
        "rule": "ECCN 3A090 as amended by the BIS interim final rule of 2023-10-17 "
        "(88 FR 73458, published 2023-10-25)",
        "rule_source": ECCN_SOURCE,
        "is_us_export_controlled": chip.get("is_us_export_controlled"),
        "export_controlled_since_date": chip.get("export_controlled_since_date"),
    }
