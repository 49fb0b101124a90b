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
    from llmtui.core.catalog import bundle

    monkeypatch.setenv("LLMTUI_CACHE_DIR", str(tmp_path))
    monkeypatch.setattr(bundle, "read", lambda data_dir: None)  # the user's cache file, not the build's
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


@pytest.mark.parametrize("name", ["catalog.json", "weights.json", "rows.json"])
def test_deep_or_odd_cache_files_are_ignored(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    """Cache files skip the nesting count (their readers check every value): a file nested 100,000
    deep, or the expected shape with 900-deep arrays for values, reads as "no cache"; the command works."""
    monkeypatch.setenv("LLMTUI_CACHE_DIR", str(tmp_path))

    path = tmp_path / name
    path.write_text("[" * 100_000 + "]" * 100_000)
    path.chmod(0o600)
    assert cache_file.read(name, "any") is None
    env = {**os.environ, "LLMTUI_CACHE_DIR": str(tmp_path)}
    run = [sys.executable, "-m", "llmtui", "models", "--gpu", "RTX 4090", "--limit", "1", "--json"]
    p = subprocess.run(run, env=env, capture_output=True, text=True, timeout=120)
    assert p.returncode == 0 and len(json.loads(p.stdout)) == 1, p.stderr
    # the readers behind the key check: the expected shape with deep arrays where values should be
    deep = json.loads("[" * 900 + "]" * 900)
    from llmtui.core import rows_cache
    from llmtui.core.build import planned_build
    from llmtui.core.catalog import load_catalog
    from llmtui.core.estimate import cache as weights_cache

    catalog = load_catalog(user_dir=tmp_path / "none", use_cache=False)
    build = planned_build(catalog, gpu="RTX 4090", ram="64GB")
    shape = {"models": [deep], "archs": [deep], "scores": [deep], "devices": [deep], "warnings": deep}
    key = rows_cache.key(catalog, build, quant="Q4_K_M", ctx=8192, kv_type="f16", engine="llama.cpp")
    monkeypatch.setattr(cache_file, "read", lambda *_: shape)
    assert load_mod._read_disk_cache("k") is None
    monkeypatch.setattr(rows_cache, "_stored", lambda: {key: [deep] * len(catalog.models)})
    assert rows_cache.read(catalog, build, quant="Q4_K_M", ctx=8192, kv_type="f16", engine="llama.cpp") is None
    weights_cache.reset()
    arch = catalog.models[0].arch
    monkeypatch.setattr(cache_file, "read", lambda *_: {weights_cache._arch_key(arch): {"Q4_K_M": {"L": deep}}})
    assert weights_cache.lookup(arch, "Q4_K_M") is None
    weights_cache.reset()
