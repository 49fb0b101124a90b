"""NVIDIA detection through a fake pynvml: every topology and every NVML failure mode."""

from __future__ import annotations

from pathlib import Path

import pytest

from llmtui.core.catalog import Catalog
from llmtui.core.hardware import Probes, detect
from llmtui.core.hardware.nvidia import INIT_ADVICE, probe_nvidia
from tests.fixtures import fake_nvml as fn
from tests.fixtures.fake_roots import linux_host, make_roots


def machine(tmp_path: Path, catalog: Catalog, spec: fn.Spec, env: dict[str, str] | None = None, timeout: float = 5.0):  # type: ignore[no-untyped-def]
    roots = make_roots(tmp_path, linux_host(), env=env)
    return detect(catalog, Probes(roots=roots, nvml=fn.make(spec), timeout=timeout))


def test_single_gpu(tmp_path: Path, catalog: Catalog) -> None:
    m = machine(tmp_path, catalog, fn.Spec([fn.rtx4090()]))
    assert len(m.build.gpus) == 1
    g = m.build.gpus[0]
    assert g.catalog_id == "rtx-4090"
    assert g.memory_bytes == 24 * fn.GiB and g.free_bytes == 23 * fn.GiB
    assert g.bandwidth_gbs == 1008
    d = m.gpus[0]
    assert d.pci_id == "10de:2684" and d.compute_capability == "8.9" and d.power_limit_w == 450
    assert m.info["driver"] == "580.95.05" and m.info["cuda"] == "13.0"
    assert not m.warnings


def test_eight_identical_gpus(tmp_path: Path, catalog: Catalog) -> None:
    m = machine(tmp_path, catalog, fn.Spec([fn.h100(i) for i in range(8)]))
    assert len(m.build.gpus) == 8
    assert {g.catalog_id for g in m.build.gpus} == {m.gpus[0].catalog_id}
    assert m.gpus[0].catalog_id.startswith("h100")


def test_mixed_gpus(tmp_path: Path, catalog: Catalog) -> None:
    m = machine(tmp_path, catalog, fn.Spec([fn.rtx4090(), fn.rtx3090(1)]))
    assert [g.catalog_id for g in m.build.gpus] == ["rtx-4090", "rtx-3090"]
    assert m.build.describe().startswith("GeForce RTX 4090 + GeForce RTX 3090") or "RTX 3090" in m.build.describe()


def test_unknown_gpu_gets_bandwidth_from_nvml(tmp_path: Path, catalog: Catalog) -> None:
    gpu = fn.FakeGPU(name="NVIDIA Mystery 9000", pci_device_id=0xFFFF10DE, mem_clock_mhz=10000, bus_width=256)
    m = machine(tmp_path, catalog, fn.Spec([gpu]))
    g = m.build.gpus[0]
    assert g.catalog_id == ""
    assert g.bandwidth_gbs == pytest.approx(256 / 8 * 10000e6 * 2 / 1e9)
    assert "bus x" in g.bandwidth_source


def test_mig_instances(tmp_path: Path, catalog: Catalog) -> None:
    migs = [
        fn.FakeGPU(name="NVIDIA H100 80GB HBM3 MIG 3g.40gb", total=40 * fn.GiB, used=0, uuid=f"MIG-{k}")
        for k in range(2)
    ]
    m = machine(tmp_path, catalog, fn.Spec([fn.h100(0, mig=True, migs=migs)]))
    assert len(m.build.gpus) == 2
    assert all(g.memory_bytes == 40 * fn.GiB for g in m.build.gpus)
    parent_bw = catalog.device(m.gpus[0].catalog_id).bandwidth_gbs  # type: ignore[union-attr]
    assert m.build.gpus[0].bandwidth_gbs == pytest.approx(parent_bw * 0.5)


def test_mig_without_permission(tmp_path: Path, catalog: Catalog) -> None:
    spec = fn.Spec([fn.h100(0, mig=True, migs=[])])
    spec.call_errors[("nvmlDeviceGetMaxMigDeviceCount", 0)] = fn.NVML_ERROR_NO_PERMISSION
    m = machine(tmp_path, catalog, spec)
    assert any("no permission" in w for w in m.warnings)


def test_unified_memory_part_uses_host_memory(tmp_path: Path, catalog: Catalog) -> None:
    gb10 = fn.FakeGPU(name="NVIDIA GB10", memory_not_supported=True, pci_device_id=0x2E1210DE)
    m = machine(tmp_path, catalog, fn.Spec([gb10]))
    g = m.build.gpus[0]
    assert g.unified
    assert g.memory_bytes == 32768000 * 1024  # MemTotal from the fake /proc/meminfo
    assert any("unified memory" in w for w in m.warnings)


@pytest.mark.parametrize(
    "code,words",
    [
        (fn.NVML_ERROR_DRIVER_NOT_LOADED, "not loaded"),
        (fn.NVML_ERROR_LIB_RM_VERSION_MISMATCH, "reboot"),
        (fn.NVML_ERROR_UNKNOWN, "restart"),
        (fn.NVML_ERROR_NO_PERMISSION, "permission"),
        (fn.NVML_ERROR_GPU_IS_LOST, "lost"),
        (fn.NVML_ERROR_TIMEOUT, "time"),
    ],
)
def test_init_failures_become_one_sentence(tmp_path: Path, catalog: Catalog, code: int, words: str) -> None:
    m = machine(tmp_path, catalog, fn.Spec([fn.rtx4090()], init_error=code))
    assert not m.build.gpus
    nv = [w for w in m.warnings if w.startswith("NVIDIA:")]
    assert len(nv) == 1 and words in nv[0]
    assert m.host.ram_total_bytes  # the rest of detection still ran


def test_no_driver_library_is_quiet(tmp_path: Path, catalog: Catalog) -> None:
    """A machine without NVIDIA GPUs has no NVML library: that is normal, not a warning."""
    m = machine(tmp_path, catalog, fn.Spec([], init_error=fn.NVML_ERROR_LIBRARY_NOT_FOUND))
    assert not m.warnings and not m.build.gpus
    assert INIT_ADVICE[12]  # the sentence exists for `detect` when a GPU is on the bus


def test_gpu_lost_on_one_device_keeps_the_other(tmp_path: Path, catalog: Catalog) -> None:
    spec = fn.Spec([fn.rtx4090(), fn.rtx3090(1)])
    spec.call_errors[("nvmlDeviceGetHandleByIndex", 0)] = fn.NVML_ERROR_GPU_IS_LOST
    m = machine(tmp_path, catalog, spec)
    assert [g.catalog_id for g in m.build.gpus] == ["rtx-3090"]
    assert m.gpus[0].placeholder and "lost" in m.gpus[0].placeholder


def test_one_failing_field_is_unknown_not_fatal(tmp_path: Path, catalog: Catalog) -> None:
    spec = fn.Spec([fn.rtx4090()])
    spec.call_errors[("nvmlDeviceGetPowerManagementLimit", 0)] = fn.NVML_ERROR_NOT_SUPPORTED
    spec.call_errors[("nvmlDeviceGetMemoryBusWidth", 0)] = fn.NVML_ERROR_UNKNOWN
    m = machine(tmp_path, catalog, spec)
    assert m.gpus[0].power_limit_w is None
    assert m.build.gpus[0].bandwidth_gbs == 1008  # from the catalogue


def test_memory_info_v1_when_v2_is_missing(tmp_path: Path, catalog: Catalog) -> None:
    m = machine(tmp_path, catalog, fn.Spec([fn.rtx4090()], no_v2=True))
    assert m.build.gpus[0].memory_bytes == 24 * fn.GiB


@pytest.mark.parametrize(
    "visible,expected",
    [("1", ["rtx-3090"]), ("1,0", ["rtx-3090", "rtx-4090"]), ("GPU-3090", ["rtx-3090"]), ("", []), ("-1", [])],
)
def test_cuda_visible_devices(tmp_path: Path, catalog: Catalog, visible: str, expected: list[str]) -> None:
    m = machine(tmp_path, catalog, fn.Spec([fn.rtx4090(), fn.rtx3090(1)]), env={"CUDA_VISIBLE_DEVICES": visible})
    assert [g.catalog_id for g in m.build.gpus] == expected
    if not expected:
        assert any("hides every NVIDIA GPU" in w for w in m.warnings)


def test_hung_driver_does_not_block(tmp_path: Path, catalog: Catalog) -> None:
    import time

    t0 = time.perf_counter()
    m = machine(tmp_path, catalog, fn.Spec([fn.rtx4090()], init_hang=30), timeout=0.5)
    assert time.perf_counter() - t0 < 5
    assert any("did not answer" in w for w in m.warnings)
    assert m.host.ram_total_bytes


def test_shadowing_pynvml_is_rejected() -> None:
    """An old 'pynvml' package without nvmlInitWithFlags is not the official nvidia-ml-py."""
    import types

    from llmtui.core.hardware import nvidia

    fake = types.ModuleType("pynvml")
    import sys

    saved = sys.modules.get("pynvml")
    sys.modules["pynvml"] = fake
    real_check = nvidia.nvml_library_missing
    nvidia.nvml_library_missing = lambda: False  # type: ignore[assignment]  # as on a machine with the driver
    try:
        assert nvidia.load_pynvml() is None
        res = probe_nvidia(None, {})
        assert not res.ok and "shadowed" in res.raw["pynvml"]
    finally:
        nvidia.nvml_library_missing = real_check  # type: ignore[assignment]
        if saved is not None:
            sys.modules["pynvml"] = saved
        else:
            del sys.modules["pynvml"]


def test_no_nvml_library_is_answered_without_importing_pynvml(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """No libnvidia-ml.so.1: the same answer nvmlInit gives (code 12, no warning: normal without an
    NVIDIA driver), and pynvml is never imported; with the library, pynvml is used as before."""
    from llmtui.core.hardware import nvidia

    imported: list[str] = []
    monkeypatch.setattr(nvidia, "load_pynvml", lambda: imported.append("pynvml"))
    import ctypes

    monkeypatch.setattr(ctypes, "CDLL", _no_library)  # as on a machine without the NVIDIA driver
    res = probe_nvidia(None, {})
    assert not res.ok and res.raw["init_error"]["code"] == 12 and not res.warnings and imported == []
    monkeypatch.setattr(nvidia, "nvml_library_missing", lambda: False)
    res = probe_nvidia(None, {})
    assert imported == ["pynvml"] and "not importable" in res.raw["pynvml"]


def _no_library(name: str, *args, **kwargs):  # type: ignore[no-untyped-def]
    raise OSError(f"{name}: cannot open shared object file: No such file or directory")


def test_nvidia_card_without_working_driver_is_explained(tmp_path: Path, catalog: Catalog) -> None:
    files = linux_host(
        {"sys/class/drm/card0/device/vendor": "0x10de\n", "sys/class/drm/card0/device/device": "0x2684\n"}
    )
    roots = make_roots(tmp_path, files)
    spec = fn.Spec([], init_error=fn.NVML_ERROR_LIBRARY_NOT_FOUND)
    m = detect(catalog, Probes(roots=roots, nvml=fn.make(spec)))
    assert not m.build.gpus
    assert any("10de:2684" in w and "rtx-4090" in w for w in m.warnings)
