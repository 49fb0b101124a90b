"""Keys remapped in keymap.toml act, and help, the footer and the palette show the new key."""

from __future__ import annotations

import pytest

from llmtui.core.build import planned_build
from llmtui.core.catalog import Catalog
from llmtui.core.keymap import keymap_path
from llmtui.ui.app import LlmtuiApp, run_app
from llmtui.ui.commands import LlmtuiCommands
from llmtui.ui.screens.choose import ChoiceScreen
from llmtui.ui.screens.main import MainScreen
from tests.ui.test_main_screen import help_text, missing_from_help, settle


async def test_a_remapped_key_acts_and_every_list_shows_it(catalog: Catalog) -> None:
    keymap = {"main.sort": "S", "main.planner": "W"}
    build = planned_build(catalog, gpu="RTX 4090", ram="64GB")
    app = LlmtuiApp(catalog=catalog, build=build, detect=False, keymap=keymap)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("s")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen), "s no longer sorts"
        await pilot.press("S")
        await pilot.pause()
        assert isinstance(app.screen, ChoiceScreen) and app.screen.title_text == "Sort by"
        await pilot.press("escape")
        await pilot.pause()
        names = {name: key for name, _, key in LlmtuiCommands(app.screen)._commands()}
        assert names["Sort by a column"] == "S" and names["Sort by score"] == "S"
        footer = app.screen.active_bindings
        assert "S" in footer and "s" not in footer
        await pilot.press("question_mark")
        await pilot.pause()
        lines = help_text(app)
        assert missing_from_help(lines, keymap) == []
        assert any(ln.startswith("S ") and ln.endswith("main.sort") for ln in lines)


def test_a_bad_keymap_stops_before_the_ui_with_one_sentence(
    catalog: Catalog, capsys: pytest.CaptureFixture[str]
) -> None:
    path = keymap_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text('[keys]\n"main.sortt" = "S"\n')
    assert run_app(catalog=catalog) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and str(path) in err and "'main.sortt' is not a binding id" in err


async def test_the_palettes_screenshot_saves_and_says_where(
    make_app, monkeypatch: pytest.MonkeyPatch, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    """Issue 18: "Screenshot" failed: Textual saves to a downloads folder (none here), in a thread, and
    says nothing when that fails. llmtui's saves to its data directory and names the file."""
    import os
    from pathlib import Path

    monkeypatch.setenv("HOME", str(tmp_path))  # no ~/Downloads
    monkeypatch.delenv("XDG_DOWNLOAD_DIR", raising=False)
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await pilot.pause()
        for ch in "screenshot":
            await pilot.press(ch)
        await pilot.pause(0.5)
        await pilot.press("enter")
        for _ in range(100):  # the picture is taken once the palette has closed
            await pilot.pause(0.05)
            if app._notifications:
                break
        notes = [n.message for n in app._notifications]
        assert notes and notes[-1].startswith("Screenshot saved to "), notes
        saved = Path(notes[-1].removeprefix("Screenshot saved to "))
        assert saved.is_file() and saved.parent == Path(os.environ["LLMTUI_DATA_DIR"]) / "screenshots"
        assert saved.read_text().startswith("<svg")
