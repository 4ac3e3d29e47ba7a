"""Hostile command lines for every command, each with its expectation.

:func:`cli_cases` writes the files the cases need (YAML bombs, broken ledgers and rules)
into a folder and returns the table. ``needs_hook`` marks ledger mistakes that only become
errors once ``check_ledger_refs`` is called by ``claims check``/``validate`` (the claims
engine's hook); until then the test skips them, naming the hook.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

FAIL, ACCEPT = "fail", "accept"


@dataclass(frozen=True)
class CliCase:
    id: str
    args: tuple[str, ...]
    expect: str
    needle: str = ""  # a piece of stderr (lowercase match) for failures
    env: dict[str, str] = field(default_factory=dict)
    needs_hook: bool = False


BOMB = """\
a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
"""

LEDGER_HEAD = """\
document:
  id: hostile
  title: Hostile ledger
  date: 2026-01-01
claims:
  - id: c1
    quote: a claim
    kind: count
    check:
"""


def ledger(check: str, tail: str = "") -> str:
    """A one-claim ledger whose check block is ``check`` (indented under ``check:``)."""
    body = "\n".join("      " + line for line in check.strip().splitlines())
    return LEDGER_HEAD + body + "\n" + tail


CADENCE = """\
analysis: cadence
params: {as_of: "2026-03-02", window: 14M, labs: [deepseek, openai], rule: main-versions}
expect: [{field: count, group: deepseek, op: ge, value: 0}]
"""
BUDGET = """\
analysis: budget
params: {usd: 1000000000, chip: b200}
expect: [{field: training_flop, op: gt, value: 0}]
"""

# id -> ledger text; each is a mistake that must be an error, not a verdict.
BAD_LEDGERS_HOOK = {
    "lab-misspelt": CADENCE.replace("openai]", "opnai]"),
    "rule-misspelt": CADENCE.replace("main-versions", "main-verisons"),
    "window-14X": CADENCE.replace("14M", "14X"),
    "as-of-yesterday": CADENCE.replace('"2026-03-02"', "yesterday"),
    "param-misspelt": CADENCE.replace("rule:", "rules:"),
    "chip-unknown": BUDGET.replace("b200", "b2000"),
    "usd-abc": BUDGET.replace("1000000000", "abc"),
    "usd-inf": BUDGET.replace("1000000000", ".inf"),
    "column-unknown": """\
analysis: releases
params: {as_of: "2026-03-02", where: {modle_id: deepseek-r1}}
expect: [{field: count, op: eq, value: 1}]
""",
    "metric-unknown": """\
analysis: gap
params: {as_of: "2026-03-02", metric: gpqa_diamonds}
expect: [{field: lag_days, op: ge, value: 0}]
""",
    "expect-inf": CADENCE.replace("value: 0", "value: .inf"),
}
BAD_LEDGERS_SCHEMA = {
    "top-level-int-key": ledger(CADENCE, "1: x\nfoo: y\n"),
    "not-a-mapping": "- just\n- a list\n",
    "claims-empty": "document:\n  id: x\n  title: t\n  date: 2026-01-01\nclaims: []\n",
    "duplicate-key": ledger(
        CADENCE.replace("analysis: cadence", "analysis: cadence\nanalysis: gap")
    ),
    "tab-indent": "document:\n\tid: x\n",
    "not-utf8": None,
}


def cli_cases(folder: Path) -> list[CliCase]:
    """Write the files the cases need into ``folder``; return the table."""
    folder.mkdir(parents=True, exist_ok=True)
    bomb = folder / "bomb.yaml"
    bomb.write_text(BOMB, encoding="utf-8")
    big = folder / "big.yaml"
    big.write_text("# " + "x" * 1_100_000 + "\n", encoding="utf-8")
    a_dir = folder / "a-folder"
    a_dir.mkdir(exist_ok=True)
    a_file = folder / "a-file"
    a_file.write_text("x", encoding="utf-8")
    good_ledger = folder / "good.yaml"
    good_ledger.write_text(ledger(CADENCE), encoding="utf-8")
    rule_bad_type = folder / "rule-bad-type.yaml"
    rule_bad_type.write_text(
        "name: bad-type\ntitle: t\ndescription: d\ninclude: {org_id: 123}\n", encoding="utf-8"
    )
    rule_bad_bool = folder / "rule-bad-bool.yaml"
    rule_bad_bool.write_text(
        "name: bad-bool\ntitle: t\ndescription: d\ninclude: {is_main_line: 'yes'}\n",
        encoding="utf-8",
    )
    fifo = folder / "a-fifo"
    if not fifo.exists():
        os.mkfifo(fifo)
    link = folder / "a-link"
    if not link.exists():
        link.symlink_to(a_file)
    cadence = ("cadence", "--as-of", "2026-03-03", "--window", "14M")
    out = ("releases", "--lab", "deepseek", "--output")
    cases = [
        # numbers that must be finite and in range
        CliCase("budget-inf", ("budget", "inf", "--chip", "b200"), FAIL, "finite"),
        CliCase("budget-1e400", ("budget", "1e400", "--chip", "b200"), FAIL, "finite"),
        CliCase("budget-nan", ("budget", "nan", "--chip", "b200"), FAIL, "finite"),
        CliCase("budget-negative", ("budget", "--chip", "b200", "--", "-5"), FAIL, "positive"),
        CliCase("budget-words", ("budget", "lots", "--chip", "b200"), FAIL, "not a number"),
        CliCase("budget-chip", ("budget", "1e9", "--chip", "b2000"), FAIL, "b2000"),
        CliCase(
            "budget-utilization",
            ("budget", "1e9", "--chip", "b200", "--utilization", "2"),
            FAIL,
            "utilization",
        ),
        CliCase(
            "budget-days-inf", ("budget", "1e9", "--chip", "b200", "--days", "inf"), FAIL, "finite"
        ),
        CliCase(
            "budget-price-nan",
            ("budget", "1e9", "--chip", "b200", "--price-usd", "nan"),
            FAIL,
            "finite",
        ),
        CliCase("budget-ok", ("budget", "1e9", "--chip", "b200"), ACCEPT),
        CliCase("gap-tie-nan", ("gap", "--metric", "gpqa_diamond", "--tie", "nan"), FAIL, ""),
        CliCase("gap-tie-inf", ("gap", "--metric", "gpqa_diamond", "--tie", "inf"), FAIL, ""),
        CliCase("gap-metric", ("gap", "--metric", "gpqa_diamonds"), FAIL, "gpqa_diamonds"),
        CliCase(
            "gap-series-year-1",
            ("gap", "--metric", "gpqa_diamond", "--series", "daily", "--since", "0001-01-01"),
            FAIL,
            "outside",
        ),
        CliCase(
            "gap-series-year-9999",
            ("gap", "--metric", "gpqa_diamond", "--series", "daily", "--until", "9999-12-31"),
            FAIL,
            "outside",
        ),
        CliCase(
            "gap-seed-huge",
            ("gap", "--metric", "gpqa_diamond", "--stats", "--seed", "9" * 30),
            FAIL,
        ),
        CliCase("gap-ok", ("gap", "--metric", "gpqa_diamond", "--format", "json"), ACCEPT),
        CliCase(
            "hardware-tolerance-inf", ("hardware", "diff", "--tolerance", "inf"), FAIL, "finite"
        ),
        CliCase("hardware-show-unknown", ("hardware", "show", "nochip"), FAIL, "nochip"),
        CliCase("hardware-compare-ok", ("hardware", "compare", "b200", "h100-sxm"), ACCEPT),
        CliCase(
            "compare-dates-negative",
            ("compare-dates", "--days", "-1"),
            FAIL,
            "",
        ),
        CliCase("scenario-seed-huge", ("scenario", "run", "--seed", "9" * 30), FAIL),
        CliCase("update-unknown-kind", ("update", "nonsense"), FAIL, "unknown kind"),
        CliCase("update-backoff-inf", ("update", "--backoff", "inf"), FAIL, ""),
        CliCase("update-timeout-zero", ("update", "--timeout", "0"), FAIL, ""),
        CliCase("update-deadline-nan", ("update", "--deadline", "nan"), FAIL, ""),
        CliCase("update-max-mb-inf", ("update", "--max-mb", "inf"), FAIL, ""),
        # dates and windows
        CliCase("releases-feb-30", ("releases", "--since", "2026-02-30"), FAIL, "--since"),
        CliCase("releases-words", ("releases", "--since", "yesterday"), FAIL, "--since"),
        CliCase("releases-year-0", ("releases", "--since", "0000-01-01"), FAIL, "--since"),
        CliCase(
            "cadence-window-14X",
            ("cadence", "--as-of", "2026-03-03", "--window", "14X"),
            FAIL,
            "window",
        ),
        CliCase(
            "cadence-window-huge",
            ("cadence", "--as-of", "2026-03-03", "--window", "99999999Y"),
            FAIL,
            "window",
        ),
        CliCase("cadence-lab", (*cadence, "--labs", "opnai"), FAIL, "opnai"),
        CliCase("cadence-rule-folder", (*cadence, "--rule", str(a_dir)), FAIL, "folder"),
        CliCase("cadence-rule-bomb", (*cadence, "--rule", str(bomb)), FAIL, "alias"),
        CliCase("cadence-rule-fifo", (*cadence, "--rule", str(fifo)), FAIL, "regular"),
        CliCase("cadence-rule-bad-type", (*cadence, "--rule", str(rule_bad_type)), FAIL, "org_id"),
        CliCase(
            "cadence-rule-bad-bool", (*cadence, "--rule", str(rule_bad_bool)), FAIL, "is_main_line"
        ),
        CliCase("cadence-ok", (*cadence, "--format", "csv"), ACCEPT),
        # ledgers
        CliCase("claims-check-folder", ("claims", "check", str(a_dir)), FAIL, "folder"),
        CliCase("claims-check-bomb", ("claims", "check", str(bomb)), FAIL, "alias"),
        CliCase("claims-validate-bomb", ("claims", "validate", str(bomb)), FAIL, "alias"),
        CliCase("claims-check-big", ("claims", "check", str(big)), FAIL, "limit"),
        CliCase(
            "claims-check-missing",
            ("claims", "check", str(folder / "nope.yaml")),
            FAIL,
            "not found",
        ),
        CliCase("claims-validate-good", ("claims", "validate", str(good_ledger)), ACCEPT),
        CliCase("claims-check-good", ("claims", "check", str(good_ledger)), ACCEPT),
        # output
        CliCase(
            "output-missing-folder", (*out, str(folder / "no" / "x.csv")), FAIL, "does not exist"
        ),
        CliCase(
            "output-unwritable-folder", (*out, "/proc/airace-hostile.txt"), FAIL, "cannot write"
        ),
        CliCase("output-folder", (*out, str(a_dir)), FAIL, "folder"),
        CliCase("output-fifo", (*out, str(fifo)), FAIL, "regular"),
        CliCase("output-dev-null", (*out, os.devnull), FAIL, "regular"),
        CliCase("output-symlink", (*out, str(link)), FAIL, "symbolic link"),
        CliCase("output-ok", (*out, str(folder / "out.csv"), "--format", "csv"), ACCEPT),
        CliCase("format-unknown", ("releases", "--format", "xml"), FAIL, "xml"),
        # environment
        CliCase(
            "home-is-a-file", ("releases",), FAIL, "airace_home", env={"AIRACE_HOME": str(a_file)}
        ),
        CliCase("unknown-command", ("nonsense",), FAIL, "nonsense"),
        CliCase("sources-unmatched-unknown", ("sources", "unmatched", "nosuch"), FAIL, "nosuch"),
        CliCase("import-kind-unknown", ("import", "nosuch", str(a_file)), FAIL, "nosuch"),
    ]
    for name, text in BAD_LEDGERS_SCHEMA.items():
        path = folder / f"ledger-{name}.yaml"
        if text is None:
            path.write_bytes(b"document:\n  id: \xff\xfe\n")
        else:
            path.write_text(text, encoding="utf-8")
        cases.append(CliCase(f"ledger-{name}-validate", ("claims", "validate", str(path)), FAIL))
        cases.append(CliCase(f"ledger-{name}-check", ("claims", "check", str(path)), FAIL))
    for name, check in BAD_LEDGERS_HOOK.items():
        path = folder / f"ledger-{name}.yaml"
        path.write_text(ledger(check), encoding="utf-8")
        cases.append(
            CliCase(
                f"ledger-{name}-validate",
                ("claims", "validate", str(path)),
                FAIL,
                "claim c1",
                needs_hook=True,
            )
        )
        cases.append(
            CliCase(
                f"ledger-{name}-check",
                ("claims", "check", str(path)),
                FAIL,
                "claim c1",
                needs_hook=True,
            )
        )
    return cases
