"""Quality at the quant: the measured loss table, the adjusted score, and the ranking that uses it."""

from __future__ import annotations

import json
import tomllib
from dataclasses import replace

import pytest

from llmtui.cli import run
from llmtui.core.build import Build
from llmtui.core.catalog import Catalog
from llmtui.core.leaderboard import model_row, sort_rows
from llmtui.core.paths import bundled_data_dir
from llmtui.core.quality import adjusted, quant_loss

TABLE = tomllib.loads((bundled_data_dir() / "quality" / "quant_loss.toml").read_text())


def test_every_point_names_a_class_with_a_source_and_loses_something() -> None:
    classes = {c["name"]: c for c in TABLE["classes"]}
    assert set(classes) == {"8B", "70B"}
    for c in classes.values():
        assert c["source"].startswith("https://github.com/") and "/blob/" in c["source"]
    for p in TABLE["points"]:
        assert p["class"] in classes
        assert p["ppl"] > classes[p["class"]]["base_ppl"], p  # every quant is measured worse than 16-bit


def test_the_70b_copy_agrees_with_its_own_printed_deltas() -> None:
    """The 70B scoreboard prints PPL and the delta to fp16: the copied PPLs reproduce every delta."""
    base = next(c["base_ppl"] for c in TABLE["classes"] if c["name"] == "70B")
    rows = [p for p in TABLE["points"] if p["class"] == "70B"]
    assert len(rows) == 12
    for p in rows:
        printed = float(p["printed_delta"].rstrip("%"))
        assert (p["ppl"] / base - 1) * 100 == pytest.approx(printed, abs=0.006), p["quant"]


def test_loss_by_size_class_and_what_it_falls_back_to() -> None:
    small = quant_loss("Q4_K_M", 8.0)
    large = quant_loss("Q4_K_M", 70.0)
    assert small is not None and large is not None
    assert small.ppl_ratio == pytest.approx(6.382937 / 6.233160)
    assert large.ppl_ratio == pytest.approx(3.4725 / 3.4313)
    assert "8B class" in small.basis and "70B class" in large.basis
    assert large.percent < small.percent  # the larger model loses less at the same quant, as measured
    # IQ types were measured on 8B only: a 671B model gets the 8B figure, and says so
    iq = quant_loss("IQ1_S", 671.0)
    assert iq is not None and "not measured at 70B" in iq.basis
    ud = quant_loss("UD-Q4_K_XL", 30.0)
    assert ud is not None and "as Q4_K_M" in ud.basis and ud.ppl_ratio == large.ppl_ratio
    assert quant_loss("BF16", 8.0) is not None and quant_loss("BF16", 8.0).percent == 0  # type: ignore[union-attr]
    assert quant_loss("AWQ", 8.0) is None and quant_loss("TQ1_0", 8.0) is None  # not measured: unknown


def test_adjusted_score_is_score_over_ppl_ratio() -> None:
    loss = quant_loss("Q2_K", 8.0)
    assert loss is not None
    assert adjusted(40.0, loss) == pytest.approx(40.0 * 6.233160 / 8.647825)
    assert adjusted(None, loss) is None and adjusted(40.0, None) is None


def test_adjusted_ranking_puts_a_usable_small_model_above_a_crushed_big_one(catalog: Catalog, rtx4090: Build) -> None:
    """A higher raw score at IQ1_S loses to a lower one at Q6_K once the measured loss is applied."""
    m32, m8 = catalog.model("qwen3-32b"), catalog.model("qwen3-8b")
    assert m32 and m8
    big = model_row(m32, rtx4090, quant="Q4_K_M", ctx=8192, benchmark="AA Intelligence Index v4.1")
    small = model_row(m8, rtx4090, quant="Q4_K_M", ctx=8192, benchmark="AA Intelligence Index v4.1")
    assert big.score and small.score
    big = replace(big, best_quant="IQ1_S", best_status="gpu", score=replace(big.score, value=20.0))
    small = replace(small, best_quant="Q6_K", best_status="gpu", score=replace(small.score, value=15.0))
    assert [r.id for r in sort_rows([big, small], "score")] == ["qwen3-32b", "qwen3-8b"]
    assert [r.id for r in sort_rows([big, small], "adjusted")] == ["qwen3-8b", "qwen3-32b"]
    # a quant whose loss is not measured ranks by the raw score, between the measured ones
    vllm = replace(big, best_quant="AWQ", best_status="gpu", score=replace(big.score, value=15.5))
    assert vllm.adjusted_score is None and vllm.loss is None
    assert [r.id for r in sort_rows([vllm, small], "adjusted")] == ["qwen3-32b", "qwen3-8b"]  # 15.5 > 14.9
    # a model that runs at no quant is not "the best I can run", whatever its score
    gone = replace(big, best_quant=None, best_status="none", score=replace(big.score, value=99.0))
    assert gone.adjusted_score is None
    assert sort_rows([gone, small], "adjusted")[0].id == "qwen3-8b"


def test_models_json_carries_the_loss_and_the_adjusted_score(capsys: pytest.CaptureFixture[str]) -> None:
    code = run(["models", "qwen3.5", "--gpu", "RTX 4090", "--sort", "adjusted", "--json"])
    rows = json.loads(capsys.readouterr().out)
    assert code == 0 and rows
    fitting = [r for r in rows if r["best_quant_fit"] != "none" and r["score"]]
    assert fitting, "some Qwen 3.5 model runs on an RTX 4090"
    r = fitting[0]
    assert rows[0]["id"] == r["id"]  # the adjusted sort puts what runs first
    loss = r["quant_loss"]
    assert loss["quant"] == r["best_quant"] and loss["ppl_ratio"] >= 1.0 and loss["source"]
    assert r["adjusted_score"] == pytest.approx(r["score"]["value"] / loss["ppl_ratio"], abs=0.01)
