"""The estimator: weights per quant, KV cache, overheads, placement on a build, speed.

Names are loaded from their module on first use (PEP 562): the app's first frame, drawn from kept
leaderboards, needs the quant and engine tables but none of placement, speed or serving, and a start
that imports them all pays ~20 ms for nothing."""

# ruff: noqa: F401  (the TYPE_CHECKING block below re-exports)
from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

_FROM = {
    ".api": (
        "DeviceUse",
        "Estimate",
        "Memory",
        "best_quant",
        "check_quant",
        "estimate",
        "fit_status",
        "max_context",
        "on_gpu",
    ),
    ".status": ("STATUS_ORDER", "EstimateError"),
    ".engines": ("ENGINES", "find_engine", "engine_kv", "engine_quant", "engine_quants", "quant_order"),
    ".kv": ("KV_NOTES", "KV_TYPES", "kv_cache"),
    ".quant": ("BEST_QUANT_ORDER", "QUANTS", "TABLE_QUANTS", "find_quant"),
    ".speed": ("Speed",),
    ".tensors": ("model_tensors", "param_count"),
}
_WHERE = {name: module for module, names in _FROM.items() for name in names}

# Bound at import, as before: the function `weights` shares its name with its module, and a lazy
# binding would lose to the module once anything imported llmtui.core.estimate.weights.
from .weights import file_bytes, weights  # noqa: E402

__all__ = sorted([*_WHERE, "file_bytes", "weights"])


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module, __name__), name)
    globals()[name] = value  # the next look-up is a plain attribute
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_WHERE))


if TYPE_CHECKING:  # what mypy reads; at run time __getattr__ loads the same names
    from .api import (
        DeviceUse,
        Estimate,
        Memory,
        best_quant,
        check_quant,
        estimate,
        fit_status,
        max_context,
        on_gpu,
    )
    from .engines import ENGINES, engine_kv, engine_quant, engine_quants, find_engine, quant_order
    from .kv import KV_NOTES, KV_TYPES, kv_cache
    from .quant import BEST_QUANT_ORDER, QUANTS, TABLE_QUANTS, find_quant
    from .speed import Speed
    from .status import STATUS_ORDER, EstimateError
    from .tensors import model_tensors, param_count
