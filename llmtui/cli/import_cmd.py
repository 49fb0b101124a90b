"""llmtui import FILE: a leaderboard export into the user's catalogue overlay."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from . import exitcodes
from .common import catalog, fail, warn, write_user_toml


def cmd_import(args: argparse.Namespace) -> int:

    from ..core.catalog import parse_model
    from ..core.catalog.schema import Invalid
    from ..core.importers import ImportError_, models_from_leaderboard

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
    target, problems, _ = write_user_toml(
        "models",
        args.name or Path(args.file).stem,
        "leaderboard",
        {"schema": 1, "models": good},
        prefix="imported-",
        overwrite=False,
        exists="remove it or import under another --name",
    )
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
