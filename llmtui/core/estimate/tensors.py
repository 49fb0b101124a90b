"""The tensors of a model, as llama.cpp lays them out in a GGUF file, derived from the architecture.

Names and shapes follow llama.cpp's loaders (src/models/*.cpp, read at commit 0c1e570, 2026-10):
a tensor is called as in the file without its "blk.N." prefix ("attn_q.weight"), with its shape as
(ne0, ne1, ne2): ne0 is the row length, which decides whether a 256-wide K-quant block fits. Its role
(category) is the one llama.cpp's quantizer tells apart (tensor_get_category). Layer -1 is global.

Families: dense and MoE transformers; non-gated MLPs (Falcon, Phi-2, StarCoder2, GPT-NeoX); MLA
(DeepSeek V2/V3, Kimi K2, GLM-5); per-layer mixers given by `layer_kinds`: Gated DeltaNet linear
attention (Qwen3-Next, Qwen3.5/3.6), Mamba-2 (Nemotron-H, Granite 4.0-H), attention-only and FFN-only
blocks (Nemotron-H).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from ..catalog.types import Arch

# Roles that llama.cpp's quantizer tells apart (src/llama-quant.cpp, tensor_get_category).
EMBD, OUTPUT, ATTN_Q, ATTN_K, ATTN_V, ATTN_OUT, FFN_UP, FFN_GATE, FFN_DOWN, OTHER, ATTN_QKV, ATTN_KV_B = range(12)


@dataclass(frozen=True, slots=True)
class Tensor:
    name: str  # as in the GGUF file, without the "blk.N." prefix
    category: int
    ne0: int  # row length
    numel: int
    dims: int  # 1 = norms and biases (kept F32), 3 = stacked experts or per-head matrices
    layer: int = -1
    quantizable: bool = True
    expert: bool = False  # routed-expert weights: only experts_per_token/experts of them are read per token
    nextn: bool = False  # multi-token-prediction layer: in the file, not loaded for inference
    ne1: int = 1
    ne2: int = 1

    @property
    def shape(self) -> tuple[int, ...]:
        return (
            (self.ne0,)
            if self.dims == 1
            else (self.ne0, self.ne1)
            if self.dims == 2
            else (self.ne0, self.ne1, self.ne2)
        )

    def gguf_name(self) -> str:
        return self.name if self.layer < 0 else f"blk.{self.layer}.{self.name}"


def _vec(name: str, n: int, layer: int = -1) -> Tensor:
    return Tensor(name, OTHER, n, n, 1, layer, quantizable=False)


def _mat(name: str, cat: int, ne0: int, ne1: int, layer: int = -1, **kw: bool) -> Tensor:
    """A 2-D weight. Names not ending in 'weight', and llama.cpp's small tables (conv1d, A, D), are
    never quantized (tensor_allows_quantization)."""
    q = kw.pop("quantizable", name.endswith("weight") and "_norm.weight" not in name and "ssm_conv1d" not in name)
    return Tensor(name, cat, ne0, ne0 * ne1, 2, layer, quantizable=q, ne1=ne1, **kw)


def _cube(name: str, cat: int, ne0: int, ne1: int, ne2: int, layer: int, *, expert: bool = False) -> Tensor:
    return Tensor(name, cat, ne0, ne0 * ne1 * ne2, 3, layer, expert=expert, ne1=ne1, ne2=ne2)


def _category(name: str) -> int:
    """llama.cpp's tensor_get_category, by name."""
    for key, cat in (
        ("attn_qkv.weight", ATTN_QKV),
        ("attn_kv_b.weight", ATTN_KV_B),
        ("attn_v.weight", ATTN_V),
        ("attn_k.weight", ATTN_K),
        ("attn_q.weight", ATTN_Q),
        ("attn_output.weight", ATTN_OUT),
        ("ffn_up", FFN_UP),
        ("ffn_gate", FFN_GATE),
        ("ffn_down", FFN_DOWN),
    ):
        if key in name:
            return cat
    return OTHER


def _w(name: str, ne0: int, ne1: int, layer: int) -> Tensor:
    return _mat(name, _category(name), ne0, ne1, layer)


# --- attention -------------------------------------------------------------------------------------------


def _mla(a: Arch, i: int) -> list[Tensor]:
    h, rope, nope = a.hidden, a.qk_rope_dim, a.qk_nope_dim
    v_dim = a.v_head_dim or nope
    t: list[Tensor] = []
    if a.q_lora_rank:
        t += [_w("attn_q_a.weight", h, a.q_lora_rank, i), _vec("attn_q_a_norm.weight", a.q_lora_rank, i)]
        t.append(_w("attn_q_b.weight", a.q_lora_rank, a.heads * (nope + rope), i))
    else:
        t.append(_w("attn_q.weight", h, a.heads * (nope + rope), i))
    t.append(_w("attn_kv_a_mqa.weight", h, a.kv_lora_rank + rope, i))
    t.append(_vec("attn_kv_a_norm.weight", a.kv_lora_rank, i))
    # Since 2025 llama.cpp stores kv_b split in two 3-D tensors (k_b rows are qk_nope long).
    t.append(_cube("attn_k_b.weight", OTHER, nope, a.kv_lora_rank, a.heads, i))
    t.append(_cube("attn_v_b.weight", OTHER, a.kv_lora_rank, v_dim, a.heads, i))
    t.append(_w("attn_output.weight", a.heads * v_dim, h, i))
    if a.has_indexer(i):  # DeepSeek V3.2 / GLM-5 sparse-attention indexer
        t += [
            _w("indexer.attn_q_b.weight", a.q_lora_rank or h, a.index_heads * a.index_head_dim, i),
            _w("indexer.attn_k.weight", h, a.index_head_dim, i),
            _vec("indexer.k_norm.weight", a.index_head_dim, i),
            _vec("indexer.k_norm.bias", a.index_head_dim, i),
            _w("indexer.proj.weight", h, a.index_heads, i),
        ]
    return t


def attn_shape(a: Arch, i: int) -> tuple[int, int]:
    """(KV heads, head dim) of layer i: global layers may differ from local ones (Gemma 4)."""
    if a.global_kv_heads and not a.is_swa_layer(i):
        return a.global_kv_heads, a.global_head_dim or a.head_dim
    return a.kv_heads, a.head_dim


def _attention(a: Arch, i: int) -> list[Tensor]:
    if a.is_mla:
        return _mla(a, i)
    h = a.hidden
    kv_heads, head_dim = attn_shape(a, i)
    q, kv = a.heads * head_dim, kv_heads * head_dim
    vd = a.v_dim or head_dim
    v, out = kv_heads * vd, a.heads * vd
    t: list[Tensor] = []
    if a.type == "phi3":
        t.append(_w("attn_qkv.weight", h, q + 2 * kv, i))
    else:
        t.append(_w("attn_q.weight", h, q * (2 if a.attn_gate else 1), i))
        t.append(_w("attn_k.weight", h, kv, i))
        if not (a.kv_shared and a.global_kv_heads and not a.is_swa_layer(i)):
            t.append(_w("attn_v.weight", h, v, i))
    t.append(_w("attn_output.weight", out, h, i))
    if a.qkv_bias or a.bias or a.type == "gpt-oss":
        t += [_vec("attn_q.bias", q, i), _vec("attn_k.bias", kv, i), _vec("attn_v.bias", v, i)]
    if a.bias or a.type == "gpt-oss":
        t.append(_vec("attn_output.bias", h, i))
    if a.type == "gpt-oss" or (a.type == "mimo2" and a.is_swa_layer(i)):  # MiMo: sinks on sliding layers
        t.append(_vec("attn_sinks.weight", a.heads, i))
    if a.type in ("qwen3", "qwen3moe", "gemma3", "gemma4", "qwen3next", "qwen35", "qwen35moe", "exaone4"):
        t += [_vec("attn_q_norm.weight", head_dim, i), _vec("attn_k_norm.weight", head_dim, i)]
    elif a.type in ("olmo2", "minimax-m2"):  # full-width q and k norms
        t += [_vec("attn_q_norm.weight", q, i), _vec("attn_k_norm.weight", kv, i)]
    return t


def _gated_deltanet(a: Arch, i: int) -> list[Tensor]:
    """A Gated DeltaNet linear-attention layer (Qwen3-Next, Qwen3.5/3.6: llama.cpp models/qwen35*.cpp)."""
    h = a.hidden
    key_dim, value_dim = a.linear_k_heads * a.linear_k_dim, a.linear_v_heads * a.linear_v_dim
    conv_dim = 2 * key_dim + value_dim
    if a.type == "qwen3next":  # beta and alpha in one matrix
        gates = [_w("ssm_ba.weight", h, 2 * a.linear_v_heads, i)]
    else:
        gates = [_w("ssm_beta.weight", h, a.linear_v_heads, i), _w("ssm_alpha.weight", h, a.linear_v_heads, i)]
    return [
        _w("attn_qkv.weight", h, conv_dim, i),
        _w("attn_gate.weight", h, value_dim, i),
        _mat("ssm_conv1d.weight", OTHER, a.linear_conv, conv_dim, i),
        _vec("ssm_dt.bias", a.linear_v_heads, i),
        _vec("ssm_a", a.linear_v_heads, i),
        *gates,
        _vec("ssm_norm.weight", a.linear_v_dim, i),
        _w("ssm_out.weight", value_dim, h, i),
    ]


def _mamba2(a: Arch, i: int) -> list[Tensor]:
    """A Mamba-2 layer (Nemotron-H, Granite 4.0-H: llama.cpp models/nemotron-h.cpp, granite-hybrid.cpp)."""
    h, d_inner, ds, ng, nh = a.hidden, a.ssm_inner, a.ssm_state, a.ssm_groups, a.ssm_heads
    xbc = d_inner + 2 * ng * ds
    return [
        _w("ssm_in.weight", h, 2 * d_inner + 2 * ng * ds + nh, i),
        _mat("ssm_conv1d.weight", OTHER, a.ssm_conv, xbc, i),
        _vec("ssm_conv1d.bias", xbc, i),
        _vec("ssm_dt.bias", nh, i),
        _mat("ssm_a", OTHER, 1, nh, i),
        _mat("ssm_d", OTHER, 1, nh, i),
        _mat("ssm_norm.weight", OTHER, d_inner // max(1, ng), ng, i),
        _w("ssm_out.weight", d_inner, h, i),
    ]


# --- feed-forward ---------------------------------------------------------------------------------------------


def _dense_ffn(a: Arch, i: int, ffn: int) -> list[Tensor]:
    h = a.hidden
    if a.type == "phi3":  # gate and up fused into one ffn_up of twice the width
        return [_w("ffn_up.weight", h, 2 * ffn, i), _w("ffn_down.weight", ffn, h, i)]
    t = [] if a.mlp == "plain" else [_w("ffn_gate.weight", h, ffn, i)]
    t += [_w("ffn_up.weight", h, ffn, i), _w("ffn_down.weight", ffn, h, i)]
    if a.bias:
        t += [_vec("ffn_up.bias", ffn, i), _vec("ffn_down.bias", h, i)]
    return t


def _moe_ffn(a: Arch, i: int) -> list[Tensor]:
    e, f = a.experts, a.expert_ffn
    t = [_mat("ffn_gate_inp.weight", OTHER, a.hidden, e, i, quantizable=False)]  # the router: never quantized
    h = a.hidden
    if a.moe_latent:  # experts in a latent width (Nemotron 3 Super: models/nemotron-h.cpp)
        t += [_w("ffn_latent_down.weight", h, a.moe_latent, i), _w("ffn_latent_up.weight", a.moe_latent, h, i)]
        h = a.moe_latent
    if a.moe_with_dense:  # Gemma 4: the dense MLP runs beside the experts, each with its own norms
        t += _dense_ffn(a, i, a.ffn)
        t += [_vec(f"{n}.weight", a.hidden, i) for n in ("pre_ffw_norm_2", "post_ffw_norm_1", "post_ffw_norm_2")]
        t.append(_vec("ffn_gate_inp.scale", a.hidden, i))
    if a.mlp != "plain":
        t.append(_cube("ffn_gate_exps.weight", FFN_GATE, h, f, e, i, expert=True))
    t.append(_cube("ffn_up_exps.weight", FFN_UP, h, f, e, i, expert=True))
    t.append(_cube("ffn_down_exps.weight", FFN_DOWN, f, h, e, i, expert=True))
    if a.type == "gpt-oss":  # per-expert biases (2-D, never quantized: not a weight)
        t.append(_vec("ffn_gate_inp.bias", e, i))
        t += [_mat(f"ffn_{n}_exps.bias", OTHER, d, e, i) for n, d in (("gate", f), ("up", f), ("down", h))]
    if a.type in ("deepseek2", "glm4moe", "nemotron_h_moe", "deepseek32", "glm-dsa", "minimax-m2", "mimo2"):
        t.append(_vec("exp_probs_b.bias", e, i))
    shared = a.shared_expert_ffn or (a.shared_experts * f)
    h = a.hidden  # shared experts work in the full width
    if a.shared_experts and shared:
        if a.mlp != "plain":
            t.append(_w("ffn_gate_shexp.weight", h, shared, i))
        t += [_w("ffn_up_shexp.weight", h, shared, i), _w("ffn_down_shexp.weight", shared, h, i)]
        if a.type in ("qwen2moe", "qwen3next", "qwen35moe"):
            t.append(_vec("ffn_gate_inp_shexp.weight", h, i))
    return t


def _ffn(a: Arch, i: int) -> list[Tensor]:
    return _moe_ffn(a, i) if a.is_moe_layer(i) else _dense_ffn(a, i, a.ffn)


def _norms(a: Arch, i: int, kind: str) -> list[Tensor]:
    if kind in "M*-":  # Nemotron-H blocks: one norm each
        return [_vec("attn_norm.weight", a.hidden, i)]
    names = {
        "gemma2": ("attn_norm", "post_attention_norm", "ffn_norm", "post_ffw_norm"),
        "gemma3": ("attn_norm", "post_attention_norm", "ffn_norm", "post_ffw_norm"),
        "gemma4": ("attn_norm", "post_attention_norm", "ffn_norm", "post_ffw_norm"),
        "cohere": ("attn_norm",),
        "phi2": ("attn_norm",),
        "falcon": ("attn_norm",),
        "qwen3next": ("attn_norm", "post_attention_norm"),
        "qwen35": ("attn_norm", "post_attention_norm"),
        "qwen35moe": ("attn_norm", "post_attention_norm"),
        "gpt-oss": ("attn_norm", "post_attention_norm"),
        "glm4moe": ("attn_norm", "post_attention_norm"),
        "olmo2": ("post_attention_norm", "post_ffw_norm"),
        "exaone4": ("post_attention_norm", "post_ffw_norm"),
        "seed_oss": ("attn_norm", "post_attention_norm"),
        "cohere2": ("attn_norm",),
    }.get(a.type, ("attn_norm", "ffn_norm"))
    return [_vec(f"{n}.weight", a.hidden, i) for n in names]


def layer_tensors(a: Arch, i: int) -> list[Tensor]:
    kind = a.layer_kind(i)
    t = _norms(a, i, kind)
    if kind in "AS*":
        t += _attention(a, i)
    elif kind == "L":
        t += _gated_deltanet(a, i)
    elif kind == "M":
        t += _mamba2(a, i)
    if kind not in "M*":
        t += _ffn(a, i)
    return t


def global_tensors(a: Arch) -> list[Tensor]:
    h = a.hidden
    out: list[Tensor] = [_mat("token_embd.weight", EMBD, h, a.vocab), _vec("output_norm.weight", h)]
    if a.bias and a.type in ("phi2", "starcoder2", "gptneox", "falcon"):
        out.append(_vec("output_norm.bias", h))
    if not a.tied_embeddings:
        out.append(_mat("output.weight", OUTPUT, h, a.vocab))
    if a.type == "gemma4" and a.global_head_dim:  # the global layers' proportional RoPE frequencies
        out.append(_vec("rope_freqs.weight", a.global_head_dim // 2))
    return out


def _shape_differs(a: Arch, i: int) -> bool:
    """Global attention layers with their own shape (Gemma 4) cannot stand for windowed ones."""
    return bool(a.global_kv_heads) and not a.is_swa_layer(i)


def template_key(a: Arch, i: int) -> tuple[bool, str, bool, bool]:
    """Which layer template layer i uses."""
    return a.is_moe_layer(i), a.layer_kind(i), _shape_differs(a, i), a.has_indexer(i)


@lru_cache(maxsize=2048)
def template_for(a: Arch, key: tuple[bool, str, bool, bool]) -> tuple[Tensor, ...]:
    """The tensors of the first layer with this template key; their `layer` is that layer's index."""
    for i in range(a.layers):
        if template_key(a, i) == key:
            return tuple(layer_tensors(a, i))
    return ()


def nextn_tensors(a: Arch) -> list[Tensor]:
    """Multi-token-prediction layers stored in the GGUF (GLM-4.5+, Qwen3-Next/3.5): in the file, not
    loaded for inference by default."""
    if not a.nextn_layers or a.type not in NEXTN_IN_GGUF:
        return []
    h = a.hidden
    out: list[Tensor] = []
    for k in range(a.nextn_layers):
        i = a.layers + k
        base = _norms(a, i, "A") + _attention(a, i) + (_moe_ffn(a, i) if a.is_moe else _dense_ffn(a, i, a.ffn))
        extra = [_w("nextn.eh_proj.weight", 2 * h, h, i), _vec("nextn.enorm.weight", h, i)]
        extra.append(_vec("nextn.hnorm.weight", h, i))
        for t in base + extra:
            out.append(
                Tensor(t.name, t.category, t.ne0, t.numel, t.dims, t.layer, t.quantizable, t.expert, True, t.ne1, t.ne2)
            )
    return out


# Architectures whose GGUF converter keeps the MTP layers (llama.cpp loads them only for speculative
# decoding); DeepSeek V3's published files do not have them.
NEXTN_IN_GGUF = frozenset({"glm4moe", "glm-dsa", "deepseek32", "qwen3next", "qwen35", "qwen35moe", "mimo2"})


@lru_cache(maxsize=16)
def model_tensors(a: Arch) -> tuple[Tensor, ...]:
    """Every tensor of the GGUF file, global ones first, then layer by layer (the explicit, slow
    form of what weights() computes from layer templates)."""
    out = global_tensors(a)
    for i in range(a.layers):
        out.extend(layer_tensors(a, i))
    out.extend(nextn_tensors(a))
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
