"""The UI tests run on the fixture catalogue (tests/fixtures/catalog), in the process and in anything
they start: a model added to data/ changes none of their screens or snapshots."""

from __future__ import annotations

import pytest

from llmtui.core.catalog import Catalog
from tests.fixtures.catalogue import CATALOG_DIR, fixture_catalog


@pytest.fixture(autouse=True)
def _fixture_catalogue(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LLMTUI_CATALOG_DIR", str(CATALOG_DIR))


@pytest.fixture(scope="session")
def catalog() -> Catalog:
    return fixture_catalog()
