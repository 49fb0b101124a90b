"""Screenshots for the README, taken from the real app (make screenshots).

The build is a planned one (2x RTX 3090 + 64 GB RAM), so the pictures do not depend on the machine
that makes them. Output: assets/*.svg, which GitHub shows inline.
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from llmtui.core.build import planned_build  # noqa: E402
from llmtui.core.catalog import load_catalog  # noqa: E402
from llmtui.ui.app import LlmtuiApp  # noqa: E402
from llmtui.ui.screens.main import MainScreen  # noqa: E402


async def settle(pilot) -> None:  # type: ignore[no-untyped-def]
    app = pilot.app
    for _ in range(400):
        await pilot.pause(0.05)
        main = next((s for s in app.screen_stack if isinstance(s, MainScreen)), None)
        busy = any(w.is_running for w in app.workers)
        if main is not None and any(r.best_status == "…" for r in main.all_rows):
            busy = True
        if not busy:
            return


async def shoot(name: str, size: tuple[int, int], keys: list[str]) -> None:
    catalog = load_catalog()
    build = planned_build(catalog, gpu="2x RTX 3090", ram="64GB")
    app = LlmtuiApp(catalog=catalog, build=build, build_title="2x RTX 3090 + 64 GB (planned)", detect=False)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        for k in keys:
            await pilot.press(k)
            await settle(pilot)
        svg = app.export_screenshot(title=f"llmtui — {name}")
    (HERE / f"{name}.svg").write_text(svg, encoding="utf-8")
    print(f"wrote assets/{name}.svg")


async def main() -> None:
    await shoot("leaderboard", (160, 45), ["j", "j", "j", "j", "j", "j"])
    await shoot("filter", (100, 30), ["slash", *"use:coding", "space", *"fits"])
    await shoot("planner", (160, 45), ["w"])


if __name__ == "__main__":
    asyncio.run(main())
