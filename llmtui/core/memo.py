"""Values worked out from objects, found again by those objects' identity.

Hashing a Model (its fields and its architecture's ~70) or a Build for an lru_cache costs microseconds,
and the estimator asks thousands of times per build with the very same objects. A memo keyed by id()
answers in a dict look-up: each entry holds its objects, so while it is kept no other object can take
their ids, and an equal copy (another object) is simply worked out again.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

V = TypeVar("V")


class IdentityMemo(Generic[V]):
    """`get(objects, extra, make)`: make()'s value for these very objects (by identity) and `extra` (by
    value), worked out once. Past `limit` entries the memo starts again empty (a few builds or
    catalogues are in use at a time). Safe to share between threads: a race at worst works a value
    out twice."""

    def __init__(self, limit: int) -> None:
        self._entries: dict[Hashable, tuple[tuple[object, ...], V]] = {}
        self._limit = limit

    def get(self, objects: tuple[object, ...], extra: Hashable, make: Callable[[], V]) -> V:
        key = (*[id(o) for o in objects], extra)
        hit = self._entries.get(key)
        if hit is not None:
            return hit[1]
        value = make()
        if len(self._entries) >= self._limit:
            self._entries.clear()
        self._entries[key] = (objects, value)  # holding the objects keeps their ids theirs
        return value

    def clear(self) -> None:
        self._entries.clear()

    def __len__(self) -> int:
        return len(self._entries)
