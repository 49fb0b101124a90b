"""Pilot tests of the planner's device list: the add picker narrows as you type, a new line is
selected so + and - act on it, and a note about a replaced build stays on screen."""

from __future__ import annotations

import io

import pytest
from rich.console import Console
from textual.widgets import Input, OptionList, Static

from llmtui.core.build import planned_build
from llmtui.core.catalog import Catalog
from llmtui.core.units import GiB
from llmtui.ui.app import LlmtuiApp
from llmtui.ui.screens.choose import ChoiceScreen, matching
from llmtui.ui.screens.planner import PlannerScreen
from tests.ui.test_main_screen import settle


def shown_text(widget: Static) -> str:
    console = Console(width=200, record=True, file=io.StringIO())
    console.print(widget.content)
    return console.export_text()


def cpu_only(catalog: Catalog) -> LlmtuiApp:
    return LlmtuiApp(catalog=catalog, build=planned_build(catalog, ram="64GB"), detect=False)


async def open_picker(pilot) -> ChoiceScreen:  # type: ignore[no-untyped-def]
    await pilot.press("a")
    await pilot.pause()
    picker = pilot.app.screen
    assert isinstance(picker, ChoiceScreen)
    return picker


async def open_planner(pilot) -> PlannerScreen:  # type: ignore[no-untyped-def]
    await settle(pilot)
    await pilot.press("w")
    await settle(pilot)
    planner = pilot.app.screen
    assert isinstance(planner, PlannerScreen)
    return planner


def test_matching_needs_every_word_in_any_case() -> None:
    opts = [("a", "GeForce RTX 4090 24 GB"), ("b", "GeForce RTX 3090 24 GB"), ("c", "Apple M4 Max 128 GB")]
    assert [k for k, _ in matching(opts, "4090")] == ["a"]
    assert [k for k, _ in matching(opts, "24 rtx")] == ["a", "b"]
    assert [k for k, _ in matching(opts, "m4 MAX 128")] == ["c"]
    assert matching(opts, "h100") == []
    assert matching(opts, "  ") == opts


async def test_typing_narrows_the_device_picker_and_enter_adds(catalog: Catalog) -> None:
    app = cpu_only(catalog)
    async with app.run_test(size=(120, 40)) as pilot:
        planner = await open_planner(pilot)
        picker = await open_picker(pilot)
        everything = picker.query_one(OptionList).option_count
        await pilot.press(*"4090")
        await pilot.pause()
        ol = picker.query_one(OptionList)
        labels = [str(ol.get_option_at_index(i).prompt) for i in range(ol.option_count)]
        assert labels and len(labels) < everything
        assert all("4090" in label for label in labels)
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is planner
        assert len(planner.draft.lines) == 1 and "4090" in planner.draft.lines[0][0].name
        await pilot.press("plus")
        await settle(pilot)
        assert planner.draft.lines[0][1] == 2, "the added line is selected, so + counts it"


async def test_a_search_with_no_match_adds_nothing(catalog: Catalog) -> None:
    app = cpu_only(catalog)
    async with app.run_test(size=(120, 40)) as pilot:
        planner = await open_planner(pilot)
        await open_picker(pilot)
        await pilot.press(*"zzqq", "enter")
        await pilot.pause()
        assert isinstance(app.screen, ChoiceScreen), "enter on 'nothing matches' does not close the picker"
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is planner and planner.draft.lines == []


async def test_plus_with_no_gpu_says_why(catalog: Catalog) -> None:
    app = cpu_only(catalog)
    async with app.run_test(size=(120, 40)) as pilot:
        planner = await open_planner(pilot)
        planner.query_one("#lines").focus()
        await pilot.press("plus")
        await pilot.pause()
        assert "add one with a" in str(planner.query_one("#plan-error").render())


async def test_a_mac_replacing_gpus_leaves_its_note(catalog: Catalog) -> None:
    app = rtx4090_app(catalog)
    async with app.run_test(size=(120, 40)) as pilot:
        planner = await open_planner(pilot)
        await open_picker(pilot)
        await pilot.press(*"m4 max 128", "enter")
        await settle(pilot)
        assert len(planner.draft.lines) == 1 and planner.draft.lines[0][0].unified
        assert "replaced the devices" in str(planner.query_one("#plan-error").render())
        ram = planner.query_one("#ram", Input)
        assert ram.disabled and ram.value == "128GB", "a Mac's RAM is its unified memory, not editable"
        assert "power unknown" in shown_text(planner.query_one("#plan-results", Static))
        planner.query_one("#lines").focus()
        await pilot.press("x")
        await settle(pilot)
        assert not ram.disabled and ram.value == "64GB", "the host RAM typed before comes back"


def rtx4090_app(catalog: Catalog) -> LlmtuiApp:
    return LlmtuiApp(catalog=catalog, build=planned_build(catalog, gpu="RTX 4090", ram="64GB"), detect=False)


async def test_planner_rejects_impossible_values(catalog: Catalog) -> None:
    app = rtx4090_app(catalog)
    async with app.run_test(size=(160, 48)) as pilot:
        planner = await open_planner(pilot)
        before = planner.draft.build()
        for field, value in (("ram", "-8GB"), ("ram", "lots"), ("machines", "0"), ("machines", "900"),
                             ("wired", "-5"), ("ram", "999999TB")):  # fmt: skip
            box = planner.query_one(f"#{field}", Input)
            box.value = value
            await box.action_submit()
            await pilot.pause(0.05)
            assert "nothing changed" in str(planner.query_one("#plan-error").render()), (field, value)
        assert planner.draft.build() == before
        # a count of zero is refused too
        planner.query_one("#lines").focus()
        for _ in range(3):
            await pilot.press("minus")
        assert planner.draft.lines[0][1] >= 1


async def test_planner_ram_box_shows_the_value_understood(catalog: Catalog) -> None:
    """An emptied RAM box means no host RAM, and says "0": a placeholder left in view would read as a value."""
    app = rtx4090_app(catalog)
    async with app.run_test(size=(160, 48)) as pilot:
        planner = await open_planner(pilot)
        box = planner.query_one("#ram", Input)
        for typed, shown, ram in (("", "0", 0), ("0", "0", 0), ("128", "128GB", 128 * GiB)):
            box.value = typed
            await box.action_submit()
            await pilot.pause(0.05)
            assert box.value == shown
            assert planner.draft.ram_bytes == ram
            assert "nothing changed" not in shown_text(planner.query_one("#plan-error", Static)), typed


async def test_adding_a_mac_while_the_ram_box_has_focus_keeps_the_typed_ram(catalog: Catalog) -> None:
    """Disabling the focused RAM box blurs it; the Mac's memory shown there must not become host RAM."""
    app = rtx4090_app(catalog)
    async with app.run_test(size=(160, 48)) as pilot:
        planner = await open_planner(pilot)
        planner.query_one("#ram", Input).focus()
        await pilot.pause()
        planner.action_add()
        await pilot.pause()
        await pilot.press(*"m4 max 128", "enter")
        await settle(pilot)
        assert planner.draft.ram_bytes == 64 * GiB
        assert "replaced the devices" in shown_text(planner.query_one("#plan-error", Static))
        planner.query_one("#lines").focus()
        await pilot.press("x")
        await settle(pilot)
        assert planner.query_one("#ram", Input).value == "64GB"


async def test_reverse_plan_names_the_closest_model_for_a_typo(catalog: Catalog) -> None:
    from llmtui.ui.screens.reverse_plan import ReversePlanScreen

    app = rtx4090_app(catalog)
    async with app.run_test(size=(160, 48)) as pilot:
        await open_planner(pilot)
        await pilot.press("R")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ReversePlanScreen)
        box = screen.query_one("#rp-model", Input)
        box.value = "qwen3-33b"
        await box.action_submit()
        await pilot.pause()
        assert "unknown model 'qwen3-33b'; closest: qwen3-32b" in shown_text(screen.query_one("#rp-error", Static))


async def test_enter_and_escape_leave_a_box_so_the_keys_work(catalog: Catalog) -> None:
    """Issue 18: after enter in Machines the focus stayed there, and 'a' or '3' typed '23 machines'."""
    app = rtx4090_app(catalog)
    async with app.run_test(size=(120, 40)) as pilot:
        planner = await open_planner(pilot)
        box = planner.query_one("#machines", Input)
        box.focus()
        box.value = ""
        await pilot.press("2", "enter")
        await settle(pilot)
        assert planner.draft.machines == 2 and not box.has_focus
        await pilot.press("a")  # the planner's key: the device picker, not a letter in the box
        await pilot.pause()
        assert isinstance(app.screen, ChoiceScreen) and box.value == "2"
        await pilot.press("escape")
        await pilot.pause()
        ram = planner.query_one("#ram", Input)
        ram.focus()
        await pilot.press("escape")  # leaves the box; a second escape closes the planner
        await pilot.pause()
        assert app.screen is planner and not ram.has_focus
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is not planner


async def test_planner_knobs_backend_ram_bandwidth_and_a_custom_gpu(catalog: Catalog) -> None:
    """The planner's knobs reach the build it estimates: a GPU typed as numbers, the host RAM's
    bandwidth, the backend (b); what is still assumed is said under the composer."""
    app = cpu_only(catalog)
    async with app.run_test(size=(140, 45)) as pilot:
        planner = await open_planner(pilot)
        meta = planner.query_one("#plan-meta", Static)
        assert "assumed: host RAM bandwidth 89.6 GB/s" in shown_text(meta)
        box = planner.query_one("#custom", Input)
        box.focus()
        box.value = "memory=24GB,bandwidth=936,fp16=71,vendor=nvidia"
        await pilot.press("enter")
        await settle(pilot)
        b = planner.draft.build()
        assert [(g.name, g.bandwidth_gbs, g.custom) for g in b.gpus] == [("custom GPU (24 GB, 936 GB/s)", 936.0, True)]
        rambw = planner.query_one("#rambw", Input)
        rambw.focus()
        rambw.value = "120"
        await pilot.press("enter")
        await settle(pilot)
        b = planner.draft.build()
        assert b.ram_bandwidth_gbs == 120 and not b.ram_assumed
        assert "assumed: host RAM" not in shown_text(meta)
        await pilot.press("b")
        await pilot.pause()
        picker = pilot.app.screen
        assert isinstance(picker, ChoiceScreen)
        picker._close("rocm")  # ROCm does not drive an NVIDIA card: refused, said, unchanged
        await settle(pilot)
        assert planner.draft.backend == "" and "does not drive" in shown_text(planner.query_one("#plan-error", Static))
        await pilot.press("b")
        await pilot.pause()
        pilot.app.screen._close("vulkan")  # type: ignore[attr-defined]
        await settle(pilot)
        assert planner.draft.build().backend == "vulkan"
        assert "backend Vulkan (b)" in shown_text(meta)


@pytest.mark.parametrize("size", [(120, 40), (80, 24)])
async def test_compare_shows_what_a_pinned_build_runs_and_c_reaches_it(catalog: Catalog, size: tuple[int, int]) -> None:
    """Issue 18: compare rows were the top three models by score (every cell 'none' on a small build) and
    the table sat below the screen with nothing to scroll to it. Now: each build's best per use case and
    the user's pick, each run by at least one build; c puts the table on screen with the keyboard in it."""
    from textual.widgets import DataTable

    app = LlmtuiApp(catalog=catalog, build=planned_build(catalog, gpu="RTX 3060 12GB", ram="32GB"), detect=False)
    async with app.run_test(size=size) as pilot:
        planner = await open_planner(pilot)
        await pilot.press("1")  # A: the RTX 3060
        await settle(pilot)
        await open_picker(pilot)
        await pilot.press(*"3090", "enter")  # now: + an RTX 3090
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        table = planner.query_one("#compare", DataTable)
        assert table.row_count >= 2
        await pilot.press("c")
        await settle(pilot)
        assert table.has_focus
        screen = planner.region
        assert screen.contains_region(table.region.intersection(screen)) and table.region.height >= 3
        visible = table.region.intersection(planner.query_one("#results").region)
        assert visible.height >= 3, "the table is scrolled into view"
        names = [str(table.get_row_at(i)[0]) for i in range(table.row_count)]
        assert names[-1] == "price"
        cells = [[str(c) for c in table.get_row_at(i)[1:4]] for i in range(table.row_count - 1)]
        why = [str(table.get_row_at(i)[4]) for i in range(table.row_count - 1)]
        for name, row, reason in zip(names, cells, why, strict=False):
            assert reason == "your pick" or any(c.startswith("GPU") or c.startswith("CPU") for c in row), name
        await pilot.press("down", "down")
        assert table.cursor_row == 2, "the keyboard moves in the table"
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is planner and planner.query_one("#lines").has_focus


async def test_m_picks_the_model_to_compare(catalog: Catalog) -> None:
    from textual.widgets import DataTable

    app = rtx4090_app(catalog)
    async with app.run_test(size=(120, 40)) as pilot:
        planner = await open_planner(pilot)
        await pilot.press("1")
        await settle(pilot)
        await pilot.press("m")
        await pilot.pause()
        assert isinstance(app.screen, ChoiceScreen)
        await pilot.press(*"405b", "enter")
        await settle(pilot)
        table = planner.query_one("#compare", DataTable)
        first = [str(c) for c in table.get_row_at(0)]
        assert first[0].startswith("Llama 3.1 405B") and first[-1] == "your pick"
        assert first[1] == "does not run", "the pick stays, saying it runs nowhere"


async def test_use_build_returns_it_and_names_it_once(catalog: Catalog) -> None:
    """The planner hands its build back with dismiss(); issue 18: the pane read 'planned: X: X'."""
    from llmtui.ui.screens.main import MainScreen
    from tests.ui.test_main_screen import main_of

    app = rtx4090_app(catalog)
    async with app.run_test(size=(120, 40)) as pilot:
        planner = await open_planner(pilot)
        await pilot.press("plus")
        await settle(pilot)
        await pilot.press("u")
        await settle(pilot)
        assert isinstance(app.screen, MainScreen) and planner not in app.screen_stack
        main = main_of(app)
        b = main.state.build
        assert b is not None and len(b.gpus) == 2 and b.source == "planned"
        pane = str(main.query_one("#hardware").render())
        assert pane.count(b.describe()) == 1, pane
        assert "planned build" in str(main.query_one("#title").render())


async def test_start_from_this_machine_detects_in_a_worker(catalog: Catalog, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """t on a planned build detects this machine: in a worker, so the planner answers keys meanwhile
    (it called detect() on the UI thread, which can take seconds)."""
    import threading

    import llmtui.core.hardware as hw

    release = threading.Event()
    real = hw.detect

    def slow(cat):  # type: ignore[no-untyped-def]
        release.wait(10)
        m = real(cat, hw.Probes(nvml=hw.probe.NO_NVML))
        m.build = planned_build(cat, gpu="RTX 3090", ram="32GB")
        return m

    monkeypatch.setattr(hw, "detect", slow)
    app = rtx4090_app(catalog)
    async with app.run_test(size=(120, 40)) as pilot:
        planner = await open_planner(pilot)
        await pilot.press("t")
        await pilot.pause()
        assert "detecting this machine" in shown_text(planner.query_one("#plan-error", Static))
        await pilot.press("plus")  # the planner still takes keys while detection runs
        await pilot.pause()
        assert planner.draft.lines[0][1] == 2
        release.set()
        await settle(pilot)
        assert "3090" in planner.draft.lines[0][0].name and planner.draft.lines[0][1] == 1


async def test_plus_shows_the_next_build_worked_out_while_the_user_read(make_app, catalog: Catalog) -> None:  # type: ignore[no-untyped-def]
    """Idle after an overview, the planner works out the builds + and - make next; + then shows that
    overview at once (no worker), and it is the overview of the new build, figure for figure."""
    from llmtui.core.draft import overview

    app = make_app(gpu="2x RTX 3090")
    async with app.run_test(size=(160, 48)) as pilot:
        planner = await open_planner(pilot)
        v = planner.view
        nxt = [planner._key(b, v) for b in planner.draft.neighbours(planner._selected_line())]
        for _ in range(1200):  # the working-out ahead starts after the overview's frame: wait for it to end
            if all(k in planner._overviews for k in nxt):
                break
            await pilot.pause(0.05)
        assert len(nxt) == 2 and all(k in planner._overviews for k in nxt)  # 3x and 1x RTX 3090
        started: list[str] = []
        real = PlannerScreen._compute
        planner._compute = lambda *a: started.append("plan") or real(planner, *a)  # type: ignore[method-assign]
        await pilot.press("plus")
        assert started == []  # shown from what was worked out ahead
        b = planner.draft.build()
        assert len(b.gpus) == 3
        fresh = overview(
            catalog, b, quant=v.quant, ctx=v.ctx, benchmark=v.benchmark, kv_type=v.kv_type, engine=v.engine
        )
        assert planner._overviews[planner._key(b, v)] == fresh
        assert f"{fresh.summary.fits_gpu}" in shown_text(planner.query_one("#plan-results", Static))
        await settle(pilot)


def test_the_neighbouring_builds_are_those_count_allows(catalog: Catalog) -> None:
    from llmtui.core.build import gpu_from_device
    from llmtui.core.draft import Draft

    dev = catalog.device("RTX 3090")
    assert dev is not None
    d = Draft()
    d.add(gpu_from_device(dev, 24))
    assert [len(b.gpus) for b in d.neighbours(0)] == [2]  # one fewer than 1 GPU is no build
    d.count(0, 1)
    assert [len(b.gpus) for b in d.neighbours(0)] == [3, 1]
    assert [n for _, n in d.lines] == [2]  # the draft itself is unchanged
    assert d.neighbours(None) == []


def test_an_overview_a_worker_is_working_out_is_waited_for_not_redone(catalog: Catalog, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import threading
    import time

    from llmtui.ui.screens import planner as planner_mod
    from llmtui.ui.state import ViewState

    entered, release, calls = threading.Event(), threading.Event(), []

    def slow(*args, **kwargs):  # type: ignore[no-untyped-def]
        calls.append(1)
        entered.set()
        release.wait(30)
        return object()

    monkeypatch.setattr(planner_mod, "overview", slow)
    screen = PlannerScreen.__new__(PlannerScreen)  # only its overview cache is used
    screen.catalog, screen._overviews, screen._computing, screen._lock = catalog, {}, {}, threading.Lock()
    build, v = planned_build(catalog, gpu="RTX 3090", ram="64GB"), ViewState()
    got: list[object] = []
    a = threading.Thread(target=lambda: got.append(screen._overview(build, v)))
    a.start()
    assert entered.wait(30)
    b = threading.Thread(target=lambda: got.append(screen._overview(build, v)))
    b.start()
    time.sleep(0.2)  # b asks while a is still working (were b to redo it, calls would be 2)
    release.set()
    a.join(30)
    b.join(30)
    assert len(calls) == 1 and len(got) == 2 and got[0] is got[1]


async def test_plus_and_minus_rewrite_the_device_line_and_the_title(catalog: Catalog) -> None:
    """+ and - rewrite the line's prompt in place while its length stays (9x -> 10x does not), and the
    planner's texts follow every change: the title, the line, and 'CPU only' once the line is gone."""
    app = LlmtuiApp(catalog=catalog, build=planned_build(catalog, gpu="RTX 3060 12GB", ram="32GB"), detect=False)
    async with app.run_test(size=(120, 40)) as pilot:
        planner = await open_planner(pilot)
        lines = planner.query_one("#lines", OptionList)
        title = planner.query_one("#plan-title", Static)
        for keys, n in ((["plus"], 2), (["plus"], 3), (["plus"] * 6, 9), (["plus"], 10), (["minus"], 9)):
            await pilot.press(*keys)
            await pilot.pause()
            assert lines.option_count == 1 and lines.highlighted == 0
            assert str(lines.get_option_at_index(0).prompt).startswith(f"{n}x GeForce RTX 3060")
            assert f"{n}x GeForce RTX 3060" in shown_text(title)
        await pilot.press("x")
        await settle(pilot)
        assert [str(o.prompt) for o in lines.options] == ["(no GPU: CPU only)"]
        assert "RTX 3060" not in shown_text(title)
        await open_picker(pilot)
        await pilot.press(*"3090", "enter")
        await settle(pilot)
        assert [str(o.prompt).split(" · ")[0] for o in lines.options] == ["1x GeForce RTX 3090"]
        assert "Compare: 1, 2 or 3 pins" in shown_text(planner.query_one("#compare-title", Static))
