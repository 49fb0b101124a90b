"""What is already running: inference servers on this machine and the models they hold.

Asked over HTTP during detection (a worker thread, never the UI thread), each request with a short
timeout and the whole probe within BUDGET_S:
- Ollama: GET /api/ps (https://docs.ollama.com/api/ps): models with size, size_vram, context_length;
  at OLLAMA_HOST, as the ollama client reads it, else 127.0.0.1:11434.
- llama-server: GET /props: model_path, total_slots, default_generation_settings.n_ctx.
- vLLM (and other OpenAI-compatible servers): GET /v1/models: data[].id, max_model_len, owned_by.
LLMTUI_SERVERS lists the addresses to ask (comma-separated URLs; "none" asks nothing); by default
Ollama's address, 127.0.0.1:8080 (llama-server's default port) and 127.0.0.1:8000 (vLLM's).
Every answer is untrusted: read through the trust boundary (size cap, sanitized text, numbers
checked); a refused connection is silence, an odd answer a line for `llmtui doctor`."""

from __future__ import annotations

import time
import urllib.error
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..boundary.text import one_line
from .types import SourceResult

TIMEOUT_S = 0.5
BUDGET_S = 1.5  # for the whole probe: a slow server must not hold detection (and the fits) back
MAX_ANSWER = 1_000_000  # bytes: a /api/ps or /v1/models answer is a few kB
MAX_MODELS = 64


@dataclass(frozen=True, slots=True)
class RunningModel:
    engine: str  # ollama | llama.cpp | vllm | openai-compatible
    endpoint: str
    model: str
    size_bytes: int | None = None  # memory the server says the model takes
    vram_bytes: int | None = None  # of which in GPU memory (Ollama)
    ctx: int | None = None  # context it was loaded with
    slots: int | None = None  # parallel sequences (llama-server)

    def to_json(self) -> dict[str, Any]:
        return {
            "engine": self.engine,
            "endpoint": self.endpoint,
            "model": self.model,
            "memory_bytes": self.size_bytes,
            "gpu_memory_bytes": self.vram_bytes,
            "ctx": self.ctx,
            "slots": self.slots,
        }


def endpoints(env: Mapping[str, str]) -> list[str]:
    listed = env.get("LLMTUI_SERVERS")
    if listed is not None:
        if listed.strip().lower() in ("", "none", "off"):
            return []
        return [_url(u) for u in listed.split(",") if u.strip()]
    return [_url(env.get("OLLAMA_HOST") or "127.0.0.1:11434"), "http://127.0.0.1:8080", "http://127.0.0.1:8000"]


def _url(text: str) -> str:
    t = text.strip().rstrip("/")
    if not t.startswith(("http://", "https://")):
        t = "http://" + t
    return t


def probe_servers(env: Mapping[str, str]) -> SourceResult:
    res = SourceResult("servers")
    running: list[RunningModel] = []
    deadline = time.monotonic() + BUDGET_S
    for url in endpoints(env):
        try:
            running.extend(_ask(url, res.warnings, deadline))
        except Exception as e:  # one odd server must not hide the others
            res.warnings.append(f"{one_line(url, limit=100)}: {type(e).__name__}")
    res.raw["running"] = running[:MAX_MODELS]
    return res


def _ask(url: str, warnings: list[str], deadline: float) -> list[RunningModel]:
    ps = _get(url, "/api/ps", warnings, deadline)
    if isinstance(ps, dict) and isinstance(ps.get("models"), list):
        return [m for m in (_ollama(url, x) for x in ps["models"][:MAX_MODELS]) if m]
    props = _get(url, "/props", warnings, deadline)
    if isinstance(props, dict) and ("total_slots" in props or "default_generation_settings" in props):
        return [_llama_server(url, props)]
    models = _get(url, "/v1/models", warnings, deadline)
    if isinstance(models, dict) and isinstance(models.get("data"), list):
        return [m for m in (_openai(url, x) for x in models["data"][:MAX_MODELS]) if m]
    return []


def _get(url: str, path: str, warnings: list[str], deadline: float) -> Any:
    from ..boundary import InputError
    from ..boundary.reader import decode, loads_json

    where = f"{one_line(url, limit=100)}{path}"
    left = deadline - time.monotonic()
    if left <= 0.05:
        return None  # the probe's time is spent: this server is left out

    req = urllib.request.Request(url + path, headers={"Accept": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=min(TIMEOUT_S, left)) as r:
            data = r.read(MAX_ANSWER + 1)
    except urllib.error.HTTPError:
        return None  # not this kind of server
    except (urllib.error.URLError, OSError, ValueError):
        return None  # nothing listening, or it did not answer in time
    if len(data) > MAX_ANSWER:
        warnings.append(f"{where}: answer larger than {MAX_ANSWER:,} bytes, ignored")
        return None
    try:
        return loads_json(decode(data, where), where)
    except InputError as e:
        warnings.append(f"{where}: {e.message}")
        return None


def _size(v: Any) -> int | None:
    return v if isinstance(v, int) and not isinstance(v, bool) and 0 < v < 1 << 50 else None


def _ollama(url: str, m: Any) -> RunningModel | None:
    if not isinstance(m, dict):
        return None
    name = one_line(m.get("name") or m.get("model") or "?", limit=120)
    return RunningModel(
        "ollama", url, name, _size(m.get("size")), _size(m.get("size_vram")), _size(m.get("context_length"))
    )


def _llama_server(url: str, props: dict[str, Any]) -> RunningModel:
    settings = props.get("default_generation_settings")
    ctx = settings.get("n_ctx") if isinstance(settings, dict) else None
    path = one_line(props.get("model_path") or props.get("model_alias") or "?", limit=200)
    return RunningModel(
        "llama.cpp", url, path.rsplit("/", 1)[-1], None, None, _size(ctx), _size(props.get("total_slots"))
    )


def _openai(url: str, m: Any) -> RunningModel | None:
    if not isinstance(m, dict) or not isinstance(m.get("id"), str):
        return None
    engine = "vllm" if m.get("owned_by") == "vllm" else "openai-compatible"
    return RunningModel(engine, url, one_line(m["id"], limit=160), ctx=_size(m.get("max_model_len")))
