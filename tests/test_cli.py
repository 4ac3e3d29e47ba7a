"""The CLI end to end on the bundled data (in-process, plus one real subprocess)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import data_of, run_cli

DEMO = [
    "cadence",
    "--as-of",
    "2026-03-03",
    "--window",
    "14M",
    "--labs",
    "deepseek,openai,anthropic,google",
]


def test_cadence_json_records_have_the_documented_fields():
    code, out, err = run_cli(*DEMO, "--sensitivity", "--format", "json")
    assert code == 0, err
    records = data_of(out)
    assert len(records) == 4 * 5  # labs x bundled rules
    for rec in records:
        assert {
            "org_id",
            "rule",
            "count",
            "model_ids",
            "median_interval_days",
            "days_since_last",
            "sources",
        } <= set(rec)
        assert rec["count"] == len(rec["model_ids"]) == len(rec["release_dates"])
        assert len(rec["sources"]) <= rec["count"]
        assert all(s.startswith("http") for s in rec["sources"])
        assert rec["since"] == "2025-01-03" and rec["as_of"] == "2026-03-03"
    # the loosest rule counts at least as much as the strictest for every lab
    by = {(r["org_id"], r["rule"]): r["count"] for r in records}
    for lab in ("deepseek", "openai", "anthropic", "google"):
        assert (
            by[(lab, "every-release")]
            >= by[(lab, "main-versions")]
            >= by[(lab, "main-generations")]
        )


def test_cadence_counts_match_the_releases_listing():
    code, out, _ = run_cli(*DEMO, "--rule", "every-release", "--format", "json")
    assert code == 0
    counts = {r["org_id"]: r["count"] for r in data_of(out)}
    code, out, _ = run_cli(
        "releases",
        "--lab",
        "deepseek",
        "--since",
        "2025-01-03",
        "--until",
        "2026-03-03",
        "--format",
        "json",
    )
    assert code == 0
    assert len(data_of(out)) == counts["deepseek"]


def test_cadence_table_and_csv():
    code, out, _ = run_cli(*DEMO, "--sensitivity")
    assert code == 0
    assert "main-generations" in out and "every-release" in out and "Rules:" in out
    code, out, _ = run_cli(*DEMO, "--format", "csv", "--by", "country")
    assert code == 0
    assert out.splitlines()[0].startswith("country,rule,count,model_ids")


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["cadence", "--as-of", "2026-02-30", "--window", "14M"], "bad --as-of"),
        (["cadence", "--as-of", "2026-03-03", "--window", "14X"], "bad window"),
        (["cadence", "--as-of", "2026-03-03"], "exactly one of --window or --since"),
        (
            ["cadence", "--as-of", "2026-03-03", "--window", "1M", "--labs", "deepsek"],
            "unknown lab 'deepsek' (did you mean deepseek?)",
        ),
        (
            ["cadence", "--as-of", "2026-03-03", "--window", "1M", "--rule", "nope"],
            "unknown rule 'nope'",
        ),
        (["cadence", "--as-of", "2026-03-03", "--since", "2026-04-01"], "is after --as-of"),
        (["releases", "--country", "ZZ"], "unknown country 'ZZ'"),
        (["releases", "--type", "flagship"], "unknown release type 'flagship'"),
    ],
)
def test_user_mistakes_give_one_line_and_nonzero_exit(args, fragment):
    code, out, err = run_cli(*args)
    assert code != 0
    assert out == ""
    assert fragment in err
    assert "Traceback" not in err
    assert len(err.strip().splitlines()) == 1


def test_aliases_resolve_to_lab_ids():
    code, out, _ = run_cli("releases", "--lab", "DeepSeek", "--format", "json")
    assert code == 0
    assert {r["org_id"] for r in data_of(out)} == {"deepseek"}


def test_output_file_is_written_whole(tmp_path: Path):
    target = tmp_path / "out.json"
    code, out, err = run_cli(*DEMO, "--format", "json", "--output", str(target))
    assert code == 0 and out == "" and "wrote" in err
    assert json.loads(target.read_text(encoding="utf-8"))
    assert [p.name for p in tmp_path.iterdir()] == ["out.json"]


def test_rules_list():
    code, out, _ = run_cli("rules", "list", "--format", "json")
    assert code == 0
    assert data_of(out)[0]["name"] == "main-generations"


def test_every_command_has_help_with_an_example():
    from airace.cli import COMMANDS

    for name in COMMANDS:
        code, out, _ = run_cli(name, "--help")
        assert code == 0, name
        assert "airace" in out and ("Example" in out or "Commands:" in out), name


def test_real_process_exit_codes(tmp_path: Path):
    env = {**os.environ, "AIRACE_HOME": str(tmp_path)}
    ok = subprocess.run(
        [sys.executable, "-m", "airace", "--help"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert ok.returncode == 0 and "cadence" in ok.stdout
    bad = subprocess.run(
        [sys.executable, "-m", "airace", "cadence", "--as-of", "nope", "--window", "1M"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert bad.returncode == 2
    assert bad.stderr.strip() == ("error: bad --as-of: 'nope' is not a date in YYYY-MM-DD form")
