"""Catalogue entries for 2025-2026 models from their official config.json copies (a maintainer tool,
not run in CI). Writes data/models/y2026.toml:

- the architecture through llmtui's own importer (the one config reader), with arch.source the
  model's own config.json URL and the exact copy that was read named in notes
  (tests/fixtures/configs/SOURCES.toml);
- release date and licence as Artificial Analysis's page lists them, and the AA Intelligence Index,
  from data/staging/scores_primary.toml (a copy of AA's page, with its source);
- parameters counted from the architecture (the cards agree within 2%: tests/unit/test_families.py).

    .venv/bin/python tests/tools/add_config_models.py
"""

from __future__ import annotations

import re
import sys
import tomllib
from dataclasses import MISSING, fields
from pathlib import Path

import tomli_w

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from llmtui.core.catalog import load_catalog  # noqa: E402
from llmtui.core.importers import ImportError_, model_from_config  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
from merge_primary_scores import block  # noqa: E402
from normalize_scores import normalise  # noqa: E402

# repo -> (display name, family, tags); only official repos (no quantized derivatives' own names)
MODELS = {
    "Qwen/Qwen3-Next-80B-A3B-Thinking": ("Qwen 3 Next 80B-A3B Thinking", "Qwen 3 Next", ["chat", "reasoning"]),
    "Qwen/Qwen3.5-397B-A17B": ("Qwen 3.5 397B-A17B", "Qwen 3.5", ["chat", "reasoning", "coding", "multilingual"]),
    "Qwen/Qwen3.5-122B-A10B": ("Qwen 3.5 122B-A10B", "Qwen 3.5", ["chat", "reasoning", "coding", "multilingual"]),
    "Qwen/Qwen3.5-35B-A3B": ("Qwen 3.5 35B-A3B", "Qwen 3.5", ["chat", "reasoning", "coding", "multilingual"]),
    "Qwen/Qwen3.5-27B": ("Qwen 3.5 27B", "Qwen 3.5", ["chat", "reasoning", "coding", "multilingual"]),
    "Qwen/Qwen3.6-35B-A3B": ("Qwen 3.6 35B-A3B", "Qwen 3.6", ["chat", "reasoning", "coding", "multilingual"]),
    "deepseek-ai/DeepSeek-V3.2": ("DeepSeek-V3.2", "DeepSeek V3", ["chat", "reasoning", "coding", "tool-use"]),
    "zai-org/GLM-5": ("GLM-5", "GLM-5", ["chat", "reasoning", "coding", "tool-use"]),
    "zai-org/GLM-5.1": ("GLM-5.1", "GLM-5", ["chat", "reasoning", "coding", "tool-use"]),
    "zai-org/GLM-5.2": ("GLM-5.2", "GLM-5", ["chat", "reasoning", "coding", "tool-use"]),
    "moonshotai/Kimi-K2.5": ("Kimi K2.5", "Kimi K2", ["chat", "reasoning", "coding", "tool-use"]),
    "MiniMaxAI/MiniMax-M2.5": ("MiniMax-M2.5", "MiniMax M2", ["chat", "reasoning", "coding", "tool-use"]),
    "MiniMaxAI/MiniMax-M2.7": ("MiniMax-M2.7", "MiniMax M2", ["chat", "reasoning", "coding", "tool-use"]),
    "google/gemma-4-31B-it": ("Gemma 4 31B IT", "Gemma 4", ["chat", "reasoning", "multilingual"]),
    "nvidia/NVIDIA-Nemotron-3-Nano-30B-A3B-BF16": ("Nemotron 3 Nano 30B-A3B", "Nemotron 3", ["chat", "reasoning"]),
}
LICENCES = {
    "apache 2.0": "apache-2.0",
    "mit": "mit",
    "modified mit license": "modified-mit",
    "modified mit": "modified-mit",
}


def _licence(text: str) -> str:
    return LICENCES.get(text.strip().lower(), text.strip())


def _arch(m: object) -> dict[str, object]:
    a = m.arch  # type: ignore[attr-defined]
    out: dict[str, object] = {}
    for f in fields(a):
        v = getattr(a, f.name)
        if f.default is MISSING or v != f.default:
            out[f.name] = v
    return out


def main() -> int:
    configs = tomllib.loads((ROOT / "tests/fixtures/configs/SOURCES.toml").read_text())["configs"]
    sources = {c.get("model", c["repo"]): c for c in configs}
    models = dict(MODELS)
    for c in configs:  # entries that name their display name, family and tags are catalogue models
        if "name" in c and c.get("model", c["repo"]) not in models:
            models[c.get("model", c["repo"])] = (c["name"], c["family"], list(c.get("tags", ["chat"])))
    staging = tomllib.loads((ROOT / "data/staging/scores_primary.toml").read_text())["scores"]
    aa: dict[str, list[dict[str, object]]] = {}
    for s in staging:
        aa.setdefault(str(s["hf_repo"]).lower(), []).append(s)
    have = {
        m.hf_repo.lower()
        for m in load_catalog(use_cache=False).models
        if m.origin == "bundled" and m.file and "y2026" not in m.file
    }
    entries = []
    for repo, (name, family, tags) in models.items():
        if repo.lower() in have:
            continue
        src = sources[repo]
        try:
            m = model_from_config(ROOT / "tests/fixtures/configs" / src["file"])
        except ImportError_ as e:
            print(f"skipped {repo}: {e}")
            continue
        runs = aa.get(repo.lower())
        if not runs:
            print(f"skipped {repo}: no AA entry for its release date and licence")
            continue
        detail = str(runs[0]["detail"])
        released = re.search(r"released (\d{4}-\d{2}-\d{2})", detail)
        licence = re.search(r"licence ([^;]+);", detail)
        arch = _arch(m)
        arch["source"] = src["official_url"]
        if m.arch.max_ctx >= 131072 and "long-context" not in tags:
            tags = [*tags, "long-context"]
        entry = {
            "id": re.sub(r"[^a-z0-9.]+", "-", repo.split("/")[1].lower()).strip("-"),
            "name": name,
            "family": family,
            "hf_repo": repo,
            "license": LICENCES.get(licence.group(1).strip().lower(), licence.group(1).strip())
            if licence
            else "unknown",
            "released": released.group(1) if released else "unknown",
            "tags": tags,
            "params_b": round(m.params_b, 2 if m.params_b < 10 else 1),
            "active_params_b": min(round(m.active_params_b, 2), round(m.params_b, 2 if m.params_b < 10 else 1)),
            "params_source": f"counted by llmtui from {src['official_url']}",
            "notes": (
                f"Architecture read from {src['read_from']} ({src['copy_kind']}; {src['checked']}); the copy is "
                f"kept in tests/fixtures/configs/{src['file']}. Release date and licence as Artificial Analysis "
                f"lists them ({runs[0]['source']})."
            ),
            "arch": arch,
        }
        entries.append((entry, runs))
    text = "schema = 1\n\n# 2025-2026 releases, from their official config.json (tests/tools/add_config_models.py).\n"
    for entry, runs in entries:
        text += "\n" + tomli_w.dumps({"models": [entry]}).rstrip("\n") + "\n" + block(runs)
    text = normalise(text)
    tomllib.loads(text)
    (ROOT / "data/models/y2026.toml").write_text(text)
    print(f"wrote {len(entries)} models to data/models/y2026.toml")
    return 0


if __name__ == "__main__":
    sys.exit(main())
