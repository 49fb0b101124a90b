"""Profiles: every operation, corruption of every kind, crashes mid-write, concurrent saves."""

from __future__ import annotations

import contextlib
import os
import threading
import tomllib
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from llmtui.core import files as files_mod
from llmtui.core.build import planned_build
from llmtui.core.catalog import Catalog
from llmtui.core.estimate import estimate
from llmtui.core.profiles import (
    Profile,
    ProfileError,
    delete_profile,
    duplicate_profile,
    import_profile,
    list_profiles,
    load_profile,
    parse_profile_text,
    profile_text,
    rename_profile,
    save_profile,
)


@pytest.fixture
def pdir(tmp_path: Path) -> Path:
    return tmp_path / "profiles"


def mk(catalog: Catalog, name: str = "homelab", gpu: str = "2x RTX 3090", ram: str = "64GB") -> Profile:
    return Profile(name, replace(planned_build(catalog, gpu=gpu, ram=ram), name=name))


def test_save_load_round_trip_gives_the_same_estimate(catalog: Catalog, pdir: Path) -> None:
    p = mk(catalog)
    path = save_profile(p, catalog, directory=pdir)
    doc = tomllib.loads(path.read_text())
    assert doc["schema"] == 1 and doc["gpus"][0]["count"] == 2
    back = load_profile("homelab", catalog, directory=pdir)
    m = catalog.model("llama-3.3-70b-instruct")
    assert m is not None
    a = estimate(m, "Q4_K_M", 8192, p.build).to_json()
    b = estimate(m, "Q4_K_M", 8192, back.build).to_json()
    assert a["memory"] == b["memory"] and a["fit"] == b["fit"] and a["speed"] == b["speed"]


def test_mac_profile_keeps_the_wired_limit(catalog: Catalog, pdir: Path) -> None:
    b = planned_build(catalog, mac="M4 Max 40-core 128GB", wired_limit_mb=120000)
    save_profile(Profile("mac", b), catalog, directory=pdir)
    back = load_profile("mac", catalog, directory=pdir)
    assert back.build.gpus[0].usable_bytes == b.gpus[0].usable_bytes
    assert back.build.wired_limit_mb == 120000


def test_list_rename_duplicate_delete(catalog: Catalog, pdir: Path) -> None:
    save_profile(mk(catalog, "a"), catalog, directory=pdir)
    save_profile(mk(catalog, "b", gpu="RTX 4090"), catalog, directory=pdir)
    duplicate_profile("a", "c", catalog, directory=pdir)
    rename_profile("b", "bee", catalog, directory=pdir)
    names = [p.name for p in list_profiles(catalog, pdir)[0]]
    assert names == ["a", "bee", "c"]
    delete_profile("a", catalog, directory=pdir)
    assert [p.name for p in list_profiles(catalog, pdir)[0]] == ["bee", "c"]
    with pytest.raises(ProfileError, match="no profile named 'a'"):
        load_profile("a", catalog, directory=pdir)


def test_save_refuses_to_replace_without_force(catalog: Catalog, pdir: Path) -> None:
    save_profile(mk(catalog), catalog, directory=pdir)
    with pytest.raises(ProfileError, match="already exists"):
        save_profile(mk(catalog, gpu="RTX 4090"), catalog, directory=pdir)
    save_profile(mk(catalog, gpu="RTX 4090"), catalog, overwrite=True, directory=pdir)
    assert load_profile("homelab", catalog, directory=pdir).build.gpus[0].name.endswith("4090")


def test_export_import(catalog: Catalog, pdir: Path, tmp_path: Path) -> None:
    text = profile_text(mk(catalog))
    f = tmp_path / "shared.toml"
    f.write_text(text)
    p = import_profile(f, catalog, name="from-friend", directory=pdir)
    assert p.name == "from-friend" and len(p.build.gpus) == 2


@pytest.mark.parametrize(
    "text,words",
    [
        ("schema = 1\nname = 'x'\n[[gpus]\n", "not valid TOML"),
        ("schema = 2\nname = 'x'\n", "newer llmtui"),
        ("name = 'x'\n", "'schema' must be 1"),
        ("schema = 1\n", "'name' is missing"),
        ("schema = 1\nname = 'x'\n", "describes no hardware"),
        (
            "schema = 1\nname = 'x'\n[[gpus]]\nname = 'G'\nmemory_gib = -8\nbandwidth_gbs = 100\n",
            "memory_gib: '-8' is not a number from 0.1",
        ),
        ("schema = 1\nname = 'x'\n[[gpus]]\ncatalog_id = 'rtx-9999'\n", "not in the hardware catalogue"),
        (
            "schema = 1\nname = 'x'\n[[gpus]]\ncatalog_id = 'rtx-4090'\ncount = 900\n",
            "count: '900' is not a whole number from 1 to 64",
        ),
        ("schema = 1\nname = 'x'\n[machine]\nram_gib = 'lots'\n", "ram_gib: 'lots' is not a number"),
        ("schema = 1\nname = 'x'\nengine = 'tgi'\n[machine]\nram_gib = 64\n", "engine 'tgi'"),
        ("schema = 1\nname = '../../etc'\n[machine]\nram_gib = 64\n", "not a usable profile name"),
    ],
)
def test_malformed_profiles_are_reported_with_file_and_what(catalog: Catalog, text: str, words: str) -> None:
    with pytest.raises(ProfileError) as e:
        parse_profile_text(text, catalog, "/p/x.toml")
    assert words in str(e.value) and "/p/x.toml" in str(e.value)


def test_broken_file_is_skipped_and_never_overwritten(catalog: Catalog, pdir: Path) -> None:
    pdir.mkdir(parents=True)
    broken = pdir / "homelab.toml"
    broken.write_text("schema = 1\nname = 'homelab'\n[[gpus]\n")
    save_profile(mk(catalog, "other"), catalog, directory=pdir)
    profiles, errors = list_profiles(catalog, pdir)
    assert [p.name for p in profiles] == ["other"]
    assert len(errors) == 1 and "homelab.toml" in errors[0] and "line 3" in errors[0]
    before = broken.read_bytes()
    for force in (False, True):
        with pytest.raises(ProfileError, match="left untouched"):
            save_profile(mk(catalog), catalog, overwrite=force, directory=pdir)
    assert broken.read_bytes() == before


def test_crash_mid_write_leaves_the_old_file(catalog: Catalog, pdir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    save_profile(mk(catalog), catalog, directory=pdir)
    path = pdir / "homelab.toml"
    before = path.read_bytes()

    def crash(*args: object, **kw: object) -> None:
        raise OSError("disk full (simulated)")

    monkeypatch.setattr(files_mod.os, "replace", crash)
    with pytest.raises(ProfileError, match="simulated"):
        save_profile(mk(catalog, gpu="RTX 4090"), catalog, overwrite=True, directory=pdir)
    assert path.read_bytes() == before
    assert [p.name for p in pdir.iterdir()] == ["homelab.toml"]  # no temporary file left behind


def test_crash_while_writing_the_temporary_file(catalog: Catalog, pdir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    save_profile(mk(catalog), catalog, directory=pdir)
    before = (pdir / "homelab.toml").read_bytes()
    real_fsync = os.fsync

    def crash(fd: int) -> None:
        raise OSError("power cut (simulated)")

    monkeypatch.setattr(files_mod.os, "fsync", crash)
    with pytest.raises(ProfileError, match="power cut"):
        save_profile(mk(catalog, gpu="RTX 4090"), catalog, overwrite=True, directory=pdir)
    monkeypatch.setattr(files_mod.os, "fsync", real_fsync)
    assert (pdir / "homelab.toml").read_bytes() == before
    assert len(list(pdir.iterdir())) == 1


def test_concurrent_saves_lose_nothing(catalog: Catalog, pdir: Path) -> None:
    """Eight writers, each saving its own profile and racing on a shared one: every distinct profile
    survives, and the shared one is exactly one writer's version, never a mix."""
    errors: list[str] = []
    barrier = threading.Barrier(8)

    def writer(i: int) -> None:
        barrier.wait()
        try:
            save_profile(mk(catalog, f"own-{i}"), catalog, directory=pdir)
        except ProfileError as e:
            errors.append(str(e))
        # another instance may create it first: that is reported, and nothing is lost
        with contextlib.suppress(ProfileError):
            save_profile(mk(catalog, "shared", gpu=f"{i + 1}x RTX 3090"), catalog, directory=pdir)

    threads = [threading.Thread(target=writer, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    names = {p.name for p in list_profiles(catalog, pdir)[0]}
    assert names == {f"own-{i}" for i in range(8)} | {"shared"}
    shared = load_profile("shared", catalog, directory=pdir)
    assert 1 <= len(shared.build.gpus) <= 8


toml_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(10**12), 10**12) | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4),
    max_leaves=20,
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    doc=st.fixed_dictionaries(
        {"schema": st.sampled_from([1, 1, 1, 2, "1"]), "name": st.text(max_size=12)},
        optional={"machine": toml_values, "gpus": toml_values, "engine": toml_values},
    )
)
def test_any_generated_profile_parses_or_fails_cleanly(catalog: Catalog, doc: dict[str, object]) -> None:
    import tomli_w

    clean = {k: v for k, v in doc.items() if v is not None}
    try:
        text = tomli_w.dumps(clean)
    except (TypeError, ValueError):
        return  # not representable in TOML
    try:
        p = parse_profile_text(text, catalog, "gen.toml")
    except ProfileError as e:
        assert str(e).startswith("gen.toml")
    else:
        assert p.build.gpus or p.build.ram_bytes


@settings(max_examples=100, deadline=None)
@given(text=st.text(max_size=200))
def test_arbitrary_text_never_raises_anything_else(catalog: Catalog, text: str) -> None:
    with contextlib.suppress(ProfileError):
        parse_profile_text(text, catalog, "junk.toml")
