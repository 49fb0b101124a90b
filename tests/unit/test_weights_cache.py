"""The weights cache: what one start computes, the next reads back equal; a cache of another estimator,
or a damaged one, is never read."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from llmtui.core.catalog import Catalog
from llmtui.core.estimate import cache
from llmtui.core.estimate.weights import _weights, clear_cache, weights
from llmtui.core.paths import user_cache_dir


@pytest.fixture(autouse=True)
def _fresh(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cache, "_bundled", dict)  # the user's file alone (test_prebuilt covers the build's)
    clear_cache()


def test_weights_computed_once_are_read_back_equal(catalog: Catalog) -> None:
    archs = list({m.arch for m in catalog.models})[:12]
    computed = {(a, q): weights(a, q) for a in archs for q in ("Q4_K_M", "IQ2_XXS", "Q8_0")}
    cache.flush()
    assert (user_cache_dir() / cache.FILE).is_file()
    clear_cache()  # a new start: nothing in memory
    for (a, q), w in computed.items():
        assert cache.lookup(a, q) == w
        assert weights(a, q) == w
    assert _weights.cache_info().currsize == 0  # every one came from the file, none was recomputed


def test_a_cache_of_another_estimator_or_a_damaged_one_is_not_read(
    catalog: Catalog, monkeypatch: pytest.MonkeyPatch
) -> None:
    a = catalog.models[0].arch
    weights(a, "Q4_K_M")
    cache.flush()
    path = user_cache_dir() / cache.FILE
    clear_cache()
    own = cache._digest
    monkeypatch.setattr(cache, "_digest", lambda: "another-estimator")
    assert cache.lookup(a, "Q4_K_M") is None  # keyed by the estimator's own source
    monkeypatch.setattr(cache, "_digest", own)
    clear_cache()
    doc = json.loads(path.read_text())
    doc["data"][cache._arch_key(a)]["Q4_K_M"]["L"] = [1, 0, 3]  # not this architecture's layer count
    path.write_text(json.dumps(doc))
    assert a.layers != 3 and cache.lookup(a, "Q4_K_M") is None
    Path(path).write_text("{not json")
    clear_cache()
    assert cache.lookup(a, "Q4_K_M") is None and weights(a, "Q4_K_M").total > 0


def test_the_file_keeps_a_bounded_number_of_architectures_this_runs_first(
    catalog: Catalog, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A user catalogue of thousands must not grow the file (read on every start) without end: past
    MAX_ARCHS the architectures this run used stay, and of the rest the most recently stored."""
    archs = list({m.arch for m in catalog.models})[:9]
    assert len(archs) == 9
    monkeypatch.setattr(cache, "MAX_ARCHS", 6)
    for a in archs[:6]:
        weights(a, "Q4_K_M")
    cache.flush()
    clear_cache()  # a new run that uses three other architectures and one of the stored ones
    for a in (*archs[6:], archs[0]):
        weights(a, "Q4_K_M")
    cache.flush()
    doc = json.loads((user_cache_dir() / cache.FILE).read_text())
    kept = set(doc["data"])
    assert len(kept) == 6
    assert {cache._arch_key(a) for a in (*archs[6:], archs[0])} <= kept  # this run's
    assert {cache._arch_key(a) for a in archs[4:6]} <= kept  # the latest stored before
    assert not {cache._arch_key(a) for a in archs[1:4]} & kept
