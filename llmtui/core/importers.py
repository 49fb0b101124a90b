"""Models from outside the catalogue: a Hugging Face config.json, or a local GGUF file's header."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from .boundary.text import one_line
from .catalog.schema import Invalid, is_hf_repo_id, parse_model
from .catalog.types import Model

# Hugging Face model_type -> the tensor layout llmtui estimates (llama.cpp's architecture names)
MODEL_TYPES = {
    "llama": "llama",
    "mistral": "llama",
    "mixtral": "llama",
    "granite": "granite",
    "qwen2": "qwen2",
    "qwen2_moe": "qwen2moe",
    "qwen3": "qwen3",
    "qwen3_moe": "qwen3moe",
    "gemma": "gemma",
    "gemma2": "gemma2",
    "gemma3": "gemma3",
    "gemma3_text": "gemma3",
    "phi3": "phi3",
    "phimoe": "phimoe",
    "cohere": "cohere",
    "cohere2": "cohere2",
    "deepseek_v2": "deepseek2",
    "deepseek_v3": "deepseek2",
    "kimi_k2": "deepseek2",
    "gpt_oss": "gpt-oss",
    "glm4_moe": "glm4moe",
    "olmo2": "olmo2",
    "llama4": "llama4",
    "llama4_text": "llama4",
    "internlm3": "llama",
    "exaone": "llama",
    "starcoder2": "starcoder2",
    "falcon": "falcon",
    "phi": "phi2",
    "gpt_neox": "gptneox",
    "qwen3_next": "qwen3next",
    "qwen3_5": "qwen35",
    "qwen3_5_text": "qwen35",
    "qwen3_5_moe": "qwen35moe",
    "qwen3_5_moe_text": "qwen35moe",
    "nemotron_h": "nemotron_h",
    "gemma4": "gemma4",
    "gemma4_text": "gemma4",
    "gemma3n": "gemma3n",  # per-layer embeddings, AltUp, Laurel, KV shared by the later layers
    "gemma3n_text": "gemma3n",
    "olmo3": "olmo2",  # llama.cpp converts Olmo3ForCausalLM as olmo2 with sliding-window layers
    "minimax_m2": "minimax-m2",
    "minimax_m3_vl_text": "minimax-m3",  # MiniMax-M3: GQA with a sparse-attention (MSA) indexer
    "minimax_m3": "minimax-m3",
    "deepseek_v32": "deepseek32",
    "glm_moe_dsa": "glm-dsa",
    # vision-language models: the text decoder is the named family's (the vision tower ships apart, as
    # llama.cpp's mmproj file); Qwen3-VL's deepstack feeds image features in, it adds no text weights
    "qwen3_vl_text": "qwen3",
    "qwen3_vl_moe_text": "qwen3moe",
    # Mistral 3 text decoders (Ministral 3, Devstral 2): llama's layout (llama.cpp's mistral3)
    "ministral3": "llama",
    "seed_oss": "seed_oss",  # llama's layout with q/k/v biases and a post-attention norm
    "exaone4": "exaone4",  # 3 sliding-window layers to 1 global, per-head q/k norms, post norms
    "mimo_v2_flash": "mimo2",
    "lfm2": "lfm2",  # LiquidAI: short-convolution layers and a few attention layers
    "lfm2_moe": "lfm2moe",
    "granitemoehybrid": "granitehybrid",  # Granite 4.0-H: Mamba-2 and attention layers, each with an FFN
    "falcon_h1": "falcon-h1",  # Mamba-2 and attention side by side in every layer
    "kimi_linear": "kimi-linear",  # KDA linear attention and MLA layers (Kimi K3 is this, wrapped)
    "deepseek_v4": "deepseek4",  # windowed MQA with compressed (CSA/HCA) context and hyper-connections
    "step3p5": "step35",  # Step-3.5-Flash: windowed and full layers with their own head counts
}
# Families whose MLP has no gate (up, activation, down) and whose linear layers carry biases.
PLAIN_MLP = {"falcon", "phi", "gpt_neox", "starcoder2", "nemotron_h"}
BIASED = {"phi", "gpt_neox", "starcoder2"}
# Defaults of transformers' config classes for keys official files omit (Gemma 3's config.json lists
# only what differs from Gemma3TextConfig: gemma-3-4b-it has no vocab_size, heads or head_dim).
CONFIG_DEFAULTS: dict[str, dict[str, Any]] = {
    "gemma3_text": {
        "vocab_size": 262_208,
        "hidden_size": 2304,
        "intermediate_size": 9216,
        "num_hidden_layers": 26,
        "num_attention_heads": 8,
        "num_key_value_heads": 4,
        "head_dim": 256,
        "max_position_embeddings": 131_072,
        "sliding_window": 4096,
        "sliding_window_pattern": 6,
        "tie_word_embeddings": True,
    },
}

QKV_BIAS_TYPES = {"qwen2", "qwen2_moe"}


class ImportError_(ValueError):
    """A file that cannot be turned into a model; the message names the file and what is wrong, on one line."""

    def __init__(self, message: str) -> None:
        super().__init__(message.replace("\r", "\\r").replace("\n", "\\n"))


def _shown(value: object) -> str:
    """A value from a user's file as it reads in JSON, escaped and cut short."""
    text = json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= 40 else text[:39] + "…"


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9._+-]+", "-", text.lower()).strip("-") or "imported"


def _get(cfg: dict[str, Any], *keys: str, default: Any = None) -> Any:
    """The first of keys that is set, as a whole number; a value of another kind is an error naming it."""
    for k in keys:
        v = cfg.get(k)
        if v is None:
            continue
        if isinstance(v, float) and v.is_integer():
            v = int(v)
        if isinstance(v, bool) or not isinstance(v, int):
            raise ImportError_(f"'{k}' should be a whole number, not {_shown(v)}")
        return v
    return default


def _flag(cfg: dict[str, Any], key: str, *, default: bool) -> bool:
    v = cfg.get(key)
    if v is None:
        return default
    if not isinstance(v, bool):
        raise ImportError_(f"'{key}' should be true or false, not {_shown(v)}")
    return v


def arch_from_config(cfg: dict[str, Any]) -> dict[str, Any]:
    """The catalogue's arch table from a config.json dict (multimodal configs: their text_config)."""
    top_type = str(cfg.get("model_type", ""))
    if isinstance(cfg.get("text_config"), dict):
        inner = dict(cfg["text_config"])
        inner.setdefault("model_type", top_type + "_text")
        cfg = inner
    model_type = str(cfg.get("model_type", top_type))
    if model_type in CONFIG_DEFAULTS:  # the official file leaves out what equals the class default
        cfg = {**CONFIG_DEFAULTS[model_type], **cfg}
    widths = cfg.get("intermediate_size")
    if model_type.startswith("gemma3n") and isinstance(widths, list) and widths:  # one width per layer
        if len({json.dumps(w) for w in widths}) != 1:
            raise ImportError_("'intermediate_size' lists different widths per layer; llmtui sizes one width")
        cfg = {**cfg, "intermediate_size": widths[0]}
    if model_type == "nemotron_h" and isinstance(cfg.get("layers_block_type"), list):
        # transformers-5 files list the layers by name and may leave num_hidden_layers out
        cfg = {**cfg, "num_hidden_layers": cfg.get("num_hidden_layers") or len(cfg["layers_block_type"])}
    if model_type not in MODEL_TYPES:
        known = ", ".join(sorted(MODEL_TYPES))
        shown = _shown(model_type) if model_type else "(none)"
        raise ImportError_(f"model_type {shown} is not one llmtui can estimate (known: {known})")
    arch_type = MODEL_TYPES[model_type]
    if model_type == "kimi_linear" and (top_type == "kimi_k3" or cfg.get("hidden_act") == "situ"):
        arch_type = "kimi-k3"  # K3's text model: latent experts, situ, attention residuals, gated MLA
    layers = _get(cfg, "num_hidden_layers", "n_layer", "num_layers")
    hidden = _get(cfg, "hidden_size", "d_model", "n_embd")
    heads = _get(cfg, "num_attention_heads", "n_head")
    if not all(x is not None and x > 0 for x in (layers, hidden, heads)):
        raise ImportError_("config.json lacks num_hidden_layers, hidden_size or num_attention_heads")
    kv_heads = _get(cfg, "num_key_value_heads", default=heads)
    a: dict[str, Any] = {
        "type": arch_type,
        "layers": layers,
        "hidden": hidden,
        "heads": heads,
        "kv_heads": kv_heads,
        "head_dim": _get(cfg, "head_dim", default=hidden // heads),
        "vocab": _get(cfg, "vocab_size", default=32000),
        "max_ctx": _get(cfg, "max_position_embeddings", "max_sequence_length", "seq_length", default=4096),
        "tied_embeddings": _flag(cfg, "tie_word_embeddings", default=model_type.startswith("gemma")),
    }
    ffn = _get(cfg, "intermediate_size", "ffn_dim", "n_inner")
    if ffn is not None:
        a["ffn"] = ffn
    if model_type in QKV_BIAS_TYPES or cfg.get("attention_bias") is True or cfg.get("qkv_bias") is True:
        a["qkv_bias"] = True
    experts = _get(cfg, "num_local_experts", "n_routed_experts", "num_experts", default=0) or 0
    if experts > 1:
        a["experts"] = experts
        a["experts_per_token"] = _get(
            cfg, "num_experts_per_tok", "num_experts_per_token", "moe_topk", "top_k", default=2
        )
        a["expert_ffn"] = _get(cfg, "moe_intermediate_size", "expert_intermediate_size", default=ffn)
        shared_ffn = _get(cfg, "shared_expert_intermediate_size", default=0)
        shared = _get(cfg, "n_shared_experts", "num_shared_experts", default=1 if shared_ffn else 0)
        if shared:
            a["shared_experts"] = shared
        if shared_ffn:
            a["shared_expert_ffn"] = shared_ffn
        dense = _get(cfg, "first_k_dense_replace", default=0)
        if dense:
            a["dense_layers"] = dense
        step = _get(cfg, "interleave_moe_layer_step", "decoder_sparse_step", default=1)
        if step and step > 1:
            a["moe_every"] = step
        if model_type in ("mixtral",):
            a["ffn"] = a.get("ffn") or a["expert_ffn"]
        if model_type.startswith("llama4"):
            a["ffn"] = _get(cfg, "intermediate_size_mlp", default=a.get("ffn", 0))
            a["shared_experts"] = 1
    if kv_lora_rank := _get(cfg, "kv_lora_rank"):
        a["kv_lora_rank"] = kv_lora_rank
        a["q_lora_rank"] = _get(cfg, "q_lora_rank", default=0)
        a["qk_rope_dim"] = _get(cfg, "qk_rope_head_dim", default=64)
        a["qk_nope_dim"] = _get(cfg, "qk_nope_head_dim", default=128)
        a["v_head_dim"] = _get(cfg, "v_head_dim", default=a["qk_nope_dim"])
        a["head_dim"] = a["qk_rope_dim"] + a["qk_nope_dim"]
        a["kv_heads"] = heads
        if _get(cfg, "index_n_heads"):  # DeepSeek V3.2 / GLM-5 lightning indexer
            a["index_heads"] = _get(cfg, "index_n_heads")
            a["index_head_dim"] = _get(cfg, "index_head_dim", default=128)
            a["index_topk"] = _get(cfg, "index_topk", default=2048)
            if isinstance(cfg.get("indexer_types"), list):  # GLM-5.2: some layers share the indexer
                a["index_kinds"] = _kinds(cfg["indexer_types"], layers, {"full": "F", "shared": "s"}, "indexer_types")
    _sliding(cfg, model_type, a)
    _hybrid(cfg, model_type, a)
    if model_type in PLAIN_MLP:
        a["mlp"] = "plain"
    if model_type in BIASED and cfg.get("use_bias", cfg.get("bias", True)) is not False:
        a["bias"] = True
    nextn = _get(cfg, "num_nextn_predict_layers", "mtp_num_hidden_layers", default=0)
    if nextn:
        a["nextn_layers"] = nextn
    return a


def _kinds(layer_types: Any, layers: int, table: dict[str, str], what: str) -> str:
    if not isinstance(layer_types, list | str) or len(layer_types) != layers:
        raise ImportError_(f"'{what}' should list one entry per layer ({layers})")
    out = []
    for t in layer_types:
        k = table.get(str(t))
        if k is None:
            raise ImportError_(f"'{what}' has a layer kind llmtui does not know: {_shown(t)}")
        out.append(k)
    return "".join(out)


def _hybrid(cfg: dict[str, Any], model_type: str, a: dict[str, Any]) -> None:
    """Per-layer mixers: Gated DeltaNet (Qwen3-Next, Qwen3.5), Mamba-2 (Nemotron-H), Gemma 4's
    local and global attention shapes."""
    layers = a["layers"]
    if model_type.startswith(("qwen3_next", "qwen3_5")):
        if isinstance(cfg.get("layer_types"), list):
            table = {"linear_attention": "L", "full_attention": "A"}
            a["layer_kinds"] = _kinds(cfg["layer_types"], layers, table, "layer_types")
        else:
            every = _get(cfg, "full_attention_interval", default=4)
            a["layer_kinds"] = "".join("A" if (i + 1) % every == 0 else "L" for i in range(layers))
        a["linear_k_heads"] = _get(cfg, "linear_num_key_heads")
        a["linear_v_heads"] = _get(cfg, "linear_num_value_heads")
        a["linear_k_dim"] = _get(cfg, "linear_key_head_dim")
        a["linear_v_dim"] = _get(cfg, "linear_value_head_dim")
        a["linear_conv"] = _get(cfg, "linear_conv_kernel_dim", default=4)
        a["attn_gate"] = _flag(cfg, "attn_output_gate", default=True)
        a["full_attn_every"] = _get(cfg, "full_attention_interval", default=4)
    elif model_type == "nemotron_h":
        if isinstance(cfg.get("layers_block_type"), list):
            table = {"mamba": "M", "attention": "*", "mlp": "-", "moe": "-"}
            a["layer_kinds"] = _kinds(cfg["layers_block_type"], layers, table, "layers_block_type")
        else:
            table = {"M": "M", "*": "*", "-": "-", "E": "-"}
            a["layer_kinds"] = _kinds(cfg.get("hybrid_override_pattern"), layers, table, "hybrid_override_pattern")
        heads = _get(cfg, "mamba_num_heads")
        a["ssm_heads"] = heads
        a["ssm_inner"] = (heads or 0) * (_get(cfg, "mamba_head_dim", default=64) or 0)
        a["ssm_state"] = _get(cfg, "ssm_state_size", default=128)
        a["ssm_groups"] = _get(cfg, "n_groups", default=8)
        a["ssm_conv"] = _get(cfg, "conv_kernel", default=4)
        if a.get("experts"):
            a["type"] = "nemotron_h_moe"
            if _get(cfg, "moe_latent_size"):
                a["moe_latent"] = _get(cfg, "moe_latent_size")
            a["shared_expert_ffn"] = _get(cfg, "moe_shared_expert_intermediate_size", default=0)
            a["shared_experts"] = _get(cfg, "n_shared_experts", default=1 if a["shared_expert_ffn"] else 0)
    elif model_type.startswith("gemma3n"):
        _gemma3n(cfg, a)
    elif model_type == "deepseek_v4":
        _deepseek_v4(cfg, a)
    elif model_type == "step3p5":
        _step35(cfg, a)
    elif model_type == "kimi_linear":
        _kimi_linear(cfg, a)
    elif model_type.startswith("minimax_m3"):
        _minimax_m3(cfg, a)
    elif model_type in ("lfm2", "lfm2_moe"):
        _lfm2(cfg, model_type, a)
    elif model_type == "granitemoehybrid":
        _granite_hybrid(cfg, a)
    elif model_type == "falcon_h1":
        _falcon_h1(cfg, a)
    elif model_type == "mimo_v2_flash":
        # sliding layers (pattern 1) have their own KV head count; every layer has K 192, V 128 wide
        pattern = cfg.get("hybrid_layer_pattern")
        a["layer_kinds"] = _kinds(pattern, layers, {"1": "S", "0": "A"}, "hybrid_layer_pattern")
        a["sliding_window"] = _get(cfg, "sliding_window", default=128)
        a["kv_heads"] = _get(cfg, "swa_num_key_value_heads", default=a["kv_heads"])
        a["global_kv_heads"] = _get(cfg, "num_key_value_heads")
        a["global_head_dim"] = a["head_dim"]
        a["v_dim"] = _get(cfg, "v_head_dim", default=a["head_dim"])
        freq = cfg.get("moe_layer_freq")
        if isinstance(freq, list) and freq:  # leading dense layers, then MoE
            a["dense_layers"] = next((n for n, f in enumerate(freq) if f), len(freq))
        a["nextn_layers"] = 3  # in the safetensors, not in config.json (llama.cpp conversion/mimo.py)
    elif model_type.startswith("gemma4"):
        if isinstance(cfg.get("layer_types"), list):
            table = {"sliding_attention": "S", "full_attention": "A"}
            a["layer_kinds"] = _kinds(cfg["layer_types"], layers, table, "layer_types")
        a["global_kv_heads"] = _get(cfg, "num_global_key_value_heads", default=0)
        a["global_head_dim"] = _get(cfg, "global_head_dim", default=0)
        a["kv_shared"] = _flag(cfg, "attention_k_eq_v", default=False)
        a["per_layer_embd"] = _get(cfg, "hidden_size_per_layer_input", default=0) or 0
        a["kv_shared_layers"] = _get(cfg, "num_kv_shared_layers", default=0) or 0
        a["ffn_double_shared"] = _flag(cfg, "use_double_wide_mlp", default=False)
        pl_vocab = _get(cfg, "vocab_size_per_layer_input", default=a["vocab"])
        if a["per_layer_embd"] and pl_vocab != a["vocab"]:  # (Gemma 3n's converter pads it; Gemma 4's does not)
            raise ImportError_("'vocab_size_per_layer_input' differs from vocab_size (llama.cpp needs them equal)")
        if a["kv_shared_layers"] >= layers:
            raise ImportError_("'num_kv_shared_layers' should be fewer than the layers")
        if cfg.get("enable_moe_block") is True and a.get("experts"):
            a["moe_with_dense"] = True
            a["experts_per_token"] = _get(cfg, "top_k_experts", "num_experts_per_tok", default=8)


def _layer_types(cfg: dict[str, Any], layers: int, attention: str) -> list[str]:
    """The per-layer kinds as a list of names: `layer_types`, or the attention layers' indices."""
    if isinstance(cfg.get("layer_types"), list):
        return [str(t) for t in cfg["layer_types"]]
    for key in ("full_attn_idxs", "attn_layer_indices"):
        idx = cfg.get(key)
        if isinstance(idx, list):
            if not all(isinstance(i, int) and not isinstance(i, bool) and 0 <= i < layers for i in idx):
                raise ImportError_(f"'{key}' should list layer numbers below {layers}")
            return [attention if i in idx else "other" for i in range(layers)]
    raise ImportError_("config.json lacks 'layer_types' (which layers are attention layers)")


def _lfm2(cfg: dict[str, Any], model_type: str, a: dict[str, Any]) -> None:
    """LFM2: short-convolution layers ('conv') and attention layers (llama.cpp models/lfm2.cpp)."""
    names = _layer_types(cfg, a["layers"], "full_attention")
    a["layer_kinds"] = _kinds(names, a["layers"], {"conv": "C", "other": "C", "full_attention": "A"}, "layer_types")
    a["shortconv_kernel"] = _get(cfg, "conv_L_cache", default=3)
    a["tied_embeddings"] = _flag(cfg, "tie_embedding", default=_flag(cfg, "tie_word_embeddings", default=True))
    if model_type == "lfm2":  # the converter's FFN width (conversion/lfm2.py, _add_feed_forward_length)
        ff = _get(cfg, "block_ff_dim", "intermediate_size")
        if ff and cfg.get("block_auto_adjust_ff_dim") is True:
            ff = int(2 * ff / 3)
            mult = cfg.get("block_ffn_dim_multiplier")
            if isinstance(mult, int | float) and not isinstance(mult, bool):
                ff = int(mult * ff)
            step = _get(cfg, "block_multiple_of", default=256) or 1
            ff = step * ((ff + step - 1) // step)
        a["ffn"] = ff
    else:
        a["dense_layers"] = _get(cfg, "num_dense_layers", default=0)
        a.pop("shared_experts", None)


def _gemma3n(cfg: dict[str, Any], a: dict[str, Any]) -> None:
    """Gemma 3n (llama.cpp models/gemma3n.cpp): the first 20 layers keep a KV cache and the rest reuse
    it; llama.cpp fixes AltUp at 4 streams, Laurel at rank 64 and the per-layer width at 256, so a
    config that differs is refused rather than sized as something llama.cpp does not load."""
    if isinstance(cfg.get("layer_types"), list):
        table = {"sliding_attention": "S", "full_attention": "A"}
        a["layer_kinds"] = _kinds(cfg["layer_types"], a["layers"], table, "layer_types")
    a["sliding_window"] = _get(cfg, "sliding_window", default=512)
    fixed = {"altup_num_inputs": 4, "laurel_rank": 64, "hidden_size_per_layer_input": 256}
    for key, want in fixed.items():
        if _get(cfg, key, default=want) != want:
            raise ImportError_(f"'{key}' is not {want}, the only value llama.cpp runs")
    a["altup"], a["laurel_rank"], a["per_layer_embd"] = 4, 64, 256
    a["kv_shared_layers"] = max(0, a["layers"] - 20)  # hparams.n_layer_kv_from_start = 20


def _step35(cfg: dict[str, Any], a: dict[str, Any]) -> None:
    """Step-3.5 (llama.cpp models/step35.cpp, conversion/step3.py): layer_types name windowed and full
    layers, whose query and KV head counts may differ (attention_other_setting); a sigmoid gate per
    head; routed experts with a bias and a shared expert; MTP blocks appended to the layers."""
    layers = a["layers"]
    types = cfg.get("layer_types")
    if not isinstance(types, list) or len(types) < layers:
        raise ImportError_(f"'layer_types' should list at least one entry per layer ({layers})")
    table = {"sliding_attention": "S", "full_attention": "A"}
    a["layer_kinds"] = _kinds(types[:layers], layers, table, "layer_types")
    a["sliding_window"] = _get(cfg, "sliding_window", default=512)
    a["kv_heads"] = a["global_kv_heads"] = _get(cfg, "num_attention_groups", default=a["kv_heads"])
    a["global_head_dim"] = a["head_dim"]
    other = cfg.get("attention_other_setting")
    if isinstance(other, dict):  # the windowed layers' heads
        a["swa_heads"] = _get(other, "num_attention_heads", default=a["heads"])
        a["kv_heads"] = _get(other, "num_attention_groups", default=a["kv_heads"])
    a["head_gate"] = _flag(cfg, "use_head_wise_attn_gate", default=False)
    a["experts"] = _get(cfg, "moe_num_experts", default=0)
    a["experts_per_token"] = _get(cfg, "moe_top_k", default=0)
    a["expert_ffn"] = _get(cfg, "moe_intermediate_size", default=0)
    shared = _get(cfg, "share_expert_dim", default=0)
    if shared:
        a["shared_experts"], a["shared_expert_ffn"] = 1, shared
    moe = cfg.get("moe_layers_enum")
    ids = moe.split(",") if isinstance(moe, str) else moe if isinstance(moe, list) else []
    try:
        first = min(int(x) for x in ids) if ids else 0
    except (TypeError, ValueError):
        raise ImportError_("'moe_layers_enum' should list layer numbers") from None
    a["dense_layers"] = first


def _deepseek_v4(cfg: dict[str, Any], a: dict[str, Any]) -> None:
    """DeepSeek V4: every layer attends to a 128-token window of one 512-wide K (= V) head, plus the
    whole context compressed 4:1 with a lightning indexer (CSA) or 128:1 (HCA), per compress_ratios
    (llama.cpp models/deepseek4.cpp, llama-kv-cache-dsv4.cpp). The converter skips the MTP layer and
    writes the FP4 experts as MXFP4 (conversion/deepseek.py)."""
    ratios = cfg.get("compress_ratios")
    if not isinstance(ratios, list) or len(ratios) < a["layers"]:
        raise ImportError_(f"'compress_ratios' should list one ratio per layer ({a['layers']})")
    table = {0: "-", 4: "C", 128: "H"}
    if any(r not in table for r in ratios[: a["layers"]]):
        raise ImportError_("'compress_ratios' has a ratio llama.cpp does not run (it runs 0, 4 and 128)")
    a["compress_kinds"] = "".join(table[r] for r in ratios[: a["layers"]])
    a["sliding_window"] = _get(cfg, "sliding_window", default=128)
    a["kv_heads"] = 1
    a["q_lora_rank"] = _get(cfg, "q_lora_rank", default=0)
    a["qk_rope_dim"] = _get(cfg, "qk_rope_head_dim", default=64)
    a["out_groups"] = _get(cfg, "o_groups")
    a["out_lora_rank"] = _get(cfg, "o_lora_rank")
    a["hyper_connections"] = _get(cfg, "hc_mult", default=1)
    a["hash_layers"] = _get(cfg, "num_hash_layers", default=0)
    a["index_heads"] = _get(cfg, "index_n_heads")
    a["index_head_dim"] = _get(cfg, "index_head_dim", default=128)
    a["index_topk"] = _get(cfg, "index_topk", default=512)
    a["index_kinds"] = "".join("F" if k == "C" else "-" for k in a["compress_kinds"])
    a["shared_expert_ffn"] = a["expert_ffn"] * a.get("shared_experts", 1)
    if str(cfg.get("expert_dtype", "")).lower() == "fp4":
        a["experts_mxfp4"] = True


def _kimi_linear(cfg: dict[str, Any], a: dict[str, Any]) -> None:
    """Kimi Linear and Kimi K3: KDA layers and MLA layers, numbered from 1 in linear_attn_config
    (conversion/kimi_linear.py, kimi_k3.py); shared experts are expert-wide x their count."""
    lac = cfg.get("linear_attn_config")
    if not isinstance(lac, dict):
        raise ImportError_("config.json lacks 'linear_attn_config'")
    full = lac.get("full_attn_layers")
    if not isinstance(full, list) or not all(isinstance(n, int) and not isinstance(n, bool) for n in full):
        raise ImportError_("'linear_attn_config.full_attn_layers' should list layer numbers")
    a["layer_kinds"] = "".join("A" if i + 1 in full else "K" for i in range(a["layers"]))
    a["kda_heads"] = _get(lac, "num_heads", default=a["heads"])
    a["kda_head_dim"] = _get(lac, "head_dim", default=128)
    a["linear_conv"] = _get(lac, "short_conv_kernel_size", default=4)
    if a["kda_heads"] != a["heads"]:
        raise ImportError_(
            "'linear_attn_config.num_heads' differs from num_attention_heads (llama.cpp needs them equal)"
        )
    if a.get("shared_experts"):
        a["shared_expert_ffn"] = a["expert_ffn"] * a["shared_experts"]
    if _get(cfg, "routed_expert_hidden_size"):
        a["moe_latent"] = _get(cfg, "routed_expert_hidden_size")
    q = cfg.get("quantization_config")
    if isinstance(q, dict) and "mxfp4" in str(q.get("format", "")).lower():
        a["experts_mxfp4"] = True  # the converter writes the experts as MXFP4, as shipped


def _minimax_m3(cfg: dict[str, Any], a: dict[str, Any]) -> None:
    """MiniMax-M3: leading dense layers (dense_intermediate_size), then routed experts with a shared
    one; the MoE layers carry the MSA indexer (llama.cpp models/minimax-m3.cpp). Its MTP module is not
    in the released weights."""
    freq = cfg.get("moe_layer_freq")
    if isinstance(freq, list) and freq:
        a["dense_layers"] = next((n for n, f in enumerate(freq) if f), len(freq))
    a["ffn"] = _get(cfg, "dense_intermediate_size", default=a.get("ffn"))
    if a.get("shared_experts"):  # llama.cpp sizes the shared expert as expert width x count
        a["shared_expert_ffn"] = a["expert_ffn"] * a["shared_experts"]
    sac = cfg.get("sparse_attention_config")
    if isinstance(sac, dict) and sac.get("use_sparse_attention") is True:
        a["index_heads"] = _get(sac, "sparse_num_index_heads")
        a["index_head_dim"] = _get(sac, "sparse_index_dim", default=128)
        a["index_topk"] = _get(sac, "sparse_topk_blocks", default=16) * (
            _get(sac, "sparse_block_size", default=128) or 1
        )
        a["index_kinds"] = "".join("F" if i >= a.get("dense_layers", 0) else "-" for i in range(a["layers"]))


def _mamba_shape(cfg: dict[str, Any], a: dict[str, Any], *, inner: int) -> None:
    """Mamba-2 mixer widths from the mamba_* keys (transformers' GraniteMoeHybrid and FalconH1 configs:
    mamba_d_head may be "auto", inner / heads)."""
    a["ssm_heads"] = _get(cfg, "mamba_n_heads", "mamba_num_heads")
    a["ssm_inner"] = inner
    a["ssm_state"] = _get(cfg, "mamba_d_state", "ssm_state_size", default=128)
    a["ssm_groups"] = _get(cfg, "mamba_n_groups", "n_groups", default=1)
    a["ssm_conv"] = _get(cfg, "mamba_d_conv", "conv_kernel", default=4)
    if not a["ssm_heads"] or not inner:
        raise ImportError_("config.json lacks 'mamba_n_heads' or the Mamba width")
    head = cfg.get("mamba_d_head")
    head = inner // a["ssm_heads"] if head in (None, "auto") else _get(cfg, "mamba_d_head")
    if head * a["ssm_heads"] != inner or inner % max(1, a["ssm_groups"]):
        raise ImportError_(f"mamba_n_heads x mamba_d_head is not the Mamba width {inner}")


def _granite_hybrid(cfg: dict[str, Any], a: dict[str, Any]) -> None:
    """Granite 4.0-H: Mamba-2 and attention layers, each followed by an FFN: routed experts with a
    shared one, or (no experts) a dense FFN of the shared width (conversion/granite.py)."""
    names = _layer_types(cfg, a["layers"], "attention")
    a["layer_kinds"] = _kinds(names, a["layers"], {"mamba": "M", "other": "M", "attention": "A"}, "layer_types")
    _mamba_shape(cfg, a, inner=(_get(cfg, "mamba_expand", default=2) or 2) * a["hidden"])
    shared = _get(cfg, "shared_intermediate_size", default=0) or 0
    if a.get("experts"):
        a["expert_ffn"] = a.get("ffn") or a.get("expert_ffn")
        if shared:
            a["shared_experts"], a["shared_expert_ffn"] = 1, shared
    elif shared:
        a["ffn"] = shared


def _falcon_h1(cfg: dict[str, Any], a: dict[str, Any]) -> None:
    """Falcon-H1: every layer runs a Mamba-2 mixer and attention side by side, then an FFN."""
    a["layer_kinds"] = "P" * a["layers"]
    inner = _get(cfg, "mamba_d_ssm") or (_get(cfg, "mamba_expand", default=2) or 2) * a["hidden"]
    _mamba_shape(cfg, a, inner=inner)
    a["ssm_norm"] = _flag(cfg, "mamba_rms_norm", default=False)
    if cfg.get("attention_bias") is True or cfg.get("mlp_bias") is True or cfg.get("projectors_bias") is True:
        raise ImportError_(
            "Falcon-H1 with biases (attention_bias, mlp_bias, projectors_bias) is not one llmtui lays out"
        )


def _sliding(cfg: dict[str, Any], model_type: str, a: dict[str, Any]) -> None:
    layer_types = cfg.get("layer_types")
    window = _get(cfg, "sliding_window", "attention_chunk_size")
    if model_type.startswith("llama4"):
        window = _get(cfg, "attention_chunk_size")
        if window:
            a["sliding_window"], a["full_attn_every"] = window, 4
        return
    if not window or cfg.get("use_sliding_window") is False or model_type.startswith("qwen"):
        return
    if isinstance(layer_types, list) and layer_types:
        full = sum(1 for t in layer_types if "full" in str(t))
        if full == 0:
            a["sliding_window"] = window
        elif full < len(layer_types):
            a["sliding_window"], a["full_attn_every"] = window, max(1, round(len(layer_types) / full))
        return
    pattern = _get(cfg, "sliding_window_pattern", "_sliding_window_pattern")
    if model_type == "gemma2":
        pattern = 2
    if model_type == "gpt_oss":
        pattern = 2
    if pattern:
        a["sliding_window"], a["full_attn_every"] = window, pattern
    elif model_type in ("mistral",) and window < a["max_ctx"]:
        a["sliding_window"] = window


def model_from_config(path: Path, *, name: str = "") -> Model:
    """A Model from a Hugging Face config.json; parameters are counted from the architecture."""

    from .boundary import InputError
    from .boundary.reader import read_json

    try:
        cfg = read_json(path, what="config")
    except InputError as e:
        raise ImportError_(str(e)) from None
    if not isinstance(cfg, dict):
        raise ImportError_(f"{path}: a config.json is a JSON object, this is a {type(cfg).__name__}")
    try:
        arch = arch_from_config(cfg)
    except ImportError_ as e:
        raise ImportError_(f"{path}: {e}") from None
    arch["source"] = one_line(str(path))
    named = cfg.get("_name_or_path")
    repo = named.strip() if isinstance(named, str) and is_hf_repo_id(named.strip()) else ""
    display = name or (repo.split("/")[-1] if repo else Path(path).resolve().parent.name)
    return _model(arch, one_line(display, limit=120), repo, one_line(str(path)), f"from {one_line(str(path))}")


def _model(arch: dict[str, Any], name: str, repo: str, file: str, note: str) -> Model:
    raw = counted_entry(arch, name, repo, file, f"imported {note}; parameters counted from the architecture")
    return parse_model(raw, origin="imported", file=file)


def counted_entry(
    arch: dict[str, Any], name: str, repo: str, file: str, notes: str, *, origin: str = "imported"
) -> dict[str, Any]:
    """A catalogue entry for an architecture, its parameters counted from it (released, licence and
    family unknown until the caller knows better); raises ImportError_ naming what is wrong."""
    from .estimate.tensors import param_count

    raw: dict[str, Any] = {
        "id": _slug(name),
        "name": name,
        "family": "imported",
        "hf_repo": repo,
        "license": "unknown",
        "released": "unknown",
        "params_b": 1.0,
        "active_params_b": 1.0,
        "arch": arch,
        "notes": notes,
    }
    try:
        model = parse_model(raw, origin=origin, file=file)
    except Invalid as e:
        raise ImportError_(f"{file}: {e.field}: {e.message}") from None
    total = param_count(model.arch) / 1e9
    active = param_count(model.arch, active=True) / 1e9
    raw["params_b"], raw["active_params_b"] = round(total, 3), round(active, 3)
    try:
        parse_model(raw, origin=origin, file=file)
    except Invalid as e:  # the architecture is well-formed but its parameter count is not sane
        raise ImportError_(f"{file}: the architecture counts to {total:.3g}B parameters ({e.message})") from None
    return raw


# --- GGUF ------------------------------------------------------------------------------------------------

GGUF_FILE_TYPES = {
    0: "F32",
    1: "F16",
    2: "Q4_0",
    7: "Q8_0",
    8: "Q5_0",
    10: "Q2_K",
    11: "Q3_K_S",
    12: "Q3_K_M",
    13: "Q3_K_L",
    14: "Q4_K_S",
    15: "Q4_K_M",
    16: "Q5_K_S",
    17: "Q5_K_M",
    18: "Q6_K",
    19: "IQ2_XXS",
    23: "IQ3_XXS",
    24: "IQ1_S",
    30: "IQ4_XS",
    32: "BF16",
    38: "MXFP4",
}  # fmt: skip  (llama_ftype values, include/llama.h)


def model_from_gguf(path: Path) -> tuple[Model, str | None, int]:
    """(model, quant name from general.file_type or None, file size in bytes) from a GGUF header."""
    try:
        from gguf import GGUFReader  # type: ignore[import-not-found,unused-ignore]
    except ImportError:
        raise ImportError_("reading GGUF files needs the gguf package: pip install 'llmtui[gguf]'") from None
    import os
    import stat

    p = Path(path)
    try:
        if not stat.S_ISREG(os.stat(p).st_mode):
            raise ImportError_(f"{path}: is not a regular file; a GGUF model is a file")
    except OSError as e:
        raise ImportError_(f"{path}: cannot be read ({e.strerror or e})") from None
    try:
        reader = GGUFReader(str(p))
    except OSError as e:
        raise ImportError_(f"{path}: cannot be read ({e.strerror or e})") from None
    except Exception as e:  # the gguf package raises ValueError and friends on bad headers
        raise ImportError_(f"{path}: not a GGUF file ({e})") from None

    def field(key: str) -> Any:
        """A header value: a number, a string, or a list for an array (None when absent)."""
        f = reader.fields.get(key)
        if f is None or not f.data:
            return None
        kinds = [ty.name for ty in (f.types or [])]
        if kinds and kinds[0] == "ARRAY":
            if len(kinds) > 1 and kinds[1] == "STRING":
                return None  # token lists and the like: not architecture
            return [f.parts[i].tolist()[0] for i in f.data]
        part = f.parts[f.data[0]]
        if kinds and kinds[0] == "STRING":
            return one_line(bytes(part).decode("utf-8", "replace"), limit=200)
        return part.tolist()[0] if hasattr(part, "tolist") else part

    from .gguf_header import HeaderError, arch_from_header

    arch_name = field("general.architecture")
    if not isinstance(arch_name, str) or not arch_name:
        raise ImportError_(f"{path}: the GGUF header has no general.architecture")
    tensors = {t.name: tuple(int(x) for x in t.shape) for t in reader.tensors}
    try:
        a = arch_from_header(arch_name, field, tensors)
    except HeaderError as e:
        raise ImportError_(f"{path}: {e}") from None
    tokens = reader.fields.get("tokenizer.ggml.tokens")
    if tokens is not None:
        a["vocab"] = len(tokens.data)
    if not a.get("vocab"):
        a["vocab"] = 32000
    if any(t.tensor_type.name == "MXFP4" for t in reader.tensors if "_exps." in t.name) and a["type"] != "gpt-oss":
        a["experts_mxfp4"] = True  # experts shipped as MXFP4 stay so in every quant of the file
    a["source"] = str(p)
    name = field("general.name") or one_line(p.stem)
    quant = GGUF_FILE_TYPES.get(int(field("general.file_type") or -1))
    basename = field("general.basename")
    repo = basename if isinstance(basename, str) and is_hf_repo_id(basename) else ""
    where = one_line(str(p))
    model = _model(a, str(name), repo, where, f"from the GGUF header of {one_line(p.name)}")
    return model, quant, p.stat().st_size


# --- Leaderboard exports ------------------------------------------------------------------------------------

LEADERBOARD_SCORES = ("IFEval", "BBH", "MATH Lvl 5", "GPQA", "MUSR", "MMLU-PRO", "Average")
ARCH_CLASSES = {
    "llamaforcausallm": "llama",
    "mistralforcausallm": "llama",
    "mixtralforcausallm": "llama",
    "qwen2forcausallm": "qwen2",
    "qwen3forcausallm": "qwen3",
    "qwen2moeforcausallm": "qwen2moe",
    "gemma2forcausallm": "gemma2",
    "gemma3forcausallm": "gemma3",
    "gemmaforcausallm": "gemma",
    "phi3forcausallm": "phi3",
    "cohereforcausallm": "cohere",
    "graniteforcausallm": "granite",
    "olmo2forcausallm": "olmo2",
    "exaoneforcausallm": "llama",
}


def _column(row: dict[str, str], name: str) -> str | None:
    """A column by its name, tolerant of the export's decorations ("Average ⬆️")."""
    if name in row:
        return row[name]
    for k, v in row.items():
        if k and k.strip().lower().startswith(name.lower()) and "raw" not in k.lower():
            return v
    return None


def models_from_leaderboard(path: Path, catalog: Any) -> tuple[list[dict[str, Any]], list[str]]:
    """Catalogue entries (raw dicts, ready for TOML) for an Open LLM Leaderboard v2 CSV export.

    Each fine-tune takes the architecture of its base model when the catalogue has it ("borrowed"),
    else of the catalogue model of the same architecture class closest in size ("approximate");
    rows with neither are skipped and reported."""
    import csv
    import io

    from .boundary import InputError
    from .boundary.reader import read_text

    try:
        text = read_text(path, what="leaderboard")
    except InputError as e:
        raise ImportError_(str(e)) from None
    entries: list[dict[str, Any]] = []
    notes: list[str] = []
    reader = csv.DictReader(io.StringIO(text, newline=""))
    missing = [c for c in ("fullname", "#Params (B)", "Architecture") if c not in (reader.fieldnames or [])]
    if missing:
        raise ImportError_(f"{path}: not an Open LLM Leaderboard v2 export (no column {', '.join(missing)})")
    seen: set[str] = set()
    for n, raw_row in enumerate(reader, 2):
        row = {
            one_line(k): one_line(v, limit=300) for k, v in raw_row.items() if isinstance(k, str) and isinstance(v, str)
        }
        name = (row.get("fullname") or "").strip()
        if not name:
            notes.append(f"line {n}: no fullname, skipped")
            continue
        try:
            params = float(row.get("#Params (B)") or "nan")
        except ValueError:
            params = float("nan")
        base_key = (row.get("Base Model") or "").strip().lower()
        base = catalog.model(base_key) if base_key else None
        how = "borrowed"
        if base is None:
            arch_type = ARCH_CLASSES.get((row.get("Architecture") or "").strip().lower())
            same = [m for m in catalog.models if m.arch.type == arch_type and m.origin == "bundled"]
            if params == params and same:  # not NaN
                base = min(same, key=lambda m: abs(m.params_b - params))
                if abs(base.params_b - params) > 0.25 * params:
                    base = None
            how = "approximate"
        if base is None:
            notes.append(f"line {n}: {name}: no catalogue architecture close enough, skipped")
            continue
        slug = _slug(name)
        if slug in seen:
            notes.append(f"line {n}: {name}: listed twice, the first kept")
            continue
        seen.add(slug)
        scores = []
        for b in LEADERBOARD_SCORES:
            v = _column(row, b)
            try:
                value = float(v) if v not in (None, "") else None
            except ValueError:
                value = None
            if value is not None and 0 <= value <= 100:
                scores.append(
                    {
                        "benchmark": f"{b} (OLLv2)",
                        "value": round(value, 2),
                        "source": f"Open LLM Leaderboard v2 export {Path(path).name}",
                    }
                )
        arch = _arch_dict(base)
        entry: dict[str, Any] = {
            "id": slug,
            "name": name,
            "family": base.family,
            "hf_repo": name,
            "license": (row.get("Hub License") or "").strip() or "unknown",
            "tags": ["chat"],
            "params_b": round(params, 3) if params == params else base.params_b,
            "active_params_b": round(params, 3) if params == params and not base.is_moe else base.active_params_b,
            "arch": arch,
            "arch_from": f"{how}: {base.id}",
            "notes": f"imported from {Path(path).name}; architecture {how} from {base.id}",
            "scores": scores,
        }
        date = (_column(row, "Upload To Hub Date") or "").strip()[:10]
        if re.fullmatch(r"\d{4}-\d{2}(-\d{2})?", date):
            entry["released"] = date
        if entry["active_params_b"] > entry["params_b"]:
            entry["active_params_b"] = entry["params_b"]
        entries.append(entry)
    return entries, notes


def _arch_dict(model: Model) -> dict[str, Any]:
    """The arch table of a catalogue model, without the fields left at their defaults."""
    from dataclasses import MISSING, fields

    out: dict[str, Any] = {}
    for f in fields(model.arch):
        value = getattr(model.arch, f.name)
        if f.default is MISSING or value != f.default:
            out[f.name] = value
    return out
