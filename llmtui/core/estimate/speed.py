"""Decode and prefill speed from a placement, as a sum of physical terms times fitted coefficients.

Decode seconds per token (each term is a quantity this placement fixes, times a coefficient that
tests/bench/calibrate.py fits to published llama-bench runs; calibration.py holds them):
  bytes a GPU reads / its bandwidth        x 1/efficiency, per backend, device class and device
  the same bytes, for slower kernel kinds  x extra, per kind (IQ, Q2_K/Q3_K, legacy, MXFP4, bf16, f16) and backend
  layers on the GPU                        x us per layer (kernel launches), per backend and class
  MoE layers                               x us per MoE layer (routing, one kernel per expert)
  attention FLOPs at this depth / FLOPS    x 1/attention efficiency, per backend and class (from 1,024 tokens)
  GPUs after the first in a layer split    x us per hand-over (synchronisation), per backend and class
  all-reduces of tensor parallel (2/layer) x us per all-reduce
  bytes the CPU reads / RAM bandwidth      x 1/achievable fraction, per RAM platform class
  layers on the CPU, GPU<->CPU switches    x us each
  active parameters the CPU computes       x ns per parameter
Prompt processing seconds per token, likewise: 2 FLOPs per active parameter / FLOPS (per backend and
device class), attention over the prompt and what precedes it (per backend and class, from 1,024
tokens), the weights every batch reads, per-batch fixed costs, the PCIe copy of offloaded weights and
the CPU's share.

The roofline is the bytes over the bandwidths alone. Every bandwidth coefficient is at least 1 and
every other one at least 0, so the expected speed never exceeds the roofline.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import pairwise

from ..build import BACKENDS, NETWORKS, Build
from ..catalog.types import RECURRENT_KINDS, Arch
from . import calibration as cal
from .kv import KV_TYPES, STATE_BYTES, UBATCH, read_over, read_values, state_values
from .placement import Placement, Slot
from .published import UD_BASE
from .quant import QUANTS
from .weights import Weights

# Decode attention is a term from this depth on: below it the term is too small to measure, and a fit
# to it would extrapolate noise (a coefficient of 1,560 for SYCL came from tg128 runs at 64 cells).
ATTN_MIN_DEPTH = 1024
PCIE_GBS = 25.0  # effective host-to-GPU copy rate (PCIe 4.0 x16), for prefill of offloaded weights
US = 1e-6  # count terms are in microseconds of coefficient
NS = 1e-9


@dataclass(frozen=True, slots=True)
class Speed:
    decode_low: float
    decode_expected: float
    decode_high: float
    roofline: float
    prefill_tps: float | None
    ttft_s: float | None
    depth: int
    basis: tuple[str, ...]
    prompt_tokens: int = 0  # the prompt ttft_s is for
    calibrated: str = ""  # "calibrated on this machine (N runs, date)" when `llmtui bench` scaled it
    regime: str = ""  # gpu | multi-gpu | offload | cpu: which calibrated range applies


@dataclass(frozen=True, slots=True)
class Term:
    """One physical quantity of a placement; times calibration.coef(key) it is seconds per token."""

    key: tuple[str, ...]
    value: float
    where: str = ""


def _kv_read(a: Arch, layers: Iterable[int], depth: int, kv_type: str) -> float:
    """KV bytes read per decoded token (attention layers), plus the recurrent state (other layers)."""
    kv, state = read_over(a, layers, depth) if isinstance(layers, range) else _loop_read(a, layers, depth)
    return kv * KV_TYPES[kv_type] + state * STATE_BYTES


def _loop_read(a: Arch, layers: Iterable[int], depth: int) -> tuple[float, int]:
    return sum(read_values(a, i, depth) for i in layers), sum(state_values(a, i) for i in layers)


def _attn_flops(a: Arch, layers: Iterable[int], cells: float) -> float:
    """FLOPs of attention for one query token over `cells` cached tokens: QK^T and AV for every query
    head (a GQA group reads one KV head; MLA's latent serves every head)."""
    group = a.heads if a.is_mla else max(1, a.heads // max(1, a.kv_heads))
    if isinstance(layers, range):
        kv = read_over(a, layers, int(cells))[0]
    else:
        kv = sum(read_values(a, i, int(cells)) for i in layers)
    return 2.0 * group * kv  # windows, shared caches, DeepSeek V4's kinds: as read_values counts them


def _slot_read(a: Arch, w: Weights, p: Placement, s: Slot, depth: int, kv_type: str) -> tuple[float, float]:
    """(weight bytes, KV bytes) the slot reads to decode one token."""
    weights = s.weights_bytes - s.expert_bytes * (1.0 - w.expert_read_fraction)
    kv = _kv_read(a, s.layers, depth, kv_type)
    if p.tp > 1 and s.kind == "gpu":
        kv = kv * (-(-a.kv_heads // p.tp) / a.kv_heads if not a.is_mla else 1.0) / (p.pp if p.engine == "vllm" else 1)
        if p.engine == "vllm":
            weights -= w.embd_bytes / (p.tp * p.pp)  # the embedding table is looked up, not read
    elif p.engine == "vllm":
        weights -= w.embd_bytes / (p.tp * p.pp)
    elif s.holds_embd:
        weights -= w.embd_bytes
    return max(0.0, weights), kv


def kernel_family(quant: str) -> str:
    """The kind of matrix-vector kernel llama.cpp decodes a GGUF mix with: k (Q4_K-Q6_K), k-low (Q2_K,
    Q3_K), legacy (Q4_0-Q8_0), iq (IQ*), mxfp4, bf16, float (F16, F32); "" for what is not a GGUF mix."""
    name = UD_BASE.get(quant) or (quant.removeprefix("UD-") if quant.removeprefix("UD-") in QUANTS else quant)
    q = QUANTS.get(name)
    if q is None or q.family != "gguf":
        return ""
    base = q.base
    if base.startswith("IQ"):
        return "iq"
    if base in ("Q2_K", "Q3_K"):
        return "k-low"
    if base in ("Q4_K", "Q5_K", "Q6_K"):
        return "k"
    if base == "BF16":  # no bf16 arithmetic in some backends' kernels (SYCL's decode): converted first
        return "bf16"
    if base in ("F16", "F32"):
        return "float"
    if base == "MXFP4":
        return "mxfp4"
    return "legacy" if base.startswith("Q") else ""


def backend_label(s: Slot) -> str:
    return BACKENDS.get(s.backend, s.backend) if s.kind == "gpu" else "CPU"


def _stages(p: Placement, slots: list[Slot]) -> list[list[Slot]]:
    """Devices that work at once (one tensor-parallel group) form a stage; stages take turns."""
    gpus = [s for s in slots if s.kind == "gpu"]
    group = max(1, p.tp)
    out = [gpus[k : k + group] for k in range(0, len(gpus), group)]
    return out + [[s] for s in slots if s.kind == "cpu"]


def _switches(a: Arch, p: Placement, slots: list[Slot]) -> int:
    """GPU<->CPU hand-overs per token: layers on the CPU before the GPU's, and every layer whose
    experts the CPU holds (the activations go there and back), and an output layer left on the CPU."""
    cpu = next((s for s in slots if s.kind == "cpu"), None)
    if cpu is None or not any(s.kind == "gpu" for s in slots):
        return 0
    where: list[str] = []
    on_cpu = set(cpu.layers)
    cpu_experts = {i for i in range(a.layers) if i < p.n_cpu_moe and a.is_moe_layer(i)}
    for i in range(a.layers):
        if i in on_cpu:
            where.append("c")
        elif i in cpu_experts:
            where += ["g", "c", "g"]
        else:
            where.append("g")
    where.append("c" if cpu.holds_output else "g")
    return sum(1 for x, y in pairwise(where) if x != y)


def regime(p: Placement, slots: list[Slot]) -> str:
    gpus = [s for s in slots if s.kind == "gpu" and (s.layers or s.holds_output)]
    if not gpus:
        return "cpu"
    if any(s.kind == "cpu" and (s.layers or s.expert_bytes or s.holds_output) for s in slots):
        return "offload"
    return "multi-gpu" if len(gpus) > 1 else "gpu"


def decode_terms(
    a: Arch, w: Weights, p: Placement, depth: int, kv_type: str, active_params: float
) -> tuple[list[Term], float]:
    """The decode terms of a placement and its roofline (seconds per token from bandwidth alone)."""
    slots = [s for s in p.used_slots if s.layers or s.holds_output or s.expert_bytes]
    terms: list[Term] = []
    roof = 0.0
    total_read = w.read_per_token(include_output=True)  # bytes one token reads, over every device
    for stage in _stages(p, slots):
        # the devices of a tensor-parallel group hold equal shares and work at once: the slowest counts
        reads = [(t, *_slot_read(a, w, p, t, depth, kv_type)) for t in stage if t.bandwidth_gbs > 0]
        if not reads:
            continue
        s, weights, kv = max(reads, key=lambda r: (r[1] + r[2]) / r[0].bandwidth_gbs)
        x = (weights + kv) / (s.bandwidth_gbs * 1e9)
        roof += x
        if s.kind == "cpu":
            cls = s.device_class.removeprefix("CPU ") or "desktop"
            terms.append(Term(("cpu_bw", cls), x, s.name))
            terms.append(Term(("cpu_layer",), len(s.layers) * US, s.name))
            terms.append(Term(("cpu_param",), active_params * min(1.0, weights / (total_read or 1.0)) * NS, s.name))
            continue
        b, c = backend_label(s), s.device_class
        dev = (s.device_id,) if s.device_id else ()  # this device's own runs, where the data has some
        moe_layers = sum(1 for i in s.layers if a.is_moe_layer(i))
        recurrent = sum(1 for i in s.layers if a.layer_kind(i) in RECURRENT_KINDS)
        terms.append(Term(("bw", b, c, *dev), x, s.name))
        terms.append(Term(("bwcap", b), (weights + kv) / 1e12, s.name))
        fam = kernel_family(w.quant)
        if fam and fam != "k":  # kernels slower than the k-quants' (IQ codebooks, Q2_K/Q3_K bit unpacking, bf16)
            terms.append(Term(("dq", fam, b), weights / (s.bandwidth_gbs * 1e9), s.name))
        terms.append(Term(("layer", b, c), len(s.layers) * US, s.name))
        if moe_layers:
            terms.append(Term(("moe", b), moe_layers * US, s.name))
        if recurrent:
            terms.append(Term(("recurrent", b), recurrent * US, s.name))
        if s.tflops > 0:
            share = weights / max(1.0, total_read)
            terms.append(Term(("compute", b, c), 2 * active_params * share / (s.tflops * 1e12), s.name))
        if s.tflops > 0 and depth >= ATTN_MIN_DEPTH:
            flops = _attn_flops(a, s.layers, depth) / len(stage)
            terms.append(Term(("attn", b, c), flops / (s.tflops * 1e12), s.name))
    gpus = [s for s in slots if s.kind == "gpu"]
    if gpus:
        b = backend_label(gpus[0])
        handovers = len(_stages(p, gpus)) - 1
        if handovers > 0:
            terms.append(Term(("sync", b, gpus[0].device_class), handovers * US, "layer split"))
        if p.tp > 1:
            terms.append(Term(("allreduce",), 2 * a.layers * US, f"tensor parallel over {p.tp}"))
    hops = _switches(a, p, slots)
    if hops:
        terms.append(Term(("hop",), hops * US, "GPU<->CPU"))
    return terms, roof


def prefill_terms(
    a: Arch, w: Weights, p: Placement, prompt: int, depth: int, active_params: float, ubatch: int = UBATCH
) -> list[Term] | None:
    """The prompt-processing terms (seconds per prompt token at coefficient 1); None when a device
    that computes part of the prompt has no FLOPS figure."""
    slots = [s for s in p.used_slots if s.layers or s.holds_output or s.expert_bytes]
    has_gpu = any(s.kind == "gpu" for s in slots)
    batch = max(1, min(prompt, ubatch))
    cells = depth + prompt / 2  # the average query sees what precedes it and half the prompt
    terms: list[Term] = []
    for stage in _stages(p, slots):
        s = stage[0]
        share = len(s.layers) / a.layers if p.tp <= 1 or s.kind == "cpu" else 1.0 / max(1, p.pp)
        tflops = s.tflops * len(stage)
        if s.kind == "cpu":
            if has_gpu:
                # llama.cpp copies offloaded weights to the GPU for every batch: PCIe-bound
                terms.append(Term(("pp_pcie",), s.weights_bytes / (PCIE_GBS * 1e9 * batch), s.name))
                continue
            if tflops <= 0:
                return None
            terms.append(Term(("pp_cpu",), 2 * active_params * share / (tflops * 1e12), s.name))
            continue
        if tflops <= 0:
            return None
        b, c = backend_label(s), s.device_class
        terms.append(Term(("pp", b, c), 2 * active_params * share / (tflops * 1e12), s.name))
        if cells >= ATTN_MIN_DEPTH:
            terms.append(Term(("pp_attn", b, c), _attn_flops(a, s.layers, cells) / (tflops * 1e12), s.name))
        if s.bandwidth_gbs > 0:
            read = sum(t.weights_bytes for t in stage) / (s.bandwidth_gbs * 1e9 * len(stage))
            terms.append(Term(("pp_read", b), read / batch, s.name))
        terms.append(Term(("pp_layer", b), len(s.layers) / batch * US, s.name))
    return terms


def seconds(terms: Iterable[Term], table: cal.Table) -> float:
    return sum(table.coef(t.key) * t.value for t in terms)


def estimate_speed(
    a: Arch,
    w: Weights,
    p: Placement,
    build: Build,
    *,
    depth: int,
    kv_type: str,
    prompt_tokens: int,
    active_params: float,
    explain: bool = True,
) -> Speed | None:
    """explain=False: the figures without Speed.basis, the lines that say how they were found (a
    leaderboard row shows none of them, and writing them costs about as much as the figures)."""
    if p.status == "none":
        return None
    slots = [s for s in p.used_slots if s.layers or s.holds_output or s.expert_bytes]
    terms, t_roof = decode_terms(a, w, p, depth, kv_type, active_params)
    if t_roof <= 0:
        return None
    t_exp = seconds(terms, cal.DECODE)
    basis = _decode_basis(terms, slots) if explain else []
    hops = len({s.machine for s in slots}) - 1
    if hops > 0:
        gbs, latency_ms, label = NETWORKS[build.network]
        t_exp += hops * (latency_ms * 1e-3 + a.hidden * 2 / (gbs * 1e9))
        if explain:
            basis.append(f"network: {hops} hop(s) per token over {label}, {latency_ms:g} ms each (assumed)")
    roofline = 1.0 / t_roof
    expected = min(roofline, 1.0 / t_exp)
    kind = regime(p, slots)
    lo, hi = cal.range_for(cal.RANGES, kind, "")
    calibrated = ""
    machine = build.calibration
    backends = {s.backend for s in slots if s.kind == "gpu"} or {"cpu"}
    if machine is not None and backends == {machine.backend}:
        expected = min(roofline, expected * machine.decode_factor)
        calibrated = machine.describe()
        spread = max(0.05, machine.spread)
        lo, hi = 1 - spread, 1 + spread
        basis.append(
            f"{calibrated}: measured {machine.decode_factor:.2f}x the fitted model's speed on this machine, "
            f"range +-{spread:.0%} from the runs' spread"
        )
    else:
        basis.append(
            f"range {lo:.2f}x-{hi:.2f}x: measured/expected at the 5th and 95th percentile of "
            f"{cal.range_text(kind)}, each predicted without its own source"
        )
    low = expected * lo
    high = min(roofline, expected * hi)
    basis.insert(0, f"decode with {depth} tokens in context; roofline {roofline:.1f} t/s from bandwidth alone")
    if p.engine not in ("llama.cpp", "ollama"):
        basis.insert(1, f"coefficients fitted to llama.cpp runs, applied to {p.engine} as an assumption")
    prefill, ttft = _prefill(a, w, p, active_params, prompt_tokens, basis, build)
    said = tuple(basis) if explain else ()
    return Speed(low, expected, high, roofline, prefill, ttft, depth, said, prompt_tokens, calibrated, kind)


def _fit_note(key: tuple[str, ...]) -> str:
    n = cal.DECODE.points(key)
    return f"fitted to {n} runs" if n else "an assumption"


def _term_text(t: Term, s: Slot) -> str:
    """One term in words, with its coefficient; '' when the coefficient makes it nothing."""
    c = cal.DECODE.coef(t.key)
    if c * t.value <= 0:
        return ""
    root, fit = t.key[0], _fit_note(t.key)
    if root in ("bw", "cpu_bw"):
        what = " ".join(t.key[1:3]) if root == "bw" else f"{t.key[1]} RAM"
        return f"{t.value * s.bandwidth_gbs:.2f} GB at {s.bandwidth_gbs:g} GB/s x {1 / c:.2f} ({what}; {fit})"
    if root == "bwcap":  # a ceiling far above any device's bandwidth changes nothing worth a word
        return "" if c < 0.05 else f"the same bytes at {1 / c:.1f} TB/s, {t.key[1]}'s ceiling ({fit})"
    if root == "dq":
        return f"the same bytes x {c:.2f} more for {t.key[1]} kernels on {t.key[2]} ({fit})"
    if root == "compute":
        return f"{t.value * s.tflops * 1e3:.1f} GFLOP at {s.tflops:g} TFLOPS x {1 / c:.2f} ({fit})"
    if root == "attn":
        return f"attention at {s.tflops:g} TFLOPS x {1 / c:.3f} ({fit})"
    if root == "cpu_param":
        return f"{t.value / NS / 1e9:.2f}B parameters x {c:.3f} ns ({fit})"
    return f"{t.value / US:.0f} {root.replace('_', ' ')} x {c:.1f} us ({fit})"


def _decode_basis(terms: list[Term], slots: list[Slot]) -> list[str]:
    """One line per device: its bytes over its bandwidth and efficiency, plus its fixed costs; then the
    costs that belong to the whole placement."""
    by_where: dict[str, list[Term]] = defaultdict(list)
    for t in terms:
        by_where[t.where].append(t)
    out: list[str] = []
    for s in slots:
        parts = [p for p in (_term_text(t, s) for t in by_where.pop(s.name, [])) if p]
        if parts:
            out.append(f"{s.name}: " + " + ".join(parts))
    for where, ts in by_where.items():
        for t in ts:
            c = cal.DECODE.coef(t.key)
            if c * t.value > 0:
                out.append(f"{where}: {t.value / US:.0f} x {c:.1f} us ({t.key[0]}; {_fit_note(t.key)})")
    return out


def _prefill(
    a: Arch, w: Weights, p: Placement, active_params: float, prompt: int, basis: list[str], build: Build
) -> tuple[float | None, float | None]:
    slots = [s for s in p.used_slots if s.layers or s.holds_output or s.expert_bytes]
    terms = prefill_terms(a, w, p, prompt, 0, active_params)
    if terms is None:
        unknown = ", ".join(sorted({s.name for s in slots if s.tflops <= 0}))
        basis.append(f"prefill: the FLOPS of {unknown} are unknown")
        return None, None
    t = seconds(terms, cal.PREFILL)
    if t <= 0:
        return None, None
    tps = 1.0 / t
    machine = build.calibration
    note = ""
    if (
        machine is not None
        and machine.prefill_factor
        and {s.backend for s in slots if s.kind == "gpu"} == {machine.backend}
    ):
        tps *= machine.prefill_factor
        note = f"; x {machine.prefill_factor:.2f} {machine.describe()}"
    pp = [t for t in terms if t.key[0] == "pp"]
    eff = 1 / cal.PREFILL.coef(pp[0].key) if pp else 0.0
    basis.append(
        f"prefill: 2 FLOPs x {active_params / 1e9:.1f}B active parameters per token over FLOPS"
        + (f" x {eff:.2f} ({'/'.join(pp[0].key[1:])})" if pp else "")
        + " + attention over the prompt + weight reads per 512-token batch"
        + note
    )
    return tps, prompt / tps
