"""Weight sizes already computed, kept in the user's cache directory (JSON, through
llmtui.core.cache_file) so a leaderboard, `llmtui models` or the app does not redo the tensor walks of
every architecture and quant (about 1 ms each) on every start.

Every (architecture, quant) the estimator computes is remembered; `flush()` writes the new ones once
a command or the app's first leaderboard is done. An entry is stored compactly (each run of equal
layers once, as a flat list of numbers) under a digest of the architecture's facts; the whole file is
keyed by a digest of the estimator's own source (tensors, quant rules, weights), so a changed estimator
never reads old sizes. The file keeps at most MAX_ARCHS architectures: those used by the latest run
first, then the most recently stored (a user's catalogue of thousands stays a file read in ~10 ms).

With no valid cache file (the first start, or a new llmtui), the table starts from the one llmtui's
build stored next to the bundled catalogue (BUNDLE: the bundled architectures at the default quant,
under the same digest), so the first leaderboard does not walk every architecture's tensors.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Iterable
from dataclasses import fields
from functools import lru_cache
from itertools import accumulate
from pathlib import Path
from typing import Any

from ..catalog.types import Arch
from .weights import Weights

FILE = "weights.json"
BUNDLE = "weights.parsed.json"  # in the bundled data folder, written by llmtui's build (core.prebuilt)
MAX_ARCHS = 3000  # about 3 MB of JSON at every quant of each

_table: dict[str, dict[str, Any]] | None = None  # arch key -> quant -> compact entry
_new: dict[tuple[str, str], dict[str, Any]] = {}
_used: set[str] = set()  # arch keys looked up by this run
_lock = threading.Lock()  # _new and _used change in worker threads


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


_SKIP = ("source", "ctx_note")  # provenance, not shape


@lru_cache(maxsize=8192)
def _arch_key(a: Arch) -> str:
    facts = [(f.name, getattr(a, f.name)) for f in fields(a) if f.name not in _SKIP]
    text = json.dumps(facts, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()[:24]


def _load() -> dict[str, dict[str, Any]]:
    global _table
    if _table is None:
        from .. import cache_file

        data = cache_file.read(FILE, _digest())
        _table = data if isinstance(data, dict) else _bundled()
    return _table


def _bundled() -> dict[str, dict[str, Any]]:
    """The table stored by llmtui's build, if it was computed by this estimator; else empty."""
    from ..paths import bundled_data_dir
    from ..prebuilt import stored

    data = stored(bundled_data_dir() / BUNDLE, _digest())
    return dict(data) if isinstance(data, dict) else {}


def write_bundle(archs: Iterable[Arch], quants: Iterable[str], target: Path) -> int:
    """Compute these architectures at these quants and store them at target (llmtui's build does).
    Returns how many entries were stored."""
    from ..prebuilt import store
    from .weights import computed

    table: dict[str, dict[str, Any]] = {}
    for a in archs:
        for q in quants:
            table.setdefault(_arch_key(a), {})[q] = _compact(computed(a, q))
    store(target, _digest(), table)
    return sum(len(v) for v in table.values())


def _compact(w: Weights) -> dict[str, Any]:
    runs: list[int] = []  # size, expert bytes, count; size, expert bytes, count; ...
    for size, experts in zip(w.layer_bytes, w.layer_expert_bytes, strict=True):
        if runs and runs[-3] == size and runs[-2] == experts:
            runs[-1] += 1
        else:
            runs += [size, experts, 1]
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
        runs = [int(v) for v in d["L"]]
        if len(runs) % 3 or sum(runs[2::3]) != layers or min(runs[2::3], default=1) < 1:
            return None
        sizes = tuple(runs[i] for i in range(0, len(runs), 3) for _ in range(runs[i + 2]))
        experts = tuple(runs[i + 1] for i in range(0, len(runs), 3) for _ in range(runs[i + 2]))
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
    key = _arch_key(arch)
    with _lock:
        _used.add(key)
    entry = _load().get(key, {}).get(quant)
    return _expand(quant, entry, arch.layers) if isinstance(entry, dict) else None


def remember(arch: Arch, quant: str, w: Weights) -> None:
    """A freshly computed result, to be written by the next flush()."""
    entry = _compact(w)
    with _lock:
        _new[(_arch_key(arch), quant)] = entry


def flush() -> None:
    """Write the results computed since the cache was read (once; nothing new, nothing written)."""
    global _table
    with _lock:  # the app's workers compute (and remember) while another one flushes
        if not _new:
            return
        new = list(_new.items())
        _new.clear()
        used = set(_used)
    from .. import cache_file

    table = dict(_load())
    for (key, quant), entry in new:
        table[key] = {**table.pop(key, {}), quant: entry}  # re-inserted: the newest last
    if len(table) > MAX_ARCHS:  # this run's architectures stay; of the others, the latest stored
        fresh = used | {key for (key, _), _ in new}
        order = [k for k in table if k not in fresh] + [k for k in table if k in fresh]
        table = {k: table[k] for k in order[-MAX_ARCHS:]}
    cache_file.write(FILE, _digest(), table)
    _table = table


def load(archs: Iterable[Arch], quant: str) -> int:
    """How many of these architectures the cache holds at this quant (weights() reads them itself)."""
    return sum(1 for a in set(archs) if lookup(a, quant) is not None)


def reset() -> None:
    """Forget what was read and remembered (tests, and a cache directory that changed)."""
    global _table
    _table = None
    _new.clear()
    _used.clear()
