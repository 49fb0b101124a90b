"""The toolkit work-arounds in llmtui/ui/compat.py still do their job (and are still needed)."""

from __future__ import annotations

import pytest
from textual.widgets import OptionList

from llmtui.ui import compat


def test_paging_an_option_list_before_layout_does_nothing() -> None:
    compat.apply()
    ol = OptionList("a", "b", "c")
    ol._move_page(1)  # before the fix: KeyError 0 (no line map yet)
    assert ol.highlighted in (None, 0)


def test_the_unpatched_paging_fault_is_real() -> None:
    """If Textual fixes this, the work-around can go: this test then fails and says so."""
    compat.apply()
    original = OptionList._move_page.__wrapped__  # type: ignore[attr-defined]
    with pytest.raises(KeyError):
        original(OptionList("a", "b"), 1)


def test_patches_apply_once() -> None:
    from textual.command import CommandPalette

    compat.apply()
    first = (OptionList._move_page, CommandPalette._gather_commands)
    compat.apply()
    assert (OptionList._move_page, CommandPalette._gather_commands) == first
    assert getattr(CommandPalette._gather_commands, "_llmtui_guarded", False)
