"""The app under abuse: every terminal size, a storm of resizes, hundreds of random keys on every
screen, a hung or failing detection probe. Nothing may raise; the screen must stay sensible."""

from __future__ import annotations

import random
import threading
import time

import pytest
from textual import events

from llmtui.core.build import planned_build
from llmtui.core.catalog import Catalog
from llmtui.ui.app import LlmtuiApp
from llmtui.ui.screens.main import MainScreen
from tests.ui.test_main_screen import main_of, settle

KEYS = [
    "j", "k", "g", "G", "up", "down", "pageup", "pagedown", "home", "end", "enter", "escape", "tab", "shift+tab",
    "slash", "s", "r", "b", "c", "K", "e", "m", "p", "f", "d", "o", "H", "y", "question_mark", "a", "x", "plus",
    "minus", "1", "2", "3", "R", "u", "l", "n", "t", "space", "backspace", "q", "ctrl+p", "5", "z", "less_than_sign",
]  # fmt: skip


def make(catalog: Catalog) -> LlmtuiApp:
    return LlmtuiApp(catalog=catalog, build=planned_build(catalog, gpu="RTX 4090", ram="64GB"), detect=False)


@pytest.mark.parametrize("size", [(40, 12), (60, 16), (80, 24), (100, 30), (200, 60), (300, 80)])
async def test_every_size_renders(catalog: Catalog, size: tuple[int, int]) -> None:
    app = make(catalog)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        screen = main_of(app)
        small = size[0] < 60 or size[1] < 16
        assert screen.has_class("-too-small") == small
        if not small:
            assert screen.table.rows and screen.table.region.height > 3


async def test_resize_storm(catalog: Catalog) -> None:
    app = make(catalog)
    rng = random.Random(7)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        for _ in range(60):
            await pilot.resize_terminal(rng.randint(30, 300), rng.randint(8, 80))
            await pilot.pause(0.005)
        await pilot.resize_terminal(120, 40)
        await settle(pilot)
        screen = main_of(app)
        assert not screen.has_class("-too-small") and screen.table.rows
    assert app.return_code in (None, 0)


def key_event(key: str) -> events.Key:
    """The event a terminal's key makes, as Pilot.press builds it."""
    import unicodedata

    from textual.keys import _get_unicode_name_from_key

    try:
        char: str | None = unicodedata.lookup(_get_unicode_name_from_key(key))
    except KeyError:
        char = key if len(key) == 1 else None
    return events.Key(key, char)


async def random_keys(app: LlmtuiApp, seed: int, n: int, before: list[str]) -> None:
    """n random keys, each handed to the app as the terminal driver would and processed before the
    next (Pilot.pause(0): the screen has handled it), without Pilot.press's idle waits: 500 keys take
    seconds, not a minute, and keys still land while workers from earlier ones run."""
    rng = random.Random(seed)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        for k in before:
            await pilot.press(k)
            await pilot.pause(0.05)
        for i in range(n):
            key = rng.choice(KEYS)
            if key in ("q", "ctrl+q") and not isinstance(app.screen, MainScreen):
                key = "escape"  # q on an input would type; on the main screen it would quit early
            elif key in ("q", "ctrl+q"):
                continue
            event = key_event(key)
            event.set_sender(app)
            app._driver.send_message(event)  # type: ignore[union-attr]
            await pilot.pause(0)
            if i % 25 == 0:
                await pilot.pause(0.02)
        await settle(pilot)
    assert app.return_code in (None, 0), "the app failed"


@pytest.mark.parametrize(
    "seed,before",
    [
        (1, []),
        (2, ["w"]),
        (3, ["question_mark"]),
        (4, ["H"]),
        (5, ["slash"]),
        (6, ["w", "R"]),
        (7, ["s"]),
        (8, ["A"]),
    ],
    ids=["main", "planner", "help", "needs", "filter", "reverse-plan", "picker", "seed"],
)
async def test_random_keys_on_every_screen(catalog: Catalog, seed: int, before: list[str]) -> None:
    await random_keys(make(catalog), seed, 500, before)


async def test_hung_probe_does_not_delay_start_up(catalog: Catalog, monkeypatch: pytest.MonkeyPatch) -> None:
    """NVML that never answers: the table shows at once, and after the probe's timeout the
    hardware pane says what failed."""
    from tests.fixtures import fake_nvml as fn

    monkeypatch.setenv("LLMTUI_PROBE_TIMEOUT", "1")
    import llmtui.core.hardware.nvidia as nv

    monkeypatch.setattr(nv, "nvml_library_missing", lambda: False)  # this machine may have no NVIDIA driver
    monkeypatch.setattr(nv, "load_pynvml", lambda: fn.make(fn.Spec([fn.rtx4090()], init_hang=60)))
    app = LlmtuiApp(catalog=catalog, detect=True)
    t0 = time.perf_counter()
    async with app.run_test(size=(120, 40)) as pilot:
        while not main_of(app).table.rows:
            await pilot.pause(0.05)
        assert time.perf_counter() - t0 < 3.0
        for _ in range(100):
            await pilot.pause(0.1)
            if not main_of(app).table.pending:
                break
        text = str(main_of(app).query_one("#hardware").render())
        assert "did not answer" in text or "detection warning" in text


async def test_failing_probe_is_reported(catalog: Catalog, monkeypatch: pytest.MonkeyPatch) -> None:
    import llmtui.core.hardware.probe as probe

    def boom(roots):  # type: ignore[no-untyped-def]
        raise RuntimeError("sysfs exploded")

    monkeypatch.setattr(probe, "probe_drm", boom)
    app = LlmtuiApp(catalog=catalog, detect=True)
    async with app.run_test(size=(120, 40)) as pilot:
        for _ in range(100):
            await pilot.pause(0.05)
            if main_of(app).table.rows and not main_of(app).table.pending:
                break
        machine = main_of(app).state.machine
        assert machine is not None and any("sysfs exploded" in w for w in machine.warnings)


def test_no_stray_threads_after_tests() -> None:
    """Detection threads are daemons: a hung probe can never keep the process alive."""
    assert all(t.daemon for t in threading.enumerate() if t.name.startswith("llmtui-"))


@pytest.mark.parametrize("after", ["s", "w", "H", "question_mark", "b"])
async def test_keys_typed_after_quit_open_nothing(catalog: Catalog, after: str) -> None:
    """`q` then another key before the app has gone (typing `qs` fast, or pasting text): the app
    exits cleanly instead of opening a half-built screen and printing a traceback."""
    app = make(catalog)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        for key in ("q", after):  # both queued at once, as a terminal delivers fast typing
            char = "?" if key == "question_mark" else key
            app.post_message(events.Key(key, char))
        await pilot.pause(0.5)
    assert app.return_code == 0
    assert not app._exit_renderables, "the app printed an error on exit"
