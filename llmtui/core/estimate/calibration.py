"""Speed calibration: what fraction of its bandwidth (and FLOPS) each backend reaches, fitted to
published measurements in data/reference/speed_points.toml by tests/bench/calibrate.py.

decode seconds per token = sum over devices of bytes_read / (bandwidth * efficiency)
                           + layers * per_layer_us
prefill tokens/s         = prefill_efficiency * FLOPS / (2 * active parameters)

Re-run `make calibrate` after adding measurements; it prints the constants to paste here and the
error of each point.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Backend:
    name: str
    bw_efficiency: float  # share of the memory bandwidth a decode step reaches
    per_layer_us: float  # fixed cost per layer per token (kernel launches, synchronisation)
    prefill_efficiency: float  # share of the dense FP16 FLOPS prompt processing reaches
    low: float  # range around the expected value, from the spread of the fit's residuals
    high: float
    points: int  # measurements the fit used


# Placeholder values until the first fit; replaced by `make calibrate` output.
BACKENDS: dict[str, Backend] = {
    "CUDA": Backend("CUDA", 0.86, 28.0, 0.9, 0.8, 1.15, 0),
    "ROCm": Backend("ROCm", 0.7, 40.0, 0.5, 0.75, 1.2, 0),
    "Metal": Backend("Metal", 0.7, 20.0, 0.62, 0.8, 1.15, 0),
    "SYCL": Backend("SYCL", 0.55, 60.0, 0.4, 0.7, 1.25, 0),
    "CPU": Backend("CPU", 0.65, 10.0, 0.5, 0.7, 1.2, 0),
}

VENDOR_BACKEND = {"NVIDIA": "CUDA", "AMD": "ROCm", "Apple": "Metal", "Intel": "SYCL", "CPU": "CPU"}


def backend_for(vendor: str) -> Backend:
    return BACKENDS[VENDOR_BACKEND.get(vendor, "CPU")]
