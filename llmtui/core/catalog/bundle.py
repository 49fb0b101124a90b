"""The bundled catalogue parsed once, when llmtui is built or installed, so that the very first start
reads it as fast as a later one reads its cache.

Parsing and checking the TOML of data/ costs ~0.5 s on a 2-core machine; the parsed result, stored as
JSON next to the TOML (`catalog.parsed.json`), reads back in ~25 ms. The build hook (hatch_build.py at
the top of the source tree) writes it into the wheel, and into the checkout's data/ for an editable
install. It is used only when its digest equals one computed now from the TOML files and from the code
that parses them: an edited file or parser makes it stale, and a stale one is ignored (the TOML is
parsed as before), never trusted.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ... import __version__

if TYPE_CHECKING:
    from .types import Catalog

NAME = "catalog.parsed.json"
_CODE = ("bundle.py", "load.py", "schema.py", "types.py")  # what decides the parsed result


def _sources(data_dir: Path, *subs: str) -> list[Path]:
    from .load import _files

    return [p for sub in subs or ("models", "hardware") for p in _files(data_dir / sub)]


def digest(data_dir: Path) -> str | None:
    """A hash of llmtui's version, the parsing code and every catalogue file (name and bytes); None if
    one cannot be read."""
    h = hashlib.sha256(__version__.encode())
    here = Path(__file__).resolve().parent
    try:
        for name in _CODE:
            h.update(name.encode() + b"\0" + (here / name).read_bytes() + b"\0")
        for p in _sources(data_dir):
            h.update(f"{p.parent.name}/{p.name}".encode() + b"\0" + p.read_bytes() + b"\0")
    except OSError:
        return None
    return h.hexdigest()


def write(data_dir: Path, target: Path) -> tuple[Catalog | None, str]:
    """Parse data_dir's catalogue and store it at target. Returns the catalogue stored (None if it was
    not) and what was done, in a sentence; a catalogue with errors is not stored (its warnings would
    name the build machine's paths)."""
    from ..prebuilt import store
    from .load import load_devices, load_models, to_data
    from .schema import CatalogError
    from .types import Catalog

    errors: list[CatalogError] = []
    models = load_models(_sources(data_dir, "models"), "bundled", errors)
    devices = load_devices(_sources(data_dir, "hardware"), "bundled", errors)
    if errors:
        return None, f"not written: the catalogue has {len(errors)} errors, first {errors[0]}"
    key = digest(data_dir)
    if key is None:
        return None, "not written: a catalogue file cannot be read"
    data = to_data(Catalog(models=_relative(models, data_dir), devices=_relative(devices, data_dir), warnings=[]))
    store(target, key, data)
    said = f"{len(models)} models and {len(devices)} devices pre-parsed into {target}"
    return Catalog(models=models, devices=devices), said


def read(data_dir: Path) -> Catalog | None:
    """The pre-parsed catalogue of data_dir, or None if there is none, it is damaged or it is stale."""
    from ..prebuilt import stored
    from .load import from_data

    path = data_dir / NAME
    if not path.is_file():  # before hashing the catalogue's files
        return None
    key = digest(data_dir)
    catalog = from_data(stored(path, key), rebase=data_dir)
    if catalog is not None:
        catalog.fingerprint = str(key)
    return catalog


def _relative(entries: list[Any], data_dir: Path) -> list[Any]:
    from dataclasses import replace

    return [replace(e, file=str(Path(e.file).relative_to(data_dir))) for e in entries]
