"""What is running: inference servers on this machine, against fake Ollama, llama-server and vLLM
servers on 127.0.0.1 (recorded answer shapes; slow, garbage and refusing servers too)."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from llmtui.cli import run
from llmtui.core.hardware.running import BUDGET_S, TIMEOUT_S, endpoints, probe_servers
from tests.fixtures import fake_nvml as fn
from tests.fixtures.fake_roots import linux_host, make_roots

# The shape of docs.ollama.com/api/ps's example answer
OLLAMA_PS = {
    "models": [
        {
            "name": "gemma3",
            "model": "gemma3",
            "size": 6591830464,
            "digest": "a2af6cc3eb7fa8be8504abaf9b04e88f17a119ec3f04a3addf55f92841195f5a",
            "details": {"format": "gguf", "family": "gemma3", "parameter_size": "4.3B", "quantization_level": "Q4_K_M"},
            "expires_at": "2025-10-17T16:47:07.93355-07:00",
            "size_vram": 5333539264,
            "context_length": 4096,
        }
    ]
}
LLAMA_PROPS = {
    "default_generation_settings": {"n_ctx": 32768},
    "total_slots": 4,
    "model_path": "/models/Qwen3-8B-Q4_K_M.gguf",
}
VLLM_MODELS = {
    "object": "list",
    "data": [{"id": "Qwen/Qwen3-32B-AWQ", "object": "model", "owned_by": "vllm", "max_model_len": 16384}],
}
# llama-server's /slots: one object per slot (tools/server/README.md)
LLAMA_SLOTS = [{"id": i, "id_task": -1, "n_ctx": 8192, "speculative": False, "is_processing": i < 3} for i in range(4)]
# vLLM's /metrics, Prometheus text as a V1 engine writes it (docs/design/metrics.md)
VLLM_METRICS = b"""# HELP vllm:num_requests_running Number of requests in model execution batches.
# TYPE vllm:num_requests_running gauge
vllm:num_requests_running{engine="0",model_name="Qwen/Qwen3-32B-AWQ"} 7.0
vllm:num_requests_waiting{engine="0",model_name="Qwen/Qwen3-32B-AWQ"} 2.0
vllm:kv_cache_usage_perc{engine="0",model_name="Qwen/Qwen3-32B-AWQ"} 0.4375
vllm:cache_config_info{block_size="16",cache_dtype="auto",gpu_memory_utilization="0.9",num_gpu_blocks="8192"} 1.0
vllm:generation_tokens_total{engine="0",model_name="Qwen/Qwen3-32B-AWQ"} 123456.0
"""
LMSTUDIO_MODELS = {
    "object": "list",
    "data": [
        {"id": "qwen3-8b", "object": "model", "state": "loaded", "max_context_length": 32768},
        {"id": "gemma-3-4b", "object": "model", "state": "not-loaded", "max_context_length": 131072},
    ],
}
SGLANG_MODELS = {"object": "list", "data": [{"id": "Qwen/Qwen3-8B", "object": "model", "owned_by": "sglang"}]}
SGLANG_INFO = {"max_total_num_tokens": 400000, "max_running_requests": 128, "context_length": 32768}


@contextmanager
def server(routes: dict[str, Any], delay: float = 0.0) -> Iterator[str]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

        def do_GET(self) -> None:
            time.sleep(delay)
            body = routes.get(self.path)
            if body is None:
                self.send_response(404)
                self.end_headers()
                return
            data = body if isinstance(body, bytes) else json.dumps(body).encode()
            self.send_response(200)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


def closed_port() -> str:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return f"127.0.0.1:{s.getsockname()[1]}"


def test_each_engine_is_recognised() -> None:
    with (
        server({"/api/ps": OLLAMA_PS}) as ollama,
        server({"/props": LLAMA_PROPS, "/slots": LLAMA_SLOTS}) as llama,
        server({"/v1/models": VLLM_MODELS, "/metrics": VLLM_METRICS}) as vllm,
        server({"/api/v0/models": LMSTUDIO_MODELS, "/v1/models": {"data": []}}) as lmstudio,
        server({"/v1/models": SGLANG_MODELS, "/get_server_info": SGLANG_INFO}) as sglang,
    ):
        closed = closed_port()
        res = probe_servers({"LLMTUI_SERVERS": f"{ollama},{llama},{vllm},{lmstudio},{sglang},{closed}"})
    got = {m.engine: m for m in res.raw["running"]}
    assert set(got) == {"ollama", "llama.cpp", "vllm", "lmstudio", "sglang"} and not res.warnings
    o, ls, v = got["ollama"], got["llama.cpp"], got["vllm"]
    assert (o.model, o.size_bytes, o.vram_bytes, o.ctx) == ("gemma3", 6591830464, 5333539264, 4096)
    # /slots wins over /props: four slots of 8192 each, three processing
    assert (ls.model, ls.ctx, ls.slots, ls.busy) == ("Qwen3-8B-Q4_K_M.gguf", 8192, 4, 3)
    assert (v.model, v.ctx, v.busy, v.waiting, v.kv_used) == ("Qwen/Qwen3-32B-AWQ", 16384, 7, 2, 0.4375)
    assert (v.kv_tokens, v.gpu_memory_utilization) == (8192 * 16, 0.9)
    assert [(m.model, m.ctx) for m in res.raw["running"] if m.engine == "lmstudio"] == [("qwen3-8b", 32768)]
    assert (got["sglang"].kv_tokens, got["sglang"].slots) == (400000, 128)
    lines = res.raw["endpoints"]  # one line per address for doctor, the closed port among them
    assert len(lines) == 6 and lines[-1] == f"http://{closed}: nothing listening (connection refused)"
    assert lines[1].endswith("llama-server") and lines[2].endswith("vLLM")


def test_a_llama_server_without_slots_and_a_vllm_without_metrics() -> None:
    with server({"/props": LLAMA_PROPS}) as llama, server({"/v1/models": VLLM_MODELS}) as vllm:
        res = probe_servers({"LLMTUI_SERVERS": f"{llama},{vllm}"})
    ls, v = res.raw["running"]
    assert (ls.ctx, ls.slots, ls.busy) == (32768, 4, None) and (v.busy, v.kv_tokens) == (None, None)
    assert res.raw["endpoints"][0].endswith("(/slots not exposed)")
    assert res.raw["endpoints"][1].endswith("(/metrics not readable)")


@pytest.mark.parametrize(
    "metrics",
    [
        b'vllm:num_requests_running{a="b"} NaN\nvllm:kv_cache_usage_perc 7.5\n',
        b'vllm:cache_config_info{num_gpu_blocks="1e99",block_size="-16"} 1\n',
        b"\xff\xfe garbage \x00",
        b"vllm:num_requests_running " + b"9" * 70 + b"\n",
    ],
)
def test_odd_metrics_are_unknown_not_errors(metrics: bytes) -> None:
    with server({"/v1/models": VLLM_MODELS, "/metrics": metrics}) as vllm:
        res = probe_servers({"LLMTUI_SERVERS": vllm})
    (v,) = res.raw["running"]
    assert (v.busy, v.kv_used, v.kv_tokens) == (None, None, None)


def test_addresses_follow_the_users_settings() -> None:
    assert endpoints({"OLLAMA_HOST": "0.0.0.0:11500"})[0] == "http://0.0.0.0:11500"
    assert endpoints({})[1:] == [
        "http://127.0.0.1:8080",
        "http://127.0.0.1:8000",
        "http://127.0.0.1:1234",
        "http://127.0.0.1:30000",
    ]
    assert endpoints({"LLMTUI_SERVERS": "none"}) == []


def test_garbage_slow_and_hostile_answers() -> None:
    hostile = {"models": [{"name": "\x1b]52;c;ZXZpbA==\x07evil\x1b[2J", "size": -5, "size_vram": True}, "x"] * 100}
    with (
        server({"/api/ps": b"{not json"}) as garbage,
        server({"/api/ps": hostile}) as evil,
        server({"/api/ps": OLLAMA_PS}, delay=TIMEOUT_S * 4) as slow,
    ):
        t0 = time.perf_counter()
        res = probe_servers({"LLMTUI_SERVERS": f"{garbage},{evil},{slow}"})
        took = time.perf_counter() - t0
    assert any("api/ps" in w for w in res.warnings)  # the garbage: one line for doctor, no exception
    evil_models = res.raw["running"]
    assert evil_models and all("\x1b" not in m.model and "\x07" not in m.model for m in evil_models)
    assert all(m.size_bytes is None and m.vram_bytes is None for m in evil_models)
    assert len(evil_models) <= 64
    assert took < TIMEOUT_S * 3 * 4 + 2  # each request bounded (the slow one gives up, never hangs)
    assert took < BUDGET_S + 1.0  # and the whole probe: a slow server cannot hold detection back
    assert res.raw["endpoints"][2].endswith(f"no answer within {TIMEOUT_S:g} s")


def test_detect_lists_what_is_running(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    with server({"/api/ps": OLLAMA_PS}) as ollama:
        monkeypatch.setenv("LLMTUI_SERVERS", ollama)  # only the fake: no real port of this machine is asked
        assert run(["detect", "--json"]) == 0
        d = json.loads(capsys.readouterr().out)
        assert d["running"][0]["engine"] == "ollama" and d["running"][0]["gpu_memory_bytes"] == 5333539264
        assert run(["detect"]) == 0
        assert "Running: ollama: gemma3 · 6.1 GiB, 5.0 GiB on GPU · ctx 4096" in capsys.readouterr().out


async def test_the_hardware_pane_shows_what_is_running(catalog, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    from llmtui.ui.app import LlmtuiApp
    from tests.ui.test_main_screen import main_of, settle

    with server({"/api/ps": OLLAMA_PS}) as ollama:
        monkeypatch.setenv("LLMTUI_SERVERS", ollama)
        app = LlmtuiApp(catalog=catalog, detect=True)
        async with app.run_test(size=(120, 40)) as pilot:
            for _ in range(100):
                await settle(pilot)
                text = str(main_of(app).query_one("#hardware").render())
                if "running" in text:
                    break
            assert "ollama running" in text and "gemma3 · 6.1 GiB, 5.0 GiB on GPU" in text


def test_doctor_names_each_address(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    with server({"/api/ps": b"{not json"}) as garbage:
        closed = closed_port()
        monkeypatch.setenv("LLMTUI_SERVERS", f"{garbage},{closed}")
        assert run(["doctor"]) == 0
    report = json.loads(capsys.readouterr().out)
    servers = next(s for s in report["sources"] if s["name"] == "servers")
    assert servers["ok"] and f"http://{closed}: nothing listening (connection refused)" in servers["raw"]["endpoints"]
    assert any("/api/ps" in w for w in servers["warnings"])


def gpu_server(tmp_path: Path, catalog, llama_url: str):  # type: ignore[no-untyped-def]
    """A fake H100 box: a llama-server (pid 4242) at llama_url, a second process (pid 777) holding
    memory; their command lines in a fake /proc."""
    from llmtui.core.hardware import Probes, detect

    port = llama_url.rsplit(":", 1)[1]
    files = linux_host()
    files["proc/4242/cmdline"] = "\x00".join(
        [
            "/opt/llama/llama-server",
            "-m",
            "/models/Qwen3-8B-Q4_K_M.gguf",
            "--port",
            port,
            "--api-key",
            "sk-SECRETSECRET1234",
        ]
    )
    files["proc/777/cmdline"] = "python3\x00train.py\x00--hf-token=hf_abcdefghijklmnopq\x00--note\x00\x1b[31mred"
    roots = make_roots(tmp_path, files, env={"LLMTUI_SERVERS": llama_url})
    gpu = fn.h100(
        used=70 * fn.GiB,
        processes=[
            fn.FakeProcess(4242, 6 * fn.GiB, "/opt/llama/llama-server"),
            fn.FakeProcess(777, 60 * fn.GiB, "python3"),
            fn.FakeProcess(1500, None, "/usr/lib/xorg/Xorg", graphics=True),
        ],
    )
    return detect(catalog, Probes(roots=roots, nvml=fn.make(fn.Spec([gpu]))))


def test_gpu_processes_are_named_and_matched_to_their_server(tmp_path: Path, catalog) -> None:  # type: ignore[no-untyped-def]
    with server({"/props": LLAMA_PROPS, "/slots": LLAMA_SLOTS}) as llama:
        m = gpu_server(tmp_path, catalog, llama)
    procs = {p.pid: p for p in m.processes}
    assert set(procs) == {4242, 777, 1500}
    assert procs[4242].name == "/opt/llama/llama-server" and procs[1500].kind == "graphics"
    assert procs[1500].used_bytes is None  # NVML could not say: unknown, not zero
    # secrets never leave the machine's /proc: flag values and token-shaped words are hidden
    assert "--api-key ***" in procs[4242].command and "SECRET" not in procs[4242].command
    assert "--hf-token=***" in procs[777].command and "hf_abc" not in procs[777].command
    assert "\x1b" not in procs[777].command
    (ls,) = m.running
    assert ls.devices == (("GPU 0", 6 * fn.GiB),) and ls.pids == (4242,)
    labels = [(h.label, h.gpu_bytes) for h in m.build.holders]
    assert labels == [
        ("python3 (pid 777)", (60 * fn.GiB,)),
        (f"llama.cpp at {llama} (Qwen3-8B-Q4_K_M.gguf)", (6 * fn.GiB,)),
    ]
    from llmtui.cli.detect_cmd import detect_text
    from llmtui.core.output import hardware_lines

    text = detect_text(m)
    assert "GPU process: python3 (pid 777) · 60.0 GiB on GPU 0 · python3 train.py --hf-token=*** --note [31mred" in text
    assert "Running: llama.cpp: Qwen3-8B-Q4_K_M.gguf · 6.0 GiB on GPU 0 · ctx 8192 · 3 of 4 slots busy" in text
    pane = [ln.detail for ln in hardware_lines(m.build, m) if ln.label == "holds GPU memory"]
    assert pane == ["python3 (pid 777) · 60.0 GiB on GPU 0 · python3 train.py --hf-token=*** --note [31mred"]
    d = m.to_json()
    assert d["running"][0]["memory_per_device"] == [{"device": "GPU 0", "bytes": 6 * fn.GiB}]
    assert {p["pid"] for p in d["gpu_processes"]} == {4242, 777, 1500}


def test_no_process_list_is_no_holders(tmp_path: Path, catalog) -> None:  # type: ignore[no-untyped-def]
    from llmtui.core.hardware import Probes, detect

    roots = make_roots(tmp_path, linux_host())
    spec = fn.Spec([fn.h100()], call_errors={("nvmlDeviceGetComputeRunningProcesses", 0): fn.NVML_ERROR_NO_PERMISSION})
    m = detect(catalog, Probes(roots=roots, nvml=fn.make(spec)))
    assert m.processes == [] and m.build.holders == () and len(m.build.gpus) == 1


def test_the_remote_probe_asks_the_same_servers(catalog, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    """The real probe script, run by this machine's Python as ssh would run it remotely, against fake
    servers; its answer parsed by the same code as a local detect."""
    import subprocess
    import sys

    from llmtui.core.remote import check_answer, machine_from_raw
    from llmtui.core.remote_probe import PROBE

    with (
        server({"/api/ps": OLLAMA_PS}) as ollama,
        server({"/v1/models": VLLM_MODELS, "/metrics": VLLM_METRICS}) as vllm,
        server({"/props": LLAMA_PROPS}, delay=TIMEOUT_S * 4) as slow,
    ):
        closed = closed_port()
        env = {"PATH": "/usr/bin:/bin", "LLMTUI_SERVERS": f"{ollama},{vllm},{slow},{closed}"}
        out = subprocess.run([sys.executable, "-"], input=PROBE, capture_output=True, text=True, env=env, timeout=60)
    assert out.returncode == 0, out.stderr
    raw = json.loads(out.stdout)
    m = machine_from_raw(check_answer(raw, "h"), catalog, "h")
    got = {r.engine: r for r in m.running}
    assert set(got) == {"ollama", "vllm"} and got["vllm"].busy == 7 and got["ollama"].vram_bytes == 5333539264
    lines = next(s for s in m.sources if s.name == "servers").raw["endpoints"]
    assert lines[2].endswith(f"no answer within {TIMEOUT_S:g} s")
    assert lines[3] == f"http://{closed}: nothing listening (connection refused)"


def test_a_hostile_remote_answer_about_servers(catalog) -> None:  # type: ignore[no-untyped-def]
    from llmtui.core.remote import RemoteError, check_answer, machine_from_raw

    base = {"version": 1, "platform": "linux", "files": {"/proc/meminfo": "MemTotal: 1000000 kB\n"}}
    with pytest.raises(RemoteError, match="'http'"):
        check_answer({**base, "http": ["x"]}, "h")
    with pytest.raises(RemoteError, match="'nvidia_smi_apps'"):
        check_answer({**base, "nvidia_smi_apps": "rm -rf /"}, "h")
    evil = {
        "http://127.0.0.1:11434/api/ps": [200, json.dumps({"models": [{"name": "\x1b[2Jx", "size": 1e300}]})],
        "http://127.0.0.1:8080/api/ps": [True, "x"],  # not a [status, text] pair: dropped
        "http://127.0.0.1:8000/api/ps": [-1, "\x1b]52;c;ZXZpbA==\x07 refused"],
    }
    apps = "GPU-1, 12, \x1b[31mevil, 1e99\nGPU-1, notapid, x, 5\n"
    smi = (
        "0, NVIDIA H100 80GB HBM3, GPU-1, 0x233010DE, 00000000:18:00.0, 81559, 1000, 80559, 9.0, 700.00, 2619, 580.1\n"
    )
    raw = {**base, "http": evil, "nvidia_smi": [0, smi], "nvidia_smi_apps": [0, apps]}
    m = machine_from_raw(raw, catalog, "h")
    assert [(r.model, r.size_bytes) for r in m.running] == [("[2Jx", None)]
    lines = next(s for s in m.sources if s.name == "servers").raw["endpoints"]
    assert all("\x1b" not in ln and "\x07" not in ln for ln in lines)
    (p,) = m.processes
    assert p.pid == 12 and p.used_bytes is None and "\x1b" not in p.name
