"""The planner's use-case bests, found with as little of the best-quant search as each sort needs,
are exactly the first row each preset shows on the full leaderboard (plan.preset_rows + summarize)."""

from __future__ import annotations

import pytest

from llmtui.core.build import planned_build
from llmtui.core.catalog import Catalog
from llmtui.core.leaderboard import rows
from llmtui.core.plan import preset_rows, summarize, use_case_bests

BUILDS = [
    dict(gpu="RTX 3060 12GB", ram="32GB"),
    dict(gpu="RTX 4090", ram="64GB"),
    dict(gpu="3x RTX 3090", ram="128GB"),
    dict(gpu="8x H100 SXM", ram="1024GB"),
    dict(mac="M4 Max 128GB"),
    dict(ram="16GB"),
]


@pytest.mark.parametrize("spec", BUILDS, ids=lambda s: " ".join(str(v) for v in s.values()))
@pytest.mark.parametrize("ctx", [4096, 32768])
def test_fast_bests_equal_the_full_leaderboards(catalog: Catalog, spec: dict[str, str], ctx: int) -> None:
    build = planned_build(catalog, **spec)  # type: ignore[arg-type]
    kw = dict(quant="Q4_K_M", ctx=ctx, kv_type="f16", engine="llama.cpp")
    full = rows(catalog, build, **kw)  # type: ignore[arg-type]
    slow = summarize(build, full, preset_rows(catalog, build, known=full, **kw))  # type: ignore[arg-type]
    first = rows(catalog, build, with_best=False, **kw)  # type: ignore[arg-type]
    fast = use_case_bests(catalog, build, known=first, **kw)  # type: ignore[arg-type]
    assert fast == slow.best
    assert summarize(build, first, bests=fast) == slow  # the counts need no best quant either


def test_vllm_and_a_quant_some_models_lack(catalog: Catalog) -> None:
    build = planned_build(catalog, gpu="2x RTX 4090", ram="64GB")
    for quant, engine in (("AWQ", "vllm"), ("Q8_0", "llama.cpp")):
        kw = dict(quant=quant, ctx=8192, kv_type="f16", engine=engine)
        full = rows(catalog, build, **kw)  # type: ignore[arg-type]
        slow = summarize(build, full, preset_rows(catalog, build, known=full, **kw))  # type: ignore[arg-type]
        assert use_case_bests(catalog, build, **kw) == slow.best  # type: ignore[arg-type]
