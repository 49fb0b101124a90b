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
from typing import Any

import pytest

from llmtui.cli import run
from llmtui.core.hardware.running import BUDGET_S, TIMEOUT_S, endpoints, probe_servers

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
        server({"/props": LLAMA_PROPS}) as llama,
        server({"/v1/models": VLLM_MODELS}) as vllm,
    ):
        res = probe_servers({"LLMTUI_SERVERS": f"{ollama},{llama},{vllm},{closed_port()}"})
    got = {m.engine: m for m in res.raw["running"]}
    assert set(got) == {"ollama", "llama.cpp", "vllm"} and not res.warnings
    o, ls, v = got["ollama"], got["llama.cpp"], got["vllm"]
    assert (o.model, o.size_bytes, o.vram_bytes, o.ctx) == ("gemma3", 6591830464, 5333539264, 4096)
    assert (ls.model, ls.ctx, ls.slots) == ("Qwen3-8B-Q4_K_M.gguf", 32768, 4)
    assert (v.model, v.ctx) == ("Qwen/Qwen3-32B-AWQ", 16384)


def test_addresses_follow_the_users_settings() -> None:
    assert endpoints({"OLLAMA_HOST": "0.0.0.0:11500"})[0] == "http://0.0.0.0:11500"
    assert endpoints({})[1:] == ["http://127.0.0.1:8080", "http://127.0.0.1:8000"]
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
