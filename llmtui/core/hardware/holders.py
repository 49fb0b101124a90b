"""Who holds GPU memory now: NVML's processes with their command lines, matched to the inference
servers that answered, as Holders of a detected Build ("fits if you stop X").

Matching is by the command line, stated as such: a process belongs to a server when its command names
that engine (llama-server, vllm, sglang, ollama, LM Studio) and its --port is the server's port, or it
states no port and is the only server of that engine (vLLM's tensor-parallel workers carry no port).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from ..boundary.text import one_line
from ..build import Holder
from .roots import Roots
from .running import RunningModel
from .types import GpuProcess

MAX_COMMAND = 300
_SECRET = re.compile(r"(key|token|secret|passw|auth|cookie|credential)", re.IGNORECASE)
_TOKEN_VALUE = re.compile(r"^(hf_|sk-|ghp_|xox[bp]-)[A-Za-z0-9_-]{8,}")
ENGINE_WORDS = {
    "llama.cpp": ("llama-server", "llama.cpp", "llama_cpp"),
    "vllm": ("vllm",),
    "sglang": ("sglang",),
    "ollama": ("ollama",),
    "lmstudio": ("lm studio", "lmstudio", "lm-studio", "llmster"),
}
DEFAULT_PORT = {"llama.cpp": 8080, "vllm": 8000, "sglang": 30000, "ollama": 11434, "lmstudio": 1234}
_PORT = re.compile(r"(?:^|\s)--port(?:=|\s+)(\d{1,5})(?:\s|$)")


def redact(args: Sequence[str]) -> list[str]:
    """A command line without what looks secret: the value of any --*key*/*token*/*secret* flag
    (either form, --api-key X or --api-key=X) and anything shaped like an access token."""
    out: list[str] = []
    hide_next = False
    for a in args:
        if hide_next:
            out.append("***")
            hide_next = False
            continue
        if a.startswith("-") and _SECRET.search(a.split("=", 1)[0]):
            if "=" in a:
                out.append(a.split("=", 1)[0] + "=***")
            else:
                out.append(a)
                hide_next = True
            continue
        out.append("***" if _TOKEN_VALUE.match(a) else a)
    return out


def command_line(roots: Roots, pid: int) -> str:
    """/proc/PID/cmdline as one sanitized line, secrets removed; "" when it cannot be read."""
    text = roots.read(Path(roots.proc) / str(pid) / "cmdline")
    if not text:
        return ""
    args = [a for a in text[:20_000].split("\x00") if a]
    return one_line(" ".join(redact(args)), limit=MAX_COMMAND)


def with_commands(processes: list[GpuProcess], roots: Roots) -> list[GpuProcess]:
    cache: dict[int, str] = {}
    for p in processes:
        if p.pid not in cache:
            cache[p.pid] = command_line(roots, p.pid)
        p.command = cache[p.pid]
        p.name = one_line(p.name, limit=120)
        p.gpu_name = one_line(p.gpu_name, limit=120)
    return processes


def _engine_of(p: GpuProcess) -> str | None:
    text = f"{p.name} {p.command}".lower()
    for engine, words in ENGINE_WORDS.items():
        if any(w in text for w in words):
            return engine
    return None


def _stated_port(p: GpuProcess) -> int | None:
    m = _PORT.search(p.command)
    return int(m.group(1)) if m else None


def attribute(running: list[RunningModel], processes: list[GpuProcess]) -> list[RunningModel]:
    """Each running model with the GPU memory of the processes that serve it (per device), where the
    endpoint holds one model and its processes can be told apart by engine and port."""
    by_endpoint: dict[str, list[RunningModel]] = {}
    for m in running:
        by_endpoint.setdefault(m.endpoint, []).append(m)
    owners = _owners(running, processes)
    out = []
    for m in running:
        mine = [p for p in processes if owners.get(id(p)) == m.endpoint]
        if len(by_endpoint[m.endpoint]) != 1 or not mine:
            out.append(m)
            continue
        per: dict[str, int] = {}
        for p in mine:
            label = f"GPU {p.gpu_index}"
            per[label] = per.get(label, 0) + (p.used_bytes or 0)
        pids = tuple(sorted({p.pid for p in mine}))
        out.append(replace(m, devices=tuple(sorted(per.items())), pids=pids))
    return out


def _owners(running: list[RunningModel], processes: list[GpuProcess]) -> dict[int, str]:
    """id(process) -> the endpoint it serves."""
    endpoints: dict[str, list[RunningModel]] = {}
    for m in running:
        endpoints.setdefault(m.engine, [])
        if all(x.endpoint != m.endpoint for x in endpoints[m.engine]):
            endpoints[m.engine].append(m)
    owners: dict[int, str] = {}
    for p in processes:
        engine = _engine_of(p)
        if engine is None or engine not in endpoints:
            continue
        servers = endpoints[engine]
        port = _stated_port(p)
        if engine == "ollama" and len(servers) == 1:
            owners[id(p)] = servers[0].endpoint  # its runners listen on ports of their own
            continue
        if port is not None:
            match = [s for s in servers if s.port == port]
        elif len(servers) == 1:
            match = servers
        else:
            match = [s for s in servers if s.port == DEFAULT_PORT[engine]]
        if len(match) == 1:
            owners[id(p)] = match[0].endpoint
    return owners


def holders(
    processes: list[GpuProcess], running: list[RunningModel], gpu_indices: Sequence[int | None]
) -> tuple[Holder, ...]:
    """What holds memory on each GPU of the build (gpu_indices[i]: the NVML index of build.gpus[i],
    None when it is not an NVML device): one Holder per server whose processes were matched, one per
    other process. Without a process list, Ollama's own size_vram on a one-GPU machine."""
    position = {idx: i for i, idx in enumerate(gpu_indices) if idx is not None}
    n = len(gpu_indices)
    owners = _owners(running, processes)
    groups: dict[str, tuple[str, list[GpuProcess]]] = {}
    for p in processes:
        if p.gpu_index not in position or not p.used_bytes:
            continue
        owner = owners.get(id(p))
        if owner is not None:
            models = [m for m in running if m.endpoint == owner]
            names = ", ".join(m.model for m in models[:3])
            key, label = owner, f"{models[0].engine} at {owner} ({names})"
        else:
            who = p.name.rsplit("/", 1)[-1] or "a process"
            key, label = f"pid {p.pid}", f"{who} (pid {p.pid})"
        groups.setdefault(key, (label, []))[1].append(p)
    out: list[Holder] = []
    for label, procs in groups.values():
        per = [0] * n
        for p in procs:
            per[position[p.gpu_index]] += p.used_bytes or 0
        out.append(Holder(one_line(label, limit=160), tuple(per), tuple(sorted({p.pid for p in procs}))))
    if not processes and n == 1:
        for m in running:
            if m.engine == "ollama" and m.vram_bytes:
                out.append(Holder(one_line(f"ollama at {m.endpoint} ({m.model})", limit=160), (m.vram_bytes,)))
    out.sort(key=lambda h: -h.total_bytes)
    return tuple(out)
