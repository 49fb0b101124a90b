"""llmtui estimate: one model, or a batch of JSON Lines requests."""

from __future__ import annotations

import argparse
import difflib
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from . import exitcodes
from .common import CliError, catalog, fail, resolve_build


def _find_model(cat: Any, key: str) -> Any:
    m = cat.model(key)
    if m is None:
        fail(cat.unknown_model_message(key))
    return m


def _quant(text: str) -> str:
    from ..core.estimate import QUANTS, find_quant

    q = find_quant(text)
    if q is None:
        close = difflib.get_close_matches(text.upper(), list(QUANTS), n=3)
        fail(f"unknown quant '{text}'" + (f"; closest: {', '.join(close)}" if close else ""))
    return q.name


def _engine(text: str) -> str:
    from ..core.estimate import ENGINES, find_engine

    e = find_engine(text)
    if e is None:
        fail(f"unknown engine '{text}' (use one of {', '.join(ENGINES)})")
    return e.name


def _model_from_args(cat: Any, args: argparse.Namespace) -> tuple[Any, str | None, int | None]:
    from ..core.importers import ImportError_, model_from_config, model_from_gguf

    try:
        if args.config:
            return model_from_config(Path(args.config)), None, None
        if args.gguf:
            model, quant, size = model_from_gguf(Path(args.gguf))
            return model, quant, size
    except ImportError_ as e:
        fail(str(e))
    return _find_model(cat, args.model), None, None


def cmd_estimate(args: argparse.Namespace) -> int:
    if args.batch:
        return _batch(args)
    from ..core.estimate import EstimateError, estimate
    from ..core.output import to_json

    cat = catalog()
    model, gguf_quant, gguf_size = _model_from_args(cat, args)
    quant = _quant(gguf_quant if gguf_quant and args.quant == "Q4_K_M" else args.quant)
    engine = _engine(args.engine)
    if args.depth is not None and args.depth < 0:
        fail(f"--depth must be 0 or more, got {args.depth}")
    build = resolve_build(args, cat)
    try:
        e = estimate(
            model,
            quant,
            args.ctx,
            build,
            kv_type=args.kv_quant,
            engine=engine,
            prompt_tokens=args.prompt_tokens,
            depth=args.depth,
        )
    except EstimateError as err:
        fail(str(err))
    launch = None
    if args.launch:
        from ..core.launch import LaunchError, launch_command, relaunch

        target = _engine(args.launch)
        try:
            if target == e.engine:
                launch = launch_command(e, build, target)
            else:
                launch = relaunch(model, build, target, quant=quant, ctx=args.ctx, kv_type=args.kv_quant)
        except LaunchError as err:
            fail(str(err))
    data = e.to_json()
    data["build"] = build.describe()
    if gguf_size is not None:
        data["memory"]["actual_file_bytes"] = gguf_size
    if launch is not None:
        data["launch"] = launch.to_json()
    if args.json:
        print(to_json(data))
    else:
        from ..core.report import estimate_text

        print(estimate_text(e, build))
        if launch is not None:
            print()
            print(launch.text())
    return exitcodes.OK if e.fits else exitcodes.NO_RESULT


BATCH_KEYS = {
    "model",
    "config",
    "quant",
    "ctx",
    "kv_quant",
    "engine",
    "gpu",
    "mac",
    "ram",
    "machines",
    "profile",
    "network",
    "prompt_tokens",
    "depth",
}


def _batch(args: argparse.Namespace) -> int:
    """One JSON result (or {"error": ...}) per input line, in order; bad lines never stop the rest."""
    from ..core.build import BuildError, planned_build
    from ..core.estimate import EstimateError, estimate
    from ..core.importers import ImportError_, model_from_config
    from ..core.units import UnitError, parse_ctx

    cat = catalog()
    builds: dict[tuple[Any, ...], Any] = {}

    def build_for(req: dict[str, Any]) -> Any:
        key = tuple(req.get(k) for k in ("gpu", "mac", "ram", "machines", "profile", "network"))
        if key not in builds:
            if req.get("profile"):
                from ..core.profiles import ProfileError, load_profile

                try:
                    builds[key] = load_profile(str(req["profile"]), cat).build
                except ProfileError as e:
                    raise CliError(str(e)) from None
            elif req.get("gpu") or req.get("mac") or req.get("ram"):
                builds[key] = planned_build(
                    cat,
                    gpu=req.get("gpu"),
                    mac=req.get("mac"),
                    ram=req.get("ram"),
                    machines=int(req.get("machines", 1)),
                    network=str(req.get("network", "10gbe")),
                )
            else:
                builds[key] = resolve_build(args, cat)
        return builds[key]

    def one(line: str) -> dict[str, Any]:
        req = json.loads(line)
        if not isinstance(req, dict):
            raise CliError("each line must be a JSON object")
        unknown = set(req) - BATCH_KEYS
        if unknown:
            raise CliError(f"unknown key(s) {', '.join(sorted(unknown))}")
        if bool(req.get("model")) == bool(req.get("config")):
            raise CliError("give exactly one of 'model' or 'config'")
        model = model_from_config(Path(req["config"])) if req.get("config") else _find_model(cat, str(req["model"]))
        ctx_raw = req.get("ctx", 8192)
        ctx = parse_ctx(str(ctx_raw)) if not isinstance(ctx_raw, int) else ctx_raw
        e = estimate(
            model,
            _quant(str(req.get("quant", "Q4_K_M"))),
            ctx,
            build_for(req),
            kv_type=str(req.get("kv_quant", "f16")),
            engine=_engine(str(req.get("engine", "llama.cpp"))),
            prompt_tokens=int(req.get("prompt_tokens", 512)),
            depth=req.get("depth"),
            with_max_ctx=True,
        )
        return e.to_json()

    errors: tuple[type[Exception], ...] = (
        CliError,
        BuildError,
        EstimateError,
        ImportError_,
        UnitError,
        ValueError,
        TypeError,
        KeyError,
    )
    stream = sys.stdin if args.batch == "-" else None
    try:
        fh = stream or open(args.batch, encoding="utf-8")  # noqa: SIM115 - closed below
    except OSError as e:
        fail(f"cannot read {args.batch}: {e.strerror or e}")
    write: Callable[[str], Any] = sys.stdout.write
    try:
        for n, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                out = one(line)
            except json.JSONDecodeError as e:
                out = {"error": f"line {n}: not valid JSON ({e.msg})"}
            except errors as e:
                out = {"error": f"line {n}: {e}"}
            write(json.dumps(out, separators=(",", ":")) + "\n")
    finally:
        if fh is not sys.stdin:
            fh.close()
    return exitcodes.OK
