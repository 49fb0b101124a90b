"""Where detection reads: the file system roots, the environment and a command runner, injected so
tests can point them at recorded fixtures."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

Runner = Callable[[list[str], float], "tuple[int, str]"]


def run_command(cmd: list[str], timeout: float) -> tuple[int, str]:
    """Run a command with a timeout; (exit code, stdout). A missing program is exit code 127."""
    try:
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=False)
    except FileNotFoundError:
        return 127, ""
    except subprocess.TimeoutExpired:
        return 124, ""
    return p.returncode, p.stdout


@dataclass(frozen=True)
class Roots:
    root: Path = Path("/")
    proc: Path = Path("/proc")
    sysfs: Path = Path("/sys")
    env: Mapping[str, str] = field(default_factory=lambda: dict(os.environ))
    platform: str = sys.platform
    run: Runner = run_command
    http: Any = None  # running.Fetch: None asks over the network; a remote probe's answers are replayed

    def read(self, path: Path) -> str | None:
        try:
            return path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return None

    def read_int(self, path: Path) -> int | None:
        text = self.read(path)
        if text is None:
            return None
        text = text.strip()
        try:
            return int(text, 16) if text.startswith("0x") else int(text)
        except ValueError:
            return None
