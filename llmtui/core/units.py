"""Units, in one place. GB = 10^9 bytes, GiB = 2^30 bytes; every figure says which it is.

Parsing what users type (sizes, context lengths) is the trust boundary's: llmtui.core.boundary.numbers."""

from __future__ import annotations

GB = 1_000_000_000
GiB = 1 << 30
MiB = 1 << 20


def fmt_gb(n_bytes: float, digits: int = 1) -> str:
    """Bytes as decimal GB, the unit the app shows everywhere."""
    return f"{n_bytes / GB:.{digits}f} GB"


def fmt_tps(tps: float) -> str:
    """A speed in tokens/s: one decimal under 10 ('1.5'), whole above ('1204')."""
    return f"{tps:.1f}" if tps < 10 else f"{tps:.0f}"


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


def count(n: int, noun: str, plural: str = "") -> str:
    """'1 model', '2 models', '0 models'."""
    return f"{n} {noun if n == 1 else plural or noun + 's'}"
