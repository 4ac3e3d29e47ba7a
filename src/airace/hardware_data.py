"""Loading chips and systems from the catalog as analysis Units (the I/O edge)."""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

from airace.analysis.hardware import Unit
from airace.errors import AiraceError

PROVENANCE = ("source_url", "source_title", "evidence_type", "confidence", "notes")


def _clean(row: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in row.items():
        if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NaT:
            out[key] = None
        else:
            out[key] = value
    return out


def _field_sources(table: str) -> dict[str, dict[str, dict[str, Any]]]:
    from airace import catalog

    frame = catalog.query("SELECT * FROM field_sources WHERE \"table\" = ?", [table])
    out: dict[str, dict[str, dict[str, Any]]] = {}
    for row in frame.to_dict(orient="records"):
        out.setdefault(row["row_id"], {}).setdefault(row["field"], {
            k: row[k] for k in PROVENANCE})
    return out


def load_units() -> dict[str, Unit]:
    """Every chip and system, keyed by id, with per-field sources."""
    from airace import catalog

    chips = catalog.query("SELECT * FROM chips").to_dict(orient="records")
    systems = catalog.query("SELECT * FROM systems").to_dict(orient="records")
    chip_sources, system_sources = _field_sources("chips"), _field_sources("systems")
    units: dict[str, Unit] = {}
    chip_rows = {}
    for raw in chips:
        row = _clean(raw)
        sources = {"_row": {k: row[k] for k in PROVENANCE}, **chip_sources.get(row["chip_id"],
                                                                                {})}
        row["_sources"] = sources
        row["_row_source"] = sources["_row"]
        chip_rows[row["chip_id"]] = row
        units[row["chip_id"]] = Unit(row["chip_id"], "chip", row["chip_name"], row, sources)
    for raw in systems:
        row = _clean(raw)
        sources = {"_row": {k: row[k] for k in PROVENANCE},
                   **system_sources.get(row["system_id"], {})}
        units[row["system_id"]] = Unit(row["system_id"], "system", row["system_name"], row,
                                       sources, chip_rows.get(row["chip_id"]))
    return units


def get_unit(unit_id: str, units: dict[str, Unit] | None = None, kind: str | None = None
             ) -> Unit:
    from airace.api import suggest

    units = units or load_units()
    unit = units.get(unit_id)
    if unit is None or (kind and unit.kind != kind):
        known = sorted(k for k, u in units.items() if not kind or u.kind == kind)
        raise AiraceError(f"unknown {kind or 'chip or system'} id {unit_id!r}"
                          f"{suggest(unit_id, known)}; see `airace hardware list`")
    return unit


def reference_runs() -> pd.DataFrame:
    """Releases with a training-compute estimate, with the estimate's source."""
    from airace import catalog

    return catalog.query(
        "SELECT r.model_id, r.model_name, r.training_compute_flop, f.source_url, "
        "f.confidence, f.evidence_type FROM releases r LEFT JOIN field_sources f "
        "ON f.\"table\" = 'releases' AND f.row_id = r.model_id "
        "AND f.field = 'training_compute_flop' "
        "WHERE r.training_compute_flop IS NOT NULL ORDER BY r.training_compute_flop DESC")
