"""Units, in one place. GB = 10^9 bytes, GiB = 2^30 bytes; every figure says which it is."""

from __future__ import annotations

import re

GB = 1_000_000_000
GiB = 1 << 30
MiB = 1 << 20

_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(tib|tb|gib|gb|mib|mb|g|t|m)?\s*$", re.IGNORECASE)
_FACTORS = {
    "tb": 1000 * GB,
    "t": 1000 * GB,
    "tib": 1024 * GiB,
    "gb": GB,
    "g": GB,
    "gib": GiB,
    "mb": 1_000_000,
    "m": 1_000_000,
    "mib": MiB,
}


class UnitError(ValueError):
    """A size or count that cannot be read."""


def parse_size(text: str, default_unit: str = "gb") -> int:
    """'64GB' -> 64e9 bytes, '48 GiB' -> 48*2^30. A bare number is in `default_unit`."""
    m = _SIZE.match(text)
    if not m:
        raise UnitError(f"'{text}' is not a size; write it like 64GB or 48GiB")
    value = float(m.group(1))
    unit = (m.group(2) or default_unit).lower()
    return int(value * _FACTORS[unit])


def parse_ctx(text: str) -> int:
    """'8192', '8k', '128K', '1m' -> tokens (k = 1024, as context lengths are counted)."""
    t = text.strip().lower()
    mult = 1
    if t.endswith("k"):
        mult, t = 1024, t[:-1]
    elif t.endswith("m"):
        mult, t = 1024 * 1024, t[:-1]
    try:
        value = float(t)
    except ValueError:
        raise UnitError(f"'{text}' is not a context length; write it like 8192 or 32k") from None
    if value <= 0:
        raise UnitError(f"context length must be positive, got '{text}'")
    return int(value * mult)


def fmt_gb(n_bytes: float, digits: int = 1) -> str:
    """Bytes as decimal GB, the unit the app shows everywhere."""
    return f"{n_bytes / GB:.{digits}f} GB"


def fmt_ctx(tokens: int) -> str:
    if tokens >= 1 << 20 and tokens % (1 << 20) == 0:
        return f"{tokens >> 20}M"
    if tokens >= 1024 and tokens % 1024 == 0:
        return f"{tokens // 1024}K"
    return str(tokens)


def fmt_params(billions: float) -> str:
    if billions >= 100:
        return f"{billions:.0f}B"
    if billions >= 10:
        return f"{billions:.1f}".rstrip("0").rstrip(".") + "B"
    if billions >= 1:
        return f"{billions:.2f}".rstrip("0").rstrip(".") + "B"
    return f"{billions * 1000:.0f}M"
