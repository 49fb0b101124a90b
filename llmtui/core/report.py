"""A plain-text report of an estimate, for `llmtui estimate` without --json."""

from __future__ import annotations

from .build import Build
from .estimate import Estimate
from .estimate.serving import Serving, curve
from .units import GB, GiB, fmt_ctx, fmt_tps

FIT_SENTENCE = {
    "gpu": "fits on GPU",
    "gpu+cpu": "runs split between GPU and CPU RAM",
    "cpu": "runs on the CPU only",
    "none": "does not fit",
}


def _gib(n: float) -> str:
    return f"{n / GiB:8.2f}"


def estimate_text(e: Estimate, build: Build) -> str:
    m = e.model
    mem = e.memory
    lines = [
        f"{m.name} · {e.quant} · {fmt_ctx(e.ctx)} context · {e.engine}",
        f"Build: {build.describe()}",
        *(f"  assumed: {a}" for a in build.assumptions()),
        "",
        "Memory                          GiB",
        f"  weights                   {_gib(mem.weights_bytes)}   (file {mem.file_bytes / GB:.2f} GB)",
        f"  {'KV cache (' + e.kv_type + ')':26}{_gib(mem.kv_cache_bytes)}",
        f"  compute buffers           {_gib(mem.compute_bytes)}",
        f"  runtime overhead          {_gib(mem.overhead_bytes)}",
        f"  total                     {_gib(mem.total_bytes)}",
        "",
    ]
    fit = f"Fit: {FIT_SENTENCE.get(e.status, e.status)}"
    if e.max_ctx is not None and e.status != "none":
        fit += f" (largest context that keeps this fit: {fmt_ctx(e.max_ctx)})"
    lines.append(fit)
    if e.reason:
        lines.append(f"  {e.reason}")
    if e.now is not None:
        lines.append(f"  {e.now.sentence(e.status)}")
    for d in e.devices:
        if d.used_bytes:
            lines.append(
                f"  {d.name:28} {d.used_bytes / GiB:7.2f} / {d.usable_bytes / GiB:.2f} GiB usable"
                f"  {d.layers} layers   ({d.usable_note})"
            )
    if e.n_cpu_moe:
        lines.append(f"  experts of the first {e.n_cpu_moe} layers stay in RAM (--n-cpu-moe {e.n_cpu_moe})")
    for note in e.notes:
        lines.append(f"  {note}")
    s = e.speed
    if s is not None:
        lines += [
            "",
            "Speed",
            f"  decode   {s.decode_expected:.1f} t/s (range {s.decode_low:.1f}-{s.decode_high:.1f}),"
            f" roofline {s.roofline:.1f} t/s, with {s.depth} tokens in context",
        ]
        if s.prefill_tps is not None and s.ttft_s is not None:
            lines.append(
                f"  prefill  {fmt_tps(s.prefill_tps)} t/s; time to first token {s.ttft_s:.2f} s"
                f" for a {s.prompt_tokens}-token prompt"
            )
        else:
            lines.append("  prefill  unknown (device FLOPS not in the catalogue)")
    lines += ["", "Basis"]
    lines += [f"  {k}: {v}" for k, v in e.basis.items()]
    if s is not None:
        lines += [f"  speed: {b}" for b in s.basis]
    return "\n".join(lines)


def serving_text(s: Serving) -> str:
    """The Serving section of `llmtui estimate --concurrency N`."""
    lines = [f"Serving ({s.engine}, {s.ctx:,} tokens of context per user, {s.depth:,} in context when decoding)"]
    if s.point is None:
        lines.append("  no user can be served: the model does not fit")
        return "\n".join(lines)
    p = s.point
    lines.append(
        f"  most users at once: {s.max_concurrent_sequences:,}"
        + (f" (memory: {s.memory_limit:,})" if s.engine_cap else "")
    )
    ttft = "unknown" if p.ttft_s is None else f"{p.ttft_s:.2f} s"
    lines.append(
        f"  {p.users} users: {p.aggregate_decode_tps:,.1f} t/s in all, {p.per_sequence_decode_tps:.1f} t/s each; "
        f"first token after {ttft} for a {s.prompt_tokens}-token prompt"
    )
    lines.append("  users   t/s in all   t/s each   first token")
    for q in curve(s):
        first = "—" if q.ttft_s is None else f"{q.ttft_s:.2f} s"
        lines.append(
            f"  {q.users:5}   {q.aggregate_decode_tps:10,.1f}   {q.per_sequence_decode_tps:8.1f}   {first:>11}"
        )
    lines += [f"  {n}" for n in s.notes]
    lines += [f"  basis: {b}" for b in s.basis]
    return "\n".join(lines)
