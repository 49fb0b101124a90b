"""Every key, and the filter language, on one screen (? or F1)."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from ...core import query

# Keys that are Textual's own, not llmtui's bindings: said in words.
TEXTUAL_KEYS = (
    ("tab / shift+tab", "move between panes and boxes"),
    ("ctrl+p", "command palette: every key's action by name, and each choice (sort, quant, engine...)"),
)


class HelpScreen(ModalScreen[None]):
    CSS_PATH = Path(__file__).with_name("help.tcss")
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,question_mark,f1", "close", "Close"),
        Binding("j,down", "scroll(1)", show=False),
        Binding("k,up", "scroll(-1)", show=False),
    ]

    def compose(self) -> ComposeResult:
        from .. import keys

        keymap: dict[str, str] = getattr(self.app, "keymap", {})
        doc = (query.__doc__ or "").strip().splitlines()
        seen: set[str] = set()  # the app's keys, on several screens' lists, are listed once
        with VerticalScroll():
            for i, (heading, bindings) in enumerate(keys.sections()):
                yield Static(Text(("\n" if i else "") + heading, style="bold underline"))
                t = Table(box=None, show_header=False, padding=(0, 2))
                t.add_column(style="bold cyan", no_wrap=True)
                t.add_column()
                t.add_column(style="dim", no_wrap=True)
                for key, what, bid in keys.rows(bindings, keymap, seen):
                    t.add_row(key, what, bid)
                if i == 0:
                    for key, what in TEXTUAL_KEYS:
                        t.add_row(key, what, "")
                yield Static(t)
            yield Static(
                Text(
                    "\nRemap a key in keymap.toml in the config folder (llmtui paths shows it), by the id in "
                    'the third column: a [keys] table, then "main.sort" = "S".',
                    style="dim",
                )
            )
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
            yield Static(Text("\n".join(doc)))
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
