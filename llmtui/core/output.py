"""Rendering core results for the command line: JSON, CSV, Markdown and plain tables.

Pure functions from data to text; the CLI prints what they return.
"""

from __future__ import annotations

import io
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .build import GPU, Build
from .leaderboard import Row
from .units import GiB, fmt_ctx, fmt_params

if TYPE_CHECKING:
    from .catalog.types import Device
    from .estimate.serving import Serving
    from .hardware import DetectedMachine
    from .hardware.running import RunningModel
    from .hardware.types import GpuProcess
    from .plan import PlanResult
    from .seed import SeedRow


def to_json(obj: Any) -> str:
    """Indented JSON; a list is printed one compact element per line (as readable, greppable, and
    written by the C encoder: a 2,000-row leaderboard in ~15 ms instead of ~100)."""
    if isinstance(obj, list) and obj:
        return "[\n" + ",\n".join("  " + json.dumps(x, ensure_ascii=False) for x in obj) + "\n]"
    return json.dumps(obj, indent=2, ensure_ascii=False)


def fmt_gib(n_bytes: float | None, digits: int = 1) -> str:
    return "?" if n_bytes is None else f"{n_bytes / GiB:.{digits}f}"


FIT_LABEL = {"gpu": "GPU", "gpu+cpu": "GPU+CPU", "cpu": "CPU only", "none": "no", "n/a": "n/a"}

ROW_COLUMNS = (
    "#",
    "model",
    "params",
    "score",
    "adj",
    "mem GiB",
    "fit",
    "t/s",
    "best quant",
    "loss",
    "ctx",
    "license",
    "released",
)


def row_cells(rank: int, r: Row) -> list[str]:
    m = r.model
    params = fmt_params(m.active_params_b)
    if m.is_moe:
        params = f"{fmt_params(m.params_b)}/{params}"
    return [
        str(rank),
        m.name,
        params,
        "—" if r.score is None else f"{r.score.value:g}",
        "…" if r.best_status == "…" else ("—" if (a := r.adjusted_score) is None else f"{a:.1f}"),
        fmt_gib(r.memory_bytes) if r.memory_bytes else ("…" if r.status == "…" else "?"),
        FIT_LABEL.get(r.status, r.status),
        ("…" if r.status == "…" else "—") if r.decode_tps is None else f"{r.decode_tps:.1f}",
        r.best_quant or ("…" if r.best_status == "…" else "—"),
        _loss_cell(r),
        fmt_ctx(m.arch.max_ctx),
        m.license,
        m.released,
    ]


def _loss_cell(r: Row) -> str:
    """The loss of the best quant that fits: "—" when none fits, "?" when not measured."""
    if r.best_status == "…":
        return "…"
    if not r.runs:
        return "—"
    loss = r.loss
    return "?" if loss is None else loss.label()


def row_json(rank: int, r: Row) -> dict[str, Any]:
    m = r.model
    return {
        "rank": rank,
        "id": m.id,
        "name": m.name,
        "family": m.family,
        "hf_repo": m.hf_repo,
        "params_total": round(m.params_b * 1e9),
        "params_active": round(m.active_params_b * 1e9),
        "moe": m.is_moe,
        "score": None
        if r.score is None
        else {
            "benchmark": r.score.benchmark,
            "value": r.score.value,
            "version": r.score.version or None,
            "date": r.score.date or None,
            "measured_by": r.score.measured_by or None,
            "source": r.score.source,
        },
        "score_note": "" if r.score is not None else f"no {r.benchmark} for this model in the catalogue",
        "quant": r.quant,
        "memory_bytes": r.memory_bytes,
        "fit": r.status,
        "decode_tps": None if r.decode_tps is None else round(r.decode_tps, 2),
        "roofline_tps": None if r.roofline_tps is None else round(r.roofline_tps, 2),
        "serving_tps": None if r.serving_tps is None else round(r.serving_tps, 1),
        "best_quant": r.best_quant,
        "best_quant_fit": r.best_status,
        "quant_loss": _loss_json(r),
        "adjusted_score": None if (a := r.adjusted_score) is None else round(a, 2),
        "max_ctx": m.arch.max_ctx,
        "license": m.license,
        "released": m.released,
        "tags": list(m.tags),
        "origin": m.origin,  # bundled, or user: an entry of the user's own catalogue files
        "real_file_bytes": None if (f := m.file_for(r.quant)) is None else f.size_bytes,
    }


def _loss_json(r: Row) -> dict[str, Any] | None:
    """The measured loss at the quant the row would run, and how the adjusted score uses it."""
    loss = r.loss
    if loss is None:
        return None
    return {
        "quant": r.run_quant,
        "ppl_ratio": round(loss.ppl_ratio, 4),
        "kld": loss.kld,
        "score_factor": round(loss.factor, 4),
        "basis": loss.basis,
        "source": loss.source or None,
        "rule": "adjusted_score = score / ppl_ratio",
    }


PLAN_COLUMNS = ("build", "kind", "price", "t/s", "range", "$ per t/s")
SERVING_PLAN_COLUMNS = ("build", "kind", "price", "t/s per user", "t/s in all", "most users", "$ per t/s in all")


def serving_plan_cells(p: PlanResult) -> list[str]:
    """A reverse-planning result for several users at once (plan --users)."""
    s = p.serving
    pt = s.point if s is not None else None
    return [
        p.build.describe(),
        p.kind,
        price_text(p.price_usd, p.price_kind, p.hourly_usd),
        "—" if pt is None else f"{pt.per_sequence_decode_tps:.1f}",
        "—" if pt is None else f"{pt.aggregate_decode_tps:,.0f}",
        "—" if s is None else f"{s.max_concurrent_sequences:,}",
        f"${p.usd_per_tps:,.1f}"
        if p.usd_per_tps
        else f"${p.hourly_per_tps:,.4f}/h"
        if p.price_usd is None and p.hourly_per_tps
        else "—",
    ]


def plan_cells(p: PlanResult) -> list[str]:
    """One reverse-planning result as the CLI and the planner show it."""
    s = p.estimate.speed
    return [
        p.build.describe(),
        p.kind,
        price_text(p.price_usd, p.price_kind, p.hourly_usd),
        "—" if s is None else f"{s.decode_expected:.1f}",
        "—" if s is None else f"{s.decode_low:.0f}-{s.decode_high:.0f}",
        f"${p.usd_per_tps:,.0f}"
        if p.usd_per_tps
        else f"${p.hourly_per_tps:,.3f}/h"
        if p.price_usd is None and p.hourly_per_tps
        else "—",
    ]


def seed_cells(r: SeedRow) -> list[str]:
    """One row of the seed article's hardware table with llmtui's figures beside the article's."""
    there = "; ".join(
        f"{o.label}: {o.status}" + (f" {o.tps:.0f} t/s" if o.tps and o.status == "gpu" else "") for o in r.options
    )
    c = r.cheapest
    cheapest = (
        "—" if c is None else f"{c.build.describe(ram=False)} {price_text(c.price_usd, c.price_kind, c.hourly_usd)}"
    )
    if c is not None and c.estimate.speed:
        cheapest += f" {c.estimate.speed.decode_expected:.0f} t/s"
    return [
        r.model_text,
        f"{r.seed_memory_gb:g}",
        "not in catalogue" if r.memory_bytes is None else f"{r.memory_bytes / 1e9:.1f}",
        r.seed_hardware,
        r.seed_tps,
        there or "—",
        cheapest,
    ]


def seed_json(r: SeedRow) -> dict[str, Any]:
    c = r.cheapest
    return {
        "seed": {"model": r.model_text, "memory_gb": r.seed_memory_gb, "hardware": r.seed_hardware, "tps": r.seed_tps},
        "id": r.model.id if r.model else None,
        "memory_bytes": r.memory_bytes,
        "options": [
            {"hardware": o.label, "quant": o.quant, "fit": o.status, "decode_tps": o.tps, "note": o.note}
            for o in r.options
        ],
        "cheapest": None
        if c is None
        else {
            "build": c.build.describe(),
            "price_usd": c.price_usd,
            "price_kind": c.price_kind or None,
            "hourly_usd": c.hourly_usd,
            "decode_tps": round(c.estimate.speed.decode_expected, 2) if c.estimate.speed else None,
        },
        "errors": [{"text": t, "source": s} for t, s in r.errors],
        "problems": r.problems,
    }


def device_price_text(d: Device, memory_gib: float | None = None) -> str:
    """A device's cheapest listed price, as price_text says it; '' when none is listed."""
    price, hourly = d.price_for(memory_gib), d.hourly_for(memory_gib)
    if price is None and hourly is None:
        return ""
    return price_text(price.usd if price else None, price.kind if price else "", hourly.usd if hourly else None)


def price_text(usd: float | None, kind: str, hourly: float | None) -> str:
    """'$1,500 used', '$3.29/h cloud' (hardware with no purchase price), or 'unknown'."""
    if usd is not None:
        return f"${usd:,.0f} {kind}".rstrip()
    if hourly is not None:
        return f"${hourly:,.2f}/h cloud"
    return "unknown"


def rows_json(rows: Sequence[Row]) -> str:
    return to_json([row_json(i, r) for i, r in enumerate(rows, 1)])


def rows_csv(rows: Sequence[Row]) -> str:
    import csv

    buf = io.StringIO()
    fields = [k for k in row_json(1, rows[0]) if k not in ("score", "tags")] if rows else []
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow([*fields, "score_benchmark", "score", "score_source", "tags"])
    for i, r in enumerate(rows, 1):
        d = row_json(i, r)
        s = d["score"] or {}
        writer.writerow(
            [d[k] for k in fields]
            + [s.get("benchmark", ""), s.get("value", ""), s.get("source", ""), " ".join(d["tags"])]
        )
    return buf.getvalue()


def markdown_table(header: Sequence[str], body: Sequence[Sequence[str]]) -> str:
    def esc(c: str) -> str:
        return c.replace("|", "\\|")

    lines = ["| " + " | ".join(esc(h) for h in header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(esc(c) for c in row) + " |" for row in body]
    return "\n".join(lines) + "\n"


def plain_table(header: Sequence[str], body: Sequence[Sequence[str]]) -> str:
    """A fixed-width table for terminals and pipes (no colour, no box drawing)."""
    widths = [len(h) for h in header]
    for row in body:
        widths = [max(w, len(c)) for w, c in zip(widths, row, strict=True)]
    out = ["  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)).rstrip()]
    out += ["  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in body]
    return "\n".join(out) + "\n"


def rows_table(rows: Sequence[Row], markdown: bool = False) -> str:
    body = [row_cells(i, r) for i, r in enumerate(rows, 1)]
    return (markdown_table if markdown else plain_table)(ROW_COLUMNS, body)


# --- The hardware pane's lines (shared by the TUI and `llmtui detect`) -------------------------------------


def running_text(r: RunningModel, *, endpoint: bool = True) -> str:
    """'qwen3:8b · 4.9 GiB, 4.6 GiB on GPU · ctx 4096 · at http://127.0.0.1:11434' for a loaded model."""
    parts = [r.model]
    if r.size_bytes:
        mem = f"{r.size_bytes / GiB:.1f} GiB"
        if r.vram_bytes is not None:
            mem += f", {r.vram_bytes / GiB:.1f} GiB on GPU"
        parts.append(mem)
    elif r.devices:
        parts.append(", ".join(f"{b / GiB:.1f} GiB on {d}" for d, b in r.devices))
    if r.ctx:
        parts.append(f"ctx {r.ctx}")
    if r.slots:
        busy = f"{r.busy} of " if r.busy is not None else ""
        parts.append(f"{busy}{r.slots} slot{'' if r.slots == 1 else 's'}" + (" busy" if busy else ""))
    elif r.busy is not None:
        parts.append(f"{r.busy} running" + (f", {r.waiting} waiting" if r.waiting else ""))
    if r.kv_used is not None:
        parts.append(f"KV cache {r.kv_used:.0%} used" + (f" of {r.kv_tokens:,} tokens" if r.kv_tokens else ""))
    if endpoint:
        parts.append(f"at {r.endpoint}")
    return " · ".join(parts)


def process_text(p: GpuProcess) -> str:
    """'python3 (pid 777) · 60.0 GiB on GPU 0 · python3 train.py' for a process holding GPU memory."""
    name = p.name.rsplit("/", 1)[-1] or "a process"
    mem = "memory unknown" if p.used_bytes is None else f"{p.used_bytes / GiB:.1f} GiB"
    text = f"{name} (pid {p.pid}) · {mem} on GPU {p.gpu_index}"
    return text + (f" · {p.command}" if p.command else "")


@dataclass(frozen=True, slots=True)
class HwLine:
    kind: str  # gpu | ram | cpu | run (a model a server holds) | warn | assume (what estimates take for granted)
    label: str
    used_bytes: int | None = None
    total_bytes: int | None = None
    detail: str = ""

    @property
    def fraction(self) -> float | None:
        if self.used_bytes is None or not self.total_bytes:
            return None
        return max(0.0, min(1.0, self.used_bytes / self.total_bytes))


def hardware_lines(build: Build, machine: DetectedMachine | None = None, where: str = "cli") -> list[HwLine]:
    out: list[HwLine] = []
    if machine is not None:
        for g in machine.gpus:
            if g.placeholder:
                out.append(HwLine("warn", g.name, detail=g.placeholder))
                continue
            used = g.used_bytes
            total = g.total_bytes
            if g.unified and g.usable_bytes is not None:
                detail = (
                    f"{fmt_gib(total)} GiB unified · {fmt_gib(g.usable_bytes)} GiB usable by the GPU ({g.usable_note})"
                )
            else:
                detail = f"{fmt_gib(used)} / {fmt_gib(total)} GiB used" if used is not None else f"{fmt_gib(total)} GiB"
            if g.bandwidth_gbs:
                detail += f" · {g.bandwidth_gbs:.0f} GB/s"
            out.append(HwLine("gpu", g.name, used, total, detail))
        h = machine.host
        if h.ram_total_bytes and not build.unified:
            used = h.ram_total_bytes - (h.ram_available_bytes or 0)
            note = " (container limit)" if h.cgroup_memory_limit else ""
            out.append(
                HwLine(
                    "ram",
                    "RAM",
                    used,
                    h.ram_total_bytes,
                    f"{fmt_gib(used)} / {fmt_gib(h.ram_total_bytes)} GiB used{note}",
                )
            )
        cores = f"{h.usable_cores} cores" if h.usable_cores else "cores unknown"
        flags = ", ".join(n for n, on in (("container", h.container), ("WSL", h.wsl), ("SSH", h.ssh)) if on)
        # what holds memory now comes before the CPU line: on a short pane it is the one that shows
        out.extend(
            HwLine("run", f"{r.engine} running", detail=running_text(r, endpoint=False)) for r in machine.running
        )
        served = {pid for r in machine.running for pid in r.pids}
        out.extend(
            HwLine("run", "holds GPU memory", detail=process_text(p))
            for p in machine.processes
            if p.pid not in served and p.used_bytes
        )
        out.append(
            HwLine("cpu", "CPU", detail=f"{h.cpu_name or 'unknown CPU'} · {cores}" + (f" · {flags}" if flags else ""))
        )
        out.extend(HwLine("warn", "!", detail=w) for w in machine.warnings)
        return out + assumption_lines(build, where)
    groups: dict[str, tuple[int, GPU]] = {}
    for bg in build.gpus:
        n, _ = groups.get(bg.name, (0, bg))
        groups[bg.name] = (n + 1, bg)
    for name, (n, gpu) in groups.items():
        count = f"{n}x " if n > 1 else ""
        each = " each" if n > 1 else ""
        detail = f"{fmt_gib(gpu.memory_bytes)} GiB{each}"
        if gpu.usable_bytes is not None:
            detail += f" · {fmt_gib(gpu.usable_bytes)} GiB usable ({gpu.usable_note})"
        detail += f" · {gpu.bandwidth_gbs:g} GB/s"
        if gpu.price_usd is not None:
            detail += f" · ${gpu.price_usd:,.0f}{each} ({gpu.price_note})"
        elif gpu.hourly_usd is not None:
            detail += f" · ${gpu.hourly_usd:,.2f}/h{each} ({gpu.hourly_note})"
        out.append(HwLine("gpu", f"{count}{name}", None, gpu.memory_bytes, detail))
    if build.ram_bytes and not build.unified:
        out.append(
            HwLine(
                "ram",
                "RAM",
                None,
                build.ram_bytes,
                f"{fmt_gib(build.ram_bytes)} GiB · {build.ram_bandwidth_gbs:g} GB/s ({build.ram_bandwidth_note})",
            )
        )
    if build.machines > 1:
        out.append(HwLine("cpu", "Machines", detail=f"{build.machines} identical machines over {build.network}"))
    return out + assumption_lines(build, where)


def assumption_lines(build: Build, where: str = "cli") -> list[HwLine]:
    """What estimates for this build take for granted, as one line for the hardware pane."""
    said = build.assumptions(where)
    return [HwLine("assume", "Assumed", detail=" · ".join(said))] if said else []


def serving_curve_lines(s: Serving, width: int = 24) -> list[str]:
    """The throughput-versus-users curve as text: one line per point, a bar for the aggregate decode
    (scaled to the largest), the t/s in all, each user's t/s and the first token under that load."""
    from .estimate.serving import curve

    pts = curve(s)
    if not pts:
        return []
    top = max(p.aggregate_decode_tps for p in pts) or 1.0
    out = [f"{'users':>5}  {'t/s in all':<{width + 9}} {'each':>6}  first token"]
    for p in pts:
        bar = text_bar(p.aggregate_decode_tps / top, width).replace("░", " ")
        first = "—" if p.ttft_s is None else f"{p.ttft_s:.2f} s"
        out.append(
            f"{p.users:>5}  {bar} {p.aggregate_decode_tps:>8,.0f} {p.per_sequence_decode_tps:>6.1f}  {first:>11}"
        )
    return out


def text_bar(fraction: float | None, width: int) -> str:
    """A fixed-width bar, '█' for the used part and '░' for the rest; spaces when unknown."""
    if fraction is None:
        return " " * width
    full = round(fraction * width)
    return "█" * full + "░" * (width - full)


def stacked_bar(parts: Sequence[int], total: int, width: int) -> list[int]:
    """Cell counts for each part of a bar `width` cells wide that represents `total`; parts that do
    not fit are cut at the bar's end (the caller shows the overflow in words)."""
    cells: list[int] = []
    used = 0
    for p in parts:
        n = round(p / total * width) if total > 0 else 0
        n = max(0, min(n, width - used))
        if p > 0 and n == 0 and used < width:
            n = 1
        cells.append(n)
        used += n
    return cells
