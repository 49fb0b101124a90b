"""Leaderboard rows: every catalogue model estimated for one build, quant and context."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from .build import Build
from .catalog.types import Catalog, Model, Score
from .estimate import STATUS_ORDER, EstimateError, best_quant, estimate

SEED_COMPOSITE = "Composite (seed)"


@dataclass(frozen=True, slots=True)
class Row:
    model: Model
    score: Score | None
    quant: str
    memory_bytes: int
    status: str  # gpu | gpu+cpu | cpu | none | n/a (the quant does not apply)
    decode_tps: float | None
    roofline_tps: float | None
    best_quant: str | None
    best_status: str
    benchmark: str = ""  # the score this row is ranked by (score is None: the model has none)

    @property
    def id(self) -> str:
        return self.model.id

    @property
    def score_value(self) -> float | None:
        return self.score.value if self.score else None

    @property
    def shown_params_b(self) -> float:
        """Active parameters for MoE (what a token costs), total for dense models."""
        return self.model.active_params_b


def benchmarks(catalog: Catalog) -> list[str]:
    """Benchmarks in the catalogue, the most widely reported first."""
    counts = Counter(s.benchmark for m in catalog.models for s in m.scores)
    return [b for b, _ in counts.most_common()]


# The primary score: one independent scale that ranks most current open models (README, "One score").
PRIMARY = "AA Intelligence Index"
GENERAL_BENCHMARKS = (PRIMARY, "MMLU-Pro", "MMLU", "IFEval", "GPQA Diamond")


def default_benchmark(catalog: Catalog) -> str:
    """The primary score when the catalogue has it (then MMLU-Pro, ...), else the most reported."""
    names = benchmarks(catalog)
    for b in GENERAL_BENCHMARKS:
        if b in names:
            return b
    return names[0] if names else "MMLU-Pro"


PENDING = "…"  # a figure still being computed


def placeholder_rows(
    catalog: Catalog, *, quant: str, benchmark: str, models: Iterable[Model] | None = None
) -> list[Row]:
    """Rows with names and scores only, shown at once while the build is detected."""
    return [
        Row(m, m.score(benchmark), quant, 0, PENDING, None, None, None, PENDING, benchmark)
        for m in (models if models is not None else catalog.models)
    ]


def model_row(
    model: Model,
    build: Build,
    *,
    quant: str,
    ctx: int,
    benchmark: str,
    kv_type: str = "f16",
    engine: str = "llama.cpp",
    with_best: bool = True,
) -> Row:
    score = model.score(benchmark)
    try:
        e = estimate(model, quant, ctx, build, kv_type=kv_type, engine=engine, with_max_ctx=False)
    except EstimateError:
        return Row(model, score, quant, 0, "n/a", None, None, None, "none", benchmark)
    if with_best:
        bq, bstatus = best_quant(model, ctx, build, kv_type=kv_type, engine=engine)
    else:
        bq, bstatus = None, PENDING
    s = e.speed
    return Row(
        model=model,
        score=score,
        quant=quant,
        memory_bytes=e.memory.total_bytes,
        status=e.status,
        decode_tps=s.decode_expected if s else None,
        roofline_tps=s.roofline if s else None,
        best_quant=bq,
        best_status=bstatus,
        benchmark=benchmark,
    )


def rows(
    catalog: Catalog,
    build: Build,
    *,
    quant: str = "Q4_K_M",
    ctx: int = 8192,
    benchmark: str | None = None,
    kv_type: str = "f16",
    engine: str = "llama.cpp",
    models: Iterable[Model] | None = None,
    with_best: bool = True,
) -> list[Row]:
    """Every model estimated for the build. with_best=False leaves the best-quant search (the
    costly part) for with_best_quants(), so a screen can show the rest first."""
    bench = benchmark or default_benchmark(catalog)
    return [
        model_row(m, build, quant=quant, ctx=ctx, benchmark=bench, kv_type=kv_type, engine=engine, with_best=with_best)
        for m in (models if models is not None else catalog.models)
    ]


def with_best_quants(
    rows_: list[Row], build: Build, *, ctx: int, kv_type: str = "f16", engine: str = "llama.cpp"
) -> list[Row]:
    from dataclasses import replace

    out = []
    for r in rows_:
        if r.best_status == PENDING and r.status != "n/a":
            bq, bstatus = best_quant(r.model, ctx, build, kv_type=kv_type, engine=engine)
            r = replace(r, best_quant=bq, best_status=bstatus)
        out.append(r)
    return out


SORT_KEYS = ("score", "name", "params", "memory", "fit", "tps", "released", "ctx", "license", "best")

_SORT_VALUE: dict[str, Callable[[Row], Any]] = {
    "score": lambda r: r.score.value if r.score else None,
    "name": lambda r: r.model.name.lower(),
    "params": lambda r: r.model.params_b,
    "memory": lambda r: r.memory_bytes or None,
    "fit": lambda r: STATUS_ORDER.get(r.status, 0),
    "tps": lambda r: r.decode_tps,
    "released": lambda r: r.model.released if r.model.released[:4].isdigit() else None,
    "ctx": lambda r: r.model.arch.max_ctx,
    "license": lambda r: r.model.license.lower(),
    "best": lambda r: STATUS_ORDER.get(r.best_status, 0),
}


def sort_rows(rows_: list[Row], key: str = "score", reverse: bool | None = None) -> list[Row]:
    """Sort by a column; unknown values (no score, no speed) always go last."""
    if key not in SORT_KEYS:
        raise ValueError(f"unknown sort key '{key}' (use one of {', '.join(SORT_KEYS)})")
    desc = reverse if reverse is not None else key in ("score", "tps", "params", "fit", "released", "ctx", "best")

    value = _SORT_VALUE[key]
    known = [r for r in rows_ if value(r) is not None]
    unknown = [r for r in rows_ if value(r) is None]
    known.sort(key=lambda r: r.model.name.lower())  # ties keep name order (the sort is stable)
    known.sort(key=value, reverse=desc)
    unknown.sort(key=lambda r: r.model.name.lower())
    return known + unknown
