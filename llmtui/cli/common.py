"""What several commands share: the catalogue, the build from hardware options, errors."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from . import exitcodes

if TYPE_CHECKING:
    from ..core.build import Build
    from ..core.catalog import Catalog


class CliError(Exception):
    """One sentence for the user, and the exit code that goes with it."""

    def __init__(self, message: str, code: int = exitcodes.USAGE) -> None:
        super().__init__(message)
        self.code = code


def fail(message: str, code: int = exitcodes.USAGE) -> NoReturn:
    raise CliError(message, code)


def warn(message: str) -> None:
    sys.stderr.write(f"llmtui: {message}\n")


def catalog() -> Catalog:
    from ..core.catalog import load_catalog

    cat = load_catalog()
    for w in cat.warnings:
        warn(f"skipped a catalogue entry: {w}")
    return cat


def has_hardware_options(args: argparse.Namespace) -> bool:
    return bool(args.gpu or args.mac or args.ram or getattr(args, "profile", None) or getattr(args, "custom_gpu", None))


def resolve_build(args: argparse.Namespace, cat: Catalog) -> Build:
    """--profile, else --gpu/--mac/--ram/--custom-gpu, else this machine as detected; then the knobs
    (--backend, --ram-bandwidth, --ram-platform, --custom-gpu) on top."""
    from ..core.build import BuildError, with_knobs

    build = _base_build(args, cat)
    try:
        return with_knobs(
            build,
            cat,
            backend=getattr(args, "backend", None),
            ram_bandwidth=getattr(args, "ram_bandwidth", None),
            platform=getattr(args, "ram_platform", None),
            custom_gpu=getattr(args, "custom_gpu", None),
        )
    except BuildError as e:
        fail(str(e))


def _base_build(args: argparse.Namespace, cat: Catalog) -> Build:
    from ..core.build import Build, BuildError, planned_build

    if getattr(args, "profile", None):
        if args.gpu or args.mac or args.ram:
            fail("--profile already describes the hardware; drop --gpu, --mac and --ram")
        from ..core.profiles import ProfileError, load_profile

        try:
            return load_profile(args.profile, cat).build
        except ProfileError as e:
            fail(str(e))
    if args.gpu or args.mac or args.ram:
        try:
            return planned_build(
                cat,
                gpu=args.gpu,
                mac=args.mac,
                ram=args.ram,
                machines=args.machines,
                network=args.network,
                wired_limit_mb=args.wired_limit_mb,
            )
        except BuildError as e:
            fail(str(e))
    if getattr(args, "custom_gpu", None):  # a GPU by numbers alone: no host RAM unless --ram says so
        return Build("", ram_bytes=0, machines=args.machines, network=args.network, source="planned")
    if args.machines != 1:
        fail("--machines needs the machine described with --gpu, --mac or --ram")
    from ..core.hardware import detect

    machine = detect(cat)
    for w in machine.warnings:
        warn(w)
    from ..core.profiles import with_saved_calibration

    return with_saved_calibration(machine.build, cat)


def engine_options(
    quant: str | None, engine: str | None, kv: str | None, *, file_quant: str | None = None
) -> tuple[str, str, str]:
    """(quant, engine, KV type) from --quant, --engine and --kv-quant: an engine by name or alias;
    a quant or KV type left out is the engine's nearest to Q4_K_M (or a GGUF file's own type) and to
    f16; one given must be one the engine runs (estimate.api holds the rule, for the app too)."""
    import difflib

    from ..core.estimate import ENGINES, QUANTS, EstimateError, engine_kv, engine_quant, find_engine, find_quant
    from ..core.estimate.api import check_kv, check_quant
    from ..core.estimate.quant import DEFAULT_QUANT

    eng = find_engine(engine or "llama.cpp")
    if eng is None:
        fail(f"unknown engine '{engine}' (use one of {', '.join(ENGINES)})")
    if quant is None:
        name = engine_quant(file_quant or DEFAULT_QUANT, eng)
    else:
        q = find_quant(quant)
        if q is None:
            close = difflib.get_close_matches(quant.upper(), list(QUANTS), n=3)
            fail(f"unknown quant '{quant}'" + (f"; closest: {', '.join(close)}" if close else ""))
        name = q.name
    kv_type = engine_kv("f16", eng) if kv is None else kv
    try:
        check_quant(name, eng)
        check_kv(kv_type, eng)
    except EstimateError as e:
        fail(str(e))
    return name, eng.name, kv_type


def write_user_toml(
    sub: str, stem: str, default: str, doc: dict[str, object], *, prefix: str = "", overwrite: bool, exists: str
) -> tuple[Path, list[str], Catalog]:
    """Write `doc` as <data dir>/<sub>/<prefix><slug of stem, else default>.toml atomically (`exists`:
    what to say when the file is there and `overwrite` is off), then reload the catalogue: the file,
    every problem the catalogue finds in it, and the catalogue with it."""
    import re

    import tomli_w

    from ..core.catalog import load_catalog
    from ..core.files import FileExists, WriteError, atomic_write
    from ..core.paths import user_data_dir

    slug = re.sub(r"[^a-z0-9._-]+", "-", stem.lower()).strip("-") or default
    target = user_data_dir() / sub / f"{prefix}{slug}.toml"
    try:
        atomic_write(target, tomli_w.dumps(doc), overwrite=overwrite)
    except FileExists:
        fail(f"{target} exists already; {exists}")
    except WriteError as e:
        fail(str(e))
    after = load_catalog(use_cache=False)
    return target, [w for w in after.warnings if str(target) in w], after
