"""Snapshots of the main views at 80x24 and 160x48 on a fixed build (no detection).

After an intended change to the screen or the catalogue: `pytest tests/ui --snapshot-update`,
then look at the SVGs in tests/ui/__snapshots__ before committing them.
"""

from __future__ import annotations

import pytest

from llmtui.core.build import planned_build
from llmtui.core.catalog import Catalog
from llmtui.ui.app import LlmtuiApp
from tests.ui.test_main_screen import settle


@pytest.fixture
def app(catalog: Catalog) -> LlmtuiApp:
    build = planned_build(catalog, gpu="2x RTX 3090", ram="64GB")
    return LlmtuiApp(catalog=catalog, build=build, build_title="2x RTX 3090 test build", detect=False)


def test_main_80x24(snap_compare, app: LlmtuiApp) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(app, terminal_size=(80, 24), run_before=settle)


def test_main_160x48_with_detail(snap_compare, app: LlmtuiApp) -> None:  # type: ignore[no-untyped-def]
    async def pick(pilot):  # type: ignore[no-untyped-def]
        await settle(pilot)
        await pilot.press("j", "j", "j")
        await settle(pilot)

    assert snap_compare(app, terminal_size=(160, 48), run_before=pick)


def test_filtered_80x24(snap_compare, app: LlmtuiApp) -> None:  # type: ignore[no-untyped-def]
    async def filt(pilot):  # type: ignore[no-untyped-def]
        await settle(pilot)
        await pilot.press("slash", *"moe", "space", "f", "i", "t", "s")
        await settle(pilot)

    assert snap_compare(app, terminal_size=(80, 24), run_before=filt)


def test_help_80x24(snap_compare, app: LlmtuiApp) -> None:  # type: ignore[no-untyped-def]
    async def help_(pilot):  # type: ignore[no-untyped-def]
        await settle(pilot)
        await pilot.press("question_mark")
        await pilot.pause()

    assert snap_compare(app, terminal_size=(80, 24), run_before=help_)


def test_planner_160x48(snap_compare, app: LlmtuiApp) -> None:  # type: ignore[no-untyped-def]
    async def plan(pilot):  # type: ignore[no-untyped-def]
        await settle(pilot)
        await pilot.press("w")
        await settle(pilot)

    assert snap_compare(app, terminal_size=(160, 48), run_before=plan)


def test_seed_table_120x40(snap_compare, app: LlmtuiApp) -> None:  # type: ignore[no-untyped-def]
    async def seed(pilot):  # type: ignore[no-untyped-def]
        await settle(pilot)
        await pilot.press("A")
        await settle(pilot)

    assert snap_compare(app, terminal_size=(120, 40), run_before=seed)
