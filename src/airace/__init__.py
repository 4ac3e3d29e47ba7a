"""airace: an open observatory of the AI race.

The package keeps its import light (the CLI must start fast); the Python API lives in
:mod:`airace.api` and is re-exported lazily here.
"""

from __future__ import annotations

from typing import Any

__version__ = "0.1.0"

_API = {
    "releases",
    "cadence",
    "load_table",
    "catalog",
    "rules",
}


def __getattr__(name: str) -> Any:
    if name in _API:
        from airace import api

        return getattr(api, name)
    raise AttributeError(f"module 'airace' has no attribute {name!r}")
