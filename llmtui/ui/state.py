"""What the screen is showing: the build and the choices that every figure depends on. One immutable
value: a change is a new value (dataclasses.replace), and the main screen's one watcher decides from
what changed whether to recompute the rows, refilter them or retitle the screen."""

from __future__ import annotations

from dataclasses import dataclass, fields

from ..core.build import Build
from ..core.estimate.quant import DEFAULT_QUANT

CONTEXTS = (2048, 4096, 8192, 16384, 32768, 65536, 131072, 262144, 1048576)


@dataclass(frozen=True)
class ViewState:
    build: Build | None = None  # None while detection runs
    build_title: str = "this machine"
    machine: object | None = None  # the DetectedMachine behind a detected build
    quant: str = DEFAULT_QUANT
    ctx: int = 8192
    kv_type: str = "f16"
    engine: str = "llama.cpp"
    benchmark: str = "MMLU-Pro"
    sort: str = "runnable"  # what the build can run first; "score" is the full ranking
    reverse: bool = False
    query: str = ""
    fits_only: bool = False
    preset: str = ""

    def full_query(self) -> str:
        return f"{self.query} fits".strip() if self.fits_only else self.query


# What each part of the screen depends on (the watcher's decision table).
RECOMPUTE = frozenset({"build", "quant", "ctx", "kv_type", "engine", "benchmark"})  # the figures themselves
REFILTER = frozenset({"sort", "reverse", "query", "fits_only"})  # which rows show, in which order
RETITLE = frozenset({"build_title", "quant", "ctx", "kv_type", "engine", "benchmark", "preset"})
HARDWARE = frozenset({"build", "machine", "build_title"})


def changed(old: ViewState, new: ViewState) -> frozenset[str]:
    return frozenset(f.name for f in fields(ViewState) if getattr(old, f.name) != getattr(new, f.name))
