"""Work-arounds for faults of the UI toolkit, each with the version it was seen in.

Both were found by the 500-random-keys tests (tests/ui/test_reliability.py), and both end the app:

- Textual 8.2: OptionList._move_page (PageUp/PageDown) reads the line map before the list has been
  laid out and raises KeyError, when PageDown reaches a picker or the command palette the instant it
  opens. Paging before layout now does nothing.
- Textual 8.2: the command palette's search worker looks up its result list after the palette has
  closed (NoMatches). A search whose palette is gone now just stops.
"""

from __future__ import annotations

from typing import Any


def patch_option_list_paging() -> None:
    from textual.widgets import OptionList

    original = getattr(OptionList, "_move_page", None)
    if original is None or getattr(original, "_llmtui_guarded", False):
        return

    def _move_page(self: Any, direction: int) -> None:
        if (self.highlighted or 0) not in self._index_to_line:
            return  # not laid out yet
        original(self, direction)

    _move_page._llmtui_guarded = True  # type: ignore[attr-defined]
    _move_page.__wrapped__ = original  # type: ignore[attr-defined]
    OptionList._move_page = _move_page  # type: ignore[method-assign]


def patch_command_palette_search() -> None:
    from textual import work
    from textual.command import CommandPalette
    from textual.css.query import NoMatches

    original = getattr(CommandPalette._gather_commands, "__wrapped__", None)
    if original is None or getattr(CommandPalette._gather_commands, "_llmtui_guarded", False):
        return

    @work(exclusive=True, group=CommandPalette._GATHER_COMMANDS_GROUP, description="palette search")
    async def _gather_commands(self: Any, search_value: str) -> None:
        try:
            await original(self, search_value)
        except NoMatches:
            return  # the palette closed while the search ran

    _gather_commands._llmtui_guarded = True  # type: ignore[attr-defined]
    CommandPalette._gather_commands = _gather_commands  # type: ignore[method-assign]


def apply() -> None:
    patch_option_list_paging()
    patch_command_palette_search()
