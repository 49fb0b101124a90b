"""llmtui import FILE: a leaderboard export into the user's catalogue overlay."""

from __future__ import annotations

import argparse
import json
import re
from pathlib import Path

from . import exitcodes
from .common import catalog, fail, warn


def cmd_import(args: argparse.Namespace) -> int:
    import tomli_w

    from ..core.catalog import load_catalog, parse_model
    from ..core.catalog.schema import Invalid
    from ..core.files import FileExists, WriteError, atomic_write
    from ..core.importers import ImportError_, models_from_leaderboard
    from ..core.paths import user_data_dir

    cat = catalog()
    try:
        entries, notes = models_from_leaderboard(Path(args.file), cat)
    except ImportError_ as e:
        fail(str(e))
    good = []
    for entry in entries:
        try:
            parse_model(entry, origin="user")
        except Invalid as err:
            notes.append(f"{entry['name']}: {err.field}: {err.message}, skipped")
            continue
        good.append(entry)
    for n in notes:
        warn(n)
    if not good:
        fail("nothing to import: no row had a usable architecture", exitcodes.NO_RESULT)
    stem = re.sub(r"[^a-z0-9._-]+", "-", (args.name or Path(args.file).stem).lower()).strip("-") or "leaderboard"
    target = user_data_dir() / "models" / f"imported-{stem}.toml"
    try:
        atomic_write(target, tomli_w.dumps({"schema": 1, "models": good}), overwrite=False)
    except FileExists:
        fail(f"{target} exists already; remove it or import under another --name")
    except WriteError as e:
        fail(str(e))
    check = load_catalog(use_cache=False)
    problems = [w for w in check.warnings if str(target) in w]
    result = {"file": str(target), "imported": len(good), "skipped": len(notes), "problems": problems}
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        borrowed = sum(1 for g in good if str(g["arch_from"]).startswith("borrowed"))
        print(
            f"imported {len(good)} models into {target} ({borrowed} with their base model's architecture, "
            f"{len(good) - borrowed} approximate); {len(notes)} rows skipped"
        )
    return exitcodes.OK
