"""OpenRouter model catalogue: the ``GET /api/v1/models`` JSON ({"data": [models]}).

``created`` is when OpenRouter listed the model, not the lab's release date; analyses that
use it say so.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from airace.errors import AiraceError
from airace.importers.crosswalk import Crosswalk
from airace.importers.parsed import Parsed, Publisher
from airace.importers.spec import read_json

PUBLISHER = Publisher(
    "OpenRouter",
    "OpenRouter models API (/api/v1/models)",
    "https://openrouter.ai/models",
    "not stated by the publisher",
    "OpenRouter, https://openrouter.ai/api/v1/models",
)

REQUIRED = ("id", "name", "created")


def _price(pricing: dict[str, Any], key: str) -> float | None:
    value = pricing.get(key)
    try:
        return float(value) * 1e6 if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


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
        created = model["created"]
        if not isinstance(created, (int, float)):
            raise AiraceError(
                f"{created!r} is not a Unix timestamp",
                file=label,
                row=f"item {i} ({model['id']})",
                field="created",
            )
        vendor = str(model["id"]).split("/")[0].lstrip("~")
        arch = model.get("architecture") or {}
        pricing = model.get("pricing") or {}
        parsed.add(
            "ext_models",
            xw.resolve(
                {
                    "source": "openrouter",
                    "line": i,
                    "external_id": model["id"],
                    "model_name": model["name"],
                    "organization": vendor,
                    "release_date": dt.datetime.fromtimestamp(created, dt.UTC).date(),
                    "hugging_face_id": model.get("hugging_face_id") or None,
                    "context_length": model.get("context_length"),
                    "input_modalities": list(arch.get("input_modalities") or []),
                    "output_modalities": list(arch.get("output_modalities") or []),
                    "prompt_usd_per_mtok": _price(pricing, "prompt"),
                    "completion_usd_per_mtok": _price(pricing, "completion"),
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
