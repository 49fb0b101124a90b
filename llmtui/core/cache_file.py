"""Files in the user's cache directory: JSON only (loading it can never run code, unlike pickle),
read through the trust boundary's reader, and ignored unless this user owns them and nobody else
can write them (a cache directory set to /tmp or shared with others cannot plant one).

A cache file is {"llmtui": version, "key": ..., "data": ...}; any mismatch, damage or doubt means
"no cache" and the caller computes afresh.
"""

from __future__ import annotations

import contextlib
import json
import os
import stat
from typing import Any

from .. import __version__
from .paths import user_cache_dir

MAX_BYTES = 64_000_000


def _trusted(path: str) -> bool:
    """This user's own regular file, writable by nobody else (POSIX); on Windows, any regular file."""
    try:
        st = os.stat(path, follow_symlinks=False)
    except OSError:
        return False
    if not stat.S_ISREG(st.st_mode):
        return False
    getuid = getattr(os, "getuid", None)
    if getuid is None:
        return True
    return st.st_uid == getuid() and not st.st_mode & (stat.S_IWGRP | stat.S_IWOTH)


def read(name: str, key: Any) -> Any | None:
    """The data stored under `name` with this key and llmtui version, or None."""
    from .boundary import InputError
    from .boundary.reader import loads_json, read_text

    path = str(user_cache_dir() / name)
    if not _trusted(path):
        return None
    try:
        doc = loads_json(read_text(path, what="cache", limit=MAX_BYTES), path, max_depth=None, sanitize=False)
    except InputError:
        return None
    if not isinstance(doc, dict) or doc.get("llmtui") != __version__ or doc.get("key") != _plain_key(key):
        return None
    return doc.get("data")


def write(name: str, key: Any, data: Any) -> None:
    """Store `data` (JSON-able) under `name`; a cache that cannot be written is simply not kept."""
    from .files import atomic_write_bytes

    payload = json.dumps({"llmtui": __version__, "key": _plain_key(key), "data": data}, separators=(",", ":"))
    with contextlib.suppress(OSError, ValueError):
        atomic_write_bytes(user_cache_dir() / name, payload.encode("utf-8"), mode=0o600)


def _plain_key(key: Any) -> Any:
    """The key as it reads back from JSON (tuples become lists)."""
    return json.loads(json.dumps(key))
