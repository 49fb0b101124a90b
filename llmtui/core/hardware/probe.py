"""Run every detection source off the calling thread, each with a timeout, and make a Build.

A wedged driver can hang NVML or a command for minutes; a probe that does not answer in time is left
behind on a daemon thread and reported, so start-up never waits on it.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from types import ModuleType
from typing import TYPE_CHECKING, Any

from ..build import GPU, Build
from ..catalog.types import Catalog
from ..units import GiB
from .apple import probe_apple
from .drm import probe_drm
from .host import probe_host
from .match import enrich
from .nvidia import probe_nvidia
from .roots import Roots
from .types import DetectedGPU, GpuProcess, HostInfo, SourceResult

if TYPE_CHECKING:
    from .running import RunningModel

NO_NVML = object()


def _default_timeout() -> float:
    """Seconds a probe may take: LLMTUI_PROBE_TIMEOUT (0.1 to 600), else 5. A value outside that
    (inf would let a hung driver hold the app forever) is ignored for the default."""
    from ..boundary import InputError
    from ..boundary.numbers import seconds

    try:
        return seconds(os.environ.get("LLMTUI_PROBE_TIMEOUT", "5"), "LLMTUI_PROBE_TIMEOUT", hi=600)
    except InputError:
        return 5.0


@dataclass
class Probes:
    """The sources and what they read; tests replace any of them."""

    roots: Roots = field(default_factory=Roots)
    nvml: ModuleType | object | None = None  # None: import pynvml; NO_NVML: skip NVIDIA
    timeout: float = field(default_factory=_default_timeout)


@dataclass
class DetectedMachine:
    build: Build
    gpus: list[DetectedGPU]
    host: HostInfo
    warnings: list[str]
    sources: list[SourceResult]
    info: dict[str, str]
    seconds: float
    running: list[RunningModel] = field(default_factory=list)  # models inference servers hold now
    processes: list[GpuProcess] = field(default_factory=list)  # what holds GPU memory now (NVML)

    def to_json(self) -> dict[str, Any]:
        h = self.host
        return {
            "running": [m.to_json() for m in self.running],
            "gpu_processes": [p.to_json() for p in self.processes],
            "devices": [
                {
                    "name": g.name,
                    "vendor": g.vendor,
                    "memory_total_bytes": g.total_bytes,
                    "memory_free_bytes": g.free_bytes,
                    "memory_used_bytes": g.used_bytes,
                    "unified": g.unified,
                    "usable_bytes": g.usable_bytes,
                    "usable_basis": g.usable_note,
                    "pci_id": g.pci_id,
                    "bus_id": g.bus_id,
                    "uuid": g.uuid,
                    "compute_capability": g.compute_capability,
                    "power_limit_w": g.power_limit_w,
                    "mig": g.mig,
                    "bandwidth_gbs": None if g.bandwidth_gbs is None else round(g.bandwidth_gbs, 1),
                    "bandwidth_source": g.bandwidth_source,
                    "fp16_tflops": g.fp16_tflops or None,
                    "catalog_id": g.catalog_id or None,
                    "problem": g.placeholder or None,
                }
                for g in self.gpus
            ],
            "host": {
                "os": h.os,
                "cpu": h.cpu_name,
                "physical_cores": h.physical_cores,
                "logical_cores": h.logical_cores,
                "usable_cores": h.usable_cores,
                "usable_cores_basis": h.cores_note,
                "ram_total_bytes": h.ram_total_bytes,
                "ram_available_bytes": h.ram_available_bytes,
                "ram_basis": h.ram_note,
                "swap_total_bytes": h.swap_total_bytes,
                "cgroup_version": h.cgroup_version,
                "cgroup_memory_limit_bytes": h.cgroup_memory_limit,
                "container": h.container,
                "wsl": h.wsl,
                "ssh": h.ssh,
            },
            "gpu": bool(self.build.gpus),
            "driver": self.info,
            "warnings": self.warnings,
            "build": self.build.describe(),
            "ram_bandwidth_gbs": self.build.ram_bandwidth_gbs,
            "ram_bandwidth_basis": self.build.ram_bandwidth_note,
            "assumptions": self.build.assumptions(),
            "seconds": round(self.seconds, 3),
        }


class DetectionJob:
    """Detection started early (before the UI is imported) and collected later."""

    def __init__(self, catalog: Catalog, probes: Probes | None = None, *, servers: bool = True) -> None:
        self._done = threading.Event()
        self._result: DetectedMachine | None = None

        def run() -> None:
            self._result = detect(catalog, probes, servers=servers)
            self._done.set()

        threading.Thread(target=run, name="llmtui-detect", daemon=True).start()

    def result(self, timeout: float | None = None) -> DetectedMachine | None:
        self._done.wait(timeout)
        return self._result


def _timed(name: str, fn: Callable[[], SourceResult], timeout: float) -> SourceResult:
    box: list[SourceResult] = []
    err: list[BaseException] = []

    def target() -> None:
        try:
            box.append(fn())
        except Exception as e:  # a probe bug must not take detection down
            err.append(e)

    t0 = time.perf_counter()
    th = threading.Thread(target=target, name=f"llmtui-probe-{name}", daemon=True)
    th.start()
    th.join(timeout)
    elapsed = time.perf_counter() - t0
    if box:
        box[0].seconds = elapsed
        return box[0]
    res = SourceResult(name, ok=False, seconds=elapsed)
    if err:
        res.warnings.append(f"{name} probe failed: {type(err[0]).__name__}: {err[0]}")
        res.raw["exception"] = repr(err[0])
    else:
        res.warnings.append(f"{name} probe did not answer within {timeout:g} s (a hung driver?); continuing without it")
        res.raw["timeout"] = timeout
    return res


def detect(catalog: Catalog, probes: Probes | None = None, *, servers: bool = True) -> DetectedMachine:
    """This machine: every source side by side. servers=False leaves out asking the local inference
    servers (urllib and what it imports: ~40 ms): the app's first detection, whose figures do not
    depend on them; its next one, right after the first frame, asks them."""
    p = probes or Probes()
    r = p.roots
    t0 = time.perf_counter()
    jobs: dict[str, Callable[[], SourceResult]] = {
        "host": lambda: probe_host(r),
        "drm": lambda: probe_drm(r),
        "apple": lambda: probe_apple(r),
    }
    if p.nvml is not NO_NVML:
        nvml = p.nvml
        jobs["nvidia"] = lambda: probe_nvidia(nvml, r.env)  # type: ignore[arg-type]
    if servers:
        from .running import probe_servers  # urllib: imported only when detection runs

        jobs["servers"] = lambda: probe_servers(r.env, r.http)
    results: dict[str, SourceResult] = {}
    threads = []
    for name, fn in jobs.items():  # run the sources side by side, each with its own timeout
        th = threading.Thread(target=lambda n=name, f=fn: results.__setitem__(n, _timed(n, f, p.timeout)), daemon=True)
        th.start()
        threads.append(th)
    for th in threads:
        th.join(p.timeout + 1.0)
    for name in jobs:
        results.setdefault(name, SourceResult(name, ok=False, warnings=[f"{name} probe did not finish"]))
    return _assemble(catalog, results, time.perf_counter() - t0, r)


MAX_DETECTED_GPUS = 64
MAX_GPU_BYTES = 16 * 1024 * GiB  # far beyond any device: a larger figure is a broken or hostile answer
MAX_RAM_BYTES = 64_000 * GiB


def _bounded(value: int | None, hi: int, what: str, warnings: list[str]) -> int | None:
    """A detected size kept only when it is a sane positive number of bytes (0 and absurd values
    become unknown, with a warning), so a broken driver or a hostile remote answer cannot make a
    build, or a profile, that llmtui would then refuse to read back."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 0 < value <= hi:
        warnings.append(f"{what}: {value!r} bytes is not a plausible size; treated as unknown")
        return None
    return value


def _sanitize(gpus: list[DetectedGPU], host: HostInfo, warnings: list[str]) -> list[DetectedGPU]:
    """Detected text made safe to show (no control characters) and numbers made sane: this is
    where everything a driver, a file or a remote answer said enters llmtui."""
    from ..boundary.text import one_line

    if len(gpus) > MAX_DETECTED_GPUS:
        warnings.append(f"{len(gpus)} GPUs reported; only the first {MAX_DETECTED_GPUS} are used")
        gpus = gpus[:MAX_DETECTED_GPUS]
    for g in gpus:
        g.name = one_line(g.name, limit=120) or "unnamed GPU"
        g.vendor, g.uuid, g.bus_id = (
            one_line(g.vendor, limit=20),
            one_line(g.uuid, limit=80),
            one_line(g.bus_id, limit=40),
        )
        g.pci_id, g.compute_capability = one_line(g.pci_id, limit=20), one_line(g.compute_capability, limit=10)
        g.mig, g.placeholder, g.usable_note = (
            one_line(g.mig, limit=120),
            one_line(g.placeholder),
            one_line(g.usable_note),
        )
        g.bandwidth_source = one_line(g.bandwidth_source)
        g.total_bytes = _bounded(g.total_bytes, MAX_GPU_BYTES, f"{g.name} memory", warnings)
        top = g.total_bytes or MAX_GPU_BYTES
        g.free_bytes = _bounded(g.free_bytes, top, f"{g.name} free memory", warnings) if g.free_bytes else g.free_bytes
        g.used_bytes = _bounded(g.used_bytes, top, f"{g.name} used memory", warnings) if g.used_bytes else g.used_bytes
        g.usable_bytes = _bounded(g.usable_bytes, top, f"{g.name} usable memory", warnings)
        if g.power_limit_w is not None and not 0 < g.power_limit_w <= 10_000:
            g.power_limit_w = None
        if g.bandwidth_gbs is not None and not 0 < g.bandwidth_gbs <= 100_000:
            g.bandwidth_gbs = None
        if not 0 <= g.fp16_tflops <= 100_000:
            g.fp16_tflops = 0.0
    host.cpu_name = one_line(host.cpu_name, limit=120)
    host.ram_note, host.cores_note = one_line(host.ram_note), one_line(host.cores_note)
    host.container_hint, host.os = one_line(host.container_hint, limit=120), one_line(host.os, limit=120)
    host.ram_total_bytes = _bounded(host.ram_total_bytes, MAX_RAM_BYTES, "RAM", warnings)
    top = host.ram_total_bytes or MAX_RAM_BYTES
    if host.ram_available_bytes is not None and host.ram_available_bytes != 0:
        host.ram_available_bytes = _bounded(host.ram_available_bytes, top, "available RAM", warnings)
    if host.cgroup_memory_limit is not None:
        host.cgroup_memory_limit = _bounded(host.cgroup_memory_limit, MAX_RAM_BYTES, "cgroup memory limit", warnings)
    host.swap_total_bytes = (
        _bounded(host.swap_total_bytes, MAX_RAM_BYTES, "swap", []) if host.swap_total_bytes else None
    )
    for attr in ("physical_cores", "logical_cores", "usable_cores"):
        v = getattr(host, attr)
        if v is not None and (not isinstance(v, int) or not 0 < v <= 100_000):
            setattr(host, attr, None)
    return gpus


def _memory_type(catalog: Catalog, catalog_id: str) -> str:
    d = catalog.device(catalog_id) if catalog_id else None
    return d.memory_type if d is not None else ""


def _assemble(
    catalog: Catalog, results: dict[str, SourceResult], seconds: float, roots: Roots | None = None
) -> DetectedMachine:
    warnings: list[str] = []
    for res in results.values():
        warnings.extend(res.warnings)
    host = results["host"].raw.get("host") or HostInfo()
    nv = results.get("nvidia")
    drm = results["drm"]
    gpus: list[DetectedGPU] = []
    if nv is not None:
        gpus.extend(nv.gpus)
    nvml_ok = nv is not None and nv.ok
    for g in drm.gpus:
        if g.extra.get("nvml_only"):
            if not nvml_ok:
                enrich(catalog, g)
                label = f" ({g.catalog_id})" if g.catalog_id else ""
                g.placeholder = "present on the PCI bus, but NVML could not read it"
                warnings.append(
                    f"an NVIDIA GPU {g.pci_id}{label} is installed but its driver cannot be used:"
                    " estimates below are for the CPU only"
                )
                gpus.append(g)
            continue
        gpus.append(g)
    gpus.extend(results["apple"].gpus)
    gpus = _sanitize(gpus, host, warnings)
    for g in gpus:
        if not g.placeholder:
            enrich(catalog, g, g.extra.get("parent_total") if g.mig else None)
    build_gpus = []
    nvml_index: list[int | None] = []  # the NVML index of each build GPU (processes name GPUs by it)
    for g in gpus:
        if g.placeholder:
            continue
        total, free, note = g.total_bytes, g.free_bytes, g.usable_note
        if g.unified and g.vendor == "NVIDIA":
            total, free = host.ram_total_bytes, host.ram_available_bytes
            note = "unified memory: NVML reports none, so the host's available memory is used"
            warnings.append(f"{g.name}: {note}")
        if not total:
            warnings.append(f"{g.name}: memory size unknown; left out of estimates")
            continue
        if not g.bandwidth_gbs:
            warnings.append(f"{g.name}: memory bandwidth unknown (not in the catalogue); speed cannot be estimated")
        build_gpus.append(
            GPU(
                name=g.name,
                vendor=g.vendor,
                memory_bytes=total,
                bandwidth_gbs=g.bandwidth_gbs or 0.0,
                unified=g.unified,
                catalog_id=g.catalog_id,
                fp16_tflops=g.fp16_tflops,
                free_bytes=free if g.usable_bytes is None else None,
                usable_bytes=g.usable_bytes,
                usable_note=note,
                power_w=g.power_limit_w or 0.0,
                bandwidth_source=g.bandwidth_source,
                memory_type=_memory_type(catalog, g.catalog_id),
            )
        )
        nvml_index.append(g.index if g.vendor == "NVIDIA" and not g.mig and not g.unified else None)
    unified = [g for g in build_gpus if g.unified]
    ram_total = host.ram_total_bytes or 0
    if unified and unified[0].vendor == "Apple":
        ram_total = unified[0].memory_bytes
    if host.container and host.cgroup_memory_limit:
        warnings.append(f"running in a container limited to {host.cgroup_memory_limit / GiB:.1f} GiB of RAM")
    from .holders import attribute, holders, with_commands

    servers = results.get("servers")
    running = list(servers.raw.get("running", [])) if servers is not None else []
    processes = [p for g in gpus for p in g.extra.get("processes", [])]
    processes = with_commands(processes, roots or Roots())
    running = attribute(running, processes)
    build = Build(
        name="this machine",
        gpus=tuple(build_gpus),
        ram_bytes=ram_total,
        ram_available_bytes=host.ram_available_bytes,
        cpu_name=host.cpu_name,
        cpu_cores=host.usable_cores or host.logical_cores or 0,
        source="detected",
        holders=holders(processes, running, nvml_index),
    )
    info = dict(nv.info) if nv is not None else {}
    info.update(results["apple"].info)
    from ..boundary.text import one_line

    info = {one_line(k, limit=60): one_line(v, limit=200) for k, v in info.items()}
    warnings = [one_line(w, limit=400) for w in warnings]
    return DetectedMachine(build, gpus, host, warnings, list(results.values()), info, seconds, running, processes)
