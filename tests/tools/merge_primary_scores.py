"""Merge the primary score (AA Intelligence Index) from data/staging/scores_primary.toml into the
bundled catalogue: for each catalogue model whose Hugging Face repo has an entry, one score table is
appended to its [[models]] block (text insertion, so comments and layout stay). A maintainer tool,
not run in CI; run it again after refreshing the staging file. Existing AA scores are left alone.

    .venv/bin/python tests/tools/merge_primary_scores.py
"""

from __future__ import annotations

import re
import sys
import tomllib
from collections import defaultdict
from itertools import pairwise
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PRIMARY = "AA Intelligence Index"
AA_PAGE = "https://artificialanalysis.ai/evaluations/artificial-analysis-intelligence-index"
# Hugging Face organisations that were renamed (the old name redirects to the new one): a catalogue
# entry may carry either spelling of the same repo.
RENAMED_ORGS = {"cohereforai": "coherelabs"}


def _repo_key(repo: str) -> str:
    org, _, name = repo.lower().partition("/")
    return f"{RENAMED_ORGS.get(org, org)}/{name}"


def _q(s: str) -> str:
    return '"' + s.replace("\\\\", "\\\\\\\\").replace('"', '\\\\"') + '"'


def block(entries: list[dict[str, object]]) -> str:
    """The score table for one model: the highest of AA's variants (reasoning, non-reasoning, effort)
    for that repo, with the others named in detail."""
    best = max(entries, key=lambda s: float(s["value"]))  # type: ignore[arg-type]
    others = [e for e in entries if e is not best]
    detail = (
        f"AA's {best['variant']} run ({best['name']}); copy of AA's index page ({AA_PAGE}) as crawled on {best['date']}"
    )
    if others:
        detail += "; other AA runs of this repo: " + ", ".join(
            f"{o['variant']} {float(o['value']):.1f}" for o in others
        )  # type: ignore[arg-type]
    if best.get("mapping_note"):
        detail += f"; {best['mapping_note']}"
    return (
        "\n[[models.scores]]\n"
        f"benchmark = {_q(PRIMARY)}\n"
        f"value = {round(float(best['value']), 2)}\n"  # type: ignore[arg-type]
        f"version = {_q(str(best['version']))}\n"
        f"date = {_q(str(best['date']))}\n"
        'measured_by = "independent"\n'
        f"variant = {_q(str(best['variant']))}\n"
        f"source = {_q(str(best['source']))}\n"
        f"detail = {_q(detail)}\n"
    )


def main() -> int:
    staging = tomllib.loads((ROOT / "data" / "staging" / "scores_primary.toml").read_text())["scores"]
    by_repo: dict[str, list[dict[str, object]]] = defaultdict(list)
    for s in staging:
        if s.get("hf_repo"):
            by_repo[_repo_key(str(s["hf_repo"]))].append(s)
    added = 0
    for path in sorted((ROOT / "data" / "models").glob("*.toml")):
        text = path.read_text()
        doc = tomllib.loads(text)
        starts = [m.start() for m in re.finditer(r"^\[\[models\]\]\s*$", text, flags=re.M)] + [len(text)]
        pieces = [text[: starts[0]]]
        for model, (a, b) in zip(doc["models"], pairwise(starts), strict=True):
            chunk = text[a:b]
            entries = by_repo.get(_repo_key(model["hf_repo"]))
            has = any(s["benchmark"] == PRIMARY for s in model.get("scores", []))
            if entries and not has:
                chunk = chunk.rstrip("\n") + "\n" + block(entries) + ("\n" if b < len(text) else "")
                added += 1
            pieces.append(chunk)
        new = "".join(pieces)
        tomllib.loads(new)  # still valid TOML
        path.write_text(new)
    print(f"added {PRIMARY} to {added} models")
    return 0


if __name__ == "__main__":
    sys.exit(main())
