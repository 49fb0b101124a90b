"""llmtui scores import FILE: a leaderboard export's scores into the user's scores/ folder."""

from __future__ import annotations

import argparse
import json
import re
from pathlib import Path

from . import exitcodes
from .common import catalog, fail, warn, write_user_toml


def cmd_scores(args: argparse.Namespace) -> int:

    from ..core.scores_import import ScoresImportError, read_export

    cat = catalog()
    if args.index_version and not re.fullmatch(r"v\d+(\.\d+)*", args.index_version):
        fail(f"--index-version '{args.index_version}' is not a version like v4.1")
    try:
        got = read_export(Path(args.file), cat, date=args.date or "", index_version=args.index_version or "")
    except ScoresImportError as e:
        fail(str(e))
    for note in got.notes:
        warn(note)
    if not got.scores:
        fail(
            f"{args.file}: no score for a model with a Hugging Face repo id ({len(got.unmatched)} models unmatched)",
            exitcodes.NO_RESULT,
        )
    target, problems, after = write_user_toml(
        "scores",
        args.name or Path(args.file).stem,
        "scores",
        {"schema": 1, "scores": got.scores},
        overwrite=args.force,
        exists="pass --force to replace it, or --name to keep both",
    )
    repos = {m.hf_repo.lower() for m in after.models}
    in_catalog = sorted({r for r in got.models.values() if r.lower() in repos})
    result = {
        "file": str(target),
        "format": got.format,
        "scores": len(got.scores),
        "models": len(set(got.models.values())),
        "in_catalogue": len(in_catalog),
        "unmatched": got.unmatched,
        "problems": problems,
    }
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        print(f"wrote {target}: {got.format}")
        print(
            f"{len(got.scores)} scores for {result['models']} models, {len(in_catalog)} of them in the catalogue; "
            f"{len(got.unmatched)} models not matched to a repo id"
        )
        if got.unmatched:
            shown = ", ".join(got.unmatched[:12]) + (", ..." if len(got.unmatched) > 12 else "")
            print(f"  not matched: {shown}")
        for p in problems:
            print(f"  problem: {p}")
    return exitcodes.USAGE if problems else exitcodes.OK
