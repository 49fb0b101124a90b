from __future__ import annotations

import pytest

from llmtui.core.build import Build, planned_build
from llmtui.core.catalog import Catalog
from llmtui.ui.app import LlmtuiApp


@pytest.fixture
def make_app(catalog: Catalog):  # type: ignore[no-untyped-def]
    def make(gpu: str = "RTX 4090", ram: str = "64GB", build: Build | None = None) -> LlmtuiApp:
        b = build or planned_build(catalog, gpu=gpu, ram=ram)
        return LlmtuiApp(catalog=catalog, build=b, build_title="test build", detect=False)

    return make
