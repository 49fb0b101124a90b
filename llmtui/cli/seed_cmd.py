"""llmtui seed: the seed article's hardware table, its figures next to llmtui's, its errors named."""

from __future__ import annotations

import argparse
import sys

from . import exitcodes
from .common import catalog


def cmd_seed(args: argparse.Namespace) -> int:
    from ..core.output import markdown_table, plain_table, seed_cells, seed_json, to_json
    from ..core.seed import CTX, QUANT, seed_table

    rows = seed_table(catalog(), engine=args.engine)
    if args.json:
        print(to_json([seed_json(r) for r in rows]))
        return exitcodes.OK
    from ..core.plan import READABLE_TPS

    header = (
        "model (seed)",
        "seed GB",
        "ours GB",
        "seed hardware",
        "seed t/s",
        "there (ours)",
        f"cheapest at {READABLE_TPS:g}+ t/s (ours)",
    )
    body = [seed_cells(r) for r in rows]
    if not args.markdown:
        print(f"# The seed article's 'Hardware needed per model' ({QUANT}, {CTX // 1024}K context) next to llmtui's")
    sys.stdout.write((markdown_table if args.markdown else plain_table)(header, body))
    print()
    for r in rows:
        for p in r.problems:
            print(f"{r.model_text}: {p}")
    return exitcodes.OK
