"""llmtui bench: run llama-bench (or read its output) and calibrate this machine's estimates."""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

from . import exitcodes
from .common import catalog, fail, resolve_build

if TYPE_CHECKING:
    from ..core.benchparse import BenchRow


def _rows(args: argparse.Namespace) -> tuple[list[BenchRow], str]:
    from ..core.bench import BenchError, find_llama_bench, run_llama_bench
    from ..core.benchparse import parse_llama_bench
    from ..core.boundary.reader import read_text

    if args.file:
        text = read_text(Path(args.file), what="file")
        return parse_llama_bench(text, args.file), f"file {Path(args.file).name}"
    exe = find_llama_bench()
    if exe is None:
        fail("llama-bench is not on PATH; run it yourself and give its output with --file (-o json, csv or md)")
    if not args.gguf:
        fail("give the model file llama-bench should run with --gguf PATH (or its output with --file)")
    start = time.monotonic()

    def progress(step: str) -> None:
        sys.stderr.write(f"llmtui bench: [{time.monotonic() - start:5.1f} s] llama-bench {step}\n")

    sys.stderr.write(f"llmtui bench: running llama-bench on {Path(args.gguf).name} (at most {args.timeout:g} s)\n")
    try:
        text = run_llama_bench(exe, Path(args.gguf), timeout=args.timeout, progress=progress)
    except BenchError as e:
        fail(str(e), exitcodes.NO_RESULT)
    return parse_llama_bench(text, "llama-bench's output"), "llama-bench"


def cmd_bench(args: argparse.Namespace) -> int:
    from ..core.bench import check_runs, fit_machine
    from ..core.profiles import THIS_MACHINE, ProfileError, save_calibration
    from .estimate_cmd import _find_model

    cat = catalog()
    build = resolve_build(args, cat)
    rows, source = _rows(args)
    if not rows:
        fail("no llama-bench results found", exitcodes.NO_RESULT)
    model = _find_model(cat, args.model) if args.model else None
    checks = check_runs(rows, build, cat, model)
    cal = fit_machine(checks, source)
    name = args.save_profile or getattr(args, "profile", None) or THIS_MACHINE
    saved = None
    if cal is not None and not args.no_save:
        try:
            saved = save_calibration(name, build, cal, cat)
        except ProfileError as e:
            fail(str(e))
    if args.json:
        out = {
            "build": build.describe(),
            "runs": [
                {
                    "test": c.row.test,
                    "model": c.model or None,
                    "quant": c.quant or None,
                    "measured_tps": c.row.avg_ts,
                    "expected_tps": None if c.expected is None else round(c.expected, 2),
                    "ratio": None if c.ratio is None else round(c.ratio, 4),
                    "note": c.note or None,
                }
                for c in checks
            ],
            "calibration": None
            if cal is None
            else {
                "backend": cal.backend,
                "decode_factor": cal.decode_factor,
                "prefill_factor": cal.prefill_factor,
                "runs": cal.runs,
                "date": cal.date,
                "spread": cal.spread,
            },
            "profile": name if saved else None,
        }
        print(json.dumps(out, indent=2))
    else:
        print(f"{'test':16} {'model':28} {'quant':8} {'measured':>9} {'expected':>9} {'ratio':>6}")
        for c in checks:
            exp = f"{c.expected:9.1f}" if c.expected else "        -"
            ratio = f"{c.ratio:6.2f}" if c.ratio else "     -"
            print(f"{c.row.test:16} {c.model[:28]:28} {c.quant:8} {c.row.avg_ts:9.1f} {exp} {ratio}")
            if c.note:
                print(f"  not used: {c.note}")
        if cal is None:
            print("no run could be compared with the model: nothing calibrated")
        else:
            pre = f", prompt processing x{cal.prefill_factor:.2f}" if cal.prefill_factor else ""
            print(
                f"\nthis machine decodes at x{cal.decode_factor:.2f} the model's speed{pre} "
                f"({cal.runs} run{'s' if cal.runs != 1 else ''}, {cal.date}, {cal.backend}, runs within "
                f"{cal.spread:.0%} of each other)"
            )
            if saved:
                print(f"saved in profile '{name}' ({saved}); its estimates now say {cal.describe()}")
    return exitcodes.OK if cal is not None else exitcodes.NO_RESULT
