"""Everything the detail pane and `llmtui estimate` show about one model on one build."""

from __future__ import annotations

from dataclasses import dataclass

from .build import Build
from .catalog.types import Model, Score
from .estimate import ENGINES, QUANTS, TABLE_QUANTS, Estimate, EstimateError, estimate, quant_order
from .estimate.serving import Serving, serving
from .quality import QuantLoss, quant_loss

CURVE_USERS = 64  # the detail pane's throughput-versus-users curve goes up to this many users


@dataclass(frozen=True, slots=True)
class QuantLine:
    quant: str
    memory_bytes: int
    file_bytes: int
    status: str
    decode_tps: float | None
    note: str
    loss: QuantLoss | None = None  # measured quality loss at this quant (None: not measured)


@dataclass(frozen=True, slots=True)
class ModelDetail:
    estimate: Estimate
    quants: tuple[QuantLine, ...]
    scores: tuple[Score, ...]
    primary_missing: str = ""  # why the model has no primary score, shown where the scores are
    serving: Serving | None = None  # users at once at this context, up to CURVE_USERS (None: does not fit)


def quant_lines(model: Model, build: Build, ctx: int, kv_type: str, engine: str) -> tuple[QuantLine, ...]:
    eng = ENGINES[engine]
    names = TABLE_QUANTS if eng.quant_family == "gguf" else quant_order(eng)
    if eng.quant_family == "gguf" and model.arch.type == "gpt-oss":
        names = ("MXFP4", *names)
    out = []
    for q in names:
        try:
            e = estimate(model, q, ctx, build, kv_type=kv_type, engine=engine, with_max_ctx=False)
        except EstimateError:
            continue
        out.append(
            QuantLine(
                q,
                e.memory.total_bytes,
                e.memory.file_bytes,
                e.status,
                e.speed.decode_expected if e.speed else None,
                QUANTS[q].note,
                quant_loss(q, model.params_b),
            )
        )
    return tuple(out)


def model_detail(model: Model, build: Build, *, quant: str, ctx: int, kv_type: str, engine: str) -> ModelDetail:
    e = estimate(model, quant, ctx, build, kv_type=kv_type, engine=engine, with_now=True)
    from .leaderboard import PRIMARY

    missing = ""
    if not model.has_benchmark(PRIMARY):
        missing = (
            f"no {PRIMARY} for this model in the catalogue (Artificial Analysis has not published one, or it is "
            "not mapped to this repo): it ranks after every model that has one"
        )
    served = None
    if e.fits:
        try:
            served = serving(model, e.quant, ctx, build, kv_type=kv_type, engine=engine, concurrency=CURVE_USERS)
        except EstimateError:
            served = None
    return ModelDetail(e, quant_lines(model, build, ctx, kv_type, engine), model.scores, missing, served)
