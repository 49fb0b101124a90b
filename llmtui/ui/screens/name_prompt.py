"""A one-line prompt for a name (a profile's), checked as it will be saved."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label


class NameScreen(ModalScreen[str | None]):
    CSS_PATH = Path(__file__).with_name("name_prompt.tcss")
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, title: str, value: str = "") -> None:
        super().__init__()
        self.title_text = title
        self.value = value

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(self.title_text)
            yield Input(value=self.value if self.value != "planned" else "", placeholder="homelab")
            yield Label("", id="name-error", markup=False)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        from ...core.profiles import ProfileError, check_name

        if not self.is_current:
            return
        try:
            self.dismiss(check_name(event.value))
        except ProfileError as e:
            self.query_one("#name-error", Label).update(str(e))

    def action_cancel(self) -> None:
        if self.is_current:
            self.dismiss(None)
