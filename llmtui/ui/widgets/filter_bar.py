"""The `/` filter box: hidden until asked for; every keystroke hands the query to the screen at once,
escape clears it."""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.geometry import Size
from textual.message import Message
from textual.reactive import Reactive
from textual.widgets import Input, Label


class QueryInput(Input):
    """An Input that reports each new value from its watcher, inside the keystroke's own handler.

    A message would reach the screen a step later, after Textual has drawn the typed character,
    and the filtered table would then wait for the next frame (16-33 ms at 60 fps). Called here,
    the character and the new rows go out in one frame.

    Its width is fixed (1fr of the bar), so the text's width, which an Input keeps as its virtual
    size, changes nothing in the layout: a change repaints it instead of laying out the whole screen
    again (Widget.virtual_size lays out; with the table beside it that cost ~5 ms a keystroke)."""

    virtual_size: Reactive[Size] = Reactive(Size(0, 0), layout=False)

    def __init__(self, on_value: Callable[[str], None], **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self._on_value = on_value

    def watch_value(self, value: str) -> None:
        self._on_value(value)


class FilterBar(Horizontal):
    DEFAULT_CSS = """
    FilterBar { height: 1; display: none; background: $boost; }
    FilterBar.-open { display: block; }
    FilterBar Label { width: auto; padding: 0 1; color: $accent; }
    FilterBar Input { width: 1fr; background: $boost; }
    FilterBar #filter-error { color: $error; width: auto; max-width: 50%; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "clear", "Clear filter", show=True)]

    class Done(Message):
        def __init__(self, cleared: bool) -> None:
            super().__init__()
            self.cleared = cleared

    def __init__(self, on_change: Callable[[str], None], *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._on_change = on_change
        self._quiet = False

    def compose(self) -> ComposeResult:
        yield Label("/")
        hint = "qwen size<40 use:coding fits ctx>=32k  (? for help)"
        yield QueryInput(self._typed, placeholder=hint, compact=True, id="filter-input")
        yield Label("", id="filter-error", markup=False)

    @property
    def input(self) -> Input:
        return self.query_one(Input)

    def open(self, text: str | None = None) -> None:
        """Show the box and give it the keyboard at once (not on the next refresh): keys that arrive
        in the same read as the '/' (a paste, a fast typist over ssh) must land in the box, not act
        as the main screen's keys."""
        self.add_class("-open")
        box = self.input
        if text is not None:
            box.insert_text_at_cursor(text)
        self.screen.set_focus(box)

    def set_error(self, message: str) -> None:
        self.query_one("#filter-error", Label).update(message)

    def set_text(self, text: str) -> None:
        """Show a query set elsewhere (a preset) without reporting it back as typed."""
        self._quiet = True
        try:
            self.input.value = text
        finally:
            self._quiet = False

    def _typed(self, text: str) -> None:
        if not self._quiet:
            self._on_change(text)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if not event.value:
            self.remove_class("-open")
        self.post_message(self.Done(cleared=False))

    def action_clear(self) -> None:
        had_text = bool(self.input.value)
        self.set_text("")
        self.set_error("")
        self.remove_class("-open")
        if had_text:
            self._on_change("")
        self.post_message(self.Done(cleared=True))
