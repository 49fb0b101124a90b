"""The estimator: weights per quant, KV cache, overheads, placement on a build, speed."""

from .api import (
    STATUS_ORDER,
    DeviceUse,
    Estimate,
    EstimateError,
    Memory,
    best_quant,
    check_quant,
    engine_kv,
    engine_quant,
    engine_quants,
    estimate,
    fit_status,
    max_context,
    on_gpu,
    quant_order,
)
from .engines import ENGINES, find_engine
from .kv import KV_NOTES, KV_TYPES, kv_cache
from .quant import BEST_QUANT_ORDER, QUANTS, TABLE_QUANTS, find_quant
from .speed import Speed
from .tensors import model_tensors, param_count
from .weights import file_bytes, weights

__all__ = [
    "BEST_QUANT_ORDER",
    "ENGINES",
    "KV_NOTES",
    "KV_TYPES",
    "QUANTS",
    "STATUS_ORDER",
    "TABLE_QUANTS",
    "DeviceUse",
    "Estimate",
    "EstimateError",
    "Memory",
    "Speed",
    "best_quant",
    "check_quant",
    "engine_kv",
    "engine_quant",
    "engine_quants",
    "estimate",
    "file_bytes",
    "find_engine",
    "find_quant",
    "fit_status",
    "kv_cache",
    "max_context",
    "model_tensors",
    "on_gpu",
    "param_count",
    "quant_order",
    "weights",
]
