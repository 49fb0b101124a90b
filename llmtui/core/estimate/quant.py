"""Quantization formats: ggml block types, and the per-tensor type mix of each GGUF quant name.

The mix follows llama.cpp's quantizer (src/llama-quant.cpp: tensor_allows_quantization,
llama_tensor_get_type_impl and tensor_type_fallback, read at commit 0c1e570, 2026-10-01) for every
file type it writes; block sizes follow ggml/src/ggml-common.h. The rules are restated in our own
terms and checked against the quantizer itself (tests/oracle/). Assumption: files are made with an
importance matrix, as the most downloaded uploaders do and as llama.cpp requires for IQ1/IQ2 types;
it changes ffn_down of Q4_0, Q5_0, IQ4_NL and IQ4_XS and attn_v of IQ3_XXS.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from ..catalog.types import Arch
from .tensors import (
    ATTN_K,
    ATTN_KV_B,
    ATTN_OUT,
    ATTN_Q,
    ATTN_QKV,
    ATTN_V,
    EMBD,
    FFN_DOWN,
    FFN_GATE,
    FFN_UP,
    OUTPUT,
    Tensor,
    global_tensors,
    model_tensors,
    nextn_tensors,
    template_for,
    template_keys,
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
        BlockType("I32", 1, 4),  # index tables (DeepSeek V4's token-to-expert hash routing)
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
        BlockType("IQ2_XS", 256, 74),
        BlockType("IQ2_XXS", 256, 66),
        BlockType("IQ1_M", 256, 56),
        BlockType("IQ1_S", 256, 50),
        BlockType("TQ2_0", 256, 66),
        BlockType("TQ1_0", 256, 54),
        BlockType("MXFP4", 32, 17),
    )
}
BLOCK_TYPES = _T

# A type that does not fit a row falls back to a 32-wide type (tensor_type_fallback); a row that is
# not a multiple of 32 either gets F16.
_FALLBACK = {
    **dict.fromkeys(("IQ1_S", "IQ1_M", "IQ2_XXS", "IQ2_XS", "IQ2_S", "IQ3_XXS", "IQ3_S", "IQ4_XS"), "IQ4_NL"),
    **dict.fromkeys(("Q2_K", "Q3_K", "TQ1_0", "TQ2_0"), "Q4_0"),
    "Q4_K": "Q5_0",
    "Q5_K": "Q5_1",
    "Q6_K": "Q8_0",
}


@dataclass(frozen=True, slots=True)
class Quant:
    """A quantization a user can pick: a GGUF mix, or a vLLM / MLX checkpoint format."""

    name: str
    family: str  # gguf | vllm | mlx
    base: str  # the default block type of the mix (llama_ftype_get_default_type), or a label
    rank: int  # quality order, higher is better
    note: str = ""
    bits: float = 0.0  # non-GGUF formats: bits per weight of the linear layers
    published: bool = False  # no rule reproduces the mix: sized from the published file (published.py)

    @property
    def experts_only(self) -> bool:
        """Only the routed experts are stored at `bits`; every other weight stays 16-bit."""
        return self.name.endswith("-experts")


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
        Quant("Q5_1", "gguf", "Q5_1", 77, "legacy"),
        Quant("Q5_0", "gguf", "Q5_0", 76, "legacy"),
        Quant("Q4_K_M", "gguf", "Q4_K", 70, "the recommended balance of size and quality"),
        Quant("Q4_K_S", "gguf", "Q4_K", 68, ""),
        Quant("Q4_1", "gguf", "Q4_1", 67, "legacy"),
        Quant("IQ4_XS", "gguf", "IQ4_XS", 67, ""),
        Quant("IQ4_NL", "gguf", "IQ4_NL", 66, "non-linear 4-bit, 32-wide blocks"),
        Quant("Q4_0", "gguf", "Q4_0", 65, "legacy"),
        Quant("Q3_K_L", "gguf", "Q3_K", 58, ""),
        Quant("Q3_K_M", "gguf", "Q3_K", 55, "~0.82x Q4_K_M memory, 4-7% quality drop: visible regressions"),
        Quant("IQ3_M", "gguf", "IQ3_S", 54, ""),
        Quant("IQ3_S", "gguf", "IQ3_S", 53, ""),
        Quant("IQ3_XS", "gguf", "IQ3_S", 52, ""),
        Quant("IQ3_XXS", "gguf", "IQ3_XXS", 51, ""),
        Quant("Q3_K_S", "gguf", "Q3_K", 50, ""),
        Quant("Q2_K", "gguf", "Q2_K", 40, "large quality drop"),
        Quant("Q2_K_S", "gguf", "Q2_K", 38, "large quality drop"),
        Quant("IQ2_M", "gguf", "IQ2_S", 36, ""),
        Quant("IQ2_S", "gguf", "IQ2_XS", 34, ""),
        Quant("IQ2_XS", "gguf", "IQ2_XS", 32, ""),
        Quant("IQ2_XXS", "gguf", "IQ2_XXS", 30, "~0.59x Q4_K_M memory, 15-25% quality drop: emergency only"),
        Quant("IQ1_M", "gguf", "IQ1_M", 22, "severe quality loss"),
        Quant("IQ1_S", "gguf", "IQ1_S", 20, "severe quality loss"),
        Quant("TQ2_0", "gguf", "TQ2_0", 15, "ternary: only for models trained ternary (BitNet b1.58)"),
        Quant("TQ1_0", "gguf", "TQ1_0", 14, "ternary: only for models trained ternary (BitNet b1.58)"),
        Quant("MXFP4", "gguf", "MXFP4", 72, "MXFP4 experts, Q8_0 elsewhere (gpt-oss's native format)"),
        *(
            Quant(name, "gguf", name, rank, "Unsloth dynamic: sized from the published file", published=True)
            for name, rank in (
                ("UD-Q8_K_XL", 91),
                ("UD-Q6_K_XL", 86),
                ("UD-Q5_K_XL", 81),
                ("UD-Q4_K_XL", 71),
                ("UD-Q3_K_XL", 56),
                ("UD-Q2_K_XL", 42),
                ("UD-IQ3_XXS", 52),
                ("UD-IQ2_M", 37),
                ("UD-IQ2_XXS", 31),
                ("UD-IQ1_M", 23),
                ("UD-IQ1_S", 21),
            )
        ),
        Quant("FP16", "vllm", "FP16", 99, "safetensors, 16-bit (vLLM, MLX)", 16.0),
        Quant("FP8", "vllm", "FP8", 90, "8-bit float weights with per-channel scales", 8.0),
        Quant("AWQ", "vllm", "AWQ", 70, "int4, group 128, fp16 scales and packed zeros", 4.0 + 16 / 128 + 4 / 128),
        Quant("GPTQ", "vllm", "GPTQ", 69, "int4, group 128, fp16 scales and packed zeros", 4.0 + 16 / 128 + 4 / 128),
        # Native low-bit checkpoints: NVFP4 (e2m1 values, an FP8 scale per 16, a tensor scale),
        # INT4 QAT experts (Kimi K2 Thinking: group 32, bf16 scales; the rest bf16), MXFP4 experts
        # (gpt-oss: e2m1 values, an E8M0 scale per 32; the rest bf16).
        Quant("NVFP4", "vllm", "NVFP4", 71, "4-bit float, FP8 scale per 16 values", 4.0 + 8 / 16),
        Quant("INT4-experts", "vllm", "INT4", 72, "INT4 QAT experts (group 32), 16-bit elsewhere", 4.0 + 16 / 32),
        Quant("MXFP4-experts", "vllm", "MXFP4", 72, "MXFP4 experts (scale per 32), 16-bit elsewhere", 4.0 + 8 / 32),
        Quant("MLX-8bit", "mlx", "MLX8", 90, "8-bit, group 64, fp16 scale and bias", 8.0 + 32 / 64),
        Quant("MLX-4bit", "mlx", "MLX4", 70, "4-bit, group 64, fp16 scale and bias", 4.0 + 32 / 64),
    )
}
QUANTS_BY_LOWER = {k.lower(): v for k, v in QUANTS.items()}
DEFAULT_QUANT = "Q4_K_M"  # the leaderboard's quant until the user picks one

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
    "IQ3_M",
    "IQ3_XXS",
    "Q3_K_S",
    "Q2_K",
    "IQ2_M",
    "IQ2_XXS",
    "IQ1_M",
    "IQ1_S",
)
TABLE_QUANTS = ("F16", "Q8_0", "Q6_K", "Q5_K_M", "Q4_K_M", "Q4_K_S", "IQ4_XS", "Q3_K_M", "Q2_K", "IQ2_XXS")
# Mixes whose rules look at an importance matrix; llmtui assumes one was used (see the module's note).
IMATRIX = True


def find_quant(name: str) -> Quant | None:
    return QUANTS_BY_LOWER.get(name.strip().lower())


def _use_more_bits(i: int, n: int) -> bool:
    return i < n // 8 or i >= 7 * n // 8 or (i - n // 8) % 3 == 2


_IQ12 = frozenset(("IQ2_XXS", "IQ2_XS", "IQ1_S", "IQ2_S", "IQ2_M", "IQ1_M"))  # the "2 bits or fewer" branch
_ATTN_V_LIKE = (ATTN_V, ATTN_QKV, ATTN_KV_B)


def n_layer_all(arch: Arch) -> int:
    """llama.cpp's n_layer_all: the repeating layers and the MTP layers stored in the file."""
    return arch.layers + (arch.nextn_layers if nextn_tensors(arch) else 0)


# Files that store KV heads per layer, 0 for layers without attention (Nemotron-H): llama.cpp's
# n_gqa() reads layer 0, which is then a Mamba layer with none, so the "GQA >= 4" rules never apply.
PER_LAYER_KV_HEADS = frozenset(
    {"nemotron_h", "nemotron_h_moe", "lfm2", "lfm2moe", "granitehybrid", "kimi-linear", "kimi-k3"}
)


def n_gqa(arch: Arch) -> int:
    """hparams.n_gqa() of layer 0 (MLA files store one KV head: the latent)."""
    if arch.type in PER_LAYER_KV_HEADS and not arch.has_kv(0):
        return 0
    kv = 1 if arch.is_mla else max(1, arch.kv_heads)
    return arch.heads // kv


class _Mixer:
    """Walks the tensors in file order and picks each one's type, keeping llama.cpp's counters."""

    def __init__(self, arch: Arch, quant: str, *, imatrix: bool = IMATRIX) -> None:
        self.a = arch
        self.q = quant
        self.base = QUANTS[quant].base
        self.gqa = n_gqa(arch)
        self.n_layer_all = n_layer_all(arch)
        self.is_70b = arch.type in ("llama", "qwen2") and arch.layers == 80
        self.n_expert = arch.experts if arch.experts > 1 else 0
        self.imatrix = imatrix
        self.tied = arch.tied_embeddings
        self.falcon = arch.type == "falcon"
        self.n_wv = count_attn_v(arch)
        self.i_wv = self.i_down = self.i_gate = self.i_up = 0

    def pick(self, t: Tensor, layer: int | None = None) -> str:
        """The tensor's type; `layer` overrides t.layer (for layer templates shared by many layers)."""
        if not t.quantizable:
            return "I32" if "tid2eid" in t.name else "F32"
        if (self.a.type == "gpt-oss" or self.a.experts_mxfp4) and t.expert:
            # gpt-oss and Kimi K3 ship their experts in MXFP4 and their GGUFs keep them so (F16 and
            # BF16 files too); the rule still runs, as llama.cpp's does, to keep its per-role counters
            if self.base not in ("F32", "F16", "BF16"):
                self._rule(t, t.layer if layer is None else layer)
            return "MXFP4"
        if self.base in ("F32", "F16", "BF16"):
            return self.base
        chosen = self._rule(t, t.layer if layer is None else layer)
        if t.ne0 % _T[chosen].block:
            chosen = _FALLBACK.get(chosen, chosen)
            if t.ne0 % _T[chosen].block:
                chosen = "F16"
        return chosen

    def _rule(self, t: Tensor, layer: int) -> str:
        q, new, cat = self.q, self.base, t.category
        if cat == OUTPUT or (self.tied and cat == EMBD):
            if q == "MXFP4" or self.falcon or t.ne0 % _T[new].block:
                return "Q8_0"
            if q in ("IQ2_XXS", "IQ2_XS", "IQ3_XXS", "IQ1_S", "IQ2_S", "IQ2_M", "IQ1_M"):
                return "Q5_K"
            return new if new == "Q8_0" else "Q6_K"
        if q == "MXFP4":
            return "MXFP4" if t.dims == 3 else "Q8_0"  # every 3-D tensor: experts, and MLA's k_b / v_b
        if cat == EMBD:
            if q in ("IQ2_XXS", "IQ2_XS", "IQ1_S", "IQ1_M"):
                return "Q2_K"
            if q in ("IQ2_S", "IQ2_M", "IQ3_XXS"):
                return "IQ3_S"
            if q in ("TQ1_0", "TQ2_0"):
                return "Q4_K"
            return new
        if q in _IQ12:
            return self._iq12(t, new)
        if cat in _ATTN_V_LIKE:
            return self._attn_v(new)
        if cat == ATTN_K:
            if self.n_expert == 8:
                return "Q8_0"
            return {"IQ3_XS": "IQ3_XXS", "IQ3_XXS": "IQ2_S"}.get(q, new)
        if cat == ATTN_Q:
            return {"IQ3_XS": "IQ3_XXS", "IQ3_XXS": "IQ2_S"}.get(q, new)
        if cat == FFN_DOWN:
            return self._ffn_down(new, layer)
        if cat == ATTN_OUT:
            return self._attn_out(new)
        if cat in (FFN_GATE, FFN_UP):
            i, n = self._layer_info(layer, FFN_GATE if cat == FFN_GATE else FFN_UP)
            if q == "IQ3_XS" and n // 8 <= i < 7 * n // 8:
                return "IQ3_XXS"
        return new

    def _layer_info(self, layer: int, cat: int) -> tuple[int, int]:
        """llama.cpp's layer_info: a MoE model's layer comes from the tensor's name, a dense one's from
        the running count of that role; n is n_layer_all."""
        if cat == FFN_DOWN:
            i, self.i_down = self.i_down, self.i_down + 1
        elif cat == FFN_GATE:
            i, self.i_gate = self.i_gate, self.i_gate + 1
        else:
            i, self.i_up = self.i_up, self.i_up + 1
        return (layer if self.n_expert > 1 else i), self.n_layer_all

    def _iq12(self, t: Tensor, new: str) -> str:
        q, cat = self.q, t.category
        low = q in ("IQ2_S", "IQ2_M")
        if cat in _ATTN_V_LIKE:
            self.i_wv += 1
            if self.gqa >= 4 or self.n_expert >= 4:
                return "Q4_K"
            return "IQ3_S" if low else "Q2_K"
        if self.n_expert == 8 and cat == ATTN_K:
            return "Q4_K"
        if cat == FFN_DOWN:
            i, self.i_down = self.i_down, self.i_down + 1
            if i < self.n_layer_all // 8:
                return "IQ3_S" if low else "Q2_K"
            return new
        if cat == ATTN_OUT:
            if self.n_expert == 8:
                return "Q5_K"
            if q in ("IQ1_S", "IQ1_M"):
                return "IQ2_XXS"
            if low:
                return "IQ3_S"
        return new

    def _attn_v(self, new: str) -> str:
        q, i, n, gqa = self.q, self.i_wv, self.n_wv, self.gqa
        if q == "Q2_K":
            new = "Q4_K" if gqa >= 4 else "Q3_K"
        elif q == "Q2_K_S" and gqa >= 4:
            new = "Q4_K"
        elif q == "IQ3_XXS":
            new = "Q4_K" if gqa >= 4 else ("IQ3_XXS" if self.imatrix else "IQ3_S")
        elif (q in ("IQ3_XS", "IQ3_S") and gqa >= 4) or q == "IQ3_M":
            new = "Q4_K"
        elif q == "Q3_K_M":
            new = "Q5_K" if i < 2 else "Q4_K"
        elif q == "Q3_K_L" or (q in ("IQ4_NL", "IQ4_XS") and gqa >= 4):
            new = "Q5_K"
        elif q in ("Q4_K_M", "Q5_K_M") and _use_more_bits(i, n):
            new = "Q6_K"
        elif q == "Q4_K_S" and i < 4:
            new = "Q5_K"
        if self.is_70b and new in ("Q3_K", "Q4_K"):
            new = "Q5_K"
        if self.n_expert == 8:
            new = "Q8_0"
        self.i_wv += 1
        return new

    def _ffn_down(self, new: str, layer: int) -> str:
        q = self.q
        i, n = self._layer_info(layer, FFN_DOWN)
        if q == "Q2_K":
            return "Q3_K"
        if q == "Q2_K_S":
            return "Q4_K" if i < n // 8 else new
        if q == "IQ3_XXS" and not self.imatrix:
            return "Q4_K" if i < n // 8 else "Q3_K"
        if q == "Q3_K_M":
            if i < n // 16:
                return "Q5_K"
            return "Q4_K" if not self.falcon or _use_more_bits(i, n) else "Q3_K"
        if q == "IQ3_M" and (i < n // 8 or (self.n_expert == 8 and _use_more_bits(i, n))):
            return "Q4_K"
        if q == "Q3_K_L":
            return "Q4_K" if self.falcon else "Q5_K"
        if q == "Q4_K_M":
            if self.falcon:
                return "Q6_K" if i < n // 16 else ("Q5_K" if _use_more_bits(i, n) else "Q4_K")
            return "Q6_K" if _use_more_bits(i, n) else new
        if i < n // 8 and q in ("IQ4_NL", "IQ4_XS") and not self.imatrix:
            return "Q5_K"
        if q == "Q5_K_M" and _use_more_bits(i, n):
            return "Q6_K"
        if q == "Q4_K_S" and not self.falcon and i < n // 8:
            return "Q5_K"
        if q in ("Q4_0", "Q5_0") and self.imatrix and i < n // 8:
            return "Q4_1" if q == "Q4_0" else "Q5_1"
        return new

    def _attn_out(self, new: str) -> str:
        q = self.q
        if self.falcon:
            return "Q4_K" if q == "Q3_K_L" else new
        if self.n_expert == 8:
            bump = ("Q2_K", "IQ3_XS", "IQ3_XXS", "Q3_K_S", "Q3_K_M", "IQ4_NL", "Q4_K_S", "Q4_K_M", "IQ3_S")
            return "Q5_K" if q in (*bump, "IQ3_M", "IQ4_XS") else new
        return {"Q2_K": "Q3_K", "IQ3_XXS": "IQ3_S", "Q3_K_M": "Q4_K", "Q3_K_L": "Q5_K", "IQ3_M": "Q4_K"}.get(q, new)


def tensor_bytes(t: Tensor, type_name: str) -> int:
    bt = _T[type_name]
    return t.numel // bt.block * bt.nbytes


# Only these roles get a type that depends on the layer (llama.cpp's use_more_bits and counters);
# every other tensor of a layer template gets the same type in every layer.
LAYER_DEPENDENT = (ATTN_V, ATTN_QKV, ATTN_KV_B, FFN_DOWN, FFN_GATE, FFN_UP)


@lru_cache(maxsize=4096)
def count_attn_v(arch: Arch) -> int:
    """Tensors llama.cpp counts as attn_v-like (n_attention_wv), MTP layers included."""
    per_key = {k: sum(1 for t in template_for(arch, k) if t.category in _ATTN_V_LIKE) for k in set(template_keys(arch))}
    n = sum(per_key[k] for k in template_keys(arch))
    return n + sum(1 for t in nextn_tensors(arch) if t.category in _ATTN_V_LIKE)


def layer_bytes_by_type(
    arch: Arch, quant: str
) -> tuple[list[tuple[Tensor, str]], list[list[tuple[Tensor, str]]], list[tuple[Tensor, str]]]:
    """(global tensors, each layer's tensors, MTP tensors), each with its type, walking layers in file order
    with layer templates: the rules run once per template tensor, and per layer only for the
    layer-dependent roles. Equal to zip(model_tensors, gguf_tensor_types) without building them."""
    mixer = _Mixer(arch, quant)
    glob = [(t, mixer.pick(t)) for t in global_tensors(arch)]
    layers: list[list[tuple[Tensor, str]]] = []
    memo: dict[tuple[object, int], str] = {}
    for i, key in enumerate(template_keys(arch)):
        out = []
        for k, t in enumerate(template_for(arch, key)):
            if t.category in LAYER_DEPENDENT:
                ty = mixer.pick(t, i)
            else:
                ty = memo.get((key, k)) or memo.setdefault((key, k), mixer.pick(t, i))
            out.append((t, ty))
        layers.append(out)
    nextn = [(t, mixer.pick(t)) for t in nextn_tensors(arch)]
    return glob, layers, nextn


@lru_cache(maxsize=16)
def gguf_tensor_types(arch: Arch, quant: str) -> tuple[str, ...]:
    """The ggml type of every tensor of model_tensors(arch) in a GGUF of this quant name."""
    if QUANTS[quant].family != "gguf" or QUANTS[quant].published:
        raise ValueError(f"{quant} is not a rule-based GGUF quant")
    mixer = _Mixer(arch, quant)
    return tuple(mixer.pick(t) for t in model_tensors(arch))
