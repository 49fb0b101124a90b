"""Weight sizes of the catalogue at the default quant, kept in the user's cache directory (as JSON,
through llmtui.core.cache_file) so the first leaderboard does not wait for ~100 tensor walks (about
30 ms) on every start."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import asdict, fields
from typing import Any

from ..catalog.types import Arch
from .weights import Weights, prime, weights

FILE = "weights.json"
_TUPLES = {f.name for f in fields(Weights) if f.name.startswith("layer") or f.name.endswith("prefix")}
_FIELDS = {f.name for f in fields(Weights)}


def _arch_key(a: Arch) -> str:
    return json.dumps(asdict(a), sort_keys=True, separators=(",", ":"))


def load(archs: Iterable[Arch], quant: str) -> int:
    """Prime weights() from the cache for these architectures; returns how many were found."""
    from .. import cache_file

    table = cache_file.read(FILE, quant)
    if not isinstance(table, dict):
        return 0
    found = 0
    for a in archs:
        raw = table.get(_arch_key(a))
        if not isinstance(raw, dict) or set(raw) != _FIELDS:  # written by an llmtui with other fields
            continue
        try:
            fields_: dict[str, Any] = {k: tuple(v) if k in _TUPLES else v for k, v in raw.items()}
            w = Weights(**fields_)
        except (TypeError, ValueError):
            continue
        if w.quant == quant and len(w.layer_bytes) == a.layers:
            prime(a, quant, w)
            found += 1
    return found


def save(archs: Iterable[Arch], quant: str) -> None:
    from .. import cache_file

    table = {_arch_key(a): asdict(weights(a, quant)) for a in set(archs)}
    cache_file.write(FILE, quant, table)
