"""`llmtui catalog add hf:` and `catalog check`, against a fake Hub on 127.0.0.1 (never the internet)."""

from __future__ import annotations

import json
import socket
from pathlib import Path
from typing import Any

import pytest

from llmtui.cli import run
from llmtui.core.estimate import QUANTS
from llmtui.core.hub import HubError, gguf_files, parse_target, quant_of
from tests.fixtures.fake_hub import TOKEN, fake_hub

CONFIGS = Path(__file__).resolve().parents[1] / "fixtures" / "configs"
GGUF = {q for q, v in QUANTS.items() if v.family == "gguf"}
QWEN3_8B = (CONFIGS / "Qwen__Qwen3-8B.json").read_bytes()
TINY = json.dumps(
    {
        "model_type": "llama",
        "architectures": ["LlamaForCausalLM"],
        "num_hidden_layers": 16,
        "hidden_size": 2048,
        "num_attention_heads": 32,
        "num_key_value_heads": 8,
        "intermediate_size": 8192,
        "vocab_size": 128256,
        "max_position_embeddings": 131072,
        "tie_word_embeddings": True,
    }
).encode()

# sizes as a Hub listing gives them (bytes); the test asserts llmtui carries them through exactly
REPOS: dict[str, dict[str, Any]] = {
    "unsloth/Qwen3-8B-GGUF": {
        "sha": "a" * 40,
        "card": {"base_model": "Qwen/Qwen3-8B", "license": "apache-2.0"},
        "files": {
            "README.md": b"# Qwen3-8B GGUF",
            "Qwen3-8B-Q4_K_M.gguf": 5_027_784_000,
            "Qwen3-8B-UD-Q4_K_XL.gguf": 5_141_000_000,
            "Qwen3-8B-Q8_0.gguf": 8_709_519_000,
            "mmproj-F16.gguf": 1_000_000_000,
            "Qwen3-8B-Q4_K_L.gguf": 5_200_000_000,
        },
    },
    "Qwen/Qwen3-8B": {"sha": "b" * 40, "card": {"license": "apache-2.0"}, "files": {"config.json": QWEN3_8B}},
    "acme/Tiny-1B": {
        "sha": "c" * 40,
        "created": "2026-10-02T12:00:00.000Z",
        "card": {"license": "mit"},
        "files": {
            "config.json": TINY,
            "Q4_K_M/Tiny-1B-Q4_K_M-00001-of-00002.gguf": 400_000_000,
            "Q4_K_M/Tiny-1B-Q4_K_M-00002-of-00002.gguf": 408_123_456,
            "Tiny-1B-Q6_K-00001-of-00002.gguf": 700_000_000,  # its second part is missing
        },
    },
    "acme/Gated-1B": {"sha": "d" * 40, "gated": True, "files": {"config.json": TINY}},
    "acme/Weights-Only": {"sha": "e" * 40, "files": {"model.safetensors": 2_000_000_000}},
}


def cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = run(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def hub(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf"))
    monkeypatch.delenv("HF_TOKEN", raising=False)
    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    with fake_hub(REPOS) as (url, log):
        monkeypatch.setenv("HF_ENDPOINT", url)
        yield log


def test_file_names_name_their_quant() -> None:
    assert quant_of("Qwen3-8B-Q4_K_M.gguf", GGUF) == "Q4_K_M"
    assert quant_of("UD-Q4_K_XL/Qwen3-235B-A22B-UD-Q4_K_XL-00001-of-00003.gguf", GGUF) == "UD-Q4_K_XL"
    assert quant_of("llama-2-7b.q5_k_s.gguf", GGUF) == "Q5_K_S"
    assert quant_of("gpt-oss-120b-mxfp4-00001-of-00003.gguf", GGUF) == "MXFP4"
    assert quant_of("Model-IQ4_XS.gguf", GGUF) == "IQ4_XS"
    assert quant_of("Model-BF16.gguf", GGUF) == "BF16"
    assert quant_of("Model-Q4_K_L.gguf", GGUF) is None  # bartowski's _L mix: no rule, no reference
    assert quant_of("model.gguf", GGUF) is None


def test_split_files_are_summed_and_incomplete_ones_named() -> None:
    siblings = [(p, v if isinstance(v, int) else len(v)) for p, v in REPOS["acme/Tiny-1B"]["files"].items()]
    files, skipped = gguf_files(siblings, GGUF)
    assert [(f.quant, f.size_bytes, f.parts) for f in files] == [("Q4_K_M", 808_123_456, 2)]
    assert files[0].path == "Q4_K_M/Tiny-1B-Q4_K_M-00001-of-00002.gguf"
    assert skipped == ["Tiny-1B-Q6_K-00001-of-00002.gguf: 1 of 2 parts listed"]


def test_targets() -> None:
    assert parse_target("hf:Qwen/Qwen3-8B") == "Qwen/Qwen3-8B"
    assert parse_target("https://huggingface.co/Qwen/Qwen3-8B/tree/main") == "Qwen/Qwen3-8B"
    for bad in ("Qwen/Qwen3-8B", "hf:Qwen", "hf:../../etc/passwd", "hf:a/b;rm -rf"):
        with pytest.raises(HubError):
            parse_target(bad)


def test_add_a_gguf_repo_reads_its_base_models_config_and_real_sizes(
    hub: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = cli(capsys, "catalog", "add", "hf:unsloth/Qwen3-8B-GGUF")
    assert code == 0, err
    assert "stands in for the bundled entry 'qwen3-8b'" in out
    assert "Qwen3-8B-Q4_K_L.gguf: not a quant llmtui sizes" in out
    path = Path(out.split("wrote ", 1)[1].split("\n", 1)[0])
    assert path.name == "hub-qwen3-8b.toml"
    # the listing, then the base model's config: never a request for the GGUF repo's missing config
    assert hub[0] == "GET /api/models/unsloth/Qwen3-8B-GGUF"
    assert not any("Qwen3-8B-GGUF/resolve" in r for r in hub)
    assert any(r.endswith("Qwen/Qwen3-8B/resolve/main/config.json") for r in hub)

    code, out, err = cli(capsys, "estimate", "--model", "qwen3-8b", "--quant", "Q4_K_M", "--gpu", "RTX 4090", "--json")
    assert code == 0, err
    est = json.loads(out)
    assert est["memory"]["file_bytes"] == 5_027_784_000
    assert "real file unsloth/Qwen3-8B-GGUF/Qwen3-8B-Q4_K_M.gguf" in est["basis"]["weights"]
    code, out, _ = cli(
        capsys, "estimate", "--model", "qwen3-8b", "--quant", "UD-Q4_K_XL", "--gpu", "RTX 4090", "--json"
    )
    assert code == 0 and json.loads(out)["memory"]["file_bytes"] == 5_141_000_000
    # the bundled entry's scores survive
    code, out, _ = cli(capsys, "models", "qwen3 8b", "--gpu", "RTX 4090", "--json")
    row = next(r for r in json.loads(out) if r["id"] == "qwen3-8b")
    assert row["origin"] == "user" and row["score"] is not None


def test_add_a_new_model_with_split_files(hub: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = cli(capsys, "catalog", "add", "hf:acme/Tiny-1B")
    assert code == 0, err
    assert "Q4_K_M" in out and "0.81 GB in 2 parts" in out
    assert "Tiny-1B-Q6_K-00001-of-00002.gguf: 1 of 2 parts listed" in out
    code, out, _ = cli(capsys, "catalog", "check", "--json")
    assert code == 0 and json.loads(out)["models"] == 1
    code, out, _ = cli(capsys, "models", "tiny", "--gpu", "RTX 4090", "--json")
    row = next(r for r in json.loads(out) if r["name"] == "Tiny-1B")
    assert row["license"] == "mit" and row["released"] == "2026-10-02"
    # a second add refuses to overwrite; --force replaces
    code, _, err = cli(capsys, "catalog", "add", "hf:acme/Tiny-1B")
    assert code == 2 and "exists already; pass --force" in err
    assert cli(capsys, "catalog", "add", "hf:acme/Tiny-1B", "--force")[0] == 0


def test_hub_failures_are_one_sentence_each(
    hub: list[str], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    cases = {
        "hf:acme/Gated-1B": "acme/Gated-1B is gated: accept its licence on the Hub and set HF_TOKEN",
        "hf:acme/Weights-Only": "acme/Weights-Only has no config.json and its card names no base_model",
        "hf:acme/Nothing-Here": "acme/Nothing-Here was not found on the Hub",
    }
    for target, said in cases.items():
        code, out, err = cli(capsys, "catalog", "add", target)
        assert code == 4 and said in err and err.count("\n") == 1, err
        assert out == ""
    monkeypatch.setenv("HF_TOKEN", TOKEN)
    assert cli(capsys, "catalog", "add", "hf:acme/Gated-1B")[0] == 0


def test_offline_and_unreachable(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    code, _, err = cli(capsys, "catalog", "add", "hf:Qwen/Qwen3-8B")
    assert code == 2 and "offline" in err
    monkeypatch.delenv("HF_HUB_OFFLINE")
    with socket.socket() as s:  # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    monkeypatch.setenv("HF_ENDPOINT", f"http://127.0.0.1:{port}")
    code, _, err = cli(capsys, "catalog", "add", "hf:Qwen/Qwen3-8B")
    assert code == 4 and "cannot reach the Hub for Qwen/Qwen3-8B" in err and err.count("\n") == 1


def test_add_from_a_local_config(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    cfg = tmp_path / "config.json"
    cfg.write_bytes(TINY)
    code, _, err = cli(capsys, "catalog", "add", "--config", str(cfg))
    assert code == 2 and "--repo ORG/NAME" in err
    code, out, err = cli(capsys, "catalog", "add", "--config", str(cfg), "--repo", "acme/Tiny-1B", "--name", "Tiny")
    assert code == 0, err
    assert "Tiny (tiny): llama, 16 layers, 1.236B parameters" in out
    bad = tmp_path / "bad.json"
    bad.write_text('{"model_type": "llama", "num_hidden_layers": "many"}')
    code, _, err = cli(capsys, "catalog", "add", "--config", str(bad), "--repo", "acme/Bad")
    assert code == 2 and str(bad) in err


def test_check_names_every_problem(capsys: pytest.CaptureFixture[str]) -> None:
    import os

    root = Path(os.environ["LLMTUI_DATA_DIR"])
    (root / "models").mkdir(parents=True)
    good = (
        'schema = 1\n[[models]]\nid = "tiny"\nname = "Tiny"\nfamily = "x"\nhf_repo = "acme/Tiny"\nlicense = "mit"\n'
        'params_b = 1.2\nactive_params_b = 1.2\n[models.arch]\ntype = "llama"\nlayers = 16\nhidden = 2048\n'
        "heads = 32\nkv_heads = 8\nffn = 8192\nvocab = 128256\nmax_ctx = 8192\n"
    )
    (root / "models" / "a.toml").write_text(good)
    (root / "models" / "b.toml").write_text(good)  # the same id again
    (root / "models" / "c.toml").write_text(good.replace("layers = 16", 'layers = "sixteen"'))
    (root / "models" / "d.toml").write_text("schema = 1\n[[models]\n")
    (root / "models" / "e.toml").write_text(good + '[[models.files]]\nquant = "Q9_K"\nsize_bytes = 5\n')
    (root / "stray.toml").write_text(good)
    code, out, _ = cli(capsys, "catalog", "check")
    assert code == 2
    lines = out.splitlines()
    assert lines[0].endswith(": 2 models, 0 devices, 0 scores, 5 problems")
    text = "\n".join(lines[1:])
    assert "b.toml: models 'tiny': id: is used in" in text and "a.toml as well" in text
    assert "c.toml: models 'tiny': arch.layers: must be a whole number" in text
    assert "d.toml" in text
    assert "e.toml: models 'tiny': files[0].size_bytes: '5' is not a whole number from 1,000,000" in text
    assert "stray.toml: is not read" in text
