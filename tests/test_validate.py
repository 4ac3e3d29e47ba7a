"""`airace data validate` on the bundled data and on broken copies of it."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from airace.schema.validate import validate
from conftest import edit_csv, run_cli


def test_bundled_data_is_valid():
    problems = validate()
    assert problems == [], "\n".join(p.line() for p in problems[:20])


def test_cli_validate_passes_on_bundled_data():
    code, out, err = run_cli("data", "validate")
    assert code == 0, out + err
    assert "ok:" in err and "releases" in err


def first_release(rows):
    return next(r for r in rows if r["org_id"] == "deepseek")


def set_field(field, value, pick=first_release):
    def change(rows):
        pick(rows)[field] = value

    return change


CASES = [
    # (description, table, change, expected field, expected fragment)
    (
        "bad date",
        "releases",
        set_field("release_date", "2025-02-30"),
        "release_date",
        "not a real calendar date",
    ),
    ("bad enum", "releases", set_field("release_type", "flagship"), "release_type", "not one of"),
    (
        "bad bool",
        "releases",
        set_field("is_open_weights", "yes"),
        "is_open_weights",
        "not true or false",
    ),
    (
        "bad number",
        "releases",
        set_field("total_params_billion", "671B"),
        "total_params_billion",
        "not a number",
    ),
    (
        "negative number",
        "releases",
        set_field("total_params_billion", "-1"),
        "total_params_billion",
        "below the minimum",
    ),
    ("missing source", "releases", set_field("source_url", ""), "source_url", "required but empty"),
    (
        "bad url",
        "releases",
        set_field("source_url", "api-docs.deepseek.com"),
        "source_url",
        "not an http(s) URL",
    ),
    (
        "unknown lab",
        "releases",
        set_field("org_id", "deepsek"),
        "org_id",
        "not a known orgs.org_id",
    ),
    (
        "bad modality",
        "releases",
        set_field("output_modalities", "text;smell"),
        "output_modalities",
        "'smell' not among",
    ),
    (
        "announced after release",
        "releases",
        set_field("announced_date", "2030-01-01"),
        "announced_date",
        "not earlier than release_date",
    ),
    (
        "release after retrieval",
        "releases",
        set_field("release_date", "2026-11-30"),
        "release_date",
        "after retrieved_date",
    ),
    (
        "estimate without method",
        "releases",
        lambda rows: first_release(rows).update(evidence_type="estimate", notes=""),
        "notes",
        "estimate but notes do not give the method",
    ),
    (
        "month precision",
        "releases",
        lambda rows: first_release(rows).update(
            date_precision="month", release_date="2024-05-07", announced_date=""
        ),
        "release_date",
        "not the 1st of the month",
    ),
    (
        "active > total",
        "releases",
        lambda rows: first_release(rows).update(
            total_params_billion="10", active_params_billion="20"
        ),
        "active_params_billion",
        "greater than total_params_billion",
    ),
    (
        "bad country",
        "orgs",
        set_field("country", "XX", pick=lambda rows: rows[0]),
        "country",
        "not an ISO 3166-1 alpha-2",
    ),
]


@pytest.mark.parametrize(
    ("what", "table", "change", "field", "fragment"), CASES, ids=[c[0] for c in CASES]
)
def test_broken_copies_are_reported_precisely(
    data_copy: Path, what, table, change, field, fragment
):
    edit_csv(data_copy / f"{table}.csv", change)
    problems = validate(data_copy)
    assert problems, f"{what} was not detected"
    matching = [p for p in problems if p.field == field and fragment in p.message]
    assert matching, "\n".join(p.line() for p in problems)
    problem = matching[0]
    assert problem.table == table
    assert problem.row is not None and "line" in problem.row
    line = problem.line()
    assert line.startswith(f"{table}, row ") and f"field {field!r}" in line


def test_duplicate_primary_key(data_copy: Path):
    def dup(rows):
        return [*rows, dict(rows[0])]

    edit_csv(data_copy / "releases.csv", dup)
    problems = [p for p in validate(data_copy) if p.check == "primary-key"]
    assert len(problems) == 1
    assert "duplicate primary key" in problems[0].message
    assert "first at line 2" in problems[0].message


def test_release_before_lab_existed(data_copy: Path):
    def early(rows):
        row = first_release(rows)
        row["release_date"] = "2001-01-01"
        row["announced_date"] = ""

    edit_csv(data_copy / "releases.csv", early)
    problems = [p for p in validate(data_copy) if p.check == "release-after-founding"]
    assert problems and "before deepseek was founded" in problems[0].message


def test_missing_and_undeclared_columns(data_copy: Path):
    path = data_copy / "releases.csv"
    text = path.read_text(encoding="utf-8").replace("family_id,", "family,", 1)
    path.write_text(text, encoding="utf-8")
    lines = [p.line() for p in validate(data_copy)]
    assert "releases, field 'family_id': column is missing from the CSV header" in lines
    assert "releases, field 'family': column is not declared in the sidecar" in lines


def test_ragged_row(data_copy: Path):
    path = data_copy / "releases.csv"
    with path.open("a", encoding="utf-8") as handle:
        handle.write("only,three,cells\n")
    problems = [p for p in validate(data_copy) if p.check == "shape"]
    assert problems and "has 3 cells" in problems[0].message


def test_not_utf8(data_copy: Path):
    (data_copy / "orgs.csv").write_bytes("org_id\n\xff\xfe".encode("latin-1"))
    problems = [p for p in validate(data_copy) if p.check == "file"]
    assert problems and "not UTF-8" in problems[0].message


def test_retrieved_in_the_future(data_copy: Path):
    problems = validate(data_copy, today=dt.date(2020, 1, 1))
    assert any(p.check == "retrieved-not-future" for p in problems)


def test_cli_reports_each_problem_and_fails(data_copy: Path):
    edit_csv(data_copy / "releases.csv", set_field("release_type", "flagship"))
    code, out, err = run_cli("data", "validate", "--data-dir", str(data_copy))
    assert code == 1
    assert "releases, row deepseek-" in out and "field 'release_type'" in out
    assert "1 problem(s)" in err
    code, out, _ = run_cli("data", "validate", "--data-dir", str(data_copy), "--format", "json")
    assert code == 1 and '"check": "type"' in out


# --- the mirror rule: evidence_type must describe the URL actually cited -------------------


@pytest.mark.parametrize(
    ("url", "fragment"),
    [
        (
            "https://raw.githubusercontent.com/Olshansk/rss-feeds/main/feeds/feed_xainews.xml",
            "raw.githubusercontent.com/olshansk is machine-generated RSS copies",
        ),
        ("https://platoaistream.net/some-post", "platoaistream.net is a content aggregator"),
        ("https://developer.sourcefind.cn/codes/glm", "model-zoo mirror"),
        ("https://epoch.ai/data/ai-models", "epoch.ai is a curated third-party database"),
        ("https://en.wikipedia.org/wiki/DeepSeek", "wikipedia.org is an encyclopedia"),
        ("https://openrouter.ai/deepseek/deepseek-chat", "openrouter.ai is an API router"),
        ("https://huggingface.co/bullerwins/DeepSeek-V2-GGUF", "not a known lab account"),
        ("https://huggingface.co/docs/transformers/model_doc/x", "library documentation"),
        ("https://huggingface.co/Qwen/Qwen3-8B", "belongs to alibaba, not deepseek"),
    ],
)
def test_mirror_labelled_primary_fails(data_copy: Path, url: str, fragment: str):
    def cite(rows):
        first_release(rows).update(
            source_url=url, evidence_type="official_announcement", confidence="high"
        )

    edit_csv(data_copy / "releases.csv", cite)
    problems = [p for p in validate(data_copy) if p.check == "primary-not-mirror"]
    assert len(problems) == 1, [p.line() for p in problems]
    assert problems[0].field == "evidence_type" and problems[0].row.startswith("deepseek-")
    assert fragment in problems[0].message


@pytest.mark.parametrize(
    ("url", "evidence"),
    [
        ("https://raw.githubusercontent.com/Olshansk/rss-feeds/main/feeds/x.xml", "dataset"),
        ("https://epoch.ai/data/ai-models", "dataset"),
        ("https://huggingface.co/deepseek-ai/DeepSeek-V3", "model_card"),
        ("https://HuggingFace.co/DeepSeek-AI/DeepSeek-V3", "model_card"),
        ("https://huggingface.co/collections/deepseek-ai/deepseek-v3", "model_card"),
        ("https://huggingface.co/papers/2412.19437", "paper"),
        ("https://github.com/deepseek-ai/DeepSeek-V3", "official_announcement"),
    ],
)
def test_mirror_rule_spares_lab_pages_and_honest_labels(data_copy: Path, url: str, evidence: str):
    def cite(rows):
        first_release(rows).update(source_url=url, evidence_type=evidence)

    edit_csv(data_copy / "releases.csv", cite)
    assert [p.line() for p in validate(data_copy) if p.check == "primary-not-mirror"] == []


def test_mirror_rule_checks_scores_through_their_model(data_copy: Path):
    def cite(rows):
        row = next(r for r in rows if r["evidence_type"] == "model_card")
        row["source_url"] = "https://huggingface.co/unsloth/some-gguf"

    edit_csv(data_copy / "scores.csv", cite)
    problems = [p for p in validate(data_copy) if p.check == "primary-not-mirror"]
    assert len(problems) == 1 and problems[0].table == "scores"


def test_coverage_rows_name_a_table_and_a_lab_or_country(data_copy: Path):
    def bad(rows):
        rows[0]["scope"] = "deepsek"
        rows[1]["table"] = "launches"
        rows[2]["complete_through_date"] = "2030-01-01"

    edit_csv(data_copy / "coverage.csv", bad)
    problems = [p for p in validate(data_copy) if p.check == "coverage"]
    assert sorted(p.field or "" for p in problems) == ["complete_through_date", "scope", "table"]
    assert any("'deepsek' is not an org_id" in p.message for p in problems)


@pytest.mark.parametrize(("evaluator", "flagged"), [("moonshot", False), ("openai", True)])
def test_a_labs_card_may_publish_its_runs_of_other_labs_models(
    data_copy: Path, evaluator: str, flagged: bool
):
    def cite(rows):
        row = next(r for r in rows if r["model_id"] == "gpt-4.1")
        row.update(
            source_url="https://huggingface.co/moonshotai/Kimi-K2-Instruct",
            evidence_type="model_card",
            evaluator=evaluator,
        )

    edit_csv(data_copy / "scores.csv", cite)
    problems = [p for p in validate(data_copy) if p.check == "primary-not-mirror"]
    assert bool(problems) is flagged
    if flagged:
        assert "belongs to moonshot, not openai" in problems[0].message
