"""'Hardware needed per model' (H): every model with its memory and its cheapest readable build, the
same as planning each model alone, largest first, and planned once per estimate key."""

from __future__ import annotations

from dataclasses import replace

from llmtui.core import plan
from llmtui.core.build import Build
from llmtui.core.catalog import Catalog
from llmtui.core.estimate import estimate


def test_each_row_is_the_model_planned_alone(catalog: Catalog) -> None:
    models = sorted(catalog.models, key=lambda m: -m.params_b)[::9]  # every size class, quickly
    rows = list(plan.hardware_needed(catalog, models, quant="Q4_K_M", ctx=8192))
    assert [r.model.id for r in rows] == [m.id for m in models]
    for r in rows:
        alone = plan.cheapest_builds(r.model, catalog, quant="Q4_K_M", ctx=8192, limit=1, target_tps=plan.READABLE_TPS)
        assert (r.plan.build if r.plan else None) == (alone[0].build if alone else None), r.model.id
        mem = estimate(r.model, "Q4_K_M", 8192, Build("none"), with_max_ctx=False, with_speed=False)
        assert r.memory_bytes == mem.memory.total_bytes


def test_variants_are_planned_once(catalog: Catalog, model_calls) -> None:  # type: ignore[no-untyped-def]
    base = [m for m in catalog.models if m.params_b < 10][:3]
    variants = [replace(m, id=f"{m.id}-ft{i}", name=f"{m.name} ft{i}") for m in base for i in range(4)]
    calls = model_calls(plan, "cheapest_builds")
    rows = list(plan.hardware_needed(catalog, base + variants))
    assert len(rows) == 15 and len(calls) == 3
    by_id = {r.model.id: r for r in rows}
    for v in variants:
        b = by_id[v.id.rsplit("-ft", 1)[0]]
        assert by_id[v.id].memory_bytes == b.memory_bytes and by_id[v.id].plan == b.plan
