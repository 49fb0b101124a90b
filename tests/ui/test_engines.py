"""One rule for what an engine runs: the main screen, the planner, the palette, the CLI and launch
commands pick the same quant and KV type when the engine changes (issue 18: vLLM gave GPTQ on the main
screen, FP16 in the planner and AWQ in launch commands; the title kept 'KV q8_0')."""

from __future__ import annotations

import json

import pytest
from textual.widgets import Static

from llmtui.cli import run
from llmtui.core.build import planned_build
from llmtui.core.catalog import Catalog
from llmtui.core.estimate import ENGINES, EstimateError, engine_kv, engine_quant, engine_quants, estimate
from llmtui.core.launch import relaunch
from llmtui.ui.app import LlmtuiApp
from llmtui.ui.screens.planner import PlannerScreen
from tests.ui.test_main_screen import main_of, settle


def test_the_rule() -> None:
    vllm, mlx, cpp = ENGINES["vllm"], ENGINES["mlx"], ENGINES["llama.cpp"]
    assert [engine_quant(q, vllm) for q in ("Q4_K_M", "Q8_0", "F16", "AWQ")] == ["AWQ", "FP8", "F16", "AWQ"]
    assert [engine_quant(q, mlx) for q in ("Q4_K_M", "Q8_0", "BF16")] == ["MLX-4bit", "MLX-8bit", "BF16"]
    assert [engine_quant(q, cpp) for q in ("AWQ", "FP8", "FP16", "Q5_K_M")] == ["Q4_K_M", "Q8_0", "F16", "Q5_K_M"]
    assert [engine_kv(k, vllm) for k in ("f16", "q8_0", "q4_0")] == ["f16", "fp8", "fp8"]
    assert engine_kv("fp8", cpp) == "q8_0" and engine_kv("q8_0", mlx) == "f16"
    for e in ENGINES.values():
        names = engine_quants(e)
        assert len(names) == len(set(names)), e.name  # "use one of FP16, FP16, ..." no more


def test_an_engine_refuses_what_it_does_not_run(catalog: Catalog, rtx4090) -> None:  # type: ignore[no-untyped-def]
    m = catalog.model("qwen3-8b")
    assert m is not None
    with pytest.raises(EstimateError, match="vLLM has no 'q8_0' KV cache; its types are f16, fp8"):
        estimate(m, "AWQ", 8192, rtx4090, kv_type="q8_0", engine="vllm")
    with pytest.raises(EstimateError, match="no 'fp8' KV cache"):
        estimate(m, "Q4_K_M", 8192, rtx4090, kv_type="fp8")
    e = estimate(m, "AWQ", 8192, rtx4090, kv_type="fp8", engine="vllm")
    half = estimate(m, "AWQ", 8192, rtx4090, kv_type="f16", engine="vllm")
    assert e.memory.kv_cache_bytes * 2 == pytest.approx(half.memory.kv_cache_bytes, rel=0.01)
    launch = relaunch(m, rtx4090, "vllm", quant="Q4_K_M", ctx=8192, kv_type="q8_0")
    text = launch.text()
    assert "--kv-cache-dtype fp8" in text and "AWQ" in text


def test_cli_defaults_follow_the_engine(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["models", "qwen3 8b", "--gpu", "RTX 4090", "--engine", "vllm", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert rows and {r["quant"] for r in rows} == {"AWQ"} and any(r["fit"] == "gpu" for r in rows)
    code = run(["estimate", "--model", "qwen3-8b", "--mac", "M4 Max 40-core 64GB", "--engine", "mlx", "--json"])
    assert code == 0 and json.loads(capsys.readouterr().out)["quant"] == "MLX-4bit"


async def test_main_screen_and_planner_agree(catalog: Catalog) -> None:
    app = LlmtuiApp(catalog=catalog, build=planned_build(catalog, gpu="RTX 4090", ram="64GB"), detect=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        main = main_of(app)
        main.set_kv("q8_0")
        main.set_engine("vllm")
        await settle(pilot)
        assert (main.state.quant, main.state.kv_type) == ("AWQ", "fp8")
        title = str(main.query_one("#title", Static).render())
        assert "AWQ" in title and "KV fp8" in title and "q8_0" not in title
        assert {r.quant for r in main.all_rows} == {"AWQ"}
        await pilot.press("w")
        await settle(pilot)
        planner = app.screen
        assert isinstance(planner, PlannerScreen)
        assert (planner.view.quant, planner.view.kv_type) == ("AWQ", "fp8")
        planner._set_engine("llama.cpp")
        assert (planner.view.quant, planner.view.kv_type) == ("Q4_K_M", "q8_0")
        planner._set_engine("mlx")
        assert (planner.view.quant, planner.view.kv_type) == ("MLX-4bit", "f16")
