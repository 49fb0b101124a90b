"""Named build profiles: one human-editable TOML file each, in the user config directory.

Writes are atomic (a temporary file in the same directory, fsync, then rename); a save that fails
leaves the old file as it was; a new profile never replaces an existing file (link() refuses), so
two app instances saving at once cannot lose one. A malformed file is reported with its line and
skipped, and never overwritten.
"""

from __future__ import annotations

import contextlib
import re
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from .boundary import InputError
from .boundary.text import one_line
from .build import GPU, NETWORKS, Build, apple_limit
from .catalog.types import Catalog
from .files import FileExists, WriteError, atomic_write, locked
from .paths import profiles_dir
from .units import GiB

SCHEMA = 1
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 ._@-]{0,63}$")


class ProfileError(ValueError):
    """One sentence: which profile or file, and what is wrong."""


@dataclass(frozen=True)
class Profile:
    name: str
    build: Build
    engine: str = "llama.cpp"
    created: str = ""
    path: Path | None = None
    origin: str = ""  # where the build came from when saved: planned, detected, remote:HOST


def check_name(name: object) -> str:
    name = one_line(name, limit=80).strip() if isinstance(name, str) else ""
    if not _NAME.match(name):
        raise ProfileError(
            f"'{name}' is not a usable profile name: 1-64 letters, digits, spaces, '.', '_', '-' or '@', "
            "starting with a letter or digit"
        )
    return name


def file_for(name: str, directory: Path | None = None) -> Path:
    slug = re.sub(r"[^a-z0-9._@-]+", "-", check_name(name).lower()).strip("-")
    return (directory or profiles_dir()) / f"{slug}.toml"


# --- Build <-> TOML -----------------------------------------------------------------------------------


def _gpu_table(g: GPU, count: int) -> dict[str, Any]:
    t: dict[str, Any] = {
        "name": g.name,
        "count": count,
        "vendor": g.vendor,
        "memory_gib": round(g.memory_bytes / GiB, 6),
    }
    if g.catalog_id:
        t["catalog_id"] = g.catalog_id
    t["bandwidth_gbs"] = round(g.bandwidth_gbs, 2)
    if g.fp16_tflops:
        t["fp16_tflops"] = g.fp16_tflops
    if g.unified:
        t["unified"] = True
    if g.memory_type and not g.catalog_id:
        t["memory_type"] = g.memory_type
    if g.custom:
        t["custom"] = True
    if g.free_bytes is not None:
        t["free_gib"] = round(g.free_bytes / GiB, 6)
    if g.usable_bytes is not None:
        t["usable_gib"] = round(g.usable_bytes / GiB, 6)
        t["usable_basis"] = g.usable_note
    if g.power_w:
        t["power_w"] = g.power_w
    if g.price_usd is not None:
        t["price_usd"] = g.price_usd
        t["price_basis"] = g.price_note
    return t


def profile_to_dict(p: Profile) -> dict[str, Any]:
    b = p.build
    machine: dict[str, Any] = {"machines": b.machines, "network": b.network, "ram_gib": round(b.ram_bytes / GiB, 6)}
    if b.ram_available_bytes is not None:
        machine["ram_available_gib"] = round(b.ram_available_bytes / GiB, 6)
    machine["ram_bandwidth_gbs"] = b.ram_bandwidth_gbs
    machine["ram_bandwidth_basis"] = b.ram_bandwidth_note
    if b.ram_platform:
        machine["ram_platform"] = b.ram_platform
    if b.ram_class:
        machine["ram_class"] = b.ram_class
    if b.backend:
        machine["backend"] = b.backend
    if b.cpu_name:
        machine["cpu"] = b.cpu_name
    if b.cpu_cores:
        machine["cpu_cores"] = b.cpu_cores
    if b.wired_limit_mb:
        machine["wired_limit_mb"] = b.wired_limit_mb
    doc: dict[str, Any] = {
        "schema": SCHEMA,
        "name": p.name,
        "created": p.created or datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "engine": p.engine,
        "source": p.origin or b.source,
        "machine": machine,
        "gpus": [_gpu_table(g, n) for g, n in b.grouped()],
    }
    c = b.calibration
    if c is not None:
        doc["calibration"] = {
            "backend": c.backend,
            "decode_factor": c.decode_factor,
            "runs": c.runs,
            "date": c.date,
            "spread": c.spread,
            "source": c.source,
            **({"prefill_factor": c.prefill_factor} if c.prefill_factor else {}),
        }
    return doc


WHOLE = frozenset({"count", "machines", "cpu_cores", "wired_limit_mb", "runs"})


def _num(
    table: dict[str, Any], key: str, where: str, *, lo: float = 0, hi: float = 1e9, required: bool = False
) -> float | None:
    from .boundary.numbers import number

    v = table.get(key)
    if v is None:
        if required:
            raise ProfileError(f"{where}: '{key}' is missing")
        return None
    try:
        return number(v, key, lo=lo, hi=hi, integer=key in WHOLE)
    except InputError as e:
        raise ProfileError(f"{where}: {e}") from None


def _str(table: dict[str, Any], key: str, where: str, default: str = "") -> str:
    v = table.get(key, default)
    if not isinstance(v, str):
        raise ProfileError(f"{where}: '{key}' must be text, got {type(v).__name__}")
    return one_line(v, limit=300)


def profile_from_dict(doc: dict[str, Any], catalog: Catalog, where: str) -> Profile:
    version = doc.get("schema")
    if version != SCHEMA:
        if isinstance(version, int) and version > SCHEMA:
            raise ProfileError(f"{where}: made by a newer llmtui (schema {version}); this one reads schema {SCHEMA}")
        raise ProfileError(f"{where}: 'schema' must be {SCHEMA}, got {version!r}")
    name = doc.get("name")
    if not isinstance(name, str):
        raise ProfileError(f"{where}: 'name' is missing")
    try:
        check_name(name)
    except ProfileError as e:
        raise ProfileError(f"{where}: {e}") from None
    machine = doc.get("machine", {})
    if not isinstance(machine, dict):
        raise ProfileError(f"{where}: [machine] must be a table")
    gpus_raw = doc.get("gpus", [])
    if not isinstance(gpus_raw, list):
        raise ProfileError(f"{where}: 'gpus' must be an array of tables ([[gpus]])")
    gpus: list[GPU] = []
    for i, t in enumerate(gpus_raw):
        w = f"{where}: gpus[{i}]"
        if not isinstance(t, dict):
            raise ProfileError(f"{w} must be a table")
        gpus.extend([_gpu_from_table(t, catalog, w)] * int(_num(t, "count", w, lo=1, hi=64) or 1))
        if len(gpus) > 64:
            break
    if len(gpus) > 64:
        raise ProfileError(f"{where}: {len(gpus)} GPUs in one machine is more than llmtui plans for")
    machines = int(_num(machine, "machines", f"{where}: [machine]", lo=1, hi=64) or 1)
    network = _str(machine, "network", f"{where}: [machine]", "10gbe")
    if network not in NETWORKS:
        raise ProfileError(f"{where}: [machine] network '{network}' is not one of {', '.join(NETWORKS)}")
    ram = _num(machine, "ram_gib", f"{where}: [machine]", lo=0, hi=64000)
    avail = _num(machine, "ram_available_gib", f"{where}: [machine]", lo=0, hi=64000)
    bw = _num(machine, "ram_bandwidth_gbs", f"{where}: [machine]", lo=1, hi=20000)
    cores = _num(machine, "cpu_cores", f"{where}: [machine]", lo=0, hi=100000)
    wired = _num(machine, "wired_limit_mb", f"{where}: [machine]", lo=0, hi=64_000_000)
    if not gpus and not ram:
        raise ProfileError(f"{where}: describes no hardware (no [[gpus]] and no ram_gib)")
    knobs = _knobs(doc, machine, where)
    build = Build(
        name=name,
        gpus=tuple(gpus),
        ram_bytes=int((ram or 0) * GiB),
        ram_available_bytes=int(avail * GiB) if avail is not None else None,
        cpu_name=_str(machine, "cpu", f"{where}: [machine]"),
        cpu_cores=int(cores or 0),
        machines=machines,
        network=network,
        wired_limit_mb=int(wired or 0),
        source=f"profile:{name}",
        **({"ram_bandwidth_gbs": bw, "ram_bandwidth_note": "from the profile"} if bw else {}),  # type: ignore[arg-type]
    )
    if bw and machine.get("ram_bandwidth_basis"):
        build = replace(build, ram_bandwidth_note=_str(machine, "ram_bandwidth_basis", f"{where}: [machine]"))
    build = replace(build, **knobs)
    if build.backend:
        from .build import BuildError, check_backend

        try:
            check_backend(build, build.backend)
        except BuildError as e:
            raise ProfileError(f"{where}: [machine] {e}") from None
    engine = _str(doc, "engine", where, "llama.cpp")
    from .estimate import find_engine

    if find_engine(engine) is None:
        raise ProfileError(f"{where}: engine '{engine}' is not one llmtui knows")
    return Profile(
        name=name, build=build, engine=engine, created=_str(doc, "created", where), origin=_str(doc, "source", where)
    )


def _knobs(doc: dict[str, Any], machine: dict[str, Any], where: str) -> dict[str, Any]:
    """The profile's backend, RAM platform and class, and `llmtui bench`'s calibration, checked."""
    from .build import BACKENDS, MachineCalibration

    w = f"{where}: [machine]"
    out: dict[str, Any] = {}
    backend = _str(machine, "backend", w)
    if backend and backend not in BACKENDS:
        raise ProfileError(f"{w} backend '{backend}' is not one of {', '.join(BACKENDS)}")
    out["backend"] = backend
    out["ram_platform"] = _str(machine, "ram_platform", w)
    ram_class = _str(machine, "ram_class", w)
    if ram_class and ram_class not in ("desktop", "server", "lpddr"):
        raise ProfileError(f"{w} ram_class '{ram_class}' is not desktop, server or lpddr")
    out["ram_class"] = ram_class
    cal = doc.get("calibration")
    if cal is None:
        return out
    wc = f"{where}: [calibration]"
    if not isinstance(cal, dict):
        raise ProfileError(f"{wc} must be a table")
    cb = _str(cal, "backend", wc)
    if cb not in BACKENDS:
        raise ProfileError(f"{wc} backend '{cb}' is not one of {', '.join(BACKENDS)}")
    date = _str(cal, "date", wc)
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", date):
        raise ProfileError(f"{wc} date '{date}' is not like 2026-12-01")
    prefill = _num(cal, "prefill_factor", wc, lo=0.01, hi=100)
    out["calibration"] = MachineCalibration(
        backend=cb,
        decode_factor=float(_num(cal, "decode_factor", wc, lo=0.01, hi=100, required=True) or 1.0),
        prefill_factor=prefill,
        runs=int(_num(cal, "runs", wc, lo=1, hi=100_000, required=True) or 1),
        date=date,
        spread=float(_num(cal, "spread", wc, lo=0, hi=10) or 0.0),
        source=_str(cal, "source", wc),
    )
    return out


def _gpu_from_table(t: dict[str, Any], catalog: Catalog, w: str) -> GPU:
    cid = t.get("catalog_id")
    dev = catalog.device(cid) if isinstance(cid, str) else None
    if isinstance(cid, str) and dev is None:
        raise ProfileError(f"{w}: catalog_id '{cid}' is not in the hardware catalogue")
    name = t.get("name") or (dev.name if dev else None)
    if not isinstance(name, str) or not name.strip():
        raise ProfileError(f"{w}: 'name' is missing")
    name = one_line(name, limit=120)
    mem = _num(t, "memory_gib", w, lo=0.1, hi=100000, required=dev is None)
    bw = _num(t, "bandwidth_gbs", w, lo=0, hi=100000, required=dev is None)
    unified = t.get("unified", dev.unified if dev else False)
    if not isinstance(unified, bool):
        raise ProfileError(f"{w}: 'unified' must be true or false")
    memory_bytes = int((mem if mem is not None else max(dev.memory_gib) if dev else 0) * GiB)
    usable = _num(t, "usable_gib", w, lo=0, hi=100000)
    free = _num(t, "free_gib", w, lo=0, hi=100000)
    vendor = _str(t, "vendor", w, dev.vendor if dev else "NVIDIA")
    usable_note = _str(t, "usable_basis", w)
    if usable is None and unified and vendor == "Apple":
        limit, usable_note = apple_limit(memory_bytes)
        usable = limit / GiB
    return GPU(
        name=name,
        vendor=vendor,
        memory_bytes=memory_bytes,
        bandwidth_gbs=bw if bw is not None else (dev.bandwidth_gbs if dev else 0.0),
        unified=unified,
        catalog_id=dev.id if dev else "",
        fp16_tflops=_num(t, "fp16_tflops", w, hi=100000) or (dev.fp16_tflops or dev.fp32_tflops if dev else 0.0),
        free_bytes=int(free * GiB) if free is not None else None,
        usable_bytes=int(usable * GiB) if usable is not None else None,
        usable_note=usable_note,
        power_w=_num(t, "power_w", w, hi=100000) or (dev.power_w if dev else 0.0),
        price_usd=_num(t, "price_usd", w, hi=1e8),
        price_note=_str(t, "price_basis", w),
        memory_type=_str(t, "memory_type", w, dev.memory_type if dev else ""),
        custom=t.get("custom") is True,
    )


def parse_profile_text(text: str, catalog: Catalog, where: str) -> Profile:
    from .boundary.reader import loads_toml

    try:
        doc = loads_toml(text, where)
    except InputError as e:
        raise ProfileError(str(e)) from None
    return profile_from_dict(doc, catalog, where)


# --- Files ---------------------------------------------------------------------------------------------------


def _read_text(path: Path) -> str:
    from .boundary.reader import read_text

    try:
        return read_text(path, what="profile")
    except InputError as e:
        raise ProfileError(str(e)) from None


def _read(path: Path, catalog: Catalog) -> Profile:
    p = parse_profile_text(_read_text(path), catalog, str(path))
    return replace(p, path=path)


def list_profiles(catalog: Catalog, directory: Path | None = None) -> tuple[list[Profile], list[str]]:
    """Every readable profile, by name, and one sentence for each file that could not be read."""
    d = directory or profiles_dir()
    profiles: list[Profile] = []
    errors: list[str] = []
    if not d.is_dir():
        return profiles, errors
    try:
        paths = sorted(d.glob("*.toml"))
    except OSError as e:
        return profiles, [f"cannot list {d}: {e.strerror or e}"]
    for path in paths:
        try:
            profiles.append(_read(path, catalog))
        except ProfileError as e:
            errors.append(f"skipped {e}")
    profiles.sort(key=lambda p: p.name.lower())
    return profiles, errors


def load_profile(name: str, catalog: Catalog, directory: Path | None = None) -> Profile:
    path = file_for(name, directory)
    if not path.exists():
        profiles, _ = list_profiles(catalog, directory)
        for p in profiles:  # a file whose name differs from the profile's (hand-copied)
            if p.name.lower() == name.strip().lower():
                return p
        names = ", ".join(p.name for p in profiles) or "none saved yet"
        raise ProfileError(f"no profile named '{name}' (profiles: {names})")
    return _read(path, catalog)


def _atomic_write(path: Path, text: str, *, overwrite: bool) -> None:
    try:
        atomic_write(path, text, overwrite=overwrite)
    except FileExists:
        raise ProfileError(f"a profile file {path.name} already exists; use another name or replace it") from None
    except WriteError as e:
        raise ProfileError(str(e)) from None


def profile_text(p: Profile) -> str:
    head = "# llmtui build profile. Edit freely; `llmtui profiles show NAME` checks it.\n"
    import tomli_w

    return head + tomli_w.dumps(profile_to_dict(p))


def checked_text(p: Profile, catalog: Catalog) -> str:
    """The profile's TOML, after checking that it reads back: llmtui never saves a profile it would
    then refuse to load, rename or delete (a remote answer with 1e30 MiB of memory, say)."""
    text = profile_text(p)
    try:
        parse_profile_text(text, catalog, p.name)
    except ProfileError as e:
        raise ProfileError(f"not saved: {e}") from None
    return text


def save_profile(p: Profile, catalog: Catalog, *, overwrite: bool = False, directory: Path | None = None) -> Path:
    d = directory or profiles_dir()
    with _lock(d):
        return _save(p, catalog, overwrite=overwrite, directory=d)


def _save(p: Profile, catalog: Catalog, *, overwrite: bool, directory: Path) -> Path:
    path = file_for(p.name, directory)
    text = checked_text(p, catalog)
    if path.exists():
        try:
            _read(path, catalog)
        except ProfileError as e:
            raise ProfileError(f"{path} exists but is not a valid profile ({e}); it was left untouched") from None
        if not overwrite:
            raise ProfileError(f"a profile named '{p.name}' already exists; replace it with --force")
    _atomic_write(path, text, overwrite=overwrite)
    return path


@contextlib.contextmanager
def _lock(directory: Path) -> Any:
    try:
        with locked(directory):
            yield
    except WriteError as e:
        raise ProfileError(str(e)) from None


def _unlink(path: Path) -> None:
    try:
        path.unlink()
    except FileNotFoundError:
        raise ProfileError(f"{path} was removed meanwhile (by another llmtui?)") from None
    except OSError as e:
        raise ProfileError(f"cannot delete {path}: {e.strerror or e}") from None


def delete_profile(name: str, catalog: Catalog, directory: Path | None = None) -> Path:
    d = directory or profiles_dir()
    with _lock(d):
        p = load_profile(name, catalog, d)
        assert p.path is not None
        _unlink(p.path)
        return p.path


def rename_profile(old: str, new: str, catalog: Catalog, directory: Path | None = None) -> Path:
    """Rename under the directory's lock: the new file is created (never over an existing one)
    before the old one is removed, and removed again if that fails, so a rename leaves exactly
    one of the two files, also when several run at once."""
    d = directory or profiles_dir()
    new = check_name(new)
    with _lock(d):
        p = load_profile(old, catalog, d)
        assert p.path is not None
        renamed = replace(p, name=new, build=replace(p.build, name=new, source=p.build.source))
        target = file_for(new, d)
        if target == p.path:  # only the name's case or spacing changes: one file, rewritten
            _atomic_write(target, checked_text(renamed, catalog), overwrite=True)
            return target
        _save(renamed, catalog, overwrite=False, directory=d)
        try:
            _unlink(p.path)
        except ProfileError:
            with contextlib.suppress(OSError):
                target.unlink()
            raise
        return target


def duplicate_profile(old: str, new: str, catalog: Catalog, directory: Path | None = None) -> Path:
    p = load_profile(old, catalog, directory)
    copy = replace(p, name=check_name(new), created="", build=replace(p.build, name=check_name(new)))
    return save_profile(copy, catalog, directory=directory)


def import_profile(
    path: Path, catalog: Catalog, *, name: str | None = None, overwrite: bool = False, directory: Path | None = None
) -> Profile:
    p = parse_profile_text(_read_text(Path(path)), catalog, str(path))
    if name:
        p = replace(p, name=check_name(name), build=replace(p.build, name=check_name(name)))
    saved = save_profile(p, catalog, overwrite=overwrite, directory=directory)
    return replace(p, path=saved)


def export_profile(name: str, catalog: Catalog, target: Path, directory: Path | None = None) -> Path:
    """Write a profile's TOML to `target` atomically, never over an existing file."""
    text = profile_text(load_profile(name, catalog, directory))
    try:
        atomic_write(Path(target), text, overwrite=False)
    except FileExists:
        raise ProfileError(f"{target} exists; llmtui does not overwrite files it did not create") from None
    except WriteError as e:
        raise ProfileError(str(e)) from None
    return Path(target)


# --- This machine's calibration (`llmtui bench`) ----------------------------------------------------------------

THIS_MACHINE = "this machine"


def save_calibration(
    name: str,
    build: Build,
    calibration: Any,
    catalog: Catalog,
    *,
    engine: str = "llama.cpp",
    directory: Path | None = None,
) -> Path:
    """Store `llmtui bench`'s calibration in profile `name`: the profile's own build when it exists
    and describes the same hardware, else a new profile of `build`. Refuses to attach it to a profile
    of other hardware."""
    d = directory or profiles_dir()
    with _lock(d):
        try:
            existing: Profile | None = load_profile(name, catalog, d)
        except ProfileError:
            existing = None
        if existing is not None:
            if existing.build.describe(ram=False) != build.describe(ram=False):
                raise ProfileError(
                    f"profile '{name}' describes {existing.build.describe()}, not {build.describe()}; "
                    "give another --save-profile name"
                )
            p = replace(existing, build=replace(existing.build, calibration=calibration))
            return _save(p, catalog, overwrite=True, directory=d)
        p = Profile(check_name(name), replace(build, name=name, calibration=calibration), engine=engine)
        return _save(p, catalog, overwrite=False, directory=d)


def with_saved_calibration(build: Build, catalog: Catalog, directory: Path | None = None) -> Build:
    """A detected build with the calibration `llmtui bench` saved for this machine, when the profile
    'this machine' describes the same hardware."""
    if build.source != "detected" or build.calibration is not None:
        return build
    try:
        p = load_profile(THIS_MACHINE, catalog, directory)
    except ProfileError:
        return build
    c = p.build.calibration
    if c is None or p.build.describe(ram=False) != build.describe(ram=False):
        return build
    return replace(build, calibration=c)
