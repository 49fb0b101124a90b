"""The filter language of the `/` box and `llmtui models QUERY`, parsed once into a predicate.

qwen coder          free words: all must appear in name, family, id or repo
"mistral small"     a quoted phrase
size<40  active<=5  total / active parameters in billions
ctx>=32k            the model's context length (k = 1024)
mem<24              memory at the chosen quant and context, in GiB
score>80  tps>=20   the chosen score; expected decode tokens/s
released>=2025      release date (year, year-month or date)
moe  dense          architecture
fits  gpu  offload  cpu-only      fit on the build (anywhere / fully on GPU / GPU+CPU / CPU only)
use:coding  license:apache  family:qwen  org:meta-llama
-word  !moe  -use:vision          negation
"""

from __future__ import annotations

import functools
import operator
import re
import shlex
from collections.abc import Callable
from dataclasses import dataclass, field

from .catalog.types import Model
from .leaderboard import Row


class QueryError(ValueError):
    pass


_OPS: dict[str, Callable[[float, float], bool]] = {
    "<=": operator.le,
    ">=": operator.ge,
    "!=": operator.ne,
    "<": operator.lt,
    ">": operator.gt,
    "=": operator.eq,
}
_CMP = re.compile(r"^([a-z_]+)\s*(<=|>=|!=|<|>|=)\s*(.+)$")
NUMERIC = ("size", "params", "active", "ctx", "mem", "score", "tps", "released", "year")
ROW_NUMERIC = {"mem", "score", "tps"}
FLAGS = ("moe", "dense", "fits", "gpu", "offload", "cpu-only", "scored")
ROW_FLAGS = {"fits", "gpu", "offload", "cpu-only", "scored"}
KEYS = ("use", "tag", "license", "family", "org", "id", "arch")


@dataclass(frozen=True, slots=True)
class Term:
    kind: str  # text | cmp | flag | key
    key: str
    value: str
    op: str = ""
    number: float = 0.0
    negate: bool = False

    @property
    def needs_row(self) -> bool:
        return (self.kind == "cmp" and self.key in ROW_NUMERIC) or (self.kind == "flag" and self.key in ROW_FLAGS)


@dataclass(slots=True)
class Query:
    text: str = ""
    terms: list[Term] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not self.terms

    @property
    def needs_rows(self) -> bool:
        return any(t.needs_row for t in self.terms)

    def matches_model(self, m: Model) -> bool:
        return all(_model_term(t, m) != t.negate for t in self.terms if not t.needs_row)

    def matches_row(self, r: Row) -> bool:
        return all(_row_term(t, r) != t.negate for t in self.terms if t.needs_row) and self.matches_model(r.model)

    def filter_rows(self, rows: list[Row]) -> list[Row]:
        """The rows that match, in order. Plain words are checked first against a lower-case text
        of each model made once, the other terms only on the rows those leave."""
        words = [t.value for t in self.terms if t.kind == "text" and not t.negate]
        rest = [t for t in self.terms if not (t.kind == "text" and not t.negate)]
        out = rows
        if words:
            out = [r for r in out if _has_words(_haystack(r.model), words)]
        model_terms = [t for t in rest if not t.needs_row]
        row_terms = [t for t in rest if t.needs_row]
        if row_terms:
            out = [r for r in out if all(_row_term(t, r) != t.negate for t in row_terms)]
        if model_terms:
            out = [r for r in out if all(_model_term(t, r.model) != t.negate for t in model_terms)]
        return list(out) if out is rows else out


def narrows(old: Query, new: Query) -> bool:
    """Whether every row `new` matches also matches `old`, so `new` may filter `old`'s result instead
    of every row (typing on at the end of a query): `old` is plain words only, and each of them lies
    inside a plain word of `new` (what `new` adds besides only leaves fewer rows)."""
    if any(t.kind != "text" or t.negate for t in old.terms):
        return False
    words = [t.value for t in new.terms if t.kind == "text" and not t.negate]
    return all(any(o.value in w for w in words) for o in old.terms)


def _number(key: str, raw: str) -> float:
    text = raw.strip().lower()
    if key in ("released", "year"):
        m = re.fullmatch(r"(\d{4})(?:-(\d{1,2}))?(?:-(\d{1,2}))?", text)
        if not m:
            raise QueryError(f"'{raw}' is not a date for {key} (write 2025, 2025-06 or 2025-06-30)")
        y, mo, d = int(m.group(1)), int(m.group(2) or 0), int(m.group(3) or 0)
        return y * 10000 + mo * 100 + d
    from .boundary import InputError
    from .boundary.numbers import number

    suffixes = _SUFFIXES.get(key, {})
    try:
        return number(text, key, lo=-1e15, hi=1e15, suffixes=suffixes)
    except InputError:
        raise QueryError(f"'{raw}' is not a number for {key}") from None


_SUFFIXES: dict[str, dict[str, float]] = {
    "ctx": {"k": 1024.0, "m": 1024.0 * 1024},
    "size": {"b": 1.0, "m": 0.001},
    "params": {"b": 1.0, "m": 0.001},
    "active": {"b": 1.0, "m": 0.001},
    "mem": {"gib": 1.0, "gb": 1.0, "g": 1.0},
    "tps": {"t/s": 1.0},
}


@functools.lru_cache(maxsize=4096)
def _date_number(released: str) -> float | None:
    if not released[:4].isdigit():
        return None  # "unknown"
    parts = [int(p) for p in released.split("-")] + [0, 0]
    return parts[0] * 10000 + parts[1] * 100 + parts[2]


def parse_query(text: str) -> Query:
    try:
        words = shlex.split(text)
    except ValueError:
        raise QueryError("a quote is not closed") from None
    terms: list[Term] = []
    for word in words:
        negate = False
        if word[:1] in ("-", "!") and len(word) > 1:
            negate, word = True, word[1:]
        low = word.lower()
        m = _CMP.match(low)
        if m:
            key, op, raw = m.groups()
            if key not in NUMERIC:
                raise QueryError(f"unknown filter '{key}'{_hint(key, NUMERIC)}")
            terms.append(Term("cmp", key, raw, op, _number(key, raw), negate))
        elif ":" in low and not low.startswith(":"):
            key, _, value = low.partition(":")
            if key not in KEYS:
                raise QueryError(f"unknown filter '{key}:'{_hint(key, KEYS)}")
            if not value:
                raise QueryError(f"'{word}' needs a value after the colon")
            terms.append(Term("key", key, value, negate=negate))
        elif low in FLAGS:
            terms.append(Term("flag", low, "", negate=negate))
        else:
            terms.append(Term("text", "", low, negate=negate))
    return Query(text, terms)


def _hint(word: str, options: tuple[str, ...]) -> str:
    import difflib

    close = difflib.get_close_matches(word, options, n=1)
    return f" (did you mean '{close[0]}'?)" if close else f" (filters: {', '.join(options)})"


_HAYSTACKS: dict[int, tuple[Model, str]] = {}


def _haystack(m: Model) -> str:
    """Name, family, id and repo in lower case, made once per model (the entry holds the model, so
    its id is not reused while cached)."""
    hit = _HAYSTACKS.get(id(m))
    if hit is not None and hit[0] is m:
        return hit[1]
    if len(_HAYSTACKS) > 100_000:
        _HAYSTACKS.clear()
    text = " ".join((m.name, m.family, m.id, m.hf_repo)).lower()
    _HAYSTACKS[id(m)] = (m, text)
    return text


def _has_words(text: str, words: list[str]) -> bool:
    return all(w in text for w in words)


def _model_term(t: Term, m: Model) -> bool:
    if t.kind == "text":
        return t.value in _haystack(m)
    if t.kind == "flag":
        if t.key == "moe":
            return m.is_moe
        if t.key == "dense":
            return not m.is_moe
        return True
    if t.kind == "key":
        v = t.value
        if t.key in ("use", "tag"):
            return any(tag.startswith(v) for tag in m.tags)
        if t.key == "license":
            return v in m.license.lower()
        if t.key == "family":
            return v in m.family.lower()
        if t.key == "org":
            return m.hf_repo.lower().startswith(v)
        if t.key == "id":
            return v in m.id
        if t.key == "arch":
            return v == m.arch.type
        return True
    # numeric, model-level
    value = _MODEL_NUMBERS[t.key](m)
    if value is None:
        return t.key not in ("released", "year")  # an unknown date never passes a date comparison
    if t.key in ("released", "year") and t.number % 10000 == 0:
        value = value // 10000 * 10000  # compare years with years
    elif t.key in ("released", "year") and t.number % 100 == 0:
        value = value // 100 * 100
    return _OPS[t.op](value, t.number)


def _row_term(t: Term, r: Row) -> bool:
    if t.kind == "flag":
        return _ROW_FLAG_TESTS[t.key](r)
    value = _ROW_NUMBERS[t.key](r)
    if value is None:
        return False  # unknown never passes a comparison
    return _OPS[t.op](value, t.number)


# Each term reads one value per row; a table of getters keeps a filter over thousands of rows cheap.
_MODEL_NUMBERS: dict[str, Callable[[Model], float | None]] = {
    "size": lambda m: m.params_b,
    "params": lambda m: m.params_b,
    "active": lambda m: m.active_params_b,
    "ctx": lambda m: float(m.arch.max_ctx),
    "released": lambda m: _date_number(m.released),
    "year": lambda m: _date_number(m.released),
}
_ROW_FLAG_TESTS: dict[str, Callable[[Row], bool]] = {
    "fits": lambda r: r.status in ("gpu", "gpu+cpu", "cpu"),
    "gpu": lambda r: r.status == "gpu",
    "offload": lambda r: r.status == "gpu+cpu",
    "cpu-only": lambda r: r.status == "cpu",
    "scored": lambda r: r.score is not None,
}
_ROW_NUMBERS: dict[str, Callable[[Row], float | None]] = {
    "mem": lambda r: r.memory_bytes / (1 << 30) if r.memory_bytes else None,
    "score": lambda r: r.score_value,
    "tps": lambda r: r.decode_tps,
}
