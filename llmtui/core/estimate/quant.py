"""Quantization formats: ggml block types, and the per-tensor type mix of each GGUF quant name.

The mix follows llama.cpp's quantizer (src/llama-quant.cpp: llama_tensor_get_type_impl and
tensor_type_fallback, read at commit 007dbbf); block sizes follow ggml/src/ggml-common.h. The rules
are restated here in our own terms, for the quant names llmtui offers. Assumption: IQ quants are made
with an importance matrix (llama.cpp requires one for them), the others without.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from ..catalog.types import Arch
from .tensors import (
    ATTN_K,
    ATTN_OUT,
    ATTN_Q,
    ATTN_V,
    EMBD,
    FFN_DOWN,
    OUTPUT,
    Tensor,
    global_tensors,
    layer_template,
    model_tensors,
)


@dataclass(frozen=True, slots=True)
class BlockType:
    name: str
    block: int  # weights per block
    nbytes: int  # bytes per block

    @property
    def bpw(self) -> float:
        return self.nbytes * 8 / self.block


_T = {
    t.name: t
    for t in (
        BlockType("F32", 1, 4),
        BlockType("F16", 1, 2),
        BlockType("BF16", 1, 2),
        BlockType("Q8_0", 32, 34),
        BlockType("Q6_K", 256, 210),
        BlockType("Q5_K", 256, 176),
        BlockType("Q5_1", 32, 24),
        BlockType("Q5_0", 32, 22),
        BlockType("Q4_K", 256, 144),
        BlockType("Q4_1", 32, 20),
        BlockType("Q4_0", 32, 18),
        BlockType("IQ4_NL", 32, 18),
        BlockType("IQ4_XS", 256, 136),
        BlockType("Q3_K", 256, 110),
        BlockType("IQ3_S", 256, 110),
        BlockType("IQ3_XXS", 256, 98),
        BlockType("Q2_K", 256, 84),
        BlockType("IQ2_S", 256, 82),
        BlockType("IQ2_XXS", 256, 66),
        BlockType("IQ1_S", 256, 50),
        BlockType("MXFP4", 32, 17),
    )
}
BLOCK_TYPES = _T

# A K-quant or IQ type that does not fit a row falls back to a 32-wide type (tensor_type_fallback).
_FALLBACK = {
    "IQ1_S": "IQ4_NL",
    "IQ2_XXS": "IQ4_NL",
    "IQ2_S": "IQ4_NL",
    "IQ3_XXS": "IQ4_NL",
    "IQ3_S": "IQ4_NL",
    "IQ4_XS": "IQ4_NL",
    "Q2_K": "Q4_0",
    "Q3_K": "Q4_0",
    "Q4_K": "Q5_0",
    "Q5_K": "Q5_1",
    "Q6_K": "Q8_0",
}


@dataclass(frozen=True, slots=True)
class Quant:
    """A quantization a user can pick: a GGUF mix, or a vLLM / MLX checkpoint format."""

    name: str
    family: str  # gguf | vllm | mlx
    base: str  # the main block type (GGUF) or a label
    rank: int  # quality order, higher is better
    note: str = ""
    bits: float = 0.0  # non-GGUF formats: bits per weight of the linear layers


# Quality notes for the main quants are the seed article's ("Quantization tradeoffs", 2026).
QUANTS: dict[str, Quant] = {
    q.name: q
    for q in (
        Quant("F32", "gguf", "F32", 100, "full precision"),
        Quant("BF16", "gguf", "BF16", 99, "no quantization"),
        Quant("F16", "gguf", "F16", 99, "no quantization: ~2x Q4_K_M memory, ~1-2% better; rarely worth it"),
        Quant("Q8_0", "gguf", "Q8_0", 90, "indistinguishable from FP16"),
        Quant("Q6_K", "gguf", "Q6_K", 85, "near-lossless"),
        Quant("Q5_K_M", "gguf", "Q5_K", 80, "~1.17x Q4_K_M memory, 0.5-1% better; worth it with headroom"),
        Quant("Q5_K_S", "gguf", "Q5_K", 78, ""),
        Quant("Q5_0", "gguf", "Q5_0", 76, "legacy"),
        Quant("Q4_K_M", "gguf", "Q4_K", 70, "the recommended balance of size and quality"),
        Quant("Q4_K_S", "gguf", "Q4_K", 68, ""),
        Quant("IQ4_XS", "gguf", "IQ4_XS", 67, ""),
        Quant("Q4_0", "gguf", "Q4_0", 65, "legacy"),
        Quant("Q3_K_L", "gguf", "Q3_K", 58, ""),
        Quant("Q3_K_M", "gguf", "Q3_K", 55, "~0.82x Q4_K_M memory, 4-7% quality drop: visible regressions"),
        Quant("IQ3_XXS", "gguf", "IQ3_XXS", 52, ""),
        Quant("Q3_K_S", "gguf", "Q3_K", 50, ""),
        Quant("Q2_K", "gguf", "Q2_K", 40, "large quality drop"),
        Quant("IQ2_XXS", "gguf", "IQ2_XXS", 30, "~0.59x Q4_K_M memory, 15-25% quality drop: emergency only"),
        Quant("IQ1_S", "gguf", "IQ1_S", 20, "severe quality loss"),
        Quant("MXFP4", "gguf", "MXFP4", 72, "gpt-oss's native format: MXFP4 experts, Q8_0 elsewhere"),
        Quant("FP16", "vllm", "FP16", 99, "safetensors, 16-bit (vLLM, MLX)", 16.0),
        Quant("FP8", "vllm", "FP8", 90, "8-bit float weights with per-channel scales", 8.0),
        Quant("AWQ", "vllm", "AWQ", 70, "int4, group 128, fp16 scales and packed zeros", 4.0 + 16 / 128 + 4 / 128),
        Quant("GPTQ", "vllm", "GPTQ", 69, "int4, group 128, fp16 scales and packed zeros", 4.0 + 16 / 128 + 4 / 128),
        Quant("MLX-8bit", "mlx", "MLX8", 90, "8-bit, group 64, fp16 scale and bias", 8.0 + 32 / 64),
        Quant("MLX-4bit", "mlx", "MLX4", 70, "4-bit, group 64, fp16 scale and bias", 4.0 + 32 / 64),
    )
}
QUANTS_BY_LOWER = {k.lower(): v for k, v in QUANTS.items()}

# The GGUF quants a "best quant that fits" search walks, best first. FP16 is left out on purpose:
# Q8_0 is indistinguishable from it (seed article), so FP16 never "fits better".
BEST_QUANT_ORDER = (
    "Q8_0",
    "Q6_K",
    "Q5_K_M",
    "Q5_K_S",
    "Q4_K_M",
    "Q4_K_S",
    "IQ4_XS",
    "Q3_K_L",
    "Q3_K_M",
    "IQ3_XXS",
    "Q3_K_S",
    "Q2_K",
    "IQ2_XXS",
    "IQ1_S",
)
TABLE_QUANTS = ("F16", "Q8_0", "Q6_K", "Q5_K_M", "Q4_K_M", "Q4_K_S", "IQ4_XS", "Q3_K_M", "Q2_K", "IQ2_XXS")


def find_quant(name: str) -> Quant | None:
    return QUANTS_BY_LOWER.get(name.strip().lower())


def _use_more_bits(i: int, n: int) -> bool:
    return i < n // 8 or i >= 7 * n // 8 or (i - n // 8) % 3 == 2


_IQ_LOW = ("IQ2_XXS", "IQ1_S")  # the mixes llama.cpp treats as "2 bits or fewer"


class _Mixer:
    """Walks the tensors in file order and picks each one's type, keeping llama.cpp's counters."""

    def __init__(self, arch: Arch, quant: str) -> None:
        self.a = arch
        self.q = quant
        self.base = QUANTS[quant].base
        self.gqa = arch.heads // max(1, arch.kv_heads)
        self.n_layer_all = arch.layers + (arch.nextn_layers if arch.type == "glm4moe" else 0)
        self.is_70b = arch.type in ("llama", "qwen2") and arch.layers == 80
        self.eight = arch.experts == 8
        self.n_wv = count_attn_v(arch)
        self.i_wv = 0
        self.i_down = 0

    def pick(self, t: Tensor, layer: int | None = None) -> str:
        """The tensor's type; `layer` overrides t.layer (for layer templates shared by many layers)."""
        if not t.quantizable:
            return "F32"
        chosen = self._rule(t, t.layer if layer is None else layer)
        bt = _T[chosen]
        if t.ne0 % bt.block:
            chosen = _FALLBACK.get(chosen, chosen)
            if t.ne0 % _T[chosen].block:
                chosen = "F16"
        return chosen

    def _rule(self, t: Tensor, layer: int) -> str:
        q, base, cat = self.q, self.base, t.category
        if base in ("F32", "F16", "BF16"):
            return base
        if cat == OUTPUT or (self.a.tied_embeddings and cat == EMBD):
            if q == "MXFP4" or t.ne0 % _T[base].block:
                return "Q8_0"
            if q in ("IQ2_XXS", "IQ3_XXS", "IQ1_S"):
                return "Q5_K"
            return base if base == "Q8_0" else "Q6_K"
        if q == "MXFP4":
            return "MXFP4" if t.dims == 3 else "Q8_0"
        if cat == EMBD:
            return {"IQ2_XXS": "Q2_K", "IQ1_S": "Q2_K", "IQ3_XXS": "IQ3_S"}.get(q, base)
        if q in _IQ_LOW:
            return self._iq_low(t)
        if cat == ATTN_V:
            return self._attn_v()
        if cat == ATTN_K:
            if self.eight:
                return "Q8_0"
            return "IQ2_S" if q == "IQ3_XXS" else base
        if cat == ATTN_Q:
            return "IQ2_S" if q == "IQ3_XXS" else base
        if cat == FFN_DOWN:
            return self._ffn_down(layer)
        if cat == ATTN_OUT:
            if self.eight:
                eight_bump = ("Q2_K", "IQ3_XXS", "Q3_K_S", "Q3_K_M", "Q4_K_S", "Q4_K_M", "IQ4_XS")
                return "Q5_K" if q in eight_bump else base
            return {"Q2_K": "Q3_K", "IQ3_XXS": "IQ3_S", "Q3_K_M": "Q4_K", "Q3_K_L": "Q5_K"}.get(q, base)
        return base

    def _iq_low(self, t: Tensor) -> str:
        cat = t.category
        if cat == ATTN_V:
            self.i_wv += 1
            return "Q4_K" if self.gqa >= 4 or self.a.experts >= 4 else "Q2_K"
        if cat == ATTN_K and self.eight:
            return "Q4_K"
        if cat == FFN_DOWN:
            i = self.i_down
            self.i_down += 1
            return "Q2_K" if i < self.n_layer_all // 8 else self.base
        if cat == ATTN_OUT:
            if self.eight:
                return "Q5_K"
            return "IQ2_XXS" if self.q == "IQ1_S" else self.base
        return self.base

    def _attn_v(self) -> str:
        q, i, n = self.q, self.i_wv, self.n_wv
        new = self.base
        if q == "Q2_K":
            new = "Q4_K" if self.gqa >= 4 else "Q3_K"
        elif q == "IQ3_XXS":
            new = "Q4_K" if self.gqa >= 4 else "IQ3_XXS"
        elif q == "Q3_K_M":
            new = "Q5_K" if i < 2 else "Q4_K"
        elif q == "Q3_K_L" or (q == "IQ4_XS" and self.gqa >= 4):
            new = "Q5_K"
        elif q in ("Q4_K_M", "Q5_K_M") and _use_more_bits(i, n):
            new = "Q6_K"
        elif q == "Q4_K_S" and i < 4:
            new = "Q5_K"
        if self.is_70b and new in ("Q3_K", "Q4_K"):
            new = "Q5_K"
        if self.eight:
            new = "Q8_0"
        self.i_wv += 1
        return new

    def _ffn_down(self, layer: int) -> str:
        q, n = self.q, self.n_layer_all
        i = layer if self.a.experts > 1 else self.i_down
        self.i_down += 1
        if q == "Q2_K":
            return "Q3_K"
        if q == "Q3_K_M":
            return "Q5_K" if i < n // 16 else "Q4_K"
        if q == "Q3_K_L":
            return "Q5_K"
        if q in ("Q4_K_M", "Q5_K_M"):
            return "Q6_K" if _use_more_bits(i, n) else self.base
        if q == "Q4_K_S" and i < n // 8:
            return "Q5_K"
        return self.base


def tensor_bytes(t: Tensor, type_name: str) -> int:
    bt = _T[type_name]
    return t.numel // bt.block * bt.nbytes


# Only these roles get a type that depends on the layer (llama.cpp's use_more_bits and counters);
# every other tensor of a layer template gets the same type in every layer.
LAYER_DEPENDENT = (ATTN_V, FFN_DOWN)


def count_attn_v(arch: Arch) -> int:
    """Tensors llama.cpp counts as attn_v-like (n_attention_wv), MTP layers included."""
    n = 0
    for moe in (False, True):
        per = sum(1 for t in layer_template(arch, moe) if t.category == ATTN_V)
        n += per * sum(1 for i in range(arch.layers) if arch.is_moe_layer(i) == moe)
    if arch.type == "glm4moe":
        n += arch.nextn_layers * sum(1 for t in layer_template(arch, True) if t.category == ATTN_V)
    return n


def layer_bytes_by_type(
    arch: Arch, quant: str
) -> tuple[list[tuple[Tensor, str]], list[list[tuple[Tensor, str]]], list[tuple[Tensor, str]]]:
    """(global tensors, each layer's tensors, MTP tensors), each with its type, walking layers in file order
    with layer templates: the rules run once per template tensor, and per layer only for the
    layer-dependent roles. Equal to zip(model_tensors, gguf_tensor_types) without building them."""
    mixer = _Mixer(arch, quant)
    oss = arch.type == "gpt-oss"
    glob = [(t, mixer.pick(t)) for t in global_tensors(arch)]
    layers: list[list[tuple[Tensor, str]]] = []
    memo: dict[tuple[bool, int], str] = {}
    for i in range(arch.layers):
        moe = arch.is_moe_layer(i)
        out = []
        for k, t in enumerate(layer_template(arch, moe)):
            if oss and t.expert and quant != "Q8_0":
                ty = "MXFP4"
            elif t.category in LAYER_DEPENDENT:
                ty = mixer.pick(t, i)
            else:
                ty = memo.get((moe, k)) or memo.setdefault((moe, k), mixer.pick(t, i))
            out.append((t, ty))
        layers.append(out)
    nextn: list[tuple[Tensor, str]] = []
    for t in model_tensors(arch)[-nextn_count(arch) :] if nextn_count(arch) else ():
        nextn.append((t, mixer.pick(t)))
    return glob, layers, nextn


def nextn_count(arch: Arch) -> int:
    if arch.type != "glm4moe" or not arch.nextn_layers:
        return 0
    return arch.nextn_layers * (len(layer_template(arch, True)) + 3)


@lru_cache(maxsize=16)
def gguf_tensor_types(arch: Arch, quant: str) -> tuple[str, ...]:
    """The ggml type of every tensor of model_tensors(arch) in a GGUF of this quant name."""
    if QUANTS[quant].family != "gguf":
        raise ValueError(f"{quant} is not a GGUF quant")
    mixer = _Mixer(arch, quant)
    types = []
    for t in model_tensors(arch):
        chosen = mixer.pick(t)
        if arch.type == "gpt-oss" and t.expert and quant != "Q8_0":
            chosen = "MXFP4"  # gpt-oss ships its experts in MXFP4; GGUFs keep them so, except Q8_0
        types.append(chosen)
    return tuple(types)
