"""Responses cached per (endpoint, parameters, data version), with ETags for revalidation.

The server never writes the catalog, so the data version is fixed for the life of the
process; a cached body is therefore valid until the process ends. The cache is a bounded
LRU so that a client sweeping parameters cannot grow memory without limit.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Hashable, Mapping
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

T = TypeVar("T")


@dataclass(frozen=True)
class Cached:
    """One response body, its media type, its ETag and any extra headers."""

    body: bytes
    media_type: str
    etag: str
    headers: tuple[tuple[str, str], ...] = ()


def etag_of(body: bytes, version: str) -> str:
    """A strong ETag: the body's hash (salted with the data version)."""
    digest = hashlib.sha256(version.encode() + b"\0" + body).hexdigest()[:32]
    return f'"{digest}"'


def cache_key(endpoint: str, params: Mapping[str, Any], version: str) -> tuple[Hashable, ...]:
    """The key of one response: endpoint, parameters (order-free) and data version."""
    items = tuple(sorted((str(k), repr(v)) for k, v in params.items()))
    return (endpoint, items, version)


def matches(if_none_match: str | None, etag: str) -> bool:
    """Whether an If-None-Match header names this ETag (or ``*``); weak tags compare equal."""
    if not if_none_match:
        return False
    tags = [t.strip().removeprefix("W/") for t in if_none_match.split(",")]
    return "*" in tags or etag in tags


class ResponseCache(Generic[T]):
    """A thread-safe LRU: of :class:`Cached` bodies, or of service results."""

    def __init__(self, size: int = 512) -> None:
        self.size = size
        self._items: OrderedDict[tuple[Hashable, ...], T] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def get(self, key: tuple[Hashable, ...]) -> T | None:
        with self._lock:
            item = self._items.get(key)
            if item is None:
                self.misses += 1
                return None
            self._items.move_to_end(key)
            self.hits += 1
            return item

    def put(self, key: tuple[Hashable, ...], item: T) -> None:
        with self._lock:
            self._items[key] = item
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)

    def __len__(self) -> int:
        return len(self._items)
