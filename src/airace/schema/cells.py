"""Small helpers for table cells that may hold lists (DuckDB lists, numpy arrays, NULLs)."""

from __future__ import annotations

from typing import Any


def as_list(value: Any) -> list[str]:
    """A list cell as a plain list of strings; a missing value (None, NaN, NA) is empty."""
    if isinstance(value, (list, tuple)):
        return [str(v) for v in value]
    if hasattr(value, "tolist") and not isinstance(value, (str, bytes)):
        items = value.tolist()
        return [str(v) for v in items] if isinstance(items, list) else []
    return []
