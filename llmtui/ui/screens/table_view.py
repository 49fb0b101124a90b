"""What the full-screen table views (hardware needed per model, the seed article's table) share: the
catalogue and view state they show, j/k movement, and a close that ignores a second queued key."""

from __future__ import annotations

from typing import ClassVar

from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import DataTable

from ...core.catalog import Catalog
from ..state import ViewState


class TableView(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j", "down", show=False),
        Binding("k", "up", show=False),
    ]

    def __init__(self, catalog: Catalog, state: ViewState) -> None:
        super().__init__()
        self.catalog = catalog
        self.state = state

    def action_close(self) -> None:
        if self.is_current:  # a second close key queued meanwhile is ignored
            self.app.pop_screen()

    def action_down(self) -> None:
        self.query_one(DataTable).action_cursor_down()

    def action_up(self) -> None:
        self.query_one(DataTable).action_cursor_up()
