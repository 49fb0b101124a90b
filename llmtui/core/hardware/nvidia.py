"""NVIDIA GPUs through NVML (the nvidia-ml-py package's `pynvml` module).

Every call is wrapped: a field that fails becomes unknown with a note, a device that fails becomes a
placeholder row, and an init failure becomes one sentence saying what to do. The module is injected
so tests run a fake; CUDA_VISIBLE_DEVICES is honoured (NVML itself ignores it).
"""

from __future__ import annotations

import contextlib
import importlib
import sys
from collections.abc import Callable, Mapping
from types import ModuleType
from typing import Any

from .types import DetectedGPU, GpuProcess, SourceResult

MAX_PROCESSES = 256  # per GPU: more is a broken or hostile answer

# NVML return codes (nvml.h) -> what the user should do.
INIT_ADVICE = {
    12: "NVIDIA driver library not found (libnvidia-ml.so): no NVIDIA driver is installed, or a container was "
    "started without the GPU (docker run --gpus all)",
    9: "the NVIDIA kernel driver is not loaded: load it (sudo modprobe nvidia) or reinstall the driver",
    18: "the NVIDIA driver and its library disagree (driver/library version mismatch): reboot after a driver update",
    999: "NVML reported an unknown error: if this is a container, restart it; else reboot",
    4: "no permission to query the NVIDIA driver (common for MIG inside containers): run as a user with GPU access",
    15: "the GPU has fallen off the bus (GPU is lost): check the card, its power and the kernel log; reboot",
    22: "NVML is not supported by this driver installation",
    10: "the NVIDIA driver did not answer in time (timeout): the driver may be wedged; reboot",
    13: "the NVIDIA driver is too old for this NVML call: update the driver",
}
DEVICE_ADVICE = {
    15: "GPU is lost (fell off the bus): check the card and reboot",
    999: "unknown error reading this GPU: restart the container or reboot",
    4: "no permission to read this GPU",
    3: "not supported on this GPU",
    2: "invalid argument",
}
NOT_SUPPORTED = 3


NVML_LIBRARY = "libnvidia-ml.so.1"  # what pynvml loads first everywhere but Windows


def nvml_library_missing() -> bool:
    """The NVML library does not load, found the way pynvml's nvmlInit looks for it (outside Windows,
    whose search pynvml does itself) but without importing pynvml: a module of hundreds of ctypes
    structures, 15-50 ms of a start on a machine that has no NVIDIA driver at all."""
    if sys.platform.startswith("win"):
        return False
    import ctypes

    try:
        ctypes.CDLL(NVML_LIBRARY)
    except OSError:
        return True
    return False


def load_pynvml() -> ModuleType | None:
    try:
        mod = importlib.import_module("pynvml")
    except ImportError:
        return None
    # Another package (the old 'pynvml') can shadow nvidia-ml-py; the official one has nvmlInitWithFlags.
    return mod if hasattr(mod, "nvmlInitWithFlags") else None


def _code(err: BaseException) -> int:
    value = getattr(err, "value", None)
    return value if isinstance(value, int) else 999


def _text(value: Any) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)


def _visible_filter(env: Mapping[str, str]) -> list[str] | None:
    """CUDA_VISIBLE_DEVICES as a list of indices/UUIDs, or None when unset."""
    raw = env.get("CUDA_VISIBLE_DEVICES")
    if raw is None:
        return None
    items = [x.strip() for x in raw.split(",") if x.strip()]
    out: list[str] = []
    for x in items:
        if x.lstrip("-").isdigit() and int(x) < 0:
            break  # CUDA stops at the first invalid (negative) index
        out.append(x)
    return out


def probe_nvidia(nvml: ModuleType | None = None, env: Mapping[str, str] | None = None) -> SourceResult:
    res = SourceResult("nvidia")
    env = env if env is not None else {}
    if nvml is None:
        if nvml_library_missing():  # as nvmlInit would answer, without importing pynvml
            res.ok = False
            res.raw["init_error"] = {
                "code": 12,
                "text": f"NVML Shared Library Not Found ({NVML_LIBRARY} does not load)",
            }
            return res
        nvml = load_pynvml()
    if nvml is None:
        res.ok = False
        res.raw["pynvml"] = "not importable (nvidia-ml-py missing or shadowed)"
        return res
    error_cls = getattr(nvml, "NVMLError", Exception)
    try:
        nvml.nvmlInit()
    except error_cls as e:
        code = _code(e)
        res.ok = False
        res.raw["init_error"] = {"code": code, "text": str(e)}
        if code != 12:  # no library at all is normal on machines without NVIDIA GPUs
            res.warnings.append("NVIDIA: " + INIT_ADVICE.get(code, f"NVML failed to start ({e})"))
        return res
    try:
        _read(nvml, error_cls, res, env)
    finally:
        with contextlib.suppress(error_cls):
            nvml.nvmlShutdown()
    return res


def _read(nvml: Any, error_cls: type[BaseException], res: SourceResult, env: Mapping[str, str]) -> None:
    def call(fn: Callable[..., Any], *args: Any, what: str, notes: list[str] | None = None) -> Any:
        try:
            return fn(*args)
        except error_cls as e:
            code = _code(e)
            if notes is not None and code != NOT_SUPPORTED:
                notes.append(f"{what}: {DEVICE_ADVICE.get(code, str(e))}")
            res.raw.setdefault("field_errors", []).append({"call": what, "code": code})
            return None

    driver = call(nvml.nvmlSystemGetDriverVersion, what="driver version")
    cuda = call(getattr(nvml, "nvmlSystemGetCudaDriverVersion_v2", nvml.nvmlSystemGetCudaDriverVersion), what="cuda")
    if driver is not None:
        res.info["driver"] = _text(driver)
    if isinstance(cuda, int) and cuda > 0:
        res.info["cuda"] = f"{cuda // 1000}.{cuda % 1000 // 10}"
    count = call(nvml.nvmlDeviceGetCount, what="device count")
    res.raw["driver"] = res.info.get("driver")
    res.raw["cuda"] = res.info.get("cuda")
    res.raw["count"] = count
    if not count:
        if count is None:
            res.ok = False
            res.warnings.append("NVIDIA: the driver answered but could not count its GPUs")
        return
    visible = _visible_filter(env)
    devices = []
    for i in range(count):
        dev = _device(nvml, call, i)
        devices.append(dev)
        res.raw.setdefault("devices", []).append(dev.extra.get("raw", {}))
    if visible is not None:
        kept = []
        for v in visible:
            for d in devices:
                if (v.isdigit() and d.index == int(v)) or (d.uuid and d.uuid.startswith(v)):
                    kept.append(d)
                    break
                for mig in d.extra.get("migs", []):
                    if mig.uuid and mig.uuid.startswith(v):
                        kept.append(mig)
                        break
        res.info["visible"] = env.get("CUDA_VISIBLE_DEVICES", "")
        if not kept:
            res.warnings.append(
                f"CUDA_VISIBLE_DEVICES={env.get('CUDA_VISIBLE_DEVICES', '')!r} hides every NVIDIA GPU"
                " from CUDA programs"
            )
        res.gpus = kept
    else:
        for d in devices:
            migs = d.extra.get("migs", [])
            res.gpus.extend(migs if migs else [d])
    for d in res.gpus:
        for note in d.extra.get("notes", []):
            res.warnings.append(f"{d.name} (GPU {d.index}): {note}")


def _device(nvml: Any, call: Callable[..., Any], i: int) -> DetectedGPU:
    notes: list[str] = []
    raw: dict[str, Any] = {"index": i}
    handle = call(nvml.nvmlDeviceGetHandleByIndex, i, what=f"GPU {i}", notes=notes)
    if handle is None:
        d = DetectedGPU(
            f"NVIDIA GPU {i}", "NVIDIA", None, None, index=i, placeholder=notes[0] if notes else "unreadable"
        )
        d.extra["notes"] = notes
        d.extra["raw"] = raw
        return d
    name = call(nvml.nvmlDeviceGetName, handle, what="name", notes=notes)
    name = _text(name) if name is not None else f"NVIDIA GPU {i}"
    uuid = call(nvml.nvmlDeviceGetUUID, handle, what="uuid")
    pci = call(nvml.nvmlDeviceGetPciInfo, handle, what="PCI info")
    pci_id = bus_id = ""
    if pci is not None:
        dev_id = getattr(pci, "pciDeviceId", 0) or 0
        pci_id = f"{dev_id & 0xFFFF:04x}:{dev_id >> 16 & 0xFFFF:04x}"
        bus_id = _text(getattr(pci, "busId", "") or getattr(pci, "busIdLegacy", ""))
    mem = None
    v2 = getattr(nvml, "nvmlMemory_v2", None)
    if v2 is not None:
        mem = call(nvml.nvmlDeviceGetMemoryInfo, handle, v2, what="memory (v2)")
    if mem is None:
        mem = call(nvml.nvmlDeviceGetMemoryInfo, handle, what="memory", notes=notes)
    total = free = used = None
    unified = False
    if mem is not None and int(mem.total or 0) > 0:
        total, free, used = int(mem.total), int(mem.free), int(mem.used)
    elif not any(n.startswith("memory:") for n in notes):
        unified = True  # GB10 / Grace / Jetson: NotSupported or 0; the host memory is the GPU's
    # else: the driver failed to say (another error than NotSupported): the memory stays unknown
    cc = call(nvml.nvmlDeviceGetCudaComputeCapability, handle, what="compute capability")
    power = call(nvml.nvmlDeviceGetPowerManagementLimit, handle, what="power limit")
    clock = call(nvml.nvmlDeviceGetMaxClockInfo, handle, getattr(nvml, "NVML_CLOCK_MEM", 2), what="memory clock")
    width = call(getattr(nvml, "nvmlDeviceGetMemoryBusWidth", lambda h: None), handle, what="bus width")
    d = DetectedGPU(
        name=name,
        vendor="NVIDIA",
        total_bytes=total,
        free_bytes=free,
        used_bytes=used,
        index=i,
        uuid=_text(uuid) if uuid else "",
        pci_id=pci_id,
        bus_id=bus_id,
        unified=unified,
        compute_capability=f"{cc[0]}.{cc[1]}" if cc else "",
        power_limit_w=power / 1000 if isinstance(power, int | float) else None,
        mem_clock_mhz=clock if isinstance(clock, int) and clock > 0 else None,
        bus_width_bits=width if isinstance(width, int) and width > 0 else None,
    )
    if d.mem_clock_mhz and d.bus_width_bits:
        d.bandwidth_gbs = d.bus_width_bits / 8 * d.mem_clock_mhz * 1e6 * 2 / 1e9
        d.bandwidth_source = f"NVML: {d.bus_width_bits}-bit bus x {d.mem_clock_mhz} MHz max memory clock x 2"
    raw.update(
        name=name,
        uuid=d.uuid,
        pci_id=pci_id,
        bus_id=bus_id,
        total=total,
        free=free,
        used=used,
        cc=d.compute_capability,
        power_mw=power,
        mem_clock_mhz=clock,
        bus_width=width,
    )
    mig = call(getattr(nvml, "nvmlDeviceGetMigMode", lambda h: None), handle, what="MIG mode")
    if mig and mig[0]:
        d.mig = "enabled"
        d.extra["migs"] = _migs(nvml, call, handle, d, notes)
        raw["mig"] = [{"uuid": m.uuid, "total": m.total_bytes} for m in d.extra["migs"]]
    d.extra["processes"] = _processes(nvml, call, handle, d)
    raw["processes"] = [p.to_json() for p in d.extra["processes"]]
    d.extra["notes"] = notes
    d.extra["raw"] = raw
    return d


def _processes(nvml: Any, call: Callable[..., Any], handle: Any, d: DetectedGPU) -> list[GpuProcess]:
    """The processes holding memory on this GPU, with NVML's process names. A GPU or driver that does
    not list them (NotSupported, no permission) gives none; a process without a readable name keeps
    its pid."""
    out: list[GpuProcess] = []
    seen: set[tuple[int, str]] = set()
    for kind, fn_name in (
        ("compute", "nvmlDeviceGetComputeRunningProcesses"),
        ("graphics", "nvmlDeviceGetGraphicsRunningProcesses"),
    ):
        fn = getattr(nvml, fn_name, None)
        got = call(fn, handle, what=f"{kind} processes") if fn is not None else None
        if not isinstance(got, list | tuple):
            continue
        for p in got[:MAX_PROCESSES]:
            pid = getattr(p, "pid", None)
            if not isinstance(pid, int) or isinstance(pid, bool) or not 0 < pid < 1 << 31 or (pid, kind) in seen:
                continue
            seen.add((pid, kind))
            used = getattr(p, "usedGpuMemory", None)
            ok = isinstance(used, int) and not isinstance(used, bool) and 0 <= used < 1 << 50
            out.append(GpuProcess(pid, d.index, d.name, used if ok else None, kind=kind))
    name_of = getattr(nvml, "nvmlSystemGetProcessName", None)
    names: dict[int, str] = {}
    for p in out:
        if name_of is not None and p.pid not in names:
            got = call(name_of, p.pid, what="process name")
            names[p.pid] = _text(got) if isinstance(got, bytes | str) else ""
        p.name = names.get(p.pid, "")
    return out


def _migs(nvml: Any, call: Callable[..., Any], handle: Any, parent: DetectedGPU, notes: list[str]) -> list[DetectedGPU]:
    out: list[DetectedGPU] = []
    n = call(nvml.nvmlDeviceGetMaxMigDeviceCount, handle, what="MIG count", notes=notes) or 0
    for k in range(n):
        h = call(nvml.nvmlDeviceGetMigDeviceHandleByIndex, handle, k, what=f"MIG {k}")
        if h is None:
            continue
        mem = call(nvml.nvmlDeviceGetMemoryInfo, h, what=f"MIG {k} memory", notes=notes)
        uuid = call(nvml.nvmlDeviceGetUUID, h, what="MIG uuid")
        name = call(nvml.nvmlDeviceGetName, h, what="MIG name")
        total = int(mem.total) if mem is not None else None
        out.append(
            DetectedGPU(
                name=_text(name) if name else f"{parent.name} MIG {k}",
                vendor="NVIDIA",
                total_bytes=total,
                free_bytes=int(mem.free) if mem is not None else None,
                used_bytes=int(mem.used) if mem is not None else None,
                index=parent.index,
                uuid=_text(uuid) if uuid else "",
                pci_id=parent.pci_id,
                bus_id=parent.bus_id,
                compute_capability=parent.compute_capability,
                mig=parent.name,
                # A MIG slice gets a share of the memory bandwidth in proportion to its memory.
                bandwidth_gbs=None,
                extra={"parent_total": parent.total_bytes},
            )
        )
    if not out and n:
        notes.append("MIG is enabled but no MIG instance could be read (in a container, MIG needs privileges)")
    return out
