"""Reading data/reference/*.toml and mapping its names onto the catalogue, for the benchmark and
calibration scripts (and the tests that keep calibration.py in step with the data)."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from typing import Any

from llmtui.core.build import Build, BuildError, planned_build
from llmtui.core.catalog import Catalog, Model
from llmtui.core.paths import bundled_data_dir

# Reference repos whose architecture equals a catalogue model's (a base model and its instruct
# version share every tensor shape).
MODEL_ALIASES = {
    "meta-llama/meta-llama-3-8b": "llama-3-8b-instruct",
    "meta-llama/meta-llama-3-70b": "llama-3-70b-instruct",
    "meta-llama/llama-3.1-8b": "llama-3.1-8b-instruct",
    "meta-llama/llama-2-7b-hf": "llama-2-7b",
    "meta-llama/llama-2-13b-hf": "llama-2-13b",
    "meta-llama/llama-2-70b-hf": "llama-2-70b",
    "codellama/codellama-7b-hf": "llama-2-7b",
    "qwen/qwen2.5-coder-7b": "qwen2.5-coder-7b-instruct",
    "qwen/qwen2.5-coder-32b": "qwen2.5-coder-32b-instruct",
    "meta-llama/llama-3.2-1b": "llama-3.2-1b-instruct",
    "meta-llama/llama-3.2-3b": "llama-3.2-3b-instruct",
    "qwen/qwen2.5-32b": "qwen2.5-32b-instruct",
    "qwen/qwen2.5-3b": "qwen2.5-3b-instruct",
    "qwen/qwen3-30b-a3b": "qwen3-30b-a3b",
    "qwen/qwen3-235b-a22b": "qwen3-235b-a22b",
    "mistralai/mistral-small-24b-base-2501": "mistral-small-24b-instruct-2501",
    "cohereforai/c4ai-command-r-v01": "command-r-v01",
    # fine-tunes and post-trained siblings that keep their parent's config.json shape (model cards)
    "microsoft/phi-4-mini-reasoning": "phi-4-mini-instruct",  # "same architecture as Phi-4-mini"
    "microsoft/phi-4-reasoning-plus": "phi-4-reasoning",  # phi-4-reasoning with more RL
    "mistralai/devstral-small-2505": "devstral-small-2507",  # both from Mistral-Small-3.1, text only
    "qwen/qwen3-next-80b-a3b-instruct": "qwen3-next-80b-a3b-thinking",  # the release's two variants
    "meta-llama/llama-3.1-8b-instruct": "llama-3.1-8b-instruct",
}


def speed_points() -> list[dict[str, Any]]:
    """Every published llama-bench run: data/reference/speed_points*.toml, in file-name order."""
    names = sorted(f.stem for f in (bundled_data_dir() / "reference").glob("speed_points*.toml"))
    return [p for name in names for p in load(name)]


def load(name: str) -> list[dict[str, Any]]:
    with (bundled_data_dir() / "reference" / f"{name}.toml").open("rb") as fh:
        doc = tomllib.load(fh)
    return list(doc["points" if name.startswith("speed_points") else "files"])


def model_for(catalog: Catalog, repo: str) -> Model | None:
    key = repo.lower()
    m = catalog.model(key)
    if m is None and key in MODEL_ALIASES:
        m = catalog.model(MODEL_ALIASES[key])
    return m


# Files made with a llama.cpp whose quant mix differs from today's, or not with llama.cpp's standard
# mixes at all (their own detail says so).
OLD_MIXES = {
    "TheBloke/Mixtral-8x7B-Instruct-v0.1-GGUF": "llama.cpp of Dec 2023, before the 8-expert rules (Q4_K_M = Q4_0 size)",
    "DevQuasar/openai.gpt-oss-20b-GGUF": "experts requantized to Q8_0 from a 16-bit copy, not the standard MXFP4 file",
}
# Names some uploaders give the _M files ("Q3_K" = "Q3_K_M", "Q4_K" = "Q4_K_M": the same files, per detail).
QUANT_ALIASES = {"Q3_K": "Q3_K_M", "Q4_K": "Q4_K_M", "Q5_K": "Q5_K_M"}

_MAC = re.compile(r"^(M\d(?: Pro| Max| Ultra)?) (\d+)-core(?: GPU)?(?: (\d+)GB)?$")


def build_for(catalog: Catalog, hardware: str) -> Build | None:
    """A Build for a reference point's hardware name, or None when the catalogue lacks it."""
    text = hardware.strip()
    m = _MAC.match(text)
    try:
        if m:
            chip, cores, mem = m.group(1), m.group(2), m.group(3)
            if mem is None:  # the smallest memory that bin is sold with
                for d in catalog.devices:
                    if d.kind == "mac" and d.gpu_cores == int(cores) and chip.lower() in d.name.lower():
                        mem = f"{min(d.memory_gib):g}"
                        break
            return planned_build(catalog, mac=f"{chip} {cores}-core {mem}GB")
        if "gb10" in text.lower() or "dgx spark" in text.lower():
            return planned_build(catalog, gpu="DGX Spark")
        text = re.sub(r"\s*80GB$", "", text) if "H100" in text else text
        try:
            return planned_build(catalog, gpu=text, ram="64GB")
        except BuildError:
            return planned_build(catalog, gpu=text)  # a unified-memory system takes no --ram
    except BuildError:
        return None


@dataclass
class SizePoint:
    model: Model
    quant: str
    size_gb: float
    source: str
    detail: str
    mtp: bool = True  # the file keeps the model's MTP layers, as llama.cpp's converter does by default

    def estimated_gb(self) -> float:
        """llmtui's file size for this point (without the MTP layers where the file has none)."""
        from dataclasses import replace

        from llmtui.core.estimate import file_bytes

        arch = self.model.arch if self.mtp else replace(self.model.arch, nextn_layers=0)
        return file_bytes(arch, self.quant) / 1e9


def official_configs() -> dict[str, Model]:
    """The kept official configs (tests/fixtures/configs, SOURCES.toml) by the repo they are the config of."""
    from pathlib import Path

    from llmtui.core.importers import ImportError_, model_from_config

    folder = Path(__file__).resolve().parents[1] / "fixtures" / "configs"
    with (folder / "SOURCES.toml").open("rb") as fh:
        sources = tomllib.load(fh)["configs"]
    out: dict[str, Model] = {}
    for c in sources:
        if not c.get("file"):
            continue
        try:
            out[c.get("model", c["repo"]).lower()] = model_from_config(folder / c["file"])
        except ImportError_:
            continue
    return out


def size_points(catalog: Catalog) -> tuple[list[SizePoint], list[str]]:
    """Published files of standard mixes whose model llmtui has: a catalogue entry, or a kept official
    config of that repo."""
    out: list[SizePoint] = []
    skipped: list[str] = []
    from llmtui.core.estimate import QUANTS
    from llmtui.core.estimate.published import REFERENCE_FILES

    configs = official_configs()
    for f in [f for name in REFERENCE_FILES for f in load(name)]:
        if f["gguf_repo"] in OLD_MIXES:
            skipped.append(f"{f['gguf_repo']} {f['quant']}: {OLD_MIXES[f['gguf_repo']]}")
            continue
        m = model_for(catalog, f["base_repo"]) or configs.get(f["base_repo"].lower())
        quant = QUANT_ALIASES.get(f["quant"], f["quant"])
        if m is None or quant not in QUANTS or QUANTS[quant].published:
            skipped.append(f"{f['base_repo']} {f['quant']}")  # not in the catalogue, or no rule (UD-*, _L)
            continue
        point = SizePoint(m, quant, float(f["size_gb"]), f["source"], f.get("detail", ""), f.get("mtp", True))
        out.append(point)
    return out, skipped
