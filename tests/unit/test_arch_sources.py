"""Every bundled architecture comes from the model's own config.json, read from a copy kept in the repo.

arch.source is the model's own config.json URL on huggingface.co. huggingface.co cannot be read from
where the catalogue is built, so the copy that was read sits in tests/fixtures/configs/ with its origin
in SOURCES.toml; a copy from anyone but the model's own organisation (a fine-tune, a merge, a community
quantization) fails here, and the catalogue's architecture must be what llmtui's importer reads from it.
"""

from __future__ import annotations

import tomllib
from dataclasses import fields
from pathlib import Path

import pytest

from llmtui.core.catalog import Catalog
from llmtui.core.catalog.types import Model
from llmtui.core.importers import model_from_config

CONFIGS = Path(__file__).resolve().parents[1] / "fixtures" / "configs"
SOURCES = tomllib.loads((CONFIGS / "SOURCES.toml").read_text())["configs"]
# Organisations that re-save another vendor's model with its architecture unchanged (a quantized
# checkpoint of the same weights), accepted only as copy_kind "quantized derivative".
DERIVATIVE_ORGS = {"nvidia"}
EXACT = "exact copy"
REINDENTED = "copy re-indented (values unchanged)"
REBUILT = "official page, rebuilt"  # a stored copy of the vendor's own huggingface.co page, re-indented
KEPT_KINDS = {  # a file in tests/fixtures/configs, read from a pinned GitHub commit (or a stored HF page)
    EXACT,
    REBUILT,
    REINDENTED,
    "quantized derivative: architecture fields match the base",
    "base model config (same release, same org)",
    "parent model config (same org)",
    "base model named by the card",
}
NOT_KEPT_KINDS = {  # read in an earlier session, no file kept: weaker, and said so in the entry's notes
    "official page",
    "parent model config (same org)",
    "community quantization or re-upload of the same model",
    "third-party transcription",
    "vendor repository (not config.json)",
}
# Reviewed transcriptions of official configs (not copies): preset tables, docs, library defaults.
TRANSCRIBERS = {
    "mlc-ai/mlc-llm",
    "NVIDIA-NeMo/Megatron-Bridge",
    "huggingface/transformers",
    "NVIDIA/TensorRT-LLM",
    "citsjtu2020/LLM-Prof",
    "infinityarpan/qwen-25-api",
}
QUANT_TOKENS = {"awq", "gptq", "fp8", "int4", "int8", "bnb", "4bit", "3bit", "gguf", "exl2", "dynamic", "qtip", "hf"}
FINE_TUNE_MARKS = ("abliterated", "lorablated", "finetune", "ft", "dpo", "sft", "merge", "uncensored", "reasoner")
# Fields a copy of another repo's config (base, parent) may not share with the model: its context.
OTHER_REPO_MAY_DIFFER = {"max_ctx"}
# Fields an entry may state beyond the config (the card's context extension, with arch.ctx_note).
STATED = {"source", "ctx_note"}


def _core(name: str) -> str:
    return name.lower().removeprefix("c4ai-").removeprefix("meta-")


def _same_model_repackaged(copy_repo: str, model: str, copy_owner: str) -> bool:
    """A community repo of the same model: its name is the model's plus quantization tokens only."""
    name, core = copy_repo.split("/")[1].lower(), _core(model.split("/")[1])
    if core not in name:
        return False
    rest = [t for t in name.replace(core, "-").replace(".", "-").split("-") if t]
    if any(t in FINE_TUNE_MARKS for t in rest):
        return False
    return all(t in QUANT_TOKENS or t == copy_owner.lower() or t.rstrip("b").isdigit() for t in rest)


def _by_model() -> dict[str, dict[str, str]]:
    out: dict[str, dict[str, str]] = {}
    for c in SOURCES:
        out.setdefault(c.get("model", c["repo"]).lower(), c)
    return out


def _bundled(catalog: Catalog) -> list[Model]:
    return [m for m in catalog.models if m.origin == "bundled"]


def test_every_copy_names_where_it_was_read() -> None:
    for c in SOURCES:
        model = c.get("model", c["repo"])
        assert c["official_url"] == f"https://huggingface.co/{model}/blob/main/config.json", c
        if c["file"] and c["copy_kind"] == REBUILT:  # the vendor's own page, at a stated revision
            assert (CONFIGS / c["file"]).is_file(), c["file"]
            assert c["read_from"].startswith(f"stored page https://huggingface.co/{model}/"), c
        elif c["file"]:
            assert c["copy_kind"] in KEPT_KINDS, c
            assert (CONFIGS / c["file"]).is_file(), c["file"]
            assert c["read_from"].startswith("github:") and "@" in c["read_from"], c  # repository, commit, path
            commit = c["read_from"].split("@", 1)[1].split(":", 1)[0]
            assert len(commit) == 40 and all(ch in "0123456789abcdef" for ch in commit), c["read_from"]
        else:
            assert c["copy_kind"] in NOT_KEPT_KINDS, c
            assert c["read_from"].startswith("https://"), c


def test_no_copy_is_a_fine_tune_or_another_vendors_model(catalog: Catalog) -> None:
    vendors = {m.hf_repo.split("/")[0].lower() for m in _bundled(catalog)}
    for c in SOURCES:
        model, kind = c.get("model", c["repo"]), c["copy_kind"]
        owner, copy_owner = model.split("/")[0].lower(), c["repo"].split("/")[0].lower()
        what = f"{c['file'] or c['read_from']} for {model}"
        if kind in (EXACT, REINDENTED, REBUILT):
            assert c["repo"].lower() == model.lower(), f"{what}: an exact copy must be of {model} itself"
        elif kind.startswith("base model config") or kind.startswith("parent model"):
            assert copy_owner == owner, f"{what}: the base or parent must come from {owner} itself"
        elif kind == "base model named by the card":
            assert copy_owner in vendors - {owner}, f"{what}: {copy_owner} is not a model vendor"
            assert not any(mark in c["repo"].lower() for mark in FINE_TUNE_MARKS), what
        elif kind.startswith("quantized derivative"):
            assert copy_owner in {owner} | DERIVATIVE_ORGS, f"{what}: {copy_owner} is not {owner}'s re-save"
        elif kind == "official page":
            assert c["read_from"].lower().startswith(f"https://huggingface.co/{model.lower()}/"), what
        elif kind.startswith("community"):
            # the repo's name says it is the model, or the config names the model it was made from
            named = c.get("name_or_path", "").lower() == model.lower()
            assert named or _same_model_repackaged(c["repo"], model, copy_owner), f"{what}: {c['repo']} is not {model}"
        elif kind.startswith("vendor repository"):
            assert c["read_from"].lower().startswith(f"https://github.com/{owner}/"), what
        else:
            assert kind == "third-party transcription" and c["repo"] in TRANSCRIBERS, what


def test_the_fine_tune_rule_catches_the_copies_issue_15_named() -> None:
    """The copies the catalogue once cited: each fails the rule that admits community repackagings."""
    for repo, model in [
        ("LDCC/Qwen2.5-72B-Instruct-ko-AWQ", "Qwen/Qwen2.5-72B-Instruct"),
        ("ReadyArt/Reformed-Christian-Bible-Expert-v1.1-24B", "mistralai/Mistral-Small-24B-Instruct-2501"),
        ("failspy/llama-3-70B-Instruct-abliterated", "meta-llama/Meta-Llama-3-70B-Instruct"),
        ("ai-team-20/qwen3-coder-480b-3", "Qwen/Qwen2.5-Coder-32B-Instruct"),
    ]:
        assert not _same_model_repackaged(repo, model, repo.split("/")[0]), repo
    assert _same_model_repackaged(
        "casperhansen/deepseek-r1-distill-llama-8b-awq", "deepseek-ai/DeepSeek-R1-Distill-Llama-8B", "casperhansen"
    )


def test_every_bundled_architecture_cites_its_own_config_and_a_kept_copy(catalog: Catalog) -> None:
    by_model = _by_model()
    missing = []
    for m in _bundled(catalog):
        assert m.arch.source == f"https://huggingface.co/{m.hf_repo}/blob/main/config.json", m.id
        assert m.hf_repo.lower() in by_model, f"{m.id}: no entry in SOURCES.toml"
        c = by_model[m.hf_repo.lower()]
        if c["file"] or c["copy_kind"] != EXACT:
            continue
        missing.append(m.id)
    assert not missing, f"no kept copy of the config for: {', '.join(missing)}"


@pytest.mark.parametrize("c", [c for c in SOURCES if c["file"]], ids=lambda c: f"{c['file']}>{c.get('model', '')}")
def test_the_catalogue_holds_what_the_copy_says(c: dict[str, str], catalog: Catalog) -> None:
    model = c.get("model", c["repo"]).lower()
    entries = [m for m in _bundled(catalog) if m.hf_repo.lower() == model]
    if not entries:
        pytest.skip(f"{model} is kept as a family fixture, not a catalogue entry")
    read = model_from_config(CONFIGS / c["file"]).arch
    allowed = STATED | (OTHER_REPO_MAY_DIFFER if c["copy_kind"] != EXACT else set())
    for m in entries:
        diff = {
            f.name: (getattr(m.arch, f.name), getattr(read, f.name))
            for f in fields(read)
            if f.name not in allowed and getattr(m.arch, f.name) != getattr(read, f.name)
        }
        if m.arch.ctx_note:  # a context the card states beyond the config, said in ctx_note
            diff.pop("max_ctx", None)
        assert not diff, f"{m.id}: catalogue vs {c['file']} (ours, copy's): {diff}"
