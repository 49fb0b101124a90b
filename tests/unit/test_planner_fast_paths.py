"""The planner's shortcuts give exactly what the full computation gives: on_gpu() is fit_status()
== "gpu" from the placement's first step alone, and upgrade_hints() (which places a model that runs
with offload only as far as that step) equals the hints from every model's full status."""

from __future__ import annotations

import pytest

from llmtui.core.build import Build, planned_build
from llmtui.core.catalog import Catalog
from llmtui.core.draft import Overview
from llmtui.core.estimate import STATUS_ORDER, EstimateError, fit_status, on_gpu
from llmtui.core.leaderboard import rows
from llmtui.core.plan import hint_line, upgrade_hints, upgrade_options

BUILDS = [
    dict(gpu="RTX 3060 12GB", ram="32GB"),
    dict(gpu="3x RTX 3060 12GB", ram="64GB"),
    dict(gpu="RTX 4090", ram="2GB"),  # so little RAM that the embeddings decide some fits
    dict(gpu="RTX 5090 + RTX 4090", ram="128GB"),
    dict(gpu="8x H100 SXM", ram="1024GB"),
    dict(mac="M4 Max 128GB"),
    dict(ram="16GB"),
]
ENGINES = [("Q4_K_M", "llama.cpp", 8192), ("Q8_0", "llama.cpp", 32768), ("AWQ", "vllm", 8192)]


def _status(m: object, quant: str, ctx: int, b: Build, engine: str) -> str:
    try:
        return fit_status(m, quant, ctx, b, "f16", engine)  # type: ignore[arg-type]
    except EstimateError:
        return "none"


def _reference_hints(catalog: Catalog, build: Build, quant: str, ctx: int, engine: str) -> list[str]:
    """upgrade_hints by its definition: every model's full status before and after each option."""
    now = {m.id: _status(m, quant, ctx, build, engine) for m in catalog.models}
    out = []
    for label, b in upgrade_options(catalog, build):
        gained = []
        for m in catalog.models:
            before, after = now[m.id], _status(m, quant, ctx, b, engine)
            if STATUS_ORDER[after] > STATUS_ORDER[before] and (after == "gpu" or before == "none"):
                gained.append((m.params_b, m.name, after))
        out.append(hint_line(label, quant, gained))  # the wording is shared; the statuses are the reference's
    return out


@pytest.mark.parametrize("spec", BUILDS, ids=lambda s: " ".join(str(v) for v in s.values()))
def test_on_gpu_is_fit_status_gpu(catalog: Catalog, spec: dict[str, str]) -> None:
    build = planned_build(catalog, **spec)  # type: ignore[arg-type]
    seen = set()
    for quant, engine, ctx in ENGINES:
        for m in catalog.models:
            want = _status(m, quant, ctx, build, engine)
            try:
                got = on_gpu(m, quant, ctx, build, "f16", engine)
            except EstimateError:
                got = False
            assert got == (want == "gpu"), (m.id, quant, engine, ctx, want)
            seen.add(want)
    if spec.get("gpu") == "RTX 3060 12GB":  # the comparison saw every kind of answer
        assert {"gpu", "gpu+cpu", "none"} <= seen


@pytest.mark.parametrize("spec", BUILDS, ids=lambda s: " ".join(str(v) for v in s.values()))
@pytest.mark.parametrize("setting", ENGINES, ids=lambda s: f"{s[0]}-{s[1]}-{s[2]}")
def test_upgrade_hints_equal_the_full_statuses(
    catalog: Catalog, spec: dict[str, str], setting: tuple[str, str, int]
) -> None:
    quant, engine, ctx = setting
    build = planned_build(catalog, **spec)  # type: ignore[arg-type]
    want = _reference_hints(catalog, build, quant, ctx, engine)
    kw = dict(quant=quant, ctx=ctx, kv_type="f16", engine=engine)
    known = rows(catalog, build, with_best=False, **kw)  # type: ignore[arg-type]
    assert upgrade_hints(catalog, build, known=known, **kw) == want  # type: ignore[arg-type]
    assert upgrade_hints(catalog, build, **kw) == want  # type: ignore[arg-type]


def _placements(catalog: Catalog) -> list[object]:
    from llmtui.core.estimate import ENGINES
    from llmtui.core.estimate.api import place

    out: list[object] = []
    for spec in BUILDS:
        build = planned_build(catalog, **spec)  # type: ignore[arg-type]
        for quant, ctx in (("Q4_K_M", 8192), ("Q8_0", 32768), ("Q2_K", 4096)):
            for m in catalog.models:
                try:
                    p, _ = place(m, quant, ctx, build, "f16", ENGINES["llama.cpp"])
                except (EstimateError, KeyError):
                    continue
                out.append((m.id, quant, ctx, repr(p)))
    return out


def test_placement_shortcuts_change_no_placement(catalog: Catalog, monkeypatch: pytest.MonkeyPatch) -> None:
    """The shortcuts (probe: no layout for a split that cannot fit; _room: no search when the layers
    exceed all the memory) leave every llama.cpp placement as the full searches make it."""
    from llmtui.core.estimate import placement

    fast = _placements(catalog)
    split = placement._split_layers

    def full_split(*args: object, probe: bool = False, **kw: object) -> bool:
        return split(*args, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(placement, "_split_layers", full_split)
    monkeypatch.setattr(placement, "_room", lambda *a: True)
    slow = _placements(catalog)
    assert len(fast) > 2000 and fast == slow
    statuses = {r[3].split("status='")[1].split("'")[0] for r in slow}  # type: ignore[index]
    assert statuses == {"gpu", "gpu+cpu", "cpu", "none"}


def test_estimates_without_their_basis_have_the_same_figures(catalog: Catalog) -> None:
    """explain=False (leaderboard rows) drops only the lines that say how the figures were found."""
    from dataclasses import replace

    from llmtui.core.estimate import estimate

    for spec in BUILDS[:5]:
        build = planned_build(catalog, **spec)  # type: ignore[arg-type]
        for m in catalog.models[::3]:
            try:
                full = estimate(m, "Q4_K_M", 8192, build, with_max_ctx=False)
            except EstimateError:
                continue
            bare = estimate(m, "Q4_K_M", 8192, build, with_max_ctx=False, explain=False)
            assert bare.basis == {} and (bare.speed is None or bare.speed.basis == ())
            assert full.basis and (full.speed is None or full.speed.basis)
            speed = None if full.speed is None else replace(full.speed, basis=())
            assert bare == replace(full, basis={}, speed=speed)


def test_ranked_is_kept_per_model_list_and_made_again_when_it_changes(catalog: Catalog) -> None:
    from dataclasses import replace

    from llmtui.core.leaderboard import resolve_benchmark
    from llmtui.core.plan import ranked

    bench, query = resolve_benchmark(catalog, "AA Intelligence Index"), "use:chat fits"
    first = ranked(catalog, bench, query)
    assert first and ranked(catalog, bench, query) is first  # kept
    values = [sc.value for _, sc in first]
    assert values == sorted(values, reverse=True)
    other = Catalog(models=list(catalog.models), devices=catalog.devices)
    top, sc = first[0]
    better = replace(top, id="x-better", name="X better", scores=(replace(sc, value=sc.value + 1000),))
    other.models.append(better)  # the list grew: ranked again
    assert ranked(other, bench, query)[0][0] is better
    assert ranked(catalog, bench, query) is first  # the first catalogue's list is its own
    fewer = Catalog(models=[m for m in catalog.models if m is not top], devices=catalog.devices)
    assert top not in [m for m, _ in ranked(fewer, bench, query)]


@pytest.mark.parametrize("spec", BUILDS, ids=lambda s: " ".join(str(v) for v in s.values()))
def test_overview_equals_the_full_leaderboards(catalog: Catalog, spec: dict[str, str]) -> None:
    """overview() (every model's fit, speeds only for what it shows) equals the totals and bests of the
    full leaderboards with every speed and best quant, and the hints from every model's full status."""
    want = _checked_overview(catalog, planned_build(catalog, **spec)).summary  # type: ignore[arg-type]
    if want.fits_gpu:
        assert want.biggest_tps and any(b.tps for b in want.best)  # speeds were compared, not only Nones


def _checked_overview(catalog: Catalog, build: Build) -> Overview:
    """overview() at Q4_K_M and 8K, asserted equal to the totals and bests of the full leaderboards
    (every speed and best quant) and to the hints from every model's full status."""
    from llmtui.core.draft import overview
    from llmtui.core.leaderboard import default_benchmark
    from llmtui.core.plan import preset_rows, summarize

    kw = dict(quant="Q4_K_M", ctx=8192, kv_type="f16", engine="llama.cpp")
    full = rows(catalog, build, **kw)  # type: ignore[arg-type]
    want = summarize(build, full, preset_rows(catalog, build, known=full, **kw))  # type: ignore[arg-type]
    got = overview(catalog, build, benchmark=default_benchmark(catalog), **kw)  # type: ignore[arg-type]
    assert got.summary == want
    assert got.hints == tuple(_reference_hints(catalog, build, "Q4_K_M", 8192, "llama.cpp"))
    return got


def test_overview_places_each_group_once_and_counts_every_model(catalog: Catalog) -> None:
    """A catalogue where many models share their figures (fine-tunes of one base, listed in between
    others): overview() works them out once per group (leaderboard.model_groups) and still counts,
    ranks and names every model as the full leaderboards do, the largest on GPU the first in catalogue
    order among equals."""
    from dataclasses import replace

    from llmtui.core.leaderboard import estimate_key, model_groups
    from llmtui.core.plan import summarize

    models = []
    for i, m in enumerate(catalog.models):
        models.append(m)
        models.insert(0, replace(m, id=f"{m.id}-early", name=f"Z {m.name} early"))  # a copy listed first
        if i % 3 == 0:  # a fine-tune listed right after its base
            models.append(replace(m, id=f"{m.id}-ft", name=f"A {m.name} fine-tune"))
    many = Catalog(models=models, devices=catalog.devices)
    groups = model_groups(many.models, "Q4_K_M")
    assert sum(len(g) for g in groups) == len(models) and len(groups) < len(models) // 2
    assert all(len({estimate_key(m, "Q4_K_M") for m in g}) == 1 for g in groups)
    assert model_groups(many.models, "Q4_K_M") is groups  # kept for the list
    for spec in (dict(gpu="RTX 3060 12GB", ram="32GB"), dict(gpu="2x RTX 3090", ram="128GB")):
        build = planned_build(many, **spec)  # type: ignore[arg-type]
        got = _checked_overview(many, build)
        assert got.summary.biggest.startswith("Z ")  # the early copy comes first in the catalogue
        assert got.summary.fits_gpu >= 2  # every model of a group counted: each has two or three
    reps = rows(many, build, models=[g[0] for g in groups], quant="Q4_K_M", ctx=8192)
    for bad in (dict(groups=groups[:-1], models=many.models), dict(groups=groups, models=many.models[:-1])):
        with pytest.raises(ValueError):  # a group per row, and every model once, or the totals would be wrong
            summarize(build, reps, bests=got.summary.best, **bad)  # type: ignore[arg-type]


def test_rows_without_speed_have_the_same_fit(catalog: Catalog) -> None:
    from dataclasses import fields, replace

    from llmtui.core.leaderboard import Row, _with_model

    build = planned_build(catalog, gpu="2x RTX 3060 12GB", ram="64GB")
    full = rows(catalog, build, with_best=False)
    bare = rows(catalog, build, with_best=False, with_speed=False)
    assert [replace(r, decode_tps=None, roofline_tps=None) for r in full] == bare
    assert any(r.decode_tps for r in full)
    r, m = full[0], catalog.models[1]
    assert _with_model(r, m, None) == replace(r, model=m, score=None)  # every field carried over
    assert len(fields(Row)) == 11  # a field added to Row must be added to _with_model too


def test_the_throughput_ranking_skips_models_its_bound_rules_out(
    catalog: Catalog, monkeypatch: pytest.MonkeyPatch, model_calls
) -> None:
    """The "Production at scale" ranking estimates serving only for models whose bound can still beat the best so
    far: the same pick as estimating every candidate, from fewer serving estimates."""
    import llmtui.core.leaderboard as leaderboard
    import llmtui.core.plan as plan

    build = planned_build(catalog, gpu="2x RTX 3090", ram="64GB")
    kw = dict(quant="Q4_K_M", ctx=8192, kv_type="f16", engine="llama.cpp")
    calls = model_calls(leaderboard, "serving_tps")
    pruned = plan.use_case_bests(catalog, build, **kw)  # type: ignore[arg-type]
    with_bound = len(calls)
    calls.clear()
    monkeypatch.setattr(plan, "aggregate_bound", lambda *a, **k: None)
    every = plan.use_case_bests(catalog, build, **kw)  # type: ignore[arg-type]
    assert pruned == every
    assert 0 < with_bound < len(calls) // 2, (with_bound, len(calls))
