"""`llmtui bench`: llama-bench's output formats read as data, a fake llama-bench on PATH run as an argv
list with a time limit, and the calibration it stores changing the profile's estimates."""

from __future__ import annotations

import json
import os
import stat
import sys
from pathlib import Path

import pytest

from llmtui.cli import run
from llmtui.core.benchparse import parse_llama_bench, quant_of
from llmtui.core.boundary import InputError

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "llama_bench"


def recorded(fmt: str) -> Path:
    return FIXTURES / f"rtx4090-llama3.1-8b.{fmt}"


def cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = run(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("fmt", ["json", "csv", "md"])
def test_every_output_format_reads_the_same_results(fmt: str) -> None:
    rows = parse_llama_bench(recorded(fmt).read_text(), fmt)
    assert [(r.test, r.avg_ts, r.backends, r.n_gpu_layers) for r in rows] == [
        ("pp512", 11873.42, "CUDA", 99),
        ("tg64", 142.18, "CUDA", 99),
    ]
    assert all(quant_of(r.model_type, r.model_filename) == "Q4_K_M" for r in rows)
    assert rows[0].build == "4f5c7b21 (7352)"
    if fmt != "md":  # the markdown table has neither the file name nor the time
        assert rows[0].model_filename.endswith("Meta-Llama-3.1-8B-Instruct-Q4_K_M.gguf")
        assert rows[1].test_time == "2026-11-30T10:15:04Z"
    else:
        assert rows[0].model_size == int(4.58 * 2**30)


def test_depth_tests_and_ftype_names() -> None:
    md = (
        "| model | size | params | backend | ngl | test | t/s |\n|---|--:|--:|---|--:|--:|--:|\n"
        "| qwen2 7B Q4_K - Medium | 4.36 GiB | 7.62 B | CUDA | -1 | pp512 @ d512 | 6425.91 ± 18.88 |\n"
        "| qwen2 7B Q4_K - Medium | 4.36 GiB | 7.62 B | CUDA | -1 | tg128 @ d512 | 116.71 ± 0.60 |\n"
        "| qwen2 7B Q4_K - Medium | 4.36 GiB | 7.62 B | CUDA | -1 | pp4096+tg128 | 99.85 ± 0.06 |\n"
    )
    rows = parse_llama_bench(md, "t.md")
    assert [(r.n_prompt, r.n_gen, r.n_depth, r.n_gpu_layers) for r in rows] == [(512, 0, 512, -1), (0, 128, 512, -1)]
    assert quant_of("gpt-oss 120B MXFP4 MoE") == "MXFP4"
    assert quant_of("glm4moe 106B.A12B Q4_K - Small") == "Q4_K_S"
    assert quant_of("llama 7B Q2_K - Medium") == "Q2_K"
    assert quant_of("llama 8B all F32", "x/Llama-3.1-8B-Instruct-Q8_0.gguf") == "F32"


@pytest.mark.parametrize(
    "text",
    ["", "hello", "[1, 2", '[{"avg_ts": "fast"}]', '[{"avg_ts": 1e999}]', "| a | b |\n|---|---|\n| 1 | 2 | 3 |"],
)
def test_what_is_not_llama_bench_output_is_one_sentence(text: str) -> None:
    with pytest.raises(InputError) as e:
        parse_llama_bench(text, "x.txt")
    assert "x.txt" in str(e.value) and "\n" not in str(e.value)


def test_bench_file_calibrates_a_profile_and_its_estimates_change(capsys: pytest.CaptureFixture[str]) -> None:
    hw = ("--gpu", "RTX 4090", "--ram", "64GB")
    code, out, _ = cli(capsys, "estimate", "--model", "llama-3.1-8b-instruct", *hw, "--depth", "0", "--json")
    before = json.loads(out)["speed"]
    code, out, err = cli(capsys, "bench", "--file", str(recorded("json")), *hw, "--save-profile", "box", "--json")
    assert code == 0, err
    res = json.loads(out)
    tg = next(r for r in res["runs"] if r["test"] == "tg64")
    assert tg["measured_tps"] == 142.18 and tg["ratio"] == pytest.approx(142.18 / tg["expected_tps"], rel=1e-3)
    cal = res["calibration"]
    assert cal["runs"] == 2 and cal["date"] == "2026-11-30" and cal["backend"] == "cuda"
    assert cal["decode_factor"] == pytest.approx(tg["ratio"], rel=1e-3)
    code, out, _ = cli(
        capsys, "estimate", "--model", "llama-3.1-8b-instruct", "--profile", "box", "--depth", "0", "--json"
    )
    after = json.loads(out)
    expected = before["decode_tps"]["expected"] * cal["decode_factor"]
    assert after["speed"]["decode_tps"]["expected"] == pytest.approx(min(expected, before["roofline_tps"]), rel=1e-3)
    assert after["speed"]["decode_tps"]["expected"] != before["decode_tps"]["expected"]
    assert any("calibrated on this machine (2 runs, 2026-11-30)" in b for b in after["speed"]["basis"])
    assert any("llama-bench runs on CUDA (2 runs, 2026-11-30)" in a for a in after["assumptions"])
    # another backend than the one measured: the calibration does not apply
    code, out, _ = cli(
        capsys, "estimate", "--model", "llama-3.1-8b-instruct", "--profile", "box", "--backend", "vulkan"
    )
    assert "calibrated on this machine" not in out


def test_markdown_without_a_file_name_needs_the_model(capsys: pytest.CaptureFixture[str]) -> None:
    md = str(recorded("md"))
    code, out, _ = cli(capsys, "bench", "--file", md, "--gpu", "RTX 4090", "--no-save")
    assert code == 1 and "give --model" in out and "nothing calibrated" in out
    code, out, _ = cli(
        capsys, "bench", "--file", md, "--gpu", "RTX 4090", "--no-save", "--model", "llama-3.1-8b-instruct"
    )
    assert code == 0 and "2 runs" in out


def fake_llama_bench(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, body: str) -> Path:
    """A `llama-bench` on PATH: a Python script that records its argv and does what `body` says."""
    script = tmp_path / "bin" / "llama-bench"
    script.parent.mkdir()
    script.write_text(
        f"#!{sys.executable}\nimport json, sys, time\n"
        f"open({str(tmp_path / 'argv.json')!r}, 'w').write(json.dumps(sys.argv[1:]))\n" + body
    )
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("PATH", f"{script.parent}{os.pathsep}{os.environ['PATH']}")
    return script


def test_bench_runs_llama_bench_from_path_with_progress(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    output = recorded("json").read_text()
    fake_llama_bench(
        tmp_path,
        monkeypatch,
        "steps = ((1, 'warmup prompt run'), (1, 'prompt run'), (2, 'warmup generation run'), (2, 'generation run'))\n"
        "for i, s in steps:\n"
        "    print(f'llama-bench: benchmark {i}/2: {s}', file=sys.stderr, flush=True)\n"
        f"sys.stdout.write({output!r})\n",
    )
    gguf = tmp_path / "Meta-Llama-3.1-8B-Instruct-Q4_K_M.gguf"
    gguf.write_bytes(b"GGUF")
    code, out, err = cli(capsys, "bench", "--gguf", str(gguf), "--gpu", "RTX 4090", "--ram", "64GB")
    assert code == 0, err
    argv = json.loads((tmp_path / "argv.json").read_text())
    assert argv[:2] == ["-m", str(gguf)] and "-o" in argv and argv[argv.index("-o") + 1] == "json"
    assert "--progress" in argv and argv[argv.index("-r") + 1] == "2"  # short: two repetitions
    assert "llama-bench test 1 of 2: warmup prompt run" in err and "test 2 of 2: generation run" in err
    assert "saved in profile 'this machine'" in out
    code, out, _ = cli(capsys, "profiles", "show", "this machine", "--json")
    assert code == 0 and json.loads(out)["calibration"]["runs"] == 2


def test_a_llama_bench_that_hangs_is_stopped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    fake_llama_bench(tmp_path, monkeypatch, "time.sleep(60)\n")
    gguf = tmp_path / "m.gguf"
    gguf.write_bytes(b"GGUF")
    code, _, err = cli(capsys, "bench", "--gguf", str(gguf), "--gpu", "RTX 4090", "--timeout", "0.5")
    assert code == 1 and "did not finish in 0.5 s" in err


def test_a_failing_llama_bench_and_a_missing_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    fake_llama_bench(tmp_path, monkeypatch, "print('error: failed to load model', file=sys.stderr)\nsys.exit(1)\n")
    gguf = tmp_path / "m.gguf"
    gguf.write_bytes(b"GGUF")
    code, _, err = cli(capsys, "bench", "--gguf", str(gguf), "--gpu", "RTX 4090")
    assert code == 1 and "exited with status 1" in err
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    code, _, err = cli(capsys, "bench", "--gguf", str(gguf), "--gpu", "RTX 4090")
    assert code == 2 and "llama-bench is not on PATH" in err
