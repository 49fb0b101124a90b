"""Build hook (hatchling): what the very first start after installing would otherwise compute, computed
once here (llmtui/core/prebuilt.py): the bundled catalogue parsed and checked, its architectures'
weight sizes at the default quant, and the reference tables llmtui reads as it runs, as JSON.

A wheel gets the files in llmtui/data/; an editable install writes them into the checkout's data/
(git-ignored). If they cannot be written the build still succeeds: llmtui then computes them at its
first start, as it does when they are stale.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface


class CatalogBundleHook(BuildHookInterface):
    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        root = Path(self.root)
        sys.path.insert(0, str(root))
        out = root / "data" if version == "editable" else Path(tempfile.mkdtemp(prefix="llmtui-build-"))
        try:
            from llmtui.core import prebuilt

            written, said = prebuilt.write(root / "data", out)
        except Exception as e:  # never fail an install over a speed-up
            print(f"llmtui build hook: nothing pre-computed ({e})", file=sys.stderr)
            return
        finally:
            sys.path.remove(str(root))
        for line in said:
            print(f"llmtui build hook: {line}", file=sys.stderr)
        if version != "editable":
            for path in written:
                build_data["force_include"][str(path)] = f"llmtui/data/{path.relative_to(out).as_posix()}"
