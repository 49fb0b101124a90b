"""llmtui's benchmarks (make bench): every figure against a baseline or a reference measured in the
same run, since this machine is shared and noisy. Prints Markdown; also writes tests/bench/out/.

    start-up   launch to the first complete frame, vs a bare Textual app with a DataTable of as many rows:
               warm caches, the very first start (empty cache directory), and 2,000 models
    memory     RSS at that frame, vs the same baseline
    scale      2,000 models (the catalogue plus generated variants, as a user overlay): the leaderboard
               with the best-quant search, a build change, `llmtui models --json` vs `llmtui --version`,
               'hardware needed' (H) and reverse planning
    filter     keystroke to the frame showing the new rows, 5,000 catalogue entries (synthetic variants)
    planner    a build change to the recomputed leaderboard, full catalogue, best quant searched
    detection  this machine, and a fake 8-GPU NVML
    estimator  file-size error vs published GGUF sizes, speed error vs measurements, whole catalogue
               at every quant, batch requests per second
"""

from __future__ import annotations

import asyncio
import compileall
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from llmtui.core.build import planned_build  # noqa: E402
from llmtui.core.catalog import Catalog, load_catalog  # noqa: E402

RUNS = int(os.environ.get("BENCH_RUNS", "7"))


def pct(values: list[float], p: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, round(p * (len(s) - 1)))]


def start_up(n_rows: int, env_extra: dict[str, str] | None = None, *, cold: bool = False) -> dict[str, float]:
    """Alternate the two child processes so both see the same machine conditions. cold: every llmtui
    start gets an empty cache directory (the very first start after installing)."""
    child = str(ROOT / "tests" / "bench" / "child_start.py")
    env = {**os.environ, **(env_extra or {})}
    ours, base, ours_rss, base_rss = [], [], [], []
    # warm the caches, as a run the user left open until its best quants were in
    subprocess.run([sys.executable, child, "llmtui", "0", "settle"], capture_output=True, env=env, timeout=300)
    for _ in range(RUNS):
        for kind, times, rss in (("llmtui", ours, ours_rss), ("baseline", base, base_rss)):
            run_env = env
            with tempfile.TemporaryDirectory() as empty:
                if cold and kind == "llmtui":
                    run_env = {**env, "LLMTUI_CACHE_DIR": empty}
                wall, rss_line, err = _until_ready([sys.executable, child, kind, str(n_rows)], run_env)
            if rss_line is None:
                raise RuntimeError(f"{kind} did not start: {err[-500:]}")
            times.append(wall)
            rss.append(int(rss_line.split()[1]))
    return {
        "ours_s": statistics.median(ours),
        "base_s": statistics.median(base),
        "ratio": statistics.median(ours) / statistics.median(base),
        "ours_rss": statistics.median(ours_rss),
        "base_rss": statistics.median(base_rss),
        "rss_ratio": statistics.median(ours_rss) / statistics.median(base_rss),
    }


def _until_ready(cmd: list[str], env: dict[str, str]) -> tuple[float, str | None, str]:
    """Seconds from launching cmd to its READY line (the first complete frame: what a user waits
    for; the process's exit after it is not counted), the RSS line that follows it, and stderr. The
    child prints READY before it measures its memory: psutil's reads, each waiting for the GIL while
    the app's best-quant worker runs, took 110-170 ms on a first start and were counted as start-up."""
    t0 = time.perf_counter()
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    assert p.stdout is not None
    wall = None
    for out in p.stdout:
        if out.startswith("READY"):
            wall = time.perf_counter() - t0
            break
    rest, err = p.communicate(timeout=120)
    rss_line = next((x for x in rest.splitlines() if x.startswith("RSS")), None)
    if wall is None:
        return 0.0, None, err
    return wall, rss_line, err


def variant_overlay(target: Path, n: int) -> int:
    """A user overlay (LLMTUI_DATA_DIR) that brings the catalogue to n models: the bundled entries again
    under numbered ids and names, as fine-tunes and re-uploads of a model are. Returns the total."""
    import tomllib

    import tomli_w

    entries: list[dict[str, object]] = []
    for f in sorted((ROOT / "data" / "models").glob("*.toml")):
        entries += tomllib.loads(f.read_text())["models"]
    variants: list[dict[str, object]] = []
    i = 0
    while len(entries) + len(variants) < n:
        for e in entries[: n - len(entries) - len(variants)]:
            variants.append({**e, "id": f"{e['id']}-v{i}", "name": f"{e['name']} variant {i}"})
        i += 1
    (target / "models").mkdir(parents=True, exist_ok=True)
    (target / "models" / "variants.toml").write_bytes(tomli_w.dumps({"schema": 1, "models": variants}).encode())
    return len(entries) + len(variants)


def scale(n: int) -> dict[str, object]:
    """The n-model figures, each in fresh processes with the overlay and a private cache directory
    (warmed by one run first, as any start after the first finds it)."""
    out: dict[str, object] = {}
    with tempfile.TemporaryDirectory() as data, tempfile.TemporaryDirectory() as cache:
        out["models"] = variant_overlay(Path(data), n)
        env = {**os.environ, "LLMTUI_DATA_DIR": data, "LLMTUI_CACHE_DIR": cache}
        child = [sys.executable, str(ROOT / "tests" / "bench" / "child_scale.py")]
        subprocess.run(child, capture_output=True, env=env, timeout=600, check=True)  # parses the overlay once
        runs = [
            json.loads(subprocess.run(child, capture_output=True, text=True, env=env, timeout=600, check=True).stdout)
            for _ in range(RUNS)
        ]
        for k in ("first_s", "change_s", "needs_first_s", "needs_all_s", "reverse_s"):
            out[k] = statistics.median(r[k] for r in runs)
        out["needs_rows"] = runs[0]["needs_rows"]
        script = Path(sys.executable).parent / "llmtui"  # as users run it (the installed entry point)
        llmtui = [str(script)] if script.is_file() else [sys.executable, "-m", "llmtui"]
        models_cmd = [*llmtui, "models", "--gpu", "RTX 4090", "--json"]
        version_cmd = [*llmtui, "--version"]
        warm = subprocess.run(models_cmd, capture_output=True, text=True, env=env, timeout=600, check=True, cwd=ROOT)
        assert len(json.loads(warm.stdout)) == out["models"]
        cli: dict[str, list[float]] = {"models": [], "version": []}
        for _ in range(RUNS):
            for name, cmd in (("models", models_cmd), ("version", version_cmd)):
                t0 = time.perf_counter()
                p = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=600, cwd=ROOT)
                cli[name].append(time.perf_counter() - t0)
                assert p.returncode == 0, p.stderr[-500:]
        out["cli_models_s"] = statistics.median(cli["models"])
        out["cli_version_s"] = statistics.median(cli["version"])
        out["start"] = start_up(n, {"LLMTUI_DATA_DIR": data, "LLMTUI_CACHE_DIR": cache})
    return out


def distinct_changes(catalog: Catalog, n: int) -> float:
    """The worst case beside the variants: n models whose architectures all differ (each variant with
    its own vocabulary size), a build change with every architecture's caches in memory."""
    from llmtui.core.leaderboard import rows

    models = []
    i = 0
    while len(models) < n:
        for m in catalog.models[: n - len(models)]:
            arch = replace(m.arch, vocab=m.arch.vocab + 64 * (i + 1))
            models.append(replace(m, id=f"{m.id}-d{i}", name=f"{m.name} d{i}", arch=arch))
        i += 1
    big = Catalog(models=models, devices=catalog.devices)
    build = planned_build(catalog, gpu="RTX 4090", ram="64GB")
    rows(big, build)
    times = []
    for k in range(3):
        t0 = time.perf_counter()
        rows(big, replace(build, ram_bytes=build.ram_bytes + 1 + k))
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def synthetic_catalog(catalog: Catalog, n: int) -> Catalog:
    """n entries made of the real models under numbered names (for speed measurements only)."""
    models = []
    i = 0
    while len(models) < n:
        for m in catalog.models:
            models.append(replace(m, id=f"{m.id}-v{i}", name=f"{m.name} variant {i}"))
            if len(models) >= n:
                break
        i += 1
    return Catalog(models=models, devices=catalog.devices)


async def _filter_latency(catalog: Catalog) -> list[float]:
    """From the filter box receiving a keystroke to the frame that shows the new rows, as a user sees
    it: the clock starts when the Input gets the key and stops when Textual hands the first frame
    after the rows were set to the terminal driver (so it includes waiting for that frame)."""
    from llmtui.ui.app import LlmtuiApp
    from llmtui.ui.screens import main as main_mod
    from llmtui.ui.widgets.filter_bar import QueryInput

    samples: list[float] = []
    clock: dict[str, float] = {}
    original_key = QueryInput._on_key
    original_show = main_mod.MainScreen._show_rows
    original_display = LlmtuiApp._display

    async def on_key(self, event):  # type: ignore[no-untyped-def]
        clock.clear()
        clock["key"] = time.perf_counter()
        await original_key(self, event)

    def show(self, shown, error, pending):  # type: ignore[no-untyped-def]
        original_show(self, shown, error, pending)
        if "key" in clock:
            clock["rows"] = time.perf_counter()

    def display(self, screen, update):  # type: ignore[no-untyped-def]
        if "rows" in clock:
            samples.append(time.perf_counter() - clock.pop("key"))
            clock.clear()
        original_display(self, screen, update)

    QueryInput._on_key = on_key  # type: ignore[method-assign]
    main_mod.MainScreen._show_rows = show  # type: ignore[method-assign]
    LlmtuiApp._display = display  # type: ignore[method-assign]
    try:
        build = planned_build(catalog, gpu="RTX 4090", ram="64GB")
        app = LlmtuiApp(catalog=catalog, build=build, build_title="bench", detect=False)
        async with app.run_test(size=(120, 40)) as pilot:
            main = next(s for s in app.screen_stack if isinstance(s, main_mod.MainScreen))
            for _ in range(600):  # wait for the rows and the best-quant pass
                await pilot.pause(0.05)
                if main.all_rows and not any(r.best_status == "…" for r in main.all_rows):
                    break
            await pilot.press("slash")
            keys = list("qwen 7") + ["backspace"] * 6 + list("llama") + ["backspace"] * 5 + list("size<20")
            for key in keys:
                await pilot.press({" ": "space", "<": "less_than_sign"}.get(key, key))
                await pilot.pause(0.05)
    finally:
        QueryInput._on_key = original_key  # type: ignore[method-assign]
        main_mod.MainScreen._show_rows = original_show  # type: ignore[method-assign]
        LlmtuiApp._display = original_display  # type: ignore[method-assign]
    return samples


async def _bare_input_latency() -> list[float]:
    """The floor under the filter figure, on the same clock: a bare Textual app whose Input updates one
    Static on every change (no table, no filtering)."""
    from textual.app import App, ComposeResult
    from textual.widgets import Input, Static

    samples: list[float] = []
    clock: dict[str, float] = {}

    class TimedInput(Input):
        async def _on_key(self, event):  # type: ignore[no-untyped-def]
            clock.clear()
            clock["key"] = time.perf_counter()
            await super()._on_key(event)

    class Bare(App[None]):
        def compose(self) -> ComposeResult:
            yield TimedInput()
            yield Static("")

        def on_input_changed(self, event: Input.Changed) -> None:
            self.query_one(Static).update(event.value)
            clock["rows"] = time.perf_counter()

        def _display(self, screen, update):  # type: ignore[no-untyped-def]
            if "rows" in clock:
                samples.append(time.perf_counter() - clock.pop("key"))
                clock.clear()
            super()._display(screen, update)

    async with Bare().run_test(size=(120, 40)) as pilot:
        await pilot.pause(0.2)
        for key in "qwenllamasize":
            await pilot.press(key)
            await pilot.pause(0.05)
    return samples


async def _planner_latency(catalog: Catalog, presses: int = 7, *, ahead: bool = True) -> list[float]:
    """From '+' in the planner (one more GPU) to the first frame after its overview (totals, use cases,
    upgrade hints) is on screen, as a user sees it. Before each press the planner is left idle, as by a
    user reading the overview: with ahead=True it has meanwhile worked out the builds + and - make
    next; ahead=False turns that off, so each press is a build not seen before."""
    from llmtui.ui.app import LlmtuiApp
    from llmtui.ui.screens.planner import PlannerScreen

    samples: list[float] = []
    clock: dict[str, float] = {}
    original_count = PlannerScreen.action_count
    original_show = PlannerScreen._show
    original_display = LlmtuiApp._display
    original_prefetch = PlannerScreen._prefetch

    def count(self, step):  # type: ignore[no-untyped-def]
        clock.clear()
        clock["key"] = time.perf_counter()
        original_count(self, step)

    def show(self, *args):  # type: ignore[no-untyped-def]
        original_show(self, *args)
        if "key" in clock:
            clock["shown"] = time.perf_counter()

    def display(self, screen, update):  # type: ignore[no-untyped-def]
        if "shown" in clock:
            samples.append(time.perf_counter() - clock.pop("key"))
            clock.clear()
        original_display(self, screen, update)

    PlannerScreen.action_count = count  # type: ignore[method-assign]
    if not ahead:
        PlannerScreen._prefetch = lambda self, v, builds: None  # type: ignore[assignment,method-assign]
    PlannerScreen._show = show  # type: ignore[method-assign]
    LlmtuiApp._display = display  # type: ignore[method-assign]
    try:
        build = planned_build(catalog, gpu="RTX 3060 12GB", ram="64GB")
        app = LlmtuiApp(catalog=catalog, build=build, build_title="bench", detect=False)
        async with app.run_test(size=(160, 48)) as pilot:
            await pilot.pause(0.5)
            await pilot.press("w")
            for _ in range(600):  # the planner's first overview
                await pilot.pause(0.05)
                if isinstance(app.screen, PlannerScreen) and not any(w.is_running for w in app.workers):
                    break
            for _ in range(presses):
                for _ in range(600):  # a user reading the overview: the planner's workers finish
                    await pilot.pause(0.05)
                    if not any(w.is_running for w in app.workers):
                        break
                n = len(samples)
                await pilot.press("plus")
                for _ in range(600):
                    await pilot.pause(0.01)
                    if len(samples) > n:
                        break
    finally:
        PlannerScreen.action_count = original_count  # type: ignore[method-assign]
        PlannerScreen._show = original_show  # type: ignore[method-assign]
        PlannerScreen._prefetch = original_prefetch  # type: ignore[method-assign]
        LlmtuiApp._display = original_display  # type: ignore[method-assign]
    return samples


def planner(catalog: Catalog) -> list[float]:
    from llmtui.core.leaderboard import rows

    specs = [
        "RTX 4090",
        "2x RTX 3090",
        "RTX 3060 12GB",
        "4x H100 SXM",
        "RTX 5090 + RTX 4090",
        "RTX 4060 Ti 16GB",
        "3x RTX 3090",
        "RTX PRO 6000",
    ]
    builds = [planned_build(catalog, gpu=s, ram="64GB") for s in specs]
    rows(catalog, builds[0])
    for b in builds:  # as in the app after its first minutes: every quant's weights computed once
        rows(catalog, b)
    times = []
    for b in builds * 3:
        t0 = time.perf_counter()
        rows(catalog, replace(b, ram_bytes=b.ram_bytes + 1))  # a changed build, not a cached one
        times.append(time.perf_counter() - t0)
    return times


def detection(catalog: Catalog) -> dict[str, float]:
    from llmtui.core.hardware import Probes, detect
    from tests.fixtures import fake_nvml as fn
    from tests.fixtures.fake_roots import linux_host, make_roots

    local = []
    for _ in range(RUNS):
        t0 = time.perf_counter()
        detect(catalog)
        local.append(time.perf_counter() - t0)
    fake = []
    with tempfile.TemporaryDirectory() as tmp:
        roots = make_roots(Path(tmp), linux_host())
        for _ in range(RUNS):
            nvml = fn.make(fn.Spec([fn.h100(i) for i in range(8)]))
            t0 = time.perf_counter()
            m = detect(catalog, Probes(roots=roots, nvml=nvml))
            fake.append(time.perf_counter() - t0)
            assert len(m.build.gpus) == 8
    return {"local_ms": statistics.median(local) * 1000, "fake8_ms": statistics.median(fake) * 1000}


def estimator(catalog: Catalog) -> dict[str, object]:
    from llmtui.core.estimate import QUANTS, estimate
    from llmtui.core.estimate.weights import clear_cache
    from tests.bench.calibrate import expected_tps, fit, observations
    from tests.bench.refdata import size_points

    points, _ = size_points(catalog)
    errs = sorted(((p.estimated_gb() - p.size_gb) / p.size_gb, p.model.id, p.quant) for p in points)
    abs_errs = sorted(abs(e[0]) for e in errs)
    worst = max(errs, key=lambda e: abs(e[0]))
    obs, _ = observations(catalog)
    fitted = fit(obs)
    speed_errs = [abs(expected_tps(fitted, o)[0] * o.t - 1) for o in obs]
    clear_cache()
    from llmtui.core.estimate.api import model_weights

    model_weights.cache_clear()  # measured cold: weights and their per-model cache alike
    build = planned_build(catalog, gpu="2x RTX 3090", ram="64GB")
    gguf = [q for q, v in QUANTS.items() if v.family == "gguf" and not v.published]
    t0 = time.perf_counter()
    n = 0
    for m in catalog.models:
        for q in gguf:
            estimate(m, q, 8192, build, with_max_ctx=False)
            n += 1
    every_quant = time.perf_counter() - t0
    # batch mode, through the real command line
    lines = [
        json.dumps({"model": m.id, "gpu": "RTX 4090", "quant": q})
        for m in catalog.models
        for q in ("Q4_K_M", "Q8_0", "Q3_K_M")
    ] * 4
    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False) as fh:
        fh.write("\n".join(lines) + "\n")
    t0 = time.perf_counter()
    p = subprocess.run(
        [sys.executable, "-m", "llmtui", "estimate", "--batch", fh.name],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=600,
    )
    batch_s = time.perf_counter() - t0
    os.unlink(fh.name)
    assert p.returncode == 0 and len(p.stdout.splitlines()) == len(lines)
    return {
        "size_points": len(points),
        "size_median": statistics.median(abs_errs),
        "size_p90": pct(abs_errs, 0.9),
        "size_worst": worst,
        "speed_points": len(obs),
        "speed_median": statistics.median(speed_errs),
        "speed_worst": max(speed_errs),
        "every_quant_n": n,
        "every_quant_s": every_quant,
        "batch_n": len(lines),
        "batch_rps": len(lines) / batch_s,
    }


def main() -> int:
    # the bench's own cache directory: the user's is neither read nor filled with thousands of variants
    os.environ["LLMTUI_CACHE_DIR"] = tempfile.mkdtemp(prefix="llmtui-bench-cache-")
    # as installed: llmtui's modules compiled (pip does it for a wheel) and the children free to keep them
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    compileall.compile_dir(str(ROOT / "llmtui"), quiet=1)
    # ... and what its build pre-computes (hatch_build.py), current for this checkout's data and code
    from llmtui.core import prebuilt
    from llmtui.core.paths import bundled_data_dir

    prebuilt.write(bundled_data_dir(), bundled_data_dir())
    catalog = load_catalog()
    machine = f"{os.cpu_count()} CPUs, Python {sys.version.split()[0]}, {sys.platform}"
    out = [f"# llmtui benchmarks\n\nMachine: {machine}; medians of {RUNS} runs unless stated.\n"]
    s = start_up(len(catalog.models))
    out.append(
        f"- start-up to the first complete frame: {s['ours_s'] * 1000:.0f} ms vs bare Textual + DataTable "
        f"{s['base_s'] * 1000:.0f} ms = **{s['ratio']:.2f}x** (goal <= 1.2x)"
    )
    c = start_up(len(catalog.models), cold=True)
    out.append(
        f"- the very first start (empty cache directory): {c['ours_s'] * 1000:.0f} ms vs "
        f"{c['base_s'] * 1000:.0f} ms = **{c['ratio']:.2f}x** (goal <= 1.5x)"
    )
    out.append(
        f"- memory (RSS) at that frame: {s['ours_rss'] / 2**20:.1f} MiB vs {s['base_rss'] / 2**20:.1f} MiB = "
        f"**{s['rss_ratio']:.2f}x** (goal <= 1.3x)"
    )
    n = int(os.environ.get("BENCH_SCALE", "2000"))
    sc = scale(n)
    st = sc["start"]
    assert isinstance(st, dict)
    out.append(
        f"- {sc['models']:,} models (the catalogue + numbered variants as a user overlay): leaderboard with the "
        f"best-quant search, first in a process **{sc['first_s'] * 1000:.0f} ms** (goal < 200 ms), after a "
        f"build change **{sc['change_s'] * 1000:.0f} ms**"  # type: ignore[operator]
    )
    ratio = sc["cli_models_s"] / sc["cli_version_s"]  # type: ignore[operator]
    out.append(
        f'- {sc["models"]:,} models: `llmtui models --gpu "RTX 4090" --json` {sc["cli_models_s"] * 1000:.0f} ms '
        f"vs `llmtui --version` {sc['cli_version_s'] * 1000:.0f} ms = **{ratio:.1f}x** (goal < 8x)"  # type: ignore[operator]
    )
    out.append(
        f"- {sc['models']:,} models: start-up {st['ours_s'] * 1000:.0f} ms vs bare DataTable of as many rows "
        f"{st['base_s'] * 1000:.0f} ms = {st['ratio']:.2f}x; RSS {st['ours_rss'] / 2**20:.1f} MiB vs "
        f"{st['base_rss'] / 2**20:.1f} MiB = **{st['rss_ratio']:.2f}x** (goal <= 1.3x)"
    )
    out.append(
        f"- 'hardware needed per model' (H), {sc['needs_rows']:,} rows: first row {sc['needs_first_s'] * 1000:.0f} ms,"
        f" all **{sc['needs_all_s'] * 1000:.0f} ms**; reverse planning (ten cheapest builds for one model) "
        f"**{sc['reverse_s'] * 1000:.0f} ms** (goal < 300 ms)"  # type: ignore[operator]
    )
    out.append(
        f"- worst case, {n:,} models with {n:,} different architectures: a build change "
        f"{distinct_changes(catalog, n) * 1000:.0f} ms (no goal; every row its own estimate)"
    )
    big = synthetic_catalog(catalog, 5000)
    lat: list[float] = []
    floor: list[float] = []
    for _ in range(3):  # alternated, so both see the same machine
        lat += asyncio.run(_filter_latency(big))
        floor += asyncio.run(_bare_input_latency())
    out.append(
        f"- filter, keystroke to the frame showing the new rows, 5,000 entries ({len(lat)} keystrokes): median "
        f"**{statistics.median(lat) * 1000:.1f} ms**, p95 {pct(lat, 0.95) * 1000:.1f} ms (goal: median < 25 ms); "
        f"Textual's floor on the same clock (an Input updating one label) {statistics.median(floor) * 1000:.1f} ms"
    )
    scaled = synthetic_catalog(catalog, n)
    asyncio.run(_planner_latency(scaled, presses=1))  # the estimator's caches, as after a first minute
    pk = asyncio.run(_planner_latency(scaled))
    cold = asyncio.run(_planner_latency(scaled, ahead=False))
    out.append(
        f"- planner, '+' to the painted overview, {n:,} models, the planner idle before each press (as a user "
        f"reading it; it works out the builds + and - make next): median **{statistics.median(pk) * 1000:.0f} ms**, "
        f"worst {max(pk) * 1000:.0f} ms ({len(pk)} presses; goal < 50 ms); a build not seen before (that turned "
        f"off): median {statistics.median(cold) * 1000:.0f} ms, worst {max(cold) * 1000:.0f} ms"
    )
    pl = planner(catalog)
    out.append(
        f"- planner, build change to recomputed leaderboard ({len(catalog.models)} models, best quant searched): "
        f"median **{statistics.median(pl) * 1000:.1f} ms**, worst {max(pl) * 1000:.1f} ms (the core alone; no goal)"
    )
    d = detection(catalog)
    out.append(f"- detection: this machine {d['local_ms']:.1f} ms; fake 8-GPU NVML {d['fake8_ms']:.1f} ms")
    e = estimator(catalog)
    w = e["size_worst"]
    out.append(
        f"- GGUF file size vs {e['size_points']} published sizes: median error **{e['size_median']:.3%}**, "
        f"90th percentile {e['size_p90']:.2%}, worst {w[0]:+.1%} ({w[1]} {w[2]})"  # type: ignore[index]
    )
    out.append(
        f"- decode speed vs {e['speed_points']} measurements (2025+, in-sample): "
        f"median error **{e['speed_median']:.1%}**, worst {e['speed_worst']:.1%}"
    )
    out.append(
        f"- whole catalogue at every GGUF quant ({e['every_quant_n']} estimates, cold caches): "
        f"{e['every_quant_s'] * 1000:.0f} ms"
    )
    out.append(
        f"- `llmtui estimate --batch`: {e['batch_n']} requests at **{e['batch_rps']:.0f} requests/s** "
        "(process start included)"
    )
    text = "\n".join(out) + "\n"
    print(text)
    target = ROOT / "tests" / "bench" / "out"
    target.mkdir(parents=True, exist_ok=True)
    (target / "report.md").write_text(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
