"""LMArena (Chatbot Arena) text leaderboard: JSON category files, model metadata, CSV tables.

Layouts recognised (see ../shared/data/lmarena/README.md):
- ``leaderboard-text*.json``: {category: {model key: {rating, rating_q975, rating_q025}}};
  a name containing "style-control" marks style-controlled scores.
- ``scatterplot-data.json``: a list of models with name, model_api_name and organization
  (joins to the keys above; the JSON leaderboards carry no organisation or date).
- CSV with rank, model, arena_score, ... organization (one leaderboard), optionally with a
  leading ``leaderboard_version`` column (a stacked history of leaderboards).
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from typing import Any

from airace.errors import AiraceError
from airace.importers.crosswalk import Crosswalk
from airace.importers.parsed import Parsed
from airace.importers.spec import Column, CsvSpec, decode, read_csv, read_json

CSV_SPEC = CsvSpec(
    "LMArena leaderboard CSV",
    (
        Column("model", "external_id"),
        Column("arena_score", "score", "float"),
        Column("organization", "organization"),
        Column("votes", "votes", "float", required=False),
        Column("95_pct_ci", "ci", required=False),
        Column("license", "license", required=False),
        Column("leaderboard_version", "evaluated_date", "date", required=False),
        Column("rank", "rank", "int", required=False),
    ),
)
DATE_IN_NAME = re.compile(r"(\d{4}-\d{2}-\d{2})")


def parse(data: bytes, label: str, xw: Crosswalk) -> Parsed:
    text = decode(data, "utf-8-sig", label)
    if label.lower().endswith(".csv") or text.lstrip()[:1] not in "{[":
        return _parse_csv(data, label, xw)
    doc = read_json(data, label)
    if isinstance(doc, list):
        return _parse_meta(doc, label, xw)
    if isinstance(doc, dict):
        return _parse_categories(doc, label, xw, style="style-control" in label.lower())
    raise AiraceError(
        "unexpected JSON layout: expected an object of categories or a list of models", file=label
    )


def _is_number(value: Any) -> bool:
    """A finite JSON number (``true`` is not a rating)."""
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _metric(category: str, style: bool) -> str:
    base = "lmarena-style" if style else "lmarena"
    return base if category == "full" else f"{base}:{category}"


def _parse_categories(doc: dict[str, Any], label: str, xw: Crosswalk, style: bool) -> Parsed:
    if "full" not in doc:
        raise AiraceError(
            "leaderboard JSON has no 'full' category (layout changed?)", file=label, field="full"
        )
    parsed = Parsed("lmarena", "lmarena")
    for category, models in doc.items():
        if not isinstance(models, dict):
            raise AiraceError("category is not an object of models", file=label, field=category)
        for key, entry in models.items():
            where = f"{category}/{key}"
            if not isinstance(entry, dict) or not _is_number(entry.get("rating")):
                raise AiraceError(
                    "entry has no numeric 'rating'", file=label, row=where, field="rating"
                )
            for bound in ("rating_q025", "rating_q975"):
                if entry.get(bound) is not None and not _is_number(entry[bound]):
                    raise AiraceError(
                        f"{entry[bound]!r} is not a number", file=label, row=where, field=bound
                    )
            parsed.upstream_rows += 1
            row = {
                "source": "lmarena",
                "metric": _metric(category, style),
                "score_unit": "Arena rating",
                "line": parsed.upstream_rows,
                "external_id": key,
                "model_name": key,
                "score": float(entry["rating"]),
                "score_low": entry.get("rating_q025"),
                "score_high": entry.get("rating_q975"),
                "match_source": "lmarena",
                "match_names": [key],
                "raw": json.dumps(entry),
            }
            parsed.add("ext_scores", xw.resolve(row, count=category == "full"))
    return parsed


def _parse_meta(doc: list[Any], label: str, xw: Crosswalk) -> Parsed:
    parsed = Parsed("lmarena", "lmarena-meta", upstream_rows=len(doc))
    for i, entry in enumerate(doc, start=1):
        if not isinstance(entry, dict) or "model_api_name" not in entry:
            raise AiraceError(
                "entry has no 'model_api_name' (layout changed?)",
                file=label,
                row=f"item {i}",
                field="model_api_name",
            )
        for key in ("model_api_name", "name", "organization", "license", "model_source"):
            value = entry.get(key)
            if value is not None and not isinstance(value, str):
                raise AiraceError(
                    f"expected a string, got {type(value).__name__}",
                    file=label,
                    row=f"item {i}",
                    field=key,
                )
        if not isinstance(entry["model_api_name"], str) or not entry["model_api_name"].strip():
            raise AiraceError(
                "empty 'model_api_name'", file=label, row=f"item {i}", field="model_api_name"
            )
        parsed.add(
            "ext_models",
            xw.resolve(
                {
                    "source": "lmarena-meta",
                    "line": i,
                    "external_id": entry["model_api_name"],
                    "model_name": entry.get("name") or entry["model_api_name"],
                    "organization": entry.get("organization"),
                    "license": entry.get("license"),
                    "link": entry.get("model_source"),
                    "match_source": "lmarena",
                    "match_names": [n for n in (entry["model_api_name"], entry.get("name")) if n],
                    "raw": json.dumps(entry, ensure_ascii=False),
                }
            ),
        )
    return parsed


def _parse_csv(data: bytes, label: str, xw: Crosswalk) -> Parsed:
    rows, header = read_csv(CSV_SPEC, data, label)
    history = "leaderboard_version" in header
    parsed = Parsed("lmarena", "lmarena-history" if history else "lmarena", upstream_rows=len(rows))
    match = DATE_IN_NAME.search(label)
    try:
        file_date = dt.date.fromisoformat(match.group(1)) if match else None
    except ValueError:  # e.g. 2025-13-45 in a file name is not a date
        file_date = None
    for row in rows:
        parsed.add(
            "ext_scores",
            xw.resolve(
                {
                    "source": parsed.variant,
                    "metric": "lmarena",
                    "score_unit": "Arena rating",
                    "line": row["_line"],
                    "external_id": row["external_id"],
                    "model_name": row["external_id"],
                    "organization": row["organization"],
                    "score": row["score"],
                    "votes": row.get("votes"),
                    "rank": row.get("rank"),
                    "evaluated_date": row["evaluated_date"] or file_date,
                    "match_source": "lmarena",
                    "match_names": [row["external_id"]],
                    "raw": json.dumps(row.get("_raw", {}), ensure_ascii=False),
                }
            ),
        )
    return parsed
