"""The GGUF size model against llama.cpp's published figures."""

from __future__ import annotations

import pytest

from llmtui.core.catalog import Catalog
from llmtui.core.estimate import file_bytes, weights
from llmtui.core.estimate.quant import QUANTS, gguf_tensor_types
from llmtui.core.estimate.tensors import model_tensors

RULE_QUANTS = [q for q, v in QUANTS.items() if not v.published]  # UD-* are sized from published files

# Whole-file bits per weight of Llama-3.1-8B (8.03B parameters), from tools/quantize/README.md in
# llama.cpp (quoted in shared/reference/estimation.md).
LLAMA31_8B_BPW = {
    "IQ1_S": 2.00,
    "IQ2_XXS": 2.38,
    "Q2_K": 3.16,
    "IQ3_XXS": 3.25,
    "Q3_K_S": 3.64,
    "Q3_K_L": 4.30,
    "IQ4_XS": 4.46,
    "Q4_K_S": 4.67,
    "Q4_K_M": 4.89,
    "Q5_K_S": 5.57,
    "Q5_K_M": 5.70,
    "Q6_K": 6.56,
    "Q8_0": 8.50,
    "F16": 16.00,
}


@pytest.mark.parametrize("quant,bpw", sorted(LLAMA31_8B_BPW.items()))
def test_llama31_8b_bits_per_weight(catalog: Catalog, quant: str, bpw: float) -> None:
    m = catalog.model("llama-3.1-8b-instruct")
    assert m is not None
    got = file_bytes(m.arch, quant) * 8 / 8.03e9
    assert got == pytest.approx(bpw, abs=0.04), f"{quant}: {got:.3f} bpw, llama.cpp says {bpw}"


def test_llama31_8b_q4_k_m_is_4_92_gb(catalog: Catalog) -> None:
    """bartowski/Meta-Llama-3.1-8B-Instruct-GGUF lists Q4_K_M at 4.92 GB."""
    m = catalog.model("llama-3.1-8b-instruct")
    assert m is not None
    assert file_bytes(m.arch, "Q4_K_M") / 1e9 == pytest.approx(4.92, abs=0.01)


def test_rows_not_multiple_of_256_fall_back(catalog: Catalog) -> None:
    """Qwen2.5-72B's FFN width 29568 is not a multiple of 256: ffn_down cannot take Q4_K and falls
    back to Q5_0 (or Q6_K to Q8_0), which is why the file is ~5.2 bpw, not 4.9."""
    m = catalog.model("qwen2.5-72b-instruct")
    assert m is not None
    tensors = model_tensors(m.arch)
    types = gguf_tensor_types(m.arch, "Q4_K_M")
    downs = {ty for t, ty in zip(tensors, types, strict=True) if t.name == "ffn_down.weight"}
    assert downs == {"Q5_0", "Q8_0"}
    bpw = file_bytes(m.arch, "Q4_K_M") * 8 / (m.params_b * 1e9)
    assert 5.1 < bpw < 5.3


def test_tied_embeddings_have_no_output_tensor(catalog: Catalog) -> None:
    m = catalog.model("gemma-2-9b-it") or catalog.model("qwen2.5-0.5b-instruct")
    assert m is not None and m.arch.tied_embeddings
    names = [t.name for t in model_tensors(m.arch)]
    assert "output.weight" not in names and "token_embd.weight" in names


def test_gpt_oss_experts_stay_mxfp4_in_every_quant(catalog: Catalog) -> None:
    m = catalog.model("gpt-oss-20b")
    assert m is not None
    for q in ("Q4_K_M", "Q2_K", "MXFP4"):
        tensors = model_tensors(m.arch)
        types = gguf_tensor_types(m.arch, q)
        assert {ty for t, ty in zip(tensors, types, strict=True) if t.expert} == {"MXFP4"}


def test_moe_weights_split_experts(catalog: Catalog) -> None:
    m = catalog.model("qwen3-30b-a3b")
    assert m is not None
    w = weights(m.arch, "Q4_K_M")
    assert w.expert_bytes > 0.8 * w.total
    assert w.read_per_token() < 0.2 * w.total  # 8 of 128 experts per token


def test_every_quant_is_computable_for_every_model(catalog: Catalog) -> None:
    for m in catalog.models:
        sizes = {}
        for q in RULE_QUANTS:
            sizes[q] = weights(m.arch, q).total
            assert sizes[q] > 0, (m.id, q)
        if m.arch.type == "gpt-oss":  # every GGUF of it keeps the MXFP4 experts
            assert sizes["F16"] > sizes["Q8_0"] > sizes["Q4_K_M"], m.id
        else:
            assert sizes["F16"] > sizes["Q8_0"] > sizes["Q4_K_M"] > sizes["IQ2_XXS"], m.id


def test_fast_weights_equal_the_tensor_by_tensor_reference(catalog: Catalog) -> None:
    """weights() works from layer templates; weights_reference() walks every tensor of the file."""
    from pathlib import Path

    from llmtui.core.estimate.weights import weights_reference
    from llmtui.core.importers import model_from_config

    configs = Path(__file__).resolve().parents[1] / "fixtures" / "configs"
    synthetic = [model_from_config(p) for p in sorted((configs / "synthetic").glob("*.json"))]
    for m in [*catalog.models, *synthetic]:
        for q in RULE_QUANTS:
            assert weights(m.arch, q) == weights_reference(m.arch, q), (m.id, q)


def test_gpt_oss_q8_0_keeps_the_mxfp4_experts(catalog: Catalog) -> None:
    """Published gpt-oss-20b Q8_0 and MXFP4 files are 12.1 GB (bartowski, unsloth): llama.cpp's quantizer
    refuses to requantize the MXFP4 experts (allow_requantize is off), so only the rest becomes Q8_0."""
    m = catalog.model("gpt-oss-20b")
    assert m is not None
    assert file_bytes(m.arch, "Q8_0") / 1e9 == pytest.approx(12.1, rel=0.02)
    assert file_bytes(m.arch, "MXFP4") / 1e9 == pytest.approx(12.1, rel=0.02)
