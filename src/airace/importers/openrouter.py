"""OpenRouter model catalogue: the ``GET /api/v1/models`` JSON ({"data": [models]}).

``created`` is when OpenRouter listed the model, not the lab's release date; analyses that
use it say so.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from typing import Any

from airace.errors import AiraceError
from airace.importers.crosswalk import Crosswalk
from airace.importers.parsed import Parsed
from airace.importers.spec import NUMBER, read_json

REQUIRED = ("id", "name", "created")
# Listing dates outside this range are not plausible (and 1e20 overflows a date).
FIRST_LISTING = 946684800  # 2000-01-01
LAST_LISTING = 4102444800  # 2100-01-01


def _price(pricing: dict[str, Any], key: str, label: str, row: str) -> float | None:
    """USD per million tokens from OpenRouter's USD-per-token string.

    A negative price is OpenRouter's marker for routers whose price varies (``-1``), so it
    is no price at all; text that is not a finite number is an error.
    """
    value = pricing.get(key)
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise AiraceError(f"{value!r} is not a price", file=label, row=row, field=f"pricing.{key}")
    text = str(value).strip()
    if not NUMBER.fullmatch(text) or not math.isfinite(float(text)):
        raise AiraceError(
            f"{value!r} is not a finite number", file=label, row=row, field=f"pricing.{key}"
        )
    number = float(text)
    return None if number < 0 else number * 1e6


def _object(model: dict[str, Any], key: str, label: str, row: str) -> dict[str, Any]:
    value = model.get(key)
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise AiraceError(
            f"expected an object, got {type(value).__name__}", file=label, row=row, field=key
        )
    return value


def _strings(arch: dict[str, Any], key: str, label: str, row: str) -> list[str]:
    value = arch.get(key)
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise AiraceError(
            "expected a list of strings", file=label, row=row, field=f"architecture.{key}"
        )
    return list(value)


def _created(model: dict[str, Any], label: str, row: str) -> dt.date:
    created = model["created"]
    if (
        isinstance(created, bool)
        or not isinstance(created, (int, float))
        or not math.isfinite(created)
        or not FIRST_LISTING <= created <= LAST_LISTING
    ):
        raise AiraceError(
            f"{created!r} is not a Unix timestamp between 2000 and 2100",
            file=label,
            row=row,
            field="created",
        )
    return dt.datetime.fromtimestamp(created, dt.UTC).date()


def _context_length(model: dict[str, Any], label: str, row: str) -> int | None:
    value = model.get("context_length")
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < 2**40:
        raise AiraceError(
            f"{value!r} is not a token count", file=label, row=row, field="context_length"
        )
    return value


def parse(data: bytes, label: str, xw: Crosswalk) -> Parsed:
    doc = read_json(data, label)
    if not isinstance(doc, dict) or not isinstance(doc.get("data"), list):
        raise AiraceError(
            "expected an object with a 'data' list of models", file=label, field="data"
        )
    parsed = Parsed("openrouter", "openrouter", upstream_rows=len(doc["data"]))
    for i, model in enumerate(doc["data"], start=1):
        if not isinstance(model, dict):
            raise AiraceError("model entry is not an object", file=label, row=f"item {i}")
        for key in REQUIRED:
            if key not in model:
                raise AiraceError(
                    "required key is missing (layout changed?)",
                    file=label,
                    row=f"item {i}",
                    field=key,
                )
        row = f"item {i} ({str(model['id'])[:80]})"
        for key in ("id", "name"):
            if not isinstance(model[key], str) or not model[key].strip():
                raise AiraceError("expected a non-empty string", file=label, row=row, field=key)
        hf_id = model.get("hugging_face_id")
        if hf_id is not None and not isinstance(hf_id, str):
            raise AiraceError("expected a string", file=label, row=row, field="hugging_face_id")
        released = _created(model, label, row)
        vendor = str(model["id"]).split("/")[0].lstrip("~")
        arch = _object(model, "architecture", label, row)
        pricing = _object(model, "pricing", label, row)
        parsed.add(
            "ext_models",
            xw.resolve(
                {
                    "source": "openrouter",
                    "line": i,
                    "external_id": model["id"],
                    "model_name": model["name"],
                    "organization": vendor,
                    "release_date": released,
                    "hugging_face_id": model.get("hugging_face_id") or None,
                    "context_length": _context_length(model, label, row),
                    "input_modalities": _strings(arch, "input_modalities", label, row),
                    "output_modalities": _strings(arch, "output_modalities", label, row),
                    "prompt_usd_per_mtok": _price(pricing, "prompt", label, row),
                    "completion_usd_per_mtok": _price(pricing, "completion", label, row),
                    "match_source": "openrouter",
                    "match_names": [
                        str(model["id"]),
                        str(model["id"]).split("/")[-1].split(":")[0],
                        str(model["name"]).split(": ", 1)[-1],
                    ],
                    "raw": json.dumps(model, ensure_ascii=False),
                }
            ),
        )
    return parsed
