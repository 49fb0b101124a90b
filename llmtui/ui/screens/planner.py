"""The what-if planner: compose a build, see what it runs and what an upgrade would unlock, compare
builds side by side, and save builds as profiles. The figures come from llmtui.core.draft and
llmtui.core.compare; this screen shows them. It returns the build to use with dismiss()."""

from __future__ import annotations

import contextlib
import threading
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, ClassVar

from rich.console import Group
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.css.query import NoMatches
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Input, Label, OptionList, Static
from textual.widgets.option_list import Option
from textual.worker import get_current_worker

from ...core.build import (
    BACKENDS,
    DEFAULT_RAM_BANDWIDTH_GBS,
    DEFAULT_RAM_NOTE,
    NETWORKS,
    Build,
    BuildError,
    check_backend,
    gpu_from_device,
    parse_custom_gpu,
    parse_ram,
)
from ...core.catalog import Catalog, Model
from ...core.compare import CompareRow, candidates, compare
from ...core.draft import Draft, DraftError, Overview, overview
from ...core.estimate import ENGINES, EstimateError, engine_kv, engine_quant
from ...core.output import device_price_text, fmt_gib, price_text
from ...core.units import GiB, count, fmt_ctx
from ..plain import plain
from ..state import ViewState
from .choose import ChoiceScreen

SLOTS = "ABC"


@dataclass(frozen=True, slots=True)
class PlanChoice:
    """What the planner hands back when the user picks 'use this build'."""

    build: Build
    title: str
    engine: str
    quant: str
    kv_type: str


class PlannerScreen(Screen[PlanChoice | None]):
    CSS_PATH = Path(__file__).with_name("planner.tcss")
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("a", "add", "Add device", id="planner.add", tooltip="add a GPU or a machine (type to narrow the list)"),
        Binding("x,delete", "remove", "Remove", id="planner.remove", tooltip="remove the selected device line"),
        Binding("plus,equals_sign", "count(1)", "+1", id="planner.more", tooltip="one more of the selected device"),
        Binding("minus", "count(-1)", "-1", id="planner.fewer", tooltip="one fewer of the selected device"),
        Binding("n", "network", "Network", show=False, id="planner.network", tooltip="the network between machines"),
        Binding("e", "engine", "Engine", show=False, id="planner.engine", tooltip="the engine the plan runs"),
        Binding("b", "backend", "Backend", show=False, id="planner.backend",
                tooltip="the llama.cpp backend (CUDA, ROCm, Vulkan, ...); usual: each GPU's own"),
        Binding("t", "this_machine", "This machine", show=False, id="planner.this_machine",
                tooltip="start from this machine (detected)"),
        Binding("l", "load", "Load profile", id="planner.load", tooltip="start from a saved profile"),
        Binding("S", "save", "Save profile", id="planner.save", tooltip="save this build as a profile"),
        Binding("1", "pin(0)", "Pin A", show=False, id="planner.pin_a", tooltip="pin this build as A for comparison"),
        Binding("2", "pin(1)", "Pin B", show=False, id="planner.pin_b", tooltip="pin this build as B for comparison"),
        Binding("3", "pin(2)", "Pin C", show=False, id="planner.pin_c", tooltip="pin this build as C for comparison"),
        Binding("c", "compare", "Compare", id="planner.compare",
                tooltip="go to the comparison of the pinned builds (escape comes back)"),
        Binding("m", "pick_model", "Model to compare", show=False, id="planner.pick_model",
                tooltip="pick a model to compare on every pinned build"),
        Binding("R", "reverse_plan", "Reverse plan", id="planner.reverse_plan",
                tooltip="reverse planning: the cheapest builds for a model at a speed"),
        Binding("u", "use", "Use build", id="planner.use", tooltip="use this build on the leaderboard"),
        Binding("escape", "close", "Back", id="planner.close", tooltip="leave a box, or the planner"),
    ]  # fmt: skip

    def __init__(
        self, catalog: Catalog, state: ViewState, *, model: Model | None = None, detected: Build | None = None
    ) -> None:
        super().__init__()
        self.catalog = catalog
        self.view = replace(state)
        base = state.build or Build("empty", ram_bytes=64 * GiB)
        self.draft = Draft.from_build(base, state.engine)
        self._follow_engine()
        self.detected = detected  # this machine's build, when the main screen has detected it
        self.pinned: list[Build | None] = [None, None, None]
        self.focus_model = model
        self._overviews: dict[tuple[object, ...], Overview] = {}  # per build and view: pins are not recomputed
        self._computing: dict[tuple[object, ...], threading.Event] = {}  # overviews a worker is working out
        self._lock = threading.Lock()
        self._texts: dict[str, tuple[str, str]] = {}  # what _set_text last put in each Static

    def compose(self) -> ComposeResult:
        yield Static("What-if planner", id="plan-title", markup=False)
        with Horizontal(id="plan-body"):
            with Vertical(id="composer"):
                yield Label("Devices (a add · x remove · +/- count)")
                yield OptionList(id="lines", markup=False)
                with Horizontal(classes="field"):
                    yield Label("Host RAM")
                    yield Input(id="ram", placeholder="e.g. 64GB", compact=True)
                with Horizontal(classes="field"):
                    yield Label("Machines")
                    yield Input(id="machines", placeholder="1", type="integer", compact=True)
                with Horizontal(classes="field"):
                    yield Label("Mac wired MB")
                    yield Input(id="wired", placeholder="0 = macOS default", type="integer", compact=True)
                with Horizontal(classes="field"):
                    yield Label("RAM GB/s")
                    yield Input(id="rambw", placeholder="host RAM bandwidth", compact=True)
                with Horizontal(classes="field"):
                    yield Label("Custom GPU")
                    yield Input(id="custom", placeholder="memory=24GB,bandwidth=936,fp16=71", compact=True)
                yield Static("", id="plan-error", markup=False)
                yield Static("", id="plan-meta")
            with VerticalScroll(id="results"):
                yield Static("computing…", id="plan-results", markup=False)
                yield Static("", id="compare-title", markup=False)
                yield DataTable(id="compare", cursor_type="row", zebra_stripes=True, fixed_columns=1)
        yield Footer()

    def on_mount(self) -> None:
        self._fill_boxes()
        self.query_one("#lines", OptionList).focus()
        self.set_class(self.size.width < 120, "-narrow")
        self.recompute()

    def _fill_boxes(self) -> None:
        self.query_one("#ram", Input).value = _ram_text(self.draft.ram_bytes)
        self.query_one("#machines", Input).value = str(self.draft.machines)
        self.query_one("#wired", Input).value = str(self.draft.wired_limit_mb)
        self.query_one("#rambw", Input).value = f"{self.draft.ram_bandwidth:g}"
        self._redraw_lines()

    def on_resize(self, event: Any) -> None:
        self.set_class(event.size.width < 120, "-narrow")

    def on_descendant_focus(self, event: Any) -> None:
        """The comparison gets the whole width while it has the keyboard: the composer steps aside."""
        self.set_class(event.widget.id == "compare", "-comparing")

    # --- composing -------------------------------------------------------------------------------------------

    def _redraw_lines(self, select: int | None = None) -> None:
        ol = self.query_one("#lines", OptionList)
        highlighted = ol.highlighted if select is None else select
        lines = self.draft.lines
        prompts = [f"{n}x {g.name} · {g.memory_bytes / GiB:g} GiB · {g.bandwidth_gbs:g} GB/s" for g, n in lines]
        shown = [str(o.prompt) for o in ol.options if o.id != "none"]
        same_rows = len(shown) == ol.option_count == len(prompts) and list(map(len, shown)) == list(map(len, prompts))
        if lines and same_rows:
            # + and - change a count: the prompts in place, no new layout (the same lengths take the same rows)
            for i, (old, new) in enumerate(zip(shown, prompts, strict=True)):
                if old != new:
                    ol.replace_option_prompt_at_index(i, new)
        else:
            ol.clear_options()
            if not lines:
                ol.add_option(Option("(no GPU: CPU only)", id="none", disabled=True))
            ol.add_options([Option(text, id=str(i)) for i, text in enumerate(prompts)])
        if lines:  # a line is always selected, so + and - act on something
            ol.highlighted = min(highlighted or 0, len(lines) - 1)
        self._sync_ram_box()
        b = self.draft.build()
        eng = ENGINES[self.draft.engine]
        backend = BACKENDS[self.draft.backend] if self.draft.backend else f"{b.backend_label} (usual)"
        said = b.assumptions(where="planner")
        meta = (
            f"\nengine {eng.label} (e) · backend {backend} (b) · network {NETWORKS[self.draft.network][2]} (n)\n"
            f"t: start from this machine · l: load a profile\n"
            f"1/2/3 pin for comparison · c: go to it" + "".join(f"\nassumed: {a}" for a in said)
        )
        self._set_text("#plan-meta", meta, style="dim")
        self._set_text("#plan-title", f"What-if planner · {b.describe()}")

    def _sync_ram_box(self) -> None:
        """A unified-memory machine's RAM is its GPU memory: the box shows that and cannot be edited."""
        box = self.query_one("#ram", Input)
        unified = self.draft.unified
        if unified is not None and box.has_focus:
            self.query_one("#lines", OptionList).focus()
        box.disabled = unified is not None
        box.value = _ram_text(unified.memory_bytes if unified else self.draft.ram_bytes)
        box.tooltip = "unified memory: the same memory as the GPU's" if unified else None

    def _set_text(self, selector: str, text: str, *, style: str = "") -> None:
        """A Static's text, updated only when it changes: an update lays the screen out again, and + and -
        leave most of the planner's texts as they were."""
        if self._texts.get(selector) != (text, style):
            self._texts[selector] = (text, style)
            self.query_one(selector, Static).update(Text(text, style=style) if style else text)

    def _error(self, message: str) -> None:
        with contextlib.suppress(NoMatches):  # from a worker, while the planner closes
            self._set_text("#plan-error", message)

    def _selected_line(self) -> int | None:
        ol = self.query_one("#lines", OptionList)
        if ol.highlighted is None or not self.draft.lines:
            return None
        return min(ol.highlighted, len(self.draft.lines) - 1)

    def _changed(self, select: int | None = None) -> None:
        self._error("")
        self._redraw_lines(select)
        self.recompute()

    def action_add(self) -> None:
        opts: list[tuple[str, str]] = []
        for d in self.catalog.devices:
            if d.kind == "cpu":
                continue
            for mem in d.memory_gib:
                label = f"{d.name} {mem:g} GB · {d.bandwidth_gbs:g} GB/s"
                price = device_price_text(d, mem)
                opts.append((f"{d.id}|{mem:g}", f"{label} · {price}" if price else label))

        def chosen(key: str | None) -> None:
            if not key:
                return
            dev_id, mem = key.split("|")
            dev = self.catalog.device(dev_id)
            assert dev is not None
            try:
                line, note = self.draft.add(gpu_from_device(dev, float(mem)))
            except DraftError as e:
                self._error(str(e))
                return
            self._changed(select=line)
            if note:
                self._error(note)  # after _changed, which clears the message line

        title = "Add a device (type to narrow · ↑/↓ move · enter adds)"
        self.app.push_screen(ChoiceScreen(title, opts, search=True), chosen)

    def action_remove(self) -> None:
        i = self._selected_line()
        if i is not None:
            self.draft.remove(i)
            self._changed()

    def action_count(self, step: int) -> None:
        try:
            self.draft.count(self._selected_line(), step)
        except DraftError as e:
            self._error(str(e))
            return
        self._changed()

    @on(Input.Submitted)
    @on(Input.Blurred)
    def _input(self, event: Any) -> None:
        if event.input.disabled:
            return  # the RAM box of a unified machine shows the GPU's memory; it was not typed
        from ...core.boundary import InputError
        from ...core.boundary.numbers import whole

        field = event.input.id
        value = event.input.value.strip()
        try:
            if field == "ram":
                ram = parse_ram(value, "RAM") if value not in ("", "0") else 0  # "0" is how the box shows none
                if ram != self.draft.ram_bytes:
                    self.draft.ram_bytes = ram
                    self.draft.ram_available = None
                    self._changed()
                event.input.value = _ram_text(ram)  # as understood: an empty box reads "0"
            elif field == "machines":
                n = whole(value or "1", "machines", lo=1, hi=64)
                if n != self.draft.machines:
                    self.draft.machines = n
                    self._changed()
            elif field == "wired":
                limit = self.draft.build().ram_bytes // (1 << 20)
                mb = whole(value or "0", "wired limit (MB)", lo=0, hi=limit or 64_000_000)
                if mb != self.draft.wired_limit_mb:
                    self.draft.wired_limit_mb = mb
                    self._changed()
            elif field == "rambw":
                from ...core.boundary.numbers import number

                gbs = number(value or f"{DEFAULT_RAM_BANDWIDTH_GBS:g}", "RAM bandwidth", lo=1, hi=20_000)
                if gbs != self.draft.ram_bandwidth:
                    self.draft.ram_bandwidth = gbs
                    self.draft.ram_note = "given in the planner" if value else DEFAULT_RAM_NOTE
                    self._changed()
                event.input.value = f"{gbs:g}"
            elif field == "custom" and value:
                extra = parse_custom_gpu(value)
                if self.draft.unified is not None:
                    raise BuildError("a custom GPU cannot join a unified-memory machine")
                self.draft.lines.append((extra[0], len(extra)))
                event.input.value = ""
                self._changed(select=len(self.draft.lines) - 1)
        except (BuildError, InputError) as e:
            self._error(f"{e}; nothing changed")
            event.input.value = {
                "ram": _ram_text(self.draft.ram_bytes),
                "machines": str(self.draft.machines),
                "wired": str(self.draft.wired_limit_mb),
                "rambw": f"{self.draft.ram_bandwidth:g}",
                "custom": value,
            }[field]
            return  # the box keeps the focus, to be corrected
        if isinstance(event, Input.Submitted):  # enter leaves the box: the planner's keys work again
            self.query_one("#lines", OptionList).focus()

    def action_network(self) -> None:
        opts = [(k, v[2]) for k, v in NETWORKS.items()]
        self.app.push_screen(ChoiceScreen("Network between machines", opts, self.draft.network), self._set_network)

    def _set_network(self, key: str | None) -> None:
        if key:
            self.draft.network = key
            self._changed()

    def action_engine(self) -> None:
        opts = [(e.name, e.label) for e in ENGINES.values()]
        self.app.push_screen(ChoiceScreen("Engine", opts, self.draft.engine), self._set_engine)

    def _set_engine(self, key: str | None) -> None:
        if key:
            self.draft.engine = key
            self._follow_engine()
            self._changed()

    def action_backend(self) -> None:
        opts = [("usual", "each GPU's usual backend")] + [(k, v) for k, v in BACKENDS.items()]
        current = self.draft.backend or "usual"
        self.app.push_screen(ChoiceScreen("llama.cpp backend", opts, current), self._set_backend)

    def _set_backend(self, key: str | None) -> None:
        if not key:
            return
        key = "" if key == "usual" else key
        if key:
            try:
                check_backend(self.draft.build(), key)
            except BuildError as e:
                self._error(str(e))
                return
        self.draft.backend = key
        self._changed()

    def _follow_engine(self) -> None:
        """The draft's engine runs its own formats: the nearest quant and KV type, by the same rule as
        the main screen's engine switch and the CLI."""
        eng = ENGINES[self.draft.engine]
        v = self.view
        self.view = replace(v, quant=engine_quant(v.quant, eng), kv_type=engine_kv(v.kv_type, eng), engine=eng.name)

    def _start_from(self, build: Build) -> None:
        self.draft = Draft.from_build(build, self.draft.engine)
        self._error("")
        self._fill_boxes()
        self.recompute()

    def action_this_machine(self) -> None:
        if self.detected is not None:
            self._start_from(self.detected)
            return
        self._error("detecting this machine…")
        self._detect()

    @work(thread=True, exclusive=True, group="detect", description="detect")
    def _detect(self) -> None:
        """Detection reads sysfs, NVML and local servers: seconds at worst, never on the UI thread."""
        from ...core.hardware import detect

        build = detect(self.catalog).build
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._detected, build)

    def _detected(self, build: Build) -> None:
        if self.is_attached:
            self.detected = build
            self._start_from(build)

    def action_load(self) -> None:
        from ...core.profiles import list_profiles

        profiles, errors = list_profiles(self.catalog)
        for e in errors:
            self.notify(e, severity="warning", timeout=8, markup=False)
        if not profiles:
            self.notify("No saved profiles yet: S saves this build.")
            return
        opts = [(p.name, f"{p.name}: {p.build.describe()}") for p in profiles]

        def chosen(name: str | None) -> None:
            if name:
                from ...core.profiles import load_profile

                p = load_profile(name, self.catalog)
                self.draft = Draft.from_build(p.build, p.engine)
                self._follow_engine()
                self._error("")
                self._fill_boxes()
                self.recompute()

        self.app.push_screen(ChoiceScreen("Load a profile", opts), chosen)

    def action_save(self) -> None:
        from .name_prompt import NameScreen

        self.app.push_screen(NameScreen("Save this build as profile", self.draft.name), self._save)

    def _save(self, name: str | None) -> None:
        if not name:
            return
        from ...core.profiles import Profile, ProfileError, save_profile

        b = replace(self.draft.build(), name=name)
        try:
            path = save_profile(Profile(name, b, engine=self.draft.engine), self.catalog)
        except ProfileError as e:
            self._error(str(e))
            return
        self.draft.name = name
        self.notify(f"Saved profile '{name}' to {path}", markup=False)

    def action_pin(self, slot: int) -> None:
        self.pinned[slot] = self.draft.build()
        self.notify(f"Pinned as {SLOTS[slot]} for comparison: c goes to the table")
        self.recompute()

    def action_compare(self) -> None:
        table = self.query_one("#compare", DataTable)
        if not table.row_count:
            self.notify("Nothing to compare yet: 1, 2 or 3 pins the current build.")
            return
        table.focus()
        self.query_one("#compare-title", Static).scroll_visible(animate=False, top=True)

    def action_pick_model(self) -> None:
        opts = [(m.id, f"{m.name} · {m.params_b:g}B") for m in self.catalog.models]

        def chosen(mid: str | None) -> None:
            if mid:
                self.focus_model = self.catalog.model(mid)
                self.recompute()

        current = self.focus_model.id if self.focus_model else None
        self.app.push_screen(ChoiceScreen("Model to compare", opts, current, search=True), chosen)

    def action_use(self) -> None:
        if not self.is_current:  # a second close key queued meanwhile is ignored
            return
        b = self.draft.build()
        v = self.view
        self.dismiss(PlanChoice(b, "planned build", self.draft.engine, v.quant, v.kv_type))

    def action_close(self) -> None:
        if isinstance(self.focused, Input | DataTable):  # escape in a box or the comparison goes back to the devices
            self.query_one("#lines", OptionList).focus()
            return
        if self.is_current:  # a second close key queued meanwhile is ignored
            self.dismiss(None)

    def action_reverse_plan(self) -> None:
        from .reverse_plan import ReversePlanScreen

        model = self.focus_model or self.catalog.models[0]
        self.app.push_screen(ReversePlanScreen(self.catalog, model, self.view, self.draft.engine))

    # --- results -----------------------------------------------------------------------------------------------------

    def recompute(self) -> None:
        build, v = self.draft.build(), self.view
        known = self._overviews.get(self._key(build, v))
        if known is not None and not any(p is not None for p in self.pinned):
            # worked out already (this build earlier, or ahead of a + or -): shown in this frame
            self.workers.cancel_group(self, "plan")
            self._show(known, v, ["now"], [build], [])
            return
        self._compute(build, v, list(self.pinned), self.focus_model)

    @staticmethod
    def _key(build: Build, v: ViewState) -> tuple[object, ...]:
        return (build, v.quant, v.ctx, v.benchmark, v.kv_type, v.engine)

    def _overview(self, build: Build, v: ViewState) -> Overview:
        """The overview of a build, worked out once: a worker asking for one another worker is working
        out waits for it rather than doing it again beside it."""
        key = self._key(build, v)
        while True:
            with self._lock:
                if key in self._overviews:
                    return self._overviews[key]
                busy = self._computing.get(key)
                if busy is None:
                    busy = self._computing[key] = threading.Event()
                    break
            busy.wait()
        try:
            ov = overview(
                self.catalog, build, quant=v.quant, ctx=v.ctx, benchmark=v.benchmark, kv_type=v.kv_type, engine=v.engine
            )
            with self._lock:
                self._overviews[key] = ov
            return ov
        finally:
            with self._lock:
                del self._computing[key]
            busy.set()

    @work(thread=True, exclusive=True, group="prefetch", description="prefetch")
    def _prefetch(self, v: ViewState, builds: list[Build]) -> None:
        """The builds + and - make next, worked out while the user reads this one."""
        for b in builds:
            if get_current_worker().is_cancelled:
                return
            with contextlib.suppress(EstimateError):
                self._overview(b, v)

    @work(thread=True, exclusive=True, group="plan", description="plan")
    def _compute(self, build: Build, v: ViewState, pinned: list[Build | None], picked: Model | None) -> None:
        try:
            now = self._overview(build, v)
            labels = ["now"] + [SLOTS[i] for i, p in enumerate(pinned) if p is not None]
            builds = [build] + [p for p in pinned if p is not None]
            compared: list[CompareRow] = []
            if len(builds) > 1:
                bests = [now.summary.best] + [self._overview(b, v).summary.best for b in builds[1:]]
                models = candidates(self.catalog, labels, bests, picked)
                compared = compare(models, builds, quant=v.quant, ctx=v.ctx, kv_type=v.kv_type, engine=v.engine)
        except EstimateError as e:
            self.app.call_from_thread(self._error, str(e))
            return
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._show, now, v, labels, builds, compared)

    def _show(self, ov: Overview, v: ViewState, labels: list[str], builds: list[Build], rows: list[CompareRow]) -> None:
        """A worker's result; the planner may be closing meanwhile (its widgets already gone)."""
        try:
            self._show_overview(ov, v)
            self._show_compare(labels, builds, rows)
        except NoMatches:
            return
        if v == self.view:  # the next builds, once this frame is on screen
            ahead = [b for b in self.draft.neighbours(self._selected_line()) if self._key(b, v) not in self._overviews]
            if ahead:
                self.call_after_refresh(self._prefetch, v, ahead)

    def _show_overview(self, ov: Overview, v: ViewState) -> None:
        build, s = ov.build, ov.summary
        out = Text()
        out.append(f"{build.describe()}\n", style="bold")
        out.append(f"{v.quant} · {fmt_ctx(v.ctx)} context · {v.engine}\n\n", style="dim")
        if not build.gpus:
            price = "no GPU to price"
        else:
            price = price_text(build.price_usd, build.price_kind, build.hourly_usd)
            if price == "unknown":
                price = "unknown (a device has no listed price)"
        power = "unknown" if s.power_w is None else f"{s.power_w:.0f} W"
        out.append(f"GPU memory {fmt_gib(s.gpu_memory_bytes)} GiB · price {price} · power {power}\n")
        out.append(f"Fully on GPU: {count(s.fits_gpu, 'model')} · runs at all: {s.fits_any}\n")
        out.append(f"Biggest model on GPU at {v.quant}: ", style="bold")
        out.append(s.biggest)
        if s.biggest_tps:
            out.append(f" · {s.biggest_tps:.1f} t/s")
        if s.usd_per_tps:
            out.append(f" · ${s.usd_per_tps:,.0f} per t/s")
        out.append("\n\nBest that fits, by use case\n", style="bold underline")
        for b in s.best:
            tps = f" · {b.tps:.1f} t/s" if b.tps else ""
            out.append(f"  {b.label:30} {b.model} ({b.score}){tps}\n")
        out.append("\nWhat an upgrade unlocks\n", style="bold underline")
        for h in ov.hints:
            out.append(f"  {h}\n")
        self.query_one("#plan-results", Static).update(Group(out))

    def _show_compare(self, labels: list[str], builds: list[Build], rows: list[CompareRow]) -> None:
        title = self.query_one("#compare-title", Static)
        table = self.query_one("#compare", DataTable)
        if len(builds) < 2:
            self._set_text("#compare-title", "\nCompare: 1, 2 or 3 pins the current build as A, B or C.", style="dim")
            if table.display or table.row_count:
                table.clear(columns=True)
                table.display = False
            return
        table.clear(columns=True)
        self._texts.pop("#compare-title", None)  # set here, not by _set_text
        title.update(
            Text.assemble(
                ("\nCompare", "bold underline"),
                (" · models at least one build runs · m picks a model · c goes here\n", "dim"),
                *[(f"{lab}: {b.describe()}\n", "") for lab, b in zip(labels, builds, strict=True)],
            )
        )
        table.display = True
        table.add_column("model")
        for lab in labels:
            table.add_column(lab)
        table.add_column("why")
        for r in rows:
            table.add_row(plain(r.model.name), *[plain(c.text()) for c in r.cells], plain(r.why))
        prices = [price_text(b.price_usd, b.price_kind, b.hourly_usd) for b in builds]
        table.add_row(plain("price", "bold"), *[plain(p) for p in prices], plain(""))


def _ram_text(n_bytes: int) -> str:
    """RAM for the input box: '64GB' for a size as sold, '23.5GiB' for a measured one, '0' for none
    (never empty: the placeholder would read as a value)."""
    if not n_bytes:
        return "0"
    gib = n_bytes / GiB
    return f"{gib:.0f}GB" if abs(gib - round(gib)) < 0.01 else f"{gib:.1f}GiB"
