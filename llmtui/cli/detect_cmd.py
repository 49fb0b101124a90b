"""llmtui detect and llmtui doctor."""

from __future__ import annotations

import argparse
import dataclasses
import json
import platform
import sys
from typing import Any

from . import exitcodes
from .common import catalog


def _detect(args: argparse.Namespace) -> Any:
    from ..core.hardware import Probes, detect

    return detect(catalog(), Probes(timeout=args.timeout) if args.timeout is not None else Probes())


def detect_text(m: Any) -> str:
    from ..core.units import GiB

    h = m.host
    lines = []
    if not m.build.gpus:
        lines.append("GPU: none usable found (estimates use the CPU and RAM)")
    for g in m.gpus:
        if g.placeholder:
            lines.append(f"GPU: {g.name} — {g.placeholder}")
            continue
        mem = "memory unknown" if g.total_bytes is None else f"{g.total_bytes / GiB:.1f} GiB"
        free = "" if g.free_bytes is None else f", {g.free_bytes / GiB:.1f} GiB free"
        usable = "" if g.usable_bytes is None else f", {g.usable_bytes / GiB:.1f} GiB usable ({g.usable_note})"
        bw = "bandwidth unknown" if not g.bandwidth_gbs else f"{g.bandwidth_gbs:.0f} GB/s ({g.bandwidth_source})"
        kind = " unified" if g.unified else ""
        lines.append(f"GPU: {g.name} — {mem}{kind}{free}{usable}; {bw}")
    for k, v in m.info.items():
        lines.append(f"  {k}: {v}")
    ram = "unknown" if h.ram_total_bytes is None else f"{h.ram_total_bytes / GiB:.1f} GiB"
    avail = "" if h.ram_available_bytes is None else f", {h.ram_available_bytes / GiB:.1f} GiB available"
    lines.append(f"RAM: {ram}{avail} ({h.ram_note})")
    cores = f"{h.usable_cores} usable" if h.usable_cores else "cores unknown"
    if h.physical_cores:
        cores += f" of {h.physical_cores} physical / {h.logical_cores} logical"
    if h.cores_note:
        cores += f" ({h.cores_note})"
    lines.append(f"CPU: {h.cpu_name or 'unknown'} — {cores}")
    flags = [name for name, on in (("container", h.container), ("WSL", h.wsl), ("SSH session", h.ssh)) if on]
    if flags:
        lines.append("Running in: " + ", ".join(flags))
    from ..core.output import process_text, running_text

    for r in m.running:
        lines.append(f"Running: {r.engine}: {running_text(r)}")
    for p in m.processes:
        lines.append(f"GPU process: {process_text(p)}")
    for w in m.warnings:
        lines.append(f"warning: {w}")
    lines.append(f"Build: {m.build.describe()} (detected in {m.seconds:.2f} s)")
    for a in m.build.assumptions():
        lines.append(f"Assumed: {a}")
    return "\n".join(lines)


def cmd_detect(args: argparse.Namespace) -> int:
    m = _detect(args)
    if args.json:
        print(json.dumps(m.to_json(), indent=2))
    else:
        print(detect_text(m))
    failed_everything = not m.host.ram_total_bytes and not m.build.gpus
    return exitcodes.DETECTION if failed_everything else exitcodes.OK


def _plain(obj: Any) -> Any:
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return {k: _plain(v) for k, v in dataclasses.asdict(obj).items() if k != "extra"}
    if isinstance(obj, dict):
        return {str(k): _plain(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [_plain(v) for v in obj]
    if isinstance(obj, int | float | str | bool) or obj is None:
        return obj
    return repr(obj)


def cmd_doctor(args: argparse.Namespace) -> int:
    from .. import __version__

    m = _detect(args)
    report = {
        "llmtui": __version__,
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "sources": [
            {"name": s.name, "ok": s.ok, "seconds": round(s.seconds, 3), "warnings": s.warnings, "raw": _plain(s.raw)}
            for s in m.sources
        ],
        "result": m.to_json(),
    }
    print(json.dumps(report, indent=2, default=repr))
    return exitcodes.OK
