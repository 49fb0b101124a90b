"""Normalise per-benchmark score names and versions in data/models/*.toml (a maintainer tool, not run in
CI; idempotent). A benchmark keeps one name and its version goes in `version`, as the source states it:

- "AIME 2024" -> AIME, version 2024; "BFCL v3" -> BFCL, v3; "Arena-Hard v2" -> Arena-Hard, v2;
- LiveCodeBench: the version or date window the detail quotes from the source (v5, v6, 2305-2409, ...);
- "HumanEval Plus" / "MBPP Plus" -> HumanEval+ / MBPP+ (EvalPlus);
- the AA index: "v4.1 (intelligence_index only)" -> v4.1, the qualifier kept in detail;
- measured_by: "vendor" for scores from model cards, READMEs and reports, "seed" for the seed's composite.

A version the source does not state stays empty (shown as "version not stated"); nothing is guessed.

    .venv/bin/python tests/tools/normalize_scores.py
"""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
RENAME = {
    "AIME 2024": ("AIME", "2024"),
    "AIME 2025": ("AIME", "2025"),
    "BFCL v3": ("BFCL", "v3"),
    "BFCL V2": ("BFCL", "v2"),
    "Arena-Hard v2": ("Arena-Hard", "v2"),
    "HumanEval Plus": ("HumanEval+", ""),
    "MBPP Plus": ("MBPP+", ""),
}
_LCB = [
    (re.compile(r"LiveCodeBench (v\d+)"), None),
    (re.compile(r"LiveCodeBench (\d{4}-\d{4})"), None),
    (re.compile(r"(\d\d/\d\d/\d{4}-\d\d/\d\d/\d{4})"), None),
]


def _lcb_version(detail: str) -> str:
    for rx, _ in _LCB:
        m = rx.search(detail)
        if m:
            return m.group(1)
    return ""


def _field(block: list[str], key: str) -> str | None:
    for line in block:
        m = re.match(rf'{key} = "(.*)"$', line)
        if m:
            return m.group(1)
    return None


def _set(block: list[str], key: str, value: str) -> list[str]:
    line = f'{key} = "{value}"'
    for i, existing in enumerate(block):
        if existing.startswith(f"{key} = "):
            block[i] = line
            return block
    return [*block, line]


def _fix(block: list[str]) -> list[str]:
    bench = _field(block, "benchmark") or ""
    detail = _field(block, "detail") or ""
    version = _field(block, "version")
    if bench in RENAME:
        name, v = RENAME[bench]
        block = _set(block, "benchmark", name)
        if v:
            block = _set(block, "version", v)
        bench = name
    elif bench == "LiveCodeBench" and not version:
        v = _lcb_version(detail)
        if v:
            block = _set(block, "version", v)
    elif bench == "AA Intelligence Index" and version == "v4.1 (intelligence_index only)":
        block = _set(block, "version", "v4.1")
        if "intelligence_index only" not in detail:
            note = "value from AA's intelligence_index field; its intelligence_index_v4_1 field is empty"
            block = _set(block, "detail", f"{detail}; {note}" if detail else note)
    if _field(block, "measured_by") is None:
        block = _set(block, "measured_by", "seed" if bench == "Composite (seed)" else "vendor")
    return block


def normalise(text: str) -> str:
    lines = text.split("\n")
    out: list[str] = []
    i = 0
    while i < len(lines):
        if lines[i] == "[[models.scores]]":
            j = i + 1
            while j < len(lines) and lines[j].strip() and not lines[j].startswith("["):
                j += 1
            out.append(lines[i])
            out.extend(_fix(lines[i + 1 : j]))
            i = j
            continue
        out.append(lines[i])
        i += 1
    return "\n".join(out)


def main() -> int:
    for path in sorted((ROOT / "data" / "models").glob("*.toml")):
        text = path.read_text()
        new = normalise(text)
        if new != text:
            path.write_text(new)
            print(f"normalised {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
