"""Write tests/fixtures/catalog/: a small copy of the bundled catalogue for the UI, snapshot and
end-to-end tests, so adding a model to data/ does not change what they see.

The entries are copied as they are in data/ (sources included) at the time this runs; run it again only
to change what the fixture holds, then regenerate the snapshots and look at them:
    .venv/bin/python tests/tools/make_fixture_catalog.py
"""

from __future__ import annotations

import sys
import tomllib
from pathlib import Path

import tomli_w

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "tests" / "fixtures" / "catalog"

# Small to huge, dense and mixture-of-experts, every use case's preset, the seed article's examples.
MODELS = (
    "qwen2.5-0.5b-instruct",
    "qwen3-8b",
    "llama-3.1-8b-instruct",
    "qwen2.5-14b-instruct",
    "phi-4",
    "gpt-oss-20b",
    "qwen3-30b-a3b",
    "qwen3-coder-30b-a3b-instruct",
    "qwen3-32b",
    "qwen2.5-32b-instruct",
    "llama-3.3-70b-instruct",
    "mixtral-8x22b-instruct-v0.1",
    "deepseek-r1",
    "llama-3.1-405b-instruct",
)
# Consumer and datacentre NVIDIA, AMD, Apple, a unified-memory PC, host memory.
DEVICES = (
    "rtx-3060-12gb",
    "rtx-4060-ti-16gb",
    "rtx-3090",
    "rtx-4090",
    "rtx-5090",
    "h100-sxm",
    "dgx-spark",
    "rx-7900-xtx",
    "ryzen-ai-max-plus-395",
    "m4-max-40c",
    "m3-ultra-80c",
    "ddr5-5600-2ch",
    "epyc-9004-12ch-ddr5-4800",
)


def pick(folder: str, table: str, ids: tuple[str, ...]) -> list[dict[str, object]]:
    found: dict[str, dict[str, object]] = {}
    for path in sorted((ROOT / "data" / folder).glob("*.toml")):
        for entry in tomllib.loads(path.read_text("utf-8")).get(table, []):
            if entry.get("id") in ids:
                found[str(entry["id"])] = entry
    missing = [i for i in ids if i not in found]
    if missing:
        sys.exit(f"not in data/{folder}: {', '.join(missing)}")
    return [found[i] for i in ids]


def main() -> None:
    for folder, table, ids in (("models", "models", MODELS), ("hardware", "devices", DEVICES)):
        out = OUT / folder
        out.mkdir(parents=True, exist_ok=True)
        doc = {"schema": 1, table: pick(folder, table, ids)}
        header = f"# Copied from data/{folder} by tests/tools/make_fixture_catalog.py; do not edit by hand.\n"
        (out / "fixture.toml").write_text(header + tomli_w.dumps(doc), "utf-8")
        print(f"{out / 'fixture.toml'}: {len(ids)} {table}")


if __name__ == "__main__":
    main()
