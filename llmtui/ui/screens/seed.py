"""The seed article's hardware table as a view of its own: each row's figures as the article published
them next to llmtui's, with the article's errors named (llmtui.core.seed computes everything)."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.widgets import DataTable, Footer, Static

from ...core.catalog import Catalog
from ...core.output import seed_cells
from ...core.plan import READABLE_TPS
from ...core.seed import CTX, QUANT, seed_table
from ..plain import plain_cells
from ..state import ViewState
from .table_view import TableView

COLUMNS = (
    "Model (seed)",
    "Seed GB",
    "Ours GB",
    "Seed hardware",
    "Seed t/s",
    "There (ours)",
    f"Cheapest at {READABLE_TPS:g}+ t/s (ours)",
)


class SeedScreen(TableView):
    CSS_PATH = Path(__file__).with_name("seed.tcss")
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,a", "close", "Back"),
    ]

    def __init__(self, catalog: Catalog, state: ViewState) -> None:
        super().__init__(catalog, state)
        self.rows = seed_table(catalog, engine=state.engine)

    def compose(self) -> ComposeResult:
        yield Static(
            f"The seed article's 'Hardware needed per model' ({QUANT}, {CTX // 1024}K) next to llmtui's · "
            f"{self.state.engine} · GB = 10^9 bytes",
            id="seed-title",
        )
        yield DataTable(id="seed", cursor_type="row", zebra_stripes=True)
        with VerticalScroll(id="seed-errors"):
            yield Static(self._errors())
        yield Footer()

    def _errors(self) -> Text:
        out = Text()
        out.append("Where the article is wrong, and where the named hardware does not hold the model\n", style="bold")
        for r in self.rows:
            for p in r.problems:
                out.append(f"{r.model_text}: ", style="bold")
                out.append(f"{p}\n")
        return out

    def on_mount(self) -> None:
        t = self.query_one(DataTable)
        t.add_columns(*COLUMNS)
        for r in self.rows:
            t.add_row(*plain_cells(*seed_cells(r)))
        t.focus()
