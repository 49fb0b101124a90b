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


def parsed_copy(path: Path) -> Path:
    """Where the pre-parsed copy of a TOML file lives: beside it, as NAME.parsed.json."""
    return path.with_name(path.stem + ".parsed.json")


def load_toml(path: Path) -> dict[str, Any]:
    """A bundled TOML file's document: its pre-parsed copy when that was made from these very bytes,
    else parsed with tomllib. Raises OSError or ValueError (tomllib's TOMLDecodeError is one)."""
    raw = path.read_bytes()
    try:
        copy = json.loads(parsed_copy(path).read_bytes())
        if isinstance(copy, dict) and copy.get("sha256") == hashlib.sha256(raw).hexdigest():
            doc = copy.get("doc")
            if isinstance(doc, dict):
                return doc
    except (OSError, ValueError):
        pass
    import tomllib

    return tomllib.loads(raw.decode("utf-8"))


def write(data_dir: Path, out_dir: Path) -> tuple[list[Path], list[str]]:
    """Write the pre-computed files for data_dir into out_dir: the files written (each at the same
    path relative to out_dir as it takes relative to data/), and one sentence each on what was done."""
    import tomllib

    from .catalog import bundle
    from .estimate import cache
    from .estimate.quant import DEFAULT_QUANT
    from .files import atomic_write_bytes

    written: list[Path] = []
    said = [bundle.write(data_dir, out_dir / bundle.NAME)]
    if (out_dir / bundle.NAME).is_file():
        written.append(out_dir / bundle.NAME)
        parsed = bundle.read_file(out_dir / bundle.NAME, data_dir)
        if parsed is not None:
            n = cache.write_bundle({m.arch for m in parsed.models}, [DEFAULT_QUANT], out_dir / cache.BUNDLE)
            written.append(out_dir / cache.BUNDLE)
            said.append(f"{n} weight sizes stored in {out_dir / cache.BUNDLE}")
    tables = 0
    for rel in TOML:
        try:
            raw = (data_dir / rel).read_bytes()
            text = json.dumps({"sha256": hashlib.sha256(raw).hexdigest(), "doc": tomllib.loads(raw.decode("utf-8"))})
        except (OSError, ValueError, TypeError) as e:  # TypeError: a TOML date, which JSON cannot hold
            said.append(f"{rel} not pre-parsed ({e})")
            continue
        target = parsed_copy(out_dir / rel)
        atomic_write_bytes(target, text.encode("utf-8"), mode=0o644)
        written.append(target)
        tables += 1
    said.append(f"{tables} reference tables pre-parsed")
    return written, said
