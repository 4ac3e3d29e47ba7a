"""Chips and systems from the catalog as analysis Units, with per-field sources."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import pandas as pd

from airace.analysis.hardware import Unit
from airace.errors import AiraceError, suggest

if TYPE_CHECKING:
    from airace.service.data import CatalogData

PROVENANCE = ("source_url", "source_title", "evidence_type", "confidence", "notes")


def _clean(row: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in row.items():
        if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NaT:
            out[key] = None
        else:
            out[key] = value
    return out


def _field_sources(data: CatalogData, table: str) -> dict[str, dict[str, dict[str, Any]]]:
    frame = data.table("field_sources")
    frame = frame[frame["table"] == table]
    out: dict[str, dict[str, dict[str, Any]]] = {}
    for row in frame.to_dict(orient="records"):
        out.setdefault(row["row_id"], {}).setdefault(row["field"], {k: row[k] for k in PROVENANCE})
    return out


def load_units(data: CatalogData) -> dict[str, Unit]:
    """Every chip and system, keyed by id, with per-field sources."""
    chips = data.table("chips").to_dict(orient="records")
    systems = data.table("systems").to_dict(orient="records")
    chip_sources, system_sources = _field_sources(data, "chips"), _field_sources(data, "systems")
    units: dict[str, Unit] = {}
    chip_rows = {}
    for raw in chips:
        row = _clean(raw)
        sources = {"_row": {k: row[k] for k in PROVENANCE}, **chip_sources.get(row["chip_id"], {})}
        row["_sources"] = sources
        row["_row_source"] = sources["_row"]
        chip_rows[row["chip_id"]] = row
        units[row["chip_id"]] = Unit(row["chip_id"], "chip", row["chip_name"], row, sources)
    for raw in systems:
        row = _clean(raw)
        sources = {
            "_row": {k: row[k] for k in PROVENANCE},
            **system_sources.get(row["system_id"], {}),
        }
        units[row["system_id"]] = Unit(
            row["system_id"],
            "system",
            row["system_name"],
            row,
            sources,
            chip_rows.get(row["chip_id"]),
        )
    return units


def get_unit(units: dict[str, Unit], unit_id: str, kind: str | None = None) -> Unit:
    """One chip or system by id; an unknown id suggests close ones."""
    unit = units.get(unit_id)
    if unit is None or (kind and unit.kind != kind):
        known = sorted(k for k, u in units.items() if not kind or u.kind == kind)
        raise AiraceError(
            f"unknown {kind or 'chip or system'} id {unit_id!r}"
            f"{suggest(unit_id, known)}; see `airace hardware list`"
        )
    return unit


def reference_runs(data: CatalogData) -> pd.DataFrame:
    """Releases with a training-compute estimate, with the estimate's source."""
    return data.catalog.query(
        "SELECT r.model_id, r.model_name, r.training_compute_flop, f.source_url, "
        "f.confidence, f.evidence_type FROM releases r LEFT JOIN field_sources f "
        "ON f.\"table\" = 'releases' AND f.row_id = r.model_id "
        "AND f.field = 'training_compute_flop' "
        "WHERE r.training_compute_flop IS NOT NULL ORDER BY r.training_compute_flop DESC"
    )
