"""The result cache: a hit gives exactly what a miss gave; any input change is a miss."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from airace.service import cache
from airace.service.result import Result, Source
from conftest import run_cli


def _result(value: float) -> Result:
    src = Source(
        "airace", "Model releases", "CC BY 4.0", table="releases", rows=3, pages=("b", "a")
    )
    return Result(
        "demo",
        [{"x": value, "when": dt.date(2025, 1, 2), "nan": float("nan")}],
        [src],
        params={"as_of": dt.date(2026, 3, 3)},
        definitions={"x": "a number"},
        caveats=["careful"],
        extra={"counts": {"supported": 2}, "objects": object()},
        summary={"n": 1},
    )


@pytest.fixture
def counter(home: Path):
    calls: list[float] = []

    def compute(value: float = 1.5):
        def run() -> Result:
            calls.append(value)
            return _result(value)

        return run

    return calls, compute


def test_hit_returns_what_the_miss_returned(counter):
    calls, compute = counter
    first = cache.cached("demo", {"as_of": dt.date(2026, 3, 3)}, "s1", compute(), ("counts",))
    second = cache.cached("demo", {"as_of": dt.date(2026, 3, 3)}, "s1", compute(), ("counts",))
    assert calls == [1.5]  # computed once
    assert first.extra == {"counts": {"supported": 2}, "cached": False}
    assert second.extra == {"counts": {"supported": 2}, "cached": True}
    for r in (first, second):  # JSON-safe parts only, identical on both paths
        assert r.records == [{"x": 1.5, "when": "2025-01-02", "nan": None}]
        assert r.sources[0] == Source(
            "airace", "Model releases", "CC BY 4.0", table="releases", rows=3, pages=("b", "a")
        )
        assert r.params == {"as_of": "2026-03-03"} and r.summary == {"n": 1}
        assert r.caveats == ["careful"] and r.definitions == {"x": "a number"}


def test_any_input_change_is_a_miss(counter):
    calls, compute = counter
    cache.cached("demo", {"as_of": "2026-03-03"}, "s1", compute(1))
    cache.cached("demo", {"as_of": "2026-03-04"}, "s1", compute(2))  # other parameters
    cache.cached("demo", {"as_of": "2026-03-03"}, "s2", compute(3))  # other catalog state
    cache.cached("other", {"as_of": "2026-03-03"}, "s1", compute(4))  # other operation
    cache.cached("demo", {"as_of": "2026-03-03"}, None, compute(5))  # not the catalog
    cache.cached("demo", {"as_of": "2026-03-03"}, None, compute(6))
    assert calls == [1, 2, 3, 4, 5, 6]
    cache.cached("demo", {"as_of": "2026-03-03"}, "s1", compute(7))
    assert calls == [1, 2, 3, 4, 5, 6]  # the first entry is still there


def test_damaged_entry_is_recomputed_and_replaced(counter, home: Path):
    calls, compute = counter
    cache.cached("demo", {}, "s1", compute(1))
    (entry,) = (home / "cache").glob("demo-*.json")
    entry.write_text('{"operation": "demo", "records": [', encoding="utf-8")
    again = cache.cached("demo", {}, "s1", compute(2))
    assert calls == [1, 2] and again.records[0]["x"] == 2
    assert json.loads(entry.read_text(encoding="utf-8"))["records"][0]["x"] == 2


@pytest.mark.parametrize(
    "text",
    [
        "[]",
        '{"operation": "demo", "records": 5, "sources": [], "caveats": [], "params": {}, '
        '"definitions": {}, "summary": {}, "extra": {}}',
        '{"operation": "demo", "records": [], "sources": [{"nope": 1}], "caveats": [], '
        '"params": {}, "definitions": {}, "summary": {}, "extra": {}}',
    ],
)
def test_a_foreign_entry_is_never_returned(counter, home: Path, text: str):
    calls, compute = counter
    cache.cached("demo", {}, "s1", compute(1))
    (entry,) = (home / "cache").glob("demo-*.json")
    entry.write_text(text, encoding="utf-8")
    again = cache.cached("demo", {}, "s1", compute(2))
    assert calls == [1, 2] and again.records[0]["x"] == 2


def test_switched_off_by_environment(counter, monkeypatch: pytest.MonkeyPatch, home: Path):
    calls, compute = counter
    monkeypatch.setenv("AIRACE_NO_CACHE", "1")
    cache.cached("demo", {}, "s1", compute(1))
    cache.cached("demo", {}, "s1", compute(2))
    assert calls == [1, 2] and not (home / "cache").exists()


def test_only_the_newest_entries_are_kept(counter, monkeypatch: pytest.MonkeyPatch, home: Path):
    _, compute = counter
    monkeypatch.setattr(cache, "KEEP", 3)
    for day in range(1, 7):
        cache.cached("demo", {"day": day}, "s1", compute(day))
    assert len(list((home / "cache").glob("demo-*.json"))) == 3


def test_every_catalog_write_changes_its_state(home: Path):
    from airace.service.context import get_catalog

    catalog = get_catalog()
    before = catalog.state()
    assert before.count(":") == 1  # fingerprint:token
    with catalog.transaction() as con:
        con.execute("SELECT 1")
    after = catalog.state()
    assert after != before and after.split(":")[0] == before.split(":")[0]
    catalog.rebuild()
    assert catalog.state() not in (before, after)


def test_claims_check_cached_and_fresh_print_the_same(home: Path):
    code, cold, _ = run_cli("claims", "check", "--format", "json", "--as-of", "2026-03-03")
    assert code == 0
    assert len(list((home / "cache").glob("claims-check-*.json"))) == 1
    code, warm, _ = run_cli("claims", "check", "--format", "json", "--as-of", "2026-03-03")
    code2, fresh, _ = run_cli(
        "claims", "check", "--no-cache", "--format", "json", "--as-of", "2026-03-03"
    )
    assert code == code2 == 0 and cold == warm == fresh
    assert len(json.loads(cold)["data"]) >= 20
    code, table, _ = run_cli("claims", "check", "--as-of", "2026-03-03")
    assert code == 0 and "As of 2026-03-03: " in table
