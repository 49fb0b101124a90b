"""Launch commands for models with hostile names and repo ids, run by a real bash with an empty
PATH: nothing but the commands llmtui meant may run, and no marker file may appear."""

from __future__ import annotations

import os
import subprocess
from collections import Counter
from dataclasses import replace
from pathlib import Path

import pytest

from llmtui.core.build import planned_build
from llmtui.core.catalog import Catalog
from llmtui.core.estimate import estimate
from llmtui.core.launch import LaunchError, launch_command

from .conftest import HOSTILE, MARKER, raw_escapes

ENGINES = [
    ("llama.cpp", "Q4_K_M", 1),
    ("llama.cpp", "Q4_K_M", 3),
    ("ollama", "Q4_K_M", 1),
    ("vllm", "FP16", 1),
    ("vllm", "AWQ", 1),
    ("vllm", "FP8", 2),
    ("mlx", "MLX-4bit", 1),
    ("mlx", "MLX-4bit", 2),
]


def _run_bash(text: str, cwd: Path) -> None:
    # An empty PATH: llama-server, vllm... are not found, so bash goes on to the next line, which is
    # exactly where an injected line would run. Builtins (':' with a redirection) still work.
    subprocess.run(
        ["/bin/bash", "--noprofile", "--norc"],
        input=text,
        text=True,
        cwd=cwd,
        env={"PATH": "", "HOME": str(cwd)},
        capture_output=True,
        timeout=20,
        check=False,
    )


@pytest.mark.parametrize("field", ["name", "hf_repo", "id"])
def test_hostile_names_never_run(catalog: Catalog, tmp_path: Path, tally: Counter[str], field: str) -> None:
    base = catalog.model("qwen3-8b")
    assert base is not None
    gpu = planned_build(catalog, gpu="RTX 4090", ram="64GB")
    mac = planned_build(catalog, mac="M4 Max 40-core 128GB")
    blocks = []
    for hostile in HOSTILE:
        model = replace(base, **{field: hostile})
        for engine, quant, machines in ENGINES:
            build = (mac if engine == "mlx" else gpu).with_(machines=machines)
            e = estimate(model, quant, 8192, build, engine=engine, with_max_ctx=False)
            try:
                launch = launch_command(e, build, engine)
            except LaunchError:
                continue
            text = launch.text()
            assert not raw_escapes(text), (hostile, engine, text)
            for line in text.splitlines():
                assert line.startswith("#") or not any(h in line for h in ("\n", "\r")), line
            blocks.append(text)
            blocks.extend(step["command"] for step in launch.to_json()["steps"])
            tally["launch blocks"] += 1
    assert blocks
    _run_bash("\n".join(blocks) + "\n", tmp_path)
    assert not (tmp_path / MARKER).exists(), "a hostile name ran as a command"
    tally["injections"] += int((tmp_path / MARKER).exists())


def test_the_marker_test_can_fail(tmp_path: Path) -> None:
    """The harness itself: an unquoted hostile line does create the marker."""
    _run_bash(f"llama-server -m x\n: > {MARKER}\n", tmp_path)
    assert (tmp_path / MARKER).exists()
    os.unlink(tmp_path / MARKER)
