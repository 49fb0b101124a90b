"""KV cache size: standard attention with GQA, MLA's latent cache, sliding-window and chunked layers,
quantized caches, and each engine's allocation granularity."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from itertools import accumulate

from ..catalog.types import Arch

# Bytes per cached value (ggml block types: q8_0 = 34 B / 32 values, q4_0 = 18 B / 32).
KV_TYPES: dict[str, float] = {"f16": 2.0, "bf16": 2.0, "q8_0": 34 / 32, "q4_0": 18 / 32, "f32": 4.0}

# llama.cpp pads the KV cache to 256 cells (with flash attention); vLLM allocates 16-token blocks;
# MLX grows its cache in steps of 256 tokens.
CTX_PAD = {"llama.cpp": 256, "ollama": 256, "vllm": 16, "mlx": 256, "exo": 256}
UBATCH = 512  # llama.cpp's default physical batch; a windowed layer keeps window + ubatch cells


def pad(n: int, to: int) -> int:
    return -(-n // to) * to


@dataclass(frozen=True, slots=True)
class KVCache:
    per_layer: tuple[int, ...]  # bytes for each layer at this context
    cells: int  # context cells allocated (padded)
    kv_type: str
    basis: str
    prefix: tuple[int, ...] = ()  # running sums of per_layer (index i: layers 0..i-1)

    @property
    def total(self) -> int:
        return sum(self.per_layer)


def layer_cells(a: Arch, i: int, ctx: int, engine: str) -> int:
    cells = pad(ctx, CTX_PAD.get(engine, 256))
    if a.is_swa_layer(i):
        keep = a.sliding_window + (UBATCH if engine in ("llama.cpp", "ollama") else 0)
        cells = min(cells, pad(keep, CTX_PAD.get(engine, 256)))
    return cells


def values_per_cell(a: Arch) -> int:
    """K and V values cached per token per layer."""
    if a.is_mla:
        # The compressed latent and the rope part of K, shared by all heads; no separate V
        # (llama.cpp PR 19067; vLLM caches the same 576 values for DeepSeek V3).
        return a.kv_lora_rank + a.qk_rope_dim
    return 2 * a.kv_heads * a.head_dim


@lru_cache(maxsize=16384)
def kv_cache(a: Arch, ctx: int, kv_type: str = "f16", engine: str = "llama.cpp") -> KVCache:
    if kv_type not in KV_TYPES:
        raise ValueError(f"unknown KV cache type '{kv_type}' (use one of {', '.join(KV_TYPES)})")
    per_value = KV_TYPES[kv_type]
    vals = values_per_cell(a)
    per_layer = tuple(int(layer_cells(a, i, ctx, engine) * vals * per_value) for i in range(a.layers))
    if a.is_mla:
        basis = f"MLA latent: ({a.kv_lora_rank} + {a.qk_rope_dim}) values x {a.layers} layers"
    else:
        basis = f"2 x {a.kv_heads} KV heads x {a.head_dim} head dim x {a.layers} layers"
    if a.sliding_window:
        windowed = sum(1 for i in range(a.layers) if a.is_swa_layer(i))
        basis += f"; {windowed} windowed layers keep {a.sliding_window} tokens"
    basis += f"; {kv_type} = {per_value:g} B/value"
    return KVCache(per_layer, pad(ctx, CTX_PAD.get(engine, 256)), kv_type, basis, (0, *accumulate(per_layer)))


def kv_bytes_per_token(a: Arch, kv_type: str = "f16") -> float:
    """Bytes a full-attention token adds to the cache (all layers), for quick comparisons."""
    return values_per_cell(a) * KV_TYPES[kv_type] * a.layers
