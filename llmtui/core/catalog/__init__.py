"""The catalogue of open models and hardware: types, schema validation and loading."""

from .load import load_catalog, read_toml, validate_files
from .schema import CatalogError, Invalid, parse_device, parse_model
from .types import Arch, Catalog, Device, Model, Price, Score

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
