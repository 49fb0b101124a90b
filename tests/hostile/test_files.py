"""Hostile files: a FIFO named *.toml, /dev/zero, oversize and deeply nested documents, values of the
wrong kind, and names full of escapes and markup in an overlay or a profile. Each is one sentence,
never a hang or a traceback, and nothing from a file reaches the terminal raw."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter
from dataclasses import asdict
from pathlib import Path

import pytest
import tomli_w

from llmtui.cli import run
from llmtui.core.boundary.text import strings
from llmtui.core.catalog import load_catalog

from .conftest import ESCAPES, HOSTILE, MARKUP, raw_escapes

HANG = 30  # seconds: a command that takes longer than this hung


def cli(*argv: str, env: dict[str, str] | None = None, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "llmtui", *argv],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=HANG,
        env={**os.environ, **(env or {})},
        check=False,
    )


def _dirs() -> tuple[Path, Path]:
    return Path(os.environ["LLMTUI_DATA_DIR"]), Path(os.environ["LLMTUI_CONFIG_DIR"]) / "profiles"


def test_a_fifo_named_toml_hangs_nothing(tally: Counter[str]) -> None:
    data, profiles = _dirs()
    for d in (data / "models", data / "hardware", profiles):
        d.mkdir(parents=True, exist_ok=True)
        os.mkfifo(d / "trap.toml")
    for argv in (["models", "--gpu", "RTX 4090", "--limit", "1"], ["hardware", "4090"], ["profiles", "list"]):
        p = cli(*argv)  # a hang is a TimeoutExpired, failing the test
        tally["files tried"] += 1
        assert p.returncode in (0, 1), p.stderr
        assert "named pipe" in p.stderr and "Traceback" not in p.stderr


@pytest.mark.parametrize(
    "argv",
    [
        ["estimate", "--config", "/dev/zero", "--gpu", "RTX 4090"],
        ["profiles", "import", "/dev/zero"],
        ["import", "/dev/zero"],
        ["estimate", "--batch", "/dev/zero", "--gpu", "RTX 4090"],
        ["estimate", "--config", "/dev/stdin", "--gpu", "RTX 4090"],
    ],
)
def test_devices_are_not_files(argv: list[str], tally: Counter[str]) -> None:
    p = cli(*argv)
    tally["files tried"] += 1
    assert p.returncode == 2, p.stderr
    assert "not a regular file" in p.stderr or "character device" in p.stderr or "named pipe" in p.stderr
    assert p.stderr.count("\n") == 1


def _deep_json(n: int) -> str:
    return '{"model_type": "llama", "x": ' + "[" * n + "]" * n + "}"


@pytest.mark.parametrize("depth", [40, 1000, 100_000])
def test_deep_documents(tmp_path: Path, depth: int, tally: Counter[str]) -> None:
    data, _ = _dirs()
    (tmp_path / "config.json").write_text(_deep_json(depth))
    (tmp_path / "p.toml").write_text("schema = 1\nname = 'x'\nv = " + "[" * depth + "]" * depth + "\n")
    (data / "models").mkdir(parents=True, exist_ok=True)
    (data / "models" / "deep.toml").write_text("schema = 1\ntags = " + "[" * depth + "]" * depth + "\n")
    (tmp_path / "b.jsonl").write_text("[" * depth + "]" * depth + "\n")
    for argv in (
        ["estimate", "--config", str(tmp_path / "config.json"), "--gpu", "RTX 4090"],
        ["profiles", "import", str(tmp_path / "p.toml")],
    ):
        p = cli(*argv)
        tally["files tried"] += 1
        assert p.returncode == 2 and "deep" in p.stderr and "Traceback" not in p.stderr, p.stderr
    p = cli("models", "--gpu", "RTX 4090", "--limit", "1")  # one bad overlay file breaks no command
    assert p.returncode == 0 and "deep" in p.stderr, p.stderr
    p = cli("estimate", "--batch", str(tmp_path / "b.jsonl"), "--gpu", "RTX 4090")
    assert p.returncode == 0 and "deep" in json.loads(p.stdout)["error"]


def test_oversize_files(tmp_path: Path) -> None:
    big = tmp_path / "config.json"
    with big.open("w") as fh:
        fh.write('{"model_type": "llama", "pad": "')
        fh.write("x" * 5_000_000)
        fh.write('"}')
    p = cli("estimate", "--config", str(big), "--gpu", "RTX 4090")
    assert p.returncode == 2 and "MB" in p.stderr, p.stderr


def _model(mid: str, name: str, **extra: object) -> dict[str, object]:
    return {
        "id": mid,
        "name": name,
        "family": name,
        "hf_repo": "evil/model",
        "license": name,
        "released": "2025-01",
        "params_b": 8.0,
        "active_params_b": 8.0,
        "notes": name,
        "arch": {
            "type": "llama",
            "layers": 32,
            "hidden": 4096,
            "heads": 32,
            "kv_heads": 8,
            "ffn": 14336,
            "vocab": 128256,
            "max_ctx": 8192,
            "source": name,
        },
        "scores": [{"benchmark": name, "value": 50.0, "source": name, "detail": name}],
        **extra,
    }


def hostile_overlay() -> None:
    data, _ = _dirs()
    (data / "models").mkdir(parents=True, exist_ok=True)
    (data / "hardware").mkdir(parents=True, exist_ok=True)
    models = [_model(f"evil-{i}", f"Evil {h} model") for i, h in enumerate(HOSTILE)]
    (data / "models" / "evil.toml").write_text(tomli_w.dumps({"schema": 1, "models": models}))
    devices = [
        {"id": f"evil-gpu-{i}", "vendor": "NVIDIA", "name": f"Evil {h} GPU", "aliases": [f"evilgpu{i}"], "kind": "gpu",
         "memory": "dedicated", "memory_gib": [24], "bandwidth_gbs": 1000, "source": h, "notes": h}
        for i, h in enumerate(ESCAPES + MARKUP)
    ]  # fmt: skip
    (data / "hardware" / "evil.toml").write_text(tomli_w.dumps({"schema": 1, "devices": devices}))
    kinds = [_model("kinds", "K", tags=[[1]]), {**_model("kinds-2", "K"), "params_b": float("inf")}]
    (data / "models" / "kinds.toml").write_text(tomli_w.dumps({"schema": 1, "models": kinds}))


def test_hostile_overlay_reaches_no_terminal(tally: Counter[str]) -> None:
    hostile_overlay()
    cat = load_catalog(use_cache=False)
    evil = [m for m in cat.models if m.id.startswith("evil-")]
    assert len(evil) == len(HOSTILE)  # kept, with their text made safe
    assert not [s for m in evil for s in strings(asdict(m)) if raw_escapes(s)]
    assert any("'kinds'" in w and "tags" in w for w in cat.warnings), cat.warnings
    assert any("'kinds-2'" in w and "params_b" in w for w in cat.warnings), cat.warnings
    runs = [
        ["models", "evil", "--gpu", "RTX 4090"],
        ["models", "evil", "--gpu", "RTX 4090", "--json"],
        ["models", "evil", "--gpu", "RTX 4090", "--csv"],
        ["models", "evil", "--gpu", "RTX 4090", "--markdown"],
        ["hardware", "evil"],
        ["hardware", "evil", "--json"],
        ["estimate", "--model", "evil-0", "--gpu", "evilgpu0", "--launch", "llama.cpp"],
        [
            "estimate",
            "--model",
            "evil-3",
            "--gpu",
            "evilgpu3",
            "--json",
            "--launch",
            "vllm",
            "--engine",
            "vllm",
            "--quant",
            "FP16",
        ],
        ["plan", "--model", "evil-1", "--target-tps", "1"],
    ]
    for argv in runs:
        p = cli(*argv)
        tally["output paths"] += 1
        assert p.returncode in (0, 1), (argv, p.stderr)
        found = raw_escapes(p.stdout + p.stderr)
        tally["raw escapes"] += len(found)
        assert not found, (argv, found)


def test_hostile_profile_replays_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = "schema = 1\nname = 'evil'\n[machine]\nram_gib = 64\ncpu = \"\\u001b]0;pwned\\u0007 cpu\"\n"
    text += '[[gpus]]\nname = "\\u001b[2J[/] GPU"\nmemory_gib = 24\nbandwidth_gbs = 900\nvendor = "NVIDIA"\n'
    (tmp_path / "evil.toml").write_text(text)
    assert run(["profiles", "import", str(tmp_path / "evil.toml")]) == 0
    for argv in (["profiles", "show", "evil"], ["profiles", "list"], ["profiles", "show", "evil", "--json"]):
        run(argv)
        out, err = capsys.readouterr()
        assert not raw_escapes(out + err), (argv, out)
        assert "[/] GPU" in out


def test_depth_counts_every_branch() -> None:
    """The nesting cap sees the deepest branch wherever it is: first, last, under an object, behind
    thousands of flat values; and the count stops just past the cap."""
    from llmtui.core.boundary.reader import depth_of

    assert depth_of(5) == 0 and depth_of([]) == 1 and depth_of({"a": 1}) == 1
    assert depth_of([list(range(10_000)), {"x": [[[]]]}]) == 5
    assert depth_of({"a": [1] * 10_000 + [[{"b": [[]]}]]}) == 6
    deep: list[object] = []
    cur = deep
    for _ in range(10_000):
        nxt: list[object] = []
        cur.append(nxt)
        cur = nxt
    assert depth_of(deep, cap=16) == 17
    assert depth_of([deep], cap=16) == 17
