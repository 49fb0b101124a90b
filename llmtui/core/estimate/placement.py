"""Where a model goes on a build: which device holds which layers, and does it fit.

llama.cpp / Ollama: layers split over GPUs in proportion to usable memory (-ts), then MoE experts
kept in host RAM (--n-cpu-moe), then partial layer offload (-ngl), then CPU only.
vLLM: tensor parallel within a machine (heads divisible), pipeline parallel across machines.
MLX: one Apple GPU. Several machines: a layer split (llama.cpp RPC, exo) or vLLM pipeline stages.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass, field

from ..build import GPU, Build, ram_class
from ..catalog.types import Arch
from ..memo import IdentityMemo
from ..units import MiB
from .engines import (
    OS_RESERVE_RAM_FRACTION,
    OS_RESERVE_RAM_MIN,
    OS_RESERVE_UNIFIED,
    RUNTIME_CONTEXT,
    VLLM_GRAPHS,
    VLLM_NON_TORCH,
    Engine,
)
from .kv import UBATCH, KVCache
from .weights import Weights

SCHED_COPIES = 4  # GGML_SCHED_MAX_COPIES: pipeline-parallel graph copies on a multi-GPU layer split
VLLM_BATCH_TOKENS = 2048  # tokens in vLLM's profiling run (max_num_batched_tokens), for activation peak
MLX_PREFILL_STEP = 2048  # mlx_lm's prefill_step_size


@dataclass(slots=True)
class Slot:
    """A device as the placement sees it: memory it may use, and what it already must hold."""

    name: str
    kind: str  # gpu | cpu
    machine: int
    vendor: str
    total_bytes: int
    usable_bytes: int
    usable_note: str
    bandwidth_gbs: float
    tflops: float
    unified: bool = False
    backend: str = "cpu"  # the llama.cpp backend that runs this device (cuda, rocm, vulkan, metal, sycl, cpu)
    device_class: str = ""  # vendor and memory kind, as the speed calibration groups devices
    device_id: str = ""  # the catalogue device, where the speed calibration has runs of that device itself
    # filled by the placement
    layers: range = range(0)
    weights_bytes: int = 0
    expert_bytes: int = 0  # routed-expert weights held here (read at experts_per_token/experts)
    kv_bytes: int = 0
    compute_bytes: int = 0
    overhead_bytes: int = 0
    holds_output: bool = False
    holds_embd: bool = False

    @property
    def used_bytes(self) -> int:
        return self.weights_bytes + self.kv_bytes + self.compute_bytes + self.overhead_bytes

    def empty(self) -> Slot:
        """The same device with nothing placed on it."""
        return Slot(
            self.name,
            self.kind,
            self.machine,
            self.vendor,
            self.total_bytes,
            self.usable_bytes,
            self.usable_note,
            self.bandwidth_gbs,
            self.tflops,
            self.unified,
            self.backend,
            self.device_class,
            self.device_id,
        )

    @property
    def fits(self) -> bool:
        return self.used_bytes <= self.usable_bytes


@dataclass(slots=True)
class Placement:
    status: str  # gpu | gpu+cpu | cpu | none
    slots: list[Slot]
    engine: str
    n_gpu_layers: int = 0  # llama.cpp -ngl (layers + 1 for the output layer when all are on GPU)
    n_cpu_moe: int = 0  # llama.cpp --n-cpu-moe
    tensor_split: tuple[float, ...] = ()
    tp: int = 1
    pp: int = 1
    reason: str = ""
    notes: list[str] = field(default_factory=list)

    @property
    def used_slots(self) -> list[Slot]:
        return [s for s in self.slots if s.used_bytes > 0]


# --- Devices of a build ---------------------------------------------------------------------------


def ram_usable(build: Build, *, now: bool = False) -> tuple[int, str]:
    """Host RAM a model may use: the RAM (a container's limit where detection found one) less what the
    system keeps, 10% and at least 2 GiB. `now`: no more than what is available at this moment."""
    reserve = max(OS_RESERVE_RAM_MIN, int(build.ram_bytes * OS_RESERVE_RAM_FRACTION))
    usable, note = max(0, build.ram_bytes - reserve), "RAM less 10% (at least 2 GiB) for the system"
    if now and build.ram_available_bytes is not None and build.ram_available_bytes < usable:
        return build.ram_available_bytes, "RAM available now (other programs hold the rest)"
    return usable, note


def gpu_usable(g: GPU, engine: Engine, *, now: bool = False) -> tuple[int, str]:
    """GPU memory a model may use, before the engine's margin: the whole memory of an idle GPU (vLLM:
    its gpu_memory_utilization share; Apple: Metal's working-set limit; unified memory less what the
    system keeps). `now`: no more than what is free at this moment, as detection measured it."""
    if engine.memory_fraction < 1.0:
        base, note = int(g.memory_bytes * engine.memory_fraction), engine.margin_note
    elif g.usable_bytes is not None:
        base, note = g.usable_bytes, g.usable_note
    elif g.unified:
        base, note = g.memory_bytes - OS_RESERVE_UNIFIED, "unified memory less 4 GiB for the system"
    else:
        base, note = g.memory_bytes, "total memory (an idle GPU)"
    if now and g.free_bytes is not None and g.free_bytes < base:
        base, note = g.free_bytes, "free now (other processes hold the rest)"
    return base, note


def device_class(vendor: str, name: str, memory_type: str, unified: bool) -> str:
    """'NVIDIA GDDR', 'NVIDIA HBM', 'AMD unified', 'Apple Max' ...: what the speed calibration fits
    an efficiency for (with the backend), besides the backend alone."""
    if vendor == "Apple":  # by tier: how much of its bandwidth a chip's GPU reaches depends on its size
        m = re.search(r"\bM\d\s+(Pro|Max|Ultra)\b", name)
        return f"Apple {m.group(1)}" if m else "Apple base"
    v = vendor if vendor in ("NVIDIA", "AMD", "Intel") else "Other"
    if unified or memory_type.upper().startswith("LPDDR"):
        return f"{v} unified"
    if memory_type.upper().startswith("HBM"):
        return f"{v} HBM"
    return f"{v} GDDR"


# build_slots' devices per (build, engine, now): every model placed on a build asks for the same ones (a
# leaderboard or a planner overview places thousands on one build). Slots are filled by the placement,
# so each call gets fresh copies of the kept ones.
_SLOTS: IdentityMemo[tuple[list[Slot], Slot | None]] = IdentityMemo(64)


def build_slots(build: Build, engine: Engine, *, now: bool = False) -> tuple[list[Slot], Slot | None]:
    """The devices of a build as placement sees them. Fit is judged on usable memory (what an idle
    machine offers, less documented headroom), so it does not change from run to run; `now` judges
    it on what is free at this moment instead (a shared GPU server: the free memory detection measured,
    which is part of the build)."""
    gpus, cpu = _SLOTS.get((build, engine), now, lambda: _new_slots(build, engine, now=now))
    return [g.empty() for g in gpus], None if cpu is None else cpu.empty()


def _new_slots(build: Build, engine: Engine, *, now: bool = False) -> tuple[list[Slot], Slot | None]:
    if build.backend == "cpu" and engine.layer_offload:
        return [], _cpu_only_slot(build, now=now)
    gpus: list[Slot] = []
    for m in range(build.machines):
        for g in build.gpus:
            base, note = gpu_usable(g, engine, now=now)
            usable = max(0, base - engine.margin_bytes)
            if engine.margin_bytes:
                note += f", less {engine.margin_bytes // MiB} MiB margin"
            label = g.name if build.machines == 1 else f"{g.name} (machine {m + 1})"
            gpus.append(
                Slot(
                    label,
                    "gpu",
                    m,
                    g.vendor,
                    g.memory_bytes,
                    usable,
                    note,
                    g.bandwidth_gbs,
                    g.fp16_tflops,
                    g.unified,
                    backend=build.backend_for(g.vendor),
                    device_class=device_class(g.vendor, g.name, g.memory_type, g.unified),
                    device_id=g.catalog_id,
                )
            )
    cpu: Slot | None = None
    if engine.layer_offload and not build.unified and build.ram_bytes:
        usable, note = ram_usable(build, now=now)
        cpu = Slot(
            "CPU RAM",
            "cpu",
            0,
            "CPU",
            build.ram_bytes,
            usable,
            note,
            build.ram_bandwidth_gbs,
            cpu_tflops(build),
            device_class=f"CPU {ram_class(build)}",
        )
    return gpus, cpu


def _cpu_only_slot(build: Build, *, now: bool = False) -> Slot | None:
    """--backend cpu: llama.cpp built for the CPU alone. On a unified-memory machine the CPU reads the
    same memory as the GPU would, at the same peak bandwidth."""
    if build.unified and build.gpus:
        g = build.gpus[0]
        usable = g.usable_bytes if g.usable_bytes is not None else max(0, g.memory_bytes - OS_RESERVE_UNIFIED)
        return Slot(
            "CPU (unified memory)",
            "cpu",
            0,
            "CPU",
            g.memory_bytes,
            usable,
            "unified memory as the GPU would use it",
            g.bandwidth_gbs,
            cpu_tflops(build),
            device_class="CPU lpddr",
        )
    if not build.ram_bytes:
        return None
    usable, note = ram_usable(build, now=now)
    return Slot(
        "CPU RAM",
        "cpu",
        0,
        "CPU",
        build.ram_bytes,
        usable,
        note,
        build.ram_bandwidth_gbs,
        cpu_tflops(build),
        device_class=f"CPU {ram_class(build)}",
    )


def cpu_tflops(build: Build) -> float:
    """Assumption: 96 GFLOP/s per core (AVX2: 8 f32 lanes x 2 FMA units x 2 flops x 3 GHz)."""
    return max(1, build.cpu_cores or 8) * 0.096


# --- Memory besides weights and KV -------------------------------------------------------------------


def ffn_width(a: Arch) -> int:
    if a.is_moe:
        shared = a.shared_expert_ffn or a.shared_experts * a.expert_ffn
        return max(a.ffn if a.dense_layers or a.moe_every > 1 else 0, a.expert_ffn * a.experts_per_token + shared)
    return a.ffn


def activation_bytes(a: Arch, tokens: int, elem: int = 4) -> int:
    """Largest live intermediate of one layer for `tokens` tokens: the FFN's gate and up outputs
    and a few hidden-sized buffers (f32 in llama.cpp's graph)."""
    return tokens * elem * (2 * ffn_width(a) + 4 * a.hidden)


def logits_bytes(a: Arch, tokens: int = UBATCH) -> int:
    return tokens * a.vocab * 4


def _llama_compute(a: Arch, holds_output: bool, multi_gpu: bool) -> int:
    """llama.cpp compute buffer with flash attention (on by default): the logits on the output
    device (vocab x ubatch x 4 B) or one layer's activations; a multi-GPU layer split keeps
    SCHED_COPIES copies of the activations for pipeline parallelism."""
    return _compute_bytes(activation_bytes(a, UBATCH), logits_bytes(a), holds_output, multi_gpu)


def _compute_bytes(act: int, logits: int, holds_output: bool, multi_gpu: bool) -> int:
    """_llama_compute from one layer's activations and the logits (computed once per placement)."""
    base = max(act, logits) if holds_output else act
    return base + (SCHED_COPIES - 1) * act if multi_gpu else base


def _overhead(slot: Slot) -> int:
    return RUNTIME_CONTEXT.get(slot.vendor, 300 * MiB) if slot.kind == "gpu" else 0


# --- llama.cpp / Ollama --------------------------------------------------------------------------------


def _reset(slots: list[Slot]) -> None:
    for s in slots:
        s.layers, s.weights_bytes, s.expert_bytes, s.kv_bytes = range(0), 0, 0, 0
        s.compute_bytes = s.overhead_bytes = 0
        s.holds_output = s.holds_embd = False


def _assign_range(slot: Slot, lo: int, hi: int, w: Weights, kv: KVCache, moe_upto: int, cpu: Slot | None) -> None:
    """Layers lo..hi-1 on `slot`; the experts of layers below `moe_upto` stay in host RAM (`cpu`).
    Sums come from prefix arrays, so a placement costs the same for 30 or 120 layers."""
    if hi <= lo:
        return
    W, E, K = w.layer_prefix, w.expert_prefix, kv.prefix
    slot.layers = range(slot.layers.start if slot.layers else lo, hi)
    exp_cpu = E[min(hi, moe_upto)] - E[min(lo, moe_upto)]
    slot.weights_bytes += W[hi] - W[lo] - exp_cpu
    slot.expert_bytes += E[hi] - E[lo] - exp_cpu
    slot.kv_bytes += K[hi] - K[lo]
    if cpu is not None and exp_cpu:
        cpu.weights_bytes += exp_cpu
        cpu.expert_bytes += exp_cpu


_WK: IdentityMemo[list[int] | None] = IdentityMemo(4096)


def _weights_kv_prefix(w: Weights, kv: KVCache) -> list[int] | None:
    """Running sums of the layers' weights and KV cache (index i: layers 0..i-1), kept per (weights,
    cache) pair (both come from caches); None if the two do not cover the same layers."""

    def make() -> list[int] | None:
        if len(w.layer_prefix) != len(kv.prefix):
            return None
        return [x + y for x, y in zip(w.layer_prefix, kv.prefix, strict=True)]

    return _WK.get((w, kv), None, make)


def _split_layers(
    a: Arch,
    w: Weights,
    kv: KVCache,
    gpus: list[Slot],
    lo: int,
    hi: int,
    moe_upto: int,
    cpu: Slot | None,
    *,
    with_output: bool = True,
    probe: bool = False,
) -> bool:
    """Put layers lo..hi-1 (and, with_output, the output tensor) on the GPUs, contiguous, in
    proportion to what each can hold. Returns whether every GPU stays within its usable memory.
    probe: the caller keeps the layout only when the answer is yes (it resets the slots otherwise),
    so when the bytes exceed what all the GPUs hold together it returns False laying nothing out."""
    multi = len(gpus) > 1
    for g in gpus:
        g.overhead_bytes = _overhead(g)
    last = gpus[-1]
    act, logits = activation_bytes(a, UBATCH), logits_bytes(a)
    caps = [
        g.usable_bytes - g.overhead_bytes - _compute_bytes(act, logits, with_output and g is last, multi) for g in gpus
    ]
    W, E, K = w.layer_prefix, w.expert_prefix, kv.prefix
    m_lo = E[min(lo, moe_upto)]

    def need(i: int) -> int:  # bytes of layers lo..i-1 on the GPUs
        return W[i] - W[lo] - (E[min(i, moe_upto)] - m_lo) + K[i] - K[lo]

    output = w.output_bytes if with_output else 0
    total_need = need(hi) + output
    cap_sum = sum(max(0, c) for c in caps)
    if cap_sum <= 0 or (probe and total_need > cap_sum):  # a GPU within its memory holds at most its cap
        return False
    # Targets in proportion to capacity; the last GPU also carries the output tensor.
    bounds = [lo]
    cum = 0.0
    # with no experts held back in the range (moe_upto <= lo), need(i) is a difference of one running
    # sum, so the bisection runs on that list itself instead of calling need() at every step
    wk = _weights_kv_prefix(w, kv) if moe_upto <= lo and len(gpus) > 1 else None
    for c in caps[:-1]:
        cum += max(0, c) / cap_sum * total_need
        start = bounds[-1]
        if wk is not None:
            b = bisect_left(wk, cum + wk[lo], start, hi + 1)
        else:
            b = start + bisect_left(range(start, hi + 1), cum, key=need)
        if b > start and (b > hi or abs(need(b - 1) - cum) <= abs(need(b) - cum)):
            b -= 1
        bounds.append(min(b, hi))
    bounds.append(hi)
    for g, b0, b1 in zip(gpus, bounds, bounds[1:], strict=False):
        _assign_range(g, b0, b1, w, kv, moe_upto, cpu)
    if with_output:
        last.weights_bytes += output
        last.holds_output = True
    for g in gpus:
        g.compute_bytes = _compute_bytes(act, logits, g.holds_output, multi)
    return all(g.fits for g in gpus)


def _cpu_compute(a: Arch, holds_output: bool) -> int:
    act = activation_bytes(a, UBATCH)
    return max(act, logits_bytes(a)) if holds_output else act


def _all_on_gpus(a: Arch, w: Weights, kv: KVCache, gpus: list[Slot], cpu: Slot | None, slots: list[Slot]) -> bool:
    """Step 1 of place_llamacpp: every layer and the output on the GPUs; whether they hold it."""
    _reset(slots)
    return _split_layers(a, w, kv, gpus, 0, a.layers, 0, cpu, probe=True)


def on_gpu_llamacpp(a: Arch, w: Weights, kv: KVCache, gpus: list[Slot], cpu: Slot | None) -> bool:
    """Whether place_llamacpp's status is "gpu", from its first step alone (the offload searches
    that follow it only run when that step fails): the model fits on the GPUs and the host RAM
    holds what stays there (the token embeddings). Leaves the slots as that step put them."""
    slots = [*gpus, *([cpu] if cpu else [])]
    if not gpus or not _all_on_gpus(a, w, kv, gpus, cpu, slots):
        return False
    if cpu is None:
        return True
    _host_part(a, w, cpu)
    return cpu.fits


def _host_part(a: Arch, w: Weights, cpu: Slot) -> None:
    """What host RAM holds besides its layers, once a placement is chosen: the token embeddings
    (and the compute buffer when it works on layers or the output)."""
    cpu.weights_bytes += w.embd_bytes
    cpu.holds_embd = True
    if cpu.holds_output and a.tied_embeddings:
        # a tied output is a copy of token_embd for the GPU; on the CPU the one mapped table serves both
        cpu.weights_bytes -= min(w.tied_copy_bytes, w.output_bytes)
    if cpu.layers or cpu.holds_output or cpu.expert_bytes:
        cpu.compute_bytes = _cpu_compute(a, cpu.holds_output)


def _room(w: Weights, kv: KVCache, n: int, slots: list[Slot]) -> bool:
    """Whether all the slots together could hold the layers' weights and KV cache. Every placement of
    place_llamacpp puts them all somewhere, so when they cannot, none fits and its searches are
    skipped (the answer is the same)."""
    return w.layer_prefix[n] + kv.prefix[n] <= sum(max(0, s.usable_bytes) for s in slots)


def place_llamacpp(a: Arch, w: Weights, kv: KVCache, gpus: list[Slot], cpu: Slot | None, engine: Engine) -> Placement:
    n = a.layers
    slots = [*gpus, *([cpu] if cpu else [])]

    def finish(status: str, **kw: object) -> Placement:
        if cpu is not None:
            _host_part(a, w, cpu)
        p = Placement(status, slots, engine.name, **kw)  # type: ignore[arg-type]
        if cpu is not None and not cpu.fits:
            _reset(slots)
            return Placement("none", slots, engine.name, reason="the model does not fit in GPU memory and RAM")
        return p

    def split() -> tuple[float, ...]:
        return _norm_split(tuple(len(g.layers) for g in gpus))

    room = _room(w, kv, n, slots)
    if gpus and room:
        # 1. Everything on the GPUs.
        if _all_on_gpus(a, w, kv, gpus, cpu, slots):
            return finish("gpu", n_gpu_layers=n + 1, tensor_split=split())
        # 2. MoE: keep the experts of the first N layers in RAM (--n-cpu-moe N), the rest on GPU.
        if a.is_moe and cpu is not None and engine.expert_offload:
            moe_layers = [i for i in range(n) if w.layer_expert_bytes[i]]
            lo, hi, best = 1, len(moe_layers), 0
            while lo <= hi:
                mid = (lo + hi) // 2
                _reset(slots)
                if _split_layers(a, w, kv, gpus, 0, n, moe_layers[mid - 1] + 1, cpu, probe=True):
                    best, hi = mid, mid - 1
                else:
                    lo = mid + 1
            if best:
                _reset(slots)
                n_cpu_moe = moe_layers[best - 1] + 1
                _split_layers(a, w, kv, gpus, 0, n, n_cpu_moe, cpu)
                p = finish("gpu+cpu", n_gpu_layers=n + 1, n_cpu_moe=n_cpu_moe, tensor_split=split())
                if p.status != "none":
                    return p
        # 3. Partial offload: the last k layers on the GPUs, the rest (and the output) in RAM.
        if cpu is not None:
            lo, hi, best = 1, n, 0
            while lo <= hi:
                mid = (lo + hi) // 2
                _reset(slots)
                if _partial(a, w, kv, gpus, cpu, mid, probe=True):
                    best, lo = mid, mid + 1
                else:
                    hi = mid - 1
            if best:
                _reset(slots)
                _partial(a, w, kv, gpus, cpu, best)
                p = finish("gpu+cpu", n_gpu_layers=best, tensor_split=split())
                if p.status != "none":
                    return p
    # 4. CPU only.
    if cpu is not None and room:
        _reset(slots)
        _assign_range(cpu, 0, n, w, kv, 0, None)
        cpu.weights_bytes += w.output_bytes
        cpu.holds_output = True
        p = finish("cpu", n_gpu_layers=0)
        if p.status == "cpu":
            return p
    _reset(slots)
    where = "GPU memory and RAM" if cpu is not None and gpus else ("RAM" if cpu is not None else "GPU memory")
    return Placement("none", slots, engine.name, reason=f"the model does not fit in {where}")


def place_llamacpp_flags(
    a: Arch,
    w: Weights,
    kv: KVCache,
    gpus: list[Slot],
    cpu: Slot | None,
    engine: Engine,
    *,
    n_gpu_layers: int,
    n_cpu_moe: int = 0,
    split_mode: str = "layer",
) -> Placement:
    """Where llama.cpp puts the model for given -ngl / --n-cpu-moe / -sm flags, whether or not our memory
    estimate says it fits (a measured run proves it did): for published measurements and `llmtui bench`.
    -ngl above the layer count also puts the output layer on the GPU; --n-cpu-moe N keeps the experts of
    the first N layers in RAM; -sm tensor (or row) shards every layer over all GPUs."""
    n = a.layers
    slots = [*gpus, *([cpu] if cpu else [])]
    _reset(slots)
    k = max(0, min(n_gpu_layers, n)) if gpus else 0
    moe_upto = min(max(0, n_cpu_moe), n) if cpu is not None else 0
    if cpu is None and (k < n or moe_upto):
        return Placement("none", slots, engine.name, reason="the flags put layers on a CPU this build lacks")
    if k:
        _split_layers(a, w, kv, gpus, n - k, n, moe_upto, cpu, with_output=n_gpu_layers > n)
    if cpu is not None:
        if k < n:
            _assign_range(cpu, 0, n - k, w, kv, 0, None)
        if n_gpu_layers <= n or not gpus:
            cpu.weights_bytes += w.output_bytes
            cpu.holds_output = True
        cpu.weights_bytes += w.embd_bytes
        cpu.holds_embd = True
        if cpu.layers or cpu.holds_output or cpu.expert_bytes:
            cpu.compute_bytes = _cpu_compute(a, cpu.holds_output)
    status = "cpu" if not k else ("gpu" if k == n and not (cpu and cpu.expert_bytes) else "gpu+cpu")
    tp = len(gpus) if split_mode in ("tensor", "row") and len(gpus) > 1 and k == n else 1
    p = Placement(status, slots, engine.name, n_gpu_layers=n_gpu_layers, n_cpu_moe=moe_upto, tp=tp)
    p.tensor_split = _norm_split(tuple(len(g.layers) for g in gpus))
    if tp > 1:
        # every GPU holds a slice of every layer: equal shares, read at once
        for g in gpus:
            g.layers = range(0, n)
            g.weights_bytes = int((w.total - w.embd_bytes) / tp)
            g.expert_bytes = int(w.expert_bytes / tp)
            g.kv_bytes = int(kv.total / tp)
        gpus[-1].holds_output = True
        p.notes.append(f"-sm {split_mode}: every layer sharded over {tp} GPUs")
    return p


def _partial(a: Arch, w: Weights, kv: KVCache, gpus: list[Slot], cpu: Slot, k: int, *, probe: bool = False) -> bool:
    """The last k layers on the GPUs (llama.cpp's -ngl k keeps the output layer on the CPU)."""
    n = a.layers
    ok = _split_layers(a, w, kv, gpus, n - k, n, 0, None, with_output=False, probe=probe)
    _assign_range(cpu, 0, n - k, w, kv, 0, None)
    cpu.weights_bytes += w.output_bytes
    cpu.holds_output = True
    return ok


def _norm_split(split: tuple[int, ...]) -> tuple[float, ...]:
    total = sum(split)
    return tuple(round(s / total, 3) for s in split) if total else ()


# --- vLLM ------------------------------------------------------------------------------------------------


def _divisors_desc(n: int) -> list[int]:
    return [d for d in range(n, 0, -1) if n % d == 0]


def place_vllm(a: Arch, w: Weights, kv: KVCache, gpus: list[Slot], build: Build, engine: Engine) -> Placement:
    if not gpus:
        return Placement("none", [], engine.name, reason="vLLM needs GPUs")
    per_machine = len(build.gpus)
    names = {g.name for g in build.gpus}
    notes: list[str] = []
    if len(names) > 1:
        notes.append("vLLM shards evenly: every GPU is treated as the smallest one")
    tp = next(d for d in _divisors_desc(per_machine) if a.heads % d == 0)
    pp = per_machine // tp * build.machines
    if tp < per_machine:
        notes.append(f"{a.heads} attention heads do not divide by {per_machine}: tensor parallel {tp}")
    share = 1.0 / (tp * pp)
    kv_share = (-(-a.kv_heads // tp) / a.kv_heads if not a.is_mla else 1.0) / pp
    act = activation_bytes(a, VLLM_BATCH_TOKENS, elem=2)
    smallest = min(g.usable_bytes for g in gpus)
    for g in gpus:
        g.usable_bytes = smallest
        g.layers = range(0)
        g.weights_bytes = int(w.total * share)
        g.expert_bytes = int(w.expert_bytes * share)
        g.kv_bytes = int(kv.total * kv_share)
        g.compute_bytes = act + VLLM_GRAPHS
        g.overhead_bytes = RUNTIME_CONTEXT.get(g.vendor, 300 * MiB) + VLLM_NON_TORCH
    per_stage = -(-a.layers // pp)
    for k, g in enumerate(gpus):
        stage = k // tp
        g.layers = range(stage * per_stage, min(a.layers, (stage + 1) * per_stage))
    gpus[-1].holds_output = True
    ok = all(g.fits for g in gpus)
    status = "gpu" if ok else "none"
    reason = "" if ok else "weights and the KV cache for this context exceed vLLM's share of GPU memory"
    return Placement(status, gpus, engine.name, tp=tp, pp=pp, reason=reason, notes=notes)


# --- MLX -----------------------------------------------------------------------------------------------------


def place_mlx(a: Arch, w: Weights, kv: KVCache, gpus: list[Slot], engine: Engine) -> Placement:
    apple = [g for g in gpus if g.vendor == "Apple"]
    if not apple:
        return Placement("none", gpus, engine.name, reason="MLX runs on Apple Silicon only")
    share = 1.0 / len(apple)
    for g in apple:
        g.weights_bytes = int(w.total * share)
        g.expert_bytes = int(w.expert_bytes * share)
        g.kv_bytes = int(kv.total * share)
        g.compute_bytes = activation_bytes(a, MLX_PREFILL_STEP, elem=2)
        per = -(-a.layers // len(apple))
        k = apple.index(g)
        g.layers = range(k * per, min(a.layers, (k + 1) * per))
    apple[-1].holds_output = True
    ok = all(g.fits for g in apple)
    reason = "" if ok else "weights and KV exceed the Metal working-set limit"
    return Placement("gpu" if ok else "none", apple, engine.name, pp=len(apple), reason=reason)
