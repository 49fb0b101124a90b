"""Every key of the app in one place: the screens' own BINDINGS, each with an id and a tooltip, are the
one list. The footer shows them, help (?) lists them, the palette offers them by name, and the user's
keymap.toml (llmtui.core.keymap) remaps them by id."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from textual.binding import Binding

_NAMES = {
    "plus": "+",
    "equals_sign": "=",
    "minus": "-",
    "question_mark": "?",
    "slash": "/",
    "less_than_sign": "<",
    "escape": "esc",
    "delete": "del",
    "pagedown": "pgdn",
    "pageup": "pgup",
}


def key_text(keys: str) -> str:
    """'question_mark,f1' -> '? / f1'."""
    return " / ".join(_NAMES.get(k.strip(), k.strip()) for k in keys.split(","))


def sections() -> list[tuple[str, list[Binding]]]:
    """(heading, bindings) for each place a key acts: app-wide, the leaderboard, the planner."""
    from .app import LlmtuiApp
    from .screens.main import MainScreen
    from .screens.planner import PlannerScreen
    from .widgets.leaderboard import Leaderboard

    return [
        ("Everywhere", _bindings(LlmtuiApp.BINDINGS)),
        ("The leaderboard", _bindings(Leaderboard.BINDINGS) + _bindings(MainScreen.BINDINGS)),
        ("In the planner (w)", _bindings(PlannerScreen.BINDINGS)),
    ]


def _bindings(items: Iterable[Any]) -> list[Binding]:
    return [b for b in items if isinstance(b, Binding)]


def defaults() -> dict[str, str]:
    """{binding id: its keys} for every binding that has an id: what keymap.toml may remap."""
    out: dict[str, str] = {}
    for _, bindings in sections():
        for b in bindings:
            if b.id:
                out.setdefault(b.id, b.key)
    return out


def rows(
    bindings: Iterable[Binding], keymap: Mapping[str, str], seen: set[str] | None = None
) -> list[tuple[str, str, str]]:
    """(keys as remapped, what it does, id) for each binding, once per id (`seen`: ids listed already,
    updated), in the list's order."""
    out: list[tuple[str, str, str]] = []
    seen = set() if seen is None else seen
    for b in bindings:
        if b.id in seen:
            continue
        if b.id:
            seen.add(b.id)
        keys = keymap.get(b.id, b.key) if b.id else b.key
        out.append((key_text(keys), b.tooltip or b.description or b.action, b.id or ""))
    return out
