"""llmtui's tensor list written as a GGUF file that llama.cpp loads: the architecture name and the
header keys llama.cpp's load_hparams reads, F16 matrices and F32 vectors, the data a sparse hole (a
671B-parameter file takes a few KB). The oracles (quantize_oracle.py, load_oracle.py) hand these files
to llama.cpp; tests/unit/test_gguf_import.py reads them back through llmtui's GGUF importer. Needs
gguf and numpy, not llama.cpp."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import gguf
import numpy as np

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from llmtui.core.catalog.types import Arch  # noqa: E402
from llmtui.core.estimate.tensors import NEXTN_IN_GGUF, Tensor, model_tensors  # noqa: E402

GGUF_ARCH = {"cohere": "command-r"}  # llmtui's type -> llama.cpp's architecture name, where they differ


def hparams(a: Arch) -> tuple[str, dict[str, object]]:
    """The GGUF architecture name and the keys llama.cpp's load_hparams reads for it."""
    name = GGUF_ARCH.get(a.type, a.type)
    p = f"{name}."
    kv: dict[str, object] = {
        p + "context_length": a.max_ctx,
        p + "embedding_length": a.hidden,
        p + "block_count": a.layers + (a.nextn_layers if a.type in NEXTN_IN_GGUF else 0),
        p + "feed_forward_length": a.ffn or a.expert_ffn,
        p + "attention.head_count": a.heads,
        p + "attention.head_count_kv": 1 if a.is_mla else a.kv_heads,
        p + "attention.layer_norm_rms_epsilon": 1e-6,
        p + "attention.layer_norm_epsilon": 1e-5,
        p + "rope.freq_base": 10000.0,
        p + "rope.dimension_count": a.qk_rope_dim or a.head_dim,
        p + "attention.key_length": (a.kv_lora_rank + a.qk_rope_dim) if a.is_mla else a.head_dim,
        p + "attention.value_length": a.kv_lora_rank if a.is_mla else (a.v_dim or a.head_dim),
        p + "vocab_size": a.vocab,
        p + "logit_scale": 1.0,
        p + "residual_scale": 1.0,
        p + "embedding_scale": 1.0,
        p + "attention.scale": 1.0,
        p + "interleave_moe_layer_step": a.moe_every,
    }
    if a.is_moe:
        kv |= {p + "expert_count": a.experts, p + "expert_used_count": a.experts_per_token}
        kv |= {p + "expert_feed_forward_length": a.expert_ffn, p + "expert_shared_count": a.shared_experts}
        kv[p + "leading_dense_block_count"] = a.dense_layers
        if a.shared_expert_ffn:
            kv[p + "expert_shared_feed_forward_length"] = a.shared_expert_ffn
        kv |= {p + "expert_weights_scale": 1.0, p + "expert_gating_func": 2, p + "expert_weights_norm": True}
    if a.is_mla:
        kv |= {p + "attention.kv_lora_rank": a.kv_lora_rank, p + "attention.q_lora_rank": a.q_lora_rank}
        kv |= {
            p + "attention.key_length_mla": a.qk_nope_dim + a.qk_rope_dim,
            p + "attention.value_length_mla": a.v_head_dim,
        }
    if a.sliding_window:
        kv[p + "attention.sliding_window"] = a.sliding_window
    if a.nextn_layers and a.type in NEXTN_IN_GGUF:
        kv[p + "nextn_predict_layers"] = a.nextn_layers
    if a.linear_v_heads:
        kv |= {p + "ssm.conv_kernel": a.linear_conv, p + "ssm.inner_size": a.linear_v_heads * a.linear_v_dim}
        kv |= {p + "ssm.state_size": a.linear_k_dim, p + "ssm.time_step_rank": a.linear_v_heads}
        kv |= {p + "ssm.group_count": a.linear_k_heads, p + "full_attention_interval": a.full_attn_every or 4}
    if name.startswith("qwen35") or name == "qwen3next":
        kv[p + "rope.dimension_sections"] = [11, 11, 10, 0]
    if a.index_heads:
        kv |= {p + "attention.indexer.head_count": a.index_heads, p + "attention.indexer.key_length": a.index_head_dim}
        kv[p + "attention.indexer.top_k"] = a.index_topk
    n_all = a.layers + (a.nextn_layers if a.type in NEXTN_IN_GGUF else 0)  # per-layer arrays cover MTP layers
    if "S" in a.layer_kinds:
        kv[p + "attention.sliding_window_pattern"] = [a.is_swa_layer(i) for i in range(n_all)]
    if name == "gemma4":
        kv[p + "embedding_length_per_layer_input"] = a.per_layer_embd
        kv[p + "attention.shared_kv_layers"] = a.kv_shared_layers
        kv[p + "final_logit_softcapping"] = 30.0
        if a.ffn_double_shared:
            first = a.layers - a.kv_shared_layers
            kv[p + "feed_forward_length"] = [a.ffn * (2 if i >= first else 1) for i in range(a.layers)]
    if a.global_kv_heads:
        kv[p + "attention.head_count_kv"] = [
            a.kv_heads if a.is_swa_layer(i) else a.global_kv_heads for i in range(n_all)
        ]
        vd = a.v_dim or a.global_head_dim
        kv |= {p + "attention.key_length": a.global_head_dim, p + "attention.value_length": vd}
        kv |= {p + "attention.key_length_swa": a.head_dim, p + "attention.value_length_swa": a.v_dim or a.head_dim}
    if name.startswith("nemotron_h"):  # which block is which: per-layer head and FFN counts
        kinds = [a.layer_kind(i) for i in range(a.layers)]
        kv[p + "attention.head_count_kv"] = [a.kv_heads if k == "*" else 0 for k in kinds]
        kv[p + "feed_forward_length"] = [(a.expert_ffn if a.is_moe else a.ffn) if k == "-" else 0 for k in kinds]
        if a.moe_latent:
            kv[p + "moe_latent_size"] = a.moe_latent
    if name in ("lfm2", "lfm2moe", "granitehybrid"):  # attention layers have KV heads, the others 0
        kv[p + "attention.head_count_kv"] = [a.kv_heads if a.has_kv(i) else 0 for i in range(a.layers)]
    if name in ("kimi-linear", "kimi-k3"):  # KDA layers have no KV head; MLA layers one (the latent)
        kv[p + "attention.head_count_kv"] = [1 if a.has_kv(i) else 0 for i in range(a.layers)]
        kv |= {p + "ssm.conv_kernel": a.linear_conv, p + "kda.head_dim": a.kda_head_dim}
        if a.moe_latent:
            kv[p + "expert_latent_length"] = a.moe_latent
        if name == "kimi-k3":
            kv |= {p + "attn_res.block_size": 12, p + "activation.situ_beta": 4.0}
            kv[p + "activation.situ_linear_beta"] = 25.0
    if name == "deepseek4":
        ratios = {"-": 0, "C": 4, "H": 128}
        kv[p + "attention.compress_ratios"] = [ratios[k] for k in a.compress_kinds]
        kv |= {p + "attention.output_group_count": a.out_groups, p + "attention.output_lora_rank": a.out_lora_rank}
        kv |= {p + "attention.compress_rope_freq_base": 160000.0, p + "hyper_connection.count": a.hyper_connections}
        kv |= {p + "hyper_connection.sinkhorn_iterations": 20, p + "hyper_connection.epsilon": 1e-6}
        kv |= {p + "hash_layer_count": a.hash_layers, p + "attention.q_lora_rank": a.q_lora_rank}
        kv |= {p + "swiglu_clamp_exp": [10.0] * a.layers, p + "expert_gating_func": 4}
        kv |= {p + "attention.key_length": a.head_dim, p + "attention.value_length": a.head_dim}
        kv[p + "rope.dimension_count"] = a.qk_rope_dim
        kv[p + "embedding_length_out"] = a.hidden * a.hyper_connections
    if name == "step35":  # per-layer head counts, MTP blocks included (full attention)
        n_all = a.layers + a.nextn_layers
        kv[p + "attention.head_count"] = [a.q_heads(i) for i in range(n_all)]
        kv[p + "attention.head_count_kv"] = [attn_kv(a, i) for i in range(n_all)]
        kv[p + "attention.sliding_window_pattern"] = [a.is_swa_layer(i) for i in range(n_all)]
        kv[p + "expert_gating_func"] = 2
    if name == "gptneox":
        kv[p + "use_parallel_residual"] = True
    if a.shortconv_kernel:
        kv[p + "shortconv.l_cache"] = a.shortconv_kernel
    if name == "lfm2moe":
        kv[p + "expert_gating_func"] = 2
    if name == "granitehybrid" and a.shared_expert_ffn:
        kv[p + "expert_shared_feed_forward_length"] = a.shared_expert_ffn
    if name == "granitehybrid" and a.is_moe:
        kv[p + "feed_forward_length"] = a.expert_ffn
    if name == "minimax-m3":  # MSA: top-k blocks of block_size tokens, one local block
        kv |= {p + "attention.indexer.block_size": 128, p + "attention.indexer.local_blocks": 1}
        kv[p + "attention.indexer.top_k"] = a.index_topk // 128
    if a.ssm_heads:
        kv |= {p + "ssm.conv_kernel": a.ssm_conv, p + "ssm.inner_size": a.ssm_inner, p + "ssm.state_size": a.ssm_state}
        kv |= {p + "ssm.time_step_rank": a.ssm_heads, p + "ssm.group_count": a.ssm_groups}
    return name, kv


def attn_kv(a: Arch, i: int) -> int:
    from llmtui.core.estimate.tensors import attn_shape

    return attn_shape(a, i)[0]


def gguf_shape(a: Arch, t: Tensor) -> tuple[str, tuple[int, ...]]:
    """The tensor's name in the file and its shape in gguf-py's (numpy) order."""
    return t.gguf_name(), tuple(reversed(t.shape))


def write_gguf(arch: Arch, path: Path, extra: dict[str, object] | None = None) -> None:
    """llmtui's tensor list as a GGUF file: F16 matrices, F32 vectors, data left as a sparse hole."""
    arch_name, kv = hparams(arch)
    kv |= extra or {}
    w = gguf.GGUFWriter(str(path), arch_name)
    for key, value in kv.items():
        if isinstance(value, bool):
            w.add_bool(key, value)
        elif isinstance(value, int):
            w.add_uint32(key, value)
        elif isinstance(value, float):
            w.add_float32(key, value)
        elif isinstance(value, list):
            w.add_array(key, value)  # gguf-py types the array from its first element (bool, int)
        else:
            w.add_string(key, str(value))
    w.add_file_type(1)
    total = 0
    for t in model_tensors(arch):
        name, shape = gguf_shape(arch, t)
        dtype = np.float16 if t.quantizable else np.int32 if "tid2eid" in name else np.float32  # an index table
        nbytes = t.numel * (2 if t.quantizable else 4)
        w.add_tensor_info(name, shape, np.dtype(dtype), nbytes)
        total += gguf.GGUFWriter.ggml_pad(nbytes, w.data_alignment)
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_ti_data_to_file()
    w.close()
    size = path.stat().st_size
    start = gguf.GGUFWriter.ggml_pad(size, w.data_alignment)
    os.truncate(path, start + total)
