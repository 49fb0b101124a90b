"""Host, container, AMD/Intel sysfs and Apple detection against fake roots and command outputs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from llmtui.core.catalog import Catalog
from llmtui.core.hardware import Probes, detect
from llmtui.core.hardware.apple import parse_gpu_cores
from llmtui.core.hardware.host import probe_host
from llmtui.core.hardware.probe import NO_NVML
from tests.fixtures.fake_roots import GiB, linux_host, make_roots


def run_detect(roots, catalog: Catalog):  # type: ignore[no-untyped-def]
    return detect(catalog, Probes(roots=roots, nvml=NO_NVML))


def test_plain_linux_host(tmp_path: Path, catalog: Catalog) -> None:
    m = run_detect(make_roots(tmp_path, linux_host()), catalog)
    h = m.host
    assert h.cpu_name == "AMD Ryzen 7 7700X 8-Core Processor"
    assert h.logical_cores == 16 and h.physical_cores == 8
    assert h.ram_total_bytes == 32768000 * 1024 and h.ram_available_bytes == 30000000 * 1024
    assert not h.container and not m.build.gpus
    assert m.to_json()["gpu"] is False


def test_cgroup_v2_limits_memory_and_cpus(tmp_path: Path, catalog: Catalog) -> None:
    files = linux_host(
        {
            "proc/self/cgroup": "0::/docker/abc\n",
            "sys/fs/cgroup/cgroup.controllers": "cpu memory\n",
            "sys/fs/cgroup/docker/abc/memory.max": f"{8 * GiB}\n",
            "sys/fs/cgroup/docker/abc/memory.current": f"{2 * GiB}\n",
            "sys/fs/cgroup/docker/abc/cpu.max": "200000 100000\n",
            ".dockerenv": "",
        }
    )
    m = run_detect(make_roots(tmp_path, files), catalog)
    h = m.host
    assert h.cgroup_version == 2
    assert h.ram_total_bytes == 8 * GiB and h.ram_available_bytes == 6 * GiB
    assert h.usable_cores == 2 and "cpu.max" in h.cores_note
    assert h.container
    assert m.build.ram_bytes == 8 * GiB and m.build.ram_available_bytes == 6 * GiB
    assert any("container limited to 8.0 GiB" in w for w in m.warnings)


def test_cgroup_v2_limit_found_at_the_root_inside_a_namespace(tmp_path: Path) -> None:
    files = linux_host({"sys/fs/cgroup/cgroup.controllers": "memory\n", "sys/fs/cgroup/memory.max": f"{4 * GiB}\n"})
    res = probe_host(make_roots(tmp_path, files))
    assert res.raw["host"].ram_total_bytes == 4 * GiB


def test_cgroup_v2_unlimited(tmp_path: Path) -> None:
    files = linux_host({"sys/fs/cgroup/cgroup.controllers": "memory\n", "sys/fs/cgroup/memory.max": "max\n"})
    h = probe_host(make_roots(tmp_path, files)).raw["host"]
    assert h.ram_total_bytes == 32768000 * 1024 and h.cgroup_memory_limit is None


def test_cgroup_v1_limit(tmp_path: Path) -> None:
    files = linux_host(
        {
            "proc/self/cgroup": "4:memory:/kubepods/pod1\n3:cpu,cpuacct:/kubepods/pod1\n0::/\n",
            "sys/fs/cgroup/memory/kubepods/pod1/memory.limit_in_bytes": f"{16 * GiB}\n",
            "sys/fs/cgroup/memory/kubepods/pod1/memory.usage_in_bytes": f"{1 * GiB}\n",
            "sys/fs/cgroup/cpu,cpuacct/kubepods/pod1/cpu.cfs_quota_us": "400000\n",
            "sys/fs/cgroup/cpu,cpuacct/kubepods/pod1/cpu.cfs_period_us": "100000\n",
            "proc/1/cgroup": "4:memory:/kubepods/pod1\n",
        }
    )
    h = probe_host(make_roots(tmp_path, files)).raw["host"]
    assert h.cgroup_version == 1
    assert h.ram_total_bytes == 16 * GiB and h.ram_available_bytes == 15 * GiB
    assert h.usable_cores == 4
    assert h.container and h.container_hint == "/proc/1/cgroup"


def test_cgroup_v1_unlimited_value(tmp_path: Path) -> None:
    files = linux_host(
        {
            "proc/self/cgroup": "4:memory:/\n",
            "sys/fs/cgroup/memory/memory.limit_in_bytes": "9223372036854771712\n",
        }
    )
    h = probe_host(make_roots(tmp_path, files)).raw["host"]
    assert h.cgroup_memory_limit is None and h.ram_total_bytes == 32768000 * 1024


def test_wsl_and_ssh_flags(tmp_path: Path) -> None:
    files = linux_host({"proc/sys/kernel/osrelease": "5.15.153.1-microsoft-standard-WSL2\n"})
    h = probe_host(make_roots(tmp_path, files, env={"SSH_CONNECTION": "10.0.0.2 5000 10.0.0.1 22"})).raw["host"]
    assert h.wsl and h.ssh


def test_missing_proc_is_reported_not_fatal(tmp_path: Path, catalog: Catalog) -> None:
    m = run_detect(make_roots(tmp_path, {}), catalog)
    assert m.host.ram_total_bytes is None
    assert any("meminfo" in w for w in m.warnings)


def _amd_card(n: int, device: str, vram: int, gtt: int) -> dict[str, str]:
    base = f"sys/class/drm/card{n}/device/"
    return {
        base + "vendor": "0x1002\n",
        base + "device": f"0x{device}\n",
        base + "mem_info_vram_total": f"{vram}\n",
        base + "mem_info_vram_used": f"{vram // 10}\n",
        base + "mem_info_gtt_total": f"{gtt}\n",
        base + "mem_info_gtt_used": "0\n",
    }


def test_amd_discrete_gpu(tmp_path: Path, catalog: Catalog) -> None:
    dev = catalog.device("RX 7900 XTX")
    assert dev is not None and dev.pci_ids
    pci = dev.pci_ids[0].split(":")[1]
    files = linux_host(_amd_card(0, pci, 24 * GiB, 16 * GiB))
    m = run_detect(make_roots(tmp_path, files), catalog)
    g = m.build.gpus[0]
    assert g.catalog_id == dev.id and not g.unified
    assert g.memory_bytes == 24 * GiB and g.free_bytes == 24 * GiB - (24 * GiB) // 10
    assert g.bandwidth_gbs == dev.bandwidth_gbs


def test_amd_apu_uses_vram_plus_gtt(tmp_path: Path, catalog: Catalog) -> None:
    files = linux_host(_amd_card(1, "1586", 512 * 1024 * 1024, 96 * GiB))
    m = run_detect(make_roots(tmp_path, files), catalog)
    g = m.build.gpus[0]
    assert g.unified and g.memory_bytes == 512 * 1024 * 1024 + 96 * GiB
    assert "GTT" in m.gpus[0].usable_note


def test_intel_arc_with_local_memory_and_igpu_skipped(tmp_path: Path, catalog: Catalog) -> None:
    arc = catalog.device("Arc A770")
    assert arc is not None and arc.pci_ids
    files = linux_host(
        {
            "sys/class/drm/card0/device/vendor": "0x8086\n",
            "sys/class/drm/card0/device/device": "0x4680\n",  # an iGPU: no local memory
            "sys/class/drm/card1/device/vendor": "0x8086\n",
            "sys/class/drm/card1/device/device": f"0x{arc.pci_ids[0].split(':')[1]}\n",
            "sys/class/drm/card1/lmem_total_bytes": f"{16 * GiB}\n",
        }
    )
    m = run_detect(make_roots(tmp_path, files), catalog)
    assert [g.catalog_id for g in m.build.gpus] == [arc.id]


# Apple: outputs in the documented formats of `sysctl -n` and `system_profiler -json`.
SP_M4MAX = json.dumps(
    {"SPDisplaysDataType": [{"_name": "Apple M4 Max", "sppci_cores": "40", "sppci_model": "Apple M4 Max"}]}
)


def apple_runner(mem_gib: int, wired: str = "0", cores: str = SP_M4MAX, brand: str = "Apple M4 Max"):  # type: ignore[no-untyped-def]
    outputs = {
        ("sysctl", "-n", "machdep.cpu.brand_string"): brand,
        ("sysctl", "-n", "hw.memsize"): str(mem_gib * GiB),
        ("sysctl", "-n", "iogpu.wired_limit_mb"): wired,
        ("sysctl", "-n", "hw.physicalcpu"): "16",
        ("sysctl", "-n", "hw.logicalcpu"): "16",
        ("system_profiler", "SPDisplaysDataType", "-json"): cores,
        ("vm_stat",): "Mach Virtual Memory Statistics: (page size of 16384 bytes)\nPages free: 100000.\n",
    }

    def run(cmd: list[str], timeout: float) -> tuple[int, str]:
        out = outputs.get(tuple(cmd))
        return (0, out + "\n") if out is not None else (1, "")

    return run


def test_apple_m4_max_default_limit(tmp_path: Path, catalog: Catalog) -> None:
    m = run_detect(make_roots(tmp_path, {}, platform="darwin", run=apple_runner(128)), catalog)
    g = m.build.gpus[0]
    assert g.unified and g.catalog_id == "m4-max-40c" and g.bandwidth_gbs == 546
    assert g.usable_bytes == 96 * GiB and "3/4" in g.usable_note
    assert m.build.ram_bytes == 128 * GiB
    assert m.host.cpu_name == "Apple M4 Max" and m.host.ram_available_bytes == 100000 * 16384


def test_apple_wired_limit_raised(tmp_path: Path, catalog: Catalog) -> None:
    m = run_detect(make_roots(tmp_path, {}, platform="darwin", run=apple_runner(128, wired="122880")), catalog)
    assert m.build.gpus[0].usable_bytes == 120 * GiB


def test_apple_small_mac_two_thirds(tmp_path: Path, catalog: Catalog) -> None:
    sp = json.dumps({"SPDisplaysDataType": [{"sppci_cores": "10"}]})
    m = run_detect(
        make_roots(tmp_path, {}, platform="darwin", run=apple_runner(16, cores=sp, brand="Apple M4")), catalog
    )
    g = m.build.gpus[0]
    assert g.usable_bytes == pytest.approx(16 * GiB * 2 / 3, abs=1)


def test_apple_system_profiler_failure_is_a_warning(tmp_path: Path, catalog: Catalog) -> None:
    m = run_detect(make_roots(tmp_path, {}, platform="darwin", run=apple_runner(64, cores="")), catalog)
    assert m.build.gpus and any("system_profiler" in w for w in m.warnings)


def test_parse_gpu_cores_text_fallback() -> None:
    assert parse_gpu_cores("Chipset Model: Apple M2 Ultra\n  Total Number of Cores: 76\n") == 76
    assert parse_gpu_cores("{}") is None
