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
    points: int  # measurements the fit used (0: not calibrated, the values are assumptions)
    moe_layer_us: float = 0.0  # extra cost of a MoE layer (routing, one kernel per active expert)

    @property
    def calibrated(self) -> bool:
        return self.points > 0


# Fitted by `python tests/bench/calibrate.py` on the llama.cpp measurements of 2025 and later in
# data/reference/speed_points.toml (85 points; median |error| 7.3% in-sample, worst 62%; ROCm grew from 4
# to 19 points when the Radeon AI PRO R9700 and Instinct MI50 joined the catalogue and "Ryzen AI Max+ 395"
# parsed as one device). Vulkan runs on NVIDIA
# and AMD cards are fitted with their vendor's backend. Metal prefill has no FLOPS figures to fit
# against (the catalogue lacks most Apple GPU FLOPS), so its prefill_efficiency is an assumption.
BACKENDS: dict[str, Backend] = {
    "CUDA": Backend("CUDA", 0.88, 42.3, 0.98, 0.87, 1.15, 45, 32.7),
    "Metal": Backend("Metal", 0.828, 158.0, 0.5, 0.74, 1.11, 21, 65.8),
    "ROCm": Backend("ROCm", 0.893, 99.6, 0.23, 0.81, 1.13, 19, 0.0),
    # No current measurements in the reference data: assumptions, shown as "uncalibrated".
    "SYCL": Backend("SYCL", 0.6, 60.0, 0.4, 0.6, 1.3, 0),
    "CPU": Backend("CPU", 0.6, 10.0, 0.5, 0.6, 1.3, 0),
}

VENDOR_BACKEND = {"NVIDIA": "CUDA", "AMD": "ROCm", "Apple": "Metal", "Intel": "SYCL", "CPU": "CPU"}


def backend_for(vendor: str) -> Backend:
    return BACKENDS[VENDOR_BACKEND.get(vendor, "CPU")]
