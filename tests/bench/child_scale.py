"""The 2,000-model leaderboard, timed in a process of its own (run by tests/bench/run.py with the
variant catalogue in LLMTUI_DATA_DIR and a private LLMTUI_CACHE_DIR). Prints one JSON line:

    first      the whole leaderboard with the best-quant search, first time in this process (the disk
               caches warm, as on any start after the first)
    change     the same after a build change (a planner edit: every row recomputed, caches in memory)
    needs      'hardware needed per model' (H) over the catalogue: to the first row, and to the last
    reverse    reverse planning: the ten cheapest builds for one model
"""

from __future__ import annotations

import json
import os
import sys
import time
from dataclasses import replace

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", ".."))

from llmtui.core.build import planned_build
from llmtui.core.catalog import load_catalog
from llmtui.core.leaderboard import rows
from llmtui.core.plan import cheapest_builds, hardware_needed


def main() -> None:
    catalog = load_catalog()
    build = planned_build(catalog, gpu="RTX 4090", ram="64GB")
    t0 = time.perf_counter()
    first = rows(catalog, build)
    t1 = time.perf_counter()
    rows(catalog, replace(build, ram_bytes=build.ram_bytes + 1))
    t2 = time.perf_counter()
    needs = hardware_needed(catalog)
    next(needs)
    t3 = time.perf_counter()
    n_needs = 1 + sum(1 for _ in needs)
    t4 = time.perf_counter()
    model = catalog.model(os.environ.get("BENCH_REVERSE_MODEL", "qwen3.6-27b")) or catalog.models[0]
    cheapest_builds(model, catalog, limit=10)
    t5 = time.perf_counter()
    print(
        json.dumps(
            {
                "models": len(catalog.models),
                "rows": len(first),
                "first_s": t1 - t0,
                "change_s": t2 - t1,
                "needs_first_s": t3 - t2,
                "needs_all_s": t4 - t2,
                "needs_rows": n_needs,
                "reverse_s": t5 - t4,
            }
        )
    )


if __name__ == "__main__":
    main()
