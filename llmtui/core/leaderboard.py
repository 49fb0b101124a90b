"""Leaderboard rows: every catalogue model estimated for one build, quant and context."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from typing import Any

from .build import Build
from .catalog.types import Catalog, Model, Score
from .estimate.quant import DEFAULT_QUANT, QUANTS
from .estimate.status import STATUS_ORDER, EstimateError
from .memo import IdentityMemo
from .quality import QuantLoss, adjusted, quant_loss

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
    serving_tps: float | None = None  # aggregate decode t/s for SERVING_USERS users at once (when asked)

    @property
    def id(self) -> str:
        return self.model.id

    @property
    def score_value(self) -> float | None:
        return self.score.value if self.score else None

    @property
    def run_quant(self) -> str:
        """The quant a user would run: the best that fits, else the one asked about."""
        return self.best_quant or self.quant

    @property
    def runs(self) -> bool:
        """Whether the model runs on the build at some quant (the quant applies, something fits)."""
        return self.best_status != "none" and self.status != "n/a"

    @property
    def loss(self) -> QuantLoss | None:
        """Measured quality loss at run_quant (None: not measured, or the quant does not apply)."""
        return None if self.status == "n/a" else quant_loss(self.run_quant, self.model.params_b)

    @property
    def adjusted_score(self) -> float | None:
        """The score adjusted for the loss at run_quant (llmtui.core.quality says how); None when the
        model runs on the build at no quant, so "the best I can run" ranks only what runs; None for an
        arena rating, which no loss ratio scales (its rows rank by the rating)."""
        if not self.runs or (self.score is not None and self.score.scale == "elo"):
            return None
        return adjusted(self.score_value, self.loss)

    @property
    def shown_params_b(self) -> float:
        """Active parameters for MoE (what a token costs), total for dense models."""
        return self.model.active_params_b


def benchmarks(catalog: Catalog) -> list[str]:
    """Column keys in the catalogue (benchmark and version), the most widely reported first."""
    return [b for b, _ in catalog.score_keys().most_common()]


def benchmark_choices(catalog: Catalog) -> list[tuple[str, str]]:
    """(column key, label) for a score menu, most reported first; a bare name whose benchmark has
    stated versions elsewhere says its own version is not stated."""
    counts = Counter(s.key for m in catalog.models for s in m.scores)
    stated = {s.benchmark for m in catalog.models for s in m.scores if s.version}
    return [
        (k, f"{k}{' (version not stated)' if k in stated else ''} ({n} model{'' if n == 1 else 's'})")
        for k, n in counts.most_common()
    ]


def resolve_benchmark(catalog: Catalog, name: str) -> str:
    """A column key for what a user or preset names: a bare benchmark name with stated versions becomes
    its most widely reported one ("LiveCodeBench" -> "LiveCodeBench v5"); a key stays itself; unchanged
    when no model has it. The version-less column (scores whose source states no version) is picked by
    its key from the score menu."""
    want = name.lower()
    stated = catalog.stated_versions(want)
    if stated:  # a bare name means a stated version, never the "version not stated" column
        return stated.most_common(1)[0][0]
    lowered = {k.lower(): k for k in benchmarks(catalog)}
    return lowered.get(want, name)


# The primary score: one independent scale that ranks most current open models (README, "One score").
PRIMARY = "AA Intelligence Index"
GENERAL_BENCHMARKS = (PRIMARY, "MMLU-Pro", "MMLU", "IFEval", "GPQA Diamond")


def default_benchmark(catalog: Catalog) -> str:
    """The primary score when the catalogue has it (then MMLU-Pro, ...), else the most reported."""
    names = benchmarks(catalog)
    for b in GENERAL_BENCHMARKS:
        key = resolve_benchmark(catalog, b)
        if key in names:
            return key
    return names[0] if names else "MMLU-Pro"


PENDING = "…"  # a figure still being computed


def placeholder_rows(
    catalog: Catalog, *, quant: str, benchmark: str, models: Iterable[Model] | None = None
) -> list[Row]:
    """Rows with names and scores only, shown at once while the build is detected."""
    benchmark = resolve_benchmark(catalog, benchmark)
    return [
        Row(m, m.score(benchmark), quant, 0, PENDING, None, None, None, PENDING, benchmark)
        for m in (models if models is not None else catalog.models)
    ]


SERVING_USERS = 32  # users at once for the "throughput" ranking (the "Production at scale" preset)


def serving_tps(
    model: Model, build: Build, *, quant: str, ctx: int, kv_type: str, engine: str, users: int
) -> float | None:
    """Aggregate decode t/s of `users` users at once, each with `ctx` tokens (fewer when fewer fit)."""
    from .estimate.serving import serving

    try:
        s = serving(model, quant, ctx, build, kv_type=kv_type, engine=engine, concurrency=users, limit_search=False)
    except EstimateError:
        return None
    return s.point.aggregate_decode_tps if s.point is not None else None


def estimate_key(model: Model, quant: str) -> tuple[object, ...]:
    """What a row's figures depend on besides the build and the settings: two models with the same
    key (a fine-tune and its base, a model listed twice) get the same memory, fit and speed, so the
    leaderboard estimates them once. The repo counts only for a published-only mix (UD-*), which is
    sized from the repo's published file."""
    published = quant in QUANTS and QUANTS[quant].published
    return (model.arch, model.active_params_b, model.files, model.hf_repo.lower() if published else "")


_GROUPS: IdentityMemo[list[list[Model]]] = IdentityMemo(64)


def model_groups(models: list[Model], quant: str) -> list[list[Model]]:
    """The models by estimate_key at a quant, in catalogue order (each group in its order, the groups
    by their first model): a build's figures are worked out once per group. Kept for the model list
    (by identity and length, as plan.ranked: a list grown or replaced is grouped again)."""

    def make() -> list[list[Model]]:
        by_key: dict[tuple[object, ...], list[Model]] = {}
        for m in models:
            by_key.setdefault(estimate_key(m, quant), []).append(m)
        return list(by_key.values())

    return _GROUPS.get((models,), (quant, len(models)), make)


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
    serving_users: int = 0,
    serving_filter: Callable[[Row], bool] | None = None,
    with_speed: bool = True,
) -> Row:
    """One model's row; with_speed=False leaves decode_tps and roofline_tps None (the fit alone)."""
    from .estimate import best_quant, estimate  # placement, speed: loaded when a row is estimated

    score = model.score(benchmark)
    try:
        e = estimate(
            model,
            quant,
            ctx,
            build,
            kv_type=kv_type,
            engine=engine,
            with_max_ctx=False,
            with_speed=with_speed,
            explain=False,
        )
    except EstimateError:
        return Row(model, score, quant, 0, "n/a", None, None, None, "none", benchmark)
    if with_best:
        bq, bstatus = best_quant(model, ctx, build, kv_type=kv_type, engine=engine)
    else:
        bq, bstatus = None, PENDING
    s = e.speed
    row = Row(
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
    if serving_users and e.fits and (serving_filter is None or serving_filter(row)):
        served = serving_tps(model, build, quant=quant, ctx=ctx, kv_type=kv_type, engine=engine, users=serving_users)
        row = replace(row, serving_tps=served)
    return row


def _with_model(r: Row, m: Model, score: Score | None) -> Row:
    """replace(r, model=m, score=score) for a fraction of its cost (thousands of rows a build)."""
    return Row(
        model=m,
        score=score,
        quant=r.quant,
        memory_bytes=r.memory_bytes,
        status=r.status,
        decode_tps=r.decode_tps,
        roofline_tps=r.roofline_tps,
        best_quant=r.best_quant,
        best_status=r.best_status,
        benchmark=r.benchmark,
        serving_tps=r.serving_tps,
    )


def rows(
    catalog: Catalog,
    build: Build,
    *,
    quant: str = DEFAULT_QUANT,
    ctx: int = 8192,
    benchmark: str | None = None,
    kv_type: str = "f16",
    engine: str = "llama.cpp",
    models: Iterable[Model] | None = None,
    with_best: bool = True,
    serving_users: int = 0,
    serving_filter: Callable[[Row], bool] | None = None,
    with_speed: bool = True,
) -> list[Row]:
    """Every model estimated for the build; models that share an estimate_key are estimated once.
    with_speed=False: the fit alone (decode_tps None), for a caller that needs the speed of a few.
    with_best=False leaves the best-quant search (the costly part) for with_best_quants(), so a
    screen can show the rest first. serving_users: also the aggregate decode of that many users at
    once (Row.serving_tps, the "throughput" sort), for the rows that fit and pass serving_filter (the
    view's query: the figure costs ~8 ms a model)."""
    bench = resolve_benchmark(catalog, benchmark) if benchmark else default_benchmark(catalog)
    done: dict[tuple[object, ...], Row] = {}
    served: dict[tuple[object, ...], float | None] = {}
    out = []
    for m in models if models is not None else catalog.models:
        key = estimate_key(m, quant)
        first = done.get(key)
        if first is None:
            first = done[key] = model_row(
                m,
                build,
                quant=quant,
                ctx=ctx,
                benchmark=bench,
                kv_type=kv_type,
                engine=engine,
                with_best=with_best,
                with_speed=with_speed,
            )
            row = first
        else:
            row = _with_model(first, m, m.score(bench))
        fits = row.status in STATUS_ORDER and row.status != "none"
        if serving_users and fits and (serving_filter is None or serving_filter(row)):
            if key not in served:
                served[key] = serving_tps(
                    m, build, quant=quant, ctx=ctx, kv_type=kv_type, engine=engine, users=serving_users
                )
            row = replace(row, serving_tps=served[key])
        out.append(row)
    _flush_weights()  # the weights computed here, for the next start
    return out


def with_best_quants(
    rows_: list[Row], build: Build, *, ctx: int, kv_type: str = "f16", engine: str = "llama.cpp"
) -> list[Row]:
    """Fill in the best quant of the rows the first pass left pending (once per estimate_key)."""
    from .estimate import best_quant

    found: dict[tuple[object, ...], tuple[str | None, str]] = {}
    out = []
    for r in rows_:
        if r.best_status == PENDING and r.status != "n/a":
            key = estimate_key(r.model, r.quant)
            if key not in found:
                found[key] = best_quant(r.model, ctx, build, kv_type=kv_type, engine=engine)
            bq, bstatus = found[key]
            r = replace(r, best_quant=bq, best_status=bstatus)
        out.append(r)
    _flush_weights()
    return out


def _flush_weights() -> None:
    from .estimate import cache

    cache.flush()


def _adjusted_key(r: Row) -> float | None:
    """The adjusted score; a model that runs at a quant whose loss is not measured (vLLM formats,
    MXFP4) ranks by its raw score, its Loss shown as "?"; no score, or nothing runs: last."""
    if r.score is None or not r.runs:
        return None
    a = r.adjusted_score
    return a if a is not None else r.score.value


def _runnable_key(r: Row) -> tuple[int, int, float]:
    """What a build can run first: by how it fits at the best quant that fits (fully on GPU, then with
    offload, then CPU only, then not at all), then by score; unscored models last in each class."""
    status = r.status if r.best_status in ("", "…") else r.best_status
    fits = 0 if r.status == "n/a" else STATUS_ORDER.get(status, 0)
    return fits, r.score is not None, r.score.value if r.score else 0.0


SORT_KEYS = (
    "runnable",
    "score",
    "adjusted",
    "name",
    "params",
    "memory",
    "fit",
    "tps",
    "released",
    "ctx",
    "license",
    "best",
    "throughput",
)

_SORT_VALUE: dict[str, Callable[[Row], Any]] = {
    "runnable": _runnable_key,
    "score": lambda r: r.score.value if r.score else None,
    "adjusted": _adjusted_key,
    "name": lambda r: r.model.name.lower(),
    "params": lambda r: r.model.params_b,
    "memory": lambda r: r.memory_bytes or None,
    "fit": lambda r: STATUS_ORDER.get(r.status, 0),
    "tps": lambda r: r.decode_tps,
    "released": lambda r: r.model.released if r.model.released[:4].isdigit() else None,
    "ctx": lambda r: r.model.arch.max_ctx,
    "license": lambda r: r.model.license.lower(),
    "best": lambda r: STATUS_ORDER.get(r.best_status, 0),
    # aggregate t/s of SERVING_USERS users: on one build, the same order as t/s per dollar
    "throughput": lambda r: r.serving_tps,
}


DESCENDING = frozenset(
    {"runnable", "score", "adjusted", "tps", "params", "fit", "released", "ctx", "best", "throughput"}
)


def sort_rows(rows_: list[Row], key: str = "runnable", reverse: bool | None = None) -> list[Row]:
    """Sort by a column; unknown values (no score, no speed) always go last."""
    if key not in SORT_KEYS:
        raise ValueError(f"unknown sort key '{key}' (use one of {', '.join(SORT_KEYS)})")
    desc = reverse if reverse is not None else key in DESCENDING

    value = _SORT_VALUE[key]
    known = [r for r in rows_ if value(r) is not None]
    unknown = [r for r in rows_ if value(r) is None]
    known.sort(key=lambda r: r.model.name.lower())  # ties keep name order (the sort is stable)
    known.sort(key=value, reverse=desc)
    unknown.sort(key=lambda r: r.model.name.lower())
    return known + unknown
