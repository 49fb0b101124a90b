"""AMD and Intel GPUs from sysfs (/sys/class/drm/card*/device): VRAM and GTT totals and use, PCI ids.

An AMD APU has a small VRAM carve-out and a large GTT pool in system memory that the GPU can use;
it is reported as unified memory of VRAM + GTT. NVIDIA cards seen here are listed only so that a
failing NVML can be explained ("an NVIDIA GPU is present but ...").
"""

from __future__ import annotations

import re

from ..units import GiB
from .roots import Roots
from .types import DetectedGPU, SourceResult

VENDORS = {0x1002: "AMD", 0x8086: "Intel", 0x10DE: "NVIDIA"}
APU_VRAM_MAX = 4 * GiB  # a carve-out this small next to a larger GTT pool marks an APU


def probe_drm(roots: Roots) -> SourceResult:
    res = SourceResult("drm")
    base = roots.sysfs / "class" / "drm"
    try:
        cards = sorted((p for p in base.iterdir() if re.fullmatch(r"card\d+", p.name)), key=lambda p: int(p.name[4:]))
    except OSError:
        res.raw["drm"] = "no /sys/class/drm"
        return res
    for card in cards:
        dev = card / "device"
        vendor = roots.read_int(dev / "vendor")
        device = roots.read_int(dev / "device")
        if vendor not in VENDORS or device is None:
            continue
        name = VENDORS[vendor]
        pci_id = f"{vendor:04x}:{device:04x}"
        raw: dict[str, object] = {"card": card.name, "pci_id": pci_id}
        vram = roots.read_int(dev / "mem_info_vram_total")
        vram_used = roots.read_int(dev / "mem_info_vram_used")
        gtt = roots.read_int(dev / "mem_info_gtt_total")
        gtt_used = roots.read_int(dev / "mem_info_gtt_used")
        lmem = roots.read_int(card / "lmem_total_bytes")  # i915 discrete (Arc)
        raw.update(vram_total=vram, vram_used=vram_used, gtt_total=gtt, gtt_used=gtt_used, lmem_total=lmem)
        product = (roots.read(dev / "product_name") or "").strip()
        res.raw.setdefault("cards", []).append(raw)
        gpu = DetectedGPU(
            name=product or f"{name} GPU {pci_id}",
            vendor=name,
            total_bytes=None,
            free_bytes=None,
            pci_id=pci_id,
            bus_id=(roots.read(dev / "uevent") or "").partition("PCI_SLOT_NAME=")[2].split("\n")[0],
            index=len(res.gpus),
        )
        if vendor == 0x1002 and vram is not None:
            if vram <= APU_VRAM_MAX and gtt is not None and gtt > vram:
                gpu.unified = True
                gpu.total_bytes = vram + gtt
                gpu.free_bytes = gpu.total_bytes - (vram_used or 0) - (gtt_used or 0)
                gpu.usable_note = f"APU: {vram / GiB:.1f} GiB VRAM carve-out + {gtt / GiB:.1f} GiB GTT"
            else:
                gpu.total_bytes = vram
                gpu.free_bytes = vram - vram_used if vram_used is not None else None
        elif vendor == 0x8086:
            if lmem:
                gpu.total_bytes = lmem
            else:
                continue  # an integrated Intel GPU without local memory: not useful for LLMs
        elif vendor == 0x10DE:
            gpu.extra["nvml_only"] = True  # NVML reads NVIDIA cards; kept to explain NVML failures
        res.gpus.append(gpu)
    return res
