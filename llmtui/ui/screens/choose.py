"""A small keyboard-first picker: arrows or j/k, enter to choose, escape to cancel. A long list (the
hardware catalogue) gets a search box instead of j/k: typing narrows it, arrows move, enter chooses."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList
from textual.widgets.option_list import Option


def matching(options: list[tuple[str, str]], text: str) -> list[tuple[str, str]]:
    """The options whose label holds every word of text, in any order and case."""
    words = text.lower().split()
    return [(key, label) for key, label in options if all(w in label.lower() for w in words)]


class ChoiceScreen(ModalScreen[str | None]):
    DEFAULT_CSS = """
    ChoiceScreen { align: center middle; }
    ChoiceScreen > Vertical { width: auto; min-width: 30; max-width: 90%; height: auto; max-height: 80%;
                              border: round $accent; background: $surface; padding: 0 1; }
    ChoiceScreen Label { text-style: bold; padding-bottom: 1; }
    ChoiceScreen Input { margin-bottom: 1; background: $boost; }
    ChoiceScreen OptionList { height: auto; max-height: 20; border: none; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel"),
        Binding("j", "down", show=False),
        Binding("k", "up", show=False),
        # With the search box focused, letters type into it and these arrive from it unused:
        Binding("down", "down", show=False),
        Binding("up", "up", show=False),
        Binding("pagedown", "page(1)", show=False),
        Binding("pageup", "page(-1)", show=False),
    ]

    def __init__(
        self, title: str, options: list[tuple[str, str]], current: str | None = None, *, search: bool = False
    ) -> None:
        super().__init__()
        self._dismissed = False  # (not `_closing`: Textual uses that name for its message pump)
        self.title_text = title
        self.options = options
        self.current = current
        self.search = search

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(self.title_text, markup=False)
            if self.search:
                yield Input(placeholder="type to narrow, e.g. 4090 or m4 max 128", compact=True)
            yield OptionList(*self._option_widgets(self.options), markup=False)

    def _option_widgets(self, options: list[tuple[str, str]]) -> list[Option]:
        if not options:
            return [Option("nothing matches" if self.search else "nothing to choose", id="", disabled=True)]
        return [Option(label, id=key) for key, label in options]

    def on_mount(self) -> None:
        ol = self.query_one(OptionList)
        for i, (key, _) in enumerate(self.options):
            if key == self.current:
                ol.highlighted = i
        if ol.highlighted is None and self.options:
            ol.highlighted = 0
        (self.query_one(Input) if self.search else ol).focus()

    @on(Input.Changed)
    def _narrow(self, event: Input.Changed) -> None:
        event.stop()
        ol = self.query_one(OptionList)
        ol.clear_options()
        ol.add_options(self._option_widgets(matching(self.options, event.value)))
        ol.highlighted = 0 if ol.option_count and not ol.get_option_at_index(0).disabled else None

    @on(Input.Submitted)
    def _submit(self, event: Input.Submitted) -> None:
        event.stop()
        ol = self.query_one(OptionList)
        if ol.highlighted is not None:
            option = ol.get_option_at_index(ol.highlighted)
            if not option.disabled:
                self._close(option.id)

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

    def action_page(self, direction: int) -> None:
        ol = self.query_one(OptionList)
        if direction > 0:
            ol.action_page_down()
        else:
            ol.action_page_up()
