"""Malformed upstream files for every import kind, written into a test's folder.

Each :class:`FileCase` names the import kind, a file the generator writes, the expectation
(``fail`` or ``accept``) and, for failures, a piece of the message that must name the
problem. The valid base files are tiny synthetic tables in the real upstream layouts (test
fixtures, not facts).
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import upstream

FAIL, ACCEPT = "fail", "accept"


@dataclass(frozen=True)
class FileCase:
    id: str
    kind: str
    write: Callable[[Path], Path]  # folder -> the path to import
    expect: str
    needle: str = ""  # a piece of the error message (lowercase match)


def _csv(header: list[str], rows: list[list[str]], crlf: bool = False) -> bytes:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n" if crlf else "\n").writerows([header, *rows])
    return buf.getvalue().encode("utf-8")


# ---- valid bases in each layout --------------------------------------------------------

HARDWARE_HEADER = [
    "Hardware name",
    "Manufacturer",
    "Type",
    "Release date",
    "Release price (USD)",
    "Tensor-FP16/BF16 performance (FLOP/s)",
    "FP8 performance (FLOP/s)",
    "Memory (bytes)",
    "Memory bandwidth (byte/s)",
    "TDP (W)",
    "FP64 (double precision) performance (FLOP/s)",
    "FP32 (single precision) performance (FLOP/s)",
    "TF32 (TensorFloat-32) performance (FLOP/s)",
    "FP16 (half precision) performance (FLOP/s)",
    "INT8 performance (OP/s)",
]
HARDWARE_ROWS = [
    [
        *("Test GPU A", "Testco", "GPU", "2023-05", "1000", "1e15", "2e15", "8e10", "3e12"),
        *("700", "6e13", "6e13", "5e14", "1e15", "2e15"),
    ],
    [
        *("Test GPU B", "Testco", "GPU", "2024", "", "2e15", "", "1.4e11", "8e12", "1000"),
        *("", "", "", "", ""),
    ],
]
CLUSTER_HEADER = [
    "Name",
    "Status",
    "Certainty",
    "Country",
    "Owner",
    "First Operational Date",
    "H100 equivalents",
    "Chip type (primary)",
    "Chip quantity (primary)",
    "Power Capacity (MW)",
]
CLUSTER_ROWS = [
    [
        *("Test Cluster 1", "Existing", "Confirmed", "United States of America", "Testco"),
        *("2024-01-01", "1000", "Test GPU A", "1000", "1.5"),
    ],
    ["Test Cluster 2", "Planned", "Likely", "China", "Other Co", "2025", "2000", "", "", ""],
]
ECI_HEADER = ["Model version", "Release date", "Organization", "Country", "ECI Score"]
ECI_ROWS = [
    ["test-model-a", "2025-01-01", "OpenAI", "United States of America", "140.5"],
    ["test-model-b", "2025-06-01", "DeepSeek", "China", "138.25"],
]
GPQA_HEADER = [*ECI_HEADER[:4], "mean_score", "stderr"]
GPQA_ROWS = [
    ["test-model-a", "2025-01-01", "OpenAI", "United States of America", "0.71", "0.02"],
    ["test-model-b", "2025-06-01", "DeepSeek", "China", "0.65", ""],
]
LMARENA_CSV_HEADER = ["rank", "model", "arena_score", "95_pct_ci", "votes", "organization"]
LMARENA_CSV_ROWS = [
    ["1", "test-model-a", "1300.5", "+3/-3", "1000", "OpenAI"],
    ["2", "test-model-b", "1290", "+4/-4", "900", "DeepSeek"],
]
OPENROUTER_MODEL = {
    "id": "testco/test-model-a",
    "name": "Testco: Test Model A",
    "created": 1735257600,
    "context_length": 131072,
    "architecture": {"input_modalities": ["text"], "output_modalities": ["text"]},
    "pricing": {"prompt": "0.00000027", "completion": "0.0000011"},
}
LMARENA_DOC = {
    "full": {
        "test-model-a": {"rating": 1300.5, "rating_q975": 1304.0, "rating_q025": 1297.0},
        "test-model-b": {"rating": 1290.0},
    },
    "coding": {"test-model-a": {"rating": 1310.0}},
}
META_DOC = [{"name": "Test Model A", "model_api_name": "test-model-a", "organization": "Testco"}]

CSV_KINDS: dict[str, tuple[str, list[str], list[list[str]]]] = {
    "epoch-models": (
        "notable_ai_models.csv",
        upstream.EPOCH_MODEL_HEADER,
        upstream.EPOCH_MODEL_ROWS,
    ),
    "epoch-hardware": ("ml_hardware.csv", HARDWARE_HEADER, HARDWARE_ROWS),
    "epoch-clusters": ("gpu_clusters.csv", CLUSTER_HEADER, CLUSTER_ROWS),
    "epoch-eci": ("epoch_capabilities_index.csv", ECI_HEADER, ECI_ROWS),
    "lmarena": ("lmarena_text_2025-08-04.csv", LMARENA_CSV_HEADER, LMARENA_CSV_ROWS),
}
# A numeric column of each CSV layout (where number mutations go) and a text column.
NUMBER_COLUMN = {
    "epoch-models": "Training compute (FLOP)",
    "epoch-hardware": "TDP (W)",
    "epoch-clusters": "H100 equivalents",
    "epoch-eci": "ECI Score",
    "lmarena": "arena_score",
}
DATE_COLUMN = {
    "epoch-models": "Publication date",
    "epoch-hardware": "Release date",
    "epoch-clusters": "First Operational Date",
    "epoch-eci": "Release date",
}
NAME_COLUMN = {
    "epoch-models": "Model",
    "epoch-hardware": "Hardware name",
    "epoch-clusters": "Name",
    "epoch-eci": "Model version",
    "lmarena": "model",
}


def _writer(name: str, data: bytes) -> Callable[[Path], Path]:
    def write(folder: Path) -> Path:
        path = folder / name
        path.write_bytes(data)
        return path

    return write


def _set(rows: list[list[str]], header: list[str], column: str, value: str) -> list[list[str]]:
    i = header.index(column)
    out = [list(r) for r in rows]
    out[0][i] = value
    return out


def _csv_cases(kind: str) -> list[FileCase]:
    name, header, rows = CSV_KINDS[kind]
    good = _csv(header, rows)
    num = NUMBER_COLUMN[kind]
    cases = [
        FileCase(f"{kind}-valid", kind, _writer(name, good), ACCEPT),
        FileCase(
            f"{kind}-bom-crlf",
            kind,
            _writer(name, b"\xef\xbb\xbf" + _csv(header, rows, crlf=True)),
            ACCEPT,
        ),
        FileCase(f"{kind}-empty", kind, _writer(name, b""), FAIL, "empty"),
        FileCase(f"{kind}-header-only", kind, _writer(name, _csv(header, [])), FAIL, "no data"),
        FileCase(
            f"{kind}-duplicate-header",
            kind,
            _writer(name, _csv([*header, num], [[*r, "1"] for r in rows])),
            FAIL,
            "more than once",
        ),
        FileCase(
            f"{kind}-missing-column",
            kind,
            _writer(name, _csv([h for h in header if h != num], [r[:-1] for r in rows])),
            FAIL,
            "missing",
        ),
        FileCase(
            f"{kind}-extra-cell",
            kind,
            _writer(name, _csv(header, [[*rows[0], "extra"], *rows[1:]])),
            FAIL,
            "cells",
        ),
        FileCase(
            f"{kind}-cut-mid-row",
            kind,
            _writer(name, good[: good.rindex(b",")]),  # the last row loses its last cell
            FAIL,
            "cells",
        ),
        FileCase(
            f"{kind}-open-quote",
            kind,
            _writer(name, good + b'"unterminated,\n'),
            FAIL,
            "",
        ),
        FileCase(
            f"{kind}-latin1",
            kind,
            _writer(name, good.replace(b"Test", "Tést".encode("latin-1"), 1) + b"\xe9\n"),
            FAIL,
            "utf-8",
        ),
        FileCase(f"{kind}-binary", kind, _writer(name, bytes(range(256)) * 8), FAIL, ""),
    ]
    for label, value in (
        ("1e400", "1e400"),
        ("inf", "inf"),
        ("minus-inf", "-inf"),
        ("nan", "nan"),
        ("NaN", "NaN"),
        ("underscore", "1_000"),
        ("hex", "0x10"),
        ("arabic-digits", "١٢٣"),
        ("words", "about 5"),
        ("comma", "1,000"),
    ):
        cases.append(
            FileCase(
                f"{kind}-number-{label}",
                kind,
                _writer(name, _csv(header, _set(rows, header, num, value))),
                FAIL,
                num.lower()[:12],
            )
        )
    if kind in DATE_COLUMN:
        for label, value in (("month-13", "2024-13-01"), ("words", "yesterday")):
            cases.append(
                FileCase(
                    f"{kind}-date-{label}",
                    kind,
                    _writer(name, _csv(header, _set(rows, header, DATE_COLUMN[kind], value))),
                    FAIL,
                    "date",
                )
            )
    for label, value in (
        ("formula", "=cmd|' /C calc'!A0"),
        ("escape", "\x1b[31mred\x1b[0m\x07 model"),
        ("markup", "[bold]x[/nope]"),
        ("long", "x" * 200_000),
    ):
        cases.append(
            FileCase(
                f"{kind}-name-{label}",
                kind,
                _writer(name, _csv(header, _set(rows, header, NAME_COLUMN[kind], value))),
                ACCEPT,
            )
        )
    return cases


def _json_writer(name: str, doc: object) -> Callable[[Path], Path]:
    return _writer(name, json.dumps(doc).encode("utf-8"))


def _openrouter(**changes: object) -> dict[str, object]:
    model = {**OPENROUTER_MODEL, **changes}
    return {"data": [model, {**OPENROUTER_MODEL, "id": "testco/test-model-b", "name": "B"}]}


def _openrouter_cases() -> list[FileCase]:
    name, kind = "openrouter_models.json", "openrouter"
    bad: list[tuple[str, object, str]] = [
        ("created-1e20", _openrouter(created=1e20), "created"),
        ("created-text", _openrouter(created="2024-01-01"), "created"),
        ("created-bool", _openrouter(created=True), "created"),
        ("created-negative", _openrouter(created=-5), "created"),
        ("pricing-list", _openrouter(pricing=["0.1"]), "pricing"),
        ("price-text", _openrouter(pricing={"prompt": "abc"}), "pricing.prompt"),
        ("price-inf", _openrouter(pricing={"prompt": "inf"}), "pricing.prompt"),
        ("price-object", _openrouter(pricing={"prompt": {"usd": 1}}), "pricing.prompt"),
        ("context-text", _openrouter(context_length="big"), "context_length"),
        ("context-huge", _openrouter(context_length=10**30), "context_length"),
        ("architecture-text", _openrouter(architecture="text"), "architecture"),
        ("modalities-numbers", _openrouter(architecture={"input_modalities": [1]}), "modal"),
        ("id-number", _openrouter(id=5), "id"),
        ("name-null", _openrouter(name=None), "name"),
        ("hf-id-list", _openrouter(hugging_face_id=["x"]), "hugging_face_id"),
        ("data-object", {"data": {}}, "data"),
        ("data-empty", {"data": []}, "no data"),
        ("top-level-list", [OPENROUTER_MODEL], "data"),
        ("entry-string", {"data": ["x"]}, "not an object"),
        ("missing-created", {"data": [{"id": "a/b", "name": "B"}]}, "created"),
    ]
    cases = [FileCase(f"openrouter-{i}", kind, _json_writer(name, d), FAIL, n) for i, d, n in bad]
    good = json.dumps(_openrouter()).encode()
    cases += [
        FileCase("openrouter-valid", kind, _writer(name, good), ACCEPT),
        FileCase(
            "openrouter-variable-price",
            kind,
            _json_writer(name, _openrouter(pricing={"prompt": "-1", "completion": "-1"})),
            ACCEPT,
        ),
        FileCase(
            "openrouter-extra-keys", kind, _json_writer(name, _openrouter(extra={"a": 1})), ACCEPT
        ),
        FileCase("openrouter-truncated", kind, _writer(name, good[:-20]), FAIL, "json"),
        FileCase(
            "openrouter-nan-literal",
            kind,
            _writer(name, good.replace(b"1735257600", b"NaN", 1)),
            FAIL,
            "json",
        ),
        FileCase(
            "openrouter-1e400-literal",
            kind,
            _writer(name, good.replace(b"1735257600", b"1e400", 1)),
            FAIL,
            "finite",
        ),
        FileCase(
            "openrouter-deep-nesting",
            kind,
            _writer(name, b'{"data": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"),
            FAIL,
            "json",
        ),
        FileCase("openrouter-empty", kind, _writer(name, b""), FAIL, ""),
        FileCase("openrouter-html", kind, _writer(name, b"<html>down</html>"), FAIL, ""),
    ]
    return cases


def _lmarena_cases() -> list[FileCase]:
    kind, name = "lmarena", "leaderboard-text.json"

    def doc(entry: object) -> dict[str, object]:
        return {"full": {"test-model-a": entry, "test-model-b": {"rating": 1290.0}}}

    bad: list[tuple[str, object, str]] = [
        ("rating-text", doc({"rating": "1200"}), "rating"),
        ("rating-bool", doc({"rating": True}), "rating"),
        ("rating-null", doc({"rating": None}), "rating"),
        ("bound-text", doc({"rating": 1200, "rating_q025": "x"}), "rating_q025"),
        ("entry-list", doc([1200]), "rating"),
        ("category-list", {"full": [1, 2]}, "full"),
        ("no-full", {"coding": LMARENA_DOC["coding"]}, "full"),
        ("full-empty", {"full": {}}, "no data"),
        ("top-level-number", 5, "layout"),
        ("meta-name-number", [{"model_api_name": "a", "name": 5}], "name"),
        ("meta-api-name-null", [{"model_api_name": None}], "model_api_name"),
        ("meta-api-name-empty", [{"model_api_name": "  "}], "model_api_name"),
        ("meta-entry-string", ["a"], "model_api_name"),
        ("meta-empty", [], "no data"),
    ]
    cases = [FileCase(f"lmarena-{i}", kind, _json_writer(name, d), FAIL, n) for i, d, n in bad]
    cases += [
        FileCase("lmarena-json-valid", kind, _json_writer(name, LMARENA_DOC), ACCEPT),
        FileCase(
            "lmarena-meta-valid", kind, _json_writer("scatterplot-data.json", META_DOC), ACCEPT
        ),
        FileCase(
            "lmarena-rating-1e400",
            kind,
            _writer(name, json.dumps(LMARENA_DOC).replace("1290.0", "1e400").encode()),
            FAIL,
            "finite",
        ),
        FileCase(
            "lmarena-rating-infinity",
            kind,
            _writer(name, json.dumps(LMARENA_DOC).replace("1290.0", "Infinity").encode()),
            FAIL,
            "json",
        ),
        FileCase(
            "lmarena-bad-date-in-name",
            kind,
            _writer("lmarena_text_2025-13-45.csv", _csv(LMARENA_CSV_HEADER, LMARENA_CSV_ROWS)),
            ACCEPT,
        ),
    ]
    return cases


def _zip(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return buf.getvalue()


# A zip member expanding past this size is a bomb in the corpus; the test lowers the
# importer's limit to it so the corpus stays small and fast.
TEST_MEMBER_LIMIT = 1 << 20


def _benchmark_cases() -> list[FileCase]:
    kind, name = "epoch-benchmarks", "benchmark_data.zip"
    good = _csv(GPQA_HEADER, GPQA_ROWS)
    percent_over = _csv(GPQA_HEADER, _set(GPQA_ROWS, GPQA_HEADER, "mean_score", "1.5"))
    inf_score = _csv(GPQA_HEADER, _set(GPQA_ROWS, GPQA_HEADER, "mean_score", "inf"))
    bomb = b"0" * (TEST_MEMBER_LIMIT * 3)

    def folder_with(members: dict[str, bytes]) -> Callable[[Path], Path]:
        def write(base: Path) -> Path:
            target = base / "benchmark_folder"
            target.mkdir()
            for member, data in members.items():
                (target / member).write_bytes(data)
            return target

        return write

    return [
        FileCase(
            "benchmarks-valid-zip", kind, _writer(name, _zip({"gpqa_diamond.csv": good})), ACCEPT
        ),
        FileCase("benchmarks-valid-folder", kind, folder_with({"gpqa_diamond.csv": good}), ACCEPT),
        FileCase("benchmarks-not-zip", kind, _writer(name, b"PK\x03\x04 garbage"), FAIL, "zip"),
        FileCase("benchmarks-empty-zip", kind, _writer(name, _zip({})), FAIL, "no benchmarking"),
        FileCase(
            "benchmarks-unknown-only",
            kind,
            _writer(name, _zip({"readme.csv": b"a,b\n1,2\n"})),
            FAIL,
            "no benchmarking",
        ),
        FileCase(
            "benchmarks-zip-bomb",
            kind,
            _writer(name, _zip({"gpqa_diamond.csv": bomb})),
            FAIL,
            "limit",
        ),
        FileCase(
            "benchmarks-percent-over-100",
            kind,
            _writer(name, _zip({"gpqa_diamond.csv": percent_over})),
            FAIL,
            "maximum",
        ),
        FileCase(
            "benchmarks-inf-score",
            kind,
            _writer(name, _zip({"gpqa_diamond.csv": inf_score})),
            FAIL,
            "mean_score",
        ),
        FileCase(
            "benchmarks-header-only",
            kind,
            _writer(name, _zip({"gpqa_diamond.csv": _csv(GPQA_HEADER, [])})),
            FAIL,
            "no data",
        ),
        FileCase(
            "benchmarks-cut-zip",
            kind,
            _writer(name, _zip({"gpqa_diamond.csv": good})[:-30]),
            FAIL,
            "zip",
        ),
    ]


def _path_cases() -> list[FileCase]:
    def missing(folder: Path) -> Path:
        return folder / "nope.csv"

    def a_folder(folder: Path) -> Path:
        target = folder / "notable_ai_models.csv"
        target.mkdir()
        return target

    def fifo(folder: Path) -> Path:
        import os

        target = folder / "notable_ai_models.csv"
        os.mkfifo(target)
        return target

    def unknown_name(folder: Path) -> Path:
        path = folder / "models.csv"
        path.write_bytes(_csv(upstream.EPOCH_MODEL_HEADER, upstream.EPOCH_MODEL_ROWS))
        return path

    return [
        FileCase("path-missing", "epoch-models", missing, FAIL, "not found"),
        FileCase("path-folder", "epoch-models", a_folder, FAIL, "folder"),
        FileCase("path-fifo", "epoch-models", fifo, FAIL, "regular file"),
        FileCase("path-unknown-variant", "epoch-models", unknown_name, FAIL, "--variant"),
    ]


def file_cases() -> list[FileCase]:
    """Every file case of the corpus."""
    cases: list[FileCase] = []
    for kind in CSV_KINDS:
        cases += _csv_cases(kind)
    return cases + _openrouter_cases() + _lmarena_cases() + _benchmark_cases() + _path_cases()
