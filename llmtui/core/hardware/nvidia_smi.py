"""`nvidia-smi --query-gpu` output replayed as a pynvml module, so a machine seen only through
nvidia-smi (a remote host over ssh) goes through the same probe and the same error handling."""

from __future__ import annotations

import csv
import io
import re
import types
from typing import Any

FIELDS = (
    "index",
    "name",
    "uuid",
    "pci.device_id",
    "pci.bus_id",
    "memory.total",
    "memory.used",
    "memory.free",
    "compute_cap",
    "power.limit",
    "clocks.max.memory",
    "driver_version",
)
MiB = 1 << 20


class SmiError(Exception):
    def __init__(self, value: int) -> None:
        super().__init__(f"nvidia-smi: NVML error {value}")
        self.value = value


def _num(text: str, hi: float = 16 * 1024 * 1024) -> float | None:
    """A number nvidia-smi printed, through the trust boundary's parser: None for "[N/A]", "[Not
    Supported]" and anything out of range (a remote answer can hold any text)."""
    from ..boundary import InputError
    from ..boundary.numbers import number

    try:
        return number(text, "nvidia-smi", lo=0, hi=hi)
    except InputError:
        return None


def parse_rows(text: str) -> list[dict[str, str]]:
    rows = []
    for rec in csv.reader(io.StringIO(text)):
        if len(rec) != len(FIELDS):
            continue
        rows.append({k: v.strip() for k, v in zip(FIELDS, rec, strict=True)})
    return rows


APP_FIELDS = ("gpu_uuid", "pid", "process_name", "used_memory")


def parse_apps(text: str) -> list[dict[str, str]]:
    """`nvidia-smi --query-compute-apps=gpu_uuid,pid,process_name,used_memory` rows (at most 1024)."""
    rows = []
    for rec in csv.reader(io.StringIO(text[:1_000_000])):
        if len(rec) == len(APP_FIELDS) and rec[1].strip().isdigit() and len(rec[1].strip()) <= 10:
            rows.append({k: v.strip() for k, v in zip(APP_FIELDS, rec, strict=True)})
        if len(rows) >= 1024:
            break
    return rows


def module_from_smi(code: int, text: str, apps_text: str = "") -> types.ModuleType:
    """A pynvml stand-in. Exit 127 (no nvidia-smi) looks like NVML's 'library not found', any other
    failure like 'unknown error' (nvidia-smi prints the real reason, which doctor shows raw).
    `apps_text`: the compute-apps query's output, for the processes that hold GPU memory."""
    rows = parse_rows(text) if code == 0 else []
    apps = parse_apps(apps_text)
    m = types.ModuleType("pynvml")
    m.NVMLError = SmiError  # type: ignore[attr-defined]
    m.NVML_CLOCK_MEM = 2  # type: ignore[attr-defined]

    def init() -> None:
        if code == 127:
            raise SmiError(12)
        if code != 0:
            raise SmiError(999)

    def row(h: int) -> dict[str, str]:
        return rows[h]

    def mem(h: int, *version: Any) -> Any:
        r = row(h)
        total, used, free = (_num(r[k]) for k in ("memory.total", "memory.used", "memory.free"))
        if r["memory.total"].startswith("[") or total == 0:
            raise SmiError(3)  # unified-memory parts print [N/A]
        if total is None:
            raise SmiError(999)  # a figure that is no size (a broken or hostile answer)
        return types.SimpleNamespace(total=int(total * MiB), used=int((used or 0) * MiB), free=int((free or 0) * MiB))

    def pci(h: int) -> Any:
        dev = row(h)["pci.device_id"]
        ok = re.fullmatch(r"0x[0-9a-fA-F]{1,8}", dev)
        return types.SimpleNamespace(pciDeviceId=int(dev, 16) if ok else 0, busId=row(h)["pci.bus_id"])

    def cc(h: int) -> tuple[int, int]:
        major, _, minor = row(h)["compute_cap"].partition(".")
        if not re.fullmatch(r"\d{1,3}", major) or not re.fullmatch(r"\d{0,3}", minor):
            raise SmiError(3)
        return int(major), int(minor or 0)

    def power(h: int) -> int:
        w = _num(row(h)["power.limit"], hi=100_000)
        if w is None:
            raise SmiError(3)
        return int(w * 1000)

    def clock(h: int, kind: int) -> int:
        mhz = _num(row(h)["clocks.max.memory"], hi=1_000_000)
        if mhz is None:
            raise SmiError(3)
        return int(mhz)

    def not_supported(*args: Any) -> Any:
        raise SmiError(3)

    m.nvmlInit = init  # type: ignore[attr-defined]
    m.nvmlInitWithFlags = lambda flags: init()  # type: ignore[attr-defined]
    m.nvmlShutdown = lambda: None  # type: ignore[attr-defined]
    m.nvmlSystemGetDriverVersion = lambda: rows[0]["driver_version"] if rows else ""  # type: ignore[attr-defined]
    m.nvmlSystemGetCudaDriverVersion = not_supported  # type: ignore[attr-defined]
    m.nvmlDeviceGetCount = lambda: len(rows)  # type: ignore[attr-defined]
    m.nvmlDeviceGetHandleByIndex = lambda i: i  # type: ignore[attr-defined]
    m.nvmlDeviceGetName = lambda h: row(h)["name"]  # type: ignore[attr-defined]
    m.nvmlDeviceGetUUID = lambda h: row(h)["uuid"]  # type: ignore[attr-defined]
    m.nvmlDeviceGetPciInfo = pci  # type: ignore[attr-defined]
    m.nvmlDeviceGetMemoryInfo = mem  # type: ignore[attr-defined]
    m.nvmlDeviceGetCudaComputeCapability = cc  # type: ignore[attr-defined]
    m.nvmlDeviceGetPowerManagementLimit = power  # type: ignore[attr-defined]
    m.nvmlDeviceGetMaxClockInfo = clock  # type: ignore[attr-defined]
    m.nvmlDeviceGetMigMode = not_supported  # type: ignore[attr-defined]

    def processes(h: int) -> list[Any]:
        uuid = row(h)["uuid"]
        out = []
        for a in apps:
            if a["gpu_uuid"] == uuid:
                mib = _num(a["used_memory"])
                used = None if mib is None else int(mib * MiB)
                out.append(types.SimpleNamespace(pid=int(a["pid"]), usedGpuMemory=used))
        return out

    def process_name(pid: int) -> str:
        for a in apps:
            if int(a["pid"]) == pid:
                return a["process_name"]
        raise SmiError(6)

    m.nvmlDeviceGetComputeRunningProcesses = processes  # type: ignore[attr-defined]
    m.nvmlSystemGetProcessName = process_name  # type: ignore[attr-defined]
    return m
