"""Weight sizes of the catalogue at the default quant, kept in the user's cache directory so the
first leaderboard does not wait for ~100 tensor walks (about 30 ms) on every start."""

from __future__ import annotations

import contextlib
import pickle
from collections.abc import Iterable

from ... import __version__
from ..catalog.types import Arch
from ..paths import user_cache_dir
from .weights import Weights, prime, weights

FILE = "weights.pickle"


def load(archs: Iterable[Arch], quant: str) -> int:
    """Prime weights() from the cache for these architectures; returns how many were found."""
    try:
        with (user_cache_dir() / FILE).open("rb") as fh:
            version, table = pickle.load(fh)
    except Exception:  # missing, truncated, or written by another version
        return 0
    if version != __version__ or not isinstance(table, dict):
        return 0
    found = 0
    for a in archs:
        w = table.get((a, quant))
        if isinstance(w, Weights):
            prime(a, quant, w)
            found += 1
    return found


def save(archs: Iterable[Arch], quant: str) -> None:
    table = {(a, quant): weights(a, quant) for a in set(archs)}
    with contextlib.suppress(OSError, pickle.PickleError):
        from ..files import atomic_write_bytes

        atomic_write_bytes(
            user_cache_dir() / FILE, pickle.dumps((__version__, table), protocol=pickle.HIGHEST_PROTOCOL)
        )
