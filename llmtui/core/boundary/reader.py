"""The one reader for untrusted files and answers: a config.json, a GGUF-less header dump, a profile,
an overlay file, a --batch input, a leaderboard export, a remote probe's answer.

Only regular files are read (a FIFO named *.toml would block forever, /dev/zero never ends), never
more than a cap, as UTF-8; JSON and TOML are parsed with a nesting cap, so a hostile file is one
sentence, never a hang, a RecursionError or a read without limit.
"""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path
from typing import Any

from . import InputError
from .text import clean_tree

MAX_DEPTH = 32  # nesting of arrays and tables: catalogue files need 3, config.json files 4
KB = 1000
MB = 1000 * KB

LIMITS = {
    "config": 4 * MB,  # config.json files are a few KB
    "profile": 1 * MB,
    "catalogue": 16 * MB,
    "leaderboard": 64 * MB,
    "answer": 8 * MB,
    "batch line": 1 * MB,
    "file": 16 * MB,
}


def _kind(mode: int) -> str:
    for test, name in (
        (stat.S_ISDIR, "a directory"),
        (stat.S_ISFIFO, "a named pipe"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
        (stat.S_ISSOCK, "a socket"),
    ):
        if test(mode):
            return name
    return "not a regular file"


def read_bytes(path: Path | str, *, what: str = "file", limit: int | None = None) -> bytes:
    """The bytes of a regular file, at most `limit` (by default the cap for `what`)."""
    cap = limit if limit is not None else LIMITS.get(what, LIMITS["file"])
    where = str(path)
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(path, flags)  # non-blocking: opening a FIFO with no writer returns at once
    except OSError as e:
        raise InputError(where, f"cannot be read ({e.strerror or e})") from None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise InputError(where, f"is {_kind(st.st_mode)}; llmtui reads a {what} only from a regular file")
        if st.st_size > cap:
            raise InputError(where, f"is {st.st_size / MB:.1f} MB, more than a {what} can be ({cap / MB:g} MB)")
        chunks: list[bytes] = []
        total = 0
        while True:
            chunk = os.read(fd, min(1 << 20, cap + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
            if total > cap:
                raise InputError(where, f"is more than a {what} can be ({cap / MB:g} MB)")
        return b"".join(chunks)
    except OSError as e:
        raise InputError(where, f"cannot be read ({e.strerror or e})") from None
    finally:
        os.close(fd)


def decode(data: bytes, where: str) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise InputError(where, f"is not UTF-8 text (byte 0x{data[e.start]:02x} at offset {e.start})") from None


def read_text(path: Path | str, *, what: str = "file", limit: int | None = None) -> str:
    return decode(read_bytes(path, what=what, limit=limit), str(path))


def depth_of(obj: Any, cap: int = MAX_DEPTH) -> int:
    """Nesting depth of arrays and objects, counted level by level without recursion (stops counting
    past cap). Only containers are carried to the next level, so a file of numbers costs one pass."""
    level = [obj] if isinstance(obj, dict | list) else []
    depth = 0
    while level:
        depth += 1
        if depth > cap:
            return depth
        deeper: list[Any] = []
        for x in level:
            deeper += [v for v in (x.values() if isinstance(x, dict) else x) if isinstance(v, dict | list)]
        level = deeper
    return depth


def _check_depth(obj: Any, where: str, cap: int) -> None:
    if depth_of(obj, cap) > cap:
        raise InputError(where, f"nests arrays or tables more than {cap} deep")


def loads_json(text: str, where: str, *, max_depth: int | None = MAX_DEPTH, sanitize: bool = True) -> Any:
    """Parse JSON with a nesting cap; strings are sanitized (multi-line) unless sanitize=False.
    max_depth=None: only the decoder's own recursion guard (llmtui's cache files, this user's own,
    whose readers check every value's type; counting their thousands of arrays cost ~10 ms a start)."""
    try:
        obj = json.loads(text)
    except json.JSONDecodeError as e:
        raise InputError(where, f"is not valid JSON ({e.msg} at line {e.lineno}, column {e.colno})") from None
    except RecursionError:
        raise InputError(where, f"nests arrays or objects more than {max_depth or 'a few hundred'} deep") from None
    if max_depth is not None:
        _check_depth(obj, where, max_depth)
    return clean_tree(obj) if sanitize else obj


def loads_toml(text: str, where: str, *, max_depth: int = MAX_DEPTH, sanitize: bool = True) -> dict[str, Any]:
    """Parse TOML with a nesting cap; strings are sanitized (multi-line) unless sanitize=False."""
    import tomllib  # a start that reads only its JSON caches does not import it

    try:
        obj = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise InputError(where, f"is not valid TOML ({e})") from None
    except RecursionError:
        raise InputError(where, f"nests arrays or tables more than {max_depth} deep") from None
    if max_depth is not None:
        _check_depth(obj, where, max_depth)
    return clean_tree(obj) if sanitize else obj


def read_json(path: Path | str, *, what: str = "file", sanitize: bool = True) -> Any:
    return loads_json(read_text(path, what=what), str(path), sanitize=sanitize)


def read_toml(path: Path | str, *, what: str = "file", sanitize: bool = True) -> dict[str, Any]:
    return loads_toml(read_text(path, what=what), str(path), sanitize=sanitize)
