"""The adversarial suite: what a hostile file, remote host, model name or keystroke can carry.

Every test here counts what it tried; `pytest -q tests/hostile -s` prints the counts (inputs tried,
tracebacks, injections, raw escapes, hangs, profiles saved that do not load)."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator

import pytest

# What a terminal or a shell would act on, each as it would arrive in a name, a file or an answer.
MARKER = "LLMTUI_PWNED"
SHELL = [
    "x\n: > " + MARKER + "\n",  # a newline ends the '# ...' comment it sits in
    "x\r\n: > " + MARKER,
    "$(: > " + MARKER + ")",
    "`: > " + MARKER + "`",
    "x; : > " + MARKER,
    "x' ; : > " + MARKER + " ; '",
    'x" ; : > ' + MARKER + ' ; "',
    "x && : > " + MARKER,
    "x | : > " + MARKER,
    "${IFS}$(: > " + MARKER + ")",
]
ESCAPES = [
    "\x1b]52;c;ZXZpbA==\x07",  # OSC 52: write the clipboard
    "\x1b]0;pwned\x07",  # OSC 0: the window title
    "\x1b[2J\x1b[H",  # clear the screen
    "\x9b2J",  # 8-bit CSI
    "\x1bP+q\x1b\\",  # DCS
    "evil\u202egnp.exe",  # right-to-left override
    "bell\x07\x08\x7f",
]
MARKUP = ["[/]", "[@click=app.quit]click me[/]", "[bold", "[red]x[/red]", "[link=file:///etc/passwd]x[/link]"]
HOSTILE = SHELL + ESCAPES + MARKUP

# Bytes that must never reach a terminal from data: ESC, C1 controls (8-bit CSI, OSC, DCS...), BEL,
# backspace, DEL, and the bidi overrides.
RAW = re.compile("[\x00-\x08\x0b-\x1f\x7f\x80-\x9f\u202a-\u202e\u2066-\u2069]")


def raw_escapes(text: str) -> list[str]:
    return RAW.findall(text)


TALLY: Counter[str] = Counter()


@pytest.fixture
def tally() -> Iterator[Counter[str]]:
    yield TALLY


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:  # pragma: no cover
    if TALLY:
        line = ", ".join(f"{k} {v}" for k, v in sorted(TALLY.items()))
        terminalreporter.write_line(f"hostile inputs: {line}")
