"""Reverse planning: pick a model, quant, context and target speed; the cheapest catalogue builds that
meet it (the price/speed Pareto front, llmtui.core.plan.cheapest_builds)."""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Any, ClassVar

from rich.table import Table
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.css.query import NoMatches
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

from ...core.catalog import Catalog
from ...core.estimate import EstimateError
from ...core.output import PLAN_COLUMNS, plan_cells
from ...core.plan import cheapest_builds
from ..plain import plain_cells
from ..state import ViewState


class ReversePlanScreen(ModalScreen[None]):
    """Pick a model, quant, context and target speed: the cheapest catalogue builds that meet it."""

    CSS_PATH = Path(__file__).with_name("reverse_plan.tcss")
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "close", "Back"), Binding("ctrl+r", "run", "Plan")]

    def __init__(self, catalog: Catalog, model: Any, view: ViewState, engine: str) -> None:
        super().__init__()
        self.catalog = catalog
        self.model = model
        self.view = view
        self.engine = engine

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(f"Reverse planning: the cheapest builds for a target speed · {self.engine}")
            yield Label("tab / shift+tab move between fields · enter plans · escape goes back", classes="hint")
            for fid, label, value in (
                ("rp-model", "Model", self.model.id),
                ("rp-quant", "Quant", self.view.quant),
                ("rp-ctx", "Context", str(self.view.ctx)),
                ("rp-tps", "Target t/s", "10"),
            ):
                with Horizontal(classes="field"):
                    yield Label(label)
                    yield Input(value=value, id=fid, compact=True)
            yield Static("", id="rp-error", markup=False)
            yield VerticalScroll(Static("Enter in any field plans.", id="rp-out", markup=False))

    def on_mount(self) -> None:
        self.query_one("#rp-tps", Input).focus()
        self.action_run()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.action_run()

    def action_run(self) -> None:
        from ...core.boundary import InputError
        from ...core.boundary.numbers import ctx_tokens, number
        from ...core.estimate import find_quant

        model = self.catalog.model(self.query_one("#rp-model", Input).value)
        quant = find_quant(self.query_one("#rp-quant", Input).value)
        err = ""
        try:
            ctx = ctx_tokens(self.query_one("#rp-ctx", Input).value, "Context")
            tps = number(self.query_one("#rp-tps", Input).value, "Target t/s", lo=0, hi=100_000)
        except InputError as e:
            err, ctx, tps = str(e), 0, 0.0
        if model is None:
            err = self.catalog.unknown_model_message(self.query_one("#rp-model", Input).value)
        elif quant is None:
            err = "unknown quant"
        self.query_one("#rp-error", Static).update(err)
        if not err and model is not None and quant is not None:
            self.query_one("#rp-out", Static).update("planning…")
            self._plan(model, quant.name, ctx, tps)

    @work(thread=True, exclusive=True, description="reverse plan")
    def _plan(self, model: Any, quant: str, ctx: int, tps: float) -> None:
        try:
            plans = cheapest_builds(
                model,
                self.catalog,
                quant=quant,
                ctx=ctx,
                target_tps=tps,
                engine=self.engine,
                kv_type=self.view.kv_type,
                limit=12,
            )
        except EstimateError as e:
            self.app.call_from_thread(self._landed, "#rp-error", str(e))
            return
        t = Table(header_style="bold", expand=True)
        for col in PLAN_COLUMNS:
            t.add_column(col)
        for p in plans:
            t.add_row(*plain_cells(*plan_cells(p)))
        if not plans:
            text = f"No catalogue build runs {model.name} at {quant} fully in GPU memory at {tps:g} t/s."
            self.app.call_from_thread(self._landed, "#rp-out", text)
            return
        self.app.call_from_thread(self._landed, "#rp-out", t)

    def _landed(self, where: str, content: Any) -> None:
        """A worker's result, on the UI thread; the screen may have closed meanwhile."""
        with contextlib.suppress(NoMatches):
            self.query_one(where, Static).update(content)

    def action_close(self) -> None:
        if self.is_current:
            self.dismiss(None)
