"""Re-source every bundled architecture (a maintainer tool, not run in CI; issue 15).

Every entry's arch.source becomes the model's own config.json URL; where the copy that was read is
kept, the architecture is re-read from it through llmtui's importer; SOURCES.toml names what was read
and what kind of copy it is (tests/unit/test_arch_sources.py holds the rules). Entries whose only
source was a fine-tune or a different model are removed from the catalogue.

    .venv/bin/python tests/tools/resource_configs.py /work/scratch/resource

It ran once (2026-12-01) over a helper's findings (SOURCES.toml + copies in the scratch folder); two
entries were then restored by hand with the same functions: llama-3-70b-instruct (one of the seed's ten:
Meta's own registry in meta-llama/llama-models) and deepseek-r1-distill-qwen-14b (an AWQ copy whose
config names the model). tests/fixtures/configs/SOURCES.toml is the result and the record.
"""
# ruff: noqa: E501

from __future__ import annotations

import re
import shutil
import sys
import tomllib
from dataclasses import MISSING, fields
from pathlib import Path

import tomli_w

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
from llmtui.core.importers import model_from_config  # noqa: E402

CONFIGS = ROOT / "tests" / "fixtures" / "configs"
OFFICIAL = "official page"
PARENT = "parent model config (same org)"
COMMUNITY = "community quantization or re-upload of the same model"
BASE_BY_CARD = "base model named by the card"
TRANSCRIPTION = "third-party transcription"

# Models whose only source was a fine-tune, a merge or another model, with no acceptable copy found.
DROP = {
    "aya-expanse-8b": "read from chnaaam/luie-v0.1, a fine-tune",
    "command-r7b-12-2024": "read from huihui-ai's abliterated copy",
    "falcon3-10b-instruct": "read from Daemontatox/RA_Reasoner, a fine-tune",
    "granite-3.1-2b-instruct": "read from SpaceYL/Engine_Finetuned_V1, a fine-tune",
    "minimax-m2": "read from QuixiAI/MiniMax-M2.1-bf16, a different model",
    "smollm2-135m-instruct": "read from thatupiso/SmolLM2-FT-DPO2, a fine-tune",
    "smollm2-1.7b-instruct": "read from puettmann/SmolMaestra-1.7b-Translation, a fine-tune",
    "deepseek-v2.5": "read from DeepSeek-V2-Chat, a different model",
}

# id -> (kind, the repo the values come from, where they were read, kept file or "", what was checked)
NOT_KEPT: dict[str, tuple[str, str, str, str, str]] = {
    "aya-expanse-32b": (
        COMMUNITY,
        "minyichen/aya-expanse-32b-Dynamic-fp8",
        "https://huggingface.co/minyichen/aya-expanse-32b-Dynamic-fp8/blame/e07228d120090e8c6f4ff6d39dd7a373cc3fdef0/config.json",
        "",
        "a re-upload or quantization of CohereForAI/aya-expanse-32b by minyichen: architecture fields unchanged by quantization; read in an earlier session, no copy kept; the official file was not found",
    ),
    "codestral-22b-v0.1": (
        COMMUNITY,
        "TechxGenus/Codestral-22B-v0.1-AWQ",
        "https://huggingface.co/TechxGenus/Codestral-22B-v0.1-AWQ/blame/main/config.json",
        "",
        "a re-upload or quantization of mistralai/Codestral-22B-v0.1 by TechxGenus: architecture fields unchanged by quantization; read in an earlier session, no copy kept; the official file was not found",
    ),
    "command-r-plus": (
        COMMUNITY,
        "turboderp/command-r-plus-103B-exl2",
        "https://huggingface.co/turboderp/command-r-plus-103B-exl2/blob/314a663428c67800bf1545fa48fcd8195a354139/config.json.bak",
        "",
        "a re-upload or quantization of CohereForAI/c4ai-command-r-plus by turboderp: architecture fields unchanged by quantization; read in an earlier session, no copy kept; the official file was not found",
    ),
    "deepseek-coder-v2-lite-instruct": (
        COMMUNITY,
        "f0rc3ps/DeepSeek-Coder-V2-Lite-Instruct",
        "https://huggingface.co/f0rc3ps/DeepSeek-Coder-V2-Lite-Instruct/blob/main/config.json",
        "",
        "a re-upload or quantization of deepseek-ai/DeepSeek-Coder-V2-Lite-Instruct by f0rc3ps: architecture fields unchanged by quantization; read in an earlier session, no copy kept; the official file was not found",
    ),
    "deepseek-r1-distill-llama-70b": (
        COMMUNITY,
        "casperhansen/deepseek-r1-distill-llama-70b-awq",
        "https://huggingface.co/casperhansen/deepseek-r1-distill-llama-70b-awq/blob/main/config.json",
        "",
        "a re-upload or quantization of deepseek-ai/DeepSeek-R1-Distill-Llama-70B by casperhansen: architecture fields unchanged by quantization; read in an earlier session, no copy kept; the official file was not found",
    ),
    "deepseek-r1-distill-llama-8b": (
        COMMUNITY,
        "casperhansen/deepseek-r1-distill-llama-8b-awq",
        "https://huggingface.co/casperhansen/deepseek-r1-distill-llama-8b-awq/blob/652e9f65e08e78dfbdd5a2c724ac6cfb0bee11cf/confi",
        "",
        "a re-upload or quantization of deepseek-ai/DeepSeek-R1-Distill-Llama-8B by casperhansen: architecture fields unchanged by quantization; read in an earlier session, no copy kept; the official file was not found",
    ),
    "deepseek-r1-distill-qwen-1.5b": (
        COMMUNITY,
        "qeternity/DeepSeek-R1-Distill-Qwen-1.5B-FP8",
        "https://huggingface.co/qeternity/DeepSeek-R1-Distill-Qwen-1.5B-FP8/blame/main/config.json",
        "",
        "a re-upload or quantization of deepseek-ai/DeepSeek-R1-Distill-Qwen-1.5B by qeternity: architecture fields unchanged by quantization; read in an earlier session, no copy kept; the official file was not found",
    ),
    "deepseek-r1-distill-qwen-7b": (
        COMMUNITY,
        "unsloth/DeepSeek-R1-Distill-Qwen-7B-bnb-4bit",
        "https://huggingface.co/unsloth/DeepSeek-R1-Distill-Qwen-7B-bnb-4bit/blame/main/config.json",
        "",
        "a re-upload or quantization of deepseek-ai/DeepSeek-R1-Distill-Qwen-7B by unsloth: architecture fields unchanged by quantization; read in an earlier session, no copy kept; the official file was not found",
    ),
    "deepseek-v2-chat": (
        OFFICIAL,
        "deepseek-ai/DeepSeek-V2-Chat",
        "https://huggingface.co/deepseek-ai/DeepSeek-V2-Chat/blame/f1e9ce2c2c673fed87bbbfe625100c1589615c64/config.json",
        "",
        "the model's own config.json page on huggingface.co (this revision), read in an earlier session; no copy kept",
    ),
    "deepseek-v3-0324": (
        PARENT,
        "deepseek-ai/DeepSeek-V3",
        "github:ai-dynamo/aiconfigurator@095f58a51c4ca8e61b66ec108d86f223f8d559ce:aic-core/src/aiconfigurator_core/model_configs/deepseek-ai--DeepSeek-V3_config.json",
        "deepseek-ai__DeepSeek-V3.json",
        "DeepSeek's card: V3-0324 uses the same base model as DeepSeek-V3; same architecture",
    ),
    "devstral-small-2507": (
        PARENT,
        "mistralai/Mistral-Small-3.1-24B-Instruct-2503",
        "https://huggingface.co/mistralai/Mistral-Small-3.1-24B-Instruct-2503/blob/main/config.json",
        "",
        "Mistral's card: Devstral Small is fine-tuned from Mistral-Small-3.1 (text decoder, same architecture); values from that official page, read in an earlier session and not kept",
    ),
    "exaone-3.5-32b-instruct": (
        COMMUNITY,
        "GrennKren/EXAONE-3.5-32B-Instruct-4bit",
        "https://huggingface.co/GrennKren/EXAONE-3.5-32B-Instruct-4bit/blob/main/config.json",
        "",
        "a re-upload or quantization of LGAI-EXAONE/EXAONE-3.5-32B-Instruct by GrennKren: architecture fields unchanged by quantization; read in an earlier session, no copy kept; the official file was not found",
    ),
    "falcon3-7b-instruct": (
        OFFICIAL,
        "tiiuae/Falcon3-7B-Instruct",
        "https://huggingface.co/tiiuae/Falcon3-7B-Instruct/blob/ca6ceed0f6d5852f44ac1fdf5f8403bccb4449c9/config.json",
        "",
        "the model's own config.json page on huggingface.co (this revision), read in an earlier session; no copy kept",
    ),
    "gemma-2-27b-it": (
        TRANSCRIPTION,
        "mlc-ai/mlc-llm",
        "https://github.com/mlc-ai/mlc-llm/blob/79d603f085f50500e9509fa01785ffa7ecfaaa93/python/mlc_llm/model/model_preset.py",
        "",
        "not a copy of the file: a third party's transcription of this model's config values (a preset table, a doc page or a library default), checked against the model card; the official file was not found",
    ),
    "gemma-2-2b-it": (
        TRANSCRIPTION,
        "mlc-ai/mlc-llm",
        "https://github.com/mlc-ai/mlc-llm/blob/79d603f085f50500e9509fa01785ffa7ecfaaa93/python/mlc_llm/model/model_preset.py",
        "",
        "not a copy of the file: a third party's transcription of this model's config values (a preset table, a doc page or a library default), checked against the model card; the official file was not found",
    ),
    "gemma-3-12b-it": (
        COMMUNITY,
        "unsloth/gemma-3-12b-it-GGUF",
        "https://huggingface.co/unsloth/gemma-3-12b-it-GGUF/blame/main/config.json",
        "",
        "a re-upload or quantization of google/gemma-3-12b-it by unsloth: architecture fields unchanged by quantization; read in an earlier session, no copy kept; the official file was not found",
    ),
    "gemma-3-1b-it": (
        TRANSCRIPTION,
        "mlc-ai/mlc-llm",
        "https://github.com/mlc-ai/mlc-llm/blob/79d603f085f50500e9509fa01785ffa7ecfaaa93/python/mlc_llm/model/model_preset.py",
        "",
        "not a copy of the file: a third party's transcription of this model's config values (a preset table, a doc page or a library default), checked against the model card; the official file was not found",
    ),
    "glm-4.5-air": (
        TRANSCRIPTION,
        "NVIDIA-NeMo/Megatron-Bridge",
        "https://github.com/NVIDIA-NeMo/Megatron-Bridge/blob/main/docs/models/llm/glm45.md",
        "",
        "not a copy of the file: a third party's transcription of this model's config values (a preset table, a doc page or a library default), checked against the model card; the official file was not found",
    ),
    "granite-3.1-8b-instruct": (
        OFFICIAL,
        "ibm-granite/granite-3.1-8b-instruct",
        "https://huggingface.co/ibm-granite/granite-3.1-8b-instruct/blame/96fedcdf5764b7e36d2737d129bc07caff913e72/config.json",
        "",
        "the model's own config.json page on huggingface.co (this revision), read in an earlier session; no copy kept",
    ),
    "hermes-3-llama-3.1-70b": (
        BASE_BY_CARD,
        "meta-llama/Meta-Llama-3.1-70B",
        "github:ai-dynamo/aiconfigurator@0b077da5e017cb8ceac1ad14e91eb6e26c40207a:aic-core/src/aiconfigurator_core/model_configs/meta-llama--Meta-Llama-3.1-70B_config.json",
        "meta-llama__Meta-Llama-3.1-70B.json",
        "Hermes 3 70B is a full-parameter fine-tune of Llama 3.1 70B (NousResearch's card); the architecture is the base's, read from Meta's own config",
    ),
    "hermes-3-llama-3.1-8b": (
        BASE_BY_CARD,
        "meta-llama/Meta-Llama-3.1-8B",
        "github:ai-dynamo/aiconfigurator@0b077da5e017cb8ceac1ad14e91eb6e26c40207a:aic-core/src/aiconfigurator_core/model_configs/meta-llama--Meta-Llama-3.1-8B_config.json",
        "meta-llama__Meta-Llama-3.1-8B.json",
        "Hermes 3 8B is a full-parameter fine-tune of Llama 3.1 8B (NousResearch's card); the architecture is the base's, read from Meta's own config",
    ),
    "internlm3-8b-instruct": (
        OFFICIAL,
        "internlm/internlm3-8b-instruct",
        "https://huggingface.co/internlm/internlm3-8b-instruct/blame/4b3bebb1ba729b21c0089307ec853f5d03f74743/config.json",
        "",
        "the model's own config.json page on huggingface.co (this revision), read in an earlier session; no copy kept",
    ),
    "llama-3.1-nemotron-70b-instruct": (
        BASE_BY_CARD,
        "meta-llama/Llama-3.1-70B-Instruct",
        "github:inference-sim/inference-sim@50bc7975319146559ef07fbff86fdcf305fa7424:model_configs/llama-3.1-70b-instruct/config.json",
        "meta-llama__Llama-3.1-70B-Instruct.json",
        "NVIDIA's card names meta-llama/Llama-3.1-70B-Instruct as the base it was customized from (RLHF, same architecture)",
    ),
    "llama-3.3-70b-instruct": (
        COMMUNITY,
        "relaxml/Llama-3.3-70B-Instruct-QTIP-3Bit",
        "https://huggingface.co/relaxml/Llama-3.3-70B-Instruct-QTIP-3Bit/commit/d9f5da3eb82d0f86a19bb736a503ceb6bdd54fe4",
        "",
        "a re-upload or quantization of meta-llama/Llama-3.3-70B-Instruct by relaxml: architecture fields unchanged by quantization; read in an earlier session, no copy kept; the official file was not found",
    ),
    "llama-4-maverick-17b-128e-instruct": (
        TRANSCRIPTION,
        "NVIDIA/TensorRT-LLM",
        "https://github.com/NVIDIA/TensorRT-LLM/blob/b35ac1b64368513d215c57d2ed01d62d910df8da/tests/unittest/_torch/modeling/test",
        "",
        "not a copy of the file: a third party's transcription of this model's config values (a preset table, a doc page or a library default), checked against the model card; the official file was not found",
    ),
    "magistral-small-2506": (
        PARENT,
        "mistralai/Mistral-Small-3.1-24B-Instruct-2503",
        "https://huggingface.co/mistralai/Mistral-Small-3.1-24B-Instruct-2503/blob/main/config.json",
        "",
        "Mistral's card: Magistral Small is built on Mistral Small 3.1 (same architecture); values from that official page, read in an earlier session and not kept",
    ),
    "mistral-7b-instruct-v0.3": (
        OFFICIAL,
        "mistralai/Mistral-7B-Instruct-v0.3",
        "https://huggingface.co/mistralai/Mistral-7B-Instruct-v0.3/blob/c170c708c41dac9275d15a8fff4eca08d52bab71/config.json",
        "",
        "the model's own config.json page on huggingface.co (this revision), read in an earlier session; no copy kept",
    ),
    "mistral-large-instruct-2407": (
        COMMUNITY,
        "xmadai/Mistral-Large-Instruct-2407-xMADai-INT4",
        "https://huggingface.co/xmadai/Mistral-Large-Instruct-2407-xMADai-INT4/blame/8311d35b74867ed092baaf72a7d07ed892a8a92e/con",
        "",
        "a re-upload or quantization of mistralai/Mistral-Large-Instruct-2407 by xmadai: architecture fields unchanged by quantization; read in an earlier session, no copy kept; the official file was not found",
    ),
    "mistral-small-3.1-24b-instruct-2503": (
        OFFICIAL,
        "mistralai/Mistral-Small-3.1-24B-Instruct-2503",
        "https://huggingface.co/mistralai/Mistral-Small-3.1-24B-Instruct-2503/blob/main/config.json",
        "",
        "the model's own config.json page on huggingface.co (this revision), read in an earlier session; no copy kept",
    ),
    "mistral-small-3.2-24b-instruct-2506": (
        PARENT,
        "mistralai/Mistral-Small-3.1-24B-Instruct-2503",
        "https://huggingface.co/mistralai/Mistral-Small-3.1-24B-Instruct-2503/blob/main/config.json",
        "",
        "Mistral's card: 3.2 is a minor update of Mistral-Small-3.1-24B-Instruct-2503 (same architecture); values from that official page, read in an earlier session and not kept",
    ),
    "olmo-2-13b-instruct": (
        TRANSCRIPTION,
        "mlc-ai/mlc-llm",
        "https://github.com/mlc-ai/mlc-llm/blob/79d603f085f50500e9509fa01785ffa7ecfaaa93/python/mlc_llm/model/model_preset.py",
        "",
        "not a copy of the file: a third party's transcription of this model's config values (a preset table, a doc page or a library default), checked against the model card; the official file was not found",
    ),
    "olmo-2-32b-instruct": (
        TRANSCRIPTION,
        "mlc-ai/mlc-llm",
        "https://github.com/mlc-ai/mlc-llm/blob/79d603f085f50500e9509fa01785ffa7ecfaaa93/python/mlc_llm/model/model_preset.py",
        "",
        "not a copy of the file: a third party's transcription of this model's config values (a preset table, a doc page or a library default), checked against the model card; the official file was not found",
    ),
    "olmo-2-7b-instruct": (
        TRANSCRIPTION,
        "mlc-ai/mlc-llm",
        "https://github.com/mlc-ai/mlc-llm/blob/79d603f085f50500e9509fa01785ffa7ecfaaa93/python/mlc_llm/model/model_preset.py",
        "",
        "not a copy of the file: a third party's transcription of this model's config values (a preset table, a doc page or a library default), checked against the model card; the official file was not found",
    ),
    "phi-3.5-mini-instruct": (
        TRANSCRIPTION,
        "mlc-ai/mlc-llm",
        "https://github.com/mlc-ai/mlc-llm/blob/79d603f085f50500e9509fa01785ffa7ecfaaa93/python/mlc_llm/model/model_preset.py",
        "",
        "not a copy of the file: a third party's transcription of this model's config values (a preset table, a doc page or a library default), checked against the model card; the official file was not found",
    ),
    "phi-3.5-moe-instruct": (
        TRANSCRIPTION,
        "huggingface/transformers",
        "https://github.com/huggingface/transformers/blob/040e1a7e4bb4f48ff62dfbbb1f6f8eff23e894ac/src/transformers/models/phimoe",
        "",
        "not a copy of the file: a third party's transcription of this model's config values (a preset table, a doc page or a library default), checked against the model card; the official file was not found",
    ),
    "phi-4-reasoning": (
        PARENT,
        "microsoft/phi-4",
        "github:OpenMOSE/RWKV-LM-RLHF@59fef98feddb8758a662e2c979ff9a763f50d159:main/tokenizer/phi-4/config.json",
        "microsoft__phi-4.json",
        "Microsoft's card: Phi-4-reasoning is fine-tuned from Phi-4 (same architecture); its 32K context is kept from the card",
    ),
    "qwen2.5-0.5b-instruct": (
        TRANSCRIPTION,
        "infinityarpan/qwen-25-api",
        "https://github.com/infinityarpan/qwen-25-api/blob/88ec35fc849f376d0bb2c797f2579874e4d076ea/models/Qwen2.5-0.5B-Instruct/",
        "",
        "not a copy of the file: a third party's transcription of this model's config values (a preset table, a doc page or a library default), checked against the model card; the official file was not found",
    ),
    "qwen2.5-14b-instruct": (
        COMMUNITY,
        "osllmai-community/Qwen2.5-14B-Instruct",
        "https://huggingface.co/osllmai-community/Qwen2.5-14B-Instruct/blob/eaddfa685697f74aa707d6cd5cf36784cdcabe05/config.json",
        "",
        "a re-upload or quantization of Qwen/Qwen2.5-14B-Instruct by osllmai-community: architecture fields unchanged by quantization; read in an earlier session, no copy kept; the official file was not found",
    ),
    "qwen2.5-coder-14b-instruct": (
        COMMUNITY,
        "RedHatAI/Qwen2.5-Coder-14B-Instruct-FP8-dynamic",
        "https://huggingface.co/RedHatAI/Qwen2.5-Coder-14B-Instruct-FP8-dynamic/blob/main/config.json",
        "",
        "a re-upload or quantization of Qwen/Qwen2.5-Coder-14B-Instruct by RedHatAI: architecture fields unchanged by quantization; read in an earlier session, no copy kept; the official file was not found",
    ),
    "qwen2.5-coder-32b-instruct": (
        PARENT,
        "Qwen/Qwen2.5-32B",
        "github:ai-dynamo/aiconfigurator@38028ec80aecbd3a2220b07b15dd1525b29545d3:src/aiconfigurator/model_configs/Qwen--Qwen2.5-32B_config.json",
        "Qwen__Qwen2.5-32B.json",
        "Qwen2.5-Coder-32B-Instruct is built on Qwen2.5-32B (Qwen2.5-Coder technical report, arXiv:2409.12186); the base config's shape (64 layers, hidden 5120, 40/8 heads, ffn 27648, vocab 152064) is the coder's; the instruct's context (32,768) is kept, the base file says 131,072",
    ),
    "qwen2.5-coder-7b-instruct": (
        PARENT,
        "Qwen/Qwen2.5-7B",
        "github:ai-dynamo/aiconfigurator@38028ec80aecbd3a2220b07b15dd1525b29545d3:src/aiconfigurator/model_configs/Qwen--Qwen2.5-7B_config.json",
        "Qwen__Qwen2.5-7B.json",
        "Qwen2.5-Coder-7B-Instruct is built on Qwen2.5-7B (Qwen2.5-Coder technical report, arXiv:2409.12186); shape 28 layers, hidden 3584, 28/4 heads, ffn 18944, vocab 152064; the instruct's context (32,768) is kept, the base file says 131,072",
    ),
    "qwen3-235b-a22b-instruct-2507": (
        PARENT,
        "Qwen/Qwen3-235B-A22B",
        "github:ai-dynamo/aiconfigurator@095f58a51c4ca8e61b66ec108d86f223f8d559ce:aic-core/src/aiconfigurator_core/model_configs/Qwen--Qwen3-235B-A22B_config.json",
        "Qwen__Qwen3-235B-A22B.json",
        "the 2507 update keeps the Qwen3-235B-A22B architecture (Qwen's card: 94 layers, 64/4 heads, 128 experts top-8); its native 262,144-token context is kept from the card",
    ),
    "qwen3-4b": (
        TRANSCRIPTION,
        "citsjtu2020/LLM-Prof",
        "https://github.com/citsjtu2020/LLM-Prof/blob/8434c8d19c396b2f95d92a67845a7c0a0e0dd512/sglang/Model_Config.md",
        "",
        "not a copy of the file: a third party's transcription of this model's config values (a preset table, a doc page or a library default), checked against the model card; the official file was not found",
    ),
    "smollm-1.7b-instruct": (
        COMMUNITY,
        "unsloth/SmolLM-1.7B-Instruct",
        "https://huggingface.co/unsloth/SmolLM-1.7B-Instruct/blob/eed2ce063e848a9e20ab2b762dd686b74a2ff95c/config.json",
        "",
        "a re-upload or quantization of HuggingFaceTB/SmolLM-1.7B-Instruct by unsloth: architecture fields unchanged by quantization; read in an earlier session, no copy kept; the official file was not found",
    ),
    "smollm2-360m-instruct": (
        COMMUNITY,
        "eduardoworrel/SmolLM2-360M-Instruct",
        "https://huggingface.co/eduardoworrel/SmolLM2-360M-Instruct/blob/main/config.json",
        "",
        "a re-upload or quantization of HuggingFaceTB/SmolLM2-360M-Instruct by eduardoworrel: architecture fields unchanged by quantization; read in an earlier session, no copy kept; the official file was not found",
    ),
    "yi-1.5-34b-chat": (
        OFFICIAL,
        "01-ai/Yi-1.5-34B-Chat",
        "https://huggingface.co/01-ai/Yi-1.5-34B-Chat/blob/7b967a3a456738c0330b1624980dd6a7d3ed33f5/config.json",
        "",
        "the model's own config.json page on huggingface.co (this revision), read in an earlier session; no copy kept",
    ),
}


def _official(repo: str) -> str:
    return f"https://huggingface.co/{repo}/blob/main/config.json"


def _arch_dict(path: Path) -> dict[str, object]:
    a = model_from_config(path).arch
    out: dict[str, object] = {}
    for f in fields(a):
        v = getattr(a, f.name)
        if f.name != "source" and (f.default is MISSING or v != f.default):
            out[f.name] = v
    return out


def _blocks(text: str) -> list[tuple[int, int, str]]:
    """(start, end, id) of each [[models]] block."""
    starts = [m.start() for m in re.finditer(r"^\[\[models\]\]$", text, re.M)]
    out = []
    for i, s in enumerate(starts):
        e = starts[i + 1] if i + 1 < len(starts) else len(text)
        m = re.search(r'^id = "(.*)"$', text[s:e], re.M)
        out.append((s, e, m.group(1) if m else ""))
    return out


def _replace_arch(block: str, arch: dict[str, object], source: str, *, exact: bool) -> str:
    m = re.search(r"^\[models\.arch\]\n(?:[^\[\n][^\n]*\n)*", block, re.M)
    assert m, "no [models.arch]"
    old = tomllib.loads(m.group(0))["models"]["arch"]
    if arch:
        new = dict(arch)
        if old.get("ctx_note") or not exact:  # the card's context (ctx_note), or another repo's file
            new["ctx_note"] = old["ctx_note"]
            new["max_ctx"] = old.get("max_ctx", new.get("max_ctx"))
        changed = {
            k: (old.get(k), new.get(k)) for k in set(old) | set(new) if k != "source" and old.get(k) != new.get(k)
        }
        if changed:
            print(f"    arch changes (ours -> copy): {changed}")
    else:
        new = {k: v for k, v in old.items() if k != "source"}
    new = {"source": source, **new}
    text = tomli_w.dumps({"models": {"arch": new}}).replace("[models.arch]\n", "", 1)
    return block[: m.start()] + "[models.arch]\n" + text.lstrip("\n") + block[m.end() :]


def _replace_notes(block: str, sentence: str) -> str:
    m = re.search(r"^notes = (.*)$", block, re.M)
    old = tomllib.loads(f"n = {m.group(1)}")["n"] if m else ""
    kept = [s for s in re.split(r"(?<=\.) ", old) if "arch.source" not in s and "config page was not" not in s]
    new = " ".join([sentence, *kept]).strip()
    line = tomli_w.dumps({"notes": new}).rstrip("\n")
    if m:
        return block[: m.start()] + line + block[m.end() :]
    at = block.index("\n[models.arch]")
    return block[:at] + "\n" + line + block[at:]


def main(scratch: Path) -> int:
    found = tomllib.loads((scratch / "SOURCES.toml").read_text())["configs"]
    registry = tomllib.loads((CONFIGS / "SOURCES.toml").read_text())["configs"]
    known_files = {c["file"] for c in registry}
    by_id: dict[str, dict[str, str]] = {}
    for c in found:
        by_id[c["id"]] = c
        if c["file"] not in known_files:
            shutil.copyfile(scratch / c["file"], CONFIGS / c["file"])
    for id_, (kind, repo, read_from, file, checked) in NOT_KEPT.items():
        if file and file not in known_files and not (CONFIGS / file).exists():
            shutil.copyfile(scratch / file, CONFIGS / file)
        by_id[id_] = {"file": file, "repo": repo, "read_from": read_from, "copy_kind": kind, "checked": checked}
    new_entries: list[dict[str, str]] = []
    for path in sorted((ROOT / "data" / "models").glob("*.toml")):
        if path.name == "y2026.toml":
            continue
        text = path.read_text()
        out = text
        for s, e, id_ in reversed(_blocks(text)):
            block = text[s:e]
            if id_ in DROP:
                print(f"{path.name}: dropped {id_} ({DROP[id_]})")
                out = out[:s] + out[e:]
                continue
            c = by_id.get(id_)
            if c is None:
                print(f"{path.name}: {id_}: NO SOURCE")
                continue
            hf_repo = re.search(r'^hf_repo = "(.*)"$', block, re.M).group(1)  # type: ignore[union-attr]
            print(f"{path.name}: {id_} <- {c['copy_kind']}: {c['read_from']}")
            arch = _arch_dict(CONFIGS / c["file"]) if c["file"] else {}
            block = _replace_arch(block, arch, _official(hf_repo), exact=c["copy_kind"] == "exact copy")
            kept = f" (kept in tests/fixtures/configs/{c['file']})" if c["file"] else ""
            block = _replace_notes(
                block, f"Architecture: {c['copy_kind']}, read from {c['read_from']}{kept}; {c['checked'].rstrip('.')}."
            )
            out = out[:s] + block + out[e:]
            entry = {
                "model": hf_repo,
                "file": c["file"],
                "repo": c["repo"],
                "official_url": _official(hf_repo),
                "read_from": c["read_from"],
                "copy_kind": c["copy_kind"],
                "checked": c["checked"],
            }
            new_entries.append(entry)
        if out != text:
            path.write_text(out)
    have = {(c.get("model", c["repo"]), c["file"]) for c in registry}
    add = [e for e in new_entries if (e["model"], e["file"]) not in have]
    with (CONFIGS / "SOURCES.toml").open("a") as f:
        for e in add:
            f.write("\n" + tomli_w.dumps({"configs": [e]}))
    print(f"registered {len(add)} sources")
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1])))
