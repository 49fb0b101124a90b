"""The host: CPU, usable cores (affinity and cgroup quota), RAM clamped to the cgroup limit (v1 and
v2), swap, and whether we run in a container, on WSL, or over SSH."""

from __future__ import annotations

import os
from pathlib import Path

from .roots import Roots
from .types import HostInfo, SourceResult

V1_UNLIMITED = 0x7FFFFFFFFFFFF000  # cgroup v1 memory.limit_in_bytes when there is no limit


def _meminfo(text: str) -> dict[str, int]:
    out: dict[str, int] = {}
    for line in text.splitlines():
        key, _, rest = line.partition(":")
        parts = rest.split()
        if parts and parts[0].isdigit():
            out[key.strip()] = int(parts[0]) * (1024 if len(parts) > 1 and parts[1] == "kB" else 1)
    return out


def _cpu_name(text: str) -> str:
    for line in text.splitlines():
        key, _, value = line.partition(":")
        if key.strip() in ("model name", "Model", "Hardware", "cpu model"):
            return " ".join(value.split())
    return ""


def _cgroup_paths(text: str) -> tuple[str | None, str | None, str | None]:
    """(v2 path, v1 memory path, v1 cpu path) from /proc/self/cgroup."""
    v2 = mem = cpu = None
    for line in text.splitlines():
        parts = line.split(":", 2)
        if len(parts) != 3:
            continue
        _, controllers, path = parts
        if controllers == "":
            v2 = path
        names = controllers.split(",")
        if "memory" in names:
            mem = path
        if "cpu" in names:
            cpu = path
    return v2, mem, cpu


def _walk_up(base: Path, rel: str) -> list[Path]:
    """The cgroup directory for `rel` and its parents up to the mount point (inside a container's
    cgroup namespace the path is often '/', and the limit sits at the root)."""
    parts = [p for p in rel.strip("/").split("/") if p]
    out = []
    while True:
        out.append(base.joinpath(*parts))
        if not parts:
            return out
        parts.pop()


def cgroup_memory(roots: Roots) -> tuple[int | None, int | None, int | None, str]:
    """(limit, usage, version, note). limit None = no limit found."""
    text = roots.read(roots.proc / "self" / "cgroup") or ""
    v2, v1mem, _ = _cgroup_paths(text)
    fs = roots.sysfs / "fs" / "cgroup"
    if v2 is not None and (fs / "cgroup.controllers").exists():
        best: int | None = None
        usage: int | None = None
        for d in _walk_up(fs, v2):
            raw = roots.read(d / "memory.max")
            if raw is None:
                continue
            raw = raw.strip()
            if raw != "max" and raw.isdigit():
                limit = int(raw)
                if best is None or limit < best:
                    best = limit
                    usage = roots.read_int(d / "memory.current")
        return best, usage, 2, "cgroup v2 memory.max"
    if v1mem is not None:
        best_v1: int | None = None
        usage_v1: int | None = None
        for d in _walk_up(fs / "memory", v1mem):  # the effective limit is the smallest on the way up
            lim = roots.read_int(d / "memory.limit_in_bytes")
            if lim is not None and lim < V1_UNLIMITED and (best_v1 is None or lim < best_v1):
                best_v1, usage_v1 = lim, roots.read_int(d / "memory.usage_in_bytes")
        if best_v1 is None:
            return None, None, 1, "cgroup v1: no memory limit"
        return best_v1, usage_v1, 1, "cgroup v1 memory.limit_in_bytes"
    return None, None, None, ""


def cgroup_cpus(roots: Roots) -> tuple[float | None, str]:
    text = roots.read(roots.proc / "self" / "cgroup") or ""
    v2, _, v1cpu = _cgroup_paths(text)
    fs = roots.sysfs / "fs" / "cgroup"
    if v2 is not None and (fs / "cgroup.controllers").exists():
        for d in _walk_up(fs, v2):
            raw = roots.read(d / "cpu.max")
            if raw is None:
                continue
            quota, _, period = raw.strip().partition(" ")
            if quota != "max" and quota.isdigit() and period.isdigit() and int(period) > 0:
                return int(quota) / int(period), "cgroup v2 cpu.max"
        return None, ""
    if v1cpu is not None:
        for name in ("cpu", "cpu,cpuacct", "cpuacct,cpu"):
            for d in _walk_up(fs / name, v1cpu):
                q_us = roots.read_int(d / "cpu.cfs_quota_us")
                p_us = roots.read_int(d / "cpu.cfs_period_us")
                if q_us is not None and p_us:
                    if q_us > 0:
                        return q_us / p_us, "cgroup v1 cpu.cfs_quota_us"
                    return None, ""
    return None, ""


def probe_host(roots: Roots) -> SourceResult:
    res = SourceResult("host")
    h = HostInfo(os=roots.platform)
    if roots.platform == "darwin":
        _darwin(roots, h, res)
    else:
        _linux(roots, h, res)
    h.ssh = any(k in roots.env for k in ("SSH_CONNECTION", "SSH_CLIENT", "SSH_TTY"))
    res.raw["host"] = h
    return res


def _linux(roots: Roots, h: HostInfo, res: SourceResult) -> None:
    h.cpu_name = _cpu_name(roots.read(roots.proc / "cpuinfo") or "")
    info = _meminfo(roots.read(roots.proc / "meminfo") or "")
    h.ram_total_bytes = info.get("MemTotal")
    h.ram_available_bytes = info.get("MemAvailable", info.get("MemFree"))
    h.swap_total_bytes = info.get("SwapTotal")
    if h.ram_total_bytes is None:
        res.warnings.append("could not read /proc/meminfo: RAM unknown")
    limit, usage, version, note = cgroup_memory(roots)
    h.cgroup_version = version
    h.ram_note = "from /proc/meminfo"
    if limit is not None and limit < 64 * 1024 * 1024:
        res.warnings.append(f"the container's memory limit ({note}) of {limit} bytes is not plausible; ignored")
        limit = None
    if limit is not None and h.ram_total_bytes is not None and limit < h.ram_total_bytes:
        h.cgroup_memory_limit = limit
        h.ram_total_bytes = limit
        free_in_cgroup = limit - (usage or 0)
        if h.ram_available_bytes is None or free_in_cgroup < h.ram_available_bytes:
            h.ram_available_bytes = max(0, free_in_cgroup)
        h.ram_note = f"clamped to the container's {note}"
    cpuinfo = roots.read(roots.proc / "cpuinfo") or ""
    h.logical_cores = sum(1 for line in cpuinfo.splitlines() if line.startswith("processor")) or os.cpu_count()
    phys = set()
    pkg = core = None
    for line in cpuinfo.splitlines():
        key, _, value = line.partition(":")
        key = key.strip()
        if key == "physical id":
            pkg = value.strip()
        elif key == "core id":
            core = value.strip()
            phys.add((pkg, core))
    h.physical_cores = len(phys) or None
    usable = h.logical_cores
    notes = []
    if roots.proc == Path("/proc") and hasattr(os, "sched_getaffinity"):
        n = len(os.sched_getaffinity(0))
        if usable is None or n < usable:
            usable, notes = n, ["CPU affinity"]
    quota, qnote = cgroup_cpus(roots)
    if quota is not None and (usable is None or quota < usable):
        usable = max(1, int(quota))
        notes = [f"{qnote} = {quota:g} CPUs"]
    h.usable_cores = usable
    h.cores_note = ", ".join(notes)
    dockerenv = (roots.root / ".dockerenv").exists() or (roots.root / "run" / ".containerenv").exists()
    init_cgroup = roots.read(roots.proc / "1" / "cgroup") or ""
    hint = ""
    if dockerenv:
        hint = "/.dockerenv or /run/.containerenv"
    elif any(k in init_cgroup for k in ("docker", "kubepods", "containerd", "lxc", "libpod")):
        hint = "/proc/1/cgroup"
    elif roots.env.get("container"):
        hint = f"container={roots.env['container']}"
    h.container, h.container_hint = bool(hint), hint
    osrelease = (roots.read(roots.proc / "sys" / "kernel" / "osrelease") or "").lower()
    h.wsl = "microsoft" in osrelease or "wsl" in osrelease
    res.raw["meminfo"] = {k: info.get(k) for k in ("MemTotal", "MemAvailable", "SwapTotal")}
    res.raw["cgroup"] = {"version": version, "limit": limit, "usage": usage}


def _darwin(roots: Roots, h: HostInfo, res: SourceResult) -> None:
    def sysctl(key: str) -> str | None:
        code, out = roots.run(["sysctl", "-n", key], 3.0)
        return out.strip() if code == 0 and out.strip() else None

    h.cpu_name = sysctl("machdep.cpu.brand_string") or ""
    mem = sysctl("hw.memsize")
    h.ram_total_bytes = int(mem) if mem and mem.isdigit() else None
    h.physical_cores = _int(sysctl("hw.physicalcpu"))
    h.logical_cores = _int(sysctl("hw.logicalcpu"))
    h.usable_cores = h.logical_cores
    code, out = roots.run(["vm_stat"], 3.0)
    if code == 0:
        h.ram_available_bytes = _vm_stat_available(out)
    h.ram_note = "from sysctl hw.memsize and vm_stat"
    res.raw["sysctl"] = {"hw.memsize": mem, "brand": h.cpu_name}


def _int(text: str | None) -> int | None:
    return int(text) if text and text.isdigit() else None


def _vm_stat_available(text: str) -> int | None:
    page = 16384
    values: dict[str, int] = {}
    for line in text.splitlines():
        if "page size of" in line:
            digits = [w for w in line.split() if w.isdigit()]
            if digits:
                page = int(digits[0])
            continue
        key, _, value = line.partition(":")
        value = value.strip().rstrip(".")
        if value.isdigit():
            values[key.strip()] = int(value)
    pages = sum(values.get(k, 0) for k in ("Pages free", "Pages inactive", "Pages speculative", "Pages purgeable"))
    return pages * page if values else None
