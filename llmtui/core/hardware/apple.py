"""Apple Silicon: chip, GPU cores, memory and the Metal working-set limit (iogpu.wired_limit_mb)."""

from __future__ import annotations

import json
import re

from ..build import apple_limit
from .roots import Roots
from .types import DetectedGPU, SourceResult


def probe_apple(roots: Roots) -> SourceResult:
    res = SourceResult("apple")
    if roots.platform != "darwin":
        return res

    def sysctl(key: str) -> str | None:
        code, out = roots.run(["sysctl", "-n", key], 3.0)
        return out.strip() if code == 0 and out.strip() else None

    brand = sysctl("machdep.cpu.brand_string") or ""
    res.raw["brand"] = brand
    if not brand.startswith("Apple"):
        return res  # an Intel Mac: its GPU is not used by llama.cpp's Metal backend for LLMs
    mem_text = sysctl("hw.memsize")
    mem = int(mem_text) if mem_text and mem_text.isdigit() else None
    wired_text = sysctl("iogpu.wired_limit_mb")
    wired = int(wired_text) if wired_text and wired_text.isdigit() else 0
    res.raw.update({"hw.memsize": mem_text, "iogpu.wired_limit_mb": wired_text})
    cores = None
    code, out = roots.run(["system_profiler", "SPDisplaysDataType", "-json"], 10.0)
    res.raw["system_profiler_exit"] = code
    if code == 0:
        cores = parse_gpu_cores(out)
    if cores is None:
        res.warnings.append(
            "system_profiler gave no GPU core count: assuming the chip's smallest GPU bin (its lower bandwidth)"
        )
    if mem is None:
        res.warnings.append("sysctl hw.memsize failed: memory unknown")
        res.ok = False
        return res
    limit, note = apple_limit(mem, wired)
    chip = brand.replace("Apple ", "")
    gpu = DetectedGPU(
        name=f"Apple {chip}" + (f" ({cores}-core GPU)" if cores else ""),
        vendor="Apple",
        total_bytes=mem,
        free_bytes=None,
        unified=True,
        usable_bytes=limit,
        usable_note=note,
    )
    gpu.extra["chip"] = chip
    gpu.extra["gpu_cores"] = cores
    res.gpus.append(gpu)
    res.info["chip"] = chip
    return res


def parse_gpu_cores(text: str) -> int | None:
    """'sppci_cores' from `system_profiler SPDisplaysDataType -json`."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError:
        m = re.search(r"Total Number of Cores:\s*(\d+)", text)
        return int(m.group(1)) if m else None
    for item in data.get("SPDisplaysDataType", []):
        cores = item.get("sppci_cores")
        if cores and str(cores).isdigit():
            return int(cores)
    return None
