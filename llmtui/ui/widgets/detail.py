"""The detail pane: memory breakdown against each device, placement, speed with its range and
roofline, the quant table, scores with sources, and the launch command. Every figure comes from
llmtui.core (the same estimate `llmtui estimate --json` prints)."""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual.containers import VerticalScroll
from textual.widgets import Static

from ...core.output import FIT_LABEL, fmt_gib, serving_curve_lines, stacked_bar
from ...core.units import GB, fmt_ctx, fmt_params, fmt_tps

if TYPE_CHECKING:  # the pane's first model arrives after the first frame; so do these modules
    from ...core.detail import ModelDetail

SEGMENTS = (
    ("█", "blue", "weights"),
    ("▓", "magenta", "KV cache"),
    ("▒", "yellow", "compute"),
    ("░", "cyan", "overhead"),
)
BAR = 28


class DetailPane(VerticalScroll, can_focus=True):
    DEFAULT_CSS = """
    DetailPane { padding: 0 1; border-left: tall $panel; }
    DetailPane:focus { border-left: tall $accent; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._body = Static("Select a model to see its memory, placement and speed.", id="detail-body", markup=False)
        self.launch_text = ""
        self._detail_text: RenderableType = ""

    def compose(self):  # type: ignore[no-untyped-def]
        yield self._body

    def clear(self, message: str) -> None:
        self.launch_text = ""
        self._detail_text = Text(message, style="dim")
        self._body.update(self._detail_text)

    def show(self, d: ModelDetail, launch: str = "") -> None:
        self.launch_text = launch
        self._detail_text = render_detail(d, launch, bar=max(8, min(28, self.size.width - 48)))
        self._body.update(self._detail_text)
        self.scroll_home(animate=False)

    def plain_text(self, width: int = 100) -> str:
        """What the pane shows, as plain text (tests and screen readers of the code read this)."""
        from rich.console import Console

        console = Console(width=width, record=True, color_system=None, file=io.StringIO())
        console.print(self._detail_text)
        return console.export_text()


def render_detail(d: ModelDetail, launch: str, bar: int = BAR) -> RenderableType:
    from ...core.report import FIT_SENTENCE

    e = d.estimate
    m = e.model
    parts: list[RenderableType] = []
    head = Text()
    head.append(m.name, style="bold")
    size = fmt_params(m.params_b) + (f" total, {fmt_params(m.active_params_b)} active (MoE)" if m.is_moe else "")
    head.append(f"\n{size} · {m.family} · {m.license} · released {m.released}\n", style="dim")
    head.append(f"{m.hf_repo}", style="dim")
    if m.tags:
        head.append(f" · {', '.join(m.tags)}", style="dim")
    parts.append(head)

    fit = Text()
    fit.append(f"\n{e.quant} · {fmt_ctx(e.ctx)} context · {e.engine}: ", style="bold")
    style = {"gpu": "green", "gpu+cpu": "yellow", "cpu": "magenta", "none": "red"}[e.status]
    fit.append(FIT_SENTENCE[e.status], style=f"bold {style}")
    if e.max_ctx:
        fit.append(f" · largest context for this fit: {fmt_ctx(e.max_ctx)}")
    if e.reason:
        fit.append(f"\n{e.reason}", style=style)
    if e.now is not None:
        fit.append(f"\n{e.now.sentence(e.status)}", style="" if e.now.status == e.status else "yellow")
    parts.append(fit)

    mem = e.memory
    bars = Text()
    for dev in e.devices:
        if not dev.used_bytes:
            continue
        usable = max(dev.usable_bytes, 1)
        values = [dev.weights_bytes, dev.kv_bytes, dev.compute_bytes, dev.overhead_bytes]
        cells = stacked_bar(values, usable, bar)
        bars.append(f"{dev.name[:18]:18} [")
        for (ch, color, _), n in zip(SEGMENTS, cells, strict=True):
            bars.append(ch * n, style=color)
        bars.append("·" * (bar - sum(cells)), style="dim")
        over = dev.used_bytes > dev.usable_bytes
        bars.append("] ")
        bars.append(f"{fmt_gib(dev.used_bytes)}/{fmt_gib(dev.usable_bytes)} GiB", style="red" if over else "")
        if dev.layers:
            held = f" {dev.layers} layers"
        elif dev.kind == "cpu" and e.n_cpu_moe:  # --n-cpu-moe: the experts stay in RAM, the layers on GPU
            held = f" experts of {e.n_cpu_moe} layers"
        else:
            held = " embeddings"
        bars.append(held + "\n", style="dim")
    legend = Text("  ".join(f"{ch} {name}" for ch, _, name in SEGMENTS) + "  · free", style="dim")
    parts += [bars, legend]
    if e.n_cpu_moe:
        parts.append(Text(f"experts of the first {e.n_cpu_moe} layers stay in RAM (--n-cpu-moe {e.n_cpu_moe})"))
    for note in e.notes:
        parts.append(Text(note, style="yellow"))

    t = Table(box=None, show_header=False, padding=(0, 1), pad_edge=False)
    t.add_column()
    t.add_column(justify="right")
    t.add_row("weights", f"{fmt_gib(mem.weights_bytes, 2)} GiB")
    t.add_row(f"KV cache ({e.kv_type})", f"{fmt_gib(mem.kv_cache_bytes, 2)} GiB")
    t.add_row("compute buffers", f"{fmt_gib(mem.compute_bytes, 2)} GiB")
    t.add_row("runtime overhead", f"{fmt_gib(mem.overhead_bytes, 2)} GiB")
    t.add_row(Text("total", style="bold"), Text(f"{fmt_gib(mem.total_bytes, 2)} GiB", style="bold"))
    t.add_row("file size", f"{mem.file_bytes / GB:.2f} GB")
    parts.append(Text("\nMemory", style="bold underline"))
    parts.append(t)

    s = e.speed
    parts.append(Text("\nSpeed", style="bold underline"))
    if s is None:
        parts.append(Text("no speed: the model does not run on this build", style="dim"))
    else:
        sp = Text()
        sp.append(f"decode {s.decode_expected:.1f} t/s", style="bold")
        sp.append(f" (range {s.decode_low:.1f}–{s.decode_high:.1f}) · roofline {s.roofline:.1f} t/s")
        sp.append(f" · with {s.depth} tokens in context", style="dim")
        if s.prefill_tps is not None and s.ttft_s is not None:
            sp.append(
                f"\nprefill {fmt_tps(s.prefill_tps)} t/s · first token after {s.ttft_s:.2f} s"
                f" for a {s.prompt_tokens}-token prompt"
            )
        else:
            sp.append("\nprefill unknown (device FLOPS not in the catalogue)", style="dim")
        parts.append(sp)

    sv = d.serving
    if sv is not None and sv.point is not None:
        most = f"most at once: {sv.max_concurrent_sequences:,}" + (
            f" (vLLM max-num-seqs; memory {sv.memory_limit:,})" if sv.engine_cap else ""
        )
        parts.append(Text(f"\nUsers at once ({fmt_ctx(sv.ctx)} each, {sv.engine}; {most})", style="bold underline"))
        curve_text = Text()
        for i, line in enumerate(serving_curve_lines(sv, width=max(8, min(24, bar - 4)))):
            curve_text.append(line + "\n", style="dim" if i == 0 else "")
        parts.append(curve_text)
        parts.append(Text(f"first token for a {sv.prompt_tokens}-token prompt arriving under that load", style="dim"))

    qt = Table(box=None, padding=(0, 1), pad_edge=False, header_style="bold")
    cols: list[tuple[str, str]] = [("quant", "left"), ("mem GiB", "right"), ("fit", "left"), ("t/s", "right")]
    cols += [("loss", "right"), ("note", "left")]
    for col, just in cols:
        qt.add_column(col, justify=just)  # type: ignore[arg-type]
    for q in d.quants:
        mark = "bold" if q.quant == e.quant else ""
        qt.add_row(
            Text(q.quant, style=mark),
            fmt_gib(q.memory_bytes),
            FIT_LABEL.get(q.status, q.status),
            "—" if q.decode_tps is None else f"{q.decode_tps:.1f}",
            "?" if q.loss is None else q.loss.label(),
            Text(q.note, style="dim"),
        )
    parts += [Text("\nQuants (loss: llama.cpp perplexity; notes: seed article)", style="bold underline"), qt]
    shown = next((q.loss for q in d.quants if q.quant == e.quant and q.loss), None)
    if shown is not None:
        line = f"loss at {e.quant}: PPL x{shown.ppl_ratio:.3f}"
        if shown.kld is not None:
            line += f", KLD {shown.kld:.4f}"
        line += f", {shown.basis}; adjusted score = score / PPL ratio"
        parts.append(Text(line, style="dim"))

    parts.append(Text("\nScores", style="bold underline"))
    if d.primary_missing:
        parts.append(Text(d.primary_missing, style="yellow"))
    if not d.scores:
        parts.append(Text("no published scores in the catalogue (missing, not zero)", style="dim"))
    else:
        st = Table(box=None, padding=(0, 1), pad_edge=False, header_style="bold")
        st.add_column("benchmark")
        st.add_column("score", justify="right")
        st.add_column("source", overflow="fold")
        for sc in d.scores:
            st.add_row(
                Text(
                    sc.benchmark
                    + (f" {sc.version}" if sc.version else "")
                    + (f", {sc.measured_by}" if sc.measured_by else "")
                ),
                f"{sc.value:g}",
                Text(sc.source + (f" ({sc.detail})" if sc.detail else ""), style="dim"),
            )
        parts.append(st)

    if launch:
        parts.append(Text("\nLaunch (y copies)", style="bold underline"))
        parts.append(Text(launch, style="green"))

    if m.notes:
        parts.append(Text("\nNotes", style="bold underline"))
        parts.append(Text(m.notes, style="italic dim"))
    parts.append(Text("\nBasis", style="bold underline"))
    basis = Text(style="dim")
    for k, v in e.basis.items():
        basis.append(f"{k}: {v}\n")
    if s is not None:
        for line in s.basis:
            basis.append(f"speed: {line}\n")
    parts.append(basis)
    return Group(*parts)
