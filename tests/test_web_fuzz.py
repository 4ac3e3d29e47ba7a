"""Fuzz the JSON API against its own OpenAPI schema, in-process (schemathesis 4).

Checks: no response is a server error (5xx) and every response conforms to the schema
(status documented, body matching the declared model). Examples are bounded per operation
so the module runs in well under a minute.
"""

from __future__ import annotations

import contextlib
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

schemathesis = pytest.importorskip("schemathesis")
from hypothesis import HealthCheck, Phase, given, settings  # noqa: E402
from hypothesis.errors import Unsatisfiable  # noqa: E402
from schemathesis.checks import not_a_server_error  # noqa: E402
from schemathesis.specs.openapi.checks import response_schema_conformance  # noqa: E402


@pytest.fixture(scope="module")
def web_app(tmp_path_factory: pytest.TempPathFactory, built_catalog: Path) -> Iterator[Any]:
    home = tmp_path_factory.mktemp("fuzz-home")
    shutil.copy2(built_catalog, home / "catalog.duckdb")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("AIRACE_HOME", str(home))
        from airace.web.app import create_app

        yield create_app()
    from airace.service.context import reset

    reset()


CHECKS = [not_a_server_error, response_schema_conformance]


def _operations(app: Any) -> list[Any]:
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    return [result.ok() for result in schema.get_all_operations()]


def _fuzz(operation: Any, examples: int, mode: Any) -> None:
    @settings(
        max_examples=examples,
        deadline=None,
        derandomize=True,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
        database=None,
    )
    @given(case=operation.as_strategy(generation_mode=mode))
    def run(case: Any) -> None:
        case.call_and_validate(checks=CHECKS)

    run()


def test_api_never_5xx_and_matches_its_schema(web_app: Any) -> None:
    """Valid inputs, then invalid ones (wrong types, out of range, missing): never a 5xx."""
    from schemathesis import GenerationMode

    operations = _operations(web_app)
    assert len(operations) > 50
    for operation in operations:
        # The ledger endpoints evaluate every claim (about a second per new as_of): fewer
        # examples there.
        heavy = "/claims/" in operation.path
        _fuzz(operation, 1 if heavy else 5, GenerationMode.POSITIVE)
        with contextlib.suppress(Unsatisfiable):  # no parameter to get wrong (/health)
            _fuzz(operation, 1 if heavy else 2, GenerationMode.NEGATIVE)
