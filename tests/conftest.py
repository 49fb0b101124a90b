"""Shared fixtures. Every test runs with its own empty user directories, so a developer's profiles
and catalogue overlay are never read or written."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import settings

from llmtui.core.build import Build, planned_build
from llmtui.core.catalog import Catalog, load_catalog

# One BLAS thread per test process, set before any test module imports numpy (test_gguf_import does at
# collection): three pytest workers each running OpenBLAS's spinning threads on a busy 2-core machine
# made the leave-one-source-out test (thousands of small fits) run past its 300 s timeout.
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

# Property tests draw the same examples on every run (seeded by the test's name) and keep no example
# database: a suite that passes once passes again, on any machine.
settings.register_profile("llmtui", derandomize=True, database=None, deadline=None)
settings.load_profile("llmtui")

# huggingface_hub reads this once, at import: without it, its user-agent code fetches a registry of
# AI agent harnesses from the Hub on the first request (tests talk only to the fake Hub on 127.0.0.1)
os.environ["HF_HUB_DISABLE_TELEMETRY"] = "1"


@pytest.fixture(autouse=True)
def _isolated_user_dirs(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    base = tmp_path_factory.mktemp("user")
    monkeypatch.setenv("LLMTUI_DATA_DIR", str(base / "data"))
    monkeypatch.setenv("LLMTUI_CONFIG_DIR", str(base / "config"))
    monkeypatch.setenv("LLMTUI_CACHE_DIR", str(base / "cache"))
    monkeypatch.setenv("LLMTUI_SERVERS", "none")  # detection asks no local inference server unless a test says so
    yield


@pytest.fixture(scope="session")
def catalog() -> Catalog:
    return load_catalog(user_dir=Path("/nonexistent-llmtui-user-dir"))


@pytest.fixture(scope="session")
def rtx4090(catalog: Catalog) -> Build:
    return planned_build(catalog, gpu="RTX 4090", ram="64GB")


@pytest.fixture
def model_calls(monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    """`model_calls(owner, "name")`: owner.name still runs, and the returned list gets the id of the
    model each call is for (its first argument), in call order."""

    def spy(owner: object, name: str) -> list[str]:
        calls: list[str] = []
        real = getattr(owner, name)

        def counted(model, *args, **kwargs):  # type: ignore[no-untyped-def]
            calls.append(model.id)
            return real(model, *args, **kwargs)

        monkeypatch.setattr(owner, name, counted)
        return calls

    return spy


@pytest.fixture
def make_app(catalog: Catalog):  # type: ignore[no-untyped-def]
    """The app on a planned build, without detection (UI and hostile tests)."""
    from llmtui.ui.app import LlmtuiApp

    def make(gpu: str = "RTX 4090", ram: str = "64GB", build: Build | None = None) -> LlmtuiApp:
        b = build or planned_build(catalog, gpu=gpu, ram=ram)
        return LlmtuiApp(catalog=catalog, build=b, build_title="test build", detect=False)

    return make
