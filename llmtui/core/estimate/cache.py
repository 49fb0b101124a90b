"""Weight sizes already computed, kept in the user's cache directory (JSON, through
llmtui.core.cache_file) so a leaderboard, `llmtui models` or the app does not redo the tensor walks of
every architecture and quant (about 1 ms each) on every start.

Every (architecture, quant) the estimator computes is remembered; `flush()` writes the new ones once
a command or the app's first leaderboard is done. An entry is stored compactly (each run of equal
layers once) and keyed by the architecture's facts; the whole file is keyed by a digest of the
estimator's own source (tensors, quant rules, weights), so a changed estimator never reads old sizes.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import asdict
from functools import lru_cache
from itertools import accumulate
from pathlib import Path
from typing import Any

from ..catalog.types import Arch
from .weights import Weights

FILE = "weights.json"
MAX_ENTRIES = 50_000  # about 5 MB of JSON: beyond that the oldest stay out

_table: dict[str, dict[str, Any]] | None = None  # arch key -> quant -> compact entry
_new: dict[tuple[str, str], dict[str, Any]] = {}


@lru_cache(maxsize=1)
def _digest() -> str:
    """What the cache file is valid for: the estimator's sources that decide a weight size."""
    here = Path(__file__).resolve().parent
    h = hashlib.sha256()
    for name in ("tensors.py", "quant.py", "weights.py", "published.py", "../catalog/types.py"):
        try:
            h.update((here / name).read_bytes())
        except OSError:
            h.update(name.encode())
    return h.hexdigest()[:16]


@lru_cache(maxsize=8192)
def _arch_key(a: Arch) -> str:
    d = asdict(a)
    d.pop("source", None)
    d.pop("ctx_note", None)
    return json.dumps(d, sort_keys=True, separators=(",", ":"))


def _load() -> dict[str, dict[str, Any]]:
    global _table
    if _table is None:
        from .. import cache_file

        data = cache_file.read(FILE, _digest())
        _table = data if isinstance(data, dict) else {}
    return _table


def _compact(w: Weights) -> dict[str, Any]:
    runs: list[list[int]] = []
    for size, experts in zip(w.layer_bytes, w.layer_expert_bytes, strict=True):
        if runs and runs[-1][0] == size and runs[-1][1] == experts:
            runs[-1][2] += 1
        else:
            runs.append([size, experts, 1])
    return {
        "e": w.embd_bytes,
        "o": w.output_bytes,
        "x": w.extra_file_bytes,
        "r": w.expert_read_fraction,
        "t": w.tied_copy_bytes,
        "L": runs,
    }


def _expand(quant: str, d: dict[str, Any], layers: int) -> Weights | None:
    try:
        runs = d["L"]
        sizes = tuple(int(s) for s, _, n in runs for _ in range(int(n)))
        experts = tuple(int(e) for _, e, n in runs for _ in range(int(n)))
        if len(sizes) != layers:
            return None
        return Weights(
            quant=quant,
            embd_bytes=int(d["e"]),
            output_bytes=int(d["o"]),
            layer_bytes=sizes,
            layer_expert_bytes=experts,
            extra_file_bytes=int(d["x"]),
            expert_read_fraction=float(d["r"]),
            layer_prefix=(0, *accumulate(sizes)),
            expert_prefix=(0, *accumulate(experts)),
            tied_copy_bytes=int(d["t"]),
        )
    except (KeyError, TypeError, ValueError):
        return None


def lookup(arch: Arch, quant: str) -> Weights | None:
    """The stored weights of this architecture at this quant, or None."""
    entry = _load().get(_arch_key(arch), {}).get(quant)
    return _expand(quant, entry, arch.layers) if isinstance(entry, dict) else None


def remember(arch: Arch, quant: str, w: Weights) -> None:
    """A freshly computed result, to be written by the next flush()."""
    _new[(_arch_key(arch), quant)] = _compact(w)


def flush() -> None:
    """Write the results computed since the cache was read (once; nothing new, nothing written)."""
    if not _new:
        return
    from .. import cache_file

    table = dict(_load())
    for (key, quant), entry in _new.items():
        table[key] = {**table.get(key, {}), quant: entry}
    if sum(len(v) for v in table.values()) <= MAX_ENTRIES:
        cache_file.write(FILE, _digest(), table)
    _new.clear()
    global _table
    _table = table


def load(archs: Iterable[Arch], quant: str) -> int:
    """How many of these architectures the cache holds at this quant (weights() reads them itself)."""
    return sum(1 for a in set(archs) if lookup(a, quant) is not None)


def reset() -> None:
    """Forget what was read and remembered (tests, and a cache directory that changed)."""
    global _table
    _table = None
    _new.clear()
