"""The knobs an estimate takes for granted otherwise: the backend, the host RAM, a GPU by its numbers;
shown as assumptions where they are assumed; kept in profiles."""

from __future__ import annotations

import json

import pytest

from llmtui.cli import run
from llmtui.core.build import BuildError, MachineCalibration, planned_build, with_knobs
from llmtui.core.catalog import Catalog
from llmtui.core.estimate import estimate
from llmtui.core.profiles import Profile, load_profile, save_profile, with_saved_calibration


def cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = run(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_ram_bandwidth_and_platform_move_a_cpu_estimate(catalog: Catalog) -> None:
    m = catalog.model("llama-3.1-8b-instruct")
    assert m is not None
    base = planned_build(catalog, ram="64GB")
    assert any("assumed dual-channel DDR5-5600" in a for a in base.assumptions())
    slow = estimate(m, "Q4_K_M", 4096, base, depth=0).speed
    fast_b = with_knobs(base, catalog, platform="EPYC 9004")
    fast = estimate(m, "Q4_K_M", 4096, fast_b, depth=0).speed
    assert slow and fast and fast_b.ram_bandwidth_gbs == 460.8 and fast_b.ram_class == "server"
    assert fast.roofline == pytest.approx(slow.roofline * 460.8 / 89.6, rel=1e-6)
    assert not any("RAM bandwidth" in a for a in fast_b.assumptions())
    given = with_knobs(base, catalog, ram_bandwidth="120")
    assert given.ram_bandwidth_gbs == 120 and given.ram_bandwidth_note == "given (--ram-bandwidth)"
    with pytest.raises(BuildError, match="ram-bandwidth"):
        with_knobs(base, catalog, ram_bandwidth="fast")


def test_backend_changes_the_estimate_and_a_wrong_one_is_refused(catalog: Catalog) -> None:
    m = catalog.model("qwen3-30b-a3b")
    assert m is not None
    b = planned_build(catalog, gpu="RTX 3090", ram="64GB")
    cuda = estimate(m, "Q4_K_M", 4096, b, depth=0).speed
    vk = estimate(m, "Q4_K_M", 4096, with_knobs(b, catalog, backend="vulkan"), depth=0).speed
    assert cuda and vk and cuda.decode_expected != vk.decode_expected
    assert any("Vulkan" in line for line in vk.basis) and not any("Vulkan" in line for line in cuda.basis)
    with pytest.raises(BuildError, match="does not drive GeForce RTX 3090"):
        with_knobs(b, catalog, backend="rocm")
    cpu = estimate(m, "Q4_K_M", 4096, with_knobs(b, catalog, backend="cpu"), depth=0)
    assert cpu.status == "cpu"  # llama.cpp built for the CPU alone leaves the GPU unused


def test_custom_gpu_by_numbers(catalog: Catalog, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = cli(
        capsys,
        "estimate",
        "--model",
        "llama-3.1-8b-instruct",
        "--custom-gpu",
        "memory=16GB,bandwidth=500,fp16=60",
        "--json",
    )
    assert code == 0
    d = json.loads(out)
    assert d["build"] == "custom GPU (16 GB, 500 GB/s)" and d["fit"]["status"] == "gpu"
    assert d["speed"]["roofline_tps"] > 0 and d["speed"]["prefill_tps"] is not None
    assert any("described by numbers" in a for a in d["assumptions"])
    for bad, says in (("memory=16GB", "bandwidth"), ("memory=16GB,bandwidth=-1", "bandwidth"), ("ram=1", "not one of")):
        code, _, err = cli(capsys, "estimate", "--model", "llama-3.1-8b-instruct", "--custom-gpu", bad)
        assert code == 2 and says in err and err.count("\n") == 1


def test_cli_knob_errors_are_one_sentence(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = cli(
        capsys, "estimate", "--model", "llama-3.1-8b-instruct", "--gpu", "RTX 4090", "--backend", "metal"
    )
    assert code == 2 and "does not drive" in err
    code, _, err = cli(
        capsys, "estimate", "--model", "llama-3.1-8b-instruct", "--ram", "64GB", "--ram-platform", "DDR9"
    )
    assert code == 2 and "unknown RAM platform 'DDR9'" in err


def test_plan_with_a_backend_keeps_the_builds_it_drives(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = cli(
        capsys, "plan", "--model", "llama-3.1-8b-instruct", "--target-tps", "20", "--backend", "rocm", "--json"
    )
    assert code == 0
    plans = json.loads(out)
    assert plans and all(g["device"] and "GeForce" not in g["device"] for p in plans for g in p["prices"])
    assert all(any("ROCm" in b for b in p["estimate"]["speed"]["basis"]) for p in plans)


def test_profiles_keep_the_knobs_and_the_calibration(catalog: Catalog) -> None:
    b = with_knobs(planned_build(catalog, gpu="RTX 3090", ram="64GB"), catalog, backend="vulkan", platform="DDR5-6000")
    cal = MachineCalibration("vulkan", 0.9, 1.2, 3, "2026-11-30", 0.04, "llama-bench")
    save_profile(Profile("box", b.with_(calibration=cal)), catalog)
    p = load_profile("box", catalog)
    assert (p.build.backend, p.build.ram_platform, p.build.ram_bandwidth_gbs) == ("vulkan", "ddr5-6000-2ch", 96.0)
    assert p.build.calibration == cal and not p.build.ram_assumed


def test_a_detected_build_picks_up_this_machines_calibration(catalog: Catalog) -> None:
    detected = planned_build(catalog, gpu="RTX 4090", ram="64GB").with_(source="detected")
    cal = MachineCalibration("cuda", 0.8, None, 2, "2026-11-30")
    assert with_saved_calibration(detected, catalog).calibration is None  # nothing saved yet
    save_profile(Profile("this machine", detected.with_(calibration=cal)), catalog)
    assert with_saved_calibration(detected, catalog).calibration == cal
    other = planned_build(catalog, gpu="RTX 3090", ram="64GB").with_(source="detected")
    assert with_saved_calibration(other, catalog).calibration is None  # another machine's profile


def test_detect_says_what_it_assumes(capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = cli(capsys, "detect", "--json")
    d = json.loads(out)
    assert "assumptions" in d and d["ram_bandwidth_gbs"] > 0 and d["ram_bandwidth_basis"]
    _, out, _ = cli(capsys, "detect")
    if d["assumptions"]:
        assert "Assumed: " in out


def test_each_place_says_how_to_change_an_assumption_in_its_own_terms(catalog: Catalog) -> None:
    """The command line names its flags; the app and the planner name their own controls, not flags."""
    from llmtui.core.output import hardware_lines

    b = planned_build(catalog, gpu="RTX 4090", ram="64GB")
    cli, app, planner = b.assumptions(), b.assumptions("app"), b.assumptions("planner")
    assert any("--ram-bandwidth" in a for a in cli) and any("--backend" in a for a in cli)
    for said in (app, planner):
        assert said and not any("--" in a for a in said)
    assert any("RAM GB/s box" in a for a in planner) and any("(b changes it)" in a for a in planner)
    pane = " ".join(line.detail for line in hardware_lines(b, where="app"))
    assert "(the planner, w, changes it)" in pane and "--" not in pane
    from llmtui.core.hardware import detect

    machine = detect(catalog)  # this machine's pane (detected): the same wording
    here = " ".join(line.detail for line in hardware_lines(machine.build, machine, where="app"))
    assert "--ram-bandwidth" not in here and "--backend" not in here
