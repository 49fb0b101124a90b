"""Launch commands per engine and per placement, with the estimator's numbers in them."""

from __future__ import annotations

import shlex

import pytest

from llmtui.core.build import planned_build
from llmtui.core.catalog import Catalog
from llmtui.core.estimate import estimate
from llmtui.core.launch import LaunchError, launch_command, relaunch


def argv_of(text: str) -> list[list[str]]:
    return [shlex.split(line) for line in text.splitlines() if line and not line.startswith("#")]


def test_llama_cpp_single_gpu(catalog: Catalog) -> None:
    m = catalog.model("llama-3.1-8b-instruct")
    assert m is not None
    e = estimate(m, "Q4_K_M", 16384, planned_build(catalog, gpu="RTX 4090"), kv_type="q8_0")
    (cmd,) = argv_of(launch_command(e, planned_build(catalog, gpu="RTX 4090"), "llama.cpp").text())
    assert cmd[0] == "llama-server"
    assert cmd[cmd.index("-hf") + 1].endswith(":Q4_K_M")
    assert cmd[cmd.index("-c") + 1] == "16384"
    assert cmd[cmd.index("-ngl") + 1] == str(m.arch.layers + 1)
    assert cmd[cmd.index("-fa") + 1] == "on"  # a quantized V cache needs flash attention
    assert cmd[cmd.index("-ctk") + 1] == cmd[cmd.index("-ctv") + 1] == "q8_0"
    assert "-ts" not in cmd


def test_llama_cpp_split_over_two_gpus(catalog: Catalog) -> None:
    m = catalog.model("llama-3.3-70b-instruct")
    assert m is not None
    b = planned_build(catalog, gpu="RTX 5090 + RTX 4090")
    e = estimate(m, "Q4_K_M", 8192, b)
    (cmd,) = argv_of(launch_command(e, b, "llama.cpp").text())
    split = [int(x) for x in cmd[cmd.index("-ts") + 1].split(",")]
    assert split == [d.layers for d in e.devices if d.kind == "gpu" and d.layers]
    assert sum(split) == m.arch.layers


def test_llama_cpp_partial_offload(catalog: Catalog) -> None:
    m = catalog.model("qwen2.5-72b-instruct")
    assert m is not None
    b = planned_build(catalog, gpu="RTX 4090", ram="128GB")
    e = estimate(m, "Q4_K_M", 8192, b)
    assert e.status == "gpu+cpu" and 0 < e.n_gpu_layers < m.arch.layers
    (cmd,) = argv_of(launch_command(e, b, "llama.cpp").text())
    assert cmd[cmd.index("-ngl") + 1] == str(e.n_gpu_layers) and "--n-cpu-moe" not in cmd


def test_llama_cpp_moe_offload(catalog: Catalog) -> None:
    m = catalog.model("qwen3-235b-a22b")
    assert m is not None
    b = planned_build(catalog, gpu="2x RTX 3090", ram="192GB")
    e = estimate(m, "Q4_K_M", 8192, b)
    assert e.n_cpu_moe > 0
    (cmd,) = argv_of(launch_command(e, b, "llama.cpp").text())
    assert cmd[cmd.index("--n-cpu-moe") + 1] == str(e.n_cpu_moe)


def test_llama_cpp_rpc_over_machines(catalog: Catalog) -> None:
    m = catalog.model("llama-3.1-405b-instruct")
    assert m is not None
    b = planned_build(catalog, gpu="4x RTX 4090", ram="128GB", machines=3)
    e = estimate(m, "Q4_K_M", 8192, b)
    assert e.status == "gpu"
    lines = argv_of(launch_command(e, b, "llama.cpp").text())
    assert lines[0][:1] == ["rpc-server"] and "-p" in lines[0]
    head = lines[1]
    assert len(head[head.index("--rpc") + 1].split(",")) == 2


def test_vllm_tensor_and_pipeline_parallel(catalog: Catalog) -> None:
    m = catalog.model("llama-3.1-405b-instruct")  # 405 GB at FP8: more than one machine of 4x H100 holds
    assert m is not None
    b = planned_build(catalog, gpu="4x H100 SXM", machines=2)
    e = estimate(m, "FP8", 32768, b, engine="vllm")
    assert e.status == "gpu" and e.machines == 2
    lines = argv_of(launch_command(e, b, "vllm").text())
    assert lines[0] == ["ray", "start", "--head", "--port=6379"]
    assert lines[1][:2] == ["ray", "start"]
    serve = lines[2]
    assert serve[:3] == ["vllm", "serve", "meta-llama/Llama-3.1-405B-Instruct-FP8"]  # Meta's own FP8 checkpoint
    assert serve[serve.index("--tensor-parallel-size") + 1] == "4"
    assert serve[serve.index("--pipeline-parallel-size") + 1] == "2"
    assert serve[serve.index("--max-model-len") + 1] == "32768"
    assert "--distributed-executor-backend" in serve


def test_vllm_awq_uses_the_catalogue_checkpoint(catalog: Catalog) -> None:
    m = catalog.model("qwen2.5-32b-instruct")
    assert m is not None
    b = planned_build(catalog, gpu="2x RTX 3090")
    launch = relaunch(m, b, "vllm", quant="Q4_K_M", ctx=8192)
    (serve,) = argv_of(launch.text())
    assert serve[2] == "Qwen/Qwen2.5-32B-Instruct-AWQ"


def test_ollama(catalog: Catalog) -> None:
    m = catalog.model("llama-3.1-8b-instruct")
    assert m is not None
    b = planned_build(catalog, gpu="RTX 3060 12GB")
    e = estimate(m, "Q4_K_M", 8192, b, engine="ollama")
    text = launch_command(e, b, "ollama").text()
    assert "OLLAMA_CONTEXT_LENGTH=8192" in text and "ollama run hf.co/" in text
    # a model that fits on one of two machines runs on that one; one that needs both cannot run on Ollama
    two = planned_build(catalog, gpu="RTX 3060 12GB", machines=2)
    assert "ollama run" in launch_command(estimate(m, "Q4_K_M", 8192, two, engine="ollama"), two, "ollama").text()
    big = catalog.model("llama-3.3-70b-instruct")
    assert big is not None
    two = planned_build(catalog, gpu="RTX 4090", machines=2)
    with pytest.raises(LaunchError, match="one machine"):
        launch_command(estimate(big, "Q4_K_M", 8192, two, engine="ollama"), two, "ollama")


def test_mlx_and_exo(catalog: Catalog) -> None:
    m = catalog.model("llama-3.1-8b-instruct")
    assert m is not None
    mac = planned_build(catalog, mac="M4 Max 40-core 64GB")
    e = estimate(m, "MLX-4bit", 8192, mac, engine="mlx")
    (cmd,) = argv_of(launch_command(e, mac, "mlx").text())
    assert cmd[:2] == ["mlx_lm.server", "--model"] and cmd[2].startswith("mlx-community/")
    two = planned_build(catalog, mac="M4 Max 40-core 64GB", machines=2)
    e2 = estimate(m, "MLX-4bit", 8192, two, engine="mlx")  # fits one Mac: no exo cluster
    assert e2.machines == 1 and "exo" not in launch_command(e2, two, "mlx").text()
    big = catalog.model("llama-3.3-70b-instruct")
    assert big is not None
    e3 = estimate(big, "MLX-8bit", 8192, two, engine="mlx")
    assert e3.machines == 2 and "exo" in launch_command(e3, two, "mlx").text()


def test_nothing_to_launch_when_it_does_not_fit(catalog: Catalog) -> None:
    m = catalog.model("deepseek-v3")
    assert m is not None
    b = planned_build(catalog, gpu="RTX 3060 12GB", ram="16GB")
    with pytest.raises(LaunchError, match="does not fit"):
        launch_command(estimate(m, "Q4_K_M", 8192, b), b, "llama.cpp")
