"""llmtui's tensor layout, KV cache and recurrent state against llama.cpp's own loader: each catalogue
architecture and each official 2025-2026 config, written as a sparse GGUF and loaded by llama.cpp in a
memory dry run (tests/oracle/load_oracle.py; the recording is tests/fixtures/oracle/load.json).

Loading checks every tensor's name and shape against the architecture; the context's log gives the
KV cache and the recurrent state for one sequence at 8,192 tokens."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from llmtui.core.catalog import Catalog
from llmtui.core.estimate import kv_cache
from llmtui.core.importers import model_from_config

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
MiB = 1 << 20
# Layouts llmtui does not reproduce yet (1-D norms and biases only, not memory): named, not hidden.
KNOWN_GAPS: dict[str, str] = {}


@pytest.fixture(scope="module")
def recorded() -> dict[str, dict[str, object]]:
    return json.loads((FIXTURES / "oracle" / "load.json").read_text())


def _model(catalog: Catalog, mid: str):  # type: ignore[no-untyped-def]
    if mid.startswith("config:"):
        return model_from_config(FIXTURES / "configs" / f"{mid.removeprefix('config:')}.json")
    if mid.startswith("synthetic:"):
        return model_from_config(FIXTURES / "configs" / "synthetic" / f"{mid.removeprefix('synthetic:')}.json")
    return catalog.model(mid)


def test_llama_cpp_loads_every_layout(recorded: dict[str, dict[str, object]]) -> None:
    failed = {mid: r["error"] for mid, r in recorded.items() if not mid.startswith("_") and "error" in r}
    assert set(failed) == set(KNOWN_GAPS), failed
    assert len(recorded) > 120


def test_kv_and_state_match_llama_cpp(recorded: dict[str, dict[str, object]], catalog: Catalog) -> None:
    n_ctx = int(recorded["_meta"]["n_ctx"])  # type: ignore[call-overload]
    checked = families = 0
    seen: set[str] = set()
    for mid, r in recorded.items():
        if mid.startswith("_") or "error" in r:
            continue
        m = _model(catalog, mid)
        assert m is not None, mid
        kv = kv_cache(m.arch, n_ctx, "f16", "llama.cpp")
        ours_kv = (kv.total - kv.state_bytes) / MiB
        assert ours_kv == pytest.approx(float(r.get("kv_mib", 0.0)), rel=0.001, abs=0.01), (mid, r.get("lines"))
        assert kv.state_bytes / MiB == pytest.approx(float(r.get("state_mib", 0.0)), abs=0.01), (mid, r.get("lines"))
        checked += 1
        if m.arch.type not in seen:
            seen.add(m.arch.type)
            families += 1
    assert checked > 110 and families > 20
