"""Validation of the curated tables: types, keys, provenance and plausibility.

Type checks happen while reading (:mod:`airace.schema.tables`); this module adds the checks that
need whole rows or several tables. Every plausibility rule carries a written reason so a
contributor who trips it learns why the rule exists, not just that it fired.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from airace.schema.tables import PROVENANCE_COLUMNS, Problem, Table, read_all

Row = dict[str, Any]
Tables = dict[str, Table]


@dataclass(frozen=True)
class Rule:
    """A plausibility rule over one table's rows."""

    table: str
    name: str
    field: str
    reason: str
    check: Callable[[Row, Tables], str | None]  # returns a message when the row breaks it


def _lower(row: Row, a: str, b: str, what: str) -> str | None:
    if row.get(a) is not None and row.get(b) is not None and row[a] > row[b]:
        return f"{a} {row[a]} is greater than {b} {row[b]} ({what})"
    return None


def _index(tables: Tables, name: str, key: str) -> dict[Any, Row]:
    table = tables.get(name)
    return table.index(key) if table is not None else {}


def _org_founded(row: Row, tables: Tables) -> str | None:
    org = _index(tables, "orgs", "org_id").get(row.get("org_id")) or {}
    founded, released = org.get("founded_date"), row.get("release_date")
    if founded is not None and released is not None and released < founded:
        return f"release_date {released} is before {org['org_id']} was founded ({founded})"
    return None


def _month_first(field: str) -> Callable[[Row, Tables], str | None]:
    def check(row: Row, tables: Tables) -> str | None:
        value = row.get(field)
        if row.get("date_precision") == "month" and value is not None and value.day != 1:
            return f"{field} {value} has date_precision month but is not the 1st of the month"
        return None

    return check


def _announced_before(row: Row, tables: Tables) -> str | None:
    ann, rel = row.get("announced_date"), row.get("release_date")
    if ann is not None and rel is not None and ann >= rel:
        return f"announced_date {ann} is not earlier than release_date {rel}"
    return None


def _not_after_retrieved(field: str) -> Callable[[Row, Tables], str | None]:
    def check(row: Row, tables: Tables) -> str | None:
        value, seen = row.get(field), row.get("retrieved_date")
        if value is not None and seen is not None and value > seen:
            return f"{field} {value} is after retrieved_date {seen}"
        return None

    return check


def _estimate_explained(row: Row, tables: Tables) -> str | None:
    if row.get("evidence_type") == "estimate" and not row.get("notes"):
        return "evidence_type is estimate but notes do not give the method"
    return None


def _sparse_ge_dense(row: Row, tables: Tables) -> str | None:
    for prec in ("bf16", "fp8", "fp4"):
        dense, sparse = row.get(f"dense_{prec}_flops"), row.get(f"sparse_{prec}_flops")
        if dense is not None and sparse is not None and sparse < dense:
            return f"sparse_{prec}_flops {sparse:g} is below dense_{prec}_flops {dense:g}"
    dense, sparse = row.get("dense_int8_ops"), row.get("sparse_int8_ops")
    if dense is not None and sparse is not None and sparse < dense:
        return f"sparse_int8_ops {sparse:g} is below dense_int8_ops {dense:g}"
    return None


def _controlled_since(row: Row, tables: Tables) -> str | None:
    if row.get("export_controlled_since_date") and row.get("is_us_export_controlled") is False:
        return "export_controlled_since_date is set but is_us_export_controlled is false"
    return None


def _score_in_scale(row: Row, tables: Tables) -> str | None:
    value, lo, hi = row.get("score"), row.get("scale_min"), row.get("scale_max")
    if value is None or lo is None or hi is None:
        return None
    if not lo <= value <= hi:
        return f"score {value} is outside the scale [{lo:g}, {hi:g}]"
    return None


def _score_after_announcement(row: Row, tables: Tables) -> str | None:
    rel = _index(tables, "releases", "model_id").get(row.get("model_id"))
    reported = row.get("reported_date")
    if rel is None or reported is None:
        return None
    first = rel.get("announced_date") or rel.get("release_date")
    if first is not None and reported < first:
        return f"reported_date {reported} is before {rel['model_id']} was announced ({first})"
    return None


PRIMARY_EVIDENCE = frozenset({"official_announcement", "model_card", "paper"})

# Hosts (optionally with a path prefix) that copy or aggregate other people's pages. A row
# citing one of them rests on the copy, whatever the original was, so it cannot be labelled
# as the lab's own announcement, card or paper (issue 11: 31 such rows were found).
MIRROR_HOSTS: dict[str, str] = {
    "raw.githubusercontent.com/olshansk/": "machine-generated RSS copies of lab news pages",
    "github.com/olshansk/": "machine-generated RSS copies of lab news pages",
    "platoaistream.net": "a content aggregator that republishes lab posts",
    "developer.sourcefind.cn": "a model-zoo mirror of lab READMEs",
    "gitcode.com": "a mirror of GitHub and Hugging Face repositories",
    "code.morphllm.com": "a mirror of GitHub repositories",
    "newreleases.io": "a release-feed mirror",
    "websiteproxy.net": "a web proxy",
    "netlify.app": "a preview deployment of someone else's site",
    "huggingface.co/docs/": "library documentation, not a lab's model card",
    "docs.apiyi.com": "an API reseller",
    "docs.laozhang.ai": "an API reseller",
    "apidog.com": "an API tool vendor's blog",
    "docs.venice.ai": "an API reseller",
    "vercel.com/ai-gateway": "an API gateway's model list",
    "openrouter.ai": "an API router's model list",
    "epoch.ai": "a curated third-party database",
    "models.dev": "a curated third-party database",
    "lmarena.ai": "a leaderboard",
    "wikipedia.org": "an encyclopedia",
    "grokipedia.com": "an encyclopedia",
}

# Hugging Face accounts owned by the labs. A card under any other account is a re-upload (a
# GGUF quantisation, a copy) even when its text is the lab's, so it is not primary.
HF_ACCOUNTS: dict[str, tuple[str, ...]] = {
    "openai": ("openai",),
    "anthropic": ("anthropic",),
    "google": ("google", "google-deepmind", "google-t5"),
    "meta": ("meta-llama", "facebook", "meta-models"),
    "xai": ("xai-org",),
    "mistral": ("mistralai",),
    "deepseek": ("deepseek-ai",),
    "alibaba": ("qwen", "alibaba-nlp", "wan-ai", "alibaba-pai", "aidc-ai", "tongyi-mai"),
    "moonshot": ("moonshotai",),
    "zhipu": ("zai-org", "thudm", "zhipuai"),
    "minimax": ("minimaxai", "minimax-ai"),
    "bytedance": ("bytedance-seed", "bytedance", "bytedance-research"),
    "tencent": ("tencent", "tencent-hunyuan", "tencentarc"),
    "baidu": ("baidu", "paddlepaddle"),
    "nvidia": ("nvidia",),
    "microsoft": ("microsoft",),
    "ibm": ("ibm-granite", "ibm"),
    "cohere": ("cohereforai", "coherelabs"),
    "stepfun": ("stepfun-ai",),
    "01-ai": ("01-ai",),
    "xiaomi": ("xiaomimimo",),
    "meituan": ("meituan-longcat",),
    "ai2": ("allenai",),
}
# First path segments that name a Hugging Face section, not an account: the account follows.
_HF_SECTIONS = {"blog", "collections", "spaces", "datasets", "papers"}


def _url_parts(url: str) -> tuple[str, list[str]]:
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    host = (parts.hostname or "").casefold().removeprefix("www.")
    return host, [s for s in parts.path.casefold().split("/") if s]


def _mirror_reason(url: str) -> str | None:
    host, path = _url_parts(url)
    joined = "/".join([host, *path]) + "/"
    for prefix, why in MIRROR_HOSTS.items():
        if "/" in prefix:
            if joined.startswith(prefix):
                return f"{prefix.rstrip('/')} is {why}"
        elif host == prefix or host.endswith("." + prefix):
            return f"{prefix} is {why}"
    return None


def _row_lab(row: Row, tables: Tables) -> str | None:
    """The lab a row is about: its org, or the org of its model (scores, field sources)."""
    if row.get("org_id"):
        return str(row["org_id"])
    model = row.get("model_id") or (row.get("row_id") if row.get("table") == "releases" else None)
    release = _index(tables, "releases", "model_id").get(model)
    return str(release["org_id"]) if release and release.get("org_id") else None


def _hf_account_reason(url: str, row: Row, tables: Tables) -> str | None:
    host, path = _url_parts(url)
    if host != "huggingface.co" or not path:
        return None
    if path[0] == "papers":
        return None  # a paper page names the paper; the arXiv id is the source
    account = path[1] if path[0] in _HF_SECTIONS and len(path) > 1 else path[0]
    if path[0] in _HF_SECTIONS and len(path) == 2 and path[0] == "blog":
        return "huggingface.co/blog/<post> is Hugging Face's own blog, not the lab's"
    owners = {lab for lab, accounts in HF_ACCOUNTS.items() if account in accounts}
    if not owners:
        return (
            f"huggingface.co/{account} is not a known lab account (a re-upload or a "
            "third-party copy; add the account to HF_ACCOUNTS if a lab owns it)"
        )
    lab = _row_lab(row, tables)
    orgs = _index(tables, "orgs", "org_id")
    family = {lab, (orgs.get(lab) or {}).get("parent_org_id")} - {None}
    if row.get("evaluator") in orgs:
        family.add(row["evaluator"])  # a lab's card may publish its own runs of others' models
    if lab is not None and not owners & family:
        return f"huggingface.co/{account} belongs to {', '.join(sorted(owners))}, not {lab}"
    return None


def _primary_not_mirror(row: Row, tables: Tables) -> str | None:
    if row.get("evidence_type") not in PRIMARY_EVIDENCE or not row.get("source_url"):
        return None
    url = str(row["source_url"])
    why = _mirror_reason(url) or _hf_account_reason(url, row, tables)
    if why:
        return f"evidence_type {row['evidence_type']} cites {url}, but {why}"
    return None


RULES: tuple[Rule, ...] = (
    Rule(
        "releases",
        "release-not-after-retrieval",
        "release_date",
        "A launch cannot be documented before it happened; a date after retrieved_date is a "
        "typo or a planned date recorded as fact.",
        _not_after_retrieved("release_date"),
    ),
    Rule(
        "releases",
        "announced-before-release",
        "announced_date",
        "announced_date is recorded only when the announcement came before availability.",
        _announced_before,
    ),
    Rule(
        "releases",
        "release-after-founding",
        "release_date",
        "A lab cannot release a model before it existed.",
        _org_founded,
    ),
    Rule(
        "releases",
        "month-precision-first-day",
        "release_date",
        "Month-precision dates are stored as the 1st of the month so that nobody mistakes "
        "them for a known day.",
        _month_first("release_date"),
    ),
    Rule(
        "releases",
        "active-le-total-params",
        "active_params_billion",
        "A mixture-of-experts model activates a subset of its parameters, never more.",
        lambda r, t: _lower(
            r,
            "active_params_billion",
            "total_params_billion",
            "active parameters cannot exceed total parameters",
        ),
    ),
    Rule(
        "scores",
        "score-within-scale",
        "score",
        "A score outside its stated scale means a wrong scale or a typo.",
        _score_in_scale,
    ),
    Rule(
        "scores",
        "reported-after-announcement",
        "reported_date",
        "A published result for a model cannot predate the model's announcement.",
        _score_after_announcement,
    ),
    Rule(
        "chips",
        "sparse-ge-dense",
        "sparse_bf16_flops",
        "Structured sparsity doubles peak throughput; a sparse figure below the dense one "
        "means the two were swapped.",
        _sparse_ge_dense,
    ),
    Rule(
        "chips",
        "price-low-le-high",
        "price_usd_low",
        "A price range must be ordered.",
        lambda r, t: _lower(r, "price_usd_low", "price_usd_high", "range is reversed"),
    ),
    Rule(
        "chips",
        "controlled-since-needs-control",
        "export_controlled_since_date",
        "A control date only makes sense for a controlled chip.",
        _controlled_since,
    ),
    Rule(
        "systems",
        "compute-cabinets-le-total",
        "cabinets_compute",
        "Compute cabinets are a subset of all cabinets.",
        lambda r, t: _lower(
            r, "cabinets_compute", "cabinets_total", "compute cabinets are part of the total"
        ),
    ),
    Rule(
        "systems",
        "it-power-le-all-in",
        "it_power_kw",
        "All-in power includes the IT load, so it cannot be lower.",
        lambda r, t: _lower(r, "it_power_kw", "all_in_power_kw", "all-in power includes IT power"),
    ),
    Rule(
        "events",
        "event-not-after-retrieval",
        "event_date",
        "An event cannot be documented before it happened.",
        _not_after_retrieved("event_date"),
    ),
    Rule(
        "events",
        "event-month-precision-first-day",
        "event_date",
        "Month-precision dates are stored as the 1st of the month.",
        _month_first("event_date"),
    ),
)

PROVENANCE_RULES = (
    (
        "estimate-explained",
        "notes",
        "An estimate must say how it was made (DESIGN: mark estimates as estimates).",
        _estimate_explained,
    ),
    (
        "primary-not-mirror",
        "evidence_type",
        "evidence_type must describe the URL actually cited: a mirror, aggregator, reseller "
        "or re-upload is never the lab's own announcement, card or paper; cite the lab's page "
        "or label the row dataset/press_report with lower confidence.",
        _primary_not_mirror,
    ),
)


def _key_problems(tables: Tables) -> Iterator[Problem]:
    for table in tables.values():
        pk = table.meta.primary_key
        if not pk:
            continue
        seen: dict[tuple[Any, ...], int] = {}
        for i, row in enumerate(table.rows):
            key = tuple(row.get(c) for c in pk)
            if any(k is None for k in key):
                continue  # already reported as a required field
            if key in seen:
                first = table.lines[seen[key]]
                yield Problem(
                    table.name,
                    table.label(i),
                    ",".join(pk),
                    f"duplicate primary key {key if len(key) > 1 else key[0]!r} "
                    f"(first at line {first})",
                    "primary-key",
                )
            else:
                seen[key] = i


def _foreign_key_problems(tables: Tables) -> Iterator[Problem]:
    for table in tables.values():
        for col, target in table.meta.foreign_keys.items():
            target_table, target_col = target.split(".")
            if target_table not in tables:
                continue
            valid = {r.get(target_col) for r in tables[target_table].rows}
            for i, row in enumerate(table.rows):
                value = row.get(col)
                if value is not None and value not in valid:
                    yield Problem(
                        table.name,
                        table.label(i),
                        col,
                        f"{value!r} is not a known {target_table}.{target_col}",
                        "foreign-key",
                    )


def _field_source_problems(tables: Tables) -> Iterator[Problem]:
    fs = tables.get("field_sources")
    if fs is None:
        return
    for i, row in enumerate(fs.rows):
        target = tables.get(row.get("table") or "")
        if target is None:
            yield Problem(
                "field_sources",
                fs.label(i),
                "table",
                f"{row.get('table')!r} is not a curated table",
                "foreign-key",
            )
            continue
        if row.get("field") not in target.meta.columns:
            yield Problem(
                "field_sources",
                fs.label(i),
                "field",
                f"{row.get('field')!r} is not a column of {target.name}",
                "foreign-key",
            )
        key_col = target.meta.row_label or target.meta.primary_key[0]
        ids = {r.get(key_col) for r in target.rows}
        if row.get("row_id") not in ids:
            yield Problem(
                "field_sources",
                fs.label(i),
                "row_id",
                f"{row.get('row_id')!r} is not a {key_col} of {target.name}",
                "foreign-key",
            )


def _alias_problems(tables: Tables) -> Iterator[Problem]:
    orgs = tables.get("orgs")
    if orgs is None:
        return
    owner: dict[str, str] = {}
    for i, row in enumerate(orgs.rows):
        names = [row.get("org_name") or "", *(row.get("aliases") or ())]
        for name in names:
            key = name.casefold()
            if key in owner and owner[key] != row["org_id"]:
                yield Problem(
                    "orgs",
                    orgs.label(i),
                    "aliases",
                    f"alias {name!r} is also used by {owner[key]!r}; an alias must "
                    "name one organisation",
                    "alias",
                )
            owner.setdefault(key, row["org_id"])


def _coverage_problems(tables: Tables) -> Iterator[Problem]:
    """Coverage rows name a curated table and a lab, a country of the labs, or ``all``."""
    cov = tables.get("coverage")
    if cov is None:
        return
    orgs = tables.get("orgs")
    labs = {r.get("org_id") for r in orgs.rows} if orgs else set()
    countries = {r.get("country") for r in orgs.rows} if orgs else set()
    for i, row in enumerate(cov.rows):
        name, scope = row.get("table"), row.get("scope")
        if name is not None and name not in tables:
            yield Problem(
                "coverage", cov.label(i), "table", f"{name!r} is not a curated table", "coverage"
            )
        if scope is not None and scope != "all" and scope not in labs | countries:
            yield Problem(
                "coverage",
                cov.label(i),
                "scope",
                f"{scope!r} is not an org_id, a country of the orgs, or 'all'",
                "coverage",
            )
        through, seen = row.get("complete_through_date"), row.get("retrieved_date")
        if through is not None and seen is not None and through > seen:
            yield Problem(
                "coverage",
                cov.label(i),
                "complete_through_date",
                f"{through} is after retrieved_date {seen}: coverage cannot be checked "
                "beyond the day the pages were read",
                "coverage",
            )


def _rule_problems(tables: Tables) -> Iterator[Problem]:
    for rule in RULES:
        table = tables.get(rule.table)
        if table is None:
            continue
        for i, row in enumerate(table.rows):
            message = rule.check(row, tables)
            if message:
                yield Problem(
                    rule.table, table.label(i), rule.field, f"{message} — {rule.reason}", rule.name
                )
    for table in tables.values():
        if "source_url" not in table.meta.columns:
            continue
        for name, field, reason, check in PROVENANCE_RULES:
            for i, row in enumerate(table.rows):
                message = check(row, tables)
                if message:
                    yield Problem(table.name, table.label(i), field, f"{message} — {reason}", name)


def _provenance_declared(tables: Tables) -> Iterator[Problem]:
    for table in tables.values():
        if table.name in {"model_aliases"}:
            continue
        for col in PROVENANCE_COLUMNS:
            if col not in table.meta.columns:
                yield Problem(
                    table.name,
                    None,
                    col,
                    "provenance column is missing: every curated row cites its source",
                    "provenance",
                )
        for col in ("source_url", "retrieved_date", "evidence_type", "confidence"):
            if col in table.meta.columns and not table.meta.columns[col]:
                yield Problem(
                    table.name,
                    None,
                    col,
                    "provenance column must be declared required",
                    "provenance",
                )


def validate(folder: Path | None = None, today: dt.date | None = None) -> list[Problem]:
    """Every problem in the curated tables of ``folder`` (the package data by default)."""
    problems: list[Problem] = []
    tables = read_all(folder, problems)
    problems.extend(_provenance_declared(tables))
    problems.extend(_key_problems(tables))
    problems.extend(_foreign_key_problems(tables))
    problems.extend(_field_source_problems(tables))
    problems.extend(_alias_problems(tables))
    problems.extend(_coverage_problems(tables))
    problems.extend(_rule_problems(tables))
    today = today or dt.date.today()
    for table in tables.values():
        if "retrieved_date" not in table.meta.columns:
            continue
        for i, row in enumerate(table.rows):
            seen = row.get("retrieved_date")
            if seen is not None and seen > today:
                problems.append(
                    Problem(
                        table.name,
                        table.label(i),
                        "retrieved_date",
                        f"{seen} is in the future (today is {today})",
                        "retrieved-not-future",
                    )
                )
    return problems
