"""The inference engines llmtui estimates for, and what each one needs besides weights and KV."""

from __future__ import annotations

from dataclasses import dataclass

from ..units import GiB, MiB
from .quant import BEST_QUANT_ORDER, BLOCK_TYPES, DEFAULT_QUANT, QUANTS


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


# --- what each engine runs: quants and KV cache types ---------------------------------------------------


def quant_order(eng: Engine) -> tuple[str, ...]:
    if eng.quant_family == "vllm":
        return ("FP16", "FP8", "INT4-experts", "MXFP4-experts", "AWQ", "NVFP4", "GPTQ")
    if eng.quant_family == "mlx":
        return ("FP16", "MLX-8bit", "MLX-4bit")
    return BEST_QUANT_ORDER


def engine_quants(engine: Engine) -> tuple[str, ...]:
    """The quants an engine runs, best quality first, as the pickers, the palette and messages list them."""
    if engine.quant_family == "gguf":
        return ("F16", *BEST_QUANT_ORDER, "MXFP4")
    return quant_order(engine)


def engine_quant(quant: str, engine: Engine) -> str:
    """The quant `engine` runs nearest to `quant`: itself when it runs it; otherwise a 4-5 bit format
    becomes AWQ (vLLM), MLX 4-bit (MLX) or Q4_K_M (GGUF), an 8-bit one FP8, MLX 8-bit or Q8_0, anything
    wider 16-bit. One rule for the main screen, the planner, the CLI and launch commands."""
    q = QUANTS[quant]
    family = engine.quant_family
    if q.family == family or (family != "gguf" and quant in ("F16", "BF16", "FP16")):
        return quant
    if family == "gguf" and quant == "FP16":
        return "F16"
    bits = q.bits or (BLOCK_TYPES[q.base].bpw if q.base in BLOCK_TYPES else 16.0)
    if family == "gguf":
        return DEFAULT_QUANT if bits <= 5 else ("Q8_0" if bits <= 9 else "F16")
    if family == "vllm":
        return "AWQ" if bits <= 5 else ("FP8" if bits <= 9 else "FP16")
    return "MLX-4bit" if bits <= 5 else ("MLX-8bit" if bits <= 9 else "FP16")


def engine_kv(kv_type: str, engine: Engine) -> str:
    """The KV cache type `engine` offers nearest to `kv_type` (llama.cpp's q8_0 and q4_0 are fp8 on vLLM)."""
    if kv_type in engine.kv_types:
        return kv_type
    if kv_type in ("q8_0", "q4_0") and "fp8" in engine.kv_types:
        return "fp8"
    if kv_type == "fp8" and "q8_0" in engine.kv_types:
        return "q8_0"
    return engine.kv_types[0]
