"""The cache directory holds no pickle and is not trusted blindly: a planted file can never run
code, and a cache file that another user owns or can write is ignored."""

from __future__ import annotations

import json
import os
import pickle
import subprocess
import sys
from pathlib import Path

import pytest

from llmtui.core import cache_file
from llmtui.core.catalog import load as load_mod


class Boom:
    def __reduce__(self) -> tuple[object, tuple[str]]:
        return (os.system, (f"touch {os.environ.get('LLMTUI_CACHE_DIR', '/tmp')}/PWNED",))


def test_planted_pickles_are_never_loaded(tmp_path: Path) -> None:
    for name in ("catalog.pickle", "weights.pickle", "catalog.json", "weights.json"):
        (tmp_path / name).write_bytes(pickle.dumps(Boom()))
    env = {**os.environ, "LLMTUI_CACHE_DIR": str(tmp_path)}
    p = subprocess.run(
        [sys.executable, "-m", "llmtui", "models", "--gpu", "RTX 4090", "--limit", "1"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert p.returncode == 0, p.stderr
    assert not (tmp_path / "PWNED").exists()
    code = (Path(cache_file.__file__).read_text() + Path(load_mod.__file__).read_text()).lower()
    assert "import pickle" not in code and "pickle.load" not in code


def test_a_cache_others_can_write_is_ignored(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LLMTUI_CACHE_DIR", str(tmp_path))
    cache_file.write("t.json", "k", {"v": 1})
    assert cache_file.read("t.json", "k") == {"v": 1}
    os.chmod(tmp_path / "t.json", 0o666)
    assert cache_file.read("t.json", "k") is None
    os.chmod(tmp_path / "t.json", 0o600)
    if os.geteuid() == 0:
        os.chown(tmp_path / "t.json", 65534, 65534)  # nobody's file in my cache directory
        assert cache_file.read("t.json", "k") is None
        os.chown(tmp_path / "t.json", 0, 0)
    assert cache_file.read("t.json", "other key") is None
    (tmp_path / "t.json").write_text(json.dumps({"llmtui": "0", "key": "k", "data": 1}))
    assert cache_file.read("t.json", "k") is None  # another version


def test_a_damaged_catalogue_cache_is_parsed_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LLMTUI_CACHE_DIR", str(tmp_path))
    load_mod._cache.clear()
    first = load_mod.load_catalog(user_dir=tmp_path / "none")
    doc = json.loads((tmp_path / "catalog.json").read_text())
    doc["data"]["models"][0] = {"id": 5}
    (tmp_path / "catalog.json").write_text(json.dumps(doc))
    os.chmod(tmp_path / "catalog.json", 0o600)
    load_mod._cache.clear()
    again = load_mod.load_catalog(user_dir=tmp_path / "none")
    assert again.models == first.models
    load_mod._cache.clear()
