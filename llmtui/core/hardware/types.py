"""What detection finds, before it becomes a Build."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(slots=True)
class DetectedGPU:
    name: str
    vendor: str  # NVIDIA | AMD | Intel | Apple
    total_bytes: int | None
    free_bytes: int | None
    used_bytes: int | None = None
    index: int = 0
    uuid: str = ""
    pci_id: str = ""  # vendor:device, lowercase hex
    bus_id: str = ""
    unified: bool = False
    compute_capability: str = ""
    power_limit_w: float | None = None
    mem_clock_mhz: int | None = None
    bus_width_bits: int | None = None
    mig: str = ""  # "", "enabled", or the parent GPU's name for a MIG instance
    bandwidth_gbs: float | None = None
    bandwidth_source: str = ""
    fp16_tflops: float = 0.0
    catalog_id: str = ""
    usable_bytes: int | None = None  # Apple: the Metal working-set limit
    usable_note: str = ""
    placeholder: str = ""  # set when the device is present but could not be read (GPU lost...)
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(slots=True)
class GpuProcess:
    """A process holding GPU memory (NVML's compute and graphics process lists)."""

    pid: int
    gpu_index: int  # NVML index of the GPU
    gpu_name: str
    used_bytes: int | None  # None: NVML does not say (a container without the host's PID namespace)
    name: str = ""  # process name as NVML reports it
    command: str = ""  # its command line, secrets removed ("" when not readable)
    kind: str = "compute"  # compute | graphics

    def to_json(self) -> dict[str, Any]:
        return {
            "pid": self.pid,
            "gpu_index": self.gpu_index,
            "gpu": self.gpu_name,
            "memory_bytes": self.used_bytes,
            "name": self.name,
            "command": self.command,
            "kind": self.kind,
        }


@dataclass(slots=True)
class HostInfo:
    cpu_name: str = ""
    physical_cores: int | None = None
    logical_cores: int | None = None
    usable_cores: int | None = None
    cores_note: str = ""
    ram_total_bytes: int | None = None
    ram_available_bytes: int | None = None
    ram_note: str = ""
    swap_total_bytes: int | None = None
    cgroup_memory_limit: int | None = None
    cgroup_version: int | None = None
    container: bool = False
    container_hint: str = ""
    wsl: bool = False
    ssh: bool = False
    os: str = ""


@dataclass(slots=True)
class SourceResult:
    """What one probe returned: devices, sentences for the user, and raw values for `doctor`."""

    name: str
    gpus: list[DetectedGPU] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    raw: dict[str, Any] = field(default_factory=dict)
    info: dict[str, str] = field(default_factory=dict)
    ok: bool = True
    seconds: float = 0.0
