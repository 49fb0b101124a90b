"""The command that runs a model as estimated: llama.cpp's llama-server, Ollama, vLLM, MLX, and for
several machines llama.cpp RPC, vLLM on a Ray cluster, or exo. The numbers (-ngl, --tensor-split,
--n-cpu-moe, tensor/pipeline parallel sizes, context) come from the estimator's placement.

Flags were checked against each engine's own documentation and source (notes with sources:
data/reference/launch-flags.md):
llama.cpp tools/server/README.md and common/arg.cpp (builds from Aug 2025 on: `-fa on|off|auto` since
PR 15434, `--n-cpu-moe` since PR 15077 / b6089); Ollama v0.33 docs and envconfig (OLLAMA_CONTEXT_LENGTH
since v0.5.13); vLLM docs/serving/parallelism_scaling.md and engine args; mlx-lm 0.32 server.py; exo v1 README.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from .boundary.text import one_line
from .build import Build
from .catalog.schema import is_hf_repo_id
from .catalog.types import Catalog, Model
from .estimate import ENGINES, Estimate, EstimateError, estimate, find_engine
from .paths import bundled_data_dir

LLAMA_PORT = 8080
RPC_PORT = 50052
VLLM_PORT = 8000
VLLM_UTIL = 0.90  # what the fit assumed; passed explicitly because the default changed (0.90 -> 0.92)


class LaunchError(ValueError):
    pass


class Shell(str):
    """Shell text written here in launch.py, never from data: a variable the user sets, like
    "${WORKER1:?set WORKER1 to the address of worker 1}:50052". Every other argument is shell-quoted."""


_OLLAMA_TAG = re.compile(r"^[a-z0-9][a-z0-9._-]{0,79}(/[a-z0-9][a-z0-9._-]{0,79})?(:[A-Za-z0-9._-]{1,80})?$")


def repo_or_none(repo: str | None) -> str | None:
    """A Hugging Face repo id fit to put in a command, or None (a malformed id from a user's file)."""
    return repo if isinstance(repo, str) and is_hf_repo_id(repo) else None


@dataclass(frozen=True, slots=True)
class Step:
    where: str  # "" (this machine), "each worker", "the head machine", ...
    argv: tuple[str, ...]
    env: tuple[tuple[str, str], ...] = ()
    note: str = ""
    runnable: bool = True  # False: shown commented out, with `note` saying what is missing

    def shell(self) -> str:
        env = " ".join(f"{k}={shlex.quote(v)}" for k, v in self.env)
        cmd = " ".join(a if isinstance(a, Shell) else shlex.quote(a) for a in self.argv)
        return f"{env} {cmd}".strip()


@dataclass(frozen=True, slots=True)
class Launch:
    engine: str
    steps: tuple[Step, ...]
    notes: tuple[str, ...] = field(default_factory=tuple)

    def text(self) -> str:
        """The block a user copies: comments are single lines (a name with a newline cannot end
        one), every argument from data is shell-quoted, and a step that cannot run is commented out."""
        lines: list[str] = []
        for note in self.notes:
            lines.append(f"# {one_line(note)}")
        for s in self.steps:
            if s.where:
                lines.append(f"# on {one_line(s.where)}:")
            if s.note:
                lines.append(f"# {one_line(s.note)}")
            lines.append(s.shell() if s.runnable else f"# {one_line(s.shell())}")
        return "\n".join(lines)

    def to_json(self) -> dict[str, Any]:
        return {
            "engine": self.engine,
            "steps": [
                {
                    "where": s.where or "this machine",
                    "argv": list(s.argv),
                    "env": dict(s.env),
                    "command": s.shell(),
                    "runnable": s.runnable,
                    "note": one_line(s.note),
                }
                for s in self.steps
            ],
            "notes": [one_line(n) for n in self.notes],
            "text": self.text(),
        }


@lru_cache(maxsize=1)
def _repos() -> dict[str, dict[str, str]]:
    from .prebuilt import load_toml

    path = bundled_data_dir() / "reference" / "repos.toml"
    try:
        doc = load_toml(path)
    except (OSError, ValueError):
        return {}
    return {r["model"]: r for r in doc.get("repos", []) if isinstance(r, dict) and "model" in r}


def repos_for(model: Model) -> dict[str, str]:
    return _repos().get(model.id, {})


def _gguf_source(model: Model, quant: str) -> tuple[list[str], str]:
    repo = repo_or_none(repos_for(model).get("gguf"))
    if repo:
        return ["-hf", f"{repo}:{quant}"], ""
    path = f"./{re.sub(r'[^a-z0-9._+-]+', '-', model.id.lower())}-{quant}.gguf"
    what = model.hf_repo or model.name
    return ["-m", path], f"no GGUF repo in the catalogue for {what}: download a {quant} GGUF to {path}"


def llama_cpp(e: Estimate, build: Build) -> Launch:
    m = e.model
    src, note = _gguf_source(m, e.quant)
    gpus = [d for d in e.devices if d.kind == "gpu" and d.layers]
    machines = e.machines
    argv = ["llama-server", *src, "-c", str(e.ctx), "-ngl", str(e.n_gpu_layers)]
    if e.n_cpu_moe:
        argv += ["--n-cpu-moe", str(e.n_cpu_moe)]
    if len(gpus) > 1:
        argv += ["-ts", ",".join(str(d.layers) for d in gpus)]
    argv += ["-fa", "on"]
    if e.parallel > 1:
        argv += ["-np", str(e.parallel)]
    if e.kv_type != "f16":
        argv += ["-ctk", e.kv_type, "-ctv", e.kv_type]
    argv += ["--host", "127.0.0.1", "--port", str(LLAMA_PORT)]
    notes = [f"llama.cpp: {e.n_gpu_layers} of {m.arch.layers + 1} layers on GPU (the output layer counts as one)"]
    if note:
        notes.append(note)
    steps: list[Step] = []
    if machines > 1:
        workers = [f"${{WORKER{i}:?set WORKER{i} to the address of worker {i}}}:{RPC_PORT}" for i in range(1, machines)]
        steps.append(
            Step(
                "each worker machine",
                ("rpc-server", "-H", "0.0.0.0", "-p", str(RPC_PORT)),
                note="llama.cpp built with -DGGML_RPC=ON; rpc-server is insecure: keep it on a private network",
            )
        )
        argv[argv.index("--host") : argv.index("--host")] = ["--rpc", Shell('"' + ",".join(workers) + '"')]
        steps.append(Step("the head machine", tuple(argv), note=f"set WORKER1..WORKER{machines - 1} first"))
    else:
        steps.append(Step("", tuple(argv)))
    return Launch("llama.cpp", tuple(steps), tuple(notes))


def ollama(e: Estimate, build: Build) -> Launch:
    m = e.model
    if e.machines > 1:
        raise LaunchError("Ollama runs on one machine; for several use llama.cpp RPC, vLLM or exo")
    tag = repos_for(m).get("ollama")
    tag = tag if isinstance(tag, str) and _OLLAMA_TAG.match(tag) else None
    gguf = repo_or_none(repos_for(m).get("gguf"))
    if tag and e.quant == "Q4_K_M":
        name = tag
    elif gguf:
        name = f"hf.co/{gguf}:{e.quant}"
    else:
        raise LaunchError(f"no Ollama tag or GGUF repo in the catalogue for {one_line(m.hf_repo or m.name)}")
    env = [("OLLAMA_CONTEXT_LENGTH", str(e.ctx)), ("OLLAMA_FLASH_ATTENTION", "1")]
    if e.kv_type != "f16":
        env.append(("OLLAMA_KV_CACHE_TYPE", e.kv_type))
    steps = [
        Step("", ("ollama", "serve"), tuple(env), note="the server; context and KV cache type apply to every model")
    ]
    run_note = ""
    if e.status == "gpu+cpu" and not e.n_cpu_moe:
        run_note = f"then, in the chat: /set parameter num_gpu {e.n_gpu_layers}   (layers on the GPU)"
    steps.append(Step("", ("ollama", "run", name), note=run_note))
    notes = ["Ollama >= 0.5.13 (OLLAMA_CONTEXT_LENGTH); or set PARAMETER num_ctx in a Modelfile"]
    if e.n_cpu_moe:
        notes.append("Ollama cannot keep MoE experts in RAM (--n-cpu-moe): llama.cpp runs this placement faster")
    return Launch("ollama", tuple(steps), tuple(notes))


def vllm(e: Estimate, build: Build) -> Launch:
    m = e.model
    r = repos_for(m)
    argv: list[str] = ["vllm", "serve"]
    notes: list[str] = []
    missing = ""  # what keeps the command from running, said in a comment
    base = repo_or_none(m.hf_repo)
    extra: list[str] = []
    q = e.quant
    if q in ("FP16", "BF16", "F16"):
        checkpoint = base
    elif q == "FP8":
        checkpoint = repo_or_none(r.get("fp8"))
        if checkpoint is None and base is not None:
            checkpoint, extra = base, ["--quantization", "fp8"]
            notes.append(
                "no FP8 checkpoint in the catalogue: vLLM quantizes the 16-bit weights to FP8 as it loads them"
            )
    elif q in ("INT4-experts", "MXFP4-experts"):
        checkpoint = base  # native low-bit checkpoints (Kimi K2 Thinking, gpt-oss) are the model's own repo
        notes.append(
            f"{q}: the model's own checkpoint, as published in this format; vLLM reads its quantization config"
        )
    elif q == "NVFP4":
        checkpoint = repo_or_none(r.get("nvfp4"))
        if checkpoint is None:
            missing = f"no NVFP4 checkpoint in the catalogue for {m.hf_repo or m.name}: find one, then run this line"
    elif q in ("AWQ", "GPTQ"):
        checkpoint = repo_or_none(r.get("awq") if q == "AWQ" else r.get("gptq"))
        if checkpoint is None:
            missing = f"no {q} checkpoint in the catalogue for {m.hf_repo or m.name}: find one, then run this line"
    else:
        raise LaunchError(f"vLLM does not run {q}")
    if checkpoint is None and not missing:
        missing = "the model has no Hugging Face repo id to serve: put one after 'vllm serve'"
    argv += [checkpoint or f"{q}-REPO-ID", *extra]
    argv += ["--tensor-parallel-size", str(e.tp), "--pipeline-parallel-size", str(e.pp)]
    argv += ["--max-model-len", str(e.ctx), "--gpu-memory-utilization", f"{VLLM_UTIL:.2f}"]
    if e.parallel > 1:
        argv += ["--max-num-seqs", str(e.parallel)]
    if e.kv_type == "fp8":
        argv += ["--kv-cache-dtype", "fp8"]
    argv += ["--port", str(VLLM_PORT)]
    steps: list[Step] = []
    serve = {"note": missing, "runnable": not missing}
    if e.machines > 1:
        argv += ["--distributed-executor-backend", "ray"]
        steps.append(Step("the head machine", ("ray", "start", "--head", "--port=6379")))
        head = Shell('--address="${HEAD:?set HEAD to the address of the head machine}:6379"')
        steps.append(Step("each worker machine", ("ray", "start", head), note="set HEAD first"))
        steps.append(Step("the head machine, once `ray status` shows every GPU", tuple(argv), **serve))  # type: ignore[arg-type]
    else:
        steps.append(Step("", tuple(argv), **serve))  # type: ignore[arg-type]
    notes.insert(
        0, f"vLLM: tensor parallel {e.tp} x pipeline parallel {e.pp}; utilization passed explicitly (default changed)"
    )
    return Launch("vllm", tuple(steps), tuple(notes))


def mlx(e: Estimate, build: Build) -> Launch:
    m = e.model
    if e.machines > 1:
        steps = (
            Step(
                "every Mac",
                ("uv", "run", "exo"),
                note="exo v1: the Macs find each other; all must run the same exo version",
            ),
            Step("", ("open", "http://localhost:52415"), note=f"choose {m.name} in the dashboard (or POST /instance)"),
        )
        return Launch("exo", steps, ("exo splits the layers over the Macs in proportion to their memory",))
    r = repos_for(m)
    repo = repo_or_none(r.get("mlx_4bit")) if e.quant == "MLX-4bit" else None
    note = ""
    if repo is None:
        bits = {"MLX-4bit": "4", "MLX-8bit": "8"}.get(e.quant)
        base = repo_or_none(m.hf_repo)
        repo = repo_or_none(f"mlx-community/{base.split('/')[-1]}-{bits}bit") if bits and base else base
        note = "repo name follows mlx-community's -4bit/-8bit naming; check it exists" if bits else ""
    notes = ["mlx-lm 0.32: the server has no context-length flag; memory, not a setting, limits the context"]
    if note:
        notes.append(note)
    missing = "" if repo else "the model has no Hugging Face repo id: put an MLX checkpoint's id after --model"
    step = Step(
        "", ("mlx_lm.server", "--model", repo or "MLX-REPO-ID", "--port", "8080"), note=missing, runnable=not missing
    )
    return Launch("mlx", (step,), tuple(notes))


def launch_command(e: Estimate, build: Build, engine: str) -> Launch:
    if e.status == "none":
        raise LaunchError(f"{e.model.name} does not fit this build at {e.quant}: there is nothing to launch")
    if engine != e.engine:
        raise LaunchError(f"the estimate is for {e.engine}; estimate again with --engine {engine} for its command")
    return {"llama.cpp": llama_cpp, "ollama": ollama, "vllm": vllm, "mlx": mlx}[engine](e, build)


def launch_for_estimate(e: Estimate, build: Build, catalog: Catalog | None = None) -> str:
    """The detail pane's command for the estimate's own engine ('' when the model does not fit)."""
    if e.status == "none":
        return ""
    return launch_command(e, build, e.engine).text()


def relaunch(model: Model, build: Build, engine: str, *, quant: str, ctx: int, kv_type: str = "f16") -> Launch:
    """Estimate for `engine` and return its command (the CLI's --launch ENGINE)."""
    eng = find_engine(engine)
    if eng is None:
        raise LaunchError(f"unknown engine '{engine}' (use one of {', '.join(ENGINES)})")
    from .estimate.api import engine_kv, engine_quant

    quant, kv_type = engine_quant(quant, eng), engine_kv(kv_type, eng)
    try:
        e = estimate(model, quant, ctx, build, kv_type=kv_type, engine=eng.name, with_max_ctx=False)
    except EstimateError as err:
        raise LaunchError(str(err)) from None
    return launch_command(e, build, eng.name)
