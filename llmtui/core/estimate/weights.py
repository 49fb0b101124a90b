"""Weight bytes of a model at a quant: in total, per layer, and what each token reads."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from itertools import accumulate

from ..catalog.types import Arch
from .quant import QUANTS, gguf_tensor_types, layer_bytes_by_type, tensor_bytes
from .tensors import EMBD, OUTPUT, Tensor, global_tensors, model_tensors, nextn_tensors, template_for, template_keys

# GGUF metadata besides tensors is mostly the tokenizer: each token's string with an 8-byte length
# prefix, its type (and score) and, for BPE vocabularies, about two merges per token. An approximation
# from the GGUF layout, not a measurement: about 50 bytes per vocabulary entry (6 MB for a 128K vocab).
GGUF_META_BYTES_PER_TOKEN = 50


@dataclass(frozen=True, slots=True)
class Weights:
    """Where the weight bytes of one model at one quant are."""

    quant: str
    embd_bytes: int  # token embeddings, and Gemma's per-layer ones (llama.cpp keeps them in host memory)
    output_bytes: int  # output norm and output projection (on the last GPU)
    layer_bytes: tuple[int, ...]  # each repeating layer, everything in it
    layer_expert_bytes: tuple[int, ...]  # of which routed experts
    extra_file_bytes: int  # in the file but not loaded (multi-token-prediction layers) + metadata
    expert_read_fraction: float  # experts_per_token / experts (1.0 for dense)
    layer_prefix: tuple[int, ...] = ()  # running sums of layer_bytes (index i: layers 0..i-1)
    tied_copy_bytes: int = 0  # of output_bytes: llama.cpp's copy of a tied token_embd (in memory, not in the file)
    expert_prefix: tuple[int, ...] = ()

    @property
    def total(self) -> int:
        """Bytes loaded for inference."""
        return self.embd_bytes + self.output_bytes + sum(self.layer_bytes)

    @property
    def file_bytes(self) -> int:
        return self.total + self.extra_file_bytes

    @property
    def expert_bytes(self) -> int:
        return sum(self.layer_expert_bytes)

    def read_per_token(self, layers: range | None = None, *, include_output: bool = True) -> float:
        """Bytes read to decode one token: every dense weight, the active share of the experts.
        Token embeddings are a row lookup, not a read of the whole table."""
        idx = layers if layers is not None else range(len(self.layer_bytes))
        total = 0.0
        for i in idx:
            experts = self.layer_expert_bytes[i]
            total += self.layer_bytes[i] - experts + experts * self.expert_read_fraction
        if include_output:
            total += self.output_bytes
        return total


def _st_bytes(t: Tensor, quant: str, family: str, tied: bool) -> float:
    """Bytes of one tensor in a safetensors (vLLM) or MLX checkpoint."""
    q = QUANTS[quant]
    bits = q.bits
    if not t.quantizable or bits >= 16 or (q.experts_only and not t.expert):
        return t.numel * 2.0
    if t.category in (EMBD, OUTPUT) and family == "vllm":
        return t.numel * 2.0  # AWQ/GPTQ/FP8 checkpoints keep embeddings and lm_head in 16 bits
    if t.name == "ffn_gate_inp.weight":
        return t.numel * 2.0
    return t.numel * bits / 8


_primed: dict[tuple[Arch, str], Weights] = {}


def prime(arch: Arch, quant: str, w: Weights) -> None:
    """Seed the cache with a result computed earlier."""
    _primed[(arch, quant)] = w


def weights(arch: Arch, quant: str) -> Weights:
    """Weight bytes from layer templates: the quant rules run once per template tensor and per
    layer only where llama.cpp's choice depends on the layer (equal to weights_reference). Each
    (architecture, quant) is computed once and kept on disk for the next start (estimate.cache)."""
    w = _primed.get((arch, quant))
    if w is not None:
        return w
    if QUANTS[quant].published:
        raise ValueError(f"{quant} has no rule: size it from a published file (estimate.api.model_weights)")
    return _stored_or_computed(arch, quant)


def clear_cache() -> None:
    """Forget every computed and stored result (the disk cache's file stays)."""
    from . import cache

    _primed.clear()
    _weights.cache_clear()
    _stored_or_computed.cache_clear()
    cache.reset()


@lru_cache(maxsize=8192)
def _stored_or_computed(arch: Arch, quant: str) -> Weights:
    from . import cache

    w = cache.lookup(arch, quant)
    if w is None:
        w = _weights(arch, quant)
        cache.remember(arch, quant, w)
    return w


def computed(arch: Arch, quant: str) -> Weights:
    """The tensor walk itself, never a stored result (what llmtui's build stores for its first start)."""
    return _weights(arch, quant)


@lru_cache(maxsize=8192)
def _weights(arch: Arch, quant: str) -> Weights:
    q = QUANTS[quant]
    if q.family == "gguf":
        glob, per_layer, nextn = layer_bytes_by_type(arch, quant)
        glob_sizes = [float(tensor_bytes(t, ty)) for t, ty in glob]
        extra = float(sum(tensor_bytes(t, ty) for t, ty in nextn))
        sized: dict[tuple[object, ...], tuple[float, float]] = {}  # layers of one template and types: one sum
        layer, layer_exp = [], []
        for key, lst in zip(template_keys(arch), per_layer, strict=True):
            k = (key, *(ty for _, ty in lst))
            if k not in sized:
                total = float(sum(tensor_bytes(t, ty) for t, ty in lst))
                sized[k] = (total, float(sum(tensor_bytes(t, ty) for t, ty in lst if t.expert)))
            layer.append(sized[k][0])
            layer_exp.append(sized[k][1])
    else:
        tied = arch.tied_embeddings
        glob = [(t, "") for t in global_tensors(arch)]
        glob_sizes = [_st_bytes(t, quant, q.family, tied) for t in global_tensors(arch)]
        keys = list(template_keys(arch))
        sized_st = {k: [(t, _st_bytes(t, quant, q.family, tied)) for t in template_for(arch, k)] for k in set(keys)}
        layer = [sum(b for _, b in sized_st[k]) for k in keys]
        layer_exp = [sum(b for t, b in sized_st[k] if t.expert) for k in keys]
        extra = sum(_st_bytes(t, quant, q.family, tied) for t in nextn_tensors(arch))
    embd = sum(b for (t, _), b in zip(glob, glob_sizes, strict=True) if t.category == EMBD)
    tok = sum(b for (t, _), b in zip(glob, glob_sizes, strict=True) if t.name == "token_embd.weight")
    output = sum(b for (t, _), b in zip(glob, glob_sizes, strict=True) if t.category != EMBD)
    return _make(arch, quant, embd, output, layer, layer_exp, extra, tok)


def _make(
    arch: Arch,
    quant: str,
    embd: float,
    output: float,
    layer: list[float],
    layer_exp: list[float],
    extra: float,
    tok_embd: float,
) -> Weights:
    q = QUANTS[quant]
    copy = 0.0
    if arch.tied_embeddings and q.family == "gguf":
        # llama.cpp duplicates a tied token_embd as the output tensor on the output device.
        copy = tok_embd
        output += copy
    if q.family == "gguf":
        extra += arch.vocab * GGUF_META_BYTES_PER_TOKEN
    frac = arch.experts_per_token / arch.experts if arch.is_moe else 1.0
    layer_bytes = tuple(int(x) for x in layer)
    expert_bytes = tuple(int(x) for x in layer_exp)
    return Weights(
        quant=quant,
        embd_bytes=int(embd),
        output_bytes=int(output),
        layer_bytes=layer_bytes,
        layer_expert_bytes=expert_bytes,
        extra_file_bytes=int(extra),
        expert_read_fraction=frac,
        layer_prefix=(0, *accumulate(layer_bytes)),
        expert_prefix=(0, *accumulate(expert_bytes)),
        tied_copy_bytes=int(copy),
    )


def weights_reference(arch: Arch, quant: str) -> Weights:
    """The same figures from every tensor of the file, one by one: slow and plain, for tests."""
    q = QUANTS[quant]
    tensors = model_tensors(arch)
    if q.family == "gguf":
        types = gguf_tensor_types(arch, quant)
        sizes = [float(tensor_bytes(t, ty)) for t, ty in zip(tensors, types, strict=True)]
    else:
        sizes = [_st_bytes(t, quant, q.family, arch.tied_embeddings) for t in tensors]
    embd = output = extra = tok = 0.0
    layer = [0.0] * arch.layers
    layer_exp = [0.0] * arch.layers
    for t, size in zip(tensors, sizes, strict=True):
        if t.nextn:
            extra += size
        elif t.layer < 0:
            if t.category == EMBD:
                embd += size
                tok += size if t.name == "token_embd.weight" else 0.0
            else:
                output += size
        else:
            layer[t.layer] += size
            if t.expert:
                layer_exp[t.layer] += size
    return _make(arch, quant, embd, output, layer, layer_exp, extra, tok)


def file_bytes(arch: Arch, quant: str) -> int:
    """The expected size of the model file at this quant (GGUF, or the checkpoint's safetensors)."""
    w = weights(arch, quant)
    return w.file_bytes - w.tied_copy_bytes  # the duplicate output exists in memory, not in the file
