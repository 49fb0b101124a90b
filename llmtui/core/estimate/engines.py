"""The inference engines llmtui estimates for, and what each one needs besides weights and KV."""

from __future__ import annotations

from dataclasses import dataclass

from ..units import GiB, MiB


@dataclass(frozen=True, slots=True)
class Engine:
    name: str
    label: str
    quant_family: str  # the checkpoint formats it runs: gguf | vllm | mlx
    margin_bytes: int  # memory kept free on every device
    margin_note: str
    memory_fraction: float = 1.0  # share of a GPU's total memory the engine may use (vLLM)
    layer_offload: bool = True  # can put layers in host RAM
    expert_offload: bool = False  # can keep MoE experts in host RAM (--n-cpu-moe)
    apple_only: bool = False
    kv_types: tuple[str, ...] = ("f16", "q8_0", "q4_0")  # KV cache types it offers, the default first


ENGINES: dict[str, Engine] = {
    e.name: e
    for e in (
        Engine(
            "llama.cpp",
            "llama.cpp (llama-server)",
            "gguf",
            1024 * MiB,
            "llama.cpp's --fit keeps 1024 MiB free per device by default",
            expert_offload=True,
        ),
        Engine(
            "ollama",
            "Ollama",
            "gguf",
            1024 * MiB,
            "kept free per device, as llama.cpp's --fit does (Ollama runs llama.cpp's engine)",
        ),
        Engine(
            "vllm",
            "vLLM",
            "vllm",
            0,
            "vLLM may use gpu_memory_utilization = 0.9 of each GPU's total memory (its default)",
            memory_fraction=0.9,
            layer_offload=False,
            kv_types=("f16", "fp8"),  # --kv-cache-dtype auto (the model's 16-bit type) or fp8
        ),
        Engine(
            "mlx",
            "MLX (mlx_lm.server)",
            "mlx",
            0,
            "MLX is bounded by Metal's working-set limit",
            layer_offload=False,
            apple_only=True,
            kv_types=("f16",),
        ),
    )
}

ENGINE_ALIASES = {"llamacpp": "llama.cpp", "llama-cpp": "llama.cpp", "llama": "llama.cpp", "mlx-lm": "mlx"}


def find_engine(name: str) -> Engine | None:
    key = name.strip().lower()
    return ENGINES.get(ENGINE_ALIASES.get(key, key))


# Memory a GPU runtime takes before any model data: llama.cpp PR 20595 measured 120-550 MiB for the
# CUDA context depending on the card; gguf-parser assumes 250 MiB. We take 300 MiB for CUDA, ROCm
# and SYCL; Metal has no separate context on the GPU's budget.
RUNTIME_CONTEXT = {"NVIDIA": 300 * MiB, "AMD": 300 * MiB, "Intel": 300 * MiB, "Apple": 0}
RUNTIME_CONTEXT_NOTE = "GPU runtime context (CUDA/ROCm: 120-550 MiB measured in llama.cpp PR 20595; we use 300 MiB)"

# vLLM's fixed costs beside weights and KV. Assumptions, stated as such: CUDA graphs captured for
# decode batch sizes and NCCL/non-torch allocations.
VLLM_GRAPHS = 512 * MiB
VLLM_NON_TORCH = 256 * MiB

# Memory the operating system keeps on a unified-memory machine that is not a Mac (DGX Spark,
# Strix Halo, Jetson), and on host RAM of a planned build. Our assumption, shown in the basis.
OS_RESERVE_UNIFIED = 4 * GiB
OS_RESERVE_RAM_FRACTION = 0.10
OS_RESERVE_RAM_MIN = 2 * GiB
