"""Compute-supply scenarios: sourced assumptions in, distributions of H100-equivalents out.

Layering: this package imports only numpy, pandas, yaml, ``airace.errors`` and
``airace.analysis``; the CLI and services build on it, never the other way round.
"""

from airace.scenarios.engine import ScenarioRun, compare, quarters_between, run
from airace.scenarios.schema import Scenario, bundled_names, load, parse

__all__ = [
    "Scenario",
    "ScenarioRun",
    "bundled_names",
    "compare",
    "load",
    "parse",
    "quarters_between",
    "run",
]
