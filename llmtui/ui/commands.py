"""The command palette (ctrl+p): every action of the main screen by name."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from functools import partial
from typing import Any

from textual.command import DiscoveryHit, Hit, Hits, Provider

from ..core.estimate import ENGINES, engine_quants
from ..core.leaderboard import SORT_KEYS
from ..core.presets import PRESETS
from ..core.units import fmt_ctx
from .state import CONTEXTS


class LlmtuiCommands(Provider):
    def _main(self) -> Any:
        """The main screen when it is the one in front: its commands act on it, and from another screen
        (the planner) they would stack a second planner or sort a table nobody sees."""
        from .screens.main import MainScreen

        return self.screen if isinstance(self.screen, MainScreen) else None  # the screen it was opened on

    def _commands(self) -> list[tuple[str, Callable[[], Any], str]]:
        main = self._main()
        if main is None:
            return []
        out: list[tuple[str, Callable[[], Any], str]] = [
            ("Filter the leaderboard", main.action_filter, "/"),
            ("Toggle the detail pane", main.action_toggle_detail, "d"),
            ("Copy the launch command", main.action_copy, "y"),
            ("Switch build (this machine or a profile)", main.action_build, "o"),
            ("Open the what-if planner", main.action_planner, "w"),
            ("Hardware needed per model", main.action_needs, "H"),
            ("The seed article's hardware table", main.action_seed, "A"),
            ("Show only models that fit", main.action_fits, "f"),
            ("Reverse the sort", main.action_reverse, "r"),
            ("Help: every key", getattr(self.app, "action_help", self.app.bell), "?"),
            ("Quit", self.app.exit, "q"),
        ]
        for key in SORT_KEYS:
            out.append((f"Sort by {key}", partial(main.set_sort, key), "s"))
        engine = ENGINES[main.state.engine]
        for q in engine_quants(engine):
            out.append((f"Quant {q}", partial(main.set_quant, q), "b"))
        for c in CONTEXTS:
            out.append((f"Context {fmt_ctx(c)}", partial(main.set_ctx, c), "c"))
        for kv in engine.kv_types:
            out.append((f"KV cache {kv}", partial(main.set_kv, kv), "K"))
        for e in ENGINES.values():
            out.append((f"Engine {e.label}", partial(main.set_engine, e.name), "e"))
        for p in PRESETS:
            out.append((f"Preset: {p.label}", partial(main.set_preset, p.key), "p"))
        return out

    async def discover(self) -> Hits:
        for name, fn, key in self._commands()[:10]:
            yield DiscoveryHit(name, fn, help=f"key: {key}")

    async def search(self, query: str) -> AsyncIterator[Hit]:
        matcher = self.matcher(query)
        for name, fn, key in self._commands():
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, matcher.highlight(name), fn, help=f"key: {key}")
