"""A result cache for the slow, repeatable operations (``claims check``).

Checking the ledgers runs bootstraps, Monte-Carlo scenarios and dozens of queries; the
answer only changes when one of its inputs does. A cached answer is keyed by everything it
depends on: the operation and its parameters, the catalog's state (curated fingerprint plus
a token every build, import and update renews), the package's code and bundled files, and
the versions of the numerical libraries. Entries are JSON (never pickle: a cache file is
input, not code) in ``AIRACE_HOME/cache``; an unreadable entry is ignored and recomputed.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

from airace.service.result import Result, Source, jsonable

KEEP = 16  # entries kept per operation; older ones are deleted on write
_LIBRARIES = ("numpy", "pandas", "duckdb", "scipy")


def enabled() -> bool:
    """``AIRACE_NO_CACHE=1`` turns the cache off (e.g. to time the computation)."""
    return os.environ.get("AIRACE_NO_CACHE", "") in ("", "0")


@cache
def code_version() -> str:
    """Hash of the installed package: its code and bundled files (ledgers, scenarios, rules)."""
    root = Path(__file__).resolve().parent.parent
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*")):
        if path.suffix in {".py", ".yaml", ".csv"} and path.is_file():
            digest.update(path.relative_to(root).as_posix().encode())
            digest.update(path.read_bytes())
    from importlib.metadata import PackageNotFoundError, version

    for lib in _LIBRARIES:
        try:
            digest.update(f"{lib}={version(lib)}".encode())
        except PackageNotFoundError:
            digest.update(f"{lib}=none".encode())
    return digest.hexdigest()


def key(operation: str, params: dict[str, Any], state: str) -> str:
    text = json.dumps(
        {"op": operation, "params": jsonable(params), "state": state, "code": code_version()},
        sort_keys=True,
    )
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def _folder() -> Path:
    from airace.catalog.paths import home

    return home() / "cache"


def _to_json(result: Result, extra: tuple[str, ...]) -> dict[str, Any]:
    return {
        "operation": result.operation,
        "records": jsonable(result.records),
        "sources": [jsonable(vars(s)) for s in result.sources],
        "params": jsonable(result.params),
        "definitions": result.definitions,
        "caveats": result.caveats,
        "summary": jsonable(result.summary),
        "extra": {k: jsonable(result.extra[k]) for k in extra if k in result.extra},
    }


def _shape_ok(data: Any) -> bool:
    """An entry we wrote: anything else (hand-edited, truncated, foreign) is recomputed."""
    if not isinstance(data, dict):
        return False
    lists = ("records", "sources", "caveats")
    dicts = ("params", "definitions", "summary", "extra")
    return (
        isinstance(data.get("operation"), str)
        and all(isinstance(data.get(k), list) for k in lists)
        and all(isinstance(data.get(k), dict) for k in dicts)
        and all(isinstance(r, dict) for r in data["records"])
        and all(isinstance(s, dict) for s in data["sources"])
    )


def _from_json(data: dict[str, Any]) -> Result:
    if not _shape_ok(data):
        raise ValueError("not a cache entry")
    sources = [Source(**{**s, "pages": tuple(s.get("pages") or ())}) for s in data["sources"]]
    return Result(
        data["operation"],
        data["records"],
        sources,
        params=data["params"],
        definitions=data["definitions"],
        caveats=data["caveats"],
        extra={**data["extra"], "cached": True},
        summary=data["summary"],
    )


def cached(
    operation: str,
    params: dict[str, Any],
    state: str | None,
    compute: Callable[[], Result],
    extra: tuple[str, ...] = (),
) -> Result:
    """The cached result of ``compute()`` for these inputs, computing and storing it when
    absent. Only the JSON-safe parts survive: records, sources, params, definitions,
    caveats, summary and the ``extra`` keys named (plus ``extra["cached"]`` on a hit).
    With no ``state`` (a provider that is not the catalog) nothing is cached."""
    if state is None or not enabled():
        return compute()
    name = f"{operation}-{key(operation, params, state)}.json"
    path = _folder() / name
    try:
        return _from_json(json.loads(path.read_text(encoding="utf-8")))
    except Exception:  # missing, damaged or foreign: recompute and (over)write it
        pass
    payload = _to_json(compute(), extra)
    _store(path, payload, operation)
    # A miss returns what a hit would (the JSON-safe parts), so output never depends on it.
    fresh = _from_json(payload)
    fresh.extra["cached"] = False
    return fresh


def _store(path: Path, payload: dict[str, Any], operation: str) -> None:
    """Write an entry atomically; a cache that cannot be written is not an error."""
    from airace.files import write_atomic

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(path, json.dumps(payload).encode())
        entries = sorted(
            path.parent.glob(f"{operation}-*.json"), key=lambda p: p.stat().st_mtime, reverse=True
        )
        for old in entries[KEEP:]:
            old.unlink(missing_ok=True)
    except OSError:
        pass
