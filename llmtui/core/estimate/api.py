"""estimate(): memory, fit, placement and speed of one model at one quant and context on a build."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Any

from ..build import Build
from ..catalog.types import Model
from ..memo import IdentityMemo
from ..units import GB
from .engines import (  # noqa: F401  (engine_* are part of this module's interface)
    ENGINES,
    RUNTIME_CONTEXT,
    RUNTIME_CONTEXT_NOTE,
    Engine,
    engine_kv,
    engine_quant,
    engine_quants,
    quant_order,
)
from .kv import CTX_PAD, KV_TYPES, kv_cache, pad
from .now import NowFit, fit_now
from .placement import (
    Placement,
    _llama_compute,
    activation_bytes,
    build_slots,
    on_gpu_llamacpp,
    place_llamacpp,
    place_mlx,
    place_vllm,
)
from .quant import QUANTS, Quant
from .speed import Speed, estimate_speed
from .status import STATUS_ORDER, EstimateError
from .weights import Weights, file_bytes, weights


@dataclass(frozen=True, slots=True)
class DeviceUse:
    name: str
    kind: str
    usable_bytes: int
    used_bytes: int
    layers: int
    weights_bytes: int
    kv_bytes: int
    compute_bytes: int
    overhead_bytes: int
    usable_note: str
    bandwidth_gbs: float

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "kind": self.kind,
            "usable_bytes": self.usable_bytes,
            "used_bytes": self.used_bytes,
            "layers": self.layers,
            "weights_bytes": self.weights_bytes,
            "kv_cache_bytes": self.kv_bytes,
            "compute_bytes": self.compute_bytes,
            "overhead_bytes": self.overhead_bytes,
            "usable_basis": self.usable_note,
        }


@dataclass(frozen=True, slots=True)
class Memory:
    weights_bytes: int
    file_bytes: int
    kv_cache_bytes: int
    compute_bytes: int
    overhead_bytes: int

    @property
    def total_bytes(self) -> int:
        return self.weights_bytes + self.kv_cache_bytes + self.compute_bytes + self.overhead_bytes


@dataclass(frozen=True, slots=True)
class Estimate:
    model: Model
    quant: str
    ctx: int
    engine: str
    kv_type: str
    memory: Memory
    status: str
    devices: tuple[DeviceUse, ...]
    speed: Speed | None
    max_ctx: int | None
    n_gpu_layers: int = 0
    n_cpu_moe: int = 0
    tensor_split: tuple[float, ...] = ()
    tp: int = 1
    pp: int = 1
    reason: str = ""
    notes: tuple[str, ...] = ()
    basis: dict[str, str] = field(default_factory=dict)
    parallel: int = 1  # sequences served at once, sharing the context cells
    machines: int = 1  # machines the placement uses (fewer than the build's when fewer hold the model)
    now: NowFit | None = None  # a detected machine: the fit with the memory free now, what to stop

    @property
    def fits(self) -> bool:
        return self.status != "none"

    def to_json(self) -> dict[str, Any]:
        m = self.model
        s = self.speed
        return {
            "model": {
                "id": m.id,
                "name": m.name,
                "hf_repo": m.hf_repo,
                "params_total": round(m.params_b * 1e9),
                "params_active": round(m.active_params_b * 1e9),
            },
            "quant": self.quant,
            "ctx": self.ctx,
            "kv_quant": self.kv_type,
            "engine": self.engine,
            "parallel": self.parallel,
            "memory": {
                "weights_bytes": self.memory.weights_bytes,
                "file_bytes": self.memory.file_bytes,
                "kv_cache_bytes": self.memory.kv_cache_bytes,
                "compute_bytes": self.memory.compute_bytes,
                "overhead_bytes": self.memory.overhead_bytes,
                "total_bytes": self.memory.total_bytes,
            },
            "fit": {
                "status": self.status,
                "devices": [d.to_json() for d in self.devices],
                "max_ctx": self.max_ctx,
                "n_gpu_layers": self.n_gpu_layers,
                "n_cpu_moe": self.n_cpu_moe,
                "tensor_split": list(self.tensor_split),
                "tensor_parallel": self.tp,
                "pipeline_parallel": self.pp,
                "machines": self.machines,
                "reason": self.reason,
                "notes": list(self.notes),
                "now": None if self.now is None else self.now.to_json(),
            },
            "speed": None
            if s is None
            else {
                "decode_tps": {
                    "low": round(s.decode_low, 2),
                    "expected": round(s.decode_expected, 2),
                    "high": round(s.decode_high, 2),
                },
                "roofline_tps": round(s.roofline, 2),
                "prefill_tps": None if s.prefill_tps is None else round(s.prefill_tps, 1),
                "ttft_s": None if s.ttft_s is None else round(s.ttft_s, 3),
                "depth": s.depth,
                "range_regime": s.regime,
                "calibrated": s.calibrated or None,
                "basis": list(s.basis),
            },
            "basis": self.basis,
        }


def check_quant(quant: str, engine: Engine) -> Quant:
    q = QUANTS.get(quant)
    if q is None:
        raise EstimateError(f"unknown quant '{quant}'")
    runs = q.family == engine.quant_family or (engine.quant_family != "gguf" and quant in ("F16", "BF16", "FP16"))
    if not runs:
        raise EstimateError(f"{engine.label} does not run {quant}; use one of {', '.join(engine_quants(engine))}")
    return q


def check_kv(kv_type: str, engine: Engine) -> None:
    if kv_type not in KV_TYPES:
        raise EstimateError(f"unknown KV cache type '{kv_type}' (use one of {', '.join(engine.kv_types)})")
    # llama.cpp also takes bf16 and f32 caches (-ctk); they are not offered, but accepted
    extra = ("bf16", "f32") if engine.quant_family == "gguf" else ()
    if kv_type not in engine.kv_types and kv_type not in extra:
        raise EstimateError(f"{engine.label} has no '{kv_type}' KV cache; its types are {', '.join(engine.kv_types)}")


def _effective_quant(quant: str, engine: Engine) -> str:
    if engine.quant_family != "gguf" and quant in ("F16", "BF16"):
        return "FP16"
    return quant


# model_weights' answers by the model's identity (core.memo): hashing a Model for the lru_cache below
# costs ~6 us, and every placement asks.
_BY_ID: IdentityMemo[tuple[Weights, int, str]] = IdentityMemo(16384)


def model_weights(model: Model, quant: str) -> tuple[Weights, int, str]:
    """(weights, file bytes, how they were sized) of a model at a quant: by llama.cpp's rules, or for
    a published-only mix (UD-*) from the real file's size. Cached: place() and estimate() both ask,
    and the best-quant and largest-context searches ask many times."""
    return _BY_ID.get((model,), quant, lambda: _model_weights(model, quant))


def _clear_model_weights() -> None:
    _model_weights.cache_clear()
    _BY_ID.clear()


model_weights.cache_clear = _clear_model_weights  # type: ignore[attr-defined]


@lru_cache(maxsize=8192)
def _model_weights(model: Model, quant: str) -> tuple[Weights, int, str]:
    q = QUANTS[quant]
    real = model.file_for(quant)
    if real is None and not q.published:
        return weights(model.arch, quant), file_bytes(model.arch, quant), ""
    from .published import UD_BASE, published, scaled

    base = UD_BASE.get(quant, quant)
    if real is not None:  # the file the user will download: its mix is spread like the rule's
        factor = real.size_bytes / file_bytes(model.arch, base)
        where = f"real file {real.repo}/{real.path}" + (f" ({real.parts} parts)" if real.parts > 1 else "")
        return scaled(weights(model.arch, base), factor, quant), real.size_bytes, where
    p = published(model.hf_repo, quant)
    if p is None:
        raise EstimateError(
            f"no published {quant} file of {model.name} in llmtui's reference sizes: Unsloth's dynamic mixes "
            f"follow no rule, so they are sized only from real files (pick a standard quant such as {UD_BASE[quant]})"
        )
    factor = p.size_bytes / file_bytes(model.arch, base)
    return scaled(weights(model.arch, base), factor, quant), p.size_bytes, f"published file {p.gguf_repo} ({p.source})"


def _fewest_machines(
    model: Model, quant: str, ctx: int, build: Build, kv_type: str, engine: Engine, parallel: int, p: Placement
) -> tuple[Placement, Build, tuple[str, ...]]:
    """A model that fits on fewer of the build's machines runs on the fewest that hold it fully in GPU
    memory: every further machine only adds a network hop per token (llama.cpp RPC, vLLM pipeline
    stages, exo). Returns the placement, the build it uses and a note saying so."""
    if build.machines == 1 or p.status != "gpu":
        return p, build, ()
    for k in range(1, build.machines):
        fewer = replace(build, machines=k)
        pk, _ = place(model, quant, ctx, fewer, kv_type, engine, parallel)
        if pk.status == "gpu":
            used = "one" if k == 1 else str(k)
            note = (
                f"runs on {used} of the {build.machines} machines: it fits there, and each further machine "
                "would only add a network hop per token"
            )
            return pk, fewer, (note,)
    return p, build, ()


def place(
    model: Model,
    quant: str,
    ctx: int,
    build: Build,
    kv_type: str,
    engine: Engine,
    parallel: int = 1,
    *,
    now: bool = False,
) -> tuple[Placement, Weights]:
    """Where the model goes: on usable memory, or (`now`) on the memory free at this moment."""
    a = model.arch
    w = model_weights(model, quant)[0]
    kv = kv_cache(a, ctx, kv_type, engine.name, parallel)
    gpus, cpu = build_slots(build, engine, now=now)
    if engine.name == "vllm":
        return place_vllm(a, w, kv, gpus, build, engine), w
    if engine.name == "mlx":
        return place_mlx(a, w, kv, gpus, engine), w
    return place_llamacpp(a, w, kv, gpus, cpu, engine), w


def fit_status(
    model: Model, quant: str, ctx: int, build: Build, kv_type: str = "f16", engine: str = "llama.cpp"
) -> str:
    eng = ENGINES[engine]
    return place(model, _effective_quant(quant, eng), ctx, build, kv_type, eng)[0].status


def on_gpu(model: Model, quant: str, ctx: int, build: Build, kv_type: str = "f16", engine: str = "llama.cpp") -> bool:
    """fit_status(...) == "gpu", for less: on llama.cpp and Ollama only the placement's first step
    (the offload searches run only when it fails)."""
    eng = ENGINES[engine]
    quant = _effective_quant(quant, eng)
    if eng.name in ("vllm", "mlx"):
        return place(model, quant, ctx, build, kv_type, eng)[0].status == "gpu"
    w = model_weights(model, quant)[0]
    kv = kv_cache(model.arch, ctx, kv_type, eng.name, 1)
    gpus, cpu = build_slots(build, eng)
    return on_gpu_llamacpp(model.arch, w, kv, gpus, cpu)


def max_context(model: Model, quant: str, build: Build, kv_type: str, engine: Engine, at_least: str) -> int:
    """The largest context (a multiple of the engine's padding, at most the model's) that keeps the
    placement status at least `at_least`; 0 when even the smallest context does not."""
    want = STATUS_ORDER[at_least]
    step = CTX_PAD.get(engine.name, 256)

    def ok(c: int) -> bool:
        return STATUS_ORDER[place(model, quant, c, build, kv_type, engine)[0].status] >= want

    top = pad(model.arch.max_ctx, step) if model.arch.max_ctx % step else model.arch.max_ctx
    if ok(top):
        return model.arch.max_ctx
    lo, hi = 1, top // step
    if not ok(step):
        return 0
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if ok(mid * step):
            lo = mid
        else:
            hi = mid - 1
    return lo * step


def estimate(
    model: Model,
    quant: str,
    ctx: int,
    build: Build,
    *,
    kv_type: str = "f16",
    engine: str = "llama.cpp",
    prompt_tokens: int = 512,
    depth: int | None = None,
    with_max_ctx: bool = True,
    with_speed: bool = True,
    parallel: int = 1,
    with_now: bool = False,
    explain: bool = True,
) -> Estimate:
    """`parallel`: sequences served at once (llama-server -np, vLLM max-num-seqs) sharing `ctx` cells;
    each adds its own recurrent state (and window of a sliding-window layer). `with_now`: on a
    detected machine, also the fit with the memory free now and which holder to stop (Estimate.now).
    explain=False: the figures without the lines saying how they were found (Estimate.basis and
    Speed.basis empty), for callers that show only figures (leaderboard rows)."""
    eng = ENGINES.get(engine)
    if eng is None:
        raise EstimateError(f"unknown engine '{engine}' (use one of {', '.join(ENGINES)})")
    check_quant(quant, eng)
    quant = _effective_quant(quant, eng)
    check_kv(kv_type, eng)
    if ctx < 1:
        raise EstimateError(f"context must be at least 1 token, got {ctx}")
    a = model.arch
    if not 1 <= parallel <= 4096:
        raise EstimateError(f"parallel sequences must be between 1 and 4096, got {parallel}")
    p, w = place(model, quant, ctx, build, kv_type, eng, parallel)
    asked = build  # the largest context is the whole build's; the placement may use fewer machines
    p, build, fewer_note = _fewest_machines(model, quant, ctx, build, kv_type, eng, parallel, p)
    kv = kv_cache(a, ctx, kv_type, eng.name, parallel)
    used = p.used_slots
    if used:
        compute = sum(s.compute_bytes for s in used)
        overhead = sum(s.overhead_bytes for s in used)
    else:  # does not fit: what one device would need
        compute = _llama_compute(a, True, False) if eng.quant_family == "gguf" else activation_bytes(a, 2048, elem=2)
        gpu_vendor = build.gpus[0].vendor if build.gpus else ""
        overhead = RUNTIME_CONTEXT.get(gpu_vendor, 0)
    _, file_size, published_basis = model_weights(model, quant)
    memory = Memory(w.total, file_size, kv.total, compute, overhead)
    devices = tuple(
        DeviceUse(
            s.name,
            s.kind,
            s.usable_bytes,
            s.used_bytes,
            len(s.layers),
            s.weights_bytes,
            s.kv_bytes,
            s.compute_bytes,
            s.overhead_bytes,
            s.usable_note,
            s.bandwidth_gbs,
        )
        for s in p.slots
    )
    speed = None
    if with_speed:
        speed = estimate_speed(
            a,
            w,
            p,
            build,
            depth=ctx if depth is None else min(depth, ctx),
            kv_type=kv_type,
            prompt_tokens=min(prompt_tokens, ctx),
            active_params=model.active_params_b * 1e9,
            explain=explain,
        )
    now_fit = None
    if with_now:
        now_fit = fit_now(
            asked, p.status, lambda b: place(model, quant, ctx, b, kv_type, eng, parallel, now=True)[0].status
        )
    max_ctx = None
    if with_max_ctx:
        max_ctx = max_context(model, quant, asked, kv_type, eng, p.status if p.status != "none" else "cpu")
    basis = (
        {}
        if not explain
        else {
            "weights": (
                f"{QUANTS[quant].name}: {published_basis}, laid out like its base mix"
                if published_basis
                else f"{QUANTS[quant].name}: tensor-by-tensor type mix from {a.layers} layers of {a.type}"
            )
            + f" ({w.total / GB:.2f} GB in memory, file {memory.file_bytes / GB:.2f} GB)",
            "kv_cache": f"{kv.cells} cells x {kv.basis} = {kv.total / GB:.2f} GB",
            "compute": "llama.cpp compute buffers: max(logits = vocab x 512 x 4 B, FFN activations) per device"
            if eng.quant_family == "gguf"
            else f"activation peak for {2048} tokens in 16-bit",
            "overhead": RUNTIME_CONTEXT_NOTE + (f"; {eng.margin_note}" if eng.margin_note else ""),
            "architecture": a.source or "catalogue",
        }
    )
    return Estimate(
        model=model,
        quant=quant,
        ctx=ctx,
        engine=eng.name,
        kv_type=kv_type,
        memory=memory,
        status=p.status,
        devices=devices,
        speed=speed,
        max_ctx=max_ctx,
        n_gpu_layers=p.n_gpu_layers,
        n_cpu_moe=p.n_cpu_moe,
        tensor_split=p.tensor_split,
        tp=p.tp,
        pp=p.pp,
        reason=p.reason,
        notes=tuple(p.notes) + fewer_note + _ctx_note(model, ctx),
        machines=build.machines,
        basis=basis,
        parallel=parallel,
        now=now_fit,
    )


def _ctx_note(model: Model, ctx: int) -> tuple[str, ...]:
    """A context beyond what the model was trained for is sized, and said to be beyond it."""
    limit = model.arch.max_ctx
    if ctx <= limit:
        return ()
    return (f"context {ctx:,} is beyond the model's maximum of {limit:,} tokens (config.json): expect it to fail",)


def best_quant(
    model: Model, ctx: int, build: Build, *, kv_type: str = "f16", engine: str = "llama.cpp"
) -> tuple[str | None, str]:
    """The highest-quality quant whose placement is the best status any quant reaches:
    fully on GPU if any quant fits there, else GPU+CPU, else CPU. (None, 'none') if nothing fits."""
    eng = ENGINES[engine]
    order = quant_order(eng)
    statuses: dict[str, str] = {}

    def status(q: str) -> str:
        if q not in statuses:
            statuses[q] = place(model, q, ctx, build, kv_type, eng)[0].status
        return statuses[q]

    # Memory falls along the order, so the status never gets worse: binary search each class.
    for want in ("gpu", "gpu+cpu", "cpu"):
        rank = STATUS_ORDER[want]
        if STATUS_ORDER[status(order[-1])] < rank:
            continue
        lo, hi = 0, len(order) - 1
        while lo < hi:
            mid = (lo + hi) // 2
            if STATUS_ORDER[status(order[mid])] >= rank:
                hi = mid
            else:
                lo = mid + 1
        return order[lo], status(order[lo])
    return None, "none"
