"""The llmtui application: global keys, the command palette, and the main screen."""

from __future__ import annotations

import sys
from collections.abc import Iterable
from dataclasses import replace
from typing import Any, ClassVar

from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.screen import Screen

from ..core.build import Build
from ..core.catalog import Catalog, load_catalog
from ..core.leaderboard import default_benchmark
from .commands import LlmtuiCommands
from .compat import apply as apply_compat
from .state import ViewState

apply_compat()


class LlmtuiApp(App[int]):
    TITLE = "llmtui"
    COMMANDS: ClassVar = App.COMMANDS | {LlmtuiCommands}
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q", "quit", "Quit", id="app.quit", tooltip="quit llmtui"),
        Binding(
            "ctrl+q",
            "quit",
            "Quit",
            show=False,
            priority=True,
            id="app.force_quit",
            tooltip="quit, even from a text box",
        ),
        Binding(
            "question_mark,f1",
            "help",
            "Help",
            id="app.help",
            tooltip="help: every key, the ranking and the filter language",
        ),
    ]

    def __init__(
        self,
        *,
        catalog: Catalog | None = None,
        build: Build | None = None,
        build_title: str = "",
        engine: str = "llama.cpp",
        detect: bool = True,
        detection: object = None,
        keymap: dict[str, str] | None = None,
    ) -> None:
        super().__init__()
        self.keymap = dict(keymap or {})  # the user's keymap.toml, read before the app starts
        if self.keymap:
            self.set_keymap(self.keymap)
        self.catalog = catalog or load_catalog()
        self.state = ViewState(benchmark=default_benchmark(self.catalog), engine=engine)  # the first view
        if build is not None:
            self.state = replace(self.state, build=build, build_title=build_title or build.name)
        self.detect = detect and build is None
        self.detection = detection  # a DetectionJob already running, from open_app

    async def run_action(self, action, default_namespace=None, namespaces=None):  # type: ignore[no-untyped-def]
        """Keys that arrive after quit (typing `qs` fast, pasted text) do nothing: opening a screen
        while the app closes would leave it half-built and print a traceback on the way out."""
        if self.return_code is not None:  # exit() has been called
            return True
        return await super().run_action(action, default_namespace, namespaces)

    def on_mount(self) -> None:
        from .screens.main import MainScreen

        self.push_screen(MainScreen(self.catalog, self.state, detect=self.detect, job=self.detection))
        for w in self.catalog.warnings[:3]:
            self.notify(f"skipped a catalogue entry: {w}", severity="warning", timeout=10, markup=False)

    def open_screen(self, screen: Screen[Any], callback: Any = None) -> bool:
        """Push `screen` unless one of its kind is already open: a key pressed twice before the first
        screen appeared, or the palette's command from inside that screen, never stacks a second."""
        if any(type(s) is type(screen) for s in self.screen_stack):
            return False
        self.push_screen(screen, callback)
        return True

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        """Textual's own palette commands, with a Screenshot that says where it saved (Textual's saves to
        a downloads folder that may not exist, in a thread, and says nothing when that fails)."""
        for command in super().get_system_commands(screen):
            if command.title == "Screenshot":
                yield SystemCommand("Screenshot", "Save an SVG picture of this screen", self.action_save_screenshot)
            else:
                yield command

    def action_save_screenshot(self) -> None:
        self.set_timer(0.1, self._save_screenshot)  # once the palette has closed: a picture of the screen

    def _save_screenshot(self) -> None:
        if not self.is_running or not self.screen_stack or self.return_code is not None:
            return  # the app is closing: there is no screen to picture
        from ..core.paths import screenshot_dir

        folder = screenshot_dir()
        try:
            folder.mkdir(parents=True, exist_ok=True)
            path = self.save_screenshot(path=str(folder))
        except OSError as e:
            self.notify(f"Screenshot not saved: {folder}: {e.strerror or e}", severity="error", markup=False)
            return
        self.notify(f"Screenshot saved to {path}", markup=False)

    def action_help(self) -> None:
        from .screens.help import HelpScreen

        self.open_screen(HelpScreen())


def run_app(profile: str | None = None, *, catalog: Catalog | None = None, detection: object = None) -> int:
    catalog = catalog or load_catalog()
    build = None
    engine = "llama.cpp"
    title = ""
    if profile:
        from ..core.profiles import ProfileError, load_profile

        try:
            p = load_profile(profile, catalog)
        except ProfileError as e:  # a config error is reported before the UI starts
            sys.stderr.write(f"llmtui: {e}\n")
            return 2
        build, engine, title = p.build, p.engine, f"profile {p.name}"
    from ..core.boundary import InputError
    from ..core.keymap import read_keymap
    from .keys import defaults

    try:
        keymap = read_keymap(defaults())
    except InputError as e:  # a bad keymap is one sentence, before the UI starts
        sys.stderr.write(f"llmtui: {e}\n")
        return 2
    app = LlmtuiApp(catalog=catalog, build=build, build_title=title, engine=engine, detection=detection, keymap=keymap)
    result = app.run()
    return int(result or 0)
