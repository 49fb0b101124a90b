"""Reading the catalogue: bundled data/ plus the user's overlay, validated, loaded once."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import asdict, fields, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..paths import catalog_dir, user_data_dir
from .types import Arch, Catalog, Device, Model, ModelFile, Price, Score

if TYPE_CHECKING:
    from .schema import CatalogError

_cache: dict[tuple[str, str, tuple[tuple[str, int, int], ...]], Catalog] = {}


def read_toml(path: Path) -> tuple[dict[str, Any] | None, CatalogError | None]:
    """Parse one catalogue file through the trust boundary's reader (regular files only, a size and a
    nesting cap, text sanitized); any problem becomes a CatalogError naming the file."""
    from ..boundary import InputError
    from ..boundary.reader import read_toml as read_untrusted
    from .schema import CatalogError

    try:
        return read_untrusted(path, what="catalogue"), None
    except InputError as e:
        return None, CatalogError(str(path), "", "", e.message)


def _entries(path: Path, table: str, origin: str, errors: list[CatalogError]) -> Iterable[tuple[int, dict[str, Any]]]:
    from .schema import SCHEMA_VERSION, CatalogError

    doc, err = read_toml(path)
    if err:
        errors.append(err)
        return
    assert doc is not None
    version = doc.get("schema")
    if version != SCHEMA_VERSION:
        errors.append(
            CatalogError(str(path), "", "schema", f"is {version!r}; this llmtui reads schema = {SCHEMA_VERSION}")
        )
        return
    extra = set(doc) - {"schema", table}
    if extra:
        errors.append(
            CatalogError(str(path), "", ", ".join(sorted(extra)), f"unknown top-level key; expected [[{table}]]")
        )
    rows = doc.get(table, [])
    if not isinstance(rows, list):
        errors.append(CatalogError(str(path), "", table, f"must be an array of tables ([[{table}]])"))
        return
    yield from enumerate(rows)


def _load(paths: Iterable[Path], table: str, origin: str, errors: list[CatalogError]) -> list[Any]:
    from .schema import CatalogError, Invalid, parse_device, parse_model

    parse = parse_model if table == "models" else parse_device
    out: list[Any] = []
    for path in paths:
        for i, raw in _entries(path, table, origin, errors):
            try:
                out.append(parse(raw, origin=origin, file=str(path)))
            except Invalid as e:
                errors.append(CatalogError(str(path), _label(raw, i, table), e.field, e.message))
            except Exception as e:  # a check we lack must skip one entry, never stop every command
                errors.append(CatalogError(str(path), _label(raw, i, table), "", f"cannot be used ({e})"))
    return out


def load_models(paths: Iterable[Path], origin: str, errors: list[CatalogError]) -> list[Model]:
    return _load(paths, "models", origin, errors)


def load_devices(paths: Iterable[Path], origin: str, errors: list[CatalogError]) -> list[Device]:
    return _load(paths, "devices", origin, errors)


def load_scores(paths: Iterable[Path], errors: list[CatalogError]) -> dict[str, list[Score]]:
    """The user's score files (`llmtui scores import` writes them): scores by repo id, lowercase."""
    from .schema import USER_SCORE_SPEC, CatalogError, Invalid, parse_score

    out: dict[str, list[Score]] = {}
    for path in paths:
        for i, raw in _entries(path, "scores", "user", errors):
            try:
                sc = parse_score(raw, USER_SCORE_SPEC)
            except Invalid as e:
                errors.append(CatalogError(str(path), f"scores[{i}]", e.field, e.message))
                continue
            repo = sc.pop("hf_repo").lower()
            sc.pop("name", None)
            out.setdefault(repo, []).append(Score(**sc))
    return out


def with_user_scores(models: list[Model], scores: dict[str, list[Score]]) -> list[Model]:
    """Models with the user's imported scores: one of the same benchmark, version and variant replaces
    the catalogue's (the user imported a newer measurement on purpose)."""
    if not scores:
        return models
    out = []
    for m in models:
        extra = scores.get(m.hf_repo.lower()) if m.hf_repo else None
        if extra:
            new = {(s.key.lower(), s.variant) for s in extra}
            kept = [s for s in m.scores if (s.key.lower(), s.variant) not in new]
            m = replace(m, scores=(*kept, *extra))
        out.append(m)
    return out


def _label(raw: Any, i: int, table: str) -> str:
    if isinstance(raw, dict) and isinstance(raw.get("id"), str):
        from ..boundary.text import one_line

        return f"{table} '{one_line(raw['id'], limit=80)}'"
    return f"{table}[{i}]"


def _merge_unique(bundled: list[Any], user: list[Any], kind: str, errors: list[CatalogError]) -> list[Any]:
    """Bundled entries by id, each user entry replacing the bundled one with its id."""
    from .schema import CatalogError

    merged: dict[str, Any] = {}
    for item in bundled:
        if item.id in merged:
            errors.append(CatalogError(item.file, f"{kind} '{item.id}'", "id", "is used twice"))
            continue
        merged[item.id] = item
    seen_user: set[str] = set()
    for item in user:
        if item.id in seen_user:
            errors.append(CatalogError(item.file, f"{kind} '{item.id}'", "id", "is used twice in your files"))
            continue
        seen_user.add(item.id)
        merged[item.id] = item
    return list(merged.values())


def _stamp(user_dir: Path) -> tuple[tuple[str, int, int], ...]:
    """Catalogue files with their times and sizes: a changed file reloads the catalogue."""
    out = []
    for sub in ("models", "hardware", "scores"):
        for p in _files(user_dir / sub):
            try:
                st = p.stat()
            except OSError:
                continue
            out.append((str(p), st.st_mtime_ns, st.st_size))
    return tuple(out)


def load_catalog(data_dir: Path | None = None, user_dir: Path | None = None, *, use_cache: bool = True) -> Catalog:
    """The bundled catalogue merged with the user's overlay. Broken entries are skipped and reported
    in `catalog.warnings`; a broken user file never stops the app."""
    data_dir = data_dir or catalog_dir()
    user_dir = user_dir if user_dir is not None else user_data_dir()
    key = (str(data_dir), str(user_dir), _stamp(user_dir))
    if use_cache and key in _cache:
        return _cache[key]
    disk_key = (key, _stamp(data_dir))  # cache_file adds the version
    if use_cache:
        cached = _read_disk_cache(disk_key)
        if cached is not None:
            cached.fingerprint = _fingerprint(disk_key, "")
            _cache[key] = cached
            return cached
    errors: list[CatalogError] = []
    parsed = None
    if use_cache:
        from . import bundle

        parsed = bundle.read(data_dir)  # the bundled part as parsed when llmtui was installed
    if parsed is not None:
        models, devices = parsed.models, parsed.devices
    else:
        models = load_models(_files(data_dir / "models"), "bundled", errors)
        devices = load_devices(_files(data_dir / "hardware"), "bundled", errors)
    user_models = load_models(_files(user_dir / "models"), "user", errors)
    user_devices = load_devices(_files(user_dir / "hardware"), "user", errors)
    merged = _merge_unique(models, user_models, "models", errors)
    catalog = Catalog(
        models=_shared_archs(with_user_scores(merged, load_scores(_files(user_dir / "scores"), errors))),
        devices=_merge_unique(devices, user_devices, "devices", errors),
        warnings=[str(e) for e in errors],
    )
    if use_cache:
        catalog.fingerprint = _fingerprint(disk_key, parsed.fingerprint if parsed is not None else "")
        _cache[key] = catalog
        if parsed is None or key[2]:  # with the pre-parsed bundle and no overlay, it is the cache
            _write_disk_cache(disk_key, catalog)
    return catalog


def _fingerprint(disk_key: object, bundled: str) -> str:
    """The catalogue's files as read: their paths, times and sizes (and the pre-parsed bundle's
    content digest when it was used)."""
    import hashlib

    return hashlib.sha256(f"{disk_key!r}|{bundled}".encode()).hexdigest()[:24]


def _shared_archs(models: list[Model]) -> list[Model]:
    """Models with the same architecture (and its source) hold one Arch object, as the disk cache reads
    them back: the estimator's caches then compare them by identity instead of field by field."""
    seen: dict[tuple[Arch, str, str], Arch] = {}
    out = []
    for m in models:
        a = seen.setdefault((m.arch, m.arch.source, m.arch.ctx_note), m.arch)
        out.append(m if a is m.arch else replace(m, arch=a))
    return out


def _files(directory: Path) -> list[Path]:
    try:
        return sorted(directory.glob("*.toml"))
    except OSError:
        return []


# Parsing and checking the TOML files takes ~0.5 s on a 2-core machine, reading the parsed result back
# ~25 ms: the merged catalogue (bundled + the user's overlay) is kept in the user's cache directory as
# JSON (llmtui.core.cache_file), keyed on llmtui's version and every file's path, time and size. The
# bundled part alone is pre-parsed when llmtui is installed (bundle.py).
CACHE = "catalog.json"


def _read_disk_cache(key: object) -> Catalog | None:
    from .. import cache_file

    return from_data(cache_file.read(CACHE, key))


def _write_disk_cache(key: object, catalog: Catalog) -> None:
    from .. import cache_file

    cache_file.write(CACHE, key, to_data(catalog))


def from_data(data: object, rebase: Path | None = None) -> Catalog | None:
    """A catalogue from what to_data stored, or None if it is damaged or from another layout. rebase:
    entries' files were stored relative to this folder (the pre-parsed bundle)."""
    if not isinstance(data, dict):
        return None
    try:
        archs = [_ARCH(a) for a in data["archs"]]
        scores = [tuple(_SCORE(s) for s in group) for group in data["scores"]]
        return Catalog(
            models=[_model_from(d, archs, scores, rebase) for d in data["models"]],
            devices=[_device_from(d, rebase) for d in data["devices"]],
            warnings=[str(w) for w in data["warnings"]],
        )
    except (KeyError, TypeError, ValueError, AttributeError, IndexError):  # damaged: parse the TOML again
        return None


def _maker(cls: type) -> Callable[[dict[str, Any]], Any]:
    """An instance of a frozen, slotted dataclass from a dict of exactly its fields, stored by its own
    to_data: every slot set directly (the generated __init__ calls object.__setattr__ per field:
    ~75 us for an Arch of 69 fields, 10 ms of a start for the catalogue's architectures). Anything but
    exactly its fields raises TypeError, as __init__ would."""
    names = tuple(f.name for f in fields(cls))
    wanted = frozenset(names)
    setters = tuple(getattr(cls, n).__set__ for n in names)  # the slots' descriptors
    new = object.__new__

    def make(d: dict[str, Any]) -> Any:
        if d.keys() != wanted:
            raise TypeError(f"{cls.__name__}: fields {sorted(set(d) ^ wanted)} differ")
        obj: Any = new(cls)
        for put, name in zip(setters, names, strict=True):
            put(obj, d[name])
        return obj

    return make


_ARCH, _SCORE, _FILE, _PRICE = _maker(Arch), _maker(Score), _maker(ModelFile), _maker(Price)
_MODEL, _DEVICE = _maker(Model), _maker(Device)


def to_data(catalog: Catalog) -> dict[str, Any]:
    """The catalogue as JSON-able data. Each distinct architecture and score list is stored once and
    models refer to it by index: a catalogue of fine-tunes and variants shares a few, and reads back
    sharing the same objects."""
    archs: dict[tuple[Arch, str, str], int] = {}  # source and ctx_note do not take part in Arch's ==
    scores: dict[tuple[Score, ...], int] = {}
    models = []
    for m in catalog.models:
        d = asdict(m)
        d["arch"] = archs.setdefault((m.arch, m.arch.source, m.arch.ctx_note), len(archs))
        d["scores"] = scores.setdefault(m.scores, len(scores))
        models.append(d)
    return {
        "archs": [asdict(a) for a, _, _ in archs],
        "scores": [[asdict(s) for s in group] for group in scores],
        "models": models,
        "devices": [asdict(d) for d in catalog.devices],
        "warnings": catalog.warnings,
    }


def _model_from(d: dict[str, Any], archs: list[Arch], scores: list[tuple[Score, ...]], rebase: Path | None) -> Model:
    d = dict(d)
    if not isinstance(d["arch"], int) or not isinstance(d["scores"], int):
        raise TypeError("an index")
    d["arch"] = archs[d["arch"]]
    d["scores"] = scores[d["scores"]]
    d["files"] = tuple(_FILE(f) for f in d["files"])
    d["tags"] = tuple(d["tags"])
    if rebase is not None:
        d["file"] = str(rebase / d["file"])
    return _MODEL(d)


def _device_from(d: dict[str, Any], rebase: Path | None) -> Device:
    d = dict(d)
    d["prices"] = tuple(_PRICE(p) for p in d["prices"])
    for k in ("memory_gib", "aliases", "pci_ids"):
        d[k] = tuple(d[k])
    if rebase is not None:
        d["file"] = str(rebase / d["file"])
    return _DEVICE(d)


def validate_files(paths: Iterable[Path]) -> list[CatalogError]:
    """Every error in the given catalogue files (models/ or hardware/ decided by folder)."""
    errors: list[CatalogError] = []
    for path in paths:
        if path.parent.name == "hardware":
            load_devices([path], "bundled", errors)
        else:
            load_models([path], "bundled", errors)
    return errors
