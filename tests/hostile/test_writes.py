"""Writing the user's files when the disk is full, read-only or shared with another llmtui: one
sentence naming the file and the cause, the old file intact, no temporary or 0-byte file left, and
renames that leave exactly one profile even when ten run at once."""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import subprocess
import sys
import uuid
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from llmtui.cli import run
from llmtui.core import files as files_mod


@contextlib.contextmanager
def tiny_tmpfs(size: str = "64k") -> Iterator[Path]:
    """A small real file system, so a write fails with the kernel's own 'No space left on device'."""
    mnt = Path(f"/tmp/llmtui-full-{uuid.uuid4().hex[:8]}")
    mnt.mkdir()
    if os.geteuid() != 0 or shutil.which("mount") is None:
        mnt.rmdir()
        pytest.skip("mounting a small tmpfs needs root (CI runs as root)")
    p = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(mnt)], capture_output=True)
    if p.returncode != 0:
        mnt.rmdir()
        pytest.skip(f"tmpfs cannot be mounted here: {p.stderr.decode().strip()}")
    try:
        yield mnt
    finally:
        subprocess.run(["umount", "-l", str(mnt)], check=False)
        with contextlib.suppress(OSError):
            mnt.rmdir()


def _fill(directory: Path) -> None:
    with contextlib.suppress(OSError), (directory / "filler").open("wb") as fh:
        while True:
            fh.write(b"x" * 4096)
            fh.flush()


def test_disk_full_save_export_and_retry(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tally: Counter[str]
) -> None:
    with tiny_tmpfs() as mnt:
        monkeypatch.setenv("LLMTUI_CONFIG_DIR", str(mnt / "config"))
        assert run(["profiles", "save", "lab", "--gpu", "RTX 4090", "--ram", "64GB"]) == 0
        before = (mnt / "config" / "profiles" / "lab.toml").read_bytes()
        _fill(mnt)
        capsys.readouterr()
        for argv in (
            ["profiles", "save", "lab", "--gpu", "2x RTX 3090", "--ram", "64GB", "--force"],
            ["profiles", "save", "other", "--gpu", "RTX 4090", "--ram", "64GB"],
            ["profiles", "duplicate", "lab", "copy"],
            ["profiles", "rename", "lab", "renamed"],
            ["profiles", "export", "lab", "-o", str(mnt / "out.toml")],
        ):
            code = run(argv)
            err = capsys.readouterr().err
            tally["full-disk writes"] += 1
            assert code == 2, (argv, err)
            assert "No space left on device" in err and err.count("\n") == 1, err
        assert (mnt / "config" / "profiles" / "lab.toml").read_bytes() == before
        leftovers = sorted(p.name for p in (mnt / "config" / "profiles").iterdir())
        assert leftovers == ["lab.toml"], leftovers
        assert not (mnt / "out.toml").exists()  # no 0-byte export that a retry would refuse
        (mnt / "filler").unlink()
        assert run(["profiles", "export", "lab", "-o", str(mnt / "out.toml")]) == 0  # the retry works
        assert (mnt / "out.toml").read_bytes() == before


@pytest.mark.parametrize("err", [errno.EROFS, errno.EACCES, errno.EPERM, errno.ENOSPC, errno.EDQUOT])
def test_every_os_error_is_a_sentence(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], err: int, tally: Counter[str]
) -> None:
    assert run(["profiles", "save", "lab", "--gpu", "RTX 4090", "--ram", "64GB"]) == 0
    real = os.fsync

    def failing(fd: int) -> None:
        raise OSError(err, os.strerror(err))

    monkeypatch.setattr(files_mod.os, "fsync", failing)
    capsys.readouterr()
    for argv in (
        ["profiles", "save", "lab", "--gpu", "RTX 4090", "--ram", "32GB", "--force"],
        ["profiles", "rename", "lab", "lab2"],
        ["profiles", "duplicate", "lab", "lab3"],
        ["profiles", "export", "lab", "-o", os.environ["LLMTUI_CONFIG_DIR"] + "/x.toml"],
    ):
        assert run(argv) == 2
        message = capsys.readouterr().err
        tally["failed writes"] += 1
        assert os.strerror(err) in message and "Traceback" not in message, message
    monkeypatch.setattr(files_mod.os, "fsync", real)
    assert run(["profiles", "show", "lab"]) == 0


def test_ten_concurrent_renames_leave_one_profile(tmp_path: Path) -> None:
    env = {**os.environ, "LLMTUI_CONFIG_DIR": str(tmp_path)}
    assert (
        subprocess.run([sys.executable, "-m", "llmtui", "profiles", "save", "src", "--ram", "64GB"], env=env).returncode
        == 0
    )
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "llmtui", "profiles", "rename", "src", f"dst{i}"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for i in range(10)
    ]
    results = [(p.wait(60), p.stderr.read() if p.stderr else "") for p in procs]
    assert sum(1 for code, _ in results if code == 0) == 1, results
    assert all("Traceback" not in err for _, err in results)
    assert all(code in (0, 2) for code, _ in results)
    remaining = sorted(p.name for p in (tmp_path / "profiles").iterdir())
    assert len(remaining) == 1 and remaining[0].startswith("dst"), remaining


def test_rename_onto_an_existing_profile_changes_nothing(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["profiles", "save", "a", "--ram", "64GB"]) == 0
    assert run(["profiles", "save", "b", "--ram", "32GB"]) == 0
    assert run(["profiles", "rename", "a", "b"]) == 2
    assert "already exists" in capsys.readouterr().err
    assert run(["profiles", "show", "a"]) == 0 and run(["profiles", "show", "b"]) == 0
