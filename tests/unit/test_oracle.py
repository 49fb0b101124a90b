"""llmtui's per-tensor quantization rules against llama.cpp's own quantizer (dry runs recorded by
tests/oracle/quantize_oracle.py): every file type it writes, every catalogue architecture, with and
without an importance matrix. No llama.cpp is needed here; the recording is the fixture."""

from __future__ import annotations

import gzip
import json
import statistics
from pathlib import Path

import pytest

from llmtui.core.catalog import Catalog
from llmtui.core.estimate.quant import QUANTS, _Mixer, tensor_bytes
from llmtui.core.estimate.tensors import model_tensors
from llmtui.core.importers import model_from_config

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "oracle" / "quantize.json.gz"
CONFIGS = Path(__file__).resolve().parents[1] / "fixtures" / "configs"


@pytest.fixture(scope="module")
def oracle() -> dict[str, object]:
    return json.loads(gzip.decompress(FIXTURE.read_bytes()))


def _model(catalog: Catalog, mid: str):  # type: ignore[no-untyped-def]
    if mid.startswith("config:"):
        return model_from_config(CONFIGS / f"{mid.removeprefix('config:')}.json")
    if mid.startswith("synthetic:"):
        return model_from_config(CONFIGS / "synthetic" / f"{mid.removeprefix('synthetic:')}.json")
    return catalog.model(mid)


def _types(rle: list[list[int]], codes: list[str]) -> list[str]:
    return [codes[c] for c, n in rle for _ in range(n)]


def test_every_type_the_quantizer_writes_is_answered(oracle: dict[str, object]) -> None:
    written = {q.split("+")[0] for mid, v in oracle.items() if not mid.startswith("_") for q in v["quants"]}  # type: ignore[attr-defined]
    assert len(written) == 31
    assert written <= set(QUANTS)


def test_type_of_every_tensor_matches_llama_cpp(oracle: dict[str, object], catalog: Catalog) -> None:
    codes: list[str] = oracle["_types"]  # type: ignore[assignment]
    cases = errors = 0
    size_errors: list[float] = []
    for mid, v in oracle.items():
        if mid.startswith("_"):
            continue
        m = _model(catalog, mid)
        assert m is not None, mid
        tensors = model_tensors(m.arch)
        names: list[str] = v["tensors"]  # type: ignore[index]
        assert sorted(t.gguf_name() for t in tensors) == sorted(names), mid  # the same tensors, by name
        for key, res in v["quants"].items():  # type: ignore[index]
            assert "error" not in res, (mid, key, res)
            quant, imatrix = key.split("+")[0], key.endswith("+imatrix")
            mixer = _Mixer(m.arch, quant, imatrix=imatrix)
            ours = [mixer.pick(t) for t in tensors]
            by_name = dict(zip(names, _types(res["rle"], codes), strict=True))  # the quantizer's order
            theirs = [by_name[t.gguf_name()] for t in tensors]
            if m.arch.type == "gpt-oss" or m.arch.experts_mxfp4:
                # the oracle's source file has F16 experts; real gpt-oss GGUFs keep them MXFP4 (see quant.py)
                ours = [o if not t.expert else th for o, th, t in zip(ours, theirs, tensors, strict=True)]
            cases += 1
            wrong = [(t.gguf_name(), o, th) for t, o, th in zip(tensors, ours, theirs, strict=True) if o != th]
            errors += bool(wrong)
            assert not wrong, (mid, key, wrong[:3])
            mib = sum(tensor_bytes(t, ty) for t, ty in zip(tensors, ours, strict=True)) / 2**20
            size_errors.append(abs(mib - res["tensor_mib"]) / res["tensor_mib"])
    assert cases > 5000 and errors == 0
    # llama.cpp prints each tensor's size to 0.01 MiB: what is left is that rounding (largest for
    # SmolLM2-135M, whose 272 tensors are small: 0.7%)
    assert statistics.median(size_errors) < 0.0001 and max(size_errors) < 0.01
