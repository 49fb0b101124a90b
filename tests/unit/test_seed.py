"""The seed article's hardware table next to llmtui's figures: the article's errors are named and the
named hardware is checked by the estimator, not by the article's word."""

from __future__ import annotations

import json

import pytest

from llmtui.cli import run
from llmtui.core.catalog import Catalog
from llmtui.core.seed import seed_table


def test_every_row_is_compared(catalog: Catalog) -> None:
    rows = seed_table(catalog)
    assert len(rows) == 11 and all(r.model is not None and r.memory_bytes for r in rows)
    by = {r.model_text: r for r in rows}
    # the 8B fits the named 12 GB card, so that row has no problem
    assert by["Llama 3 8B"].options[0].status == "gpu" and by["Llama 3 8B"].problems == []
    # DeepSeek V3: the wrong size is named with its source; llmtui's Q4_K_M figure is V3's real one
    ds = by["DeepSeek V3 236B"]
    assert any("671B" in p and "huggingface.co/deepseek-ai/DeepSeek-V3" in p for p in ds.problems)
    assert ds.memory_bytes is not None and ds.memory_bytes > 2.5 * ds.seed_memory_gb * 1e9
    spark, m4_ultra = ds.options
    assert spark.status == "none" and m4_ultra.status == "unknown" and "M3 Ultra" in m4_ultra.note
    # hardware the article says runs a model, and llmtui says does not hold it in GPU memory
    llama70 = by["Llama 3 70B"]
    assert [o.status for o in llama70.options] == ["gpu+cpu", "gpu"]  # the 5090 at Q4_K_S spills
    assert by["Llama 3.1 405B"].options[1].status == "none"  # 8x 4090: 192 GiB for 248 GB
    # every row names the cheapest catalogue build that does hold it
    assert all(r.cheapest is not None and r.cheapest.estimate.status == "gpu" for r in rows)


def test_cli_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["seed", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    ds = next(r for r in rows if r["id"] == "deepseek-v3")
    assert ds["seed"]["memory_gb"] == 143.6 and ds["errors"][0]["source"].startswith("https://huggingface.co/")
    assert {o["fit"] for o in ds["options"]} == {"none", "unknown"}
