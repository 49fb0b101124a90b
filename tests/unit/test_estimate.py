"""The estimator against published figures, and its invariants (hypothesis)."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from llmtui.core.build import Build, apple_default_limit, planned_build
from llmtui.core.catalog import Catalog
from llmtui.core.estimate import STATUS_ORDER, best_quant, estimate, weights
from llmtui.core.estimate.quant import BEST_QUANT_ORDER
from llmtui.core.units import GiB, MiB
from tests.bench.refdata import size_points


def calibrate(catalog: Catalog):  # type: ignore[no-untyped-def]
    from tests.bench.calibrate import fit, observations

    return fit(observations(catalog)[0])


def test_apple_working_set_defaults() -> None:
    """Metal's default limit: 2/3 of RAM up to 36 GB, 3/4 above (64 GB -> 48, 128 GB -> 96)."""
    assert apple_default_limit(64 * GiB) == 48 * GiB
    assert apple_default_limit(128 * GiB) == 96 * GiB
    assert apple_default_limit(16 * GiB) == pytest.approx(16 * GiB * 2 / 3, abs=1)


def test_build_power_is_unknown_when_a_device_has_none(catalog: Catalog) -> None:
    """0 W in the catalogue means unknown; a sum over it would be a made-up figure."""
    gpus = planned_build(catalog, gpu="2x RTX 3090", ram="64GB")
    assert gpus.power_w is not None and gpus.power_w == 2 * gpus.gpus[0].power_w > 0
    mac = planned_build(catalog, mac="M4 Max 128GB")
    assert mac.gpus[0].power_w == 0 and mac.power_w is None
    assert planned_build(catalog, ram="64GB").power_w == 0  # no GPU: no GPU power


def test_mac_usable_memory_follows_wired_limit(catalog: Catalog) -> None:
    m = catalog.model("qwen2.5-72b-instruct")
    assert m is not None
    default = planned_build(catalog, mac="M4 Max 40-core 64GB")
    raised = planned_build(catalog, mac="M4 Max 40-core 64GB", wired_limit_mb=60000)
    e1 = estimate(m, "Q5_K_M", 8192, default)
    e2 = estimate(m, "Q5_K_M", 8192, raised)
    margin = 1024 * MiB  # llama.cpp keeps 1 GiB free
    assert e1.devices[0].usable_bytes == 48 * GiB - margin and e1.status == "none"
    assert e2.devices[0].usable_bytes == 60000 * MiB - margin and e2.status == "gpu"


def test_llama3_8b_compute_buffer_close_to_llama_cpp(catalog: Catalog) -> None:
    """llama.cpp prints a ~258 MiB CUDA compute buffer for Llama-3-8B at ubatch 512 (estimation.md)."""
    m = catalog.model("llama-3-8b-instruct")
    assert m is not None
    e = estimate(m, "Q4_K_M", 512, planned_build(catalog, gpu="RTX 4090"))
    assert e.memory.compute_bytes / MiB == pytest.approx(258, rel=0.05)


def test_file_sizes_against_published_gguf_sizes(catalog: Catalog) -> None:
    """The reference GGUF sizes (data/reference/gguf_sizes*.toml, standard mixes of catalogue models):
    median within 0.5%, 90th percentile within 2% (issue 14's bar)."""
    points, _ = size_points(catalog)
    assert len(points) >= 500 and len({p.model.id for p in points}) >= 40
    errors = [abs(p.estimated_gb() - p.size_gb) / p.size_gb for p in points]
    errors.sort()
    assert errors[len(errors) // 2] < 0.005
    assert errors[int(len(errors) * 0.9)] < 0.02


def test_an_estimate_says_where_its_range_comes_from(catalog: Catalog) -> None:
    """A regime with runs enough has a range of its own runs; one with few (CPU-only) has every regime's,
    widened to its own runs' spread, and the basis says which."""
    from llmtui.core.estimate import calibration as cal

    few = [k for k, n in cal.RANGE_POINTS.items() if n < cal.RANGE_MIN]
    enough = [k for k, n in cal.RANGE_POINTS.items() if n >= cal.RANGE_MIN]
    assert few and enough
    for k in enough:
        assert cal.range_text(k) == f"{cal.RANGE_POINTS[k]} published runs ({k})"
    for k in few:
        assert f"widened to the spread of the {cal.RANGE_POINTS[k]} {k} runs" in cal.range_text(k)
    m = catalog.model("qwen3-8b")
    assert m is not None
    e = estimate(m, "Q4_K_M", 8192, planned_build(catalog, ram="64GB"))
    assert e.speed is not None and e.speed.regime == "cpu"
    assert any(cal.range_text("cpu") in line for line in e.speed.basis)
    lo, hi = cal.RANGES["cpu"]
    assert e.speed.decode_low == pytest.approx(e.speed.decode_expected * lo)
    assert e.speed.decode_high == pytest.approx(min(e.speed.roofline, e.speed.decode_expected * hi))


def test_calibration_constants_match_the_data(catalog: Catalog) -> None:
    """calibration.py holds what tests/bench/calibrate.py fits from the reference data (`make calibrate`)."""
    from llmtui.core.estimate import calibration as cal

    f = calibrate(catalog)
    for shipped, fitted in ((cal.DECODE, f.decode), (cal.PREFILL, f.prefill)):
        assert set(shipped.values) == set(fitted.values)
        for key, value in fitted.values.items():
            assert shipped.values[key] == pytest.approx(value, rel=1e-3, abs=1e-3), key
        assert shipped.counts == fitted.counts
    assert f.ranges == cal.RANGES
    assert f.range_points == cal.RANGE_POINTS


def test_speed_calibration_points(catalog: Catalog) -> None:
    """Published llama.cpp decode speeds, as quoted in estimation.md, within the estimate's range."""
    m = catalog.model("llama-2-7b")
    assert m is not None
    for gpu, measured in (("RTX 4090", 189.0), ("RTX 3090", 158.2)):
        e = estimate(m, "Q4_0", 512, planned_build(catalog, gpu=gpu), depth=0)
        assert e.speed is not None
        assert e.speed.decode_low * 0.9 <= measured <= e.speed.roofline, gpu


def test_moe_reads_only_active_experts(catalog: Catalog) -> None:
    m = catalog.model("qwen3-30b-a3b")
    dense = catalog.model("qwen2.5-32b-instruct")
    assert m is not None and dense is not None
    b = planned_build(catalog, gpu="RTX 4090")
    e_moe = estimate(m, "Q4_K_M", 4096, b, depth=0)
    e_dense = estimate(dense, "Q4_K_M", 4096, b, depth=0)
    assert e_moe.speed and e_dense.speed
    assert e_moe.speed.decode_expected > 3 * e_dense.speed.decode_expected


def test_moe_expert_offload_beats_layer_offload(catalog: Catalog) -> None:
    m = catalog.model("gpt-oss-120b")
    assert m is not None
    e = estimate(m, "MXFP4", 8192, planned_build(catalog, gpu="RTX 4090", ram="128GB"))
    assert e.status == "gpu+cpu" and e.n_cpu_moe > 0 and e.n_gpu_layers == m.arch.layers + 1


def test_layer_split_over_mixed_gpus(catalog: Catalog) -> None:
    m = catalog.model("llama-3.3-70b-instruct")
    assert m is not None
    e = estimate(m, "Q4_K_M", 8192, planned_build(catalog, gpu="RTX 5090 + RTX 4090"))
    gpus = [d for d in e.devices if d.kind == "gpu"]
    assert e.status == "gpu"
    assert sum(d.layers for d in gpus) == m.arch.layers
    assert gpus[0].layers > gpus[1].layers  # the 32 GB card takes more than the 24 GB one
    assert all(d.used_bytes <= d.usable_bytes for d in gpus)


def test_cpu_only_and_none(catalog: Catalog) -> None:
    m = catalog.model("llama-3.1-8b-instruct")
    assert m is not None
    assert estimate(m, "Q4_K_M", 8192, planned_build(catalog, ram="32GB")).status == "cpu"
    assert estimate(m, "Q4_K_M", 8192, planned_build(catalog, ram="4GB")).status == "none"


def test_vllm_tensor_parallel_divisibility(catalog: Catalog) -> None:
    m = catalog.model("llama-3.1-8b-instruct")
    assert m is not None
    e = estimate(m, "FP16", 8192, planned_build(catalog, gpu="3x RTX 4090"), engine="vllm")
    assert e.tp * e.pp == 3 and 32 % e.tp == 0
    assert any("do not divide" in n for n in e.notes)


def test_several_machines_add_network_cost(catalog: Catalog) -> None:
    m = catalog.model("llama-3.1-405b-instruct")
    assert m is not None
    one = planned_build(catalog, mac="M3 Ultra 80-core 512GB")
    two = planned_build(catalog, mac="M3 Ultra 80-core 256GB", machines=2, network="tb5")
    e2 = estimate(m, "Q4_K_M", 8192, two)
    assert e2.status == "gpu" and any("network" in b for b in e2.speed.basis)  # type: ignore[union-attr]
    assert estimate(m, "Q4_K_M", 8192, one).status == "gpu"


def test_max_context_is_the_largest_that_keeps_the_fit(catalog: Catalog) -> None:
    m = catalog.model("llama-3.1-8b-instruct")
    assert m is not None
    b = planned_build(catalog, gpu="RTX 3060 12GB")
    e = estimate(m, "Q4_K_M", 8192, b)
    assert e.status == "gpu" and e.max_ctx
    assert estimate(m, "Q4_K_M", e.max_ctx, b).status == "gpu"
    assert estimate(m, "Q4_K_M", e.max_ctx + 256, b).status != "gpu"


def test_best_quant_prefers_a_full_gpu_fit(catalog: Catalog) -> None:
    m = catalog.model("qwen2.5-32b-instruct")
    assert m is not None
    q, status = best_quant(m, 8192, planned_build(catalog, gpu="RTX 4090", ram="64GB"))
    assert status == "gpu" and q in BEST_QUANT_ORDER
    i = BEST_QUANT_ORDER.index(q)
    if i > 0:  # the next better quant does not fit on the GPU
        better = estimate(m, BEST_QUANT_ORDER[i - 1], 8192, planned_build(catalog, gpu="RTX 4090", ram="64GB"))
        assert better.status != "gpu"


def test_a_builds_devices_are_fresh_for_every_placement(catalog: Catalog) -> None:
    """build_slots keeps a build's devices for the next model placed on it; each placement still starts
    from empty devices, so one model's layout never leaks into the next one's fit."""
    from llmtui.core.estimate.engines import ENGINES
    from llmtui.core.estimate.placement import build_slots

    b = planned_build(catalog, gpu="2x RTX 3090", ram="64GB")
    eng = ENGINES["llama.cpp"]
    gpus, cpu = build_slots(b, eng)
    assert cpu is not None and len(gpus) == 2
    gpus[0].weights_bytes, gpus[0].layers, cpu.kv_bytes = 10 * GiB, range(0, 5), GiB  # as a placement fills them
    again, cpu2 = build_slots(b, eng)
    assert again[0] is not gpus[0] and cpu2 is not cpu
    assert (again[0].weights_bytes, again[0].layers, cpu2.kv_bytes) == (0, range(0), 0)  # type: ignore[union-attr]
    assert [(g.name, g.usable_bytes, g.device_class) for g in again] == [
        (g.name, g.usable_bytes, g.device_class) for g in gpus
    ]
    # the same figures for a build made again (an equal build, not the same object), and per engine
    twin = planned_build(catalog, gpu="2x RTX 3090", ram="64GB")
    assert [g.usable_bytes for g in build_slots(twin, eng)[0]] == [g.usable_bytes for g in gpus]
    vllm = build_slots(b, ENGINES["vllm"])[0]
    assert vllm[0].usable_bytes < gpus[0].usable_bytes  # its gpu_memory_utilization share
    big = [m for m in catalog.models if m.params_b > 30][:5]
    first = [estimate(m, "Q4_K_M", 8192, b, with_speed=False).memory.total_bytes for m in big]
    assert [estimate(m, "Q4_K_M", 8192, b, with_speed=False).memory.total_bytes for m in big] == first


@pytest.mark.parametrize("gpu", ["2x RTX 3090", "3x RTX 3060 12GB", "RTX 5090 + RTX 4090 + RTX 3060 12GB"])
def test_a_layer_split_found_on_the_running_sums_equals_the_stepwise_one(
    catalog: Catalog, gpu: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """_split_layers bisects a list of running sums where it can (no experts held back in the range);
    the layout is the one its step-by-step bisection finds, for every model at two contexts."""
    import llmtui.core.estimate.placement as placement

    b = planned_build(catalog, gpu=gpu, ram="128GB")

    def layouts() -> list[object]:
        out: list[object] = []
        for m in catalog.models:
            for ctx in (8192, 131072):
                e = estimate(m, "Q4_K_M", ctx, b, with_speed=False, with_max_ctx=False)
                out.append((e.status, e.tensor_split, e.n_gpu_layers, e.n_cpu_moe, [d.layers for d in e.devices]))
        return out

    fast = layouts()
    monkeypatch.setattr(placement, "_weights_kv_prefix", lambda w, kv: None)
    assert layouts() == fast
    assert sum(1 for f in fast if len(f[1]) > 1) > 20  # layer splits over several GPUs were compared  # type: ignore[index,arg-type]


def test_weights_kept_by_model_identity_are_the_same_weights(catalog: Catalog) -> None:
    """model_weights answers a model it has seen by identity (no hash of its ~90 fields); a copy that is
    equal but another object gets the same figures, and cache_clear forgets both caches."""
    from dataclasses import replace

    from llmtui.core.estimate.api import _BY_ID, model_weights

    m = catalog.models[0]
    first = model_weights(m, "Q4_K_M")
    assert model_weights(m, "Q4_K_M") is first
    twin = replace(m)  # equal, not the same object
    assert twin == m and twin is not m and model_weights(twin, "Q4_K_M") == first
    other = replace(m, id="x-renamed", name="X renamed")  # another model of the same architecture
    assert model_weights(other, "Q4_K_M")[0] == first[0]
    model_weights.cache_clear()  # type: ignore[attr-defined]
    assert not _BY_ID
    assert model_weights(m, "Q4_K_M") == first


# --- invariants --------------------------------------------------------------------------------------------

QUANT_LADDER = ["IQ2_XXS", "Q2_K", "Q3_K_M", "Q4_K_M", "Q5_K_M", "Q6_K", "Q8_0", "F16"]


@pytest.fixture(scope="module")
def models(catalog: Catalog) -> list[object]:
    return list(catalog.models)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    i=st.integers(0, 1000),
    q=st.integers(0, len(QUANT_LADDER) - 2),
    ctx=st.integers(256, 131072),
    more_ctx=st.integers(0, 65536),
)
def test_more_bits_or_context_never_need_less_memory(catalog: Catalog, i: int, q: int, ctx: int, more_ctx: int) -> None:
    m = catalog.models[i % len(catalog.models)]
    if m.arch.type == "gpt-oss" and QUANT_LADDER[q + 1] == "F16":
        return  # gpt-oss's F16 GGUF keeps MXFP4 experts and is smaller than its Q8_0: true to the files
    b = Build("none")
    lo = estimate(m, QUANT_LADDER[q], ctx, b, with_max_ctx=False, with_speed=False).memory.total_bytes
    hi_bits = estimate(m, QUANT_LADDER[q + 1], ctx, b, with_max_ctx=False, with_speed=False).memory.total_bytes
    hi_ctx = estimate(m, QUANT_LADDER[q], ctx + more_ctx, b, with_max_ctx=False, with_speed=False).memory.total_bytes
    assert hi_bits >= lo and hi_ctx >= lo
    assert weights(m.arch, QUANT_LADDER[q + 1]).total >= weights(m.arch, QUANT_LADDER[q]).total


GPUS = ["RTX 3060 12GB", "RTX 3090", "RTX 4090", "RTX 5090", "A100 80GB SXM", "H100 SXM"]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    i=st.integers(0, 1000),
    g=st.sampled_from(GPUS),
    n=st.integers(1, 3),
    ram=st.sampled_from([16, 32, 64, 128]),
    extra_gpu=st.booleans(),
    extra_ram=st.integers(0, 256),
)
def test_more_memory_never_makes_a_fit_worse(
    catalog: Catalog, i: int, g: str, n: int, ram: int, extra_gpu: bool, extra_ram: int
) -> None:
    m = catalog.models[i % len(catalog.models)]
    base = planned_build(catalog, gpu=f"{n}x {g}" if n > 1 else g, ram=f"{ram}GB")
    bigger = planned_build(
        catalog, gpu=f"{n + int(extra_gpu)}x {g}" if n + int(extra_gpu) > 1 else g, ram=f"{ram + extra_ram}GB"
    )
    a = estimate(m, "Q4_K_M", 8192, base, with_max_ctx=False, with_speed=False).status
    b = estimate(m, "Q4_K_M", 8192, bigger, with_max_ctx=False, with_speed=False).status
    assert STATUS_ORDER[b] >= STATUS_ORDER[a], (m.id, a, b)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    i=st.integers(0, 1000),
    g=st.sampled_from([*GPUS, "mac"]),
    q=st.sampled_from(QUANT_LADDER),
    ctx=st.sampled_from([2048, 8192, 32768]),
    depth=st.integers(0, 32768),
)
def test_expected_speed_never_above_the_roofline(
    catalog: Catalog, i: int, g: str, q: str, ctx: int, depth: int
) -> None:
    m = catalog.models[i % len(catalog.models)]
    b = (
        planned_build(catalog, mac="M3 Ultra 80-core 512GB")
        if g == "mac"
        else planned_build(catalog, gpu=g, ram="64GB")
    )
    e = estimate(m, q, ctx, b, depth=depth, with_max_ctx=False)
    if e.speed is not None:
        s = e.speed
        assert 0 < s.decode_low <= s.decode_expected <= s.decode_high <= s.roofline + 1e-9


def test_a_model_runs_on_the_fewest_machines_that_hold_it(catalog: Catalog) -> None:
    """Issue 18: Qwen3-30B-A3B on 23 machines was spread over all of them (59 t/s instead of 166 on one)."""
    from llmtui.core.build import planned_build
    from llmtui.core.estimate import estimate
    from llmtui.core.launch import llama_cpp

    m = catalog.model("qwen3-30b-a3b")
    assert m is not None
    one = estimate(m, "Q4_K_M", 8192, planned_build(catalog, gpu="RTX 4090", ram="64GB"))
    many = estimate(m, "Q4_K_M", 8192, planned_build(catalog, gpu="RTX 4090", ram="64GB", machines=23))
    gpus = [d for d in many.devices if d.kind == "gpu"]
    assert many.machines == 1 and len(gpus) == 1 and any("runs on one of the 23" in n for n in many.notes)
    assert one.speed and many.speed and many.speed.decode_expected == one.speed.decode_expected
    assert "--rpc" not in llama_cpp(many, planned_build(catalog, gpu="RTX 4090", machines=23)).text()
    big = catalog.model("llama-3.3-70b-instruct")
    assert big is not None
    three = estimate(big, "Q4_K_M", 8192, planned_build(catalog, gpu="RTX 4090", ram="64GB", machines=3))
    assert three.machines == 2 and any("runs on 2 of the 3 machines" in n for n in three.notes)


def test_the_planners_use_case_bests_are_the_leaderboards_presets(catalog: Catalog, rtx4090) -> None:  # type: ignore[no-untyped-def]
    """Issue 18: the planner's 'Long documents' used 8K speeds; each best is now the first row the
    preset shows on the leaderboard, at the preset's own context."""
    from llmtui.core.estimate import estimate
    from llmtui.core.leaderboard import rows
    from llmtui.core.plan import preset_rows, summarize

    base = rows(catalog, rtx4090, quant="Q4_K_M", ctx=8192)
    per = preset_rows(catalog, rtx4090, quant="Q4_K_M", ctx=8192, kv_type="f16", engine="llama.cpp", known=base)
    summary = summarize(rtx4090, base, per)
    long_best = next(b for b in summary.best if b.label.startswith("Long documents"))
    model = next(m for m in catalog.models if m.name == long_best.model)
    at32k = estimate(model, "Q4_K_M", 32768, rtx4090, with_max_ctx=False)
    assert at32k.speed is not None and long_best.tps == pytest.approx(at32k.speed.decode_expected)
    assert per["long"] is not per["chat"] and per["chat"] is per["creative"]  # one computation per (score, ctx)


def test_the_readmes_cross_validated_speed_figures_are_the_current_ones(catalog: Catalog) -> None:
    """The README's table of leave-one-source-out figures, by category, is what the data and model give now."""
    import re
    from pathlib import Path

    from tests.bench.calibrate import category_rows, cross_validate, observations

    obs, _ = observations(catalog)
    held = cross_validate(obs)
    assert len(held) == len(obs)  # every run predicted by a fit that never saw its source
    assert not any(h.above_roof for h in held)  # no expected value above its roofline
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    table = readme[readme.index("<!-- speed-cv -->") : readme.index("<!-- /speed-cv -->")]
    shown = {}
    for m in re.finditer(
        r"^\| (\S[^|]*?) \| (\d+) \| ([\d.]+)% \| ([\d.]+)% \| (\d+)% \| (\d+) \| ([\d.]+%|-) \|", table, re.M
    ):
        shown[m.group(1)] = m.groups()[1:]
    computed = {
        cat: (
            str(n),
            f"{med * 100:.1f}",
            f"{p90 * 100:.1f}",
            f"{inside * 100:.0f}",
            str(npp),
            "-" if pmed is None else f"{pmed * 100:.1f}%",
        )
        for cat, n, med, p90, inside, npp, pmed in category_rows(held)
    }
    assert shown == computed


def test_models_of_one_architecture_are_estimated_once(catalog: Catalog, model_calls) -> None:  # type: ignore[no-untyped-def]
    """The leaderboard estimates a model and its copies (a fine-tune of the same architecture, listed
    under another name and score) once, and gives each row the same figures with its own score."""
    from dataclasses import replace as dc_replace

    from llmtui.core import leaderboard
    from llmtui.core.catalog.types import Catalog as Cat

    base = catalog.model("qwen3-8b")
    assert base is not None
    copies = [dc_replace(base, id=f"tune-{i}", name=f"Tune {i}", scores=()) for i in range(5)]
    small = Cat(models=[base, *copies], devices=catalog.devices)
    calls = model_calls(leaderboard, "model_row")
    out = leaderboard.rows(small, planned_build(catalog, gpu="RTX 4090", ram="64GB"))
    assert calls == ["qwen3-8b"]
    assert [r.model.id for r in out] == ["qwen3-8b", *(c.id for c in copies)]
    assert {(r.memory_bytes, r.status, r.decode_tps, r.best_quant) for r in out} == {
        (out[0].memory_bytes, out[0].status, out[0].decode_tps, out[0].best_quant)
    }
    assert out[0].score is not None and all(r.score is None for r in out[1:])
