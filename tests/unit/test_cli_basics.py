from __future__ import annotations

import subprocess
import sys

from llmtui import __version__


def _llmtui(*args: str, stdin: str | None = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "llmtui", *args], capture_output=True, text=True, input=stdin, timeout=120
    )


def test_version() -> None:
    out = _llmtui("--version")
    assert out.returncode == 0
    assert out.stdout.strip() == f"llmtui {__version__}"


def test_help_lists_subcommands() -> None:
    out = _llmtui("--help")
    assert out.returncode == 0
    for cmd in ("models", "hardware", "estimate", "detect", "doctor", "profiles", "plan", "remote", "import"):
        assert cmd in out.stdout


def test_bare_llmtui_without_a_terminal_hints_and_exits_2() -> None:
    out = _llmtui()
    assert out.returncode == 2
    assert out.stdout == ""
    assert "subcommand" in out.stderr and len(out.stderr.strip().splitlines()) == 1


def test_unknown_flag_is_one_sentence_and_exit_2() -> None:
    out = _llmtui("estimate", "--model", "x", "--frobnicate")
    assert out.returncode == 2
    assert "--frobnicate" in out.stderr
    assert len(out.stderr.strip().splitlines()) == 1
