"""One start-up measurement, run as its own process by tests/bench/run.py.

python tests/bench/child_start.py llmtui     the app: prints READY when the hardware pane and a
                                             leaderboard with fits are on screen
python tests/bench/child_start.py llmtui 0 settle   ... once the best quants are in too (a warm-up)
python tests/bench/child_start.py baseline   a bare Textual app showing a DataTable of as many rows
"""

from __future__ import annotations

import os
import sys
import time

T0 = time.perf_counter()


def rss() -> int:
    import psutil

    return int(psutil.Process(os.getpid()).memory_info().rss)


def ready(app: object) -> None:
    print(f"READY {time.perf_counter() - T0:.4f}", flush=True)  # the frame is complete: stamped first
    print(f"RSS {rss()}", flush=True)
    app.exit()  # type: ignore[attr-defined]


def run_llmtui(settle: bool) -> None:
    sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", ".."))
    # as `llmtui` does (cli.open_app): catalogue, detection started, then the UI toolkit
    from llmtui.core.catalog import load_catalog
    from llmtui.core.hardware import DetectionJob

    catalog = load_catalog()
    job = DetectionJob(catalog, servers=False)
    from llmtui.core.leaderboard import PENDING
    from llmtui.ui.app import LlmtuiApp
    from llmtui.ui.screens import main as main_screen

    original = main_screen.MainScreen._show_rows

    def show_rows(self, shown, error, pending):  # type: ignore[no-untyped-def]
        original(self, shown, error, pending)
        if settle and any(r.best_status == PENDING for r in self.all_rows):
            return  # the warm-up run: a user who left the app open until the best quants were in
        if not pending and shown:
            self.app.call_after_refresh(ready, self.app)

    main_screen.MainScreen._show_rows = show_rows  # type: ignore[method-assign]
    LlmtuiApp(catalog=catalog, detection=job).run(headless=True, size=(120, 40))


def run_baseline(n_rows: int) -> None:
    from textual.app import App, ComposeResult
    from textual.widgets import DataTable, Footer, Header

    class Bare(App[None]):
        def compose(self) -> ComposeResult:
            yield Header()
            yield DataTable()
            yield Footer()

        def on_mount(self) -> None:
            t = self.query_one(DataTable)
            t.add_columns(
                "#", "model", "params", "score", "mem GiB", "fit", "t/s", "best", "ctx", "license", "released"
            )
            t.add_rows(
                [
                    (str(i), f"Model {i}", "7B", "70.1", "4.6", "GPU", "120.0", "Q8_0", "128K", "apache-2.0", "2025-01")
                    for i in range(n_rows)
                ]
            )
            self.call_after_refresh(ready, self)

    Bare().run(headless=True, size=(120, 40))


if __name__ == "__main__":
    if sys.argv[1] == "llmtui":
        run_llmtui(settle="settle" in sys.argv[2:])
    else:
        run_baseline(int(sys.argv[2]))
