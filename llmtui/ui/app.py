"""The llmtui application (placeholder until the main screen lands)."""

from __future__ import annotations

from typing import ClassVar

from textual.app import App, ComposeResult
from textual.widgets import Footer, Header, Static


class LlmtuiApp(App[int]):
    TITLE = "llmtui"
    BINDINGS: ClassVar = [("q", "quit", "Quit"), ("ctrl+q", "quit", "Quit")]

    def __init__(self, profile: str | None = None) -> None:
        super().__init__()
        self.profile = profile

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("llmtui — the leaderboard screen is being built. Press q to quit.", id="placeholder")
        yield Footer()


def run_app(profile: str | None = None) -> int:
    result = LlmtuiApp(profile=profile).run()
    return int(result or 0)
