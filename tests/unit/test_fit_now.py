"""Fit on usable memory, not on momentary free memory (issue 18: "this machine's fit changes run to
run"), and "fits now" beside what is running, with what to stop (issue 19)."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from llmtui.core.build import Build, Holder, planned_build
from llmtui.core.catalog import Catalog
from llmtui.core.estimate import estimate
from llmtui.core.units import GiB


def detected(catalog: Catalog, gpu: str, *, free: int | None, ram_available: int | None, holders=()) -> Build:  # type: ignore[no-untyped-def]
    """A planned build dressed as a detection of this moment: free GPU memory and available RAM."""
    b = planned_build(catalog, gpu=gpu, ram="64GB")
    return replace(
        b,
        gpus=tuple(replace(g, free_bytes=free) for g in b.gpus),
        ram_available_bytes=ram_available,
        source="detected",
        holders=tuple(holders),
    )


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    free=st.integers(min_value=0, max_value=24 * GiB),
    avail=st.integers(min_value=0, max_value=64 * GiB),
    model=st.sampled_from(["qwen3-8b", "qwen3-32b", "llama-3.3-70b-instruct", "qwen3-30b-a3b"]),
)
def test_the_fit_does_not_follow_momentary_free_memory(catalog: Catalog, free: int, avail: int, model: str) -> None:
    """The same machine at two moments (another program holding more or less GPU memory and RAM) gets
    the same fit, the same placement and the same largest context; only `now` differs."""
    m = catalog.model(model)
    assert m is not None
    idle = estimate(m, "Q4_K_M", 16384, planned_build(catalog, gpu="RTX 4090", ram="64GB"))
    busy = estimate(m, "Q4_K_M", 16384, detected(catalog, "RTX 4090", free=free, ram_available=avail), with_now=True)
    assert (busy.status, busy.max_ctx, busy.n_gpu_layers, busy.n_cpu_moe) == (
        idle.status,
        idle.max_ctx,
        idle.n_gpu_layers,
        idle.n_cpu_moe,
    )
    assert [d.usable_bytes for d in busy.devices] == [d.usable_bytes for d in idle.devices]
    assert busy.now is not None and busy.now.free_gpu_bytes == (free,)
    order = {"gpu": 3, "gpu+cpu": 2, "cpu": 1, "none": 0}
    assert order[busy.now.status] <= order[busy.status]  # less memory never fits better


def test_the_documented_headroom(catalog: Catalog) -> None:
    m = catalog.model("qwen3-8b")
    assert m is not None
    e = estimate(m, "Q4_K_M", 8192, detected(catalog, "RTX 4090", free=3 * GiB, ram_available=1 * GiB))
    gpu, cpu = e.devices
    assert gpu.usable_bytes == 24 * GiB - 1024 * 2**20  # an idle GPU less llama.cpp's 1 GiB margin
    assert gpu.usable_note == "total memory (an idle GPU), less 1024 MiB margin"
    assert cpu.usable_bytes == 64 * GiB - int(64 * GiB * 0.10)  # RAM less 10% (at least 2 GiB)
    vllm = estimate(m, "FP8", 8192, detected(catalog, "RTX 4090", free=3 * GiB, ram_available=None), engine="vllm")
    assert vllm.devices[0].usable_bytes == int(24 * GiB * 0.9)  # vLLM's gpu_memory_utilization


def test_fits_now_and_fits_if_you_stop(catalog: Catalog) -> None:
    """A shared H100: a training job holds 60 GiB and a llama-server 6 GiB. Qwen3-32B at Q8_0 fits the
    GPU, but not beside them; stopping the training job is enough, stopping the server is not."""
    m = catalog.model("qwen3-32b")
    assert m is not None
    holders = (
        Holder("python3 (pid 777)", (60 * GiB,), (777,)),
        Holder("llama.cpp at http://127.0.0.1:8080 (Qwen3-8B)", (6 * GiB,), (4242,)),
    )
    b = detected(catalog, "H100 SXM", free=80 * GiB - 67 * GiB, ram_available=40 * GiB, holders=holders)
    e = estimate(m, "Q8_0", 16384, b, with_now=True)
    assert e.status == "gpu" and e.now is not None
    assert e.now.status == "gpu+cpu" and e.now.held_bytes == 67 * GiB
    assert [(s.label, s.status) for s in e.now.stop] == [("python3 (pid 777)", "gpu")]
    assert e.now.sentence(e.status) == (
        "now: runs split between GPU and CPU RAM (67.0 GiB of GPU memory is held by others); "
        "fits on GPU if you stop python3 (pid 777)"
    )
    small = estimate(catalog.model("qwen3-8b"), "Q4_K_M", 8192, b, with_now=True)  # type: ignore[arg-type]
    assert small.now is not None and small.now.sentence(small.status) == "fits on GPU now, beside what is running"
    assert small.now.stop == ()
    d = e.to_json()["fit"]["now"]
    assert d["status"] == "gpu+cpu" and d["fits_if_you_stop"][0]["holder"] == "python3 (pid 777)"


def test_a_planned_build_or_a_profile_has_no_now(catalog: Catalog) -> None:
    m = catalog.model("qwen3-8b")
    assert m is not None
    e = estimate(m, "Q4_K_M", 8192, planned_build(catalog, gpu="RTX 4090", ram="64GB"), with_now=True)
    assert e.now is None and e.to_json()["fit"]["now"] is None
    saved = replace(detected(catalog, "RTX 4090", free=GiB, ram_available=GiB), source="profile:box")
    assert estimate(m, "Q4_K_M", 8192, saved, with_now=True).now is None  # its free memory is of another moment


def test_vllm_now_is_the_free_memory_when_less_than_its_share(catalog: Catalog) -> None:
    """vLLM refuses to start when gpu_memory_utilization x total is more than is free: `now` uses the
    free memory, the fit its share."""
    m = catalog.model("qwen3-8b")
    assert m is not None
    b = detected(catalog, "RTX 4090", free=10 * GiB, ram_available=None)
    e = estimate(m, "FP16", 4096, b, engine="vllm", with_now=True)
    assert e.status == "gpu" and e.now is not None and e.now.status == "none"


def test_estimate_on_a_shared_gpu_server(
    tmp_path: Path, catalog: Catalog, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """End to end: detection (fake NVML, fake llama-server, fake /proc) -> `llmtui estimate` on this
    machine says what fits now and what to stop."""
    import llmtui.cli.estimate_cmd as estimate_cmd
    from llmtui.cli import run
    from tests.unit.test_running import LLAMA_PROPS, LLAMA_SLOTS, gpu_server, server

    with server({"/props": LLAMA_PROPS, "/slots": LLAMA_SLOTS}) as llama:
        machine = gpu_server(tmp_path, catalog, llama)
    # this machine, as detection found it (only the estimate command's own reference is replaced)
    monkeypatch.setattr(estimate_cmd, "resolve_build", lambda args, cat: machine.build)
    assert run(["estimate", "--model", "qwen3-32b", "--quant", "Q8_0", "--ctx", "16384", "--json"]) == 0
    fit = json.loads(capsys.readouterr().out)["fit"]
    assert fit["status"] == "gpu" and fit["now"]["status"] != "gpu"
    assert fit["now"]["fits_if_you_stop"][0] == {
        "holder": "python3 (pid 777)",
        "frees_bytes": 60 * GiB,
        "status": "gpu",
    }
    assert run(["estimate", "--model", "qwen3-32b", "--quant", "Q8_0", "--ctx", "16384"]) == 0
    assert "fits on GPU if you stop python3 (pid 777)" in capsys.readouterr().out
