"""The main screen: the hardware pane, the leaderboard, the detail pane, the filter box."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.css.query import NoMatches
from textual.reactive import reactive
from textual.screen import Screen
from textual.widgets import Footer, Static
from textual.worker import get_current_worker

from ...core import rows_cache
from ...core.build import Build
from ...core.catalog import Catalog
from ...core.estimate import ENGINES, KV_NOTES, QUANTS, engine_kv, engine_quant, engine_quants
from ...core.leaderboard import (
    DESCENDING,
    PENDING,
    SERVING_USERS,
    SORT_KEYS,
    Row,
    benchmark_choices,
    benchmarks,
    placeholder_rows,
    resolve_benchmark,
    rows,
    sort_rows,
    with_best_quants,
)
from ...core.presets import PRESETS, PRESETS_BY_KEY
from ...core.query import QueryError, narrows, parse_query
from ...core.units import count, fmt_ctx
from ..state import CONTEXTS, HARDWARE, RECOMPUTE, REFILTER, RETITLE, ViewState, changed
from ..widgets.detail import DetailPane
from ..widgets.filter_bar import FilterBar
from ..widgets.hardware_pane import HardwarePane
from ..widgets.leaderboard import Leaderboard
from .choose import ChoiceScreen

MIN_W, MIN_H = 60, 16
WIDE = 130


# Up to this many rows the filter runs in the key handler, so the new rows go out in the keystroke's own
# frame; beyond, a worker keeps typing responsive. Keystroke to painted rows (tests/bench/run.py, 2 CPUs),
# in the handler / in a worker: 5,000 rows 13.7 / 40.3 ms, 10,000 rows 20.8 / 46.1 ms, 20,000 rows
# 32.1 / 43.2 ms (median): past ~10,000 the handler would hold each keystroke for longer than the goal.
SYNC_FILTER_ROWS = 10_000
# Background work that follows the first leaderboard (the inference servers' detection, the warm-up)
# starts this long after it is on screen: a worker started at once competes with the next frame and
# the first keystrokes for the interpreter's lock.
AFTER_FIRST_FRAME_S = 0.25
SYNC_FIRST_ROWS = 500  # up to this many models, the very first figures are computed before the first frame


class MainScreen(Screen[None]):
    CSS_PATH = Path(__file__).with_name("main.tcss")
    # The one list of this screen's keys: the footer shows them, ? lists them (with the tooltip as the
    # longer text), the palette offers them by name, and keymap.toml remaps them by id.
    BINDINGS: ClassVar[list[BindingType]] = [
        # the app's own keys, first in this screen's footer (the same ids: one remapping moves both)
        Binding("question_mark,f1", "app.help", "Help", id="app.help",
                tooltip="help: every key, the ranking and the filter language"),
        Binding("q", "app.quit", "Quit", id="app.quit", tooltip="quit llmtui"),
        # priority: handled the moment it arrives, so what follows it goes to the filter box (see filter())
        Binding("slash", "filter", "Filter", priority=True, id="main.filter",
                tooltip="filter the leaderboard as you type (escape clears it)"),
        Binding("s", "sort", "Sort", id="main.sort", tooltip="sort by a column (click a header too)"),
        Binding("r", "reverse", "Reverse", show=False, id="main.reverse", tooltip="reverse the sort"),
        Binding("b", "quant", "Quant", id="main.quant", tooltip="quantization (bits) for every row"),
        Binding("c", "ctx", "Ctx", id="main.ctx", tooltip="context length"),
        Binding("K", "kv", "KV type", show=False, id="main.kv", tooltip="KV cache type (the engine's own types)"),
        Binding("e", "engine", "Engine", show=False, id="main.engine", tooltip="engine: llama.cpp, Ollama, vLLM, MLX"),
        Binding("m", "metric", "Score", show=False, id="main.metric", tooltip="the score (metric) to show and rank by"),
        Binding("p", "preset", "Preset", id="main.preset", tooltip="use-case presets from the seed article"),
        Binding("f", "fits", "Fits", show=False, id="main.fits", tooltip="show only models that fit this build"),
        Binding("d", "toggle_detail", "Detail", id="main.detail", tooltip="show or hide the detail pane"),
        Binding("o", "build", "Build", show=False, id="main.build", tooltip="build: this machine or a saved profile"),
        Binding("w", "planner", "Planner", id="main.planner",
                tooltip="what-if planner: compose a build, compare builds, reverse planning"),
        Binding("H", "needs", "HW needed", show=False, id="main.needs",
                tooltip="hardware needed per model: the cheapest hardware that runs each"),
        Binding("A", "seed", "Seed table", show=False, id="main.seed",
                tooltip="the seed article's hardware table next to llmtui's figures, its errors named"),
        Binding("y", "copy", "Copy cmd", show=False, id="main.copy",
                tooltip="copy the launch command (OSC 52: works over SSH)"),
        Binding("escape", "back", "Back", show=False, id="main.back",
                tooltip="back to the table (closes the detail on a narrow screen)"),
    ]  # fmt: skip

    # What the screen shows, as one immutable value: set a new one (replace(self.state, ...)) and
    # watch_state decides what to redo.
    state: reactive[ViewState] = reactive(ViewState, init=False, always_update=False)

    def __init__(self, catalog: Catalog, state: ViewState, *, detect: bool, job: Any = None) -> None:
        super().__init__()
        self.catalog = catalog
        self.set_reactive(MainScreen.state, state)
        self.detect_on_start = detect
        self.job = job  # detection started before the UI (llmtui.core.hardware.DetectionJob)
        self.all_rows: list[Row] = []
        self.rows_pending = True
        self._servers_due = False  # the inference servers' detection, once the first leaderboard shows
        self._figures_shown = False  # a leaderboard with figures (not placeholders) has been shown
        self.query_error = ""
        self._sorted: list[Row] = []  # all_rows in the current sort, remade when _sorted_key changes
        self._sorted_key: tuple[int, str, bool] | None = None
        # (sorted rows, query, pending, the rows it left) of the rows shown last, for a query typed on
        self._last_filter: tuple[list[Row], str, bool, list[Row]] | None = None
        self._detail_for: Row | None = None  # the highlighted row the detail pane is for
        self._detail_request = 0  # numbers detail loads; only the latest may land
        self._detail_shows: tuple[Any, tuple[Any, ...]] | None = None  # (model, its settings) last loaded

    # --- layout ---------------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Static("llmtui", id="title", markup=False)
        yield HardwarePane(id="hardware")
        yield FilterBar(self._filter_changed, id="filter")
        with Horizontal(id="body"):
            with Vertical(id="table-area"):
                yield Leaderboard(id="table")
            yield DetailPane(id="detail")
        yield Static("", id="status", markup=False)
        yield Static("", id="too-small")
        yield Footer()

    @property
    def table(self) -> Leaderboard:
        return self.query_one(Leaderboard)

    @property
    def detail(self) -> DetailPane:
        return self.query_one(DetailPane)

    def on_mount(self) -> None:
        self.table.focus()
        self._apply_size(self.size.width, self.size.height)
        self._refresh_title()
        early = self.job.result(timeout=0) if self.job is not None else None
        if early is not None:  # detection started before the UI and is already done
            self.job = None
            self._detected(early)
            return
        self.recompute()
        if self.detect_on_start:
            self.detect_hardware()
        else:
            self._show_hardware()

    def on_resize(self, event: Any) -> None:
        self._apply_size(event.size.width, event.size.height)

    def watch_state(self, old: ViewState, new: ViewState) -> None:
        """The one place that decides what a change of view redoes: the figures (recompute, which
        refilters when the rows land), only which rows show (refilter), the title, the hardware pane."""
        what = changed(old, new)
        if what & HARDWARE:
            self._show_hardware()
        if what & RETITLE:
            self._refresh_title()
        if (what & RECOMPUTE and _needs_rows(old, new, what)) or _serving_toggled(old, new):
            self.recompute()
        elif what & REFILTER:
            self.refilter()

    def _apply_size(self, width: int, height: int) -> None:
        small = width < MIN_W or height < MIN_H
        self.set_class(small, "-too-small")
        self.query_one("#too-small", Static).update(
            f"llmtui needs a terminal of at least {MIN_W}x{MIN_H};\n"
            f"this one is {width}x{height}. Enlarge it, or press q."
        )
        narrow = width < WIDE
        self.set_class(narrow, "-narrow")
        if not narrow and not self.has_class("-detail") and not getattr(self, "_detail_hidden", False):
            self.add_class("-detail")
            self._refresh_detail()
        pane = self.query_one(HardwarePane)
        pane.max_lines = 3 if height < 30 else 6
        self._show_hardware()

    # --- hardware -----------------------------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="detect", description="detect")
    def detect_hardware(self) -> None:
        from ...core.hardware import detect

        job, self.job = self.job, None
        machine = job.result() if job is not None else None
        if machine is None:
            machine = detect(self.catalog)
        self.app.call_from_thread(self._detected, machine)

    def _detected(self, machine: Any) -> None:
        if self.state.build is not None and self.state.build.source != "detected":
            return  # the user switched to a profile meanwhile
        from ...core.profiles import with_saved_calibration

        first = self.state.build is None
        machine.build = with_saved_calibration(machine.build, self.catalog)  # `llmtui bench` measured it
        self.state = replace(self.state, build=machine.build, machine=machine, build_title="this machine")
        if first and self.app.is_running:
            self.set_interval(5.0, self.detect_hardware, name="hardware-refresh")
            # the early job left the inference servers out: they follow once the first leaderboard is
            # on screen (their probes and urllib would otherwise delay that frame by ~50 ms of CPU)
            self._servers_due = not any(src.name == "servers" for src in machine.sources)

    def _show_hardware(self) -> None:
        b = self.state.build
        title = self.state.build_title + (f": {b.describe()}" if b else "")
        machine = self.state.machine if b is not None and b.source == "detected" else None
        self.query_one(HardwarePane).show(b, machine, title)

    def set_build(self, build: Build, title: str, machine: object | None = None, **view: Any) -> None:
        self.state = replace(self.state, build=build, build_title=title, machine=machine, **view)

    # --- rows ------------------------------------------------------------------------------------------------

    def recompute(self) -> None:
        st = self.state
        self.rows_pending = st.build is None
        if st.build is None:  # names and scores at once; the figures follow detection
            self._rows_ready(placeholder_rows(self.catalog, quant=st.quant, benchmark=st.benchmark), True)
            return
        if st.sort != "throughput":  # the same machine and settings as a run before: its rows, at once
            kept = rows_cache.read(self.catalog, st.build, **_estimate_settings(st), benchmark=st.benchmark)
            if kept is not None:
                self.workers.cancel_group(self, "rows")  # a computation still running is stale now
                if any(r.best_status == PENDING for r in kept):  # that run ended before the search did
                    self._first_rows(kept, st)
                else:
                    self._rows_ready(kept, False)
                return
        if not self._figures_shown and len(self.catalog.models) <= SYNC_FIRST_ROWS:
            # The first figures, before anything is on screen: computed here rather than in a worker
            # while placeholder frames are drawn and drawn again (~100 ms of the first start's CPU)
            self._first_rows(self._first_pass(st), st)
            return
        self._compute_rows(st)

    def _first_pass(self, st: ViewState) -> list[Row]:
        """Every row's figures at the view's quant, kept for the next start; the best quants are left
        PENDING."""
        assert st.build is not None
        first = rows(
            self.catalog,
            st.build,
            quant=st.quant,
            ctx=st.ctx,
            benchmark=st.benchmark,
            kv_type=st.kv_type,
            engine=st.engine,
            with_best=False,
            serving_users=SERVING_USERS if st.sort == "throughput" else 0,
            serving_filter=_query_filter(st.full_query()),
        )
        if st.sort != "throughput":
            rows_cache.write(self.catalog, st.build, first, **_estimate_settings(st))
        return first

    @work(thread=True, exclusive=True, group="rows", description="rows")
    def _compute_rows(self, st: ViewState) -> None:
        first = self._first_pass(st)
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._first_rows, first, st)

    def _first_rows(self, first: list[Row], st: ViewState) -> None:
        self._rows_ready(first, False)
        # The best-quant search is the slower part: it starts once this frame is on screen.
        self.call_after_refresh(self._compute_best, first, st)

    @work(thread=True, exclusive=True, group="rows", description="rows")
    def _compute_best(self, first: list[Row], st: ViewState) -> None:
        assert st.build is not None
        full = with_best_quants(first, st.build, ctx=st.ctx, kv_type=st.kv_type, engine=st.engine)
        if get_current_worker().is_cancelled:
            return
        self.app.call_from_thread(self._rows_ready, full, False)
        if st.sort != "throughput":
            rows_cache.write(self.catalog, st.build, full, **_estimate_settings(st))

    def _rows_ready(self, result: list[Row], pending: bool) -> None:
        """Rows from a worker; the app may be closing meanwhile (its widgets already gone)."""
        if not self.is_attached:
            return
        self.all_rows = result
        self.rows_pending = pending
        try:
            self.refilter()
        except NoMatches:  # the screen is being torn down: nothing to show the rows in
            return

    def refilter(self) -> None:
        """Filter and sort the computed rows for the current query. Up to SYNC_FILTER_ROWS at once, so
        the new rows are drawn in the keystroke's own frame; beyond, in a worker that drops stale results."""
        key = (id(self.all_rows), self.state.sort, self.state.reverse)
        if self._sorted_key != key:  # sort once per row set; filtering keeps the order
            self._sorted_key = key
            reverse = (not _default_desc(self.state.sort)) if self.state.reverse else None
            self._sorted = sort_rows(self.all_rows, self.state.sort, reverse=reverse)
        text = self.state.full_query()
        base = self._sorted
        last = self._last_filter
        if last is not None and last[0] is self._sorted and last[2] == self.rows_pending and _narrows(last[1], text):
            base = last[3]  # typing on narrows the query: only the rows the last one left can match
        if len(self.all_rows) <= SYNC_FILTER_ROWS:
            self._filter_landed(self._sorted, text, _filtered(text, base, self.rows_pending))
        else:
            self._filter(self._sorted, text, base, self.rows_pending)

    @work(thread=True, exclusive=True, group="filter", description="filter")
    def _filter(self, every: list[Row], text: str, sorted_rows: list[Row], pending: bool) -> None:
        result = _filtered(text, sorted_rows, pending)
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._filter_landed, every, text, result)

    def _filter_landed(self, every: list[Row], text: str, result: tuple[list[Row], str, bool]) -> None:
        """The rows `text` leaves of `every` (the sorted rows): shown, and kept for a query typed on."""
        shown, error, pending = result
        self._last_filter = None if error else (every, text, pending, shown)
        self._show_rows(shown, error, pending)

    def _show_rows(self, shown: list[Row], error: str, pending: bool) -> None:
        if error != self.query_error:
            self.query_one(FilterBar).set_error(error)
        self.query_error = error
        descending = _default_desc(self.state.sort) != self.state.reverse
        self.table.set_rows(shown, sort_key=self.state.sort, descending=descending, pending=pending)
        self._refresh_status(len(shown))
        if self._servers_due and not pending:
            self._servers_due = False
            self.set_timer(AFTER_FIRST_FRAME_S, self.detect_hardware)
        if not pending and not self._figures_shown:
            self._figures_shown = True
            self.set_timer(AFTER_FIRST_FRAME_S, self._warm_up)

    @work(thread=True, group="warm-up", description="warm-up")
    def _warm_up(self) -> None:
        """What the detail pane and the first changed setting need (placement, speed, serving, launch
        commands: ~30 ms of imports), loaded once the first leaderboard is on screen, not at the first
        keystroke."""
        import importlib

        for name in ("llmtui.core.estimate.api", "llmtui.core.detail", "llmtui.core.launch"):
            importlib.import_module(name)

    def _refresh_title(self) -> None:
        st = self.state
        preset = f" · preset: {PRESETS_BY_KEY[st.preset].label}" if st.preset else ""
        kv = f" · KV {st.kv_type}" if st.kv_type != "f16" else ""
        self.query_one("#title", Static).update(
            f"llmtui · {st.build_title} · {st.quant} · {fmt_ctx(st.ctx)} ctx{kv} · {st.engine}"
            f" · score: {st.benchmark}{preset}"
        )

    def _refresh_status(self, shown: int) -> None:
        st = self.state
        parts = [f"{shown} of {count(len(self.all_rows), 'model')}"]
        if st.full_query():
            parts.append(f"filter: {st.full_query()}")
        if self.rows_pending:
            parts.append("detecting hardware: fits follow")
        if st.sort == "runnable":
            parts.append("what runs first")
        parts.append(f"Mem, Fit, t/s at {st.quant}; Best fit: the best quant that fits (? explains)")
        text = " · ".join(parts)
        if text != getattr(self, "_status_text", None):
            self._status_text = text
            self.query_one("#status", Static).update(text, layout=False)  # one line, fixed height

    # --- detail --------------------------------------------------------------------------------------------------

    @on(Leaderboard.Highlighted)
    def _highlighted(self, event: Leaderboard.Highlighted) -> None:
        self._detail_for = event.row
        self._refresh_detail()

    def _refresh_detail(self) -> None:
        """Load the detail of the highlighted model, when the pane is on screen. Each request gets a
        number; a worker's result is shown only if no later request came meanwhile, so a slow load
        for a model typed past cannot land over "no model matches"."""
        row, st = self._detail_for, self.state
        shows = None if row is None else (row.model, (st.build, st.quant, st.ctx, st.kv_type, st.engine))
        if (
            shows is not None
            and self._detail_shows is not None
            and shows[0] is self._detail_shows[0]
            and shows[1] == self._detail_shows[1]
        ):
            return  # the pane shows this model for these settings, or its load is on the way (a filter
            # keystroke that keeps the same model first loads nothing)
        self._detail_request += 1
        self._detail_shows = None
        if not self.has_class("-detail"):
            return  # hidden: loaded when shown
        if row is None:
            self.detail.clear("No model matches the filter.")
            return
        if self.state.build is None or self.rows_pending:
            self.detail.clear("Detecting hardware…")
            return
        self._detail_shows = shows
        self._load_detail(row.model, self.state, self._detail_request)

    def _detail_landed(self, request: int, show: Any, *args: Any) -> None:
        if request == self._detail_request:
            show(*args)

    @work(thread=True, exclusive=True, group="detail", description="detail")
    def _load_detail(self, model: Any, st: ViewState, request: int) -> None:
        from ...core.detail import model_detail
        from ...core.estimate import EstimateError

        assert st.build is not None
        try:
            d = model_detail(model, st.build, quant=st.quant, ctx=st.ctx, kv_type=st.kv_type, engine=st.engine)
        except EstimateError as e:
            self.app.call_from_thread(self._detail_landed, request, self.detail.clear, str(e))
            return
        launch = ""
        try:
            from ...core.launch import launch_for_estimate

            launch = launch_for_estimate(d.estimate, st.build, self.catalog)
        except Exception as e:  # a launch command is a convenience; its absence must not hide the rest
            launch = f"(no launch command: {e})"
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._detail_landed, request, self.detail.show, d, launch)

    @on(Leaderboard.Selected)
    def _selected(self, event: Leaderboard.Selected) -> None:
        self._detail_hidden = False
        self.add_class("-detail")
        self._refresh_detail()
        self.detail.focus()

    def action_toggle_detail(self) -> None:
        shown = self.has_class("-detail")
        self._detail_hidden = shown
        self.set_class(not shown, "-detail")
        if shown:
            self.table.focus()
        else:
            self._refresh_detail()
            if self.has_class("-narrow"):  # the detail takes the table's place: it takes the keyboard too
                self.detail.focus()

    def action_back(self) -> None:
        if self.has_class("-narrow") and self.has_class("-detail"):
            self.remove_class("-detail")
            self._detail_hidden = True
        self.table.focus()

    def action_copy(self) -> None:
        text = self.detail.launch_text
        if not text or text.startswith("(no launch"):
            self.notify("No launch command for this model and build.", severity="warning")
            return
        self.app.copy_to_clipboard(text)
        self.notify("Launch command copied (OSC 52).")

    # --- filter ------------------------------------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """'/' is a priority key only while the filter box is closed: once the box has the keyboard,
        '/' goes to it behind the keys typed before it, in order."""
        return not (action == "filter" and self.focused is self.query_one(FilterBar).input)  # set at once

    def action_filter(self) -> None:
        self.query_one(FilterBar).open()

    def on_paste(self, event: Any) -> None:
        """Text pasted onto the leaderboard that starts with '/' is a filter: open the box with it."""
        text = (event.text or "").splitlines()[0] if event.text else ""
        if text.startswith("/") and self.focused is not self.query_one(FilterBar).input:
            event.stop()
            self.query_one(FilterBar).open(text[1:])

    def _filter_changed(self, text: str) -> None:
        """Called by the filter box for every keystroke, inside the key's handler (see QueryInput)."""
        self.state = replace(self.state, query=text, preset="")  # typing leaves a preset's query behind

    @on(FilterBar.Done)
    def _filter_done(self, event: FilterBar.Done) -> None:
        self.table.focus()

    def action_fits(self) -> None:
        self.state = replace(self.state, fits_only=not self.state.fits_only)
        self.notify("Showing models that fit this build." if self.state.fits_only else "Showing every model.")

    # --- choices ----------------------------------------------------------------------------------------------------

    def _choose(self, title: str, options: list[tuple[str, str]], current: str, then: Any) -> None:
        def done(value: str | None) -> None:
            if value is not None:
                then(value)

        self.app.push_screen(ChoiceScreen(title, options, current), done)

    def action_sort(self) -> None:
        labels = {
            "runnable": "runnable first: fit at the best quant, then score (default)",
            "score": "score: the full ranking, whether it runs or not",
            "adjusted": "score adjusted for the quant's loss",
            "name": "name",
            "params": "parameters",
            "memory": "memory needed",
            "fit": "fit",
            "tps": "decode speed",
            "released": "release date",
            "ctx": "context length",
            "license": "license",
            "best": "best fit",
            "throughput": f"decode t/s of {SERVING_USERS} users at once (per dollar: the same order on one build)",
        }
        self._choose("Sort by", [(k, labels[k]) for k in SORT_KEYS], self.state.sort, self.set_sort)

    def set_sort(self, key: str) -> None:
        self.state = replace(self.state, sort=key, reverse=False)

    @on(Leaderboard.SortClicked)
    def _sort_clicked(self, event: Leaderboard.SortClicked) -> None:
        if event.key == self.state.sort:
            self.action_reverse()
        else:
            self.set_sort(event.key)

    def action_reverse(self) -> None:
        self.state = replace(self.state, reverse=not self.state.reverse)

    def action_quant(self) -> None:
        opts = [(q, f"{q:8} {QUANTS[q].note}") for q in engine_quants(ENGINES[self.state.engine])]
        self._choose("Quantization", opts, self.state.quant, self.set_quant)

    def set_quant(self, q: str) -> None:
        self.state = replace(self.state, quant=q)

    def action_ctx(self) -> None:
        opts = [(str(c), f"{fmt_ctx(c)} tokens") for c in CONTEXTS]
        self._choose("Context length", opts, str(self.state.ctx), lambda v: self.set_ctx(int(v)))

    def set_ctx(self, ctx: int) -> None:
        self.state = replace(self.state, ctx=ctx)

    def action_kv(self) -> None:
        opts = [(k, KV_NOTES[k]) for k in ENGINES[self.state.engine].kv_types]
        self._choose("KV cache type", opts, self.state.kv_type, self.set_kv)

    def set_kv(self, kv: str) -> None:
        self.state = replace(self.state, kv_type=kv)

    def action_engine(self) -> None:
        opts = [(e.name, e.label) for e in ENGINES.values()]
        self._choose("Engine", opts, self.state.engine, self.set_engine)

    def set_engine(self, name: str) -> None:
        eng = ENGINES[name]
        quant, kv = engine_quant(self.state.quant, eng), engine_kv(self.state.kv_type, eng)
        other = [f"quant {quant}"] if quant != self.state.quant else []
        other += [f"KV cache {kv}"] if kv != self.state.kv_type else []
        if other:
            self.notify(f"{eng.label} runs other formats: {' and '.join(other)}.", markup=False)
        self.state = replace(self.state, engine=name, quant=quant, kv_type=kv)

    def action_metric(self) -> None:
        opts = benchmark_choices(self.catalog)
        self._choose("Score to show and rank by", opts, self.state.benchmark, self.set_benchmark)

    def set_benchmark(self, b: str) -> None:
        self.state = replace(self.state, benchmark=b)

    def action_preset(self) -> None:
        opts = [("", "none: every model")] + [(p.key, f"{p.label}: {p.query} · by {p.benchmark}") for p in PRESETS]
        self._choose("Use-case preset", opts, self.state.preset, self.set_preset)

    def set_preset(self, key: str) -> None:
        st = self.state
        if not key:
            st = replace(st, preset="", query="")
        else:
            p = PRESETS_BY_KEY[key]
            st = replace(st, preset=key, query=p.query, sort=p.sort, reverse=False)
            bench = resolve_benchmark(self.catalog, p.benchmark)
            if bench in benchmarks(self.catalog):
                st = replace(st, benchmark=bench)
            if p.ctx:
                st = replace(st, ctx=p.ctx)
        self.query_one(FilterBar).set_text(st.query)
        self.state = st

    def action_build(self) -> None:
        from ...core.profiles import list_profiles

        profiles, errors = list_profiles(self.catalog)
        for e in errors:
            self.notify(e, severity="warning", timeout=8, markup=False)
        opts = [("", "this machine (detected)")] + [(p.name, f"{p.name}: {p.build.describe()}") for p in profiles]
        current = "" if self.state.build is None or self.state.build.source == "detected" else self.state.build_title
        self._choose("Build to compute for", opts, current, self.use_profile)

    def use_profile(self, name: str) -> None:
        if not name:
            self.state = replace(self.state, build=None, build_title="this machine", machine=None)
            self.detect_hardware()
            return
        from ...core.profiles import ProfileError, load_profile

        try:
            p = load_profile(name, self.catalog)
        except ProfileError as e:
            self.notify(str(e), severity="error", timeout=10, markup=False)
            return
        self.set_build(p.build, f"profile {p.name}", engine=p.engine)

    def action_planner(self) -> None:
        from .planner import PlannerScreen

        st = self.state
        detected = st.build if st.build is not None and st.build.source == "detected" else None
        screen = PlannerScreen(self.catalog, st, model=getattr(self.table.current, "model", None), detected=detected)
        self.app.open_screen(screen, self._planned)  # type: ignore[attr-defined]

    def _planned(self, choice: Any) -> None:
        """The planner's answer: the build to use (with its engine and formats), or None."""
        if choice is None:
            return
        self.set_build(choice.build, choice.title, engine=choice.engine, quant=choice.quant, kv_type=choice.kv_type)

    def action_needs(self) -> None:
        from .needs import NeedsScreen

        self.app.open_screen(NeedsScreen(self.catalog, self.state))  # type: ignore[attr-defined]

    def action_seed(self) -> None:
        from .seed import SeedScreen

        self.app.open_screen(SeedScreen(self.catalog, self.state))  # type: ignore[attr-defined]


def _filtered(text: str, all_rows: list[Row], pending: bool) -> tuple[list[Row], str, bool]:
    """(the rows matching the query, in the given order; the query's error or ''; pending)."""
    try:
        q = parse_query(text)
        error = ""
    except QueryError as e:
        q, error = None, str(e)
    shown = all_rows if q is None else q.filter_rows(all_rows)
    if pending and q is not None and q.needs_rows:
        shown = [r for r in all_rows if q.matches_model(r.model)]
    return shown, error, pending


def _narrows(old: str, new: str) -> bool:
    try:
        return narrows(parse_query(old), parse_query(new))
    except QueryError:
        return False


def _query_filter(text: str) -> Any:
    """The query's row test, so the costly serving figures are computed only for the rows it shows."""
    try:
        return parse_query(text).matches_row
    except QueryError:
        return None


def _default_desc(key: str) -> bool:
    return key in DESCENDING


def _estimate_settings(st: ViewState) -> dict[str, Any]:
    """The view's choices a row's figures depend on (rows_cache's key)."""
    return {"quant": st.quant, "ctx": st.ctx, "kv_type": st.kv_type, "engine": st.engine}


def _serving_toggled(old: ViewState, new: ViewState) -> bool:
    """The rows carry the serving figures only when ranked by them: sorting to or from throughput
    recomputes."""
    return old.sort != new.sort and "throughput" in (old.sort, new.sort)


def _needs_rows(old: ViewState, new: ViewState, what: frozenset[str]) -> bool:
    """A figure changed, except when the only change is detection's periodic refresh of this machine
    and free memory moved too little to change a fit."""
    if what & RECOMPUTE != {"build"} or old.build is None or new.build is None:
        return True
    if old.build.source != "detected" or new.build.source != "detected":
        return True
    return _moved(old.build, new.build)


def _moved(old: Build | None, new: Build) -> bool:
    """Did free memory change enough (256 MiB on any device) to recompute the fits?"""
    if old is None or len(old.gpus) != len(new.gpus):
        return True
    for a, b in zip(old.gpus, new.gpus, strict=True):
        if abs((a.free_bytes or 0) - (b.free_bytes or 0)) > 256 << 20:
            return True
    ra, rb = old.ram_available_bytes or 0, new.ram_available_bytes or 0
    return abs(ra - rb) > 1 << 30
