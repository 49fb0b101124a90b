"""What llmtui's build computes once so that a first start, or a first use, need not: the bundled
catalogue parsed and checked (catalog/bundle.py), the weight sizes of its architectures at the default
quant (estimate/cache.py; the best-quant search fills in the others as before), and the reference
tables read at run time (TOML) as JSON, which reads ~20x faster (the published GGUF sizes: ~120 ms of
tomllib on a 2-core machine, the first time a dynamic quant is sized). hatch_build.py calls write();
each file is used only while its digest still matches the data (and code) it was made from.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

# Bundled TOML files that llmtui reads while it runs, relative to the data folder.
TOML = (
    "quality/quant_loss.toml",
    "reference/gguf_sizes.toml",
    "reference/gguf_sizes_new.toml",
    "reference/gguf_sizes_2026.toml",
    "reference/repos.toml",
)


_LIMIT = 64_000_000


def store(target: Path, digest: str, data: Any) -> None:
    """Write one pre-computed file: {"digest": what it was made from, "data": ...} as JSON."""
    from .files import atomic_write_bytes

    payload = json.dumps({"digest": digest, "data": data}, separators=(",", ":"))
    atomic_write_bytes(target, payload.encode("utf-8"), mode=0o644)


def stored(path: Path, digest: str | None) -> Any | None:
    """The data of a pre-computed file made from `digest`, or None when it is missing, damaged or was
    made from something else (JSON through the trust boundary's reader: it can never run code)."""
    from .boundary import InputError
    from .boundary.reader import loads_json, read_text

    if digest is None or not path.is_file():
        return None
    try:
        doc = loads_json(
            read_text(path, what="pre-computed file", limit=_LIMIT), str(path), max_depth=None, sanitize=False
        )
    except InputError:
        return None
    return doc.get("data") if isinstance(doc, dict) and doc.get("digest") == digest else None


def parsed_copy(path: Path) -> Path:
    """Where the pre-parsed copy of a TOML file lives: beside it, as NAME.parsed.json."""
    return path.with_name(path.stem + ".parsed.json")


def load_toml(path: Path) -> dict[str, Any]:
    """A bundled TOML file's document: its pre-parsed copy when that was made from these very bytes,
    else parsed with tomllib. Raises OSError or ValueError (tomllib's TOMLDecodeError is one)."""
    raw = path.read_bytes()
    doc = stored(parsed_copy(path), hashlib.sha256(raw).hexdigest())
    if isinstance(doc, dict):
        return doc
    import tomllib

    return tomllib.loads(raw.decode("utf-8"))


def write(data_dir: Path, out_dir: Path) -> tuple[list[Path], list[str]]:
    """Write the pre-computed files for data_dir into out_dir: the files written (each at the same
    path relative to out_dir as it takes relative to data/), and one sentence each on what was done."""
    import tomllib

    from .catalog import bundle
    from .estimate import cache
    from .estimate.quant import DEFAULT_QUANT

    written: list[Path] = []
    parsed, sentence = bundle.write(data_dir, out_dir / bundle.NAME)
    said = [sentence]
    if parsed is not None:
        written.append(out_dir / bundle.NAME)
        n = cache.write_bundle({m.arch for m in parsed.models}, [DEFAULT_QUANT], out_dir / cache.BUNDLE)
        written.append(out_dir / cache.BUNDLE)
        said.append(f"{n} weight sizes stored in {out_dir / cache.BUNDLE}")
    tables = 0
    for rel in TOML:
        target = parsed_copy(out_dir / rel)
        try:
            raw = (data_dir / rel).read_bytes()
            store(target, hashlib.sha256(raw).hexdigest(), tomllib.loads(raw.decode("utf-8")))
        except (OSError, ValueError, TypeError) as e:  # TypeError: a TOML date, which JSON cannot hold
            said.append(f"{rel} not pre-parsed ({e})")
            continue
        written.append(target)
        tables += 1
    said.append(f"{tables} reference tables pre-parsed")
    return written, said
