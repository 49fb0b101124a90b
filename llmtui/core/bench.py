"""`llmtui bench`: this machine's own llama-bench runs against the speed model, and the factor that
makes the model match them (stored in the machine's profile, so its estimates say "calibrated on this
machine").

llama-bench runs as an argv list (never through a shell), bounded in time, with --progress so its
stderr says which test it is on; or its output file (-o json, jsonl, csv or md) is read through the
boundary reader."""

from __future__ import annotations

import re
import shutil
import statistics
import subprocess
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from .benchparse import BenchRow, backend_of, quant_of
from .build import Build, BuildError, MachineCalibration, with_knobs
from .catalog.types import Catalog, Model

BENCH_ARGS = ("-p", "512", "-n", "64", "-r", "2", "-o", "json", "--progress")  # short: two tests, two repetitions
MAX_OUTPUT = 8_000_000  # bytes of llama-bench's stdout read at most


class BenchError(RuntimeError):
    """One sentence: what went wrong running or reading llama-bench."""


@dataclass(frozen=True, slots=True)
class RunCheck:
    """One result next to the model's expectation for it."""

    row: BenchRow
    model: str  # the catalogue model it was matched to ("" when none)
    quant: str
    expected: float | None  # tokens/s the speed model expects for this run on this build
    note: str = ""  # why it was not used

    @property
    def ratio(self) -> float | None:
        return self.row.avg_ts / self.expected if self.expected else None


def find_llama_bench() -> str | None:
    return shutil.which("llama-bench")


def run_llama_bench(
    exe: str,
    gguf: Path,
    *,
    timeout: float = 300.0,
    progress: Callable[[str], None] | None = None,
) -> str:
    """llama-bench's JSON for one short run of `gguf` (pp512 and tg64, two repetitions each)."""
    argv = [exe, "-m", str(gguf), *BENCH_ARGS]
    try:
        proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL)
    except OSError as e:
        raise BenchError(f"cannot start {exe}: {e.strerror or e}") from None
    out: list[bytes] = []

    def read_out() -> None:
        assert proc.stdout is not None
        out.append(proc.stdout.read(MAX_OUTPUT))
        proc.stdout.read()  # drain the rest so the child never blocks on a full pipe

    def read_err() -> None:
        assert proc.stderr is not None
        for raw in proc.stderr:
            line = raw.decode("utf-8", "replace").strip()
            m = re.search(r"benchmark (\d+)/(\d+): (.+)$", line)
            if m and progress is not None:
                progress(f"test {m.group(1)} of {m.group(2)}: {m.group(3)[:60]}")

    threads = [threading.Thread(target=read_out, daemon=True), threading.Thread(target=read_err, daemon=True)]
    for t in threads:
        t.start()
    try:
        code = proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
        raise BenchError(f"llama-bench did not finish in {timeout:g} s; it was stopped") from None
    for t in threads:
        t.join(timeout=5)
    if code != 0:
        raise BenchError(f"llama-bench exited with status {code}")
    return b"".join(out).decode("utf-8", "replace")


def _key(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower())


def match_model(catalog: Catalog, row: BenchRow) -> Model | None:
    """The catalogue model a result's file is, by its name: the longest catalogue name (the repo's,
    e.g. 'Llama-3.1-8B-Instruct') contained in the file name."""
    stem = _key(Path(row.model_filename).name.rsplit(".gguf", 1)[0]) if row.model_filename else ""
    if not stem:
        return None
    best: tuple[int, Model] | None = None
    for m in catalog.models:
        for name in (m.hf_repo.rsplit("/", 1)[-1], m.id):
            k = _key(name)
            if k and k in stem and (best is None or len(k) > best[0]):
                best = (len(k), m)
    return best[1] if best else None


def _gguf_model(row: BenchRow) -> Model | None:
    """The architecture from the file's own header, when the file is here and readable."""
    path = Path(row.model_filename)
    if not row.model_filename or not path.is_file():
        return None
    from .importers import ImportError_, model_from_gguf

    try:
        return model_from_gguf(path)[0]
    except ImportError_:
        return None


def check_runs(rows: list[BenchRow], build: Build, catalog: Catalog, model: Model | None = None) -> list[RunCheck]:
    """Each result with the speed the model expects for it on `build` (placed by the run's own flags)."""
    from .estimate import calibration as cal
    from .estimate.measured import Run, run_terms
    from .estimate.speed import seconds

    out: list[RunCheck] = []
    for row in rows:
        m = model or _gguf_model(row) or match_model(catalog, row)
        quant = quant_of(row.model_type, row.model_filename) or ""
        if m is None:
            out.append(RunCheck(row, "", quant, None, f"model file '{row.model_filename}' not matched (give --model)"))
            continue
        if not quant:
            out.append(RunCheck(row, m.name, "", None, f"quant of '{row.model_type}' not known"))
            continue
        try:
            b = with_knobs(build, catalog, backend=backend_of(row.backends))
        except BuildError as e:
            out.append(RunCheck(row, m.name, quant, None, str(e)))
            continue
        run = Run(
            n_gpu_layers=999 if row.n_gpu_layers < 0 else row.n_gpu_layers,
            n_cpu_moe=row.n_cpu_moe,
            split_mode=row.split_mode,
            n_prompt=row.n_prompt,
            n_gen=row.n_gen,
            depth=row.n_depth,
            ubatch=row.n_ubatch,
            kv_type=row.type_k if row.type_k in ("f16", "q8_0", "q4_0", "bf16", "f32") else "f16",
            file_bytes=row.model_size,
        )
        try:
            rt = run_terms(m, quant, b, run)
        except (ValueError, KeyError) as e:
            out.append(RunCheck(row, m.name, quant, None, f"cannot be placed on {b.describe()}: {e}"))
            continue
        if row.n_gen:
            t = seconds(rt.decode, cal.DECODE)
            expected = min(1.0 / rt.roofline_s, 1.0 / t) if t > 0 and rt.roofline_s > 0 else None
        else:
            t = seconds(rt.prefill, cal.PREFILL) if rt.prefill else 0.0
            expected = 1.0 / t if t > 0 else None
        note = "" if expected else "no expectation (a device's bandwidth or FLOPS is unknown)"
        out.append(RunCheck(row, m.name, quant, expected, note))
    return out


def fit_machine(checks: list[RunCheck], source: str) -> MachineCalibration | None:
    """The median of measured / expected over the usable runs (decode and prefill apart), on the
    backend most of them ran on."""
    used = [c for c in checks if c.ratio]
    if not used:
        return None
    backends = [backend_of(c.row.backends) for c in used]
    backend = max(set(backends), key=backends.count)
    used = [c for c in used if backend_of(c.row.backends) == backend]
    decode = [c.ratio for c in used if c.row.n_gen and c.ratio]
    prefill = [c.ratio for c in used if c.row.n_prompt and not c.row.n_gen and c.ratio]
    if not decode:
        return None
    factor = statistics.median(decode)
    spread = max(abs(r / factor - 1.0) for r in decode)
    dates = sorted(c.row.test_time[:10] for c in used if re.fullmatch(r"\d{4}-\d{2}-\d{2}.*", c.row.test_time))
    date = dates[-1] if dates else datetime.now(UTC).strftime("%Y-%m-%d")
    return MachineCalibration(
        backend=backend,
        decode_factor=round(factor, 4),
        prefill_factor=round(statistics.median(prefill), 4) if prefill else None,
        runs=len(used),
        date=date,
        spread=round(spread, 4),
        source=source,
    )
