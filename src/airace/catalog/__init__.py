"""The catalog layer: where airace keeps its files and the DuckDB database built from them."""

from airace.catalog.db import Catalog, build, fingerprint

__all__ = ["Catalog", "build", "fingerprint"]
