"""Tiny upstream files in the real layouts, written by the tests themselves."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

EPOCH_MODEL_HEADER = [
    "Model",
    "Organization",
    "Publication date",
    "Domain",
    "Task",
    "Parameters",
    "Training compute (FLOP)",
    "Confidence",
    "Link",
    "Country (of organization)",
    "Model accessibility",
    "Open model weights?",
]

EPOCH_MODEL_ROWS = [
    [
        "DeepSeek-V3",
        "DeepSeek",
        "2024-12-26",
        "Language",
        "Chat",
        "671000000000.0",
        "3.4e+24",
        "Confident",
        "https://example.org/v3",
        "China",
        "Open weights (unrestricted)",
        "Yes",
    ],
    [
        "GPT-4o",
        "OpenAI",
        "2024-05-13",
        "Multimodal,Language",
        "Chat",
        "",
        "3.8e+25",
        "Likely",
        "https://example.org/4o",
        "United States of America",
        "API access",
        "No",
    ],
    [
        "Joint Model",
        "Google DeepMind,Google Research,OpenAI",
        "2025-02-01",
        "Language",
        "Chat",
        "",
        "",
        "",
        "",
        "United States of America,United States of America",
        "",
        "",
    ],
    [
        "Mystery LM",
        "Unknown Lab Inc",
        "2025-03-01",
        "Language",
        "Chat",
        "",
        "",
        "",
        "",
        "China",
        "Unreleased",
        "",
    ],
]


def csv_bytes(header: list[str], rows: list[list[str]], bom: bool = False) -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    data = buf.getvalue().encode("utf-8")
    return b"\xef\xbb\xbf" + data if bom else data


def epoch_models(
    folder: Path,
    name: str = "notable_ai_models.csv",
    rows: list[list[str]] | None = None,
    bom: bool = True,
) -> Path:
    path = folder / name
    path.write_bytes(csv_bytes(EPOCH_MODEL_HEADER, rows or EPOCH_MODEL_ROWS, bom=bom))
    return path


def openrouter(folder: Path, models: list[dict[str, object]] | None = None) -> Path:
    path = folder / "openrouter_models.json"
    models = models or [
        {
            "id": "deepseek/deepseek-chat",
            "name": "DeepSeek: DeepSeek V3",
            "created": 1735257600,
            "architecture": {"input_modalities": ["text"], "output_modalities": ["text"]},
            "pricing": {"prompt": "0.00000027", "completion": "0.0000011"},
        },
        {
            "id": "openai/gpt-4o",
            "name": "OpenAI: GPT-4o",
            "created": 1715558400,
            "hugging_face_id": "",
            "pricing": {},
        },
    ]
    path.write_text(json.dumps({"data": models}), encoding="utf-8")
    return path


def lmarena_json(folder: Path) -> Path:
    path = folder / "leaderboard-text.json"
    doc = {
        "full": {
            "gpt-4o-2024-05-13": {"rating": 1285.0, "rating_q975": 1290.0, "rating_q025": 1280.0},
            "deepseek-v3": {"rating": 1318.5, "rating_q975": 1322.0, "rating_q025": 1314.0},
        },
        "coding": {"deepseek-v3": {"rating": 1330.0}},
    }
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path
