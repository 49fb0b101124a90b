"""Where llmtui reads and writes: the bundled catalogue, the user's overlay, profiles.

LLMTUI_DATA_DIR and LLMTUI_CONFIG_DIR override the user's directories (tests use them).
"""

from __future__ import annotations

import os
from pathlib import Path


def bundled_data_dir() -> Path:
    """data/ as shipped: inside the wheel (llmtui/data) or at the top of a source checkout."""
    here = Path(__file__).resolve().parent.parent  # llmtui/
    packaged = here / "data"
    if packaged.is_dir():
        return packaged
    return here.parent / "data"


def user_data_dir() -> Path:
    env = os.environ.get("LLMTUI_DATA_DIR")
    if env:
        return Path(env)
    import platformdirs

    return Path(platformdirs.user_data_dir("llmtui", appauthor=False))


def user_config_dir() -> Path:
    env = os.environ.get("LLMTUI_CONFIG_DIR")
    if env:
        return Path(env)
    import platformdirs

    return Path(platformdirs.user_config_dir("llmtui", appauthor=False))


def user_cache_dir() -> Path:
    env = os.environ.get("LLMTUI_CACHE_DIR")
    if env:
        return Path(env)
    import platformdirs

    return Path(platformdirs.user_cache_dir("llmtui", appauthor=False))


def profiles_dir() -> Path:
    return user_config_dir() / "profiles"
