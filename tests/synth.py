"""Small synthetic release tables with answers computed by hand in the tests."""

from __future__ import annotations

import pandas as pd

from airace.schema.rules import Collapse, CountingRule

COLUMNS = [
    "model_id",
    "org_id",
    "country",
    "family_id",
    "release_type",
    "is_main_line",
    "release_date",
    "model_name",
    "source_url",
]


def releases(rows: list[tuple[str, str, str, str, str, bool, str]]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=COLUMNS[:7])
    frame["release_date"] = pd.to_datetime(frame["release_date"])
    frame["model_name"] = frame["model_id"].str.upper()
    frame["source_url"] = "https://example.org/" + frame["model_id"]
    return frame


def rule(
    name: str,
    types: list[str] | None = None,
    main: bool | None = None,
    within: int | str | None = "none",
) -> CountingRule:
    include: dict[str, object] = {}
    if types is not None:
        include["release_type"] = types
    if main is not None:
        include["is_main_line"] = main
    collapse = None if within == "none" else Collapse(by=["family_id"], within_days=within)
    return CountingRule(name=name, title=name, description=name, include=include, collapse=collapse)


TABLE = releases(
    [
        ("a1", "lab-a", "US", "fa", "new_generation", True, "2025-01-10"),
        ("a2", "lab-a", "US", "fa", "tier", True, "2025-01-12"),
        ("a3", "lab-a", "US", "fa", "point_update", True, "2025-02-01"),
        ("a4", "lab-a", "US", "fb", "version_step", True, "2025-03-01"),
        ("a5", "lab-a", "US", "fb", "version_step", True, "2025-03-09"),
        ("a6", "lab-a", "US", "fx", "media", False, "2025-04-01"),
        ("b1", "lab-b", "CN", "gb", "new_generation", True, "2025-02-15"),
        ("b2", "lab-b", "CN", "gb", "reasoning_variant", True, "2025-02-20"),
        ("b3", "lab-b", "CN", "gc", "specialist", False, "2025-06-01"),
        ("c1", "lab-c", "US", "hc", "version_step", True, "2024-12-31"),
    ]
)

MAIN_GENERATIONS = rule("gen", ["new_generation"], main=True, within=None)
MAIN_VERSIONS = rule("ver", ["new_generation", "version_step"], main=True, within=7)
MAIN_LAUNCHES = rule(
    "launch", ["new_generation", "version_step", "reasoning_variant", "tier"], main=True, within=7
)
EVERY = rule("every")
