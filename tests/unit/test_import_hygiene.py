"""The headless core and the command-line twin never import textual."""

from __future__ import annotations

import subprocess
import sys
import textwrap

CHECK = textwrap.dedent(
    """
    import importlib, pkgutil, sys, io, contextlib
    import llmtui.core
    if len(sys.argv) > 1:  # the self-test: one more core module, from this folder
        llmtui.core.__path__.append(sys.argv[1])
    for mod in pkgutil.walk_packages(llmtui.core.__path__, "llmtui.core."):
        importlib.import_module(mod.name)
    import llmtui.cli
    from llmtui.cli import run
    for argv in (["--version"], ["models", "--gpu", "RTX 4090", "--json", "--limit", "3"],
                 ["estimate", "--model", "llama-3.1-8b-instruct", "--gpu", "RTX 3090", "--json"],
                 ["hardware", "4090", "--json"], ["detect", "--json"], ["paths"],
                 ["profiles", "list", "--json"]):
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            try:
                run(argv)
            except SystemExit:
                pass
    bad = sorted(m for m in sys.modules if m == "textual" or m.startswith("textual."))
    print("TEXTUAL" if bad else "CLEAN", bad[:5])
    """
)


def test_core_and_cli_never_import_textual() -> None:
    out = subprocess.run([sys.executable, "-c", CHECK], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith("CLEAN"), out.stdout


def test_the_check_would_catch_an_import(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """The same check, run with one more core module that imports textual (as a careless edit would),
    must say so: the test above can fail."""
    (tmp_path / "zz_careless.py").write_text("from textual.widgets import Static  # noqa: F401\n")
    out = subprocess.run([sys.executable, "-c", CHECK, str(tmp_path)], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith("TEXTUAL"), out.stdout


def test_the_first_frame_does_not_import_the_estimator_machinery() -> None:
    """The app's modules load the quant and engine tables, not placement, speed or serving: a start whose
    leaderboard comes from kept rows never estimates, and those imports cost it ~20 ms."""
    code = textwrap.dedent(
        """
        import sys
        import llmtui.ui.app, llmtui.ui.screens.main, llmtui.core.rows_cache, llmtui.core.hardware
        from llmtui.core.estimate import ENGINES, KV_NOTES, QUANTS, engine_kv, engine_quant, engine_quants
        heavy = ("api", "placement", "speed", "serving", "now", "calibration")
        print(sorted(m for m in sys.modules if m.rsplit(".", 1)[-1] in heavy and m.startswith("llmtui")))
        from llmtui.core.estimate import estimate  # on first use, it is there
        print(callable(estimate), "llmtui.core.estimate.api" in sys.modules)
        """
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split("\n")[:2] == ["[]", "True True"], out.stdout
