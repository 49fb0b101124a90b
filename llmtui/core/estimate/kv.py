"""The memory that grows with context or sequences: the KV cache of attention layers (GQA, MLA's
latent, windowed layers, per-layer shapes), and the fixed recurrent state of linear-attention and
Mamba layers, with quantized caches and each engine's allocation granularity.

llama.cpp (src/llama-kv-cache.cpp, llama-memory-recurrent.cpp, llama-hparams.cpp at 0c1e570): a
layer without attention has no KV cells (has_kv); a recurrent layer keeps, per sequence, a conv
state of (d_conv - 1) x conv channels and an SSM state of d_state x d_inner values, in f32,
independent of the context length.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from itertools import accumulate

from ..catalog.types import ATTENTION_KINDS, Arch
from .tensors import attn_shape

# Bytes per cached value (ggml block types: q8_0 = 34 B / 32 values, q4_0 = 18 B / 32).
# What each KV cache type is, as the pickers say it.
KV_NOTES = {
    "f16": "f16 (default)",
    "q8_0": "q8_0: half the KV memory",
    "q4_0": "q4_0: quarter, lossy",
    "fp8": "fp8: half the KV memory (vLLM --kv-cache-dtype fp8)",
}
KV_TYPES: dict[str, float] = {"f16": 2.0, "bf16": 2.0, "q8_0": 34 / 32, "q4_0": 18 / 32, "f32": 4.0, "fp8": 1.0}
STATE_BYTES = 4  # recurrent states are f32 (llama.cpp's default for r and s)

# llama.cpp pads the KV cache to 256 cells (with flash attention); vLLM allocates 16-token blocks;
# MLX grows its cache in steps of 256 tokens.
CTX_PAD = {"llama.cpp": 256, "ollama": 256, "vllm": 16, "mlx": 256, "exo": 256}
UBATCH = 512  # llama.cpp's default physical batch; a windowed layer keeps window + ubatch cells


def pad(n: int, to: int) -> int:
    return -(-n // to) * to


@dataclass(frozen=True, slots=True)
class KVCache:
    per_layer: tuple[int, ...]  # bytes for each layer at this context: KV cells, or recurrent state
    cells: int  # context cells allocated (padded)
    kv_type: str
    basis: str
    prefix: tuple[int, ...] = ()  # running sums of per_layer (index i: layers 0..i-1)
    state_bytes: int = 0  # of which recurrent state (per sequence, fixed)

    @property
    def total(self) -> int:
        return sum(self.per_layer)


def layer_cells(a: Arch, i: int, ctx: int, engine: str, n_seq: int = 1) -> int:
    """Cells of layer i: the padded context (shared by the sequences), or for a windowed layer the
    window of every sequence plus one batch (llama.cpp's SWA cache without swa_full)."""
    if not a.has_kv(i):
        return 0
    cells = pad(ctx, CTX_PAD.get(engine, 256))
    if a.is_swa_layer(i):
        keep = a.sliding_window * n_seq + (UBATCH if engine in ("llama.cpp", "ollama") else 0)
        cells = min(cells, pad(keep, CTX_PAD.get(engine, 256)))
    return cells


def layer_values(a: Arch, i: int) -> int:
    """K and V values cached per token in layer i (0 for a layer without attention, or one that
    attends with an earlier layer's cache)."""
    return _values(a, i) if a.has_kv(i) else 0


def _values(a: Arch, i: int) -> int:
    if a.is_mla:
        # The compressed latent and the rope part of K, shared by all heads; no separate V
        # (llama.cpp PR 19067; vLLM caches the same 576 values for DeepSeek V3). A sparse-attention
        # indexer (DeepSeek V3.2, GLM-5) caches one more key of index_head_dim per token
        # (llama-kv-cache-dsa.cpp: an MQA cache with a single head).
        return a.kv_lora_rank + a.qk_rope_dim + (a.index_head_dim if a.has_indexer(i) else 0)
    kv_heads, head_dim = attn_shape(a, i)
    values = kv_heads * (head_dim + (a.v_dim or head_dim))
    if a.has_indexer(i):
        # MiniMax-M3's MSA indexer cache (llama-kv-cache-msa.cpp) is a one-head K/V cache whose keys are
        # index_head_dim wide; its V keeps the model's value width although nothing reads it
        values += a.index_head_dim + (a.v_dim or head_dim)
    return values


def state_values(a: Arch, i: int, kind: str | None = None) -> int:
    """Recurrent-state values per sequence of layer i: conv state + SSM state (llama_hparams::n_embd_r
    and n_embd_s); 0 for attention layers. kind: layer i's kind, when the caller has it."""
    kind = a.layer_kind(i) if kind is None else kind
    if kind == "C":  # LFM2 short conv: kernel - 1 columns of the hidden width
        return (a.shortconv_kernel - 1) * a.hidden
    if kind == "K":  # KDA: conv states of q, k and v, and one head_dim x head_dim matrix per head
        inner = a.kda_heads * a.kda_head_dim
        return 3 * (a.linear_conv - 1) * inner + a.kda_head_dim * a.kda_head_dim * a.kda_heads
    if kind == "L":  # Gated DeltaNet: d_inner = value dim, d_state = key head dim
        key_dim, value_dim = a.linear_k_heads * a.linear_k_dim, a.linear_v_heads * a.linear_v_dim
        return (a.linear_conv - 1) * (2 * key_dim + value_dim) + a.linear_k_dim * value_dim
    if kind in "MP":  # Mamba-2 (alone, or beside attention in Falcon-H1)
        return (a.ssm_conv - 1) * (a.ssm_inner + 2 * a.ssm_groups * a.ssm_state) + a.ssm_state * a.ssm_inner
    if a.compress_kinds:  # DeepSeek V4's compressor states: a kv and a score plane each
        c = a.compress_kinds[i]
        if c == "C":  # 2 x ratio rows of twice the head (and of twice the indexer key)
            return 2 * 2 * DSV4_CSA * (2 * a.head_dim + 2 * a.index_head_dim)
        if c == "H":
            return 2 * DSV4_HCA * a.head_dim
    return 0


# DeepSeek V4's compression ratios (llama-kv-cache-dsv4.cpp: DSV4_CSA_RATIO, DSV4_HCA_RATIO)
DSV4_CSA, DSV4_HCA = 4, 128


def _dsv4_values(a: Arch, i: int, ctx: int, engine: str, n_seq: int) -> int:
    """Cached values of DeepSeek V4 layer i for n_seq sequences: llama.cpp keeps one stream per
    sequence, each with the window (+ a batch) of raw K, and for the whole context the compressed K
    (4:1 or 128:1) and, on 4:1 layers, the indexer keys; all K-only (K = V)."""
    to = CTX_PAD.get(engine, 256)
    cells = pad(ctx, to)
    raw = min(cells, pad(a.sliding_window + (UBATCH if engine in ("llama.cpp", "ollama") else 0), to))
    values = raw * a.head_dim
    c = a.compress_kinds[i] if i < len(a.compress_kinds) else "-"
    if c == "C":
        values += pad(-(-cells // DSV4_CSA), 256) * (a.head_dim + a.index_head_dim)
    elif c == "H":
        values += pad(-(-cells // DSV4_HCA), 256) * a.head_dim
    return values * n_seq


@lru_cache(maxsize=4096)
def _kinds(a: Arch) -> tuple[str, ...]:
    """Each layer's kind (Arch.layer_kind), worked out once: a layer attends when its kind is in
    ATTENTION_KINDS and is windowed exactly when its kind is "S" (Arch.attends, Arch.is_swa_layer)."""
    return tuple(a.layer_kind(i) for i in range(a.layers))


@lru_cache(maxsize=4096)
def _read_table(a: Arch) -> tuple[tuple[int, bool], ...]:
    """Per layer: the values a token of its cache holds (0: no attention) and whether it is windowed."""
    return tuple((_values(a, i) if k in ATTENTION_KINDS else 0, k == "S") for i, k in enumerate(_kinds(a)))


@lru_cache(maxsize=4096)
def _read_prefix(a: Arch) -> tuple[tuple[int, ...], tuple[int, ...], tuple[int, ...]]:
    """Running sums over the layers of the values a token caches in full-context layers, in windowed
    layers, and of the recurrent state values (index i: layers 0..i-1)."""
    full, window, state = [0], [0], [0]
    kinds = _kinds(a)
    for i, (values, windowed) in enumerate(_read_table(a)):
        full.append(full[-1] + (0 if windowed else values))
        window.append(window[-1] + (values if windowed else 0))
        state.append(state[-1] + state_values(a, i, kinds[i]))
    return tuple(full), tuple(window), tuple(state)


def read_over(a: Arch, layers: range, depth: int) -> tuple[float, int]:
    """(KV values read, recurrent-state values read) to decode one token at `depth` over a range of
    layers: read_values and state_values summed, from running sums (DeepSeek V4 layer by layer)."""
    if a.compress_kinds or layers.step != 1 or layers.stop > a.layers:
        return sum(read_values(a, i, depth) for i in layers), sum(state_values(a, i) for i in layers)
    full, window, state = _read_prefix(a)
    lo, hi = layers.start, max(layers.start, layers.stop)
    kv = (full[hi] - full[lo]) * depth + (window[hi] - window[lo]) * min(depth, a.sliding_window)
    return kv, state[hi] - state[lo]


def read_values(a: Arch, i: int, depth: int) -> float:
    """KV values layer i reads to decode one token at `depth` (windowed layers read their window;
    DeepSeek V4 its window, its indexer keys and the compressed entries it attends to)."""
    if not a.attends(i):
        return 0.0
    if a.compress_kinds:
        values: float = min(depth, a.sliding_window) * a.head_dim
        c = a.compress_kinds[i]
        if c == "C":  # the indexer scores every compressed entry, attention reads the top-k of them
            n = depth / DSV4_CSA
            values += n * a.index_head_dim + min(n, a.index_topk) * a.head_dim
        elif c == "H":
            values += depth / DSV4_HCA * a.head_dim
        return values
    values, windowed = _read_table(a)[i] if i < a.layers else (_values(a, i), a.is_swa_layer(i))
    cells = min(depth, a.sliding_window) if windowed else depth
    return cells * values  # a layer sharing an earlier layer's cache reads it all the same


@lru_cache(maxsize=4096)
def _layer_facts(a: Arch) -> tuple[tuple[bool, bool, int, int], ...]:
    """Per layer, what does not depend on the context: whether it keeps its own KV cache, whether it is
    windowed, the values a cell holds, and its recurrent-state values per sequence."""
    out = []
    own = a.layers - a.kv_shared_layers  # layers from here on reuse an earlier layer's cache (Arch.has_kv)
    for i, kind in enumerate(_kinds(a)):
        has_kv = kind in ATTENTION_KINDS and i < own
        out.append((has_kv, has_kv and kind == "S", _values(a, i) if has_kv else 0, state_values(a, i, kind)))
    return tuple(out)


@lru_cache(maxsize=16384)
def kv_cache(a: Arch, ctx: int, kv_type: str = "f16", engine: str = "llama.cpp", n_seq: int = 1) -> KVCache:
    """The cache for one model at a context, for n_seq parallel sequences sharing the cells (a unified
    KV cache: llama-server's default); each sequence has its own recurrent state."""
    if kv_type not in KV_TYPES:
        raise ValueError(f"unknown KV cache type '{kv_type}' (use one of {', '.join(KV_TYPES)})")
    if engine == "vllm" and a.recurrent and not a.compress_kinds:
        return _vllm_hybrid(a, ctx, kv_type, n_seq)
    per_value = KV_TYPES[kv_type]
    per_layer = []
    state = 0
    to = CTX_PAD.get(engine, 256)
    full = pad(ctx, to)
    window = pad(a.sliding_window * n_seq + (UBATCH if engine in ("llama.cpp", "ollama") else 0), to)
    for i, (has_kv, swa, values_per_cell, state_per_seq) in enumerate(_layer_facts(a)):
        s = state_per_seq * STATE_BYTES * n_seq
        state += s
        if a.compress_kinds:
            values = _dsv4_values(a, i, ctx, engine, n_seq)
        elif has_kv:  # as layer_cells() * layer_values()
            values = (min(full, window) if swa else full) * values_per_cell
        else:
            values = 0
        per_layer.append(int(values * per_value) + s)
    attn = sum(1 for f in _layer_facts(a) if f[0])
    if a.compress_kinds:
        n_csa, n_hca = a.compress_kinds.count("C"), a.compress_kinds.count("H")
        basis = (
            f"one {a.head_dim}-wide K (= V) head: a {a.sliding_window}-token window on {attn} layers,"
            f" the context compressed 4:1 with {a.index_head_dim}-wide indexer keys on {n_csa} layers and"
            f" 128:1 on {n_hca}, per sequence"
        )
    elif a.is_mla:
        n_index = sum(1 for i in range(a.layers) if a.has_indexer(i))
        index = f" + {a.index_head_dim} indexer key on {n_index} layers" if n_index else ""
        basis = f"MLA latent: ({a.kv_lora_rank} + {a.qk_rope_dim}{index}) values x {attn} layers"
    elif a.index_heads:
        n_index = sum(1 for i in range(a.layers) if a.has_indexer(i))
        basis = (
            f"2 x {a.kv_heads} KV heads x {a.head_dim} head dim x {attn} attention layers + a one-head"
            f" indexer cache ({a.index_head_dim} K + {a.v_dim or a.head_dim} V) on {n_index} layers"
        )
    elif a.v_dim and a.v_dim != a.head_dim:
        basis = (
            f"({a.head_dim} K + {a.v_dim} V) x {a.kv_heads} KV heads (local) or {a.global_kv_heads or a.kv_heads}"
            f" (global) x {attn} layers"
        )
    elif a.global_kv_heads:
        basis = (
            f"2 x {a.kv_heads} KV heads x {a.head_dim} (local) or {a.global_kv_heads} x "
            f"{a.global_head_dim or a.head_dim} (global) x {attn} layers"
        )
    else:
        basis = f"2 x {a.kv_heads} KV heads x {a.head_dim} head dim x {attn} attention layers"
    if a.sliding_window:
        windowed = _kinds(a).count("S")  # as stated: attending or not
        basis += f"; {windowed} windowed layers keep {a.sliding_window} tokens"
    basis += f"; {kv_type} = {per_value:g} B/value"
    recurrent = sum(1 for f in _layer_facts(a) if f[3])
    if state:
        basis += f"; {recurrent} recurrent layers: {state / n_seq / 2**20:.1f} MiB f32 state per sequence"
    if n_seq > 1:
        basis += f"; {n_seq} parallel sequences share the context cells"
    return KVCache(
        tuple(per_layer), pad(ctx, CTX_PAD.get(engine, 256)), kv_type, basis, (0, *accumulate(per_layer)), state
    )


VLLM_BLOCK = 16  # vLLM's default block of tokens (and the alignment it grows hybrid blocks by)
VLLM_STATE_BYTES = 2  # mamba_cache_dtype / mamba_ssm_cache_dtype "auto": the model's bf16


def _vllm_hybrid(a: Arch, ctx: int, kv_type: str, n_seq: int) -> KVCache:
    """vLLM's hybrid KV cache manager (docs/design/hybrid_kv_cache_manager.md, case 4): one memory pool
    of equal pages. The attention block grows (in steps of 16 tokens) until one layer's block holds a
    recurrent layer's state; each state is padded to that page; layers are grouped by type in groups of
    the smaller type's count, the last group padded. Per sequence: one page per recurrent layer, and
    ceil(context / block) pages per attention layer (windowed ones: their window)."""
    per_value = KV_TYPES[kv_type]
    attn = [i for i in range(a.layers) if a.has_kv(i)]
    rec = [i for i in range(a.layers) if state_values(a, i)]
    token = max((layer_values(a, i) * per_value for i in attn), default=0.0)  # bytes per token, one layer
    state = max((state_values(a, i) * VLLM_STATE_BYTES for i in rec), default=0)
    block = VLLM_BLOCK
    if token and state > block * token:
        block = VLLM_BLOCK * -(-int(state) // int(VLLM_BLOCK * token))
    page = block * token if token else state
    group = max(1, min(len(attn), len(rec)) if attn and rec else len(attn) or len(rec))

    def padded(n: int) -> float:  # a type's layers fill whole groups
        return -(-n // group) * group / n if n else 0.0

    pages = -(-pad(ctx, VLLM_BLOCK) // block) + n_seq - 1  # the sequences share ctx; each ends mid-page
    per_layer = [0] * a.layers
    for i in attn:
        n = -(-(a.sliding_window + block) // block) * n_seq if a.is_swa_layer(i) else pages
        per_layer[i] += int(min(n, pages) * page * padded(len(attn)))
    for i in rec:
        per_layer[i] += int(page * n_seq * padded(len(rec)))
    state_total = sum(int(page * n_seq * padded(len(rec))) for _ in rec)
    basis = (
        f"vLLM hybrid KV cache: pages of {block} tokens x {len(attn)} attention layers"
        f" ({kv_type} = {per_value:g} B/value; {pages} pages at this context);"
        f" {len(rec)} recurrent layers keep one page each ({state / 2**20:.2f} MiB bf16 state, padded to"
        f" {page / 2**20:.2f} MiB); layers grouped {group} at a time"
    )
    if n_seq > 1:
        basis += f"; {n_seq} sequences share the context, each with its own state"
    return KVCache(tuple(per_layer), pad(ctx, VLLM_BLOCK), kv_type, basis, (0, *accumulate(per_layer)), state_total)
