"""The app's last leaderboards: read back equal to what was computed, and never under a key that
differs in anything the rows depend on."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from llmtui.core import rows_cache
from llmtui.core.build import planned_build
from llmtui.core.catalog import Catalog
from llmtui.core.leaderboard import rows, with_best_quants
from llmtui.core.paths import user_cache_dir

SETTINGS: dict[str, Any] = {"quant": "Q4_K_M", "ctx": 8192, "kv_type": "f16", "engine": "llama.cpp"}


@pytest.fixture(scope="module")
def small_catalog(catalog: Catalog) -> Catalog:
    """Every tenth model: dense and MoE, small and large, with and without scores."""
    return Catalog(models=catalog.models[::10], devices=catalog.devices)


def _full(catalog: Catalog, build):  # type: ignore[no-untyped-def]
    first = rows(catalog, build, with_best=False)
    return with_best_quants(first, build, ctx=8192)


def test_rows_read_back_equal(small_catalog: Catalog) -> None:
    build = planned_build(small_catalog, gpu="RTX 3090", ram="64GB")
    computed = _full(small_catalog, build)
    assert rows_cache.read(small_catalog, build, **SETTINGS) is None
    rows_cache.write(small_catalog, build, computed, **SETTINGS)
    assert rows_cache.read(small_catalog, build, **SETTINGS) == computed


def test_live_readings_do_not_change_the_key_but_everything_else_does(small_catalog: Catalog) -> None:
    build = planned_build(small_catalog, gpu="RTX 3090", ram="64GB")
    computed = _full(small_catalog, build)
    rows_cache.write(small_catalog, build, computed, **SETTINGS)
    live = replace(build, ram_available_bytes=3 * 2**30, gpus=tuple(replace(g, free_bytes=2**30) for g in build.gpus))
    assert rows_cache.read(small_catalog, live, **SETTINGS) == computed
    assert _full(small_catalog, live) == computed  # the leaderboard indeed ignores them
    other_ram = replace(build, ram_bytes=build.ram_bytes // 2)
    assert rows_cache.read(small_catalog, other_ram, **SETTINGS) is None
    for k, v in (("quant", "Q8_0"), ("ctx", 32768), ("kv_type", "q8_0"), ("engine", "vllm")):
        assert rows_cache.read(small_catalog, build, **{**SETTINGS, k: v}) is None, k
    m = small_catalog.models[0]
    bigger = replace(m, arch=replace(m.arch, layers=m.arch.layers + 1))
    edited = Catalog(models=[bigger, *small_catalog.models[1:]], devices=small_catalog.devices)
    assert rows_cache.read(edited, build, **SETTINGS) is None
    fewer = Catalog(models=small_catalog.models[1:], devices=small_catalog.devices)
    assert rows_cache.read(fewer, build, **SETTINGS) is None


def test_partial_or_damaged_leaderboards(small_catalog: Catalog) -> None:
    build = planned_build(small_catalog, gpu="RTX 3090", ram="64GB")
    rows_cache.write(small_catalog, build, _full(small_catalog, build)[1:], **SETTINGS)  # a subset
    assert rows_cache.read(small_catalog, build, **SETTINGS) is None
    first = rows(small_catalog, build, with_best=False)  # best quants pending: kept as such
    rows_cache.write(small_catalog, build, first, **SETTINGS)
    assert rows_cache.read(small_catalog, build, **SETTINGS) == first
    rows_cache.write(small_catalog, build, _full(small_catalog, build), **SETTINGS)
    assert rows_cache.read(small_catalog, build, **SETTINGS) is not None
    path = Path(user_cache_dir()) / rows_cache.FILE
    doc = json.loads(path.read_text())
    (board,) = doc["data"].values()
    board[0] = ["Q4_K_M", "many"]  # a row of the wrong shape
    path.write_text(json.dumps(doc))
    assert rows_cache.read(small_catalog, build, **SETTINGS) is None
    path.write_text("[{")
    assert rows_cache.read(small_catalog, build, **SETTINGS) is None


def test_only_the_latest_leaderboards_are_kept(small_catalog: Catalog, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(rows_cache, "KEEP", 2)
    builds = [planned_build(small_catalog, gpu=g, ram="64GB") for g in ("RTX 3090", "RTX 4090", "RTX 3060 12GB")]
    for b in builds:
        rows_cache.write(small_catalog, b, _full(small_catalog, b), **SETTINGS)
    assert rows_cache.read(small_catalog, builds[0], **SETTINGS) is None
    assert rows_cache.read(small_catalog, builds[1], **SETTINGS) is not None
    assert rows_cache.read(small_catalog, builds[2], **SETTINGS) is not None


def test_the_file_is_parsed_again_only_when_it_changed(small_catalog: Catalog, monkeypatch: pytest.MonkeyPatch) -> None:
    """read() runs on the UI thread at every recompute: the file is parsed once, then only after a change."""
    from llmtui.core import cache_file

    build = planned_build(small_catalog, gpu="RTX 3090", ram="64GB")
    rows_cache.write(small_catalog, build, _full(small_catalog, build), **SETTINGS)
    parsed: list[str] = []
    real = cache_file.read
    monkeypatch.setattr(cache_file, "read", lambda *a: parsed.append("x") or real(*a))
    for _ in range(3):
        assert rows_cache.read(small_catalog, build, **SETTINGS) is not None
    assert parsed == []  # the table written is the table read
    path = Path(user_cache_dir()) / rows_cache.FILE
    path.write_text("{}")
    assert rows_cache.read(small_catalog, build, **SETTINGS) is None and parsed == ["x"]
