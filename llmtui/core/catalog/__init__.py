"""The catalogue of open models and hardware: types, schema validation and loading.

The schema module is imported on first use: a start from the cached catalogue does not need it.
"""

from typing import TYPE_CHECKING, Any

from .load import load_catalog, read_toml, validate_files
from .types import Arch, Catalog, Device, Model, Price, Score

if TYPE_CHECKING:
    from .schema import CatalogError, Invalid, parse_device, parse_model


def __getattr__(name: str) -> Any:
    if name in ("CatalogError", "Invalid", "parse_device", "parse_model"):
        from . import schema

        return getattr(schema, name)
    raise AttributeError(name)


__all__ = [
    "Arch",
    "Catalog",
    "CatalogError",
    "Device",
    "Invalid",
    "Model",
    "Price",
    "Score",
    "load_catalog",
    "parse_device",
    "parse_model",
    "read_toml",
    "validate_files",
]
