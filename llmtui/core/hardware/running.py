"""What is already running: inference servers on this machine and the models they hold.

Asked over HTTP during detection (a worker thread, never the UI thread), each request with a short
timeout and the whole probe within BUDGET_S:
- Ollama: GET /api/ps (https://docs.ollama.com/api/ps): models with size, size_vram, context_length;
  at OLLAMA_HOST, as the ollama client reads it, else 127.0.0.1:11434.
- llama-server: GET /props (model_path, total_slots, default_generation_settings.n_ctx) and /slots
  (one entry per slot: n_ctx, is_processing), where the server exposes it.
- LM Studio: GET /api/v0/models, the models whose state is "loaded" (loaded_context_length).
- vLLM, SGLang and other OpenAI-compatible servers: GET /v1/models (data[].id, max_model_len,
  owned_by); vLLM's /metrics (Prometheus text: requests running and waiting, KV cache use, and
  cache_config_info's block size, GPU blocks and gpu_memory_utilization); SGLang's /get_server_info.
LLMTUI_SERVERS lists the addresses to ask (comma-separated URLs; "none" asks nothing); by default
Ollama's address and the default ports of llama-server (8080), vLLM (8000), LM Studio (1234) and
SGLang (30000) on 127.0.0.1. Every answer is untrusted: read through the trust boundary (size cap,
sanitized text, numbers checked); each address gets one line for `llmtui doctor` (what answered,
nothing listening, too slow, an odd answer), never an error.

A remote machine (`llmtui remote`) is asked by its own probe script; its recorded answers are
replayed here through `fetch`, so both are parsed by the same code.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ..boundary.text import one_line
from .server_answers import (
    llama_server,
    lmstudio_models,
    metrics_facts,
    ollama_models,
    openai_models,
    sglang_facts,
    slots_facts,
)
from .types import SourceResult

TIMEOUT_S = 0.5
BUDGET_S = 1.5  # for the whole probe: a slow server must not hold detection (and the fits) back
MAX_ANSWER = 1_000_000  # bytes: a /api/ps or /v1/models answer is a few kB, vLLM's /metrics ~100 kB
MAX_MODELS = 64
DEFAULT_PORTS = (8080, 8000, 1234, 30000)  # llama-server, vLLM, LM Studio, SGLang
OLLAMA_DEFAULT = "127.0.0.1:11434"
# Every path any engine is asked on, in the order they are asked (the remote probe asks them all).
PATHS = ("/api/ps", "/props", "/slots", "/api/v0/models", "/v1/models", "/metrics", "/get_server_info")


class Unreachable(Exception):
    """Nothing answered at an address (refused, timed out, no route): a line for doctor."""


# (url, path, timeout) -> (HTTP status, body); raises Unreachable when nothing answers.
Fetch = Callable[[str, str, float], "tuple[int, bytes]"]


@dataclass(frozen=True, slots=True)
class RunningModel:
    engine: str  # ollama | llama.cpp | vllm | sglang | lmstudio | openai-compatible
    endpoint: str
    model: str
    size_bytes: int | None = None  # memory the server says the model takes
    vram_bytes: int | None = None  # of which in GPU memory (Ollama)
    ctx: int | None = None  # context it was loaded with (per slot for llama-server)
    slots: int | None = None  # parallel sequences (llama-server -np, SGLang max running requests)
    busy: int | None = None  # sequences being processed now (llama-server slots, vLLM/SGLang running)
    waiting: int | None = None  # requests queued (vLLM)
    kv_used: float | None = None  # fraction of the KV cache in use now (vLLM)
    kv_tokens: int | None = None  # KV cache capacity in tokens (vLLM blocks x block size, SGLang)
    gpu_memory_utilization: float | None = None  # vLLM's share of each GPU
    devices: tuple[tuple[str, int], ...] = field(default=())  # (GPU, bytes) its processes hold (NVML)
    pids: tuple[int, ...] = field(default=())

    def to_json(self) -> dict[str, Any]:
        return {
            "engine": self.engine,
            "endpoint": self.endpoint,
            "model": self.model,
            "memory_bytes": self.size_bytes,
            "gpu_memory_bytes": self.vram_bytes
            if self.vram_bytes is not None or not self.devices
            else sum(b for _, b in self.devices),
            "memory_per_device": [{"device": d, "bytes": b} for d, b in self.devices],
            "pids": list(self.pids),
            "ctx": self.ctx,
            "slots": self.slots,
            "busy": self.busy,
            "waiting": self.waiting,
            "kv_cache_used": self.kv_used,
            "kv_cache_tokens": self.kv_tokens,
            "gpu_memory_utilization": self.gpu_memory_utilization,
        }

    @property
    def port(self) -> int | None:
        tail = self.endpoint.rsplit(":", 1)[-1]
        return int(tail) if tail.isdigit() and len(tail) <= 5 else None


def endpoints(env: Mapping[str, str]) -> list[str]:
    listed = env.get("LLMTUI_SERVERS")
    if listed is not None:
        if listed.strip().lower() in ("", "none", "off"):
            return []
        return [_url(u) for u in listed.split(",") if u.strip()][:16]
    ollama = _url(env.get("OLLAMA_HOST") or OLLAMA_DEFAULT)
    return [ollama, *(f"http://127.0.0.1:{p}" for p in DEFAULT_PORTS)]


def _url(text: str) -> str:
    t = one_line(text.strip().rstrip("/"), limit=200)
    if not t.startswith(("http://", "https://")):
        t = "http://" + t
    return t


def http_fetch(url: str, path: str, timeout: float) -> tuple[int, bytes]:
    """GET url+path: (status, up to MAX_ANSWER + 1 bytes of the body); Unreachable when nothing answers."""
    import urllib.error  # imported when detection asks, not when llmtui starts
    import urllib.request

    req = urllib.request.Request(url + path, headers={"Accept": "application/json, text/plain"})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.status, r.read(MAX_ANSWER + 1)
    except urllib.error.HTTPError as e:
        return e.code, b""
    except urllib.error.URLError as e:
        raise Unreachable(_reason(e.reason)) from None
    except (OSError, ValueError) as e:
        raise Unreachable(_reason(e)) from None


def _reason(e: object) -> str:
    if isinstance(e, ConnectionRefusedError):
        return "nothing listening (connection refused)"
    if isinstance(e, TimeoutError) or "timed out" in str(e):
        return f"no answer within {TIMEOUT_S:g} s"
    return one_line(f"not reachable ({type(e).__name__ if not isinstance(e, str) else e})", limit=120)


def probe_servers(env: Mapping[str, str], fetch: Fetch | None = None) -> SourceResult:
    """The models the servers at `endpoints(env)` hold. raw['endpoints']: one line per address."""
    res = SourceResult("servers")
    running: list[RunningModel] = []
    lines: list[str] = []
    asker = _Asker(fetch or http_fetch, time.monotonic() + BUDGET_S, res.warnings)
    for url in endpoints(env):
        try:
            found, state = _ask(url, asker)
        except Unreachable as e:
            found, state = [], str(e)
        except Exception as e:  # one odd server must not hide the others
            found, state = [], f"odd answer ({type(e).__name__})"
            res.warnings.append(f"{one_line(url, limit=100)}: {type(e).__name__}")
        running.extend(found)
        lines.append(f"{one_line(url, limit=100)}: {state}")
    res.raw["running"] = running[:MAX_MODELS]
    res.raw["endpoints"] = lines
    return res


@dataclass
class _Asker:
    fetch: Fetch
    deadline: float
    warnings: list[str]

    def get(self, url: str, path: str, *, text: bool = False) -> Any:
        """The parsed answer of url+path; None for 'not this kind of server' or an odd answer
        (a warning for doctor). Raises Unreachable when nothing answers or the time is spent."""
        from ..boundary import InputError
        from ..boundary.reader import decode, loads_json

        where = f"{one_line(url, limit=100)}{path}"
        left = self.deadline - time.monotonic()
        if left <= 0.05:
            raise Unreachable("not asked: the probe's time was spent")
        status, data = self.fetch(url, path, min(TIMEOUT_S, left))
        if status != 200:
            return None
        if len(data) > MAX_ANSWER:
            self.warnings.append(f"{where}: answer larger than {MAX_ANSWER:,} bytes, ignored")
            return None
        try:
            body = decode(data, where)
            return body if text else loads_json(body, where)
        except InputError as e:
            self.warnings.append(f"{where}: {e.message}")
            return None


def _ask(url: str, a: _Asker) -> tuple[list[RunningModel], str]:
    ps = a.get(url, "/api/ps")
    if isinstance(ps, dict) and isinstance(ps.get("models"), list):
        found = ollama_models(url, ps["models"][:MAX_MODELS])
        return found, f"Ollama, {len(found)} model(s) loaded"
    props = a.get(url, "/props")
    if isinstance(props, dict) and ("total_slots" in props or "default_generation_settings" in props):
        slots = a.get(url, "/slots")
        m = llama_server(url, props, slots_facts(slots))
        return [m], "llama-server" + ("" if isinstance(slots, list) else " (/slots not exposed)")
    lms = a.get(url, "/api/v0/models")
    if isinstance(lms, dict) and isinstance(lms.get("data"), list):
        found = lmstudio_models(url, lms["data"][:MAX_MODELS])
        return found, f"LM Studio, {len(found)} model(s) loaded"
    models = a.get(url, "/v1/models")
    if isinstance(models, dict) and isinstance(models.get("data"), list):
        found = openai_models(url, models["data"][:MAX_MODELS])
        engines = {m.engine for m in found}
        if "vllm" in engines:
            metrics = a.get(url, "/metrics", text=True)
            facts = metrics_facts(metrics) if isinstance(metrics, str) else {}
            found = [_with(m, facts) for m in found]
            return found, "vLLM" + ("" if facts else " (/metrics not readable)")
        if "sglang" in engines:
            facts = sglang_facts(a.get(url, "/get_server_info"))
            return [_with(m, facts) for m in found], "SGLang"
        return found, "an OpenAI-compatible server" if found else "odd answer (/v1/models lists no model)"
    return [], "answers HTTP, but none of the known servers' APIs"


def _with(m: RunningModel, facts: Mapping[str, Any]) -> RunningModel:
    from dataclasses import replace

    return replace(m, **{k: v for k, v in facts.items() if getattr(m, k) is None})
