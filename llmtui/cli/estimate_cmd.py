"""llmtui estimate: one model, or a batch of JSON Lines requests."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from . import exitcodes
from .common import CliError, catalog, engine_options, fail, resolve_build


def _find_model(cat: Any, key: str) -> Any:
    m = cat.model(key)
    if m is None:
        fail(cat.unknown_model_message(key))
    return m


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
    quant, engine, kv_type = engine_options(args.quant, args.engine, args.kv_quant, file_quant=gguf_quant)
    if args.depth is not None and args.depth < 0:
        fail(f"--depth must be 0 or more, got {args.depth}")
    if args.concurrency and args.parallel > 1:
        fail("give --parallel (sequences sharing --ctx) or --concurrency (users with --ctx each), not both")
    build = resolve_build(args, cat)
    try:
        e = estimate(
            model,
            quant,
            args.ctx,
            build,
            kv_type=kv_type,
            engine=engine,
            prompt_tokens=args.prompt_tokens,
            depth=args.depth,
            parallel=args.parallel,
            with_now=True,
        )
    except EstimateError as err:
        fail(str(err))
    served = None
    if args.concurrency:
        from ..core.estimate.serving import serving

        try:
            served = serving(
                model,
                quant,
                args.ctx,
                build,
                kv_type=kv_type,
                engine=engine,
                concurrency=args.concurrency,
                prompt_tokens=args.prompt_tokens,
                depth=args.depth,
            )
        except EstimateError as err:
            fail(str(err))
    launch = None
    if args.launch:
        launch = _launch(args, model, build, e, served, quant, kv_type)
    data = e.to_json()
    if served is not None:
        data["serving"] = served.to_json()
    data["build"] = build.describe()
    data["assumptions"] = build.assumptions()
    if gguf_size is not None:
        data["memory"]["actual_file_bytes"] = gguf_size
    if launch is not None:
        data["launch"] = launch.to_json()
    if args.json:
        print(to_json(data))
    else:
        from ..core.report import estimate_text, serving_text

        print(estimate_text(e, build))
        if served is not None:
            print()
            print(serving_text(served))
        if launch is not None:
            print()
            print(launch.text())
    return exitcodes.OK if e.fits else exitcodes.NO_RESULT


def _launch(args: argparse.Namespace, model: Any, build: Any, e: Any, served: Any, quant: str, kv_type: str) -> Any:
    """The launch command: for --concurrency, of a server for those users (llama-server -np N -c N*C,
    vLLM --max-num-seqs N)."""
    from ..core.estimate import EstimateError, estimate
    from ..core.launch import LaunchError, launch_command, relaunch

    target = _engine(args.launch)
    try:
        if served is not None and served.point is not None and target == e.engine:
            from ..core.estimate.serving import served_build_ctx

            ctx, n = served_build_ctx(served)
            e = estimate(model, quant, ctx, build, kv_type=kv_type, engine=e.engine, parallel=n, with_max_ctx=False)
        if target == e.engine:
            return launch_command(e, build, target)
        return relaunch(model, build, target, quant=quant, ctx=args.ctx, kv_type=kv_type)
    except (LaunchError, EstimateError) as err:
        fail(str(err))


BATCH_KEYS = {
    "backend",
    "ram_bandwidth",
    "ram_platform",
    "custom_gpu",
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
TEXT_KEYS = (
    "model",
    "config",
    "quant",
    "kv_quant",
    "engine",
    "gpu",
    "mac",
    "profile",
    "network",
    "backend",
    "ram_platform",
    "custom_gpu",
)


def _text(req: dict[str, Any], key: str, default: str | None = None) -> str | None:
    """A text value of a batch line: text, non-empty; anything else is an error naming the key."""
    v = req.get(key)
    if v is None:
        return default
    if not isinstance(v, str) or not v.strip():
        raise CliError(f"'{key}' must be non-empty text")
    return v


def _batch_request(req: Any) -> dict[str, Any]:
    """A batch line's keys, each checked by the trust boundary's parsers, before any is used."""
    from ..core.boundary.numbers import ctx_tokens, whole

    if not isinstance(req, dict):
        raise CliError("each line must be a JSON object")
    unknown = set(req) - BATCH_KEYS
    if unknown:
        raise CliError(f"unknown key(s) {', '.join(sorted(unknown))}")
    for key in TEXT_KEYS:
        _text(req, key)
    if bool(req.get("model")) == bool(req.get("config")):
        raise CliError("give exactly one of 'model' or 'config'")
    ram = req.get("ram")
    if ram is not None and (isinstance(ram, bool) or not isinstance(ram, str | int | float)):
        raise CliError("'ram' must be a size like \"64GB\"")
    out = dict(req)
    out["ctx"] = ctx_tokens(req.get("ctx", 8192), "ctx")
    out["machines"] = whole(req.get("machines", 1), "machines", lo=1, hi=64)
    out["prompt_tokens"] = whole(req.get("prompt_tokens", 512), "prompt_tokens", lo=1, hi=100_000_000)
    if req.get("depth") is not None:
        out["depth"] = whole(req["depth"], "depth", lo=0, hi=100_000_000)
    return out


KNOB_KEYS = ("backend", "ram_bandwidth", "ram_platform", "custom_gpu")
MAX_LINE = 1_000_000  # bytes of one --batch line


def _lines(source: str) -> Iterator[bytes | None]:
    """The lines of a --batch input (a regular file, or '-' for stdin); None for a line over MAX_LINE
    bytes, whose rest is skipped."""
    import os
    import stat

    if source == "-":
        fh: Any = sys.stdin.buffer
    else:
        try:
            fd = os.open(source, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        except OSError as e:
            fail(f"cannot read {source}: {e.strerror or e}")
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            os.close(fd)
            fail(f"{source} is not a regular file; give a file of JSON Lines, or '-' for stdin")
        fh = os.fdopen(fd, "rb")
    try:
        while True:
            line = fh.readline(MAX_LINE + 1)
            if not line:
                return
            if len(line) > MAX_LINE and not line.endswith(b"\n"):
                while True:  # skip the rest of the overlong line
                    more = fh.readline(MAX_LINE)
                    if not more or more.endswith(b"\n"):
                        break
                yield None
                continue
            yield line
    finally:
        if fh is not sys.stdin.buffer:
            fh.close()


def _batch(args: argparse.Namespace) -> int:
    """One JSON result (or {"error": ...}) per input line, in order; bad lines never stop the rest."""
    from ..core.boundary import InputError
    from ..core.boundary.reader import decode, loads_json
    from ..core.build import BuildError, planned_build, with_knobs
    from ..core.estimate import EstimateError, estimate
    from ..core.importers import ImportError_, model_from_config

    cat = catalog()
    builds: dict[tuple[Any, ...], Any] = {}

    def build_for(req: dict[str, Any]) -> Any:
        key = tuple(str(req.get(k)) for k in ("gpu", "mac", "ram", "machines", "profile", "network", *KNOB_KEYS))
        if key not in builds:
            if req.get("profile"):
                from ..core.profiles import ProfileError, load_profile

                try:
                    builds[key] = load_profile(str(req["profile"]), cat).build
                except ProfileError as e:
                    raise CliError(str(e)) from None
            elif req.get("gpu") or req.get("mac") or req.get("ram") is not None:
                builds[key] = planned_build(
                    cat,
                    gpu=req.get("gpu"),
                    mac=req.get("mac"),
                    ram=req.get("ram"),
                    machines=req["machines"],
                    network=str(req.get("network", "10gbe")),
                )
            else:
                builds[key] = resolve_build(args, cat)
            if any(req.get(k) is not None for k in KNOB_KEYS):
                builds[key] = with_knobs(
                    builds[key],
                    cat,
                    backend=req.get("backend"),
                    ram_bandwidth=req.get("ram_bandwidth"),
                    platform=req.get("ram_platform"),
                    custom_gpu=req.get("custom_gpu"),
                )
        return builds[key]

    def one(n: int, line: bytes) -> dict[str, Any]:
        where = f"line {n}"
        req = _batch_request(loads_json(decode(line, where), where))
        model = model_from_config(Path(req["config"])) if req.get("config") else _find_model(cat, str(req["model"]))
        build = build_for(req)
        q = req.get("quant")
        kv = req.get("kv_quant")
        quant, engine, kv_type = engine_options(
            None if q is None else str(q), str(req.get("engine", "llama.cpp")), None if kv is None else str(kv)
        )
        e = estimate(
            model,
            quant,
            req["ctx"],
            build,
            kv_type=kv_type,
            engine=engine,
            prompt_tokens=req["prompt_tokens"],
            depth=req.get("depth"),
            with_max_ctx=True,
        )
        return {**e.to_json(), "build": build.describe()}  # as `estimate --json` prints it

    errors: tuple[type[Exception], ...] = (CliError, BuildError, EstimateError, ImportError_, InputError)
    write: Callable[[str], Any] = sys.stdout.write
    for n, line in enumerate(_lines(args.batch), 1):
        if line is None:
            out: dict[str, Any] = {"error": f"line {n}: longer than {MAX_LINE:,} bytes, skipped"}
        elif not line.strip():
            continue
        else:
            try:
                out = one(n, line)
            except InputError as e:
                out = {"error": str(e) if str(e).startswith("line ") else f"line {n}: {e}"}
            except errors as e:
                out = {"error": f"line {n}: {e}"}
            except Exception as e:  # a bug of ours must not end the batch: say so on this line, go on
                out = {"error": f"line {n}: internal error ({type(e).__name__}: {e}); please report it"}
        write(json.dumps(out, separators=(",", ":")) + "\n")
    return exitcodes.OK
