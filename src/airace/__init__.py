"""airace: an open observatory of the AI race.

The package keeps its import light (the CLI must start fast); the Python API is the service
layer (:mod:`airace.service`), re-exported lazily here: ``airace.cadence(...)``,
``airace.gap(...)``, ``airace.releases(...)`` and friends each return a
:class:`~airace.service.result.Result` with its records, sources and parameters.
"""

from __future__ import annotations

from typing import Any

from airace.version import __version__

__all__ = ["__version__"]


def __getattr__(name: str) -> Any:
    from airace import service

    if name in service.__all__:
        return getattr(service, name)
    raise AttributeError(f"module 'airace' has no attribute {name!r}")
