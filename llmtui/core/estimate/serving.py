"""Serving capacity: how many users a build serves at once, and how fast, for llama-server and vLLM.

Memory: N users at context C need the KV cells of N x C tokens and N recurrent states.
- llama-server: -np N -c N*C. Each slot gets C cells (split KV), or with --kv-unified the N*C cells
  are shared (one conversation may grow past C while others are short); the memory is the same.
- vLLM: paged KV in 16-token blocks; a sequence of C tokens takes ceil(C/16) blocks of the pool that
  gpu_memory_utilization leaves after weights, activations and CUDA graphs; at most max-num-seqs
  sequences run at once (its default: 1024 on GPUs of 70 GiB or more other than A100, else 256).
The most users is the largest N whose placement (placement.py) keeps the fit one user gets.

Speed of one decode step with n sequences (each with `depth` tokens in context), from the public
Speed values of estimate() only (so a better speed model improves this too):
- t0 = 1 / decode(depth 0): reading the weights once per step, plus the fixed per-layer cost;
- t_kv = 1 / decode(depth) - t0: reading one sequence's KV cache;
- MoE: the step reads the union of the experts its n tokens pick, 1 - (1 - k/E)^n of them; the extra
  bytes take the time the roofline gives them (1 / roofline at depth 0 is the bytes of one token over
  the bandwidth) at the efficiency the KV reads show (t_kv over its roofline share), not the fixed cost;
- compute: n tokens x the seconds prefill spends per token (FLOPs over the device's FLOPS);
- step(n) = t0 x weights read(n) / weights read(1) + n x t_kv + n x compute per token.
Reading and computing are added, not overlapped: a decode step's kernels are memory-bound at small n
and compute-bound at large n, and neither engine hides one behind the other (the roofline's max of the
two over-predicted llama.cpp's batched decode on the DGX Spark points in data/reference/serving_points).
Aggregate decode = n / step(n) (below the compute bound 1 / compute per token, which it approaches as n
grows); per sequence = 1 / step(n). Time to first token for a prompt of P tokens arriving while n - 1
others decode: P is processed in chunks that share each step with the n - 1 decoding sequences
(llama-server n_batch 2048; vLLM max_num_batched_tokens 8192 or 2048).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from ..build import Build
from ..catalog.types import Model
from ..units import GiB
from .kv import CTX_PAD, pad

if TYPE_CHECKING:
    from .placement import Placement
    from .speed import Speed

MAX_USERS = 4096  # the most parallel sequences estimate() sizes
LLAMA_N_BATCH = 2048  # llama-server's default logical batch (prompt tokens and decode tokens share it)
# vLLM's defaults (vllm/engine/arg_utils.py, get_batch_defaults: OpenAI server usage context)
VLLM_BIG_GPU_GIB = 70
VLLM_MAX_NUM_SEQS = (1024, 256)  # on a GPU of 70 GiB or more that is not an A100; on others
VLLM_MAX_BATCHED_TOKENS = (8192, 2048)
# The share of the speed model's prefill rate (its FLOPs over FLOPS) that a serving step reaches for the
# compute of its tokens. llama.cpp: 1, its own prefill measurements calibrate that rate (not checked at
# large batch: the DGX Spark reference points have no FLOPS figure). vLLM: fitted by
# `python tests/bench/serving_check.py --fit` to the vLLM points of data/reference/serving_points.toml
# (fitted on each source alone: 2.22 on GPUStack's, 1.38 on CloudRift's; both together: 2.22; see the
# README's Benchmarks). Above 1: vLLM's serving step computes faster than the llama.cpp-fitted prefill
# rate of the speed model.
COMPUTE_SHARE = {"vllm": 2.22}


@dataclass(frozen=True, slots=True)
class ServingPoint:
    users: int  # sequences decoding at once
    aggregate_decode_tps: float  # tokens per second over all of them
    per_sequence_decode_tps: float  # what each one sees
    ttft_s: float | None  # first token for a prompt that arrives while users - 1 others decode
    bound: str  # memory | compute: which limits the decode step

    def to_json(self) -> dict[str, Any]:
        return {
            "users": self.users,
            "aggregate_decode_tps": round(self.aggregate_decode_tps, 2),
            "per_sequence_decode_tps": round(self.per_sequence_decode_tps, 2),
            "ttft_s": None if self.ttft_s is None else round(self.ttft_s, 3),
            "bound": self.bound,
        }


@dataclass(frozen=True, slots=True)
class Serving:
    engine: str
    ctx: int  # context per user
    concurrency: int  # users asked about
    max_concurrent_sequences: int  # users the build holds at ctx (memory, and vLLM's max-num-seqs)
    memory_limit: int  # users memory alone allows (before the engine's cap)
    engine_cap: int | None  # vLLM's max-num-seqs default, when it is the lower one
    point: ServingPoint | None  # at min(concurrency, max_concurrent_sequences); None: nothing fits
    compute_bound_tps: float | None  # decode tokens/s the FLOPS allow (None: FLOPS unknown)
    prompt_tokens: int
    depth: int
    status: str  # the placement of one user (gpu, gpu+cpu, cpu, none)
    notes: tuple[str, ...] = ()
    basis: tuple[str, ...] = ()
    # the step model, for curve() and workload()
    t0: float = 0.0
    t_kv: float = 0.0
    compute_per_token: float | None = None
    prompt_compute_per_token: float | None = None
    read_fraction: tuple[float, float, float] = (0.0, 0.0, 0.0)  # dense bytes, expert bytes, k/E
    t_roof0: float = 0.0  # bandwidth-only seconds of one token at depth 0 (1 / roofline)
    slowdown: float = 1.0  # expected over roofline time for bytes read (from the KV reads)
    chunk: int = LLAMA_N_BATCH

    def to_json(self) -> dict[str, Any]:
        p = self.point
        return {
            "concurrency": self.concurrency,
            "max_concurrent_sequences": self.max_concurrent_sequences,
            "memory_limit_sequences": self.memory_limit,
            "engine_cap_sequences": self.engine_cap,
            "aggregate_decode_tps": None if p is None else round(p.aggregate_decode_tps, 2),
            "per_sequence_decode_tps": None if p is None else round(p.per_sequence_decode_tps, 2),
            "ttft_s": None if p is None or p.ttft_s is None else round(p.ttft_s, 3),
            "users_served": None if p is None else p.users,
            "bound": None if p is None else p.bound,
            "compute_bound_tps": None if self.compute_bound_tps is None else round(self.compute_bound_tps, 1),
            "ctx_per_sequence": self.ctx,
            "prompt_tokens": self.prompt_tokens,
            "depth": self.depth,
            "curve": [q.to_json() for q in curve(self)],
            "notes": list(self.notes),
            "basis": list(self.basis),
        }


def memory_seconds(s: Serving, n: int) -> float:
    """Seconds one step with n sequences spends reading weights (MoE: the union of their experts) and KV."""
    dense, experts, k_over_e = s.read_fraction
    one = dense + experts * k_over_e
    many = dense + experts * (1.0 - (1.0 - k_over_e) ** n)
    extra = s.t_roof0 * (many / one - 1.0) * s.slowdown if one > 0 else 0.0
    return s.t0 + extra + n * s.t_kv


def step_seconds(s: Serving, n: int) -> tuple[float, str]:
    """Seconds of one decode step with n sequences, and which part is the larger (memory | compute)."""
    mem = memory_seconds(s, n)
    comp = 0.0 if s.compute_per_token is None else n * s.compute_per_token
    return mem + comp, "compute" if comp > mem else "memory"


def point_at(s: Serving, n: int) -> ServingPoint:
    t, bound = step_seconds(s, n)
    return ServingPoint(n, n / t, 1.0 / t, _ttft(s, n), bound)


def _ttft(s: Serving, n: int) -> float | None:
    if s.prompt_compute_per_token is None or s.compute_per_token is None:
        return None
    others = n - 1
    chunk = max(s.chunk - others, s.chunk // 4)
    steps = -(-s.prompt_tokens // chunk)
    mem = memory_seconds(s, max(others, 1))
    return steps * (mem + others * s.compute_per_token) + s.prompt_tokens * s.prompt_compute_per_token


def curve(s: Serving, top: int | None = None) -> tuple[ServingPoint, ...]:
    """Points at 1, 2, 4, ... users up to `top` (default: the users served), and at `top` itself."""
    if s.point is None:
        return ()
    top = min(top or s.point.users, s.max_concurrent_sequences)
    users = sorted({*(2**i for i in range(13) if 2**i <= top), top})
    return tuple(point_at(s, n) for n in users)


# What aggregate_bound() adds to its bound: the bound's bytes are the weights' and the KV's as Weights and
# the KV tables count them, the placement's slots count the same bytes, and a float sum may differ.
BOUND_MARGIN = 1.02


def aggregate_bound(
    model: Model, quant: str, ctx: int, build: Build, *, kv_type: str, engine: str, users: int
) -> float | None:
    """An upper bound on serving()'s aggregate decode t/s for `users` users at `ctx` tokens each (depth
    ctx), with no placement and no speed estimate: for ranking by throughput, which then estimates only
    the models whose bound can still beat the best so far. None where it does not hold (other engines,
    several machines, a machine calibrated by `llmtui bench`).

    Why it holds for llama.cpp on one machine: step(n) = t0 + extra + n t_kv + n compute, where
    t0 >= the weights' roofline (every bandwidth coefficient is at least 1, so the expected time is at
    least the roofline time); both speeds come from one placement, so t_kv, the difference of two
    expected times that differ only in the KV's terms (coefficients >= 1 on its bytes, >= 0 on the
    rest), is at least the KV's roofline time, which makes the MoE slowdown >= 1 and
    t0 + extra >= the roofline time of the union of experts n tokens read; compute >= 0. Every
    roofline time is at least its bytes over the fastest device's bandwidth. So step(n) >= (weights
    read by n tokens + n x KV at depth) / fastest bandwidth, and n / that grows with n, so n = users
    (the most serving() seats) bounds every n it may seat."""
    from .api import EstimateError, model_weights
    from .engines import ENGINES
    from .placement import build_slots
    from .speed import _kv_read

    eng = ENGINES.get(engine)
    if eng is None or eng.name not in ("llama.cpp", "ollama") or build.machines != 1 or build.calibration:
        return None
    gpus, cpu = build_slots(build, eng)
    fastest = max([s.bandwidth_gbs for s in gpus] + ([cpu.bandwidth_gbs] if cpu is not None else []), default=0.0)
    if fastest <= 0:
        return None
    try:
        w = model_weights(model, quant)[0]
    except EstimateError:
        return None
    k = w.expert_read_fraction if w.expert_bytes else 0.0
    dense = float(w.total - w.expert_bytes - w.embd_bytes)
    weights = dense + w.expert_bytes * (1.0 - (1.0 - k) ** users)
    a = model.arch
    layers = range(a.layers)
    kv = max(0.0, _kv_read(a, layers, ctx, kv_type) - _kv_read(a, layers, 0, kv_type))
    seconds = (weights + users * kv) / (fastest * 1e9)
    return users / seconds * BOUND_MARGIN if seconds > 0 else None


def serving(
    model: Model,
    quant: str,
    ctx: int,
    build: Build,
    *,
    kv_type: str = "f16",
    engine: str = "llama.cpp",
    concurrency: int = 1,
    prompt_tokens: int = 512,
    depth: int | None = None,
    max_num_seqs: int | None = None,
    compute_share: float | None = None,
    limit_search: bool = True,
) -> Serving:
    """How `build` serves `concurrency` users of `model`, each with up to `ctx` tokens of context.
    `compute_share`: instead of COMPUTE_SHARE (the calibration script tries values).
    limit_search=False: the memory's limit on users is searched only up to `concurrency` (enough for
    the figures at that many users; memory_limit then says at most `concurrency`)."""
    from .api import EstimateError, estimate, model_weights, place
    from .engines import ENGINES
    from .speed import estimate_speed

    if not 1 <= concurrency <= MAX_USERS:
        raise EstimateError(f"concurrency must be between 1 and {MAX_USERS}, got {concurrency}")
    # the figures of these estimates are used, never the lines saying how they were found (explain)
    one = estimate(
        model, quant, ctx, build, kv_type=kv_type, engine=engine, with_max_ctx=False, with_speed=False, explain=False
    )
    eng = ENGINES[engine]  # estimate() has checked the engine
    quant = one.quant
    d = ctx if depth is None else min(depth, ctx)
    p = min(prompt_tokens, ctx)
    if one.status == "none":
        return Serving(engine, ctx, concurrency, 0, 0, None, None, None, p, d, "none", (one.reason,))
    per = pad(ctx, CTX_PAD.get(eng.name, 256))
    placed: dict[int, Placement] = {}  # users -> their placement, for the search and then the figures

    def holds(n: int) -> bool:
        placed[n] = place(model, quant, n * per, build, kv_type, eng, n)[0]
        return placed[n].status == one.status

    lo, hi = 1, MAX_USERS if limit_search else concurrency
    if holds(hi):
        lo = hi
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if holds(mid):
            lo = mid
        else:
            hi = mid - 1
    memory_limit = lo
    cap, big = _engine_cap(eng.name, build, max_num_seqs)
    most = min(memory_limit, cap) if cap else memory_limit
    n = min(concurrency, most)

    def batch(depth: int, prompt_tokens: int) -> Speed | None:
        """The speed of n sequences decoding together, each at `depth` tokens of context: from the
        search's placement of n users where it has one (on one machine estimate() places them so too),
        else from estimate()."""
        p_n = placed.get(n) if build.machines == 1 else None
        if p_n is not None:
            return estimate_speed(
                model.arch,
                model_weights(model, quant)[0],
                p_n,
                build,
                depth=min(depth, n * per),
                kv_type=kv_type,
                prompt_tokens=min(prompt_tokens, n * per),
                active_params=model.active_params_b * 1e9,
                explain=False,
            )
        return estimate(
            model,
            quant,
            n * per,
            build,
            kv_type=kv_type,
            engine=engine,
            parallel=n,
            depth=depth,
            prompt_tokens=prompt_tokens,
            with_max_ctx=False,
            explain=False,
        ).speed

    served = batch(d, p)
    empty = batch(0, LLAMA_N_BATCH)  # a whole batch: prefill's per-batch weight reads spread over it
    if served is None or empty is None:
        return Serving(engine, ctx, concurrency, most, memory_limit, None, None, None, p, d, one.status)
    t0 = 1.0 / empty.decode_expected
    t_kv = max(0.0, 1.0 / served.decode_expected - t0)
    t_roof0 = 1.0 / empty.roofline
    roof_kv = 1.0 / served.roofline - t_roof0
    slowdown = t_kv / roof_kv if roof_kv > 1e-12 and t_kv > 0 else 1.0
    share = compute_share if compute_share is not None else COMPUTE_SHARE.get(eng.name, 1.0)
    per_token = 1.0 / (share * empty.prefill_tps) if empty.prefill_tps else None
    prompt_per_token = 1.0 / (share * served.prefill_tps) if served.prefill_tps else None
    w = model_weights(model, quant)[0]
    k_over_e = w.expert_read_fraction if w.expert_bytes else 0.0
    fractions = (float(w.total - w.expert_bytes - w.embd_bytes), float(w.expert_bytes), k_over_e)
    chunk = (VLLM_MAX_BATCHED_TOKENS[0] if big else VLLM_MAX_BATCHED_TOKENS[1]) if eng.name == "vllm" else LLAMA_N_BATCH
    notes = list(_notes(eng.name, n, ctx, concurrency, most, memory_limit, cap))
    basis = _basis(t0, t_kv, per_token, d, k_over_e, one.status, share)
    s = Serving(
        engine=eng.name,
        ctx=ctx,
        concurrency=concurrency,
        max_concurrent_sequences=most,
        memory_limit=memory_limit,
        engine_cap=cap if cap and cap < memory_limit else None,
        point=None,
        compute_bound_tps=None if per_token is None else 1.0 / per_token,
        prompt_tokens=p,
        depth=d,
        status=one.status,
        notes=tuple(notes),
        basis=basis,
        t0=t0,
        t_kv=t_kv,
        compute_per_token=per_token,
        prompt_compute_per_token=prompt_per_token,
        read_fraction=fractions,
        t_roof0=t_roof0,
        slowdown=slowdown,
        chunk=chunk,
    )
    return replace(s, point=point_at(s, n))


def _engine_cap(engine: str, build: Build, asked: int | None) -> tuple[int | None, bool]:
    """vLLM's max-num-seqs (asked, else its default for the GPU), and whether the GPU is a 'big' one."""
    if engine != "vllm" or not build.gpus:
        return asked, False
    g = build.gpus[0]
    big = g.memory_bytes >= VLLM_BIG_GPU_GIB * GiB and "a100" not in g.name.lower()
    return (asked or (VLLM_MAX_NUM_SEQS[0] if big else VLLM_MAX_NUM_SEQS[1])), big


def _notes(engine: str, n: int, ctx: int, asked: int, most: int, memory: int, cap: int | None) -> tuple[str, ...]:
    out = []
    if asked > most:
        why = "memory" if memory <= (cap or memory) else f"vLLM's max-num-seqs ({cap})"
        out.append(f"{asked - most} of {asked} users wait in the queue: {why} holds {most} at {ctx:,} tokens each")
    if engine in ("llama.cpp", "ollama"):
        out.append(
            f"llama-server -np {n} -c {n * ctx}: {n} slots of {ctx:,} tokens (split KV); with --kv-unified "
            "the cells are shared, so one conversation may grow past that while others are short"
        )
    elif engine == "vllm":
        out.append(f"vLLM --max-model-len {ctx} --max-num-seqs {n}: paged KV in 16-token blocks")
    return tuple(out)


def _basis(
    t0: float, t_kv: float, per_token: float | None, depth: int, k_over_e: float, status: str, share: float
) -> tuple[str, ...]:
    b = [
        f"one decode step reads the weights once ({t0 * 1e3:.2f} ms, from the single-sequence decode speed at "
        f"depth 0) and each sequence's KV cache ({t_kv * 1e3:.3f} ms per sequence at {depth:,} tokens)",
        "compute: "
        + (
            f"{per_token * 1e3:.3f} ms per token (prefill's FLOPs over FLOPS"
            + (f", at {share:.2f} of the speed model's prefill rate" if share != 1.0 else "")
            + "), added to the reading"
            if per_token is not None
            else "the device's FLOPS are unknown: no compute bound (the aggregate is an upper estimate)"
        ),
    ]
    if k_over_e:
        b.append(f"MoE: n tokens read the union of their experts, 1 - (1 - {k_over_e:.3f})^n of the expert weights")
    if status != "gpu":
        b.append("the model is not fully on the GPU: the step is limited by the part in host memory")
    b.append("assumes continuous batching (vLLM, llama-server) and every user decoding at once")
    return tuple(b)


def served_build_ctx(s: Serving) -> tuple[int, int]:
    """(ctx, parallel) of the estimate a server for these users is launched from: llama-server sizes
    -c for all slots (N x C), vLLM's --max-model-len is one sequence's (C)."""
    n = s.point.users if s.point is not None else 1
    return (s.ctx if s.engine == "vllm" else n * pad(s.ctx, CTX_PAD.get(s.engine, 256))), n


@dataclass(frozen=True, slots=True)
class Workload:
    """A closed-loop benchmark: `users` requests in flight, each `input_tokens` in and `output_tokens`
    out (vllm bench serve --max-concurrency, llama-batched-bench)."""

    users: int
    input_tokens: int
    output_tokens: int
    output_tps: float  # output tokens per second over all users
    tpot_s: float  # time per output token each request sees, prefill of the others included
    ttft_s: float | None


def workload(s: Serving, users: int, input_tokens: int, output_tokens: int) -> Workload | None:
    """Over a request's life the server runs its output_tokens decode steps with `users` sequences and
    processes the prompts of `users` requests (its own and those that replace finished ones), the
    prompt tokens riding in the decode steps (chunked prefill) at prefill's cost per token."""
    if s.point is None:
        return None
    n = min(users, s.max_concurrent_sequences)
    life = output_tokens * step_seconds(s, n)[0]
    if s.prompt_compute_per_token is not None:
        life += n * input_tokens * s.prompt_compute_per_token
    ttft = _ttft(replace(s, prompt_tokens=input_tokens), n)
    return Workload(n, input_tokens, output_tokens, n * output_tokens / life, life / output_tokens, ttft)
