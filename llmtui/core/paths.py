"""Where llmtui reads and writes: the bundled catalogue, the user's overlay, profiles.

LLMTUI_DATA_DIR and LLMTUI_CONFIG_DIR override the user's directories (tests use them);
LLMTUI_CATALOG_DIR replaces the bundled catalogue's models/ and hardware/ (tests point it at a small
fixture, so a model added to data/ changes no screen they look at).
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


def catalog_dir() -> Path:
    """The folder whose models/ and hardware/ are the bundled catalogue: LLMTUI_CATALOG_DIR, else data/.
    The reference tables (quant loss, seed article, speed points) are always read from data/."""
    env = os.environ.get("LLMTUI_CATALOG_DIR")
    return Path(env) if env else bundled_data_dir()


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


def screenshot_dir() -> Path:
    """Where the palette's Screenshot command saves: the user's downloads folder when there is one,
    else a screenshots folder in llmtui's data directory (made when first used)."""
    if not os.environ.get("LLMTUI_DATA_DIR"):
        import platformdirs

        downloads = Path(platformdirs.user_downloads_dir())
        if downloads.is_dir():
            return downloads
    return user_data_dir() / "screenshots"


def profiles_dir() -> Path:
    return user_config_dir() / "profiles"
