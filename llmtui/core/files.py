"""Writing the user's files safely: a temporary file in the same directory, fsync, then an atomic
rename; a new file never replaces one that appeared meanwhile; a failed write leaves the old file as
it was and no temporary file behind. Every failure is a WriteError: one sentence naming the file and
the cause (no space left, read-only file system, permission denied, ...)."""

from __future__ import annotations

import contextlib
import errno
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path


class WriteError(OSError):
    """A file llmtui could not write, with the file and the cause in one sentence."""

    def __init__(self, path: Path | str, cause: OSError | str) -> None:
        from .boundary.text import one_line

        reason = cause if isinstance(cause, str) else (cause.strerror or str(cause) or type(cause).__name__)
        self.path = str(path)
        self.reason = one_line(reason)
        super().__init__(f"cannot write {one_line(self.path)}: {self.reason}")


class FileExists(WriteError):
    def __init__(self, path: Path | str) -> None:
        super().__init__(path, "a file of that name already exists")


def atomic_write(path: Path, text: str, *, overwrite: bool) -> None:
    atomic_write_bytes(path, text.encode("utf-8"), overwrite=overwrite)


def atomic_write_bytes(path: Path, data: bytes, *, overwrite: bool = True, mode: int | None = None) -> None:
    """Write `data` to `path` atomically; raises WriteError (FileExists when overwrite=False and the
    file exists)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=".tmp", dir=path.parent)
    except OSError as e:
        raise WriteError(path, e) from None
    try:
        with os.fdopen(fd, "wb") as fh:
            if mode is not None:
                os.fchmod(fh.fileno(), mode)
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        _place(tmp, path, overwrite)
    except WriteError:
        raise
    except OSError as e:
        raise WriteError(path, e) from None
    finally:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
    _sync_dir(path.parent)


def _place(tmp: str, path: Path, overwrite: bool) -> None:
    if overwrite:
        os.replace(tmp, path)
        return
    try:
        os.link(tmp, path)  # fails if the file exists: never clobbers
    except FileExistsError:
        raise FileExists(path) from None
    except OSError as e:
        if e.errno not in (errno.EPERM, errno.EOPNOTSUPP, errno.ENOTSUP, errno.EXDEV, errno.EMLINK):
            raise
        # file systems without hard links: O_EXCL creation reserves the name, then the content moves in
        try:
            os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        except FileExistsError:
            raise FileExists(path) from None
        os.replace(tmp, path)


def _sync_dir(directory: Path) -> None:
    with contextlib.suppress(OSError):  # make the rename itself durable
        dfd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(dfd)
        finally:
            os.close(dfd)


@contextlib.contextmanager
def locked(directory: Path) -> Iterator[None]:
    """An exclusive lock on a directory (flock on the directory itself, so no lock file is left
    behind), so changes that touch two files (a rename) never interleave with another process's.
    Where locking is unavailable, no lock is taken."""
    try:
        import fcntl
    except ImportError:  # Windows
        yield
        return
    try:
        directory.mkdir(parents=True, exist_ok=True)
        fd = os.open(directory, os.O_RDONLY)
    except OSError as e:
        raise WriteError(directory, e) from None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock
