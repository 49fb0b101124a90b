"""The command line under random and hostile arguments and --batch lines: every run ends with an
exit code and at most one sentence per problem; no traceback, no raw escape from the input."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from llmtui.cli import run

from .conftest import HOSTILE, raw_escapes

NUMBERS = ["1e400", "inf", "nan", "9" * 400, "0.5", "-1", "0", "", " ", "8192", "32k", "64GB", "1e-400"]
VALUES = st.one_of(st.sampled_from(NUMBERS + HOSTILE), st.text(max_size=30))
OPTIONS = {
    "models": ["--ctx", "--ram", "--gpu", "--mac", "--quant", "--engine", "--score", "--limit", "--sort", "--machines"],
    "estimate": ["--ctx", "--ram", "--gpu", "--quant", "--depth", "--prompt-tokens", "--wired-limit-mb", "--engine"],
    "plan": ["--target-tps", "--ctx", "--limit", "--max-gpus", "--quant"],
    "detect": ["--timeout"],
    "doctor": ["--timeout"],
    "hardware": [],
    "remote": ["--timeout", "--name"],
    "profiles": [],
}
FIXED = {
    "models": ["models"],
    "estimate": ["estimate", "--model", "qwen3-8b"],
    "plan": ["plan", "--model", "qwen3-8b"],
    "detect": ["detect"],
    "doctor": ["doctor"],
    "hardware": ["hardware"],
    "remote": ["remote", "--no-save"],
    "profiles": ["profiles", "show"],
}


@st.composite
def argvs(draw: st.DrawFn) -> list[str]:
    cmd = draw(st.sampled_from(sorted(FIXED)))
    argv = list(FIXED[cmd])
    if cmd == "remote":
        argv.append(draw(st.sampled_from(["-oProxyCommand=x", "a b", "\x1b[2J", "h\nx", "[/]", "--", "-x"])))
    if cmd == "profiles":
        argv.append(draw(VALUES))
    for opt in draw(st.lists(st.sampled_from(OPTIONS[cmd] or ["--json"]), max_size=3, unique=True)):
        argv += [opt] if opt == "--json" else [opt, draw(VALUES)]
    if cmd in ("models", "estimate") and "--gpu" not in argv and "--ram" not in argv and "--mac" not in argv:
        argv += ["--gpu", "RTX 4090"]  # a planned build: fast, and the same on every machine
    return argv


def _run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    try:
        code = run(argv)
    except SystemExit as e:  # argparse's errors and --help
        code = int(e.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(argv=argvs())
def test_random_arguments(argv: list[str], capsys: pytest.CaptureFixture[str], tally: Counter[str]) -> None:
    tally["cli argument sets"] += 1
    code, out, err = _run(argv, capsys)  # an exception other than SystemExit fails the test: a traceback
    assert code in (0, 1, 2, 3, 4), (argv, code, err)
    assert "Traceback" not in out + err
    assert not raw_escapes(out + err), (argv, out[-300:], err[-300:])
    if code == 2:
        assert err.strip(), argv  # a usage error always says what was wrong


@pytest.mark.parametrize(
    "argv",
    [
        ["estimate", "--model", "qwen3-8b", "--gpu", "RTX 4090", "--ctx", "1e400"],
        ["estimate", "--model", "qwen3-8b", "--gpu", "RTX 4090", "--ctx", "inf"],
        ["estimate", "--model", "qwen3-8b", "--gpu", "RTX 4090", "--ctx", "9" * 400],
        ["estimate", "--model", "qwen3-8b", "--gpu", "RTX 4090", "--ctx", "0.5"],
        ["models", "--ram", "9" * 400 + "GB"],
        ["models", "--gpu", ""],
        ["models", "--ram", ""],
        ["detect", "--timeout", "inf"],
        ["detect", "--timeout", "nan"],
        ["detect", "--timeout", "1e400"],
        ["doctor", "--timeout", "-1"],
        ["remote", "--timeout", "inf", "h"],
        ["plan", "--model", "qwen3-8b", "--target-tps", "nan"],
        ["remote", "--no-save", "--", "-oProxyCommand=touch /tmp/x"],
    ],
)
def test_bad_numbers_and_hosts_exit_2(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    code, _out, err = _run(argv, capsys)
    assert code == 2, err
    assert err.count("\n") == 1 and "Traceback" not in err


LINE_VALUES = st.one_of(
    st.sampled_from([*NUMBERS, *HOSTILE, "qwen3-8b", "RTX 4090", "Q4_K_M", "vllm", "/dev/zero"]),
    st.integers(),
    st.floats(allow_nan=False),
    st.booleans(),
    st.none(),
    st.lists(st.integers(), max_size=2),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
)
KEYS = ["model", "config", "quant", "ctx", "kv_quant", "engine", "gpu", "mac", "ram", "machines", "profile"]
KEYS += ["network", "prompt_tokens", "depth", "nope"]


@st.composite
def batch_lines(draw: st.DrawFn) -> str:
    kind = draw(st.integers(0, 9))
    if kind == 0:
        return draw(st.text(max_size=40)).replace("\n", " ")
    if kind == 1:
        depth = draw(st.integers(30, 5000))
        return "[" * depth + "]" * depth
    if kind == 2:
        return '{"ctx": 1e400, "model": "qwen3-8b", "gpu": "RTX 4090"}'
    req = {"model": "qwen3-8b", "gpu": "RTX 4090"}
    for k in draw(st.lists(st.sampled_from(KEYS), max_size=4, unique=True)):
        req[k] = draw(LINE_VALUES)
    return json.dumps(req)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(lines=st.lists(batch_lines(), min_size=1, max_size=6))
@example(lines=["\x1f"])  # a line that str.strip() empties: not blank to the reader, so answered
def test_batch_one_answer_per_line(
    lines: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str], tally: Counter[str]
) -> None:
    f = tmp_path / "batch.jsonl"
    f.write_text("\n".join(lines) + "\n", encoding="utf-8")
    code, out, err = _run(["estimate", "--batch", str(f)], capsys)
    assert code == 0, err
    answers = [json.loads(x) for x in out.splitlines()]
    # a blank line is skipped: blank as the reader sees bytes (ASCII whitespace; a lone \x1f is a line
    # with something on it, answered with an error, though str.strip() would drop it)
    assert len(answers) == sum(1 for x in lines if x.encode("utf-8").strip())
    for a in answers:
        assert "internal error" not in a.get("error", ""), a
    tally["batch lines"] += len(lines)


def test_batch_values_of_the_wrong_kind(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    lines = [
        {"model": "qwen3-8b", "ram": 64},
        {"model": "qwen3-8b", "gpu": "RTX 4090", "ctx": "1e400"},
        {"model": "qwen3-8b", "gpu": ["RTX 4090"]},
        {"model": "qwen3-8b", "gpu": "RTX 4090", "machines": 1.5},
        {"model": "qwen3-8b", "gpu": "RTX 4090", "network": [1]},
    ]
    f = tmp_path / "b.jsonl"
    f.write_text("\n".join(json.dumps(x) for x in lines) + '\n{"ctx": 1e400}\n')
    code, out, _err = _run(["estimate", "--batch", str(f)], capsys)
    answers = [json.loads(x) for x in out.splitlines()]
    assert code == 0 and len(answers) == 6
    assert "error" not in answers[0], answers[0]  # a number of GB is a size
    assert answers[0]["build"] == "64 GB RAM" and answers[0]["fit"]["status"] == "cpu"
    assert all("error" in a for a in answers[1:]), answers
    assert "ctx" in answers[1]["error"] and "gpu" in answers[2]["error"] and "machines" in answers[3]["error"]
