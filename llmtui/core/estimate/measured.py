"""The speed model's terms for a run someone measured: llama-bench's flags (-ngl, --n-cpu-moe, -sm,
-ub, -ctk, -d) place the model as that run did, and the real file's size sizes it. The calibration
script fits the coefficients to published runs with this; `llmtui bench` compares this machine's own
runs with it."""

from __future__ import annotations

from dataclasses import dataclass

from ..build import Build
from ..catalog.types import Model
from ..units import GB
from .api import model_weights
from .engines import ENGINES
from .kv import kv_cache
from .placement import build_slots, place_llamacpp_flags
from .published import UD_BASE, scaled
from .quant import QUANTS
from .speed import Term, decode_terms, prefill_terms, regime
from .weights import file_bytes, weights


@dataclass(frozen=True, slots=True)
class Run:
    """What a llama-bench run fixes."""

    n_gpu_layers: int = 999
    n_cpu_moe: int = 0
    split_mode: str = "layer"
    n_prompt: int = 0  # prompt tokens of the pp test (0: none)
    n_gen: int = 0  # generated tokens of the tg test (0: none)
    depth: int = 0  # tokens in the context before the test (-d)
    ubatch: int = 512
    kv_type: str = "f16"
    file_bytes: int = 0  # the model file's size, when known (sizes a mix no rule reproduces)


@dataclass(frozen=True, slots=True)
class RunTerms:
    decode: list[Term]
    roofline_s: float  # seconds per token at the bandwidths alone
    prefill: list[Term] | None
    regime: str
    gpus: int
    backend: str  # the backend key of the GPUs (or cpu)


def _weights(model: Model, quant: str, size: int) -> object:
    base = UD_BASE.get(quant, quant)
    if base not in QUANTS and size > 0:
        base = quant.removeprefix("UD-")  # an unsloth mix named after a standard one, sized by its file
    if base not in QUANTS:
        raise ValueError(f"quant '{quant}' is not one llmtui sizes")
    if size > 0:
        return scaled(weights(model.arch, base), size / file_bytes(model.arch, base), quant)
    return model_weights(model, quant)[0]


def run_terms(model: Model, quant: str, build: Build, run: Run) -> RunTerms:
    """The terms of one measured run. Raises ValueError when the run cannot be placed as described."""
    a = model.arch
    w = _weights(model, quant, run.file_bytes)
    depth = run.depth
    ctx = max(256, depth + max(run.n_prompt, run.n_gen))
    kv = kv_cache(a, ctx, run.kv_type, "llama.cpp")
    gpus, cpu = build_slots(build, ENGINES["llama.cpp"])
    p = place_llamacpp_flags(
        a,
        w,  # type: ignore[arg-type]
        kv,
        gpus,
        cpu,
        ENGINES["llama.cpp"],
        n_gpu_layers=run.n_gpu_layers,
        n_cpu_moe=run.n_cpu_moe,
        split_mode=run.split_mode,
    )
    if p.status == "none":
        raise ValueError(p.reason)
    active = model.active_params_b * 1e9
    terms, roof = decode_terms(a, w, p, depth + run.n_gen // 2, run.kv_type, active)  # type: ignore[arg-type]
    pre = prefill_terms(a, w, p, run.n_prompt, depth, active, run.ubatch) if run.n_prompt else None  # type: ignore[arg-type]
    slots = [s for s in p.used_slots if s.layers or s.holds_output or s.expert_bytes]
    used_gpus = [s for s in slots if s.kind == "gpu"]
    backend = used_gpus[0].backend if used_gpus else "cpu"
    return RunTerms(terms, roof, pre, regime(p, slots), len(used_gpus), backend)


def size_note(size: int) -> str:
    return f"{size / GB:.2f} GB file" if size else ""
