"""The `/` filter box: hidden until asked for; every keystroke posts the query, escape clears it."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.message import Message
from textual.widgets import Input, Label


class FilterBar(Horizontal):
    DEFAULT_CSS = """
    FilterBar { height: 1; display: none; background: $boost; }
    FilterBar.-open { display: block; }
    FilterBar Label { width: auto; padding: 0 1; color: $accent; }
    FilterBar Input { border: none; height: 1; width: 1fr; padding: 0; background: $boost; }
    FilterBar #filter-error { color: $error; width: auto; max-width: 50%; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "clear", "Clear filter", show=True)]

    class Changed(Message):
        def __init__(self, text: str) -> None:
            super().__init__()
            self.text = text

    class Done(Message):
        def __init__(self, cleared: bool) -> None:
            super().__init__()
            self.cleared = cleared

    def compose(self) -> ComposeResult:
        yield Label("/")
        yield Input(placeholder="qwen size<40 use:coding fits ctx>=32k  (? for help)", id="filter-input")
        yield Label("", id="filter-error")

    @property
    def input(self) -> Input:
        return self.query_one(Input)

    def open(self) -> None:
        self.add_class("-open")
        self.input.focus()

    def set_error(self, message: str) -> None:
        self.query_one("#filter-error", Label).update(message)

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        self.post_message(self.Changed(event.value))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if not event.value:
            self.remove_class("-open")
        self.post_message(self.Done(cleared=False))

    def action_clear(self) -> None:
        self.input.value = ""
        self.set_error("")
        self.remove_class("-open")
        self.post_message(self.Changed(""))
        self.post_message(self.Done(cleared=True))
