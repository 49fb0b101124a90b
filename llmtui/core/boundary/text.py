"""The one sanitizer: strip what a terminal would act on from text that came from outside.

C0 control characters (ESC starts CSI and OSC sequences: OSC 52 writes the clipboard, OSC 0 the
window title, CSI 2J clears the screen), DEL, C1 controls (U+0080-U+009F: 0x9B is a one-byte CSI on
8-bit terminals) and the Unicode bidi controls that reorder what is shown (U+202A-U+202E,
U+2066-U+2069, U+200E, U+200F, U+061C) are removed. Single-line text also turns tabs, newlines and
the Unicode line separators into spaces, so a name can never end a comment or start a new line.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

_BIDI = (0x061C, 0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A))
_CONTROLS = (*range(0x00, 0x20), 0x7F, *range(0x80, 0xA0))
_BREAKS = (0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x85, 0x2028, 0x2029)

_ONE_LINE = {cp: None for cp in (*_CONTROLS, *_BIDI)} | {cp: " " for cp in _BREAKS}
_MULTI_LINE = {cp: None for cp in (*_CONTROLS, *_BIDI) if cp not in (0x09, 0x0A)} | {
    0x0D: None,
    0x85: "\n",
    0x2028: "\n",
    0x2029: "\n",
}


def one_line(text: object, *, limit: int | None = None) -> str:
    """`text` as one line with nothing a terminal acts on; cut to `limit` characters (with '…')."""
    s = str(text).translate(_ONE_LINE)
    if limit is not None and len(s) > limit:
        s = s[: max(0, limit - 1)] + "…"
    return s


def multi_line(text: object, *, limit: int | None = None) -> str:
    """Like one_line, but newlines and tabs stay (file contents, notes)."""
    s = str(text).translate(_MULTI_LINE)
    if limit is not None and len(s) > limit:
        s = s[: max(0, limit - 1)] + "…"
    return s


def clean_tree(obj: Any, *, multiline: bool = True) -> Any:
    """A copy of a parsed JSON/TOML value with every string (keys too) sanitized. Iterative, so a
    deeply nested value cannot exhaust the stack (the reader caps nesting before this runs)."""
    clean = multi_line if multiline else one_line
    if isinstance(obj, str):
        return clean(obj)
    if not isinstance(obj, dict | list):
        return obj
    root: list[Any] = [None]
    stack: list[tuple[Any, Any, Any]] = [(obj, root, 0)]
    while stack:
        src, parent, key = stack.pop()
        if isinstance(src, dict):
            dst_d: dict[Any, Any] = {}
            parent[key] = dst_d
            for k, v in src.items():
                k2 = clean(k) if isinstance(k, str) else k
                _place(v, dst_d, k2, stack, clean)
        else:
            dst_l: list[Any] = [None] * len(src)
            parent[key] = dst_l
            for i, v in enumerate(src):
                _place(v, dst_l, i, stack, clean)
    return root[0]


def _place(v: Any, parent: Any, key: Any, stack: list[tuple[Any, Any, Any]], clean: Any) -> None:
    if isinstance(v, dict | list):
        stack.append((v, parent, key))
    elif isinstance(v, str):
        parent[key] = clean(v)
    else:
        parent[key] = v


def strings(obj: Any) -> Iterable[str]:
    """Every string in a nested value (keys too), for tests that look for what slipped through."""
    stack = [obj]
    while stack:
        x = stack.pop()
        if isinstance(x, str):
            yield x
        elif isinstance(x, dict):
            for k, v in x.items():
                stack.append(k)
                stack.append(v)
        elif isinstance(x, list | tuple):
            stack.extend(x)
