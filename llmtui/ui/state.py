"""What the screen is showing: the build and the choices that every figure depends on."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..core.build import Build

CONTEXTS = (2048, 4096, 8192, 16384, 32768, 65536, 131072, 262144, 1048576)


@dataclass
class ViewState:
    build: Build | None = None  # None while detection runs
    build_title: str = "this machine"
    machine: object | None = None  # the DetectedMachine behind a detected build
    quant: str = "Q4_K_M"
    ctx: int = 8192
    kv_type: str = "f16"
    engine: str = "llama.cpp"
    benchmark: str = "MMLU-Pro"
    sort: str = "runnable"  # what the build can run first; "score" is the full ranking
    reverse: bool = False
    query: str = ""
    fits_only: bool = False
    preset: str = ""
    messages: list[str] = field(default_factory=list)

    def full_query(self) -> str:
        return f"{self.query} fits".strip() if self.fits_only else self.query
