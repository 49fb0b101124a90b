"""The 2025-2026 architecture families from their official config.json files (exact copies in
tests/fixtures/configs/, sources in SOURCES.toml): parameter counts against the model cards, layer
mixers, and the recurrent state against llama.cpp's own load logs (data/reference/load_logs.toml)."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from llmtui.core.build import planned_build
from llmtui.core.catalog import Catalog
from llmtui.core.estimate import estimate, kv_cache
from llmtui.core.estimate.tensors import model_tensors, param_count
from llmtui.core.importers import model_from_config
from llmtui.core.paths import bundled_data_dir

CONFIGS = Path(__file__).resolve().parents[1] / "fixtures" / "configs"
MiB = 1 << 20

# (config file, total B, active B) from the official cards (models-2026.md leads, checked on the cards)
CARDS = [
    ("Qwen__Qwen3.5-27B.json", 27.0, 27.0, "LLLA"),
    ("Qwen__Qwen3.5-35B-A3B.json", 35.0, 3.0, "LLLA"),
    ("Qwen__Qwen3-Next-80B-A3B-Thinking.json", 80.0, 3.0, "LLLA"),
    ("nvidia__NVIDIA-Nemotron-3-Nano-30B-A3B-BF16.json", 31.6, 3.2, "MEMEM*"),
    ("google__gemma-4-31B-it.json", 30.7, 30.7, "SSSSSA"),
    ("google__gemma-4-26B-A4B.json", 25.2, 3.8, "SSSSSA"),
    ("nvidia__NVIDIA-Nemotron-3-Super-120B-A12B-FP8.json", 120.0, 12.0, "MEMEMEM*"),
    ("zai-org__GLM-5.json", 744.0, 40.0, ""),
    ("deepseek-ai__DeepSeek-V3.2.json", 671.0, 37.0, ""),
    ("Qwen__Qwen3.5-397B-A17B.json", 397.0, 17.0, "LLLA"),
    ("MiniMaxAI__MiniMax-M2.5.json", 229.0, 10.0, ""),
    ("moonshotai__Kimi-K2.5.json", 1000.0, 32.0, ""),  # the card's "1T", one significant figure
    ("XiaomiMiMo__MiMo-V2-Flash.json", 309.0, 15.0, "ASSSSA"),
    ("ByteDance-Seed__Seed-OSS-36B-Instruct.json", 36.2, 36.2, ""),
    ("LGAI-EXAONE__EXAONE-4.0-32B.json", 32.0, 32.0, ""),
    ("nvidia__NVIDIA-Nemotron-3-Ultra-550B-A55B-BF16.json", 550.0, 55.0, "MEMEMEM*"),
    ("deepseek-ai__DeepSeek-V4-Flash.json", 284.0, 13.0, ""),
    ("deepseek-ai__DeepSeek-V4-Pro.json", 1600.0, 49.0, ""),  # the card's "1.6T"
]
# Layouts whose card could not be read here: total parameters against llama.cpp's own model-type
# label for that layer count (llama-model.cpp: LLM_TYPE_428B_A23B, 2_8T_A50B, 700M), and the layer
# mixers. Their active counts are not asserted: the labels' "A" figures follow another convention.
LABELS = [
    ("MiniMaxAI__MiniMax-M3.json", 428.0, ""),
    ("moonshotai__Kimi-K3.json", 2800.0, "KKKAKKKAKKKA"),
    ("LiquidAI__LFM2-700M.json", 0.742, "CCACCACCACACACAC"),  # 742M: the file's parameter count
]


@pytest.mark.parametrize(("name", "total", "kinds"), LABELS, ids=[c[0].split("__")[1] for c in LABELS])
def test_parameters_match_llama_cpp_labels(name: str, total: float, kinds: str) -> None:
    m = model_from_config(CONFIGS / name)
    assert m.params_b == pytest.approx(total, rel=0.01)
    assert m.arch.layer_kinds.startswith(kinds)


@pytest.mark.parametrize(("name", "total", "active", "start"), CARDS, ids=[c[0].split("__")[1] for c in CARDS])
def test_parameters_match_the_card(name: str, total: float, active: float, start: str) -> None:
    m = model_from_config(CONFIGS / name)
    assert m.params_b == pytest.approx(total, rel=0.03 if total == 1000.0 else 0.02)
    # model cards round the active count (Qwen3.5-35B-A3B: 2.95B is "A3B")
    assert m.active_params_b == pytest.approx(active, rel=0.2 if active < 5 else 0.06)
    kinds = m.arch.layer_kinds.replace("-", "E") if "nemotron" in m.arch.type else m.arch.layer_kinds
    assert kinds.startswith(start)


def test_sparse_attention_indexer_keys_are_cached() -> None:
    """DeepSeek V3.2: the MLA latent (512 + 64) and the indexer's 128-dim key, per token and layer."""
    m = model_from_config(CONFIGS / "deepseek-ai__DeepSeek-V3.2.json")
    assert m.arch.index_heads == 64 and m.arch.index_head_dim == 128
    kv = kv_cache(m.arch, 8192)
    assert kv.total == 8192 * (512 + 64 + 128) * 2 * 61
    names = {t.name for t in model_tensors(m.arch) if t.layer == 5}
    assert {"indexer.attn_k.weight", "indexer.proj.weight", "indexer.attn_q_b.weight"} <= names
    assert any(t.nextn for t in model_tensors(m.arch))  # the MTP layer is in the file


def _log(family_words: str, layers: str) -> dict[str, object]:
    with (bundled_data_dir() / "reference" / "load_logs.toml").open("rb") as fh:
        logs = tomllib.load(fh)["logs"]
    return next(x for x in logs if family_words in x["family"] and layers in x["lines"])


def test_gated_deltanet_state_matches_llama_cpp() -> None:
    """Qwen3.5-27B shape (64 layers, 48 Gated DeltaNet): llama.cpp logs R 16.88 MiB + S 432 MiB for 3
    sequences, i.e. 5.625 + 144 MiB per sequence."""
    m = model_from_config(CONFIGS / "Qwen__Qwen3.5-27B.json")
    log = _log("Qwen3.5/3.6 family", "65 layers,  3 seqs")
    assert "R (f32):   16.88 MiB, S (f32):  432.00 MiB" in str(log["lines"])
    kv = kv_cache(m.arch, 4096, "f16", "llama.cpp", n_seq=3)
    assert kv.state_bytes / MiB == pytest.approx(16.875 + 432.0, abs=0.01)
    assert sum(1 for i in range(m.arch.layers) if m.arch.has_kv(i)) == 16


def test_hybrid_kv_covers_only_the_attention_layers() -> None:
    m = model_from_config(CONFIGS / "Qwen__Qwen3.5-35B-A3B.json")
    kv = kv_cache(m.arch, 32768, "f16", "llama.cpp")
    attention = [i for i in range(m.arch.layers) if m.arch.has_kv(i)]
    assert len(attention) == 10
    per_attn = 32768 * 2 * 2 * 256 * 2  # cells x (K + V) x 2 KV heads x head dim 256 x f16
    assert kv.total - kv.state_bytes == per_attn * 10
    assert kv.state_bytes > 0 and kv_cache(m.arch, 65536).state_bytes == kv.state_bytes  # not per token


def test_mamba2_layers_have_state_and_no_ffn() -> None:
    m = model_from_config(CONFIGS / "nvidia__NVIDIA-Nemotron-3-Nano-30B-A3B-BF16.json")
    a = m.arch
    names = {t.name for t in model_tensors(a) if t.layer == 0}
    assert "ssm_in.weight" in names and not any(n.startswith("ffn_") for n in names)
    assert a.mlp == "plain" and not any(t.name.startswith("ffn_gate_exps") for t in model_tensors(a))
    kv = kv_cache(a, 8192)
    mamba = sum(1 for k in a.layer_kinds if k == "M")
    per = (4 - 1) * (4096 + 2 * 8 * 128) + 128 * 4096  # conv state + SSM state, f32 values
    assert mamba == 23 and kv.state_bytes == mamba * per * 4


def test_gemma4_global_layers_have_their_own_shape() -> None:
    m = model_from_config(CONFIGS / "google__gemma-4-31B-it.json")
    a = m.arch
    full = [i for i in range(a.layers) if not a.is_swa_layer(i)]
    assert len(full) == 10 and a.global_kv_heads == 4 and a.global_head_dim == 512
    glob = {t.name for t in model_tensors(a) if t.layer == full[0]}
    assert "attn_v.weight" not in glob  # K = V on global layers
    kv = kv_cache(a, 32768)
    per_global = 32768 * 2 * 4 * 512 * 2
    per_local = 1536 * 2 * 16 * 256 * 2  # window 1024 + ubatch 512 cells (a multiple of 256)
    assert kv.total == 10 * per_global + 50 * per_local


def test_mimo_keys_and_values_differ_in_width() -> None:
    """MiMo-V2-Flash: K 192 and V 128 wide per head, 8 KV heads on the 39 sliding layers (window 128),
    4 on the 9 full ones; attention sinks only where the window is; 3 MTP layers in the file."""
    a = model_from_config(CONFIGS / "XiaomiMiMo__MiMo-V2-Flash.json").arch
    full = [i for i in range(a.layers) if not a.is_swa_layer(i)]
    assert full == [0, 5, 11, 17, 23, 29, 35, 41, 47] and a.v_dim == 128 and a.head_dim == 192
    shapes = {(t.layer, t.name): t.numel for t in model_tensors(a)}
    assert shapes[(1, "attn_v.weight")] == 4096 * 8 * 128 and shapes[(1, "attn_k.weight")] == 4096 * 8 * 192
    assert shapes[(0, "attn_v.weight")] == 4096 * 4 * 128 and (0, "attn_sinks.weight") not in shapes
    assert shapes[(1, "attn_output.weight")] == 64 * 128 * 4096 and (1, "attn_sinks.weight") in shapes
    assert {t.layer for t in model_tensors(a) if t.nextn} == {48, 49, 50}
    kv = kv_cache(a, 8192)
    # 9 full layers x 8192 cells, 39 windowed x (128 + 512 ubatch -> 768) cells; f16
    assert kv.total == 9 * 8192 * 4 * (192 + 128) * 2 + 39 * 768 * 8 * (192 + 128) * 2


def test_plain_mlp_has_no_gate(catalog: Catalog) -> None:
    base = catalog.model("llama-3.1-8b-instruct")
    assert base is not None
    from dataclasses import replace

    plain = replace(base.arch, mlp="plain")
    assert not any("ffn_gate" in t.name for t in model_tensors(plain))
    ffn = base.arch.layers * base.arch.hidden * base.arch.ffn
    assert param_count(base.arch) - param_count(plain) == ffn


def test_a_context_beyond_the_model_is_flagged(catalog: Catalog) -> None:
    m = catalog.model("smollm-1.7b-instruct")
    assert m is not None and m.arch.max_ctx == 2048
    e = estimate(m, "Q4_K_M", 131072, planned_build(catalog, ram="64GB"))
    assert any("beyond the model's maximum of 2,048" in n for n in e.notes)
    assert not estimate(m, "Q4_K_M", 2048, planned_build(catalog, ram="64GB")).notes


def test_tied_embeddings_on_the_cpu_count_one_table(catalog: Catalog) -> None:
    m = catalog.model("qwen2.5-0.5b-instruct")
    assert m is not None and m.arch.tied_embeddings
    e = estimate(m, "Q8_0", 4096, planned_build(catalog, ram="64GB"), with_max_ctx=False)
    cpu = next(d for d in e.devices if d.kind == "cpu")
    assert cpu.weights_bytes == pytest.approx(e.memory.file_bytes, rel=0.02)  # the mapped file, once


def test_unsloth_dynamic_files_are_sized_from_the_published_file(catalog: Catalog) -> None:
    from llmtui.core.estimate import EstimateError

    m = catalog.model("gemma-3-1b-it")
    assert m is not None
    e = estimate(m, "UD-Q4_K_XL", 4096, planned_build(catalog, gpu="RTX 4090"))
    assert e.memory.file_bytes == 806_000_000  # unsloth/gemma-3-1b-it-GGUF, as Hugging Face shows it
    assert "published file unsloth/gemma-3-1b-it-GGUF" in e.basis["weights"]
    other = catalog.model("qwen3-8b")
    assert other is not None
    with pytest.raises(EstimateError, match="no published UD-Q4_K_XL file"):
        estimate(other, "UD-Q4_K_XL", 4096, planned_build(catalog, gpu="RTX 4090"))


def test_parallel_sequences_share_cells_and_keep_their_own_state(catalog: Catalog) -> None:
    m = model_from_config(CONFIGS / "Qwen__Qwen3.5-27B.json")
    one, four = kv_cache(m.arch, 32768), kv_cache(m.arch, 32768, "f16", "llama.cpp", n_seq=4)
    assert four.state_bytes == 4 * one.state_bytes
    assert four.total - four.state_bytes == one.total - one.state_bytes  # llama-server -np shares -c
    e = estimate(m, "Q4_K_M", 32768, planned_build(catalog, gpu="RTX 4090"), parallel=4)
    assert e.memory.kv_cache_bytes == four.total and e.to_json()["parallel"] == 4
    g = model_from_config(CONFIGS / "google__gemma-4-31B-it.json")  # windowed layers keep a window per sequence
    assert kv_cache(g.arch, 32768, n_seq=4).per_layer[0] > kv_cache(g.arch, 32768).per_layer[0]


def test_native_low_bit_checkpoints_keep_the_rest_16_bit() -> None:
    from llmtui.core.estimate.api import model_weights

    m = model_from_config(CONFIGS / "openai__gpt-oss-120b.json")
    w16, f16, _ = model_weights(m, "FP16")
    w4, f4, _ = model_weights(m, "MXFP4-experts")
    assert w4.expert_bytes == pytest.approx(w16.expert_bytes * (4.25 / 16), rel=1e-6)
    assert w4.total - w4.expert_bytes == w16.total - w16.expert_bytes  # attention, embeddings: bf16
    assert f4 < 0.35 * f16


def test_deepseek_v4_keeps_a_window_and_the_compressed_context() -> None:
    """DeepSeek V4 Flash (llama-kv-cache-dsv4.cpp): one 512-wide K (= V) head; a 128-token window
    (+ 512 batch, padded to 768 cells) on all 43 layers; the context 4:1 on 21 layers (with 128-wide
    indexer keys) and 128:1 on 20; f32 compressor states; one stream per sequence."""
    a = model_from_config(CONFIGS / "deepseek-ai__DeepSeek-V4-Flash.json").arch
    assert a.compress_kinds.count("C") == 21 and a.compress_kinds.count("H") == 20 and a.experts_mxfp4
    kv = kv_cache(a, 65536)
    window = 43 * 768 * 512
    csa = 21 * 16384 * (512 + 128)  # 65536 / 4 cells
    hca = 20 * 512 * 512  # 65536 / 128 = 512 cells
    state = 21 * 2 * 2 * 4 * (2 * 512 + 2 * 128) * 4 + 20 * 2 * 128 * 512 * 4
    assert kv.total - kv.state_bytes == (window + csa + hca) * 2 and kv.state_bytes == state
    two = kv_cache(a, 65536, n_seq=2)
    assert two.total == 2 * kv.total  # llama.cpp keeps every DSV4 cache per sequence
    names = {t.name for t in model_tensors(a) if t.layer == 2}  # a 4:1 layer: compressor and indexer
    assert {"attn_compressor_kv.weight", "indexer.attn_q_b.weight", "hc_attn_fn.weight"} <= names
    assert "ffn_gate_tid2eid.weight" in names and "exp_probs_b.bias" not in names  # a hash-routed layer


def test_kimi_delta_attention_has_a_state_per_sequence() -> None:
    """Kimi K3: 69 KDA layers keep q/k/v conv states and a 128 x 128 matrix per head (96 heads), f32;
    24 MLA layers cache the 576-value latent (llama.cpp logged 216 + 443.11 MiB at 8,192 tokens)."""
    a = model_from_config(CONFIGS / "moonshotai__Kimi-K3.json").arch
    assert a.layer_kinds.count("K") == 69 and a.layer_kinds.count("A") == 24 and a.moe_latent == 3584
    per = 3 * 3 * 96 * 128 + 128 * 128 * 96
    kv = kv_cache(a, 8192)
    assert kv.state_bytes == 69 * per * 4 and kv.total - kv.state_bytes == 24 * 8192 * 576 * 2
    assert kv_cache(a, 65536).state_bytes == kv.state_bytes


def test_lfm2_short_convolution_layers() -> None:
    a = model_from_config(CONFIGS / "LiquidAI__LFM2-700M.json").arch
    assert a.ffn == 6912 and a.shortconv_kernel == 3  # 10240 auto-adjusted as llama.cpp's converter does
    kv = kv_cache(a, 8192)
    assert kv.state_bytes == 10 * 2 * 1536 * 4  # (kernel - 1) columns of the width, 10 conv layers
    assert kv.total - kv.state_bytes == 6 * 8192 * 2 * 8 * 64 * 2


def test_minimax_m3_indexer_cache() -> None:
    """MiniMax-M3: 60 GQA layers (4 KV heads of 128) and, on the 57 MoE layers, a one-head indexer
    cache that llama.cpp allocates with a V of the model's head width (960 + 228 MiB at 8,192)."""
    a = model_from_config(CONFIGS / "MiniMaxAI__MiniMax-M3.json").arch
    kv = kv_cache(a, 8192)
    assert kv.total == 60 * 8192 * 4 * 256 * 2 + 57 * 8192 * 256 * 2


def test_vllm_hybrid_cache_pads_states_to_one_page() -> None:
    """vLLM's hybrid manager (docs/design/hybrid_kv_cache_manager.md, case 4) on Qwen3.5-27B: an attention
    layer caches 4 KV heads x 256 x (K + V) x 2 B = 4096 B a token; a Gated DeltaNet state is
    (3 x (2 x 2048 + 6144) + 128 x 6144) values x 2 B (bf16) = 1,634,304 B, so the block grows to 400
    tokens (16 x 25) and each state takes one 400-token page."""
    a = model_from_config(CONFIGS / "Qwen__Qwen3.5-27B.json").arch
    kv = kv_cache(a, 8192, "f16", "vllm", n_seq=2)
    page = 400 * 4096
    assert kv.state_bytes == 48 * page * 2  # one page per recurrent layer and sequence
    pages = -(-8192 // 400) + 1  # the two sequences share the context, each ending mid-page
    assert kv.total - kv.state_bytes == 16 * pages * page
    assert "pages of 400 tokens" in kv.basis
    dense = model_from_config(CONFIGS / "Qwen__Qwen3-32B.json").arch  # no recurrent layers: vLLM's plain blocks
    assert kv_cache(dense, 8192, "f16", "vllm").total == 8192 * 64 * 8 * 128 * 2 * 2
