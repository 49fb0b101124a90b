"""`llmtui scores import`: leaderboard exports merged by repo id, each score with its source and date."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from llmtui.cli import run
from llmtui.core.catalog import load_catalog
from llmtui.core.scores_import import _variant

SAMPLES = Path(__file__).resolve().parents[1] / "fixtures" / "data" / "scores"


def cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = run(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def imported(capsys: pytest.CaptureFixture[str], sample: str, *extra: str) -> dict:  # type: ignore[type-arg]
    code, out, err = cli(capsys, "scores", "import", str(SAMPLES / sample), "--json", *extra)
    assert code == 0, err
    return json.loads(out)


def user_model(repo: str):  # type: ignore[no-untyped-def]
    cat = load_catalog(use_cache=False)
    return next(m for m in cat.models if m.hf_repo == repo)


def test_artificial_analysis_response_by_name_and_slug(capsys: pytest.CaptureFixture[str]) -> None:
    d = imported(capsys, "artificial_analysis.sample.json", "--index-version", "v4.1", "--date", "2026-11-30")
    assert d["format"] == "Artificial Analysis API response"
    assert d["unmatched"] == ["o3-mini"]  # a closed model: no repo
    m = user_model("openai/gpt-oss-120b")
    s = m.score("AA Intelligence Index v4.1")
    assert s is not None and s.variant == "reasoning, high effort" and s.date == "2026-11-30"
    assert s.source == "https://artificialanalysis.ai/" and s.measured_by == "independent"
    gpqa = next(x for x in m.scores if x.key == "GPQA Diamond AA" and x.date == "2026-11-30")
    assert gpqa.value == 78.0  # a fraction (0.78) in the response, percent in the catalogue
    # the bundled AA index of the same version and variant is replaced, not doubled
    same = [x for x in m.scores if x.key == "AA Intelligence Index v4.1" and x.variant == s.variant]
    assert same == [s]


def test_without_a_version_aa_indices_form_their_own_column(capsys: pytest.CaptureFixture[str]) -> None:
    code, _out, err = cli(capsys, "scores", "import", str(SAMPLES / "artificial_analysis.sample.json"))
    assert code == 0 and "does not say which version" in err
    m = user_model("openai/gpt-oss-120b")
    assert m.score("AA Intelligence Index") is not None  # bare: no version stated
    assert m.score("AA Intelligence Index v4.1") is not None  # the bundled one is kept


def test_every_eval_ever_records_keep_source_and_date(capsys: pytest.CaptureFixture[str]) -> None:
    d = imported(capsys, "every_eval_ever.v0_3_0.sample.json")
    assert d["unmatched"] == ["openai/gpt-5-2025-08-07 (closed weights)"]
    m = user_model("meta-llama/Llama-3.3-70B-Instruct")
    ifeval = m.score("IFEval HF Open LLM v2")
    assert ifeval is not None and ifeval.value == 89.98 and ifeval.date == "2026-02-10"
    # provider slugs ("deepseek/deepseek-v3.1") match the one catalogue repo with that name
    assert d["models"] == 4 and d["in_catalogue"] == 4
    # the older 0.2.0 records read as well
    assert imported(capsys, "every_eval_ever.sample.json", "--name", "old")["scores"] > 0


def test_card_backend_eval_file(capsys: pytest.CaptureFixture[str]) -> None:
    d = imported(capsys, "card_backend.evals_hfopenllm_v2_ifeval.sample.json")
    assert d["format"] == "EvalEval card_backend eval file" and d["in_catalogue"] == 2
    s = user_model("Qwen/Qwen2.5-72B-Instruct").score("IFEval HF Open LLM v2")
    assert s is not None and s.source.startswith("https://huggingface.co/datasets/evaleval/card_backend/")


def test_arena_ratings_rank_but_are_never_adjusted(capsys: pytest.CaptureFixture[str]) -> None:
    d = imported(capsys, "lmarena_arena_catalog.sample.json", "--date", "2025-12-11")
    assert set(d["unmatched"]) == {"gemini-2.5-pro", "gpt-5-high"} and len(d["unmatched"]) == 2
    _code, out, _ = cli(capsys, "models", "--gpu", "8x H100 SXM", "--score", "LMArena", "--json")
    rows = [r for r in json.loads(out) if r["score"]]
    assert [r["id"] for r in rows][:2] == ["deepseek-v3.1", "qwen3-235b-a22b-instruct-2507"]
    assert rows[0]["score"]["value"] == 1419.5 and all(r["adjusted_score"] is None for r in rows)
    assert imported(capsys, "lmarena_leaderboard_dataset.sample.csv")["in_catalogue"] == 4


def test_open_llm_leaderboard_rows_keep_exact_repo_ids(capsys: pytest.CaptureFixture[str]) -> None:
    d = imported(capsys, "../openllm_v2_sample.csv")
    assert d["format"] == "Open LLM Leaderboard v2 export" and d["models"] == 3 and d["in_catalogue"] == 0
    assert d["unmatched"] == ["line 5 (no fullname)"]
    # a repo the catalogue lacks keeps its scores: they apply once `catalog add hf:` adds the model
    text = (Path(os.environ["LLMTUI_DATA_DIR"]) / "scores" / "openllm_v2_sample.toml").read_text()
    assert 'hf_repo = "example-org/llama31-8b-finetune"' in text and 'version = "Open LLM Leaderboard v2"' in text


def test_bad_exports_one_sentence_each(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    cases = {
        "a.json": '{"hello": 1}',
        "b.csv": "a,b\n1,2\n",
        "c.json": '{"data": [{"name": "x", "evaluations": {}}]}',
    }
    for file, text in cases.items():
        (tmp_path / file).write_text(text)
        code, _out, err = cli(capsys, "scores", "import", str(tmp_path / file))
        assert code in (1, 2) and err.count("\n") == 1 and str(tmp_path / file) in err, err
    score_dir = Path(os.environ["LLMTUI_DATA_DIR"]) / "scores"
    assert not score_dir.exists() or not list(score_dir.iterdir())
    imported(capsys, "lmarena_leaderboard_dataset.sample.csv")
    code, _, err = cli(capsys, "scores", "import", str(SAMPLES / "lmarena_leaderboard_dataset.sample.csv"))
    assert code == 2 and "exists already" in err


def test_a_broken_score_file_is_named_by_catalog_check(capsys: pytest.CaptureFixture[str]) -> None:
    d = Path(os.environ["LLMTUI_DATA_DIR"]) / "scores"
    d.mkdir(parents=True)
    (d / "bad.toml").write_text(
        'schema = 1\n[[scores]]\nhf_repo = "acme/x"\nbenchmark = "MMLU"\nvalue = 870\nsource = "s"\n'
    )
    code, out, _ = cli(capsys, "catalog", "check")
    assert code == 2 and "bad.toml: scores[0]: value: 870 is more than 100 percent" in out


def test_aa_run_labels() -> None:
    assert _variant("gpt-oss-120B (high)") == "reasoning, high effort"
    assert _variant("DeepSeek V3.1 (Non-reasoning)") == "non-reasoning"
    assert _variant("X (Reasoning, Max Effort)") == "reasoning, max effort"
    assert _variant("Llama 3.3 Instruct 70B") == "" and _variant("Command-R+ (Apr '24)") == ""
