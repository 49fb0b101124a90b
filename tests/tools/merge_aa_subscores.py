"""Merge Artificial Analysis's own per-benchmark runs (the sub-evaluations on its index page) into the
bundled catalogue, next to each model's AA Intelligence Index: one independent measurement per
benchmark, one methodology for every model, so a preset can rank by a single benchmark without mixing
vendors' settings. A maintainer tool, not run in CI; run it after add_config_models.py and
merge_primary_scores.py (text insertion, so comments and layout stay; scores already there are kept).

    .venv/bin/python tests/tools/merge_aa_subscores.py --extract /tmp/aa.json   # refresh the staging copy
    .venv/bin/python tests/tools/merge_aa_subscores.py

The staging copy (data/staging/aa_subevals.json) holds the open-weight rows of the page's
sub_evaluations, copied verbatim from the crawl named in SOURCE.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
STAGING = ROOT / "data" / "staging" / "aa_subevals.json"
SOURCE = (
    "https://github.com/jesusprodriguezUnir/Modelos-de-Inteligencia-Artificial/blob/"
    "42eaef5b79262104de3dc935660c2d0555d8d45b/data/intelligence-index.json"
)
AA_PAGE = "https://artificialanalysis.ai/evaluations/artificial-analysis-intelligence-index"
DATE = "2026-08-16"
# AA field -> (benchmark, version); values are fractions on the page, stored as percent
FIELDS = {
    "livecodebench": ("LiveCodeBench", "AA"),
    "scicode": ("SciCode", "AA"),
    "terminalbench_v2_1": ("Terminal-Bench", "v2.1 (AA)"),
    "gpqa": ("GPQA Diamond", "AA"),
    "mmlu_pro": ("MMLU-Pro", "AA"),
    "ifbench": ("IFBench", "AA"),
    "aime": ("AIME", "AA"),
    "math_500": ("MATH-500", "AA"),
    "hle": ("Humanity's Last Exam", "AA"),
}


def _q(s: str) -> str:
    return json.dumps(s, ensure_ascii=False)


def extract(path: Path) -> int:
    data = json.loads(path.read_text())["data"]
    open_names = {r["name"] for r in data["openness_index"] if r.get("is_open_weights")}
    rows = [r for r in data["sub_evaluations"] if r["name"] in open_names]
    STAGING.write_text(json.dumps({"source": SOURCE, "page": AA_PAGE, "crawled": DATE, "rows": rows}, indent=1))
    print(f"wrote {len(rows)} open-weight rows to {STAGING.relative_to(ROOT)}")
    return 0


def _blocks(row: dict[str, object], run: str) -> str:
    out = ""
    for field, (bench, version) in FIELDS.items():
        v = row.get(field)
        if not isinstance(v, int | float):
            continue
        out += (
            "\n[[models.scores]]\n"
            f"benchmark = {_q(bench)}\n"
            f"value = {round(float(v) * 100, 1)}\n"
            f"version = {_q(version)}\n"
            f"date = {_q(DATE)}\n"
            'measured_by = "independent"\n'
            f"source = {_q(SOURCE)}\n"
            f"detail = {_q(f'AA run ({run}), field {field} of the sub-evaluations on a copy of {AA_PAGE}')}\n"
        )
    return out


def merge() -> int:
    rows = {r["name"]: r for r in json.loads(STAGING.read_text())["rows"]}
    added = 0
    for path in sorted((ROOT / "data" / "models").glob("*.toml")):
        text = path.read_text()
        out: list[str] = []
        pos = 0
        # the AA index block names the run it came from: "AA's <variant> run (<name>); copy of ..."
        for m in re.finditer(
            r'\[\[models\.scores\]\]\nbenchmark = "AA Intelligence Index"\n(?:[^\[\n][^\n]*\n)*', text
        ):
            run = re.search(r"run \((.*?)\); copy of", m.group(0))
            model_end = text.find("\n[[models]]", m.end())
            model_text = text[text.rfind("[[models]]", 0, m.start()) : model_end if model_end >= 0 else len(text)]
            if not run or run.group(1) not in rows or 'version = "AA"' in model_text:
                continue
            out.append(text[pos : m.end()])
            out.append(_blocks(rows[run.group(1)], run.group(1)).lstrip("\n") + "\n")
            pos = m.end()
            added += 1
        out.append(text[pos:])
        new = "".join(out)
        if new != text:
            path.write_text(new)
    print(f"added AA's per-benchmark runs to {added} models")
    return 0


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--extract":
        sys.exit(extract(Path(sys.argv[2])))
    sys.exit(merge())
