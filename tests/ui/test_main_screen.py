"""Pilot tests of the main screen: each interaction asserts on what the table and panes hold."""

from __future__ import annotations

import threading

import pytest

from llmtui.core.build import planned_build
from llmtui.core.catalog import Catalog
from llmtui.core.estimate import estimate
from llmtui.core.output import ROW_COLUMNS
from llmtui.core.query import parse_query
from llmtui.ui.app import LlmtuiApp
from llmtui.ui.screens.main import MainScreen
from llmtui.ui.widgets.detail import DetailPane
from llmtui.ui.widgets.leaderboard import Leaderboard

SETTLE_S = 60.0  # generous: a loaded 2-core machine is slow, and a wait only ends early


async def settle(pilot, screen: MainScreen | None = None, timeout: float = SETTLE_S) -> None:  # type: ignore[no-untyped-def]
    """Wait for the workers (rows, filter, detail, plan) to finish and their results to land. Fails when
    they are still busy after `timeout` seconds: a test never goes on to assert on a half-drawn screen."""
    import time

    app = pilot.app
    quiet = 0
    deadline = time.monotonic() + timeout
    busy_with: list[str] = []
    while time.monotonic() < deadline:
        await pilot.pause(0.02)
        busy_with = [w.description or w.name for w in app.workers if w.is_running or w.state.name == "PENDING"]
        main = next((s for s in app.screen_stack if isinstance(s, MainScreen)), None)
        if main is not None and any(r.best_status == "…" for r in main.all_rows):
            busy_with.append("best quants")  # the best-quant pass has not landed yet
        quiet = 0 if busy_with else quiet + 1
        if quiet >= 3:
            return
    raise AssertionError(f"still busy after {timeout:g} s: {', '.join(busy_with)}")


def main_of(app: LlmtuiApp) -> MainScreen:
    for s in app.screen_stack:
        if isinstance(s, MainScreen):
            return s
    raise AssertionError("no main screen")


async def test_rows_fill_for_the_build(make_app, catalog: Catalog) -> None:  # type: ignore[no-untyped-def]
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        table = app.screen.query_one(Leaderboard)
        assert len(table.rows) == len(catalog.models)
        assert table.has_focus
        # the figures on screen are the estimator's for the same model, quant, context and build
        r = next(r for r in table.rows if r.id == "llama-3.1-8b-instruct")
        e = estimate(r.model, "Q4_K_M", 8192, main_of(app).state.build, with_max_ctx=False)  # type: ignore[arg-type]
        assert r.memory_bytes == e.memory.total_bytes
        assert r.status == e.status == "gpu"
        assert e.speed is not None and r.decode_tps == pytest.approx(e.speed.decode_expected)
        i = table.rows.index(r)
        assert table.cell_text(i)[ROW_COLUMNS.index("fit")] == "GPU"


async def test_filter_as_you_type_and_escape(make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("slash")
        for ch in "qwen size<40":
            await pilot.press("space" if ch == " " else ("less_than_sign" if ch == "<" else ch))
        await settle(pilot)
        table = app.screen.query_one(Leaderboard)
        assert table.rows, "qwen models under 40B exist"
        hay = [f"{r.model.name} {r.model.family} {r.model.id} {r.model.hf_repo}".lower() for r in table.rows]
        assert all("qwen" in h for h in hay)
        assert all(r.model.params_b < 40 for r in table.rows)
        assert len(table.rows) < len(main_of(app).all_rows)
        await pilot.press("escape")
        await settle(pilot)
        assert len(table.rows) == len(main_of(app).all_rows)
        assert table.has_focus


async def test_typed_query_filters_before_the_next_frame(make_app) -> None:  # type: ignore[no-untyped-def]
    """The box hands each value to the screen from inside the keystroke, so the rows and the typed
    character are drawn in the same frame: no await between the edit and the filtered table."""
    from llmtui.ui.widgets.filter_bar import FilterBar

    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = main_of(app)
        await pilot.press("slash")
        screen.query_one(FilterBar).input.value = "qwen"
        rows = screen.table.rows
        assert rows and len(rows) < len(screen.all_rows)
        assert all("qwen" in f"{r.model.name} {r.model.family} {r.model.id} {r.model.hf_repo}".lower() for r in rows)


async def test_typing_on_backspacing_and_new_rows_show_what_the_whole_filter_shows(make_app) -> None:  # type: ignore[no-untyped-def]
    """The box filters a query typed on from the rows the last keystroke left; after each keystroke,
    a backspace, a new sort and new rows the table holds what filtering every row gives."""
    from dataclasses import replace

    from llmtui.core.leaderboard import sort_rows
    from llmtui.ui.screens.main import _default_desc

    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = main_of(app)

        def want() -> list[str]:
            st = screen.state
            ordered = sort_rows(screen.all_rows, st.sort, reverse=(not _default_desc(st.sort)) if st.reverse else None)
            return [r.id for r in parse_query(st.full_query()).filter_rows(ordered)]

        await pilot.press("slash")
        for key in [*"qwen 3", "backspace", "backspace", *" 8b", "backspace", *"-a"]:
            await pilot.press({" ": "space", "-": "minus"}.get(key, key))
            assert [r.id for r in screen.table.rows] == want(), screen.state.query
        await pilot.press("escape")  # cleared: every row again
        await settle(pilot)
        assert len(screen.table.rows) == len(screen.all_rows)
        screen.state = replace(screen.state, query="llama", sort="params", reverse=True)  # a new sort
        await settle(pilot)
        assert [r.id for r in screen.table.rows] == want() and screen.table.rows
        screen.state = replace(screen.state, query="llama 3", ctx=32768)  # typed on, and new rows
        await settle(pilot)
        assert [r.id for r in screen.table.rows] == want() and screen.table.rows


async def test_a_query_longer_than_the_box_scrolls_with_the_cursor(make_app) -> None:  # type: ignore[no-untyped-def]
    """The box repaints rather than lays out the screen when its text changes (its width is fixed);
    a query wider than the box still scrolls to keep the cursor in view, both ways."""
    from llmtui.ui.widgets.filter_bar import FilterBar

    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = main_of(app)
        await pilot.press("slash")
        box = screen.query_one(FilterBar).input
        text = "qwen " + "x" * 90
        await pilot.press(*[{" ": "space"}.get(ch, ch) for ch in text])
        await settle(pilot)
        assert box.value == text and box.cursor_position == len(text)
        assert box.virtual_size.width == len(text) + 1  # the text and the cursor's cell
        assert box.scroll_x > 0 and box.scroll_x + box.content_size.width >= len(text)  # the end is in view
        await pilot.press("home")
        await settle(pilot)
        assert box.cursor_position == 0 and box.scroll_x == 0


async def test_preset_query_shows_in_the_box_and_typing_leaves_the_preset(make_app) -> None:  # type: ignore[no-untyped-def]
    from llmtui.ui.widgets.filter_bar import FilterBar

    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = main_of(app)
        screen.set_preset("coding")
        await settle(pilot)
        bar = screen.query_one(FilterBar)
        assert bar.input.value == screen.state.query == "use:coding fits"
        assert screen.state.preset == "coding", "showing the preset's query is not typing"
        await pilot.press("slash", "end", "space", "q")
        await settle(pilot)
        assert screen.state.preset == ""
        assert screen.state.query == "use:coding fits q"


async def test_bad_filter_shows_error_and_keeps_rows(make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("slash", "s", "i", "z", "z", "e", "less_than_sign", "4")
        await settle(pilot)
        screen = main_of(app)
        assert "unknown filter 'sizze'" in screen.query_error
        assert len(screen.table.rows) == len(screen.all_rows)


async def test_sort_and_reverse(make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = main_of(app)
        screen.set_sort("params")
        await settle(pilot)
        sizes = [r.model.params_b for r in screen.table.rows]
        assert sizes == sorted(sizes, reverse=True)
        await pilot.press("r")
        await settle(pilot)
        sizes = [r.model.params_b for r in screen.table.rows]
        assert sizes == sorted(sizes)


async def test_sort_picker_with_keys(make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("s")
        await pilot.pause()
        # options: runnable, score, adjusted, name, ...: move to "name" and choose it
        await pilot.press("j", "j", "j", "enter")
        await settle(pilot)
        names = [r.model.name.lower() for r in main_of(app).table.rows]
        assert names == sorted(names)


async def test_quant_and_context_change_every_row(make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = main_of(app)
        screen.set_quant("Q8_0")
        screen.set_ctx(32768)
        await settle(pilot)
        r = next(r for r in screen.table.rows if r.id == "qwen2.5-14b-instruct")
        e = estimate(r.model, "Q8_0", 32768, screen.state.build, with_max_ctx=False)  # type: ignore[arg-type]
        assert r.quant == "Q8_0" and r.memory_bytes == e.memory.total_bytes
        assert "Q8_0 · 32K ctx" in str(screen.query_one("#title").render())


async def test_preset_filters_and_ranks(make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = main_of(app)
        screen.set_preset("coding")
        await settle(pilot)
        # a stated version of the preset's benchmark (AA's own runs), never a column of mixed versions
        assert screen.state.benchmark == "LiveCodeBench AA"
        q = parse_query("use:coding fits")
        assert screen.table.rows and all(q.matches_row(r) for r in screen.table.rows)
        # what runs fully on the GPU first, then with offload, each by score
        from llmtui.core.estimate import STATUS_ORDER

        keys = [(STATUS_ORDER[r.best_status], r.score_value) for r in screen.table.rows if r.score_value is not None]
        assert keys == sorted(keys, reverse=True) and keys[0][0] == STATUS_ORDER["gpu"]


async def test_detail_pane_shows_the_estimate(make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app()
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        screen = main_of(app)
        table = screen.table
        table.cursor = next(i for i, r in enumerate(table.rows) if r.id == "llama-3.1-8b-instruct")
        await settle(pilot)
        pane = screen.query_one(DetailPane)
        plain = pane.plain_text()
        assert "Llama 3.1 8B Instruct" in plain
        e = estimate(table.rows[table.cursor].model, "Q4_K_M", 8192, screen.state.build)  # type: ignore[arg-type]
        assert e.speed is not None
        assert f"decode {e.speed.decode_expected:.1f} t/s" in plain
        assert "llama-server" in pane.launch_text and "-c 8192" in pane.launch_text


async def test_a_slow_detail_load_does_not_land_over_no_match(make_app, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Typing past a model while its detail is still loading: the pane ends on "no model matches",
    not on the model the worker finished last."""
    import llmtui.core.detail as detail_mod
    from llmtui.ui.widgets.filter_bar import FilterBar

    app = make_app()
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        screen = main_of(app)
        original = detail_mod.model_detail
        release = threading.Event()

        def slow(*args, **kwargs):  # type: ignore[no-untyped-def]
            release.wait(5)
            return original(*args, **kwargs)

        monkeypatch.setattr(detail_mod, "model_detail", slow)
        await pilot.press("slash")
        bar = screen.query_one(FilterBar)
        bar.input.value = "llama"  # a model is highlighted and its detail starts loading (held)
        await pilot.pause(0.05)
        bar.input.value = "llama zzzz-no-such-model"  # nothing matches now
        await pilot.pause(0.05)
        release.set()
        await settle(pilot)
        assert "No model matches the filter." in screen.query_one(DetailPane).plain_text()


async def test_a_filter_keystroke_that_keeps_the_model_loads_no_detail(make_app, model_calls) -> None:  # type: ignore[no-untyped-def]
    """The detail pane is worked out again only when its model or the settings it depends on change: a
    keystroke that narrows the filter but keeps the highlighted model costs no detail load, a new model
    or a new context does (and the pane then shows it)."""
    from dataclasses import replace

    import llmtui.core.detail as detail_mod
    from llmtui.ui.widgets.filter_bar import FilterBar

    app = make_app()
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        screen = main_of(app)
        loads = model_calls(detail_mod, "model_detail")
        await pilot.press("slash")
        bar = screen.query_one(FilterBar)
        bar.input.value = "llama 3.1"
        await settle(pilot)
        first = screen.table.rows[0].id
        assert loads == [first]
        bar.input.value = "llama 3.1 8b"  # still the same model on top
        await settle(pilot)
        assert screen.table.rows[0].id == first and loads == [first]
        bar.input.value = "qwen"  # another model on top: loaded and shown
        await settle(pilot)
        top = screen.table.rows[0]
        assert loads == [first, top.id] and top.model.name in screen.query_one(DetailPane).plain_text()
        screen.state = replace(screen.state, ctx=32768)
        screen._refresh_detail()  # the settings changed: the same model is worked out again
        await settle(pilot)
        assert loads == [first, top.id, top.id]


async def test_enter_opens_detail_on_a_narrow_screen_and_escape_returns(make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = main_of(app)
        assert not screen.query_one(DetailPane).display
        await pilot.press("enter")
        await settle(pilot)
        assert screen.query_one(DetailPane).display and screen.query_one(DetailPane).has_focus
        await pilot.press("escape")
        await pilot.pause()
        assert screen.table.has_focus and not screen.query_one(DetailPane).display


async def test_movement_keys(make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        table = main_of(app).table
        await pilot.press("j", "j", "down")
        assert table.cursor == 3
        await pilot.press("k")
        assert table.cursor == 2
        await pilot.press("G")
        assert table.cursor == len(table.rows) - 1
        await pilot.press("g")
        assert table.cursor == 0


def help_text(app: LlmtuiApp) -> list[str]:
    import io

    from rich.console import Console
    from textual.widgets import Static

    console = Console(width=200, record=True, file=io.StringIO())
    for w in app.screen.query(Static):
        console.print(w.content)
    return [line.strip() for line in console.export_text().splitlines()]


def missing_from_help(lines: list[str], keymap: dict[str, str]) -> list[str]:
    """Each binding with an id, from every screen's list, as a line of its own: its keys (as remapped),
    what it does, its id. A binding whose line is not there is missing."""
    from llmtui.ui import keys

    out = []
    for _, bindings in keys.sections():
        for key, what, bid in keys.rows(bindings, keymap):
            if not any(ln.startswith(key + " ") and what in ln and ln.endswith(bid) for ln in lines):
                out.append(bid or key)
    return out


async def test_help_lists_every_key_from_the_bindings(make_app) -> None:  # type: ignore[no-untyped-def]
    """Issue 18: help was a hand-written list checked by substring ('s' is in every line), so a missing
    key passed. Now help is made from the bindings and the check is per binding, per line."""
    from llmtui.ui import keys
    from llmtui.ui.screens.help import HelpScreen

    every = [b for _, bindings in keys.sections() for b in bindings]
    assert all(b.id and b.tooltip for b in every), [b.key for b in every if not (b.id and b.tooltip)]
    for screen in (MainScreen, Leaderboard):
        assert all(b in every for b in screen.BINDINGS), screen  # no screen key outside the one list
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        lines = help_text(app)
        assert missing_from_help(lines, {}) == []
        assert sum(ln.endswith("app.help") for ln in lines) == 1, "the app's keys, on several lists, once"
        # the check can fail: a line taken out is reported by its id
        assert missing_from_help([ln for ln in lines if not ln.endswith("main.sort")], {}) == ["main.sort"]
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)


async def test_too_small_terminal_says_so(make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app()
    async with app.run_test(size=(50, 14)) as pilot:
        await settle(pilot)
        screen = main_of(app)
        assert screen.has_class("-too-small")
        assert "at least 60x16" in str(screen.query_one("#too-small").render())
        await pilot.resize_terminal(100, 30)
        await pilot.pause()
        assert not screen.has_class("-too-small")


async def test_command_palette_sets_the_quant(make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await pilot.pause()
        for ch in "Quant Q8_0":
            await pilot.press("space" if ch == " " else ("underscore" if ch == "_" else ch))
        await pilot.pause(0.5)
        await pilot.press("enter")
        await settle(pilot)
        assert main_of(app).state.quant == "Q8_0"


async def test_start_up_does_not_wait_for_detection(catalog: Catalog, monkeypatch: pytest.MonkeyPatch) -> None:
    """The table shows at once with fits pending; they fill in when detection returns."""
    release = threading.Event()
    import llmtui.core.hardware as hw

    real_detect = hw.detect

    def slow_detect(cat):  # type: ignore[no-untyped-def]
        release.wait(10)
        m = real_detect(cat, hw.Probes(nvml=hw.probe.NO_NVML))
        m.build = planned_build(cat, gpu="RTX 3090", ram="32GB")
        return m

    monkeypatch.setattr(hw, "detect", slow_detect)
    app = LlmtuiApp(catalog=catalog, detect=True)
    async with app.run_test(size=(120, 40)) as pilot:
        for _ in range(100):
            await pilot.pause(0.05)
            if main_of(app).table.rows:
                break
        screen = main_of(app)
        assert screen.table.rows and screen.table.pending
        assert screen.table.cell_text(0)[1]  # names are there already
        release.set()
        await settle(pilot)
        assert not screen.table.pending
        assert any(r.status == "gpu" for r in screen.table.rows)


async def test_the_palette_offers_the_main_screens_commands_only_there(make_app) -> None:  # type: ignore[no-untyped-def]
    """Issue 18: from the planner, "Open the what-if planner" stacked a second planner."""
    from llmtui.ui.commands import LlmtuiCommands
    from llmtui.ui.screens.planner import PlannerScreen

    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        provider = LlmtuiCommands(app.screen)
        assert any(name.startswith("What-if planner") for name, _, _ in provider._commands())
        await pilot.press("w")
        await settle(pilot)
        assert isinstance(app.screen, PlannerScreen)
        names = [name for name, _, _ in LlmtuiCommands(app.screen)._commands()]
        assert not any("planner" in n.lower() for n in names), names
        assert "Pin this build as A for comparison" in names, "the planner's own keys, by name"
        await pilot.press("ctrl+p")
        await pilot.pause()
        for ch in "planner":
            await pilot.press(ch)
        await pilot.pause(0.5)
        await pilot.press("enter")
        await settle(pilot)
        assert sum(isinstance(s, PlannerScreen) for s in app.screen_stack) <= 1


async def test_hardware_needed_fits_100_columns(make_app) -> None:  # type: ignore[no-untyped-def]
    """Issue 18: H's price and speed columns were off a 100-column screen."""
    from textual.widgets import DataTable

    from llmtui.ui.screens.needs import NeedsScreen

    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("H")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, NeedsScreen)
        t = screen.query_one(DataTable)
        assert t.row_count > 0
        assert sum(c.get_render_width(t) for c in t.columns.values()) <= 100 - 2  # the scrollbar's room


async def test_help_lists_the_planners_keys(make_app) -> None:  # type: ignore[no-untyped-def]
    """Issue 18: the planner's keys R S u 1 2 3 t l n were missing from '?'."""
    from llmtui.ui.screens.help import HelpScreen

    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        lines = help_text(app)
        for key in ("R", "S", "u", "1", "2", "3", "t", "l", "n", "c", "m"):
            assert any(ln.startswith(key + " ") and "planner." in ln for ln in lines), key


async def test_one_watcher_decides_what_a_change_redoes(make_app) -> None:  # type: ignore[no-untyped-def]
    """The view is one immutable value; its watcher recomputes for a figure, refilters for the rows
    shown, retitles for the title, and ignores a refresh of this machine that changes no fit."""
    from dataclasses import replace

    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = main_of(app)
        calls: list[str] = []
        recompute, refilter = screen.recompute, screen.refilter
        screen.recompute = lambda: calls.append("recompute") or recompute()  # type: ignore[method-assign]
        screen.refilter = lambda: calls.append("refilter") or refilter()  # type: ignore[method-assign]
        screen.set_sort("params")
        assert calls == ["refilter"]
        calls.clear()
        screen.set_quant("Q8_0")
        assert calls == ["recompute"] and "Q8_0" in str(screen.query_one("#title").render())
        await settle(pilot)
        calls.clear()
        screen.state = replace(screen.state, build_title="renamed")
        assert calls == [] and "renamed" in str(screen.query_one("#title").render())
        b = screen.state.build
        assert b is not None
        here = replace(b, source="detected")
        screen.state = replace(screen.state, build=here)
        calls.clear()
        gpu = replace(here.gpus[0], free_bytes=(here.gpus[0].free_bytes or 0) + (100 << 20))
        screen.state = replace(screen.state, build=replace(here, gpus=(gpu,)))
        assert calls == [], "100 MiB more free memory changes no fit: no recompute"
        gpu = replace(here.gpus[0], free_bytes=(here.gpus[0].free_bytes or 0) + (2 << 30))
        screen.state = replace(screen.state, build=replace(here, gpus=(gpu,)))
        assert calls == ["recompute"]
        with pytest.raises(AttributeError):
            screen.state.quant = "Q4_K_M"  # type: ignore[misc]
        await settle(pilot)


async def test_d_on_a_narrow_screen_gives_the_detail_the_keyboard(make_app) -> None:  # type: ignore[no-untyped-def]
    """Below 130 columns the detail replaces the table; d left the keyboard on the hidden table
    (focus on nothing), so j/k moved nothing on screen."""
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        screen = main_of(app)
        await pilot.press("d")
        await settle(pilot)
        assert screen.detail.display and screen.detail.has_focus
        await pilot.press("d")
        await pilot.pause()
        assert not screen.detail.display and screen.table.has_focus


@pytest.mark.parametrize("no_color", [False, True])
async def test_fit_styles_under_no_color_keep_the_terminals_foreground(
    make_app, monkeypatch: pytest.MonkeyPatch, no_color: bool
) -> None:  # type: ignore[no-untyped-def]
    """Issue 18: with NO_COLOR the fit colours became dark greys on black. Under NO_COLOR the fit cells
    carry no colour of their own (weight and slant only); with colour they keep theirs."""
    if no_color:
        monkeypatch.setenv("NO_COLOR", "1")
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        table = main_of(app).table
        assert app.no_color == no_color
        styles = {fit: table._fit_style(fit) for fit in ("GPU", "GPU+CPU", "CPU only", "no")}
        if no_color:
            assert all(s.color is None and s.bgcolor is None for s in styles.values())
            assert styles["GPU"].bold and styles["CPU only"].italic
        else:
            assert all(s.color is not None for s in styles.values())


async def test_ram_holding_experts_is_not_called_embeddings(catalog: Catalog) -> None:
    """Issue 18: with --n-cpu-moe the CPU row of the memory bars read 'embeddings' while it held the
    experts of most layers."""
    build = planned_build(catalog, gpu="RTX 4090", ram="128GB")
    app = LlmtuiApp(catalog=catalog, build=build, detect=False)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        screen = main_of(app)
        table = screen.table
        table.cursor = next(i for i, r in enumerate(table.rows) if r.id == "mixtral-8x22b-instruct-v0.1")
        await settle(pilot)
        e = estimate(table.rows[table.cursor].model, "Q4_K_M", 8192, build)
        assert e.n_cpu_moe > 0
        ram = next(ln for ln in screen.detail.plain_text().splitlines() if ln.startswith("CPU RAM"))
        assert f"experts of {e.n_cpu_moe} layers" in ram and "embeddings" not in ram


async def test_settle_fails_when_the_app_stays_busy(make_app) -> None:  # type: ignore[no-untyped-def]
    """settle() used to return after its loop whatever the state; a test then asserted on a half-drawn
    screen. A worker that never finishes now fails it, by name."""
    app = make_app()
    release = threading.Event()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        app.run_worker(lambda: release.wait(30), thread=True, description="stuck on purpose")
        with pytest.raises(AssertionError, match=r"still busy after 0\.5 s: stuck on purpose"):
            await settle(pilot, timeout=0.5)
        release.set()
        await settle(pilot)


async def test_a_start_like_the_last_one_shows_its_rows_without_estimating(make_app, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Issue 20: the same machine and settings as the last run show that run's rows (best quants too)
    at once; another build is estimated."""
    from llmtui.ui.screens import main as main_mod

    calls: list[str] = []
    real = main_mod.rows

    def counted(catalog, build, **kw):  # type: ignore[no-untyped-def]
        calls.append(build.describe())
        return real(catalog, build, **kw)

    monkeypatch.setattr(main_mod, "rows", counted)
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        first = list(main_of(app).all_rows)
    assert len(calls) == 1 and all(r.best_status != "…" for r in first)
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert main_of(app).all_rows == first
        assert len(app.screen.query_one(Leaderboard).rows) == len(first)
    assert len(calls) == 1, "read back, not estimated"
    app = make_app(gpu="RTX 3060 12GB")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
    assert len(calls) == 2


async def test_the_inference_servers_are_asked_once_the_first_leaderboard_is_on_screen(
    catalog: Catalog, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The early detection leaves the servers out (their probes cost the first frame ~50 ms of CPU); the
    detection that asks them starts after the first complete leaderboard is shown, and only once."""
    from llmtui.core import hardware

    job = hardware.DetectionJob(catalog, servers=False)
    assert job.result(timeout=30) is not None  # done before the UI: the screen takes it at mount
    events: list[str] = []
    real_detect, real_show = hardware.detect, MainScreen._show_rows

    def detect(*args, **kwargs):  # type: ignore[no-untyped-def]
        events.append("detect")
        return real_detect(*args, **kwargs)

    def show_rows(self, shown, error, pending):  # type: ignore[no-untyped-def]
        real_show(self, shown, error, pending)
        events.append("rows" if shown and not pending else "placeholder")

    monkeypatch.setattr(hardware, "detect", detect)
    monkeypatch.setattr(MainScreen, "_show_rows", show_rows)
    app = LlmtuiApp(catalog=catalog, detection=job)
    async with app.run_test(size=(120, 40)) as pilot:
        for _ in range(600):  # the detection starts a moment after the first leaderboard (a timer)
            await pilot.pause(0.05)
            if "detect" in events:
                break
        await settle(pilot)
        assert "detect" in events and "rows" in events[: events.index("detect")], events
        assert events.count("detect") == 1, events
        machine = main_of(app).state.machine
        assert machine is not None and any(src.name == "servers" for src in machine.sources)


@pytest.mark.parametrize("limit, in_worker", [(500, False), (0, True)])
async def test_the_first_figures_are_computed_before_the_first_frame_for_a_small_catalogue(
    make_app, monkeypatch: pytest.MonkeyPatch, limit: int, in_worker: bool
) -> None:  # type: ignore[no-untyped-def]
    """No kept rows: up to SYNC_FIRST_ROWS models the first figures are worked out at mount, so the
    first frame already has them; past it (here 0) a worker computes them, as every later change does."""
    from llmtui.ui.screens import main as main_screen

    monkeypatch.setattr(main_screen, "SYNC_FIRST_ROWS", limit)
    calls: list[object] = []
    real = MainScreen._compute_rows
    monkeypatch.setattr(MainScreen, "_compute_rows", lambda self, st: calls.append(st) or real(self, st))
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        main = main_of(app)
        if not in_worker:  # right after mount: figures, not placeholders
            assert main.all_rows and not main.rows_pending and main.all_rows[0].memory_bytes > 0
        await settle(pilot)
        assert (len(calls) == 1) is in_worker
        assert all(r.best_status != "…" for r in main.all_rows)
