"""What llmtui's build computes for the first start (core/prebuilt.py, called by hatch_build.py): the
catalogue pre-parsed and the default quant's weight sizes. Read back they equal what parsing and the
tensor walk give; a stale or damaged file is never used, and a wheel carries both files."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from llmtui.core import prebuilt
from llmtui.core.catalog import bundle
from llmtui.core.catalog import load as load_mod
from llmtui.core.estimate import cache
from llmtui.core.estimate.quant import DEFAULT_QUANT
from llmtui.core.estimate.weights import _weights, clear_cache, computed, weights
from llmtui.core.paths import bundled_data_dir, user_cache_dir

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    """The bundled data's TOML in a folder of its own (its pre-parsed files are written there)."""
    d = tmp_path / "data"
    for sub in ("models", "hardware", "quality", "reference"):
        shutil.copytree(bundled_data_dir() / sub, d / sub, ignore=shutil.ignore_patterns("*.parsed.json"))
    return d


def _parsed(data_dir: Path) -> load_mod.Catalog:
    return load_mod.load_catalog(data_dir, data_dir / "no-user", use_cache=False)


def test_the_pre_parsed_catalogue_equals_a_parse_field_for_field(data_copy: Path) -> None:
    written, said = prebuilt.write(data_copy, data_copy)
    tables = [prebuilt.parsed_copy(data_copy / rel) for rel in prebuilt.TOML]
    assert written == [data_copy / bundle.NAME, data_copy / cache.BUNDLE, *tables], said
    back = bundle.read(data_copy)
    assert back is not None
    parsed = _parsed(data_copy)
    # to_data holds every field, provenance (sources, notes) included, which == on Arch leaves out
    assert load_mod.to_data(back) == load_mod.to_data(parsed)
    assert back.models[0].file == parsed.models[0].file == str(data_copy / "models" / Path(parsed.models[0].file).name)


def test_an_edited_catalogue_file_makes_it_stale_and_the_toml_is_parsed(data_copy: Path) -> None:
    prebuilt.write(data_copy, data_copy)
    path = sorted((data_copy / "models").glob("*.toml"))[0]
    first = _parsed(data_copy).models[0]
    text = path.read_text()
    assert f'name = "{first.name}"' in text
    path.write_text(text.replace(f'name = "{first.name}"', 'name = "Renamed In Place"', 1))
    assert bundle.read(data_copy) is None
    load_mod._cache.clear()
    fresh = load_mod.load_catalog(data_copy, data_copy / "no-user")
    assert fresh.models[0].name == "Renamed In Place"
    load_mod._cache.clear()


def test_a_damaged_or_foreign_file_is_not_used(data_copy: Path) -> None:
    prebuilt.write(data_copy, data_copy)
    path = data_copy / bundle.NAME
    doc = json.loads(path.read_text())
    doc["data"]["models"][0]["arch"] = 10**6  # an index past the architectures
    path.write_text(json.dumps(doc))
    assert bundle.read(data_copy) is None
    doc["digest"] = "0" * 64
    path.write_text(json.dumps(doc))
    assert bundle.read(data_copy) is None
    path.write_text("{not json")
    assert bundle.read(data_copy) is None
    load_mod._cache.clear()
    assert len(load_mod.load_catalog(data_copy, data_copy / "no-user").models) == len(_parsed(data_copy).models)
    load_mod._cache.clear()


def test_with_it_and_no_overlay_no_cache_copy_is_written(data_copy: Path, tmp_path: Path) -> None:
    prebuilt.write(data_copy, data_copy)
    load_mod._cache.clear()
    load_mod.load_catalog(data_copy, tmp_path / "user")
    assert not (user_cache_dir() / load_mod.CACHE).exists()  # the pre-parsed file is the cache
    (tmp_path / "user" / "models").mkdir(parents=True)
    (tmp_path / "user" / "models" / "mine.toml").write_text("schema = 1\n")
    load_mod._cache.clear()
    load_mod.load_catalog(data_copy, tmp_path / "user")
    assert (user_cache_dir() / load_mod.CACHE).is_file()  # bundled + overlay: kept as before
    load_mod._cache.clear()


def test_the_stored_weight_sizes_are_read_instead_of_computed(data_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    prebuilt.write(data_copy, data_copy)
    monkeypatch.setattr("llmtui.core.paths.bundled_data_dir", lambda: data_copy)
    catalog = _parsed(data_copy)
    archs = list({m.arch for m in catalog.models})[:20]
    clear_cache()
    for a in archs:
        assert weights(a, DEFAULT_QUANT) == computed(a, DEFAULT_QUANT)
    _weights.cache_clear()
    clear_cache()
    for a in archs:
        weights(a, DEFAULT_QUANT)
    assert _weights.cache_info().currsize == 0  # every one from the stored table
    weights(archs[0], "Q8_0")  # not stored: computed as before
    assert _weights.cache_info().currsize == 1
    clear_cache()
    monkeypatch.setattr(cache, "_digest", lambda: "another-estimator")
    assert cache.lookup(archs[0], DEFAULT_QUANT) is None  # sizes from another estimator are not read
    clear_cache()


def test_the_reference_tables_read_back_as_tomllib_parses_them_and_only_while_current(data_copy: Path) -> None:
    import tomllib

    prebuilt.write(data_copy, data_copy)
    for rel in prebuilt.TOML:
        path = data_copy / rel
        assert prebuilt.parsed_copy(path).is_file()
        assert prebuilt.load_toml(path) == tomllib.loads(path.read_text("utf-8"))
    path = data_copy / "quality" / "quant_loss.toml"
    path.write_text(path.read_text() + "\n[[classes]]\nname = 'added after the build'\n")
    doc = prebuilt.load_toml(path)  # the copy no longer matches these bytes: parsed again
    assert doc["classes"][-1]["name"] == "added after the build"
    prebuilt.parsed_copy(path).write_text("{not json")
    assert prebuilt.load_toml(path) == doc
    with pytest.raises(ValueError):
        bad = data_copy / "reference" / "broken.toml"
        bad.write_text("x = [")
        prebuilt.load_toml(bad)


def test_a_wheel_carries_both_files_made_from_its_data(tmp_path: Path) -> None:
    """The build hook as pip runs it: the wheel holds the pre-computed files, keyed to the data it ships."""
    src = tmp_path / "src"
    shutil.copytree(ROOT, src, ignore=shutil.ignore_patterns(".venv", ".git", "__pycache__", "*.parsed.json", "tests"))
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(tmp_path),
            str(src),
        ],
        capture_output=True,
        text=True,
        timeout=280,
    )
    assert out.returncode == 0, out.stderr[-2000:]
    (wheel,) = tmp_path.glob("llmtui-*.whl")
    with zipfile.ZipFile(wheel) as z:
        names = set(z.namelist())
        assert f"llmtui/data/{bundle.NAME}" in names and f"llmtui/data/{cache.BUNDLE}" in names
        for rel in prebuilt.TOML:
            assert f"llmtui/data/{prebuilt.parsed_copy(Path(rel)).as_posix()}" in names
        doc = json.loads(z.read(f"llmtui/data/{bundle.NAME}"))
        weights_doc = json.loads(z.read(f"llmtui/data/{cache.BUNDLE}"))
    assert doc["digest"] == bundle.digest(src / "data")
    assert weights_doc["digest"] == cache._digest()
    assert len(doc["data"]["models"]) == len(_parsed(src / "data").models)


def test_a_loaded_catalogue_is_fingerprinted_by_its_files_and_the_rows_cache_keys_on_it(
    data_copy: Path, tmp_path: Path
) -> None:
    from llmtui.core import rows_cache
    from llmtui.core.build import planned_build

    prebuilt.write(data_copy, data_copy)
    user = tmp_path / "user"
    load_mod._cache.clear()
    first = load_mod.load_catalog(data_copy, user)
    assert first.fingerprint and rows_cache._catalog_digest(first) == first.fingerprint
    (user / "models").mkdir(parents=True)
    (user / "models" / "mine.toml").write_text("schema = 1\n")  # an overlay file: other files, other key
    load_mod._cache.clear()
    second = load_mod.load_catalog(data_copy, user)
    assert second.fingerprint and second.fingerprint != first.fingerprint
    build = planned_build(first, gpu="RTX 4090", ram="64GB")
    settings = {"quant": "Q4_K_M", "ctx": 8192, "kv_type": "f16", "engine": "llama.cpp"}
    assert rows_cache.key(first, build, **settings) != rows_cache.key(second, build, **settings)
    second.reindex()  # models changed in code: no longer what the files said
    assert second.fingerprint == "" and rows_cache._catalog_digest(second) != first.fingerprint
    load_mod._cache.clear()


def test_a_stored_record_with_a_missing_or_an_extra_field_is_damaged(data_copy: Path) -> None:
    prebuilt.write(data_copy, data_copy)
    doc = json.loads((data_copy / bundle.NAME).read_text())
    good = load_mod.from_data(doc["data"], rebase=data_copy)
    assert good is not None and load_mod.to_data(good) == load_mod.to_data(_parsed(data_copy))
    for where, change in (("archs", "pop"), ("scores", "add"), ("devices", "add")):
        broken = json.loads(json.dumps(doc["data"]))
        record = broken[where][0][0] if where == "scores" else broken[where][0]
        if change == "pop":
            record.pop(next(iter(record)))
        else:
            record["unexpected"] = 1
        assert load_mod.from_data(broken, rebase=data_copy) is None, where
