"""The one parser for numbers from outside: flags, --batch keys, profile and catalogue fields, remote
answers, environment variables and the app's input boxes.

A number is accepted when it is finite, inside the stated range and whole where it must be. Text is
plain decimal notation (no 'inf', 'nan', '1_000' or hex), at most 64 characters, with an optional unit
suffix. Anything else raises InputError with one sentence naming the field and the accepted range.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation

from . import InputError
from .text import one_line

MAX_TEXT = 64
MAX_CTX = 100_000_000  # tokens: more than any model's context
_DECIMAL = re.compile(r"^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d{1,4})?$")

GB = 1_000_000_000
GiB = 1 << 30
MiB = 1 << 20


def _fmt(x: float) -> str:
    if isinstance(x, int) or float(x).is_integer():
        return f"{int(x):,}"
    return f"{x:g}"


def shown(value: object) -> str:
    """A rejected value as the message quotes it: sanitized and cut short."""
    text = value if isinstance(value, str) else repr(value)
    return "'" + one_line(text, limit=40) + "'"


def number(
    value: object,
    field: str,
    *,
    lo: float,
    hi: float,
    integer: bool = False,
    what: str = "",
    suffixes: Mapping[str, float] | None = None,
    default_factor: float = 1.0,
    example: str = "",
) -> float:
    """`value` (a JSON/TOML number or text) as a float (or an int when `integer`), within lo..hi.

    `suffixes` maps unit suffixes (lowercase) to factors; a bare number gets `default_factor`.
    `what` names the quantity in the message ('a context length in tokens')."""
    noun = what or ("a whole number" if integer else "a number")
    rng = f"from {_fmt(lo)} to {_fmt(hi)}"
    hint = f" (write it like {example})" if example else ""

    def bad(detail: str = "") -> InputError:
        return InputError(field, f"{shown(value)} is not {noun} {rng}{hint}" + (f": {detail}" if detail else ""))

    if isinstance(value, bool):
        raise bad()
    if isinstance(value, int):
        exact: Decimal = Decimal(value) * Decimal(repr(default_factor))
    elif isinstance(value, float):
        if not math.isfinite(value):
            raise bad("not a finite number")
        exact = Decimal(repr(value)) * Decimal(repr(default_factor))
    elif isinstance(value, str):
        text = value.strip()
        if not text or len(text) > MAX_TEXT:
            raise bad("empty" if not text else f"longer than {MAX_TEXT} characters")
        factor = default_factor
        low = text.lower()
        for suffix in sorted(suffixes or {}, key=len, reverse=True):
            if low.endswith(suffix) and _DECIMAL.match(low[: -len(suffix)].strip()):
                factor = (suffixes or {})[suffix]
                text = text[: -len(suffix)].strip()
                break
        if not _DECIMAL.match(text):
            raise bad()
        try:
            exact = Decimal(text) * Decimal(repr(factor))
        except InvalidOperation:
            raise bad() from None
    else:
        raise bad()
    if not exact.is_finite() or exact < Decimal(repr(lo)) or exact > Decimal(repr(hi)):
        raise bad()
    if integer:
        if exact != exact.to_integral_value():
            raise bad("it must be whole")
        return int(exact)
    return float(exact)


def whole(value: object, field: str, *, lo: int, hi: int, what: str = "", example: str = "") -> int:
    return int(number(value, field, lo=lo, hi=hi, integer=True, what=what, example=example))


CTX_SUFFIXES = {"k": 1024, "m": 1024 * 1024}


def ctx_tokens(value: object, field: str = "--ctx", *, lo: int = 1, hi: int = MAX_CTX) -> int:
    """A context length: '8192', '32k', '1m' (k = 1024, as context lengths are counted)."""
    return int(
        number(
            value,
            field,
            lo=lo,
            hi=hi,
            integer=True,
            what="a context length in tokens",
            suffixes=CTX_SUFFIXES,
            example="8192 or 32k",
        )
    )


SIZE_SUFFIXES = {"tib": 1024 * GiB / GB, "tb": 1000, "t": 1000, "gib": GiB / GB, "gb": 1, "g": 1}
SIZE_SUFFIXES |= {"mib": MiB / GB, "mb": 1e-3, "m": 1e-3}


def size_bytes(value: object, field: str, *, lo_gb: float = 0, hi_gb: float = 1e9) -> int:
    """A size in bytes: '64GB' = 64e9 bytes, '48 GiB' = 48 x 2^30; a bare number is GB."""
    gb = number(value, field, lo=lo_gb, hi=hi_gb, what="a size in GB", suffixes=SIZE_SUFFIXES, example="64GB")
    return int(gb * GB)


MAX_RAM_GIB = 64_000
RAM_SUFFIXES = {"tib": 1024, "tb": 1024, "t": 1024, "gib": 1, "gb": 1, "g": 1, "mib": 1 / 1024, "mb": 1 / 1024}


def ram_bytes(value: object, field: str = "--ram", *, allow_zero: bool = False) -> int:
    """RAM as sold: '64GB' is 64 GiB (DIMMs are binary; 'GiB' says the same); a bare number is GB."""
    gib = number(
        value,
        field,
        lo=0 if allow_zero else 0.1,
        hi=MAX_RAM_GIB,
        what="an amount of RAM in GB",
        suffixes=RAM_SUFFIXES,
        example="64GB",
    )
    return int(gib * GiB)


def seconds(value: object, field: str, *, lo: float = 0.1, hi: float = 3600.0) -> float:
    return number(value, field, lo=lo, hi=hi, what="a time in seconds", example="5 or 2.5")
