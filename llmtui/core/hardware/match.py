"""Matching detected devices to the hardware catalogue (PCI id first, then name) for bandwidth and
FLOPS; NVML's bus width x memory clock where the catalogue has no entry."""

from __future__ import annotations

from ..catalog.types import Catalog, Device
from ..units import GiB
from .types import DetectedGPU


def _by_pci(catalog: Catalog, pci_id: str) -> list[Device]:
    return [d for d in catalog.devices if pci_id and pci_id in d.pci_ids]


def _closest_memory(devices: list[Device], total: int | None) -> Device:
    if total is None or len(devices) == 1:
        return devices[0]
    gib = total / GiB
    return min(devices, key=lambda d: min(abs(m - gib) for m in d.memory_gib) if d.memory_gib else 1e9)


def match_device(catalog: Catalog, g: DetectedGPU) -> Device | None:
    if g.vendor == "Apple":
        chip = str(g.extra.get("chip", ""))
        cores = g.extra.get("gpu_cores")
        macs = [d for d in catalog.devices if d.kind == "mac" and _same_chip(d, chip)]
        if cores:
            binned = [d for d in macs if d.gpu_cores == cores]
            macs = binned or macs
        if not macs:
            return None
        # Without a core count, the smallest bin: its bandwidth is the one every bin reaches.
        return macs[0] if cores else min(macs, key=lambda d: d.gpu_cores)
    found = _by_pci(catalog, g.pci_id)
    if found:
        return _closest_memory(found, g.total_bytes)
    for name in (g.name, g.name.replace("NVIDIA ", ""), g.name.replace("AMD ", "")):
        d = catalog.device(name)
        if d is not None:
            return d
    return None


def _same_chip(d: Device, chip: str) -> bool:
    want = chip.lower().replace(" ", "")
    return any(k.lower().replace(" ", "").replace("apple", "") == want for k in (d.name, *d.aliases))


def enrich(catalog: Catalog, g: DetectedGPU, parent_total: int | None = None) -> None:
    """Fill bandwidth, FLOPS and the catalogue id of a detected device, saying where they came from."""
    d = match_device(catalog, g)
    if d is not None:
        g.catalog_id = d.id
        g.fp16_tflops = d.fp16_tflops or d.fp32_tflops
        if g.mig and parent_total and g.total_bytes:
            share = g.total_bytes / parent_total
            g.bandwidth_gbs = d.bandwidth_gbs * share
            g.bandwidth_source = f"catalogue {d.id} x {share:.2f} (MIG slice's share of memory)"
            g.fp16_tflops *= share
        else:
            g.bandwidth_gbs = d.bandwidth_gbs
            g.bandwidth_source = f"catalogue: {d.id}"
        if g.total_bytes is None and d.memory_gib and not g.unified:
            g.total_bytes = int(max(d.memory_gib) * GiB)
    elif g.bandwidth_gbs:
        pass  # NVML's bus width x clock, already with its source
    else:
        g.bandwidth_source = "unknown: not in the catalogue and not reported by the driver"
