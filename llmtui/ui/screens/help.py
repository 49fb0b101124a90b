"""Every key, and the filter language, on one screen (? or F1)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from ...core import query

KEYS = (
    ("Move", "j/k or ↓/↑ · pgdn/pgup · g/G top/bottom · tab moves between panes"),
    ("/", "filter the leaderboard (escape clears it)"),
    ("enter", "open the selected model's detail"),
    ("d", "show or hide the detail pane"),
    ("s / r", "sort by a column / reverse the sort (click a header too)"),
    ("b", "quantization (bits) for every row"),
    ("c", "context length"),
    ("K", "KV cache type (f16, q8_0, q4_0)"),
    ("e", "engine: llama.cpp, Ollama, vLLM, MLX"),
    ("m", "the score (metric) to show and rank by"),
    ("p", "use-case presets from the seed article"),
    ("f", "show only models that fit this build"),
    ("o", "build: this machine or a saved profile"),
    ("w", "what-if planner: compose a build, compare builds, reverse planning"),
    ("H", "hardware needed per model: the cheapest hardware that runs each"),
    ("A", "the seed article's hardware table next to llmtui's figures, its errors named (a from H)"),
    ("y", "copy the launch command (OSC 52: works over SSH)"),
    ("ctrl+p", "command palette: every action by name"),
    ("? / F1", "this help"),
    ("q / ctrl+q", "quit"),
)


_KEY_NAMES = {"plus": "+", "equals_sign": "=", "minus": "-", "question_mark": "?", "slash": "/"}


def binding_rows(bindings: Iterable[Any]) -> list[tuple[str, str]]:
    """(keys, what) for each binding of a screen, from the bindings themselves, so help never
    misses a key the screen has."""
    out = []
    for b in bindings:
        keys = " / ".join(_KEY_NAMES.get(k.strip(), k.strip()) for k in str(b.key).split(","))
        out.append((keys, str(b.description or b.action)))
    return out


class HelpScreen(ModalScreen[None]):
    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > VerticalScroll { width: 90%; max-width: 110; height: 90%; border: round $accent;
                                  background: $surface; padding: 0 1; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,question_mark,f1", "close", "Close"),
        Binding("j,down", "scroll(1)", show=False),
        Binding("k,up", "scroll(-1)", show=False),
    ]

    def compose(self) -> ComposeResult:
        t = Table(box=None, show_header=False, padding=(0, 2))
        t.add_column(style="bold cyan", no_wrap=True)
        t.add_column()
        for key, what in KEYS:
            t.add_row(key, what)
        doc = (query.__doc__ or "").strip().splitlines()
        filt = Text("\n".join(doc), style="")
        with VerticalScroll():
            yield Static(Text("llmtui keys", style="bold underline"))
            yield Static(t)
            from .planner import PlannerScreen

            planner = Table(box=None, show_header=False, padding=(0, 2))
            planner.add_column(style="bold cyan", no_wrap=True)
            planner.add_column()
            for key, what in binding_rows(PlannerScreen.BINDINGS):
                planner.add_row(key, what)
            yield Static(Text("\nIn the planner (w)", style="bold underline"))
            yield Static(planner)
            yield Static(Text("\nThe ranking", style="bold underline"))
            yield Static(
                Text(
                    "Rows rank by what this build runs first: fully on the GPU, then with layers or experts "
                    "in RAM, then CPU only, then not at all, each by the score (m picks it). s then 'score' "
                    "is the full ranking. Memory, fit and t/s are at the quant in the title (b changes it); "
                    "'Best fit' is the best quant that fits and how, 'Adj' the score adjusted for that "
                    "quant's measured loss, 'Loss' the loss itself.",
                )
            )
            yield Static(Text("\nThe filter language", style="bold underline"))
            yield Static(filt)
            yield Static(
                Text(
                    "\nUnits: GiB = 2^30 bytes (memory), GB = 10^9 bytes (files), GB/s bandwidth. "
                    "Every estimate shows its basis in the detail pane.",
                    style="dim",
                )
            )

    def action_close(self) -> None:
        if self.is_current:
            self.dismiss(None)

    def action_scroll(self, step: int) -> None:
        self.query_one(VerticalScroll).scroll_relative(y=step, animate=False)
