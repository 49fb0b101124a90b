"""The planner's comparison and draft rules, headless (llmtui.core.compare, llmtui.core.draft)."""

from __future__ import annotations

import pytest

from llmtui.core.build import gpu_from_device, planned_build
from llmtui.core.catalog import Catalog
from llmtui.core.compare import candidates, compare
from llmtui.core.draft import MAX_GPUS, Draft, DraftError, overview


def test_compare_rows_are_what_a_pinned_build_runs(catalog: Catalog) -> None:
    """Issue 18: the rows were the top three models by score, so every cell read 'none'. Now each
    build's best per use case, each run by at least one build; a model no build runs is left out."""
    small = planned_build(catalog, gpu="RTX 3060 12GB", ram="32GB")
    big = planned_build(catalog, gpu="2x RTX 3090", ram="64GB")
    v = {"quant": "Q4_K_M", "ctx": 8192, "kv_type": "f16", "engine": "llama.cpp"}
    bests = [overview(catalog, b, benchmark="MMLU-Pro", **v).summary.best for b in (small, big)]  # type: ignore[arg-type]
    models = candidates(catalog, ["now", "A"], bests, None)
    assert models and len({m.id for m, _ in models}) == len(models)
    rows = compare(models, [small, big], **v)  # type: ignore[arg-type]
    assert rows and all(any(c.runs for c in r.cells) for r in rows)
    best_big = {b.model_id for b in bests[1] if b.model_id}
    assert best_big <= {r.model.id for r in rows}
    assert all(r.why for r in rows)
    huge = catalog.model("deepseek-r1")
    assert huge is not None
    assert not compare([(huge, "Coding: now")], [small, big], **v), "nobody runs it: no row"  # type: ignore[arg-type]
    pick = compare([(huge, "your pick")], [small, big], **v)  # type: ignore[arg-type]
    assert pick and pick[0].cells[0].text() == "does not run", "the user's pick stays, saying so"


def test_the_pick_comes_first_and_once(catalog: Catalog) -> None:
    big = planned_build(catalog, gpu="RTX 4090", ram="64GB")
    best = overview(
        catalog, big, quant="Q4_K_M", ctx=8192, benchmark="MMLU-Pro", kv_type="f16", engine="llama.cpp"
    ).summary.best
    first = catalog.model(best[0].model_id)
    assert first is not None
    models = candidates(catalog, ["now"], [best], first)
    assert models[0] == (first, "your pick")
    assert [m.id for m, _ in models].count(first.id) == 1


def test_draft_rules(catalog: Catalog) -> None:
    d = Draft.from_build(planned_build(catalog, gpu="RTX 4090", ram="64GB"), "llama.cpp")
    dev = catalog.device("rtx-3090")
    mac = catalog.device("m4-max-40c")
    assert dev is not None and mac is not None
    line, note = d.add(gpu_from_device(dev, 24))
    assert line == 1 and not note and len(d.lines) == 2
    d.count(1, 1)
    assert d.lines[1][1] == 2
    with pytest.raises(DraftError, match="remove the line"):
        d.count(0, -1)
    with pytest.raises(DraftError, match=f"at most {MAX_GPUS}"):
        d.count(0, MAX_GPUS)
    line, note = d.add(gpu_from_device(mac, 128))
    assert "replaced the devices" in note and len(d.lines) == 1 and d.unified is not None
    b = d.build()
    assert b.ram_bytes == b.gpus[0].memory_bytes, "a Mac's RAM is its unified memory"
    with pytest.raises(DraftError, match="counts as one"):
        d.count(0, 1)
    with pytest.raises(DraftError, match="add one with a"):
        Draft().count(None, 1)


def test_counts_agree_with_their_number() -> None:
    """Issue 18: '(1 models)'."""
    from llmtui.core.units import count

    assert [count(n, "model") for n in (0, 1, 2)] == ["0 models", "1 model", "2 models"]
