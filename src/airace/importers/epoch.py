"""Epoch AI datasets: AI models, ML hardware, GPU clusters, the Benchmarking Hub and ECI.

Specs follow Epoch's CSV exports as published at epoch.ai (CC BY 4.0); see the READMEs of
the copies in ../shared/data/epoch for the column lists these specs were checked against.
"""

from __future__ import annotations

import io
import json
import zipfile
import zlib
from pathlib import Path
from typing import Any

from airace.errors import AiraceError
from airace.importers.crosswalk import Crosswalk
from airace.importers.parsed import Parsed
from airace.importers.spec import Column, CsvSpec, read_csv, zip_members

MODELS_SPEC = CsvSpec(
    "Epoch AI models",
    (
        Column("Model", "model_name"),
        Column("Organization", "organization"),
        Column("Publication date", "release_date", "date"),
        Column("Country (of organization)", "country_raw"),
        Column("Domain", "domain"),
        Column("Parameters", "parameters", "float", low=0, high=1e16),
        Column("Training compute (FLOP)", "training_compute_flop", "float", low=0, high=1e32),
        Column("Model accessibility", "accessibility"),
        Column("Link", "link"),
        Column("Confidence", "confidence", required=False),
        Column(
            "Open model weights?",
            "open_weights_raw",
            "bool",
            required=False,
            true_values=("yes", "true"),
            false_values=("no", "false"),
        ),
    ),
)

HARDWARE_SPEC = CsvSpec(
    "Epoch AI ML hardware",
    (
        Column("Hardware name", "hardware_name"),
        Column("Manufacturer", "manufacturer"),
        Column("Type", "hardware_type"),
        Column("Release date", "release_date", "date", formats=("%Y-%m-%d", "%Y-%m", "%Y")),
        Column("Release price (USD)", "price_usd", "float", low=0),
        Column("Tensor-FP16/BF16 performance (FLOP/s)", "dense_bf16_flops", "float"),
        Column("FP8 performance (FLOP/s)", "dense_fp8_flops", "float"),
        Column("FP4 performance (FLOP/s)", "dense_fp4_flops", "float", required=False),
        Column("Memory (bytes)", "hbm_capacity_gb", "float", scale=1e-9),
        Column("Memory bandwidth (byte/s)", "hbm_bandwidth_tb_s", "float", scale=1e-12),
        Column(
            "Intranode bandwidth (byte/s)",
            "scaleup_bandwidth_gb_s",
            "float",
            scale=1e-9,
            required=False,
        ),
        Column("TDP (W)", "tdp_w", "float", low=0),
        Column("FP64 (double precision) performance (FLOP/s)", "dense_fp64_flops", "float"),
        Column("FP32 (single precision) performance (FLOP/s)", "dense_fp32_flops", "float"),
        Column("TF32 (TensorFloat-32) performance (FLOP/s)", "dense_tf32_flops", "float"),
        Column("FP16 (half precision) performance (FLOP/s)", "dense_fp16_flops", "float"),
        Column("INT8 performance (OP/s)", "dense_int8_ops", "float"),
        Column("Foundry", "foundry", required=False),
        Column("Die Size (mm^2)", "die_area_mm2", "float", required=False),
        Column("Process size (nm)", "process_nm", "float", required=False),
        Column(
            "Transistors (millions)", "transistors_billion", "float", scale=1e-3, required=False
        ),
        Column("Total processing performance (bit-OP/s)", "tpp_bit_ops", "float", required=False),
        Column("Link to datasheet", "link", required=False),
        Column("Source for the price", "price_source", required=False),
    ),
)

CLUSTERS_SPEC = CsvSpec(
    "Epoch AI GPU clusters",
    (
        Column("Name", "name"),
        Column("Status", "status"),
        Column("Certainty", "certainty"),
        Column("Country", "country_raw"),
        Column("Owner", "owner"),
        Column(
            "First Operational Date",
            "first_operational_date",
            "date",
            formats=("%Y-%m-%d", "%Y-%m", "%Y"),
        ),
        Column("H100 equivalents", "h100_equivalents", "float", low=0),
        Column("Chip type (primary)", "chip_type"),
        Column("Chip quantity (primary)", "chip_quantity", "float", low=0),
        Column("Power Capacity (MW)", "power_capacity_mw", "float", low=0),
        Column("Hardware Cost", "hardware_cost_usd", "float", required=False),
        Column("Single cluster?", "single_cluster", required=False),
        Column("Sector", "sector", required=False),
        Column(
            "Include in Standard Analysis",
            "in_standard_analysis",
            "bool",
            required=False,
            true_values=("true", "yes"),
            false_values=("false", "no"),
        ),
        Column("Possible Duplicate", "possible_duplicate", required=False),
        Column(
            "Decommissioned Date (if applicable)",
            "decommissioned_date",
            "date",
            required=False,
            formats=("%Y-%m-%d", "%Y-%m", "%Y"),
        ),
    ),
)

_COMMON = (
    Column("Model version", "external_id"),
    Column("Release date", "release_date", "date"),
    Column("Organization", "organization"),
    Column("Country", "country_raw"),
    Column(
        "Training compute (FLOP)",
        "training_compute_flop",
        "float",
        required=False,
        low=0,
        high=1e32,
    ),
)

ECI_SPEC = CsvSpec(
    "Epoch Capabilities Index",
    (
        *_COMMON,
        Column("ECI Score", "score", "float"),
        Column("Model accessibility", "accessibility", required=False),
        Column("Model name", "model_name", required=False),
        Column("Display name", "display_name", required=False),
        Column("Confidence", "confidence", required=False),
    ),
)

# Benchmarking Hub files: file stem -> (score column, multiplier to the stored scale, unit).
# Epoch's own runs and most external files give fractions; we store percent.
BENCHMARK_SCORES: dict[str, tuple[str, float, str]] = {
    "adversarial_nli_external": ("Score", 100, "percent"),
    "aider_polyglot_external": ("Percent correct", 1, "percent"),
    "apex_agents_external": ("Pass@1 score", 100, "percent"),
    "arc_agi_2_external": ("Score", 100, "percent"),
    "arc_agi_external": ("Score", 100, "percent"),
    "arc_ai2_external": ("Challenge score", 100, "percent"),
    "balrog_external": ("Average progress", 100, "percent"),
    "bbh_external": ("Average", 100, "percent"),
    "bool_q_external": ("Score", 100, "percent"),
    "cad_eval_external": ("Overall pass (%)", 100, "percent"),
    "chess_puzzles": ("mean_score", 100, "percent"),
    "common_sense_qa_2_external": ("Score", 100, "percent"),
    "cybench_external": ("Unguided % Solved", 100, "percent"),
    "deepresearchbench_external": ("Average score", 100, "percent"),
    "epoch_capabilities_index": ("ECI Score", 1, "ECI points"),
    "fictionlivebench_external": ("120k token score", 100, "percent"),
    "frontiermath": ("mean_score", 100, "percent"),
    "frontiermath_tier_4": ("mean_score", 100, "percent"),
    "gdpval_external": ("Win Rate (%)", 100, "percent"),
    "geobench_external": ("ACW Avg Score", 1, "points"),
    "gpqa_diamond": ("mean_score", 100, "percent"),
    "gsm8k_external": ("EM", 100, "percent"),
    "gso_external": ("Score OPT@1", 100, "percent"),
    "hella_swag_external": ("Overall accuracy", 100, "percent"),
    "hle_external": ("Accuracy", 100, "percent"),
    "lambada_external": ("Score", 100, "percent"),
    "lech_mazur_writing_external": ("Mean score", 1, "points (0-10)"),
    "live_bench_external": ("Global average", 1, "percent"),
    "math_level_5": ("mean_score", 100, "percent"),
    "metr_time_horizons_external": ("Time horizon", 1, "minutes"),
    "mmlu_external": ("EM", 100, "percent"),
    "open_book_qa_external": ("Accuracy", 100, "percent"),
    "os_world_external": ("Score", 1, "percent"),
    "otis_mock_aime_2024_2025": ("mean_score", 100, "percent"),
    "piqa_external": ("Score", 100, "percent"),
    "posttrainbench_external": ("Average (%)", 100, "percent"),
    "science_qa_external": ("Score", 100, "percent"),
    "simplebench_external": ("Score (AVG@5)", 100, "percent"),
    "simpleqa_verified": ("mean_score", 100, "percent"),
    "superglue_external": ("Score", 100, "percent"),
    "swe_bench_bash": ("% Resolved", 100, "percent"),
    "swe_bench_verified": ("mean_score", 100, "percent"),
    "terminalbench_external": ("Accuracy mean", 100, "percent"),
    "the_agent_company_external": ("% Score", 100, "percent"),
    "trivia_qa_external": ("EM", 100, "percent"),
    "video_mme_external": ("Overall (no subtitles)", 100, "percent"),
    "vpct_external": ("Correct", 100, "percent"),
    "webdev_arena_external": ("Arena Score", 1, "Elo"),
    "weirdml_external": ("Accuracy", 100, "percent"),
    "wino_grande_external": ("Accuracy", 100, "percent"),
}


def metric_name(stem: str) -> str:
    """Benchmark id used in airace: the file stem without Epoch's _external suffix."""
    if stem == "epoch_capabilities_index":
        return "eci"
    return stem.removesuffix("_external")


def benchmark_spec(stem: str) -> CsvSpec:
    score_col, factor, unit = BENCHMARK_SCORES[stem]
    low, high = (0.0, 100.0) if unit == "percent" else (None, None)
    columns = [*_COMMON, Column(score_col, "score", "float", scale=factor, low=low, high=high)]
    if stem != "epoch_capabilities_index":
        columns.append(Column("stderr", "stderr", "float", required=False, scale=factor))
    return CsvSpec(f"Epoch benchmark {stem}", tuple(columns))


def _open_weights(row: dict[str, Any]) -> bool | None:
    if row.get("open_weights_raw") is not None:
        return bool(row["open_weights_raw"])
    access = row.get("accessibility") or ""
    if not access:
        return None
    return access.startswith("Open weights")


def parse_models(data: bytes, label: str, variant: str, xw: Crosswalk) -> Parsed:
    rows, _ = read_csv(MODELS_SPEC, data, label)
    parsed = Parsed("epoch-models", variant, upstream_rows=len(rows))
    for row in rows:
        parsed.add(
            "ext_models",
            xw.resolve(
                {
                    **_base(row),
                    "source": variant,
                    "external_id": row["model_name"],
                    "is_open_weights": _open_weights(row),
                    "match_source": "epoch",
                    "match_names": [row["model_name"]],
                }
            ),
        )
    return parsed


def parse_hardware(data: bytes, label: str, xw: Crosswalk) -> Parsed:
    rows, _ = read_csv(HARDWARE_SPEC, data, label)
    parsed = Parsed("epoch-hardware", "epoch-hardware", upstream_rows=len(rows))
    for row in rows:
        parsed.add("ext_hardware", _base(row))
    return parsed


def parse_clusters(data: bytes, label: str, xw: Crosswalk) -> Parsed:
    rows, _ = read_csv(CLUSTERS_SPEC, data, label)
    parsed = Parsed("epoch-clusters", "epoch-clusters", upstream_rows=len(rows))
    from airace.importers.crosswalk import country_code, split_multi

    for row in rows:
        codes = [c for c in (country_code(p) for p in split_multi(row["country_raw"])) if c]
        parsed.add("ext_clusters", {**_base(row), "countries": codes})
    return parsed


def parse_eci(data: bytes, label: str, xw: Crosswalk) -> Parsed:
    parsed = Parsed("epoch-eci", "epoch-eci")
    _score_rows(parsed, ECI_SPEC, data, label, "eci", "ECI points", xw, "epoch-eci")
    return parsed


def _score_rows(
    parsed: Parsed,
    spec: CsvSpec,
    data: bytes,
    label: str,
    metric: str,
    unit: str,
    xw: Crosswalk,
    source: str,
) -> None:
    rows, _ = read_csv(spec, data, label)
    parsed.upstream_rows += len(rows)
    for row in rows:
        version = row["external_id"] or ""
        names = [n for n in (version, row.get("model_name"), version.split("_")[0]) if n]
        parsed.add(
            "ext_scores",
            xw.resolve(
                {
                    **_base(row),
                    "source": source,
                    "metric": metric,
                    "score_unit": unit,
                    "model_name": row.get("model_name") or row["external_id"],
                    "match_source": "epoch",
                    "match_names": names,
                }
            ),
        )


def benchmark_members(path: Path) -> list[tuple[str, bytes]]:
    """(file name, bytes) of every CSV in a Benchmarking Hub folder or zip."""
    if path.is_dir():
        return sorted((p.relative_to(path).as_posix(), p.read_bytes()) for p in path.rglob("*.csv"))
    try:
        with zipfile.ZipFile(io.BytesIO(path.read_bytes())) as archive:
            return sorted(zip_members(archive, lambda name: name.endswith(".csv"), str(path)))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, NotImplementedError, zlib.error):
        raise AiraceError(
            "not a zip archive or a folder of CSV files (truncated download?)", file=str(path)
        ) from None


def parse_benchmarks(members: list[tuple[str, bytes]], label: str, xw: Crosswalk) -> Parsed:
    parsed = Parsed("epoch-benchmarks", "epoch-benchmarks")
    known = 0
    for name, data in members:
        stem = Path(name).stem
        if stem not in BENCHMARK_SCORES:
            parsed.notes.append(
                f"skipped {name}: no spec for this file (not a benchmark "
                "table airace knows; add it to BENCHMARK_SCORES)"
            )
            continue
        known += 1
        _, _, unit = BENCHMARK_SCORES[stem]
        _score_rows(
            parsed,
            benchmark_spec(stem),
            data,
            f"{label}:{name}",
            metric_name(stem),
            unit,
            xw,
            "epoch-benchmarks",
        )
    if not known:
        raise AiraceError(
            "no Benchmarking Hub CSV found (expected files such as gpqa_diamond.csv)", file=label
        )
    return parsed


def _base(row: dict[str, Any]) -> dict[str, Any]:
    out = {k: v for k, v in row.items() if not k.startswith("_")}
    out["line"] = row["_line"]
    out["raw"] = json.dumps(row.get("_raw", {}), ensure_ascii=False)
    return out
