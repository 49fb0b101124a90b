"""The command palette (ctrl+p): the keys of the screen it was opened on, by name, and the main
screen's choices (each sort, quant, context, engine, preset)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from functools import partial
from typing import Any

from textual.binding import Binding
from textual.command import DiscoveryHit, Hit, Hits, Provider

from ..core.estimate import ENGINES, engine_quants
from ..core.leaderboard import SORT_KEYS
from ..core.presets import PRESETS
from ..core.units import fmt_ctx
from .state import CONTEXTS


class LlmtuiCommands(Provider):
    """The screen the palette was opened on offers its own keys, by name (from its bindings: the list
    the footer and help show), then, on the main screen, each choice behind them."""

    def _main(self) -> Any:
        from .screens.main import MainScreen

        return self.screen if isinstance(self.screen, MainScreen) else None

    def _key_commands(self) -> list[tuple[str, Callable[[], Any], str]]:
        from .keys import key_text

        keymap: dict[str, str] = getattr(self.app, "keymap", {})
        out: list[tuple[str, Callable[[], Any], str]] = []
        seen: set[str] = set()
        for b in [*self.screen.BINDINGS, *type(self.app).BINDINGS]:
            if not isinstance(b, Binding) or not b.id or b.id in seen or b.action in ("back", "close"):
                continue
            seen.add(b.id)
            name = (b.tooltip or b.description or b.action).split(" (")[0]
            namespace = self.app if b.action.startswith("app.") or b in type(self.app).BINDINGS else self.screen
            action = b.action.removeprefix("app.")
            keys = key_text(keymap.get(b.id, b.key))
            out.append((name[:1].upper() + name[1:], partial(namespace.run_action, action), keys))
        return out

    def _key(self, binding_id: str, default: str) -> str:
        """The key a choice's binding has now (the user's keymap may have moved it)."""
        from .keys import key_text

        return key_text(getattr(self.app, "keymap", {}).get(binding_id, default))

    def _commands(self) -> list[tuple[str, Callable[[], Any], str]]:
        out = self._key_commands()
        main = self._main()
        if main is None:
            return out
        k = {b: self._key(f"main.{b}", d) for b, d in (("sort", "s"), ("quant", "b"), ("ctx", "c"), ("kv", "K"),
                                                       ("engine", "e"), ("preset", "p"))}  # fmt: skip
        for key in SORT_KEYS:
            out.append((f"Sort by {key}", partial(main.set_sort, key), k["sort"]))
        engine = ENGINES[main.state.engine]
        for q in engine_quants(engine):
            out.append((f"Quant {q}", partial(main.set_quant, q), k["quant"]))
        for c in CONTEXTS:
            out.append((f"Context {fmt_ctx(c)}", partial(main.set_ctx, c), k["ctx"]))
        for kv in engine.kv_types:
            out.append((f"KV cache {kv}", partial(main.set_kv, kv), k["kv"]))
        for e in ENGINES.values():
            out.append((f"Engine {e.label}", partial(main.set_engine, e.name), k["engine"]))
        for p in PRESETS:
            out.append((f"Preset: {p.label}", partial(main.set_preset, p.key), k["preset"]))
        return out

    async def discover(self) -> Hits:
        for name, fn, key in self._commands()[:12]:
            yield DiscoveryHit(name, fn, help=f"key: {key}")

    async def search(self, query: str) -> AsyncIterator[Hit]:
        matcher = self.matcher(query)
        for name, fn, key in self._commands():
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, matcher.highlight(name), fn, help=f"key: {key}")
