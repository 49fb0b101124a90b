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
    q = kw.pop("quantizable", _quantizable(name))
    return Tensor(name, cat, ne0, ne0 * ne1, 2, layer, quantizable=q, ne1=ne1, **kw)


# Weights llama.cpp's quantizer leaves in their original type although they are 2-D or 3-D
# (tensor_allows_quantization): small conv, AltUp/Laurel and indexer tables.
_NEVER_QUANTIZED = (
    "_norm.weight",
    "ssm_conv1d",
    "shortconv.conv.weight",
    "altup",
    "laurel",
    "per_layer_model_proj",
    "indexer.k_proj.weight",
    "indexer.q_proj.weight",
    "ffn_gate_tid2eid.weight",
)


def _quantizable(name: str) -> bool:
    return name.endswith("weight") and not any(k in name for k in _NEVER_QUANTIZED)


def _cube(name: str, cat: int, ne0: int, ne1: int, ne2: int, layer: int, *, expert: bool = False) -> Tensor:
    q = _quantizable(name)
    return Tensor(name, cat, ne0, ne0 * ne1 * ne2, 3, layer, quantizable=q, expert=expert, ne1=ne1, ne2=ne2)


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


def _per_layer_inputs(a: Arch, i: int) -> list[Tensor]:
    """Gemma's per-layer embeddings: each layer gates in its slice of the per-layer token embedding;
    Gemma 3n adds AltUp's stream mixing and the Laurel low-rank residual (models/gemma3n.cpp)."""
    pl, h = a.per_layer_embd, a.hidden
    t = [_w("inp_gate.weight", h, pl, i), _w("proj.weight", pl, h, i), _vec("post_norm.weight", h, i)]
    if a.altup:
        n = a.altup
        t += [_mat("altup_correct_coef.weight", OTHER, n, n, i), _vec("altup_correct_scale.weight", h, i)]
        t += [_mat("altup_predict_coef.weight", OTHER, n, n * n, i), _w("altup_router.weight", h, n, i)]
        t.append(_vec("altup_router_norm.weight", h, i))
    if a.laurel_rank:
        r = a.laurel_rank
        t += [_w("laurel_l.weight", h, r, i), _w("laurel_r.weight", r, h, i), _vec("laurel_post_norm.weight", h, i)]
    return t


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
    if a.type == "kimi-k3":  # a sigmoid gate on the attention output, before attn_output
        t.append(_w("attn_gate.weight", h, a.heads * v_dim, i))
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


def _dsv4_attention(a: Arch, i: int) -> list[Tensor]:
    """DeepSeek V4 (llama.cpp models/deepseek4.cpp): low-rank q, one K (= V) head, sinks, a grouped
    low-rank output; layers that keep the compressed context have a compressor, and the 4:1 ones a
    lightning indexer with its own compressor."""
    h, hd, qr = a.hidden, a.head_dim, a.q_lora_rank
    t = [
        _vec("attn_sinks.weight", a.heads, i),
        _w("attn_q_a.weight", h, qr, i),
        _vec("attn_q_a_norm.weight", qr, i),
        _w("attn_q_b.weight", qr, a.heads * hd, i),
        _w("attn_kv.weight", h, hd, i),
        _vec("attn_kv_a_norm.weight", hd, i),
        _w("attn_output_a.weight", a.heads * hd // a.out_groups, a.out_lora_rank * a.out_groups, i),
        _w("attn_output_b.weight", a.out_groups * a.out_lora_rank, h, i),
    ]
    kind = a.compress_kinds[i] if i < len(a.compress_kinds) else "-"
    if kind != "-":
        ratio, width = (4, 2 * hd) if kind == "C" else (128, hd)
        t += [_w("attn_compressor_kv.weight", h, width, i), _w("attn_compressor_gate.weight", h, width, i)]
        t += [_w("attn_compressor_ape.weight", width, ratio, i), _vec("attn_compressor_norm.weight", hd, i)]
    if kind == "C":
        d = a.index_head_dim
        t += [_w("indexer.proj.weight", h, a.index_heads, i), _w("indexer.attn_q_b.weight", qr, a.index_heads * d, i)]
        t += [_w("indexer_compressor_kv.weight", h, 2 * d, i), _w("indexer_compressor_gate.weight", h, 2 * d, i)]
        t += [_w("indexer_compressor_ape.weight", 2 * d, 4, i), _vec("indexer_compressor_norm.weight", d, i)]
    return t


def _hyper_connections(a: Arch, i: int) -> list[Tensor]:
    """DeepSeek V4 mixes its residual streams before attention and before the FFN."""
    n = a.hyper_connections
    mix = (2 + n) * n
    t: list[Tensor] = []
    for part in ("attn", "ffn"):
        t += [_w(f"hc_{part}_fn.weight", n * a.hidden, mix, i), _vec(f"hc_{part}_base.weight", mix, i)]
        t.append(_vec(f"hc_{part}_scale.weight", 3, i))
    return t


def _attention(a: Arch, i: int) -> list[Tensor]:
    if a.type == "deepseek4":
        return _dsv4_attention(a, i)
    if a.is_mla:
        return _mla(a, i)
    h = a.hidden
    kv_heads, head_dim = attn_shape(a, i)
    heads = a.q_heads(i)
    q, kv = heads * head_dim, kv_heads * head_dim
    vd = a.v_dim or head_dim
    v, out = kv_heads * vd, heads * vd
    t: list[Tensor] = []
    biased = a.qkv_bias or a.bias or a.type == "gpt-oss"
    if a.type in FUSED_QKV:
        t.append(_w("attn_qkv.weight", h, q + 2 * kv, i))
        if biased:
            t.append(_vec("attn_qkv.bias", q + 2 * kv, i))
    else:
        t.append(_w("attn_q.weight", h, q * (2 if a.attn_gate else 1), i))
        t.append(_w("attn_k.weight", h, kv, i))
        if not (a.kv_shared and a.global_kv_heads and not a.is_swa_layer(i)):
            t.append(_w("attn_v.weight", h, v, i))
        if biased:
            t += [_vec("attn_q.bias", q, i), _vec("attn_k.bias", kv, i), _vec("attn_v.bias", v, i)]
    t.append(_w("attn_output.weight", out, h, i))
    if a.head_gate:
        t.append(_w("attn_gate.weight", h, heads, i))
    if a.bias or a.type in ("gpt-oss", "phimoe"):
        t.append(_vec("attn_output.bias", h, i))
    if a.type == "cohere" and a.layers >= 64:  # Command R+: per-head q and k norms (models/command-r.cpp)
        t += [
            _mat("attn_q_norm.weight", OTHER, head_dim, a.heads, i),
            _mat("attn_k_norm.weight", OTHER, head_dim, kv_heads, i),
        ]
    if a.type == "minimax-m3" and a.has_indexer(i):  # MSA's lightning indexer (kept in f32)
        d = a.index_head_dim
        t += [
            _w("indexer.q_proj.weight", h, a.index_heads * d, i),
            _w("indexer.k_proj.weight", h, d, i),
            _vec("indexer.q_norm.weight", d, i),
            _vec("indexer.k_norm.weight", d, i),
        ]
    if a.type == "gpt-oss" or (a.type == "mimo2" and a.is_swa_layer(i)):  # MiMo: sinks on sliding layers
        t.append(_vec("attn_sinks.weight", a.heads, i))
    if a.type in HEAD_QK_NORM:
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


def _kda(a: Arch, i: int) -> list[Tensor]:
    """A Kimi Delta Attention layer (Kimi Linear, Kimi K3: llama.cpp models/kimi-linear.cpp, kimi-k3.cpp):
    q, k and v projections each with a short depthwise conv, a low-rank decay gate (f_a, f_b), beta, and
    an output gate (low-rank in Kimi Linear, full-rank in K3)."""
    h, d, heads = a.hidden, a.kda_head_dim, a.kda_heads
    inner = d * heads
    t = [_cube(f"ssm_conv1d_{x}.weight", OTHER, a.linear_conv, 1, inner, i) for x in "qkv"]
    t += [_w("attn_q.weight", h, inner, i), _w("attn_k.weight", h, inner, i), _w("attn_v.weight", h, inner, i)]
    t += [_w("ssm_f_a.weight", h, d, i), _w("ssm_f_b.weight", d, inner, i), _w("ssm_beta.weight", h, heads, i)]
    if a.type == "kimi-k3":
        t += [_vec("ssm_a", heads, i), _vec("ssm_dt.bias", inner, i), _w("ssm_g.weight", h, inner, i)]
    else:
        t += [_mat("ssm_a", OTHER, 1, heads, i), _vec("ssm_dt.bias", inner, i)]
        t += [_w("ssm_g_a.weight", h, d, i), _w("ssm_g_b.weight", d, inner, i)]
    t += [_vec("ssm_norm.weight", d, i), _w("attn_output.weight", inner, h, i)]
    return t


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
        *([_mat("ssm_norm.weight", OTHER, d_inner // max(1, ng), ng, i)] if a.ssm_norm else []),
        _w("ssm_out.weight", d_inner, h, i),
    ]


def _shortconv(a: Arch, i: int) -> list[Tensor]:
    """An LFM2 short-convolution layer (llama.cpp models/lfm2.cpp): gated input projection to three
    times the width, a depthwise conv of `shortconv_kernel`, an output projection."""
    h = a.hidden
    return [
        _mat("shortconv.conv.weight", OTHER, a.shortconv_kernel, h, i),
        _w("shortconv.in_proj.weight", h, 3 * h, i),
        _w("shortconv.out_proj.weight", h, h, i),
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
    if a.moe_latent and a.type == "kimi-k3":  # routed experts in a latent width, with their own norm
        t += [_w("ffn_routed_down.weight", h, a.moe_latent, i), _w("ffn_routed_up.weight", a.moe_latent, h, i)]
        t.append(_vec("ffn_routed_norm.weight", a.moe_latent, i))
        h = a.moe_latent
    elif a.moe_latent:  # experts in a latent width (Nemotron 3 Super: models/nemotron-h.cpp)
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
    if a.type == "deepseek4" and i < a.hash_layers:  # experts picked by a token-id table (int32)
        t.append(_mat("ffn_gate_tid2eid.weight", OTHER, a.experts_per_token, a.vocab, i))
    elif a.type in _EXPERT_BIAS:
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


# MoE routers with a per-expert selection bias (exp_probs_b)
_EXPERT_BIAS = frozenset(
    {
        "deepseek2",
        "glm4moe",
        "nemotron_h_moe",
        "deepseek32",
        "glm-dsa",
        "minimax-m2",
        "mimo2",
        "lfm2moe",
        "minimax-m3",
        "kimi-linear",
        "kimi-k3",
        "deepseek4",
        "step35",
    }
)


def _ffn(a: Arch, i: int) -> list[Tensor]:
    if a.is_moe_layer(i):
        return _moe_ffn(a, i)
    shared_kv = a.kv_shared_layers and i >= a.layers - a.kv_shared_layers
    return _dense_ffn(a, i, a.ffn * (2 if shared_kv and a.ffn_double_shared else 1))


# Families with q and k norms one head wide
HEAD_QK_NORM = frozenset(
    {
        "qwen3",
        "qwen3moe",
        "gemma3",
        "gemma3n",
        "gemma4",
        "qwen3next",
        "qwen35",
        "qwen35moe",
        "exaone4",
        "lfm2",
        "lfm2moe",
        "minimax-m3",
        "step35",
    }
)
# Families whose attention projection is one fused q|k|v matrix in the GGUF
FUSED_QKV = frozenset({"phi3", "falcon", "gptneox"})
# Families whose norms are LayerNorms with a bias (the output norm's too)
NORM_BIAS = frozenset({"phi2", "falcon", "starcoder2", "gptneox", "phimoe"})


def _norms(a: Arch, i: int, kind: str) -> list[Tensor]:
    if a.separate_blocks:  # Nemotron-H blocks: one norm each
        return [_vec("attn_norm.weight", a.hidden, i)]
    names = {
        "gemma2": ("attn_norm", "post_attention_norm", "ffn_norm", "post_ffw_norm"),
        "gemma3": ("attn_norm", "post_attention_norm", "ffn_norm", "post_ffw_norm"),
        "gemma4": ("attn_norm", "post_attention_norm", "ffn_norm", "post_ffw_norm"),
        "gemma3n": ("attn_norm", "post_attention_norm", "ffn_norm", "post_ffw_norm"),
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
    if a.type == "falcon-h1":  # its converter maps pre_ff_layernorm.weight to "ffn_norm", no suffix
        return [_vec("attn_norm.weight", a.hidden, i), _vec("ffn_norm", a.hidden, i)]
    parts = ("weight", "bias") if a.type in NORM_BIAS else ("weight",)
    return [_vec(f"{n}.{p}", a.hidden, i) for n in names for p in parts]


def layer_tensors(a: Arch, i: int) -> list[Tensor]:
    kind = a.layer_kind(i)
    t = _norms(a, i, kind)
    if a.hyper_connections:
        t += _hyper_connections(a, i)
    if a.type == "kimi-k3":  # cross-layer attention residuals: a score vector per sub-block
        t += [_vec("attn_res_score.weight", a.hidden, i), _vec("ffn_res_score.weight", a.hidden, i)]
    if kind in "AS*":
        t += _attention(a, i)
    elif kind == "L":
        t += _gated_deltanet(a, i)
    elif kind == "M":
        t += _mamba2(a, i)
    elif kind == "C":
        t += _shortconv(a, i)
    elif kind == "K":
        t += _kda(a, i)
    elif kind == "P":  # Falcon-H1: the Mamba-2 mixer and attention read the same input
        t += _mamba2(a, i) + _attention(a, i)
    if a.has_ffn(i):
        t += _ffn(a, i)
    if a.per_layer_embd:
        t += _per_layer_inputs(a, i)
    return t


def global_tensors(a: Arch) -> list[Tensor]:
    h = a.hidden
    norm = "token_embd_norm.weight" if a.type in ("lfm2", "lfm2moe") else "output_norm.weight"  # LFM2's name
    out: list[Tensor] = [_mat("token_embd.weight", EMBD, h, a.vocab), _vec(norm, h)]
    if a.type in NORM_BIAS:
        out.append(_vec("output_norm.bias", h))
    if not a.tied_embeddings:
        out.append(_mat("output.weight", OUTPUT, h, a.vocab))
        if a.type in ("phi2", "phimoe"):  # the LM head has a bias
            out.append(_vec("output.bias", a.vocab))
    if a.type == "kimi-k3":
        out.append(_vec("output_res_score.weight", h))
    if a.hyper_connections:  # the output head mixes the residual streams back into one
        n = a.hyper_connections
        out += [
            _w("output_hc_fn.weight", n * h, n, -1),
            _vec("output_hc_base.weight", n),
            _vec("output_hc_scale.weight", 1),
        ]
    if a.altup:  # AltUp's projections into and out of its parallel streams
        n, out_t = a.altup, [("altup_proj.weight", h), ("altup_unembd_proj.weight", h)]
        out += [_cube(name, OTHER, w, h, n - 1, -1) for name, w in out_t]
    if a.per_layer_embd:  # a second, per-layer token embedding (looked up, kept in host memory)
        width = a.per_layer_embd * a.layers
        out += [
            _mat("per_layer_token_embd.weight", EMBD, width, a.vocab),
            _w("per_layer_model_proj.weight", h, width, -1),
        ]
        out.append(_vec("per_layer_proj_norm.weight", a.per_layer_embd))
    if a.type == "gemma4" and a.global_head_dim:  # the global layers' proportional RoPE frequencies
        out.append(_vec("rope_freqs.weight", a.global_head_dim // 2))
    return out


def _shape_differs(a: Arch, i: int) -> bool:
    """Global attention layers with their own shape (Gemma 4) cannot stand for windowed ones."""
    return bool(a.global_kv_heads) and not a.is_swa_layer(i)


TemplateKey = tuple[bool, str, bool, bool, str, bool, bool]


def template_key(a: Arch, i: int) -> TemplateKey:
    """Which layer template layer i uses: everything that makes two layers' tensors differ."""
    return (
        a.is_moe_layer(i),
        a.layer_kind(i),
        _shape_differs(a, i),
        a.has_indexer(i),
        a.compress_kinds[i] if i < len(a.compress_kinds) else "",  # DeepSeek V4's compressor
        i < a.hash_layers,  # DeepSeek V4's hash-routed layers
        bool(a.kv_shared_layers) and i >= a.layers - a.kv_shared_layers,  # Gemma's double-wide FFN
    )


@lru_cache(maxsize=4096)
def template_keys(a: Arch) -> tuple[TemplateKey, ...]:
    """template_key of every layer, in order."""
    return tuple(template_key(a, i) for i in range(a.layers))


@lru_cache(maxsize=2048)
def template_for(a: Arch, key: TemplateKey) -> tuple[Tensor, ...]:
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
        if a.type == "step35":  # its MTP blocks keep their own head norm
            extra.append(_vec("nextn.shared_head_norm.weight", h, i))
        for t in base + extra:
            out.append(
                Tensor(t.name, t.category, t.ne0, t.numel, t.dims, t.layer, t.quantizable, t.expert, True, t.ne1, t.ne2)
            )
    return out


# Architectures whose GGUF converter keeps the MTP layers (llama.cpp loads them only for speculative
# decoding); DeepSeek V3's published files do not have them.
NEXTN_IN_GGUF = frozenset({"glm4moe", "glm-dsa", "deepseek32", "qwen3next", "qwen35", "qwen35moe", "mimo2", "step35"})


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
        if active and t.category == EMBD and (not a.tied_embeddings or t.name != "token_embd.weight"):
            continue  # a row lookup (a tied token_embd also serves as the output head, a full matmul)
        if active and t.expert:
            total += t.numel * a.experts_per_token / a.experts
        else:
            total += t.numel
    return total
