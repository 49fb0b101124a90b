"""The hardware pane: each GPU with a memory bar, RAM, CPU and detection warnings."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from ...core.build import Build
from ...core.output import hardware_lines, text_bar

BAR = 16


class HardwarePane(Static):
    DEFAULT_CSS = """
    HardwarePane { height: auto; max-height: 8; padding: 0 1; background: $boost; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__("Detecting hardware…", id=id)
        self.max_lines = 6

    def show(self, build: Build | None, machine: object | None, title: str) -> None:
        text = Text()
        text.append(title, style="bold")
        if build is None:
            text.append("\ndetecting hardware…", style="dim")
            self.update(text)
            return
        lines = hardware_lines(build, machine, where="app")  # type: ignore[arg-type]
        warnings = [ln for ln in lines if ln.kind == "warn"]
        body = [ln for ln in lines if ln.kind != "warn"]
        room = max(1, self.max_lines - 1)
        shown_warn = warnings[: max(0, room - len(body))] if len(body) < room else []
        for ln in body[:room]:
            text.append("\n")
            label = ln.label if len(ln.label) <= 26 else ln.label[:25] + "…"
            text.append(f"{label:26} ", style="bold" if ln.kind == "gpu" else "")
            if ln.fraction is not None:
                style = "red" if ln.fraction > 0.9 else ("yellow" if ln.fraction > 0.6 else "green")
                text.append(text_bar(ln.fraction, BAR), style=style)
                text.append(" ")
            text.append(ln.detail, style="dim" if ln.kind == "cpu" else "")
        for ln in shown_warn:
            text.append("\n")
            text.append(f"⚠ {ln.detail}", style="yellow")
        hidden = len(warnings) - len(shown_warn)
        if hidden > 0:
            text.append("\n")
            text.append(f"⚠ {hidden} detection warning(s): run `llmtui detect` to read them", style="yellow")
        self.update(text)
