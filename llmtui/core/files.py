"""Writing the user's files safely: a temporary file in the same directory, fsync, then an atomic
rename; a new file never replaces one that appeared meanwhile."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path


class FileExists(FileExistsError):
    pass


def atomic_write(path: Path, text: str, *, overwrite: bool) -> None:
    atomic_write_bytes(path, text.encode("utf-8"), overwrite=overwrite)


def atomic_write_bytes(path: Path, data: bytes, *, overwrite: bool = True) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        if overwrite:
            os.replace(tmp, path)
        else:
            try:
                os.link(tmp, path)  # fails if the file exists: never clobbers
            except FileExistsError:
                raise FileExists(str(path)) from None
            except OSError:  # file systems without hard links
                if path.exists():
                    raise FileExists(str(path)) from None
                os.replace(tmp, path)
                return
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
    with contextlib.suppress(OSError):  # make the rename itself durable
        dfd = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(dfd)
        finally:
            os.close(dfd)
