"""The speed model's coefficients, fitted by `make calibrate` (tests/bench/calibrate.py) to published
llama-bench runs in data/reference/speed_points*.toml. speed.py says what each term is.

A coefficient is looked up by its most specific key that the fit saw: ("bw", "CUDA", "NVIDIA HBM")
falls back to ("bw", "CUDA"), then to ("bw",). The fit shrinks every level towards the one above it,
so a backend or device class with few runs stays near its parent. Units: "bw", "cpu_bw", "compute",
"attn" and the "pp*" keys are multiples of the physical time (1/efficiency); "bwcap" is seconds per
TB read (1/the backend's read ceiling in TB/s); counts ("layer", "moe", "recurrent", "sync",
"allreduce", "cpu_layer", "hop", "pp_layer") are microseconds each; "cpu_param" is nanoseconds per
parameter the CPU computes.

Re-run `make calibrate` after adding measurements: it rewrites the block of fitted tables below and
prints every run's error and the leave-one-source-out cross-validation the README quotes (a test
fails while either differs from what the data gives).
"""

from __future__ import annotations

from dataclasses import dataclass, field

# Floors: a device cannot beat its own bandwidth; a fixed cost cannot be negative. Prompt processing
# is held at or below the dense FP16 FLOPS the catalogue records: llama.cpp's INT8 kernels can beat
# that on NVIDIA cards, but without the floor the cross-validated prefill error grew (41.5% -> 45.3%).
FLOOR = {"bw": 1.0, "cpu_bw": 1.0, "attn": 0.0, "pp": 1.0, "pp_cpu": 1.0, "pp_pcie": 0.0}


@dataclass(frozen=True)
class Table:
    values: dict[str, float]
    counts: dict[str, int] = field(default_factory=dict)

    def _find(self, key: tuple[str, ...]) -> str | None:
        for n in range(len(key), 0, -1):
            k = "/".join(key[:n])
            if k in self.values:
                return k
        return None

    def coef(self, key: tuple[str, ...]) -> float:
        k = self._find(key)
        value = self.values[k] if k is not None else DEFAULTS.get(key[0], 0.0)
        return max(FLOOR.get(key[0], 0.0), value)

    def points(self, key: tuple[str, ...]) -> int:
        k = self._find(key)
        return self.counts.get(k, 0) if k is not None else 0


def range_for(ranges: dict[str, tuple[float, float]], regime: str, backend: str) -> tuple[float, float]:
    """The calibrated range for a regime on a backend ("gpu/CUDA"), else for the regime ("gpu")."""
    return ranges.get(f"{regime}/{backend}") or ranges.get(regime) or ranges.get("gpu") or (1.0, 1.0)


# Used only where neither the key nor any of its parents was fitted (assumptions).
DEFAULTS = {"bw": 1.3, "cpu_bw": 2.0, "layer": 40.0, "pp": 2.0, "pp_cpu": 4.0, "allreduce": 15.0}

# --- fitted by tests/bench/calibrate.py (`make calibrate` rewrites this block) ---
# 414 llama-bench runs from 44 sources (data/reference/speed_points*.toml)
DECODE = Table(
    {
        "allreduce": 28.35,
        "attn": 0,
        "attn/CUDA": 4.671,
        "attn/Metal": 0,
        "attn/ROCm": 0,
        "attn/SYCL": 12.03,
        "attn/Vulkan": 0,
        "bw": 1.273,
        "bw/CUDA": 1.178,
        "bw/CUDA/NVIDIA GDDR": 1,
        "bw/CUDA/NVIDIA HBM": 1.753,
        "bw/CUDA/NVIDIA unified": 1.174,
        "bw/Metal": 1.487,
        "bw/Metal/Apple Max": 1.646,
        "bw/Metal/Apple Pro": 1.371,
        "bw/Metal/Apple Ultra": 1.386,
        "bw/Metal/Apple base": 1.99,
        "bw/ROCm": 1.21,
        "bw/ROCm/AMD GDDR": 1.146,
        "bw/ROCm/AMD HBM": 1.275,
        "bw/ROCm/AMD unified": 1.184,
        "bw/SYCL": 1.244,
        "bw/SYCL/Intel GDDR": 1.215,
        "bw/Vulkan": 1.299,
        "bw/Vulkan/AMD GDDR": 1.303,
        "bw/Vulkan/AMD unified": 1.278,
        "bw/Vulkan/Intel GDDR": 2.027,
        "bw/Vulkan/NVIDIA GDDR": 1.221,
        "bwcap": 0,
        "bwcap/CUDA": 0,
        "bwcap/Metal": 0.7898,
        "bwcap/ROCm": 0,
        "bwcap/SYCL": 0,
        "bwcap/Vulkan": 0,
        "compute": 1.425,
        "compute/CUDA": 7.408,
        "compute/CUDA/NVIDIA GDDR": 4.986,
        "compute/CUDA/NVIDIA HBM": 14.69,
        "compute/Metal": 0,
        "compute/Metal/Apple Max": 1.221,
        "compute/Metal/Apple Pro": 0,
        "compute/Metal/Apple Ultra": 0,
        "compute/Metal/Apple base": 0,
        "compute/ROCm": 9.821,
        "compute/ROCm/AMD GDDR": 15,
        "compute/ROCm/AMD HBM": 10.96,
        "compute/ROCm/AMD unified": 7.622,
        "compute/SYCL": 7.794,
        "compute/SYCL/Intel GDDR": 14.16,
        "compute/Vulkan": 2.476,
        "compute/Vulkan/AMD GDDR": 2.831,
        "compute/Vulkan/AMD unified": 0,
        "compute/Vulkan/Intel GDDR": 70.37,
        "compute/Vulkan/NVIDIA GDDR": 1.486,
        "cpu_bw": 1.457,
        "cpu_bw/desktop": 1.453,
        "cpu_bw/lpddr": 1.456,
        "cpu_layer": 0,
        "cpu_param": 0.002679,
        "hop": 0,
        "layer": 55.28,
        "layer/CUDA": 41.83,
        "layer/Metal": 108.5,
        "layer/ROCm": 73.35,
        "layer/SYCL": 76.89,
        "layer/Vulkan": 38.02,
        "moe": 50.38,
        "moe/CUDA": 33.5,
        "moe/Metal": 72.59,
        "moe/ROCm": 51.38,
        "moe/SYCL": 101.5,
        "moe/Vulkan": 38.83,
        "recurrent": 150.3,
        "recurrent/CUDA": 98.37,
        "recurrent/Metal": 158.9,
        "recurrent/ROCm": 203.9,
        "recurrent/SYCL": 197.8,
        "recurrent/Vulkan": 147,
        "sync": 349.1,
        "sync/CUDA": 197.4,
        "sync/ROCm": 1351,
        "sync/SYCL": 1422,
        "sync/Vulkan": 433.1,
    },
    {
        "allreduce": 2,
        "attn": 398,
        "attn/CUDA": 89,
        "attn/Metal": 98,
        "attn/ROCm": 74,
        "attn/SYCL": 66,
        "attn/Vulkan": 71,
        "bw": 412,
        "bw/CUDA": 103,
        "bw/CUDA/NVIDIA GDDR": 69,
        "bw/CUDA/NVIDIA HBM": 20,
        "bw/CUDA/NVIDIA unified": 14,
        "bw/Metal": 98,
        "bw/Metal/Apple Max": 35,
        "bw/Metal/Apple Pro": 6,
        "bw/Metal/Apple Ultra": 8,
        "bw/Metal/Apple base": 49,
        "bw/ROCm": 74,
        "bw/ROCm/AMD GDDR": 35,
        "bw/ROCm/AMD HBM": 8,
        "bw/ROCm/AMD unified": 31,
        "bw/SYCL": 66,
        "bw/SYCL/Intel GDDR": 66,
        "bw/Vulkan": 71,
        "bw/Vulkan/AMD GDDR": 3,
        "bw/Vulkan/AMD unified": 41,
        "bw/Vulkan/Intel GDDR": 18,
        "bw/Vulkan/NVIDIA GDDR": 9,
        "bwcap": 412,
        "bwcap/CUDA": 103,
        "bwcap/Metal": 98,
        "bwcap/ROCm": 74,
        "bwcap/SYCL": 66,
        "bwcap/Vulkan": 71,
        "compute": 398,
        "compute/CUDA": 89,
        "compute/CUDA/NVIDIA GDDR": 69,
        "compute/CUDA/NVIDIA HBM": 20,
        "compute/Metal": 98,
        "compute/Metal/Apple Max": 35,
        "compute/Metal/Apple Pro": 6,
        "compute/Metal/Apple Ultra": 8,
        "compute/Metal/Apple base": 49,
        "compute/ROCm": 74,
        "compute/ROCm/AMD GDDR": 35,
        "compute/ROCm/AMD HBM": 8,
        "compute/ROCm/AMD unified": 31,
        "compute/SYCL": 66,
        "compute/SYCL/Intel GDDR": 66,
        "compute/Vulkan": 71,
        "compute/Vulkan/AMD GDDR": 3,
        "compute/Vulkan/AMD unified": 41,
        "compute/Vulkan/Intel GDDR": 18,
        "compute/Vulkan/NVIDIA GDDR": 9,
        "cpu_bw": 28,
        "cpu_bw/desktop": 27,
        "cpu_bw/lpddr": 1,
        "cpu_layer": 9,
        "cpu_param": 28,
        "hop": 26,
        "layer": 412,
        "layer/CUDA": 103,
        "layer/Metal": 98,
        "layer/ROCm": 74,
        "layer/SYCL": 66,
        "layer/Vulkan": 71,
        "moe": 158,
        "moe/CUDA": 62,
        "moe/Metal": 10,
        "moe/ROCm": 38,
        "moe/SYCL": 18,
        "moe/Vulkan": 30,
        "recurrent": 86,
        "recurrent/CUDA": 31,
        "recurrent/Metal": 8,
        "recurrent/ROCm": 11,
        "recurrent/SYCL": 27,
        "recurrent/Vulkan": 9,
        "sync": 47,
        "sync/CUDA": 21,
        "sync/ROCm": 21,
        "sync/SYCL": 4,
        "sync/Vulkan": 1,
    },
)
PREFILL = Table(
    {
        "pp": 1.382,
        "pp/CUDA": 1.186,
        "pp/CUDA/NVIDIA GDDR": 1,
        "pp/CUDA/NVIDIA HBM": 3.128,
        "pp/Metal": 1.511,
        "pp/Metal/Apple Max": 1.599,
        "pp/Metal/Apple Pro": 1.395,
        "pp/Metal/Apple Ultra": 1.453,
        "pp/Metal/Apple base": 1.891,
        "pp/ROCm": 2.032,
        "pp/ROCm/AMD GDDR": 2.458,
        "pp/ROCm/AMD HBM": 2.063,
        "pp/ROCm/AMD unified": 2.343,
        "pp/SYCL": 1.383,
        "pp/SYCL/Intel GDDR": 1.384,
        "pp/Vulkan": 1,
        "pp/Vulkan/AMD GDDR": 1.768,
        "pp/Vulkan/AMD unified": 2.9,
        "pp/Vulkan/Intel GDDR": 4.662,
        "pp/Vulkan/NVIDIA GDDR": 1,
        "pp_attn": 8.355,
        "pp_attn/CUDA": 5.083,
        "pp_attn/Metal": 0,
        "pp_attn/ROCm": 15.35,
        "pp_attn/SYCL": 57.52,
        "pp_attn/Vulkan": 11.12,
        "pp_cpu": 3.328,
        "pp_layer": 573.4,
        "pp_layer/CUDA": 487.2,
        "pp_layer/Metal": 1481,
        "pp_layer/ROCm": 549.7,
        "pp_layer/SYCL": 896.2,
        "pp_layer/Vulkan": 1163,
        "pp_pcie": 0.9999,
        "pp_read": 2.693,
        "pp_read/CUDA": 1.841,
        "pp_read/Metal": 4.397,
        "pp_read/ROCm": 2.408,
        "pp_read/SYCL": 14.42,
        "pp_read/Vulkan": 2.794,
    },
    {
        "pp": 351,
        "pp/CUDA": 62,
        "pp/CUDA/NVIDIA GDDR": 42,
        "pp/CUDA/NVIDIA HBM": 20,
        "pp/Metal": 93,
        "pp/Metal/Apple Max": 35,
        "pp/Metal/Apple Pro": 6,
        "pp/Metal/Apple Ultra": 3,
        "pp/Metal/Apple base": 49,
        "pp/ROCm": 65,
        "pp/ROCm/AMD GDDR": 30,
        "pp/ROCm/AMD HBM": 6,
        "pp/ROCm/AMD unified": 29,
        "pp/SYCL": 66,
        "pp/SYCL/Intel GDDR": 66,
        "pp/Vulkan": 65,
        "pp/Vulkan/AMD GDDR": 3,
        "pp/Vulkan/AMD unified": 41,
        "pp/Vulkan/Intel GDDR": 18,
        "pp/Vulkan/NVIDIA GDDR": 3,
        "pp_attn": 351,
        "pp_attn/CUDA": 62,
        "pp_attn/Metal": 93,
        "pp_attn/ROCm": 65,
        "pp_attn/SYCL": 66,
        "pp_attn/Vulkan": 65,
        "pp_cpu": 2,
        "pp_layer": 351,
        "pp_layer/CUDA": 62,
        "pp_layer/Metal": 93,
        "pp_layer/ROCm": 65,
        "pp_layer/SYCL": 66,
        "pp_layer/Vulkan": 65,
        "pp_pcie": 26,
        "pp_read": 351,
        "pp_read/CUDA": 62,
        "pp_read/Metal": 93,
        "pp_read/ROCm": 65,
        "pp_read/SYCL": 66,
        "pp_read/Vulkan": 65,
    },
)
# measured/expected decode at the 5th and 95th percentile, each run predicted without its own source
RANGES: dict[str, tuple[float, float]] = {
    "gpu": (0.41, 1.4),
    "multi-gpu": (0.61, 1.69),
    "offload": (0.47, 1.32),
    "cpu": (0.42, 1.42),
}
RANGE_POINTS: dict[str, int] = {"gpu": 337, "multi-gpu": 49, "offload": 26, "cpu": 414}
# --- end of fitted tables ---
