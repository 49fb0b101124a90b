"""Fuzzed inputs: each gets a clear error, never a traceback, and nothing on disk is damaged."""

from __future__ import annotations

import io
import json
import string
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from llmtui.cli import run
from llmtui.core.catalog import Catalog, load_catalog
from llmtui.core.importers import ImportError_, model_from_config
from llmtui.core.query import QueryError, parse_query

QUERY_ALPHABET = string.ascii_letters + string.digits + " <>=!:-\"'.k/"


@settings(max_examples=400, deadline=None)
@given(text=st.text(alphabet=QUERY_ALPHABET, max_size=40))
def test_query_language(text: str, catalog: Catalog) -> None:
    try:
        q = parse_query(text)
    except QueryError as e:
        assert str(e) and "\n" not in str(e)
        return
    for m in catalog.models[:10]:
        q.matches_model(m)


WORDS = ["models", "estimate", "hardware", "detect", "profiles", "plan", "import", "paths", "--json", "--csv",
         "--gpu", "RTX 4090", "2x", "--mac", "M4 Max", "--ram", "64GB", "-8", "--ctx", "32k", "lots", "--quant",
         "Q4_K_M", "Q9", "--model", "phi-4", "nope", "--engine", "vllm", "--machines", "0", "3", "--sort", "tps",
         "--limit", "list", "show", "save", "x", "--batch", "/nonexistent", "--launch", "ollama", "", "--target-tps",
         "--config", "{}", "--profile"]  # fmt: skip


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(argv=st.lists(st.sampled_from(WORDS), min_size=1, max_size=7))
def test_cli_arguments(argv: list[str], tmp_path_factory: pytest.TempPathFactory) -> None:
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        try:
            code = run(argv)
        except SystemExit as e:
            code = int(e.code or 0)
    assert code in (0, 1, 2, 3, 4), (argv, code)
    assert "Traceback" not in err.getvalue()
    if code == 2:
        assert err.getvalue().strip(), argv


toml_scalar = st.one_of(st.integers(-5, 10**7), st.floats(allow_nan=False, width=32), st.booleans(),
                        st.text(max_size=8))  # fmt: skip


FIXTURE_MODELS = 14  # tests/fixtures/catalog/models


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    entry=st.dictionaries(
        st.sampled_from(["id", "name", "family", "hf_repo", "license", "released", "params_b", "active_params_b",
                         "tags", "arch", "scores", "bogus"]),
        st.one_of(toml_scalar, st.lists(toml_scalar, max_size=3),
                  st.dictionaries(st.sampled_from(["type", "layers", "hidden", "heads", "kv_heads", "ffn", "vocab",
                                                   "max_ctx"]), toml_scalar)),
    )
)  # fmt: skip
def test_user_catalogue_files(entry: dict[str, object], tmp_path_factory: pytest.TempPathFactory) -> None:
    import tomli_w

    d = tmp_path_factory.mktemp("user")
    (d / "models").mkdir()
    f = d / "models" / "mine.toml"
    try:
        f.write_text(tomli_w.dumps({"schema": 1, "models": [entry]}))
    except (TypeError, ValueError):
        return
    before = f.read_bytes()
    from tests.fixtures.catalogue import CATALOG_DIR

    # over the small fixture catalogue: each example parses the bundled files again (use_cache=False)
    cat = load_catalog(data_dir=CATALOG_DIR, user_dir=d, use_cache=False)
    assert len(cat.models) >= FIXTURE_MODELS  # the bundled catalogue is always there
    assert f.read_bytes() == before  # never rewritten
    for w in cat.warnings:
        assert "mine.toml" in w


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    cfg=st.one_of(
        st.dictionaries(
            st.sampled_from(["model_type", "num_hidden_layers", "hidden_size", "num_attention_heads",
                             "num_key_value_heads", "intermediate_size", "vocab_size", "max_position_embeddings",
                             "num_local_experts", "num_experts_per_tok", "kv_lora_rank", "sliding_window",
                             "text_config", "tie_word_embeddings", "head_dim"]),
            st.one_of(st.integers(-3, 200000), st.sampled_from(["llama", "qwen2", "gemma3", "deepseek_v3", "x"]),
                      st.none(), st.booleans(), st.dictionaries(st.just("model_type"), st.just("llama"))),
        ),
        st.lists(st.integers(), max_size=3),
        st.text(max_size=10),
    )
)  # fmt: skip
@example(cfg={"num_hidden_layers": 1, "hidden_size": 1, "num_attention_heads": 1, "model_type": "llama",
              "num_key_value_heads": None, "num_local_experts": "llama"})  # fmt: skip
def test_config_json_import(cfg: object, tmp_path_factory: pytest.TempPathFactory) -> None:
    p = tmp_path_factory.mktemp("cfg") / "config.json"
    p.write_text(json.dumps(cfg))
    try:
        m = model_from_config(p)
    except ImportError_ as e:
        assert str(p) in str(e)
        return
    assert m.params_b > 0


BASE_CONFIGS = {  # three shapes that reach every branch of the importer: dense, MoE with MLA, sliding window
    "dense": {"model_type": "llama", "num_hidden_layers": 4, "hidden_size": 2048, "num_attention_heads": 8,
              "num_key_value_heads": 2, "intermediate_size": 512, "vocab_size": 32000,
              "max_position_embeddings": 4096, "tie_word_embeddings": False},
    "moe-mla": {"model_type": "deepseek_v3", "num_hidden_layers": 4, "hidden_size": 2048, "num_attention_heads": 8,
                "intermediate_size": 512, "moe_intermediate_size": 64, "n_routed_experts": 8,
                "num_experts_per_tok": 2, "n_shared_experts": 1, "first_k_dense_replace": 1, "kv_lora_rank": 64,
                "q_lora_rank": 96, "qk_rope_head_dim": 16, "qk_nope_head_dim": 32, "v_head_dim": 32,
                "num_nextn_predict_layers": 1, "vocab_size": 32000},
    "sliding": {"text_config": {"model_type": "gemma3_text", "num_hidden_layers": 6, "hidden_size": 2048,
                                "num_attention_heads": 4, "num_key_value_heads": 1, "head_dim": 64,
                                "intermediate_size": 512, "sliding_window": 512, "sliding_window_pattern": 6,
                                "layer_types": ["sliding_attention"] * 5 + ["full_attention"]},
                "model_type": "gemma3"},
}  # fmt: skip


@pytest.mark.parametrize("base", sorted(BASE_CONFIGS))
def test_base_configs_import(base: str, tmp_path: Path) -> None:
    """The fuzz below starts from these, so each must be a model as it stands."""
    p = tmp_path / "config.json"
    p.write_text(json.dumps(BASE_CONFIGS[base]))
    m = model_from_config(p)
    assert 0.05 < m.params_b < 5
    assert (m.arch.experts > 1) == (base == "moe-mla")


WRONG = st.one_of(
    st.text(max_size=6),
    st.floats(allow_nan=True),
    st.booleans(),
    st.none(),
    st.integers(-(2**40), 2**40),
    st.lists(st.integers(0, 9), max_size=3),
    st.dictionaries(st.just("a"), st.integers(0, 9)),
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(base=st.sampled_from(sorted(BASE_CONFIGS)), data=st.data())
def test_config_json_with_one_field_wrong(
    base: str, data: st.DataObject, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """A valid config.json with any one field replaced by a value of any kind: a model or one clear
    error naming the file, never a traceback."""
    cfg = json.loads(json.dumps(BASE_CONFIGS[base]))
    target = cfg["text_config"] if "text_config" in cfg and data.draw(st.booleans()) else cfg
    key = data.draw(st.sampled_from(sorted(target)))
    target[key] = data.draw(WRONG)
    p = tmp_path_factory.mktemp("cfg") / "config.json"
    p.write_text(json.dumps(cfg))
    try:
        m = model_from_config(p)
    except ImportError_ as e:
        assert str(p) in str(e) and "\n" not in str(e)
        return
    assert m.params_b > 0


def test_config_json_error_is_one_line_however_the_value_is_written(tmp_path: Path) -> None:
    cfg = json.loads(json.dumps(BASE_CONFIGS["dense"]))
    cfg["model_type"] = "llama\nsecond line"
    p = tmp_path / "config.json"
    p.write_text(json.dumps(cfg))
    with pytest.raises(ImportError_, match=r'model_type "llama\\nsecond line" is not one') as e:
        model_from_config(p)
    assert "\n" not in str(e.value)


def test_config_json_that_is_not_json(tmp_path: Path) -> None:
    p = tmp_path / "config.json"
    p.write_bytes(b"\xff\xfe not json")
    with pytest.raises(ImportError_, match=r"not valid JSON|not UTF-8"):
        model_from_config(p)
