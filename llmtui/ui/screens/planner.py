"""The what-if planner: compose a build, see what it runs and what an upgrade would unlock, compare
builds side by side, plan backwards from a model and a speed, and save builds as profiles."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any, ClassVar

from rich.table import Table
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Footer, Input, Label, OptionList, Static
from textual.widgets.option_list import Option
from textual.worker import get_current_worker

from ...core.build import (
    BACKENDS,
    DEFAULT_RAM_BANDWIDTH_GBS,
    DEFAULT_RAM_NOTE,
    GPU,
    NETWORKS,
    Build,
    BuildError,
    MachineCalibration,
    apple_limit,
    check_backend,
    gpu_from_device,
    parse_custom_gpu,
    parse_ram,
)
from ...core.catalog import Catalog
from ...core.estimate import ENGINES, EstimateError, engine_kv, engine_quant, estimate
from ...core.leaderboard import rows
from ...core.output import PLAN_COLUMNS, device_price_text, fmt_gib, plan_cells, price_text
from ...core.plan import cheapest_builds, preset_rows, summarize, upgrade_hints
from ...core.units import GiB, fmt_ctx
from ..plain import plain, plain_cells
from ..state import ViewState
from .choose import ChoiceScreen

MAX_GPUS = 64


@dataclass
class Draft:
    """The build being composed: GPU lines with counts, and the machine around them."""

    lines: list[tuple[GPU, int]]
    ram_bytes: int
    machines: int = 1
    network: str = "10gbe"
    engine: str = "llama.cpp"
    wired_limit_mb: int = 0
    ram_available: int | None = None
    name: str = "planned"
    backend: str = ""  # "" = each GPU's usual one
    ram_bandwidth: float = DEFAULT_RAM_BANDWIDTH_GBS
    ram_note: str = DEFAULT_RAM_NOTE
    calibration: MachineCalibration | None = None

    @classmethod
    def from_build(cls, b: Build, engine: str) -> Draft:
        return cls(
            b.grouped(),
            b.ram_bytes,
            b.machines,
            b.network,
            engine,
            b.wired_limit_mb,
            b.ram_available_bytes,
            b.name,
            b.backend,
            b.ram_bandwidth_gbs,
            b.ram_bandwidth_note,
            b.calibration,
        )

    def build(self) -> Build:
        gpus: list[GPU] = []
        for g, n in self.lines:
            if g.vendor == "Apple" and g.unified:
                limit, note = apple_limit(g.memory_bytes, self.wired_limit_mb)
                g = replace(g, usable_bytes=limit, usable_note=note)
            gpus.extend([g] * n)
        unified = any(g.unified for g in gpus)
        ram = gpus[0].memory_bytes if unified and gpus else self.ram_bytes
        return Build(
            name=self.name,
            gpus=tuple(gpus),
            ram_bytes=ram,
            ram_available_bytes=None if unified else self.ram_available,
            machines=self.machines,
            network=self.network,
            wired_limit_mb=self.wired_limit_mb,
            source="planned",
            backend=self.backend,
            ram_bandwidth_gbs=self.ram_bandwidth,
            ram_bandwidth_note=self.ram_note,
            calibration=self.calibration if self.calibration and self.calibration.backend == self.backend else None,
        )


class PlannerScreen(Screen[None]):
    DEFAULT_CSS = """
    PlannerScreen #plan-title { height: 1; background: $primary; padding: 0 1; text-style: bold; }
    PlannerScreen #composer { width: 44; border-right: tall $panel; padding: 0 1; }
    PlannerScreen #lines { height: auto; max-height: 12; border: round $panel; }
    PlannerScreen #lines:focus { border: round $accent; }
    PlannerScreen .field { height: 1; margin-top: 1; }
    PlannerScreen .field Label { width: 16; }
    PlannerScreen .field Input { width: 1fr; }
    PlannerScreen #plan-error { color: $error; height: auto; }
    PlannerScreen #results { padding: 0 1; }
    PlannerScreen.-narrow #composer { width: 36; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("a", "add", "Add device"),
        Binding("x,delete", "remove", "Remove"),
        Binding("plus,equals_sign", "count(1)", "+1"),
        Binding("minus", "count(-1)", "-1"),
        Binding("n", "network", "Network", show=False),
        Binding("e", "engine", "Engine", show=False),
        Binding("b", "backend", "Backend", show=False),
        Binding("t", "this_machine", "This machine", show=False),
        Binding("l", "load", "Load profile"),
        Binding("S", "save", "Save profile"),
        Binding("1", "pin(0)", "Pin A", show=False),
        Binding("2", "pin(1)", "Pin B", show=False),
        Binding("3", "pin(2)", "Pin C", show=False),
        Binding("R", "reverse_plan", "Reverse plan"),
        Binding("u", "use", "Use build"),
        Binding("escape", "close", "Back"),
    ]

    def __init__(self, catalog: Catalog, state: ViewState, main: Any) -> None:
        super().__init__()
        self.catalog = catalog
        self.view = replace(state)
        self.main = main
        base = state.build or Build("empty", ram_bytes=64 * GiB)
        self.draft = Draft.from_build(base, state.engine)
        self._follow_engine()
        if not self.draft.ram_bytes and not base.unified:
            self.draft.ram_bytes = 64 * GiB
        self.pinned: list[tuple[str, Build] | None] = [None, None, None]
        self.focus_model = getattr(main.table.current, "model", None)

    def compose(self) -> ComposeResult:
        yield Static("What-if planner", id="plan-title", markup=False)
        with Horizontal():
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
            yield VerticalScroll(Static("computing…", id="plan-results", markup=False), id="results")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#ram", Input).value = _ram_text(self.draft.ram_bytes)
        self.query_one("#machines", Input).value = str(self.draft.machines)
        self.query_one("#wired", Input).value = str(self.draft.wired_limit_mb)
        self.query_one("#rambw", Input).value = f"{self.draft.ram_bandwidth:g}"
        self._redraw_lines()
        self.query_one("#lines", OptionList).focus()
        self.set_class(self.size.width < 120, "-narrow")
        self.recompute()

    def on_resize(self, event: Any) -> None:
        self.set_class(event.size.width < 120, "-narrow")

    # --- composing -------------------------------------------------------------------------------------------

    def _redraw_lines(self, select: int | None = None) -> None:
        ol = self.query_one("#lines", OptionList)
        highlighted = ol.highlighted if select is None else select
        ol.clear_options()
        if not self.draft.lines:
            ol.add_option(Option("(no GPU: CPU only)", id="none", disabled=True))
        for i, (g, n) in enumerate(self.draft.lines):
            mem = f"{g.memory_bytes / GiB:g} GiB"
            ol.add_option(Option(f"{n}x {g.name} · {mem} · {g.bandwidth_gbs:g} GB/s", id=str(i)))
        if self.draft.lines:  # a line is always selected, so + and - act on something
            ol.highlighted = min(highlighted or 0, len(self.draft.lines) - 1)
        self._sync_ram_box()
        b = self.draft.build()
        eng = ENGINES[self.draft.engine]
        backend = BACKENDS[self.draft.backend] if self.draft.backend else f"{b.backend_label} (usual)"
        said = b.assumptions()
        self.query_one("#plan-meta", Static).update(
            Text(
                f"\nengine {eng.label} (e) · backend {backend} (b) · network {NETWORKS[self.draft.network][2]} (n)\n"
                f"t: start from this machine · l: load a profile" + ("".join(f"\nassumed: {a}" for a in said)),
                style="dim",
            )
        )
        self.query_one("#plan-title", Static).update(f"What-if planner · {b.describe()}")

    def _sync_ram_box(self) -> None:
        """A unified-memory machine's RAM is its GPU memory: the box shows that and cannot be edited."""
        box = self.query_one("#ram", Input)
        unified = next((g for g, _ in self.draft.lines if g.unified), None)
        if unified is not None and box.has_focus:
            self.query_one("#lines", OptionList).focus()
        box.disabled = unified is not None
        box.value = _ram_text(unified.memory_bytes if unified else self.draft.ram_bytes)
        box.tooltip = "unified memory: the same memory as the GPU's" if unified else None

    def _error(self, message: str) -> None:
        self.query_one("#plan-error", Static).update(message)

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
                key = f"{d.id}|{mem:g}"
                label = f"{d.name} {mem:g} GB · {d.bandwidth_gbs:g} GB/s"
                price = device_price_text(d, mem)
                if price:
                    label += f" · {price}"
                opts.append((key, label))

        def chosen(key: str | None) -> None:
            if not key:
                return
            dev_id, mem = key.split("|")
            dev = self.catalog.device(dev_id)
            assert dev is not None
            g = gpu_from_device(dev, float(mem))
            note = ""
            if g.unified:
                if self.draft.lines:
                    note = f"{dev.name} is a whole machine; it replaced the devices (use Machines for more)."
                self.draft.lines = [(g, 1)]
            else:
                if any(x.unified for x, _ in self.draft.lines):
                    self.draft.lines = []
                if sum(n for _, n in self.draft.lines) >= MAX_GPUS:
                    self._error(f"at most {MAX_GPUS} GPUs in one machine")
                    return
                for i, (x, n) in enumerate(self.draft.lines):
                    if x == g:
                        self.draft.lines[i] = (x, n + 1)
                        break
                else:
                    self.draft.lines.append((g, 1))
            self._changed(select=next(i for i, (x, _) in enumerate(self.draft.lines) if x == g))
            if note:
                self._error(note)  # after _changed, which clears the message line

        title = "Add a device (type to narrow · ↑/↓ move · enter adds)"
        self.app.push_screen(ChoiceScreen(title, opts, search=True), chosen)

    def action_remove(self) -> None:
        i = self._selected_line()
        if i is not None:
            del self.draft.lines[i]
            self._changed()

    def action_count(self, step: int) -> None:
        i = self._selected_line()
        if i is None:
            self._error("no GPU to count: add one with a")
            return
        g, n = self.draft.lines[i]
        if g.unified and n + step > 1:
            self._error("a unified-memory machine counts as one; set Machines for more")
            return
        total = sum(c for _, c in self.draft.lines) + step
        if n + step < 1:
            self._error("0 GPUs: remove the line with x instead")
            return
        if total > MAX_GPUS:
            self._error(f"{total} GPUs: llmtui plans for at most {MAX_GPUS} in one machine")
            return
        self.draft.lines[i] = (g, n + step)
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
            elif field == "rambw":
                from ...core.boundary.numbers import number

                gbs = number(value or f"{DEFAULT_RAM_BANDWIDTH_GBS:g}", "RAM bandwidth", lo=1, hi=20_000)
                if gbs != self.draft.ram_bandwidth:
                    self.draft.ram_bandwidth = gbs
                    self.draft.ram_note = "given in the planner" if value else DEFAULT_RAM_NOTE
                    self._changed()
                event.input.value = f"{gbs:g}"
            elif field == "custom":
                if value:
                    extra = parse_custom_gpu(value)
                    if any(g.unified for g, _ in self.draft.lines):
                        raise BuildError("a custom GPU cannot join a unified-memory machine")
                    self.draft.lines.append((extra[0], len(extra)))
                    event.input.value = ""
                    self._changed(select=len(self.draft.lines) - 1)
            elif field == "wired":
                limit = self.draft.build().ram_bytes // (1 << 20)
                mb = whole(value or "0", "wired limit (MB)", lo=0, hi=limit or 64_000_000)
                if mb != self.draft.wired_limit_mb:
                    self.draft.wired_limit_mb = mb
                    self._changed()
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

    def action_engine(self) -> None:
        opts = [(e.name, e.label) for e in ENGINES.values()]
        self.app.push_screen(ChoiceScreen("Engine", opts, self.draft.engine), self._set_engine)

    def _set_engine(self, key: str | None) -> None:
        if key:
            self.draft.engine = key
            self._follow_engine()
            self._changed()

    def _follow_engine(self) -> None:
        """The draft's engine runs its own formats: the nearest quant and KV type, by the same rule as
        the main screen's engine switch and the CLI."""
        eng = ENGINES[self.draft.engine]
        self.view.quant, self.view.kv_type = engine_quant(self.view.quant, eng), engine_kv(self.view.kv_type, eng)

    def action_this_machine(self) -> None:
        b = self.main.state.build
        if b is None or b.source != "detected":
            from ...core.hardware import detect

            b = detect(self.catalog).build
        self.draft = Draft.from_build(b, self.draft.engine)
        self.on_mount()

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
                self.on_mount()

        self.app.push_screen(ChoiceScreen("Load a profile", opts), chosen)

    def action_save(self) -> None:
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
        b = self.draft.build()
        self.pinned[slot] = (b.describe(), b)
        self.notify(f"Pinned as {'ABC'[slot]} for comparison")
        self.recompute()

    def action_use(self) -> None:
        self.main.state.engine = self.draft.engine
        self.main.state.quant = self.view.quant
        self.main.set_build(self.draft.build(), f"planned: {self.draft.build().describe()}")
        if self.is_current:  # a second close key queued meanwhile is ignored
            self.app.pop_screen()

    def action_close(self) -> None:
        if isinstance(self.focused, Input):  # escape in a box leaves the box, as enter does
            self.query_one("#lines", OptionList).focus()
            return
        if self.is_current:  # a second close key queued meanwhile is ignored
            self.app.pop_screen()

    def action_reverse_plan(self) -> None:
        model = self.focus_model or self.catalog.models[0]
        self.app.push_screen(ReversePlanScreen(self.catalog, model, self.view, self.draft.engine))

    # --- results -----------------------------------------------------------------------------------------------------

    def recompute(self) -> None:
        self._compute(self.draft.build(), self.draft.engine, list(self.pinned))

    @work(thread=True, exclusive=True, group="plan", description="plan")
    def _compute(self, build: Build, engine: str, pinned: list[tuple[str, Build] | None]) -> None:
        v = self.view
        quant = v.quant
        try:
            rs = rows(
                self.catalog, build, quant=quant, ctx=v.ctx, benchmark=v.benchmark, kv_type=v.kv_type, engine=engine
            )
        except EstimateError as e:
            self.app.call_from_thread(self._error, str(e))
            return
        by_preset = preset_rows(self.catalog, build, quant=quant, ctx=v.ctx, kv_type=v.kv_type, engine=engine, known=rs)
        summary = summarize(build, rs, by_preset)
        if get_current_worker().is_cancelled:
            return
        hints = upgrade_hints(self.catalog, build, quant=quant, ctx=v.ctx, kv_type=v.kv_type, engine=engine)
        compare = self._comparison(build, engine, pinned)
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._show, build, summary, hints, compare)

    def _comparison(self, build: Build, engine: str, pinned: list[tuple[str, Build] | None]) -> Table | None:
        builds = [("now", build)] + [(f"{'ABC'[i]}", p[1]) for i, p in enumerate(pinned) if p]
        if len(builds) < 2:
            return None
        v = self.view
        models = [self.focus_model] if self.focus_model else []

        def score(m: Any) -> float:
            s = m.score(v.benchmark)
            return s.value if s is not None else 0.0

        models += [m for m in sorted(self.catalog.models, key=score, reverse=True) if m not in models][
            : 3 - len(models)
        ]
        t = Table(title="Compare (1/2/3 pin the current build)", header_style="bold", expand=False)
        t.add_column("model")
        for label, b in builds:
            t.add_column(plain(f"{label}: {b.describe()}"), overflow="fold")
        for m in models:
            cells = []
            for _, b in builds:
                try:
                    e = estimate(m, v.quant, v.ctx, b, kv_type=v.kv_type, engine=engine)
                except EstimateError as err:
                    cells.append(str(err))
                    continue
                tps = f"{e.speed.decode_expected:.1f} t/s" if e.speed else "—"
                ctx = fmt_ctx(e.max_ctx) if e.max_ctx else "—"
                cells.append(f"{e.status} · {tps} · max ctx {ctx}")
            t.add_row(*plain_cells(m.name, *cells))
        prices = ["price"] + [price_text(b.price_usd, b.price_kind, b.hourly_usd) for _, b in builds]
        t.add_row(*plain_cells(*prices))
        return t

    def _show(self, build: Build, s: Any, hints: list[str], compare: Table | None) -> None:
        v = self.view
        out = Text()
        out.append(f"{build.describe()}\n", style="bold")
        out.append(f"{v.quant} · {fmt_ctx(v.ctx)} context · {self.draft.engine}\n\n", style="dim")
        if not build.gpus:
            price = "no GPU to price"
        else:
            price = price_text(build.price_usd, build.price_kind, build.hourly_usd)
            if price == "unknown":
                price = "unknown (a device has no listed price)"
        power = "unknown" if s.power_w is None else f"{s.power_w:.0f} W"
        out.append(f"GPU memory {fmt_gib(s.gpu_memory_bytes)} GiB · price {price} · power {power}\n")
        out.append(f"Fully on GPU: {s.fits_gpu} models · runs at all: {s.fits_any}\n")
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
        for h in hints:
            out.append(f"  {h}\n")
        parts: list[Any] = [out]
        if compare is not None:
            parts.append(compare)
        from rich.console import Group

        self.query_one("#plan-results", Static).update(Group(*parts))


def _ram_text(n_bytes: int) -> str:
    """RAM for the input box: '64GB' for a size as sold, '23.5GiB' for a measured one, '0' for none
    (never empty: the placeholder would read as a value)."""
    if not n_bytes:
        return "0"
    gib = n_bytes / GiB
    return f"{gib:.0f}GB" if abs(gib - round(gib)) < 0.01 else f"{gib:.1f}GiB"


class NameScreen(ModalScreen[str | None]):
    DEFAULT_CSS = """
    NameScreen { align: center middle; }
    NameScreen > Vertical { width: 60; height: auto; border: round $accent; background: $surface; padding: 0 1; }
    NameScreen #name-error { color: $error; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, title: str, value: str = "") -> None:
        super().__init__()
        self.title_text = title
        self.value = value

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(self.title_text)
            yield Input(value=self.value if self.value != "planned" else "", placeholder="homelab")
            yield Label("", id="name-error", markup=False)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        from ...core.profiles import ProfileError, check_name

        if not self.is_current:
            return
        try:
            self.dismiss(check_name(event.value))
        except ProfileError as e:
            self.query_one("#name-error", Label).update(str(e))

    def action_cancel(self) -> None:
        if self.is_current:
            self.dismiss(None)


class ReversePlanScreen(ModalScreen[None]):
    """Pick a model, quant, context and target speed: the cheapest catalogue builds that meet it."""

    DEFAULT_CSS = """
    ReversePlanScreen { align: center middle; }
    ReversePlanScreen > Vertical { width: 95%; height: 90%; border: round $accent; background: $surface; padding: 0 1; }
    ReversePlanScreen .field { height: 1; }
    ReversePlanScreen .field Label { width: 14; }
    ReversePlanScreen .field Input { width: 1fr; }
    ReversePlanScreen #rp-error { color: $error; height: auto; }
    ReversePlanScreen .hint { color: $text-muted; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "close", "Back"), Binding("ctrl+r", "run", "Plan")]

    def __init__(self, catalog: Catalog, model: Any, view: ViewState, engine: str) -> None:
        super().__init__()
        self.catalog = catalog
        self.model = model
        self.view = view
        self.engine = engine

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(f"Reverse planning: the cheapest builds for a target speed · {self.engine}")
            yield Label("tab / shift+tab move between fields · enter plans · escape goes back", classes="hint")
            for fid, label, value in (
                ("rp-model", "Model", self.model.id),
                ("rp-quant", "Quant", self.view.quant),
                ("rp-ctx", "Context", str(self.view.ctx)),
                ("rp-tps", "Target t/s", "10"),
            ):
                with Horizontal(classes="field"):
                    yield Label(label)
                    yield Input(value=value, id=fid, compact=True)
            yield Static("", id="rp-error", markup=False)
            yield VerticalScroll(Static("Enter in any field plans.", id="rp-out", markup=False))

    def on_mount(self) -> None:
        self.query_one("#rp-tps", Input).focus()
        self.action_run()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.action_run()

    def action_run(self) -> None:
        from ...core.boundary import InputError
        from ...core.boundary.numbers import ctx_tokens, number
        from ...core.estimate import find_quant

        model = self.catalog.model(self.query_one("#rp-model", Input).value)
        quant = find_quant(self.query_one("#rp-quant", Input).value)
        err = ""
        try:
            ctx = ctx_tokens(self.query_one("#rp-ctx", Input).value, "Context")
            tps = number(self.query_one("#rp-tps", Input).value, "Target t/s", lo=0, hi=100_000)
        except InputError as e:
            err, ctx, tps = str(e), 0, 0.0
        if model is None:
            err = self.catalog.unknown_model_message(self.query_one("#rp-model", Input).value)
        elif quant is None:
            err = "unknown quant"
        self.query_one("#rp-error", Static).update(err)
        if not err and model is not None and quant is not None:
            self.query_one("#rp-out", Static).update("planning…")
            self._plan(model, quant.name, ctx, tps)

    @work(thread=True, exclusive=True, description="reverse plan")
    def _plan(self, model: Any, quant: str, ctx: int, tps: float) -> None:
        try:
            plans = cheapest_builds(
                model,
                self.catalog,
                quant=quant,
                ctx=ctx,
                target_tps=tps,
                engine=self.engine,
                kv_type=self.view.kv_type,
                limit=12,
            )
        except EstimateError as e:
            self.app.call_from_thread(self.query_one("#rp-error", Static).update, str(e))
            return
        t = Table(header_style="bold", expand=True)
        for col in PLAN_COLUMNS:
            t.add_column(col)
        for p in plans:
            t.add_row(*plain_cells(*plan_cells(p)))
        if not plans:
            self.app.call_from_thread(
                self.query_one("#rp-out", Static).update,
                f"No catalogue build runs {model.name} at {quant} fully in GPU memory at {tps:g} t/s.",
            )
            return
        self.app.call_from_thread(self.query_one("#rp-out", Static).update, t)

    def action_close(self) -> None:
        if self.is_current:
            self.dismiss(None)
