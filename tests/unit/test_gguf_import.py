"""A model read from a GGUF file's header (written here with the gguf package, tensors tiny)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from llmtui.cli import run
from llmtui.core.catalog import Catalog
from llmtui.core.importers import ImportError_, model_from_gguf

gguf = pytest.importorskip("gguf")


def write_gguf(path: Path, *, tied: bool = False) -> None:
    """Llama-3.1-8B's header facts with one-element stand-ins for the tensors."""
    w = gguf.GGUFWriter(str(path), "llama")
    w.add_name("Tiny Llama Header")
    w.add_block_count(32)
    w.add_embedding_length(4096)
    w.add_feed_forward_length(14336)
    w.add_head_count(32)
    w.add_head_count_kv(8)
    w.add_context_length(131072)
    w.add_file_type(15)  # LLAMA_FTYPE_MOSTLY_Q4_K_M
    w.add_tokenizer_model("gpt2")
    w.add_token_list([f"t{i}" for i in range(128256)])
    w.add_tensor("token_embd.weight", np.zeros((2, 2), dtype=np.float32))
    if not tied:
        w.add_tensor("output.weight", np.zeros((2, 2), dtype=np.float32))
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()


def test_gguf_header_gives_the_catalogue_architecture(tmp_path: Path, catalog: Catalog) -> None:
    p = tmp_path / "tiny.gguf"
    write_gguf(p)
    model, quant, size = model_from_gguf(p)
    ref = catalog.model("llama-3.1-8b-instruct")
    assert ref is not None
    a, b = model.arch, ref.arch
    for field in ("layers", "hidden", "heads", "kv_heads", "head_dim", "ffn", "vocab", "max_ctx", "tied_embeddings"):
        assert getattr(a, field) == getattr(b, field), field
    assert quant == "Q4_K_M" and size == p.stat().st_size
    assert model.params_b == pytest.approx(ref.params_b, rel=0.01)


def test_estimate_from_gguf_cli(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    p = tmp_path / "tiny.gguf"
    write_gguf(p)
    code = run(["estimate", "--gguf", str(p), "--gpu", "RTX 4090", "--json"])
    d = json.loads(capsys.readouterr().out)
    assert code == 0 and d["quant"] == "Q4_K_M"
    assert d["memory"]["actual_file_bytes"] == p.stat().st_size


def test_not_a_gguf(tmp_path: Path) -> None:
    p = tmp_path / "x.gguf"
    p.write_bytes(b"definitely not a gguf file" * 10)
    with pytest.raises(ImportError_, match="not a GGUF file"):
        model_from_gguf(p)


def _layouts() -> list[tuple[str, object]]:
    """Every architecture the estimator lays out: the catalogue's, the kept official configs', and
    the synthetic layout configs'."""
    from dataclasses import replace

    from llmtui.core.catalog import load_catalog
    from llmtui.core.importers import model_from_config

    configs = Path(__file__).resolve().parents[1] / "fixtures" / "configs"
    seen: dict[object, str] = {}
    for m in load_catalog(use_cache=False).models:
        seen.setdefault(m.arch, m.id)
    for path in [*sorted(configs.glob("*.json")), *sorted((configs / "synthetic").glob("*.json"))]:
        try:
            a = model_from_config(path).arch
        except ImportError_:
            continue
        seen.setdefault(replace(a, source=""), path.stem)
    return [(mid, arch) for arch, mid in seen.items()]


def test_every_layout_round_trips_through_its_gguf_header(tmp_path: Path) -> None:
    """Each architecture written as the GGUF header llama.cpp loads (tests/oracle/gguf_layout.py, the
    oracles' writer) reads back as the same tensors, the same KV cache and the same recurrent state."""
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "oracle"))
    from gguf_layout import write_gguf  # type: ignore[import-not-found]

    from llmtui.core.estimate import kv_cache
    from llmtui.core.estimate.tensors import model_tensors

    layouts = _layouts()
    families = set()
    for mid, arch in layouts:
        path = tmp_path / "m.gguf"
        write_gguf(arch, path)  # type: ignore[arg-type]
        got = model_from_gguf(path)[0].arch
        want = {(t.gguf_name(), t.shape) for t in model_tensors(arch)}  # type: ignore[arg-type]
        have = {(t.gguf_name(), t.shape) for t in model_tensors(got)}
        assert have == want, (mid, sorted(want - have)[:3], sorted(have - want)[:3])
        for n_seq in (1, 3):
            a, b = kv_cache(arch, 8192, n_seq=n_seq), kv_cache(got, 8192, n_seq=n_seq)  # type: ignore[arg-type]
            assert (a.total, a.state_bytes) == (b.total, b.state_bytes), (mid, n_seq)
        families.add(got.type)
        path.unlink()
    assert len(layouts) > 100 and len(families) >= 40
