"""KV cache sizes against what llama.cpp prints."""

from __future__ import annotations

import pytest

from llmtui.core.catalog import Catalog
from llmtui.core.estimate import kv_cache
from llmtui.core.units import MiB


def test_llama3_8b_8192_f16_is_1024_mib(catalog: Catalog) -> None:
    m = catalog.model("llama-3-8b-instruct")
    assert m is not None
    assert kv_cache(m.arch, 8192, "f16").total == 1024 * MiB


def test_llama3_70b_per_token_320_kib(catalog: Catalog) -> None:
    m = catalog.model("llama-3-70b-instruct")
    assert m is not None
    assert kv_cache(m.arch, 1024, "f16").total / 1024 == 320 * 1024


def test_quantized_kv_cache(catalog: Catalog) -> None:
    m = catalog.model("llama-3-8b-instruct")
    assert m is not None
    f16 = kv_cache(m.arch, 8192, "f16").total
    assert kv_cache(m.arch, 8192, "q8_0").total == pytest.approx(f16 * 8.5 / 16)
    assert kv_cache(m.arch, 8192, "q4_0").total == pytest.approx(f16 * 4.5 / 16)


def test_context_is_padded_to_256(catalog: Catalog) -> None:
    m = catalog.model("llama-3-8b-instruct")
    assert m is not None
    assert kv_cache(m.arch, 1000, "f16").total == kv_cache(m.arch, 1024, "f16").total


def test_mla_caches_the_latent(catalog: Catalog) -> None:
    """DeepSeek V3: (512 + 64) values per token per layer, no separate V (llama.cpp PR 19067)."""
    m = catalog.model("deepseek-v3")
    assert m is not None
    per_token = kv_cache(m.arch, 4096, "f16").total / 4096
    assert per_token == (512 + 64) * 2 * m.arch.layers


def test_sliding_window_layers_hold_window_plus_ubatch(catalog: Catalog) -> None:
    """Gemma 3 27B: 1 layer in 6 sees the whole context, the rest keep 1024 + 512 cells."""
    m = catalog.model("gemma-3-27b-it")
    assert m is not None
    a = m.arch
    full_layers = sum(1 for i in range(a.layers) if not a.is_swa_layer(i))
    per_cell_layer = 2 * a.kv_heads * a.head_dim * 2
    expected = full_layers * 32768 * per_cell_layer + (a.layers - full_layers) * 1536 * per_cell_layer
    assert kv_cache(a, 32768, "f16").total == expected
    assert full_layers == a.layers // 6


def test_range_reads_equal_the_layer_by_layer_sums(catalog: Catalog) -> None:
    """read_over (running sums, what the speed model uses) equals read_values and state_values summed
    layer by layer, for every catalogue architecture, at depths inside and beyond a window."""
    from llmtui.core.estimate.kv import read_over, read_values, state_values

    for m in catalog.models:
        a = m.arch
        for layers in (range(a.layers), range(0, a.layers // 2), range(a.layers // 3, a.layers)):
            for depth in (0, 100, 5000, 100_000):
                kv, state = read_over(a, layers, depth)
                assert kv == pytest.approx(sum(read_values(a, i, depth) for i in layers)), (m.id, layers, depth)
                assert state == sum(state_values(a, i) for i in layers), m.id


def test_the_layer_kinds_worked_out_once_agree_with_the_per_layer_questions(catalog) -> None:  # type: ignore[no-untyped-def]
    """kv._kinds stands in for Arch.attends / is_swa_layer / layer_kind in the per-architecture tables."""
    from llmtui.core.catalog.types import ATTENTION_KINDS
    from llmtui.core.estimate import kv

    archs = {m.arch for m in catalog.models}
    assert any(a.layer_kinds for a in archs) and any(a.sliding_window for a in archs)
    for a in archs:
        kinds = kv._kinds(a)
        assert len(kinds) == a.layers
        for i, k in enumerate(kinds):
            assert (k == "S") == a.is_swa_layer(i) and (k in ATTENTION_KINDS) == a.attends(i)
            assert kv.state_values(a, i, k) == kv.state_values(a, i)
