"""The one number parser: whatever text or value arrives, the answer is a number inside the stated
range (whole where asked) or an InputError naming the field; never another exception."""

from __future__ import annotations

import math
from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from llmtui.core.boundary import InputError
from llmtui.core.boundary.numbers import ctx_tokens, number, ram_bytes, seconds, size_bytes

NASTY = [
    "1e400", "-1e400", "inf", "-inf", "nan", "NaN", "Infinity", "9" * 400, "9" * 5000 + "GB", "0x10", "1_000",
    "", " ", "0.5", "-1", "1e-400", "٣", "１２", "1e4000k", "\x1b[2J", "[/]", "64 GB", "64gib", "1.5k",
]  # fmt: skip
values = st.one_of(
    st.sampled_from(NASTY),
    st.text(max_size=80),
    st.integers(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.none(),
    st.lists(st.integers(), max_size=3),
)


@settings(max_examples=600, deadline=None)
@given(values)
def test_ctx_is_a_whole_number_in_range_or_one_sentence(value: object) -> None:
    try:
        n = ctx_tokens(value, "--ctx")
    except InputError as e:
        assert str(e).startswith("--ctx: ") and "\n" not in str(e)
        return
    assert isinstance(n, int) and 1 <= n <= 100_000_000


@settings(max_examples=600, deadline=None)
@given(values, st.floats(-1e6, 1e6), st.floats(0, 1e9), st.booleans())
def test_number_stays_in_range(value: object, lo: float, span: float, integer: bool) -> None:
    hi = lo + span
    try:
        n = number(value, "field", lo=lo, hi=hi, integer=integer)
    except InputError:
        return
    assert math.isfinite(n) and lo <= n <= hi
    assert not integer or float(n).is_integer()


@settings(max_examples=300, deadline=None)
@given(values)
def test_sizes_and_seconds(value: object) -> None:
    for parse in (lambda v: ram_bytes(v, "--ram"), lambda v: size_bytes(v, "size"), lambda v: seconds(v, "t")):
        try:
            n = parse(value)
        except InputError:
            continue
        assert math.isfinite(n) and n >= 0


@pytest.mark.parametrize(
    ("text", "want"), [("8192", 8192), ("32k", 32768), ("1.5k", 1536), (" 128K ", 131072), ("1m", 1048576)]
)
def test_ctx_reads_what_users_write(text: str, want: int) -> None:
    assert ctx_tokens(text) == want


@pytest.mark.parametrize("text", ["1e400", "inf", "nan", "9" * 400, "0.5", "0", "-8", "1_000", "0x10", ""])
def test_ctx_refuses(text: str, tally: Counter[str]) -> None:
    tally["number inputs"] += 1
    with pytest.raises(InputError, match=r"is not a context length in tokens from 1 to 100,000,000"):
        ctx_tokens(text)


def test_ram_as_sold() -> None:
    assert ram_bytes("64GB") == ram_bytes("64GiB") == ram_bytes(64) == 64 << 30
    assert ram_bytes("1TB") == 1024 << 30
    with pytest.raises(InputError, match=r"RAM in GB from 0\.1 to 64,000"):
        ram_bytes("9" * 400 + "GB")
