"""Decode and prefill speed from a placement: bytes each device reads per token over its bandwidth,
and FLOPs over FLOPS. The roofline is the physical bound; the expected value never exceeds it."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from ..build import NETWORKS, Build
from ..catalog.types import Arch
from .calibration import backend_for
from .kv import KV_TYPES, STATE_BYTES, read_values, state_values
from .placement import Placement, Slot
from .weights import Weights

PCIE_GBS = 25.0  # effective host-to-GPU copy rate (PCIe 4.0 x16), for prefill of offloaded weights
TP_ALLREDUCE_US = 15.0  # assumed cost of one tensor-parallel all-reduce; two per layer


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


def _kv_read(a: Arch, layers: Iterable[int], depth: int, kv_type: str) -> float:
    """KV bytes read per decoded token (attention layers), plus the recurrent state (other layers)."""
    per_value = KV_TYPES[kv_type]
    total = 0.0
    for i in layers:
        total += read_values(a, i, depth) * per_value + state_values(a, i) * STATE_BYTES
    return total


def _slot_read(a: Arch, w: Weights, p: Placement, s: Slot, depth: int, kv_type: str) -> tuple[float, float]:
    """(weight bytes, KV bytes) the slot reads to decode one token."""
    weights = s.weights_bytes - s.expert_bytes * (1.0 - w.expert_read_fraction)
    kv = _kv_read(a, s.layers, depth, kv_type)
    if p.engine == "vllm":
        weights -= w.embd_bytes / (p.tp * p.pp)  # the embedding table is looked up, not read
        if not a.is_mla:
            kv *= -(-a.kv_heads // p.tp) / a.kv_heads
    elif s.holds_embd:
        weights -= w.embd_bytes
    return max(0.0, weights), kv


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
) -> Speed | None:
    if p.status == "none":
        return None
    basis: list[str] = []
    slots = [s for s in p.used_slots if s.layers or s.holds_output or s.expert_bytes]
    # Devices of one stage work at once (tensor parallel); stages and layer-split devices take turns.
    group = p.tp if p.engine == "vllm" else 1
    stages = [slots[k : k + group] for k in range(0, len(slots), group)]
    t_roof = t_exp = 0.0
    low_f: list[float] = []
    high_f: list[float] = []
    for stage in stages:
        roof_stage = exp_stage = 0.0
        for s in stage:
            b = backend_for(s.vendor)
            weights, kv = _slot_read(a, w, p, s, depth, kv_type)
            bw = s.bandwidth_gbs * 1e9
            moe_layers = sum(1 for i in s.layers if a.is_moe_layer(i))
            fixed = (
                len(s.layers) * (b.per_layer_us + (2 * TP_ALLREDUCE_US if p.tp > 1 else 0))
                + moe_layers * b.moe_layer_us
            ) * 1e-6
            roof_stage = max(roof_stage, (weights + kv) / bw)
            exp_stage = max(exp_stage, (weights + kv) / (bw * b.bw_efficiency) + fixed)
            low_f.append(b.low)
            high_f.append(b.high)
            cal = f"fitted to {b.points} measurements" if b.calibrated else "uncalibrated: an assumption"
            moe = f" + {moe_layers} MoE layers x {b.moe_layer_us:g} us" if moe_layers and b.moe_layer_us else ""
            basis.append(
                f"{s.name}: ({weights / 1e9:.2f} GB weights + {kv / 1e9:.2f} GB KV) per token"
                f" / ({s.bandwidth_gbs:g} GB/s x {b.bw_efficiency:.2f} {b.name} efficiency)"
                f" + {len(s.layers)} layers x {b.per_layer_us:g} us{moe} ({cal})"
            )
        t_roof += roof_stage
        t_exp += exp_stage
    hops = len({s.machine for s in slots}) - 1
    if hops > 0:
        gbs, latency_ms, label = NETWORKS[build.network]
        t_exp += hops * (latency_ms * 1e-3 + a.hidden * 2 / (gbs * 1e9))
        basis.append(f"network: {hops} hop(s) per token over {label}, {latency_ms:g} ms each (assumed)")
    if t_roof <= 0:
        return None
    roofline = 1.0 / t_roof
    expected = min(roofline, 1.0 / t_exp)
    low = expected * min(low_f)
    high = min(roofline, expected * max(high_f))
    basis.insert(0, f"decode with {depth} tokens in context; roofline {roofline:.1f} t/s from bandwidth alone")
    prefill, ttft = _prefill(a, w, p, slots, active_params, prompt_tokens, basis)
    return Speed(low, expected, high, roofline, prefill, ttft, depth, tuple(basis), prompt_tokens)


def _prefill(
    a: Arch, w: Weights, p: Placement, slots: list[Slot], active_params: float, prompt: int, basis: list[str]
) -> tuple[float | None, float | None]:
    """Prompt processing is compute-bound: 2 FLOPs per active parameter per token, plus attention."""
    has_gpu = any(s.kind == "gpu" for s in slots)
    seconds = 0.0
    counted_stage: set[int] = set()
    for k, s in enumerate(slots):
        if p.engine == "vllm":
            stage = k // p.tp
            if stage in counted_stage:
                continue
            counted_stage.add(stage)
            share = 1.0 / p.pp
            tflops = s.tflops * p.tp
        else:
            share = len(s.layers) / a.layers
            tflops = s.tflops
        if s.kind == "cpu" and has_gpu:
            # llama.cpp copies offloaded weights to the GPU for each 512-token batch: PCIe-bound.
            seconds += s.weights_bytes / (PCIE_GBS * 1e9 * 512)
            continue
        if tflops <= 0:
            basis.append(f"prefill: the FLOPS of {s.name} are unknown")
            return None, None
        eff = backend_for(s.vendor).prefill_efficiency
        seconds += 2 * active_params * share / (eff * tflops * 1e12)
    if seconds <= 0:
        return None, None
    attn_flops = 2 * a.layers * a.heads * a.head_dim * prompt  # QK^T and AV, averaged over the prompt
    tps = 1.0 / (seconds * (1 + attn_flops / (2 * active_params)))
    basis.append(f"prefill: 2 FLOPs x {active_params / 1e9:.1f}B active parameters per token over FLOPS")
    return tps, prompt / tps
