"""What each inference server's answer says, read defensively: every field of the expected kind and
range or left unknown, every text one sanitized line. Shapes:
- Ollama /api/ps: https://docs.ollama.com/api/ps
- llama-server /props and /slots: tools/server/README.md of llama.cpp
- LM Studio /api/v0/models: https://lmstudio.ai/docs/app/api/endpoints/rest
- OpenAI-compatible /v1/models (vLLM adds max_model_len, owned_by "vllm"; SGLang owned_by "sglang")
- vLLM /metrics: Prometheus text (docs/design/metrics.md: vllm:num_requests_running, ..._waiting,
  vllm:kv_cache_usage_perc (V1) or vllm:gpu_cache_usage_perc (V0), vllm:cache_config_info labels)
- SGLang /get_server_info: max_total_num_tokens, max_running_requests
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from ..boundary.text import one_line

if TYPE_CHECKING:
    from .running import RunningModel

MAX_METRIC_LINES = 20_000


def size(v: Any) -> int | None:
    """A positive whole number below 2^50, else unknown."""
    return v if isinstance(v, int) and not isinstance(v, bool) and 0 < v < 1 << 50 else None


def count(v: Any) -> int | None:
    """A whole number from 0 to 1,000,000 (an int, or a float with no fraction), else unknown."""
    if isinstance(v, bool):
        return None
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    return v if isinstance(v, int) and 0 <= v <= 1_000_000 else None


def fraction(v: Any) -> float | None:
    if isinstance(v, bool) or not isinstance(v, int | float):
        return None
    return float(v) if 0.0 <= v <= 1.0 else None


def _name(v: Any, limit: int = 160) -> str:
    return one_line(v if isinstance(v, str) and v.strip() else "?", limit=limit)


def ollama_models(url: str, models: Iterable[Any]) -> list[RunningModel]:
    from .running import RunningModel

    out = []
    for m in models:
        if isinstance(m, dict):
            name = _name(m.get("name") or m.get("model"), 120)
            out.append(
                RunningModel(
                    "ollama", url, name, size(m.get("size")), size(m.get("size_vram")), size(m.get("context_length"))
                )
            )
    return out


def slots_facts(slots: Any) -> dict[str, int | None]:
    """llama-server /slots: how many slots, how many are processing, each slot's context."""
    if not isinstance(slots, list) or not slots or len(slots) > 4096:
        return {}
    entries = [s for s in slots if isinstance(s, dict)]
    ctxs = {size(s.get("n_ctx")) for s in entries}
    return {
        "slots": len(entries),
        "busy": sum(1 for s in entries if s.get("is_processing") is True),
        "ctx": ctxs.pop() if len(ctxs) == 1 else None,
    }


def llama_server(url: str, props: dict[str, Any], slots: dict[str, int | None]) -> RunningModel:
    from .running import RunningModel

    settings = props.get("default_generation_settings")
    ctx = size(settings.get("n_ctx")) if isinstance(settings, dict) else None
    path = _name(props.get("model_path") or props.get("model_alias"), 200)
    return RunningModel(
        "llama.cpp",
        url,
        path.rsplit("/", 1)[-1],
        ctx=slots.get("ctx") or ctx,
        slots=slots.get("slots") or size(props.get("total_slots")),
        busy=slots.get("busy"),
    )


def lmstudio_models(url: str, models: Iterable[Any]) -> list[RunningModel]:
    from .running import RunningModel

    out = []
    for m in models:
        if isinstance(m, dict) and m.get("state") == "loaded":
            ctx = size(m.get("loaded_context_length")) or size(m.get("max_context_length"))
            out.append(RunningModel("lmstudio", url, _name(m.get("id")), ctx=ctx))
    return out


ENGINES_BY_OWNER = {"vllm": "vllm", "sglang": "sglang", "llamacpp": "llama.cpp"}


def openai_models(url: str, models: Iterable[Any]) -> list[RunningModel]:
    from .running import RunningModel

    out = []
    for m in models:
        if isinstance(m, dict) and isinstance(m.get("id"), str):
            owner = m.get("owned_by")
            engine = ENGINES_BY_OWNER.get(owner, "openai-compatible") if isinstance(owner, str) else "openai-compatible"
            out.append(RunningModel(engine, url, _name(m["id"]), ctx=size(m.get("max_model_len"))))
    return out


_LINE = re.compile(r"^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})?\s+(\S+)")
_LABEL = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"')


def _number(text: str) -> float | None:
    from ..boundary import InputError
    from ..boundary.numbers import number

    try:
        return number(text, "metric", lo=0, hi=1e15)
    except InputError:
        return None


def metrics_facts(text: str) -> dict[str, Any]:
    """vLLM's /metrics: running and waiting requests, KV cache use and capacity, its memory share.
    Values of several model_name series are summed (running, waiting) or the largest kept (use)."""
    wanted = {
        "vllm:num_requests_running",
        "vllm:num_requests_waiting",
        "vllm:kv_cache_usage_perc",
        "vllm:gpu_cache_usage_perc",
        "vllm:cache_config_info",
    }
    seen: dict[str, float] = {}
    labels: dict[str, str] = {}
    for n, raw in enumerate(text.splitlines()):
        if n > MAX_METRIC_LINES:
            break
        if not raw.startswith("vllm:"):
            continue
        m = _LINE.match(raw)
        if m is None or m.group(1) not in wanted:
            continue
        value = _number(m.group(3))
        if value is None:
            continue
        name = m.group(1)
        if name == "vllm:cache_config_info":
            labels = {k: v for k, v in _LABEL.findall(m.group(2) or "")}
            continue
        seen[name] = seen.get(name, 0.0) + value if "num_requests" in name else max(seen.get(name, 0.0), value)
    facts: dict[str, Any] = {}
    running, waiting = seen.get("vllm:num_requests_running"), seen.get("vllm:num_requests_waiting")
    if running is not None:
        facts["busy"] = count(running)
    if waiting is not None:
        facts["waiting"] = count(waiting)
    use = seen.get("vllm:kv_cache_usage_perc", seen.get("vllm:gpu_cache_usage_perc"))
    if use is not None:
        facts["kv_used"] = fraction(use)
    blocks, block = _number(labels.get("num_gpu_blocks", "")), _number(labels.get("block_size", ""))
    if blocks and block and blocks.is_integer() and block.is_integer():
        facts["kv_tokens"] = size(int(blocks) * int(block))
    util = _number(labels.get("gpu_memory_utilization", ""))
    if util is not None:
        facts["gpu_memory_utilization"] = fraction(util) or None
    return {k: v for k, v in facts.items() if v is not None}


def sglang_facts(info: Any) -> dict[str, Any]:
    """SGLang's /get_server_info: the KV pool in tokens and the most requests it runs at once."""
    if not isinstance(info, dict):
        return {}
    facts = {"kv_tokens": size(info.get("max_total_num_tokens")), "slots": size(info.get("max_running_requests"))}
    return {k: v for k, v in facts.items() if v is not None}
