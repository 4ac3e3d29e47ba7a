"""The service layer: one function per operation, each returning a sourced :class:`Result`.

These are airace's public Python API (``airace.cadence(...)`` is :func:`cadence` here).
Each takes keyword parameters as the CLI options name them and an optional ``data``
provider (default: the catalog); shells (CLI, report, web) call these and add nothing but
presentation.

>>> import airace
>>> result = airace.cadence(as_of="2026-03-03", window="14M", labs=["deepseek", "openai"])
>>> result.to_frame()  # doctest: +SKIP
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from airace.service.result import Result, Source

if TYPE_CHECKING:
    import pandas as pd

    from airace.service.data import Data

__all__ = [
    "Result",
    "Source",
    "budget",
    "cadence",
    "check_claims",
    "classify",
    "compare_dates",
    "compare_hardware",
    "compute_share",
    "efficiency",
    "explain_claim",
    "gap",
    "gap_efficiency",
    "gap_series",
    "gap_stats",
    "hardware_diff",
    "hardware_list",
    "hardware_show",
    "labs",
    "list_sources",
    "load_table",
    "metrics",
    "releases",
    "rules",
    "run_scenario",
    "score_claims",
]


def _data(data: Data | None) -> Data:
    from airace.service.data import default_data

    return data if data is not None else default_data()


def releases(data: Data | None = None, **params: Any) -> Result:
    from airace.service import launches as op

    return op.releases(_data(data), **params)


def labs(data: Data | None = None) -> Result:
    from airace.service import launches as op

    return op.labs(_data(data))


def rules() -> Result:
    from airace.service import launches as op

    return op.rules_list()


def cadence(data: Data | None = None, **params: Any) -> Result:
    from airace.service import launches as op

    return op.cadence(_data(data), **params)


def compare_dates(data: Data | None = None, **params: Any) -> Result:
    from airace.service import launches as op

    return op.compare_dates(_data(data), **params)


def gap(data: Data | None = None, **params: Any) -> Result:
    from airace.service import frontier as op

    return op.gap(_data(data), **params)


def gap_series(data: Data | None = None, **params: Any) -> Result:
    from airace.service import frontier as op

    return op.gap_series(_data(data), **params)


def gap_stats(data: Data | None = None, **params: Any) -> Result:
    from airace.service import frontier as op

    return op.gap_stats(_data(data), **params)


def gap_efficiency(data: Data | None = None, **params: Any) -> Result:
    """The best score each group reached within each training-compute budget."""
    from airace.service import frontier as op

    return op.efficiency(_data(data), **params)


def efficiency(data: Data | None = None, **params: Any) -> Result:
    """Score against training compute by group: efficiency frontiers, compute per score."""
    from airace.service import compute_efficiency as op

    return op.compute_efficiency(_data(data), **params)


def run_scenario(data: Data | None = None, **params: Any) -> Result:
    """A compute-supply scenario's quantiles, events, drivers and backtest."""
    from airace.service import scenarios as op

    return op.run_scenario(_data(data), **params)


def metrics() -> Result:
    from airace.service import frontier as op
    from airace.service.data import CatalogData

    return op.metrics(CatalogData())


def hardware_list(data: Data | None = None, **params: Any) -> Result:
    from airace.service import hardware as op

    return op.hardware_list(_data(data), **params)


def hardware_show(data: Data | None = None, **params: Any) -> Result:
    from airace.service import hardware as op

    return op.show(_data(data), **params)


def compare_hardware(data: Data | None = None, **params: Any) -> Result:
    from airace.service import hardware as op

    return op.compare(_data(data), **params)


def classify(data: Data | None = None, **params: Any) -> Result:
    from airace.service import hardware as op

    return op.classify(_data(data), **params)


def hardware_diff(data: Data | None = None, **params: Any) -> Result:
    from airace.service import hardware as op

    return op.diff(_data(data), **params)


def budget(data: Data | None = None, **params: Any) -> Result:
    from airace.service import economics as op

    return op.budget(_data(data), **params)


def compute_share(data: Data | None = None, **params: Any) -> Result:
    from airace.service import economics as op

    return op.compute_share(_data(data), **params)


def list_sources() -> Result:
    from airace.service import sources as op

    return op.snapshots()


def check_claims(data: Data | None = None, *, cached: bool = False, **params: Any) -> Result:
    """Verdicts for the claims of the ledgers (the bundled ones by default).

    ``cached=True`` reuses the answer stored for the same catalog state, code and date when
    the bundled ledgers are checked on the catalog (see :mod:`airace.service.cache`); such a
    result holds the records, sources, params and ``extra["counts"]``, not the verdict
    objects the report uses.
    """
    import datetime as dt

    provider = _data(data)
    if cached and not params.get("ledgers"):
        from airace.service import cache

        as_of = params.get("as_of") or dt.date.today()
        state = getattr(provider, "state", None)

        def compute() -> Result:
            from airace.service import claims as op

            return op.check(provider, as_of=as_of)

        return cache.cached(
            "claims-check",
            {"as_of": as_of},
            state() if callable(state) else None,
            compute,
            extra=("counts",),
        )
    from airace.service import claims as op

    return op.check(provider, **params)


def explain_claim(data: Data | None = None, **params: Any) -> Result:
    from airace.service import claims as op

    return op.explain(_data(data), **params)


def score_claims(data: Data | None = None, **params: Any) -> Result:
    from airace.service import claims as op

    return op.score_ledgers(_data(data), **params)


def load_table(name: str) -> pd.DataFrame:
    """A curated table from the catalog, as a DataFrame."""
    from airace.service.data import CatalogData

    return CatalogData().table(name)
