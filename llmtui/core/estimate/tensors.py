"""The tensors of a model, as llama.cpp lays them out in a GGUF file, derived from the architecture.

Each tensor carries what the quantization rules look at: its role (category), its row length
(ne[0], which decides whether a 256-wide K-quant block fits), its element count, its number of
dimensions (1-D tensors stay F32; 3-D are stacked experts) and its layer. Layer -1 is global.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from ..catalog.types import Arch

# Roles that llama.cpp's quantizer tells apart (src/llama-quant.cpp, tensor_get_category).
EMBD, OUTPUT, ATTN_Q, ATTN_K, ATTN_V, ATTN_OUT, FFN_UP, FFN_GATE, FFN_DOWN, OTHER = range(10)


@dataclass(frozen=True, slots=True)
class Tensor:
    name: str
    category: int
    ne0: int  # row length
    numel: int
    dims: int  # 1 = norms and biases (kept F32), 3 = stacked experts
    layer: int = -1
    quantizable: bool = True
    expert: bool = False  # routed-expert weights: only experts_per_token/experts of them are read per token
    nextn: bool = False  # multi-token-prediction layer: in the file, not loaded for inference


def _vec(name: str, n: int, layer: int = -1) -> Tensor:
    return Tensor(name, OTHER, n, n, 1, layer, quantizable=False)


def _mat(name: str, cat: int, ne0: int, ne1: int, layer: int = -1, **kw: bool) -> Tensor:
    return Tensor(name, cat, ne0, ne0 * ne1, 2, layer, **kw)


def _attention(a: Arch, i: int) -> list[Tensor]:
    t: list[Tensor] = []
    h = a.hidden
    if a.is_mla:
        rope, nope = a.qk_rope_dim, a.qk_nope_dim
        v_dim = a.v_head_dim or nope
        if a.q_lora_rank:
            t.append(_mat("attn_q_a", OTHER, h, a.q_lora_rank, i))
            t.append(_vec("attn_q_a_norm", a.q_lora_rank, i))
            t.append(_mat("attn_q_b", OTHER, a.q_lora_rank, a.heads * (nope + rope), i))
        else:
            t.append(_mat("attn_q", ATTN_Q, h, a.heads * (nope + rope), i))
        t.append(_mat("attn_kv_a_mqa", OTHER, h, a.kv_lora_rank + rope, i))
        t.append(_vec("attn_kv_a_norm", a.kv_lora_rank, i))
        # Since 2025 llama.cpp stores kv_b split in two 3-D tensors (k_b rows are qk_nope long).
        t.append(Tensor("attn_k_b", OTHER, nope, a.heads * nope * a.kv_lora_rank, 3, i))
        t.append(Tensor("attn_v_b", OTHER, a.kv_lora_rank, a.heads * a.kv_lora_rank * v_dim, 3, i))
        t.append(_mat("attn_output", ATTN_OUT, a.heads * v_dim, h, i))
        return t
    q, kv = a.heads * a.head_dim, a.kv_heads * a.head_dim
    if a.type == "phi3":
        t.append(_mat("attn_qkv", ATTN_V, h, q + 2 * kv, i))
    else:
        t.append(_mat("attn_q", ATTN_Q, h, q, i))
        t.append(_mat("attn_k", ATTN_K, h, kv, i))
        t.append(_mat("attn_v", ATTN_V, h, kv, i))
    t.append(_mat("attn_output", ATTN_OUT, q, h, i))
    if a.qkv_bias or a.type == "gpt-oss":
        t += [_vec("attn_q.bias", q, i), _vec("attn_k.bias", kv, i), _vec("attn_v.bias", kv, i)]
    if a.type == "gpt-oss":
        t += [_vec("attn_output.bias", h, i), _vec("attn_sinks", a.heads, i)]
    if a.type in ("qwen3", "qwen3moe", "gemma3"):
        t += [_vec("attn_q_norm", a.head_dim, i), _vec("attn_k_norm", a.head_dim, i)]
    elif a.type == "olmo2":
        t += [_vec("attn_q_norm", q, i), _vec("attn_k_norm", kv, i)]
    return t


def _ffn(a: Arch, i: int) -> list[Tensor]:
    h = a.hidden
    if not a.is_moe_layer(i):
        if a.type == "phi3":  # gate and up fused into one ffn_up of twice the width
            return [_mat("ffn_up", FFN_UP, h, 2 * a.ffn, i), _mat("ffn_down", FFN_DOWN, a.ffn, h, i)]
        return [
            _mat("ffn_gate", FFN_GATE, h, a.ffn, i),
            _mat("ffn_up", FFN_UP, h, a.ffn, i),
            _mat("ffn_down", FFN_DOWN, a.ffn, h, i),
        ]
    e, f = a.experts, a.expert_ffn
    t = [
        _vec("ffn_gate_inp", h * e, i),  # the router: llama.cpp never quantizes it
        Tensor("ffn_gate_exps", FFN_GATE, h, h * f * e, 3, i, expert=True),
        Tensor("ffn_up_exps", FFN_UP, h, h * f * e, 3, i, expert=True),
        Tensor("ffn_down_exps", FFN_DOWN, f, f * h * e, 3, i, expert=True),
    ]
    if a.type == "gpt-oss":
        t += [_vec("ffn_gate_inp.bias", e, i), _vec("ffn_exps.bias", (2 * f + h) * e, i)]
    if a.type == "deepseek2" or a.type == "glm4moe":
        t.append(_vec("exp_probs_b", e, i))
    shared = a.shared_expert_ffn or (a.shared_experts * f)
    if a.shared_experts and shared:
        t += [
            _mat("ffn_gate_shexp", FFN_GATE, h, shared, i),
            _mat("ffn_up_shexp", FFN_UP, h, shared, i),
            _mat("ffn_down_shexp", FFN_DOWN, shared, h, i),
        ]
    return t


def _norms(a: Arch, i: int) -> list[Tensor]:
    count = {"gemma2": 4, "gemma3": 4, "cohere": 1}.get(a.type, 2)
    return [_vec(f"norm{k}", a.hidden, i) for k in range(count)]


def layer_tensors(a: Arch, i: int) -> list[Tensor]:
    return _norms(a, i) + _attention(a, i) + _ffn(a, i)


def global_tensors(a: Arch) -> list[Tensor]:
    h = a.hidden
    out: list[Tensor] = [_mat("token_embd", EMBD, h, a.vocab), _vec("output_norm", h)]
    if not a.tied_embeddings:
        out.append(_mat("output", OUTPUT, h, a.vocab))
    return out


@lru_cache(maxsize=512)
def layer_template(a: Arch, moe: bool) -> tuple[Tensor, ...]:
    """The tensors of a dense (moe=False) or MoE layer; their `layer` is a representative index."""
    for i in range(a.layers):
        if a.is_moe_layer(i) == moe:
            return tuple(layer_tensors(a, i))
    return ()


@lru_cache(maxsize=16)
def model_tensors(a: Arch) -> tuple[Tensor, ...]:
    """Every tensor of the GGUF file, global ones first, then layer by layer (the explicit, slow
    form of what weights() computes from layer templates)."""
    h = a.hidden
    out = global_tensors(a)
    for i in range(a.layers):
        out.extend(layer_tensors(a, i))
    for k in range(a.nextn_layers if a.type == "glm4moe" else 0):
        i = a.layers + k
        extra = [_mat("nextn.eh_proj", OTHER, 2 * h, h, i), _vec("nextn.enorm", h, i), _vec("nextn.hnorm", h, i)]
        for t in layer_tensors(a, i) + extra:
            out.append(Tensor(t.name, t.category, t.ne0, t.numel, t.dims, t.layer, t.quantizable, t.expert, True))
    return tuple(out)


def param_count(a: Arch, *, active: bool = False) -> float:
    """Parameters in the inference graph (no MTP layers). With active=True, what one token uses the
    way model cards count it: routed experts at experts_per_token/experts, and no input embedding
    table (a token reads one row of it; a tied output head still counts, it is a full matmul)."""
    total = 0.0
    for t in model_tensors(a):
        if t.nextn:
            continue
        if active and t.category == EMBD and not a.tied_embeddings:
            continue
        if active and t.expert:
            total += t.numel * a.experts_per_token / a.experts
        else:
            total += t.numel
    return total
