"""A small keyboard-first picker: arrows or j/k, enter to choose, escape to cancel."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option


class ChoiceScreen(ModalScreen[str | None]):
    DEFAULT_CSS = """
    ChoiceScreen { align: center middle; }
    ChoiceScreen > Vertical { width: auto; min-width: 30; max-width: 90%; height: auto; max-height: 80%;
                              border: round $accent; background: $surface; padding: 0 1; }
    ChoiceScreen Label { text-style: bold; padding-bottom: 1; }
    ChoiceScreen OptionList { height: auto; max-height: 20; border: none; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel"),
        Binding("j", "down", show=False),
        Binding("k", "up", show=False),
    ]

    def __init__(self, title: str, options: list[tuple[str, str]], current: str | None = None) -> None:
        super().__init__()
        self._dismissed = False  # (not `_closing`: Textual uses that name for its message pump)
        self.title_text = title
        self.options = options
        self.current = current

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(self.title_text)
            yield OptionList(*[Option(label, id=key) for key, label in self.options])

    def on_mount(self) -> None:
        ol = self.query_one(OptionList)
        for i, (key, _) in enumerate(self.options):
            if key == self.current:
                ol.highlighted = i
        ol.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self._close(event.option.id)

    def action_cancel(self) -> None:
        self._close(None)

    def _close(self, value: str | None) -> None:
        """Dismiss once: a second enter (or escape) queued before the screen left is ignored."""
        if not self._dismissed and self.is_current:
            self._dismissed = True
            self.dismiss(value)

    def action_down(self) -> None:
        self.query_one(OptionList).action_cursor_down()

    def action_up(self) -> None:
        self.query_one(OptionList).action_cursor_up()
