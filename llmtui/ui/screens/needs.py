"""The seed article's "hardware needed per model" view: for each model, the memory at the chosen
quant and context, the cheapest catalogue hardware that runs it, its price, and the speed there."""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Any, ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.css.query import NoMatches
from textual.widgets import DataTable, Footer, Static
from textual.worker import get_current_worker

from ...core.output import fmt_gib, price_text
from ...core.plan import READABLE_TPS, hardware_needed
from ...core.units import fmt_ctx
from ..plain import plain_cells
from .table_view import TableView


class NeedsScreen(TableView):
    CSS_PATH = Path(__file__).with_name("needs.tcss")
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,H", "close", "Back"),
        Binding("a", "seed", "The article's table"),
    ]

    def compose(self) -> ComposeResult:
        st = self.state
        yield Static(
            f"Hardware needed per model · {st.quant} · {fmt_ctx(st.ctx)} context · {st.engine}", id="needs-title"
        )
        yield DataTable(id="needs", cursor_type="row", zebra_stripes=True)
        yield Static(
            f"Cheapest catalogue configuration whose GPU (or unified) memory holds the model and decodes at "
            f"least {READABLE_TPS:g} t/s, at the cheapest "
            "listed price of any kind (used, street, launch MSRP; a GPU build's host is not counted); "
            "datacentre GPUs at their cloud price per hour; GPU builds assume a host with 64 GB RAM, not priced. "
            "Sources: data/hardware/*.toml. ← → scroll when the table is wider than the screen.",
            id="needs-note",
        )
        yield Footer()

    def on_mount(self) -> None:
        t = self.query_one(DataTable)
        # fixed widths, so the five columns fit 100 columns; longer names end in "…"
        for label, width in (("Model", 24), ("Mem GiB", 8), ("Cheapest hardware", 30), ("Price", 17), ("t/s", 6)):
            t.add_column(label, width=width)
        t.focus()
        self.fill()

    @work(thread=True, exclusive=True, description="hardware needed")
    def fill(self) -> None:
        st = self.state
        needed = hardware_needed(self.catalog, quant=st.quant, ctx=st.ctx, kv_type=st.kv_type, engine=st.engine)
        for n in needed:
            if get_current_worker().is_cancelled:
                return
            p = n.plan
            if p is not None:
                s = p.estimate.speed
                row = (
                    _short(n.model.name),
                    fmt_gib(n.memory_bytes),
                    _short(p.build.describe(ram=False), 30),  # the host's RAM is the planner's assumption
                    price_text(p.price_usd, p.price_kind, p.hourly_usd),
                    f"{s.decode_expected:.1f}" if s else "—",
                )
            else:
                row = (_short(n.model.name), fmt_gib(n.memory_bytes), f"none at {READABLE_TPS:g}+ t/s", "—", "—")
            self.app.call_from_thread(self._add_row, plain_cells(*row))

    def _add_row(self, cells: list[Any]) -> None:
        """A row from the worker; the screen may have closed meanwhile (H then escape, fast)."""
        if self.is_attached and self.is_current:
            with contextlib.suppress(NoMatches):
                self.query_one(DataTable).add_row(*cells)

    def action_seed(self) -> None:
        from .seed import SeedScreen

        self.app.open_screen(SeedScreen(self.catalog, self.state))  # type: ignore[attr-defined]


def _short(name: str, width: int = 24) -> str:
    return name if len(name) <= width else name[: width - 1] + "…"
