"""The app with hostile names on screen and markup typed or pasted into every box: nothing is parsed
as markup (no MarkupError, no live click target), and keys that arrive in one read after '/' all go
to the filter box."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
import tomli_w
from textual import events
from textual.widgets import Input

from llmtui.core.build import planned_build
from llmtui.core.catalog import Catalog, load_catalog
from llmtui.ui.app import LlmtuiApp
from llmtui.ui.screens.main import MainScreen
from llmtui.ui.screens.name_prompt import NameScreen
from llmtui.ui.screens.needs import NeedsScreen
from llmtui.ui.screens.planner import PlannerScreen
from llmtui.ui.screens.reverse_plan import ReversePlanScreen
from llmtui.ui.widgets.filter_bar import FilterBar
from llmtui.ui.widgets.leaderboard import Leaderboard
from tests.ui.test_main_screen import settle

from .conftest import ESCAPES, MARKUP
from .test_files import _dirs, _model

TYPED = "[/] [@click=app.quit]x [bold"


@pytest.fixture(autouse=True)
def _fixture_catalogue(monkeypatch: pytest.MonkeyPatch) -> None:
    """The fixture catalogue under the hostile entries: the screens, not the size of data/, are tested."""
    from tests.fixtures.catalogue import CATALOG_DIR

    monkeypatch.setenv("LLMTUI_CATALOG_DIR", str(CATALOG_DIR))


@pytest.fixture
def catalog() -> Catalog:
    from tests.fixtures.catalogue import fixture_catalog

    return fixture_catalog()


def hostile_catalog() -> Catalog:
    data, _ = _dirs()
    (data / "models").mkdir(parents=True, exist_ok=True)
    (data / "hardware").mkdir(parents=True, exist_ok=True)
    models = [_model(f"evil-{i}", f"Evil {h} model") for i, h in enumerate(MARKUP + ESCAPES)]
    (data / "models" / "evil.toml").write_text(tomli_w.dumps({"schema": 1, "models": models}))
    dev = {"id": "evil-gpu", "vendor": "NVIDIA", "name": "Evil [/] [@click=app.quit]GPU", "kind": "gpu",
           "memory": "dedicated", "memory_gib": [24], "bandwidth_gbs": 1000, "source": "[/]"}  # fmt: skip
    (data / "hardware" / "evil.toml").write_text(tomli_w.dumps({"schema": 1, "devices": [dev]}))
    return load_catalog(use_cache=False)


def alive(app: LlmtuiApp) -> None:
    assert app.is_running and app.return_code is None and app._exception is None


async def type_text(pilot, text: str) -> None:  # type: ignore[no-untyped-def]
    for ch in text:
        await pilot.press({" ": "space", "[": "left_square_bracket", "]": "right_square_bracket"}.get(ch, ch))


def keys_in_one_read(app: LlmtuiApp, text: str) -> None:
    """Post every key before any is handled: how a paste or a fast typist over ssh arrives."""
    names = {" ": "space", "/": "slash", "[": "left_square_bracket", "]": "right_square_bracket"}
    for ch in text:
        app.post_message(events.Key(names.get(ch, ch), ch))


async def test_hostile_names_on_every_screen(tally: Counter[str]) -> None:
    cat = hostile_catalog()
    build = planned_build(cat, gpu="Evil [/] [@click=app.quit]GPU", ram="64GB")
    app = LlmtuiApp(catalog=cat, build=build, build_title="[/] title", detect=False)
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(pilot)
        table = app.screen.query_one(Leaderboard)
        evil = [i for i, r in enumerate(table.rows) if r.id.startswith("evil-")]
        assert len(evil) == len(MARKUP + ESCAPES)
        for i in evil:  # each hostile row highlighted, its detail drawn
            table.cursor = i
            await pilot.pause(0.05)
            await settle(pilot)
            alive(app)
            tally["hostile rows shown"] += 1
        await pilot.press("w")
        await settle(pilot)
        assert isinstance(app.screen, PlannerScreen)
        alive(app)
        await pilot.press("a")
        await pilot.pause()
        await type_text(pilot, "evil")
        await pilot.press("enter")
        await settle(pilot)
        alive(app)
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("H")
        await settle(pilot)
        alive(app)


async def test_markup_typed_into_every_box(make_app, tally: Counter[str]) -> None:  # type: ignore[no-untyped-def]
    app = make_app()
    async with app.run_test(size=(140, 45)) as pilot:
        await settle(pilot)
        await pilot.press("slash")
        await type_text(pilot, TYPED)
        await settle(pilot)
        alive(app)
        status = str(app.screen.query_one("#status").render())
        assert TYPED in status  # shown as typed, not parsed
        await pilot.press("escape")
        await pilot.press("w")
        await settle(pilot)
        planner = app.screen
        assert isinstance(planner, PlannerScreen)
        for box in ("#ram", "#machines", "#wired"):
            planner.query_one(box, Input).focus()
            await pilot.press("ctrl+a")
            await type_text(pilot, TYPED)
            await pilot.press("enter")
            await pilot.pause()
            alive(app)
            tally["boxes tried"] += 1
        assert "nothing changed" in str(planner.query_one("#plan-error").render())
        planner.query_one("#lines").focus()
        await pilot.press("S")
        await pilot.pause()
        assert isinstance(app.screen, NameScreen)
        await type_text(pilot, TYPED)
        await pilot.press("enter")
        await pilot.pause()
        alive(app)
        assert "[/]" in str(app.screen.query_one("#name-error").render())
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("R")
        await pilot.pause()
        assert isinstance(app.screen, ReversePlanScreen)
        for box in ("#rp-model", "#rp-quant", "#rp-ctx", "#rp-tps"):
            app.screen.query_one(box, Input).focus()
            await pilot.press("ctrl+a")
            await type_text(pilot, TYPED)
            await pilot.press("enter")
            await pilot.pause()
            alive(app)
            tally["boxes tried"] += 1


@pytest.mark.parametrize("text", ["/qwen", "/fits", "/qwen size<40 fits", "/deepseek moe"])
async def test_keys_right_after_slash_go_to_the_filter(make_app, text: str) -> None:  # type: ignore[no-untyped-def]
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        keys_in_one_read(app, text)
        await settle(pilot)
        alive(app)
        assert isinstance(app.screen, MainScreen)  # no dialog opened by 's' or 'f' or 'w'
        assert app.screen.query_one(FilterBar).input.value == text[1:]
        assert not app.screen.state.fits_only


async def test_a_pasted_filter(make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.post_message(events.Paste("/qwen [/]\nsecond line"))
        await settle(pilot)
        alive(app)
        assert app.screen.query_one(FilterBar).input.value == "qwen [/]"


async def test_closing_a_screen_while_it_loads(make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        for _ in range(5):
            keys_in_one_read(app, "H")
            app.post_message(events.Key("escape", None))
            await pilot.pause(0.05)
        keys_in_one_read(app, "ww")
        await settle(pilot)
        alive(app)
        assert sum(isinstance(s, PlannerScreen) for s in app.screen_stack) == 1
        assert not any(isinstance(s, NeedsScreen) for s in app.screen_stack)


def test_fixture_dirs_exist(tmp_path: Path) -> None:
    assert _dirs()[0].name == "data"


async def test_a_slash_inside_the_query_keeps_its_place(make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        keys_in_one_read(app, "/qwen [/] a/b")
        await settle(pilot)
        alive(app)
        assert app.screen.query_one(FilterBar).input.value == "qwen [/] a/b"
