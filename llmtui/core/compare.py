"""The planner's comparison: builds side by side on the models that at least one of them runs (each
build's best per use case) and the model the user picked."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .build import Build
from .catalog.types import Catalog, Model
from .estimate import EstimateError, estimate
from .units import fmt_ctx

RUNS = ("gpu", "gpu+cpu", "cpu")


@dataclass(frozen=True, slots=True)
class CompareCell:
    status: str  # gpu | gpu+cpu | cpu | none | error
    tps: float | None
    max_ctx: int | None
    note: str = ""  # the estimator's refusal, for status "error"

    @property
    def runs(self) -> bool:
        return self.status in RUNS

    def text(self) -> str:
        if self.status == "error":
            return self.note
        if not self.runs:
            return "does not run"
        from .output import FIT_LABEL

        tps = f"{self.tps:.1f} t/s" if self.tps is not None else "— t/s"
        ctx = f"{fmt_ctx(self.max_ctx)} ctx" if self.max_ctx else "— ctx"
        return f"{FIT_LABEL[self.status]} · {tps} · {ctx}"


@dataclass(frozen=True, slots=True)
class CompareRow:
    model: Model
    why: str  # "your pick", or the use cases and builds it is best for: "Coding: now, A"
    cells: tuple[CompareCell, ...]


def candidates(
    catalog: Catalog, labels: Sequence[str], bests: Sequence[Sequence[object]], picked: Model | None
) -> list[tuple[Model, str]]:
    """(model, why) to compare: the picked model first, then each build's best per use case
    (llmtui.core.plan.UseCaseBest), in use-case order, each model once with every reason it has."""
    reasons: dict[str, list[str]] = {}
    order: list[str] = []
    for label, build_bests in zip(labels, bests, strict=True):
        for b in build_bests:
            mid = str(getattr(b, "model_id", ""))
            if not mid:
                continue
            if mid not in reasons:
                reasons[mid] = []
                order.append(mid)
            reasons[mid].append(f"{getattr(b, 'label', '')}: {label}")
    out: list[tuple[Model, str]] = []
    if picked is not None:
        out.append((picked, "your pick"))
    for mid in order:
        m = catalog.model(mid)
        if m is None or (picked is not None and m.id == picked.id):
            continue
        out.append((m, _join(reasons[mid])))
    return out


def _join(reasons: list[str]) -> str:
    """'Coding: now', 'Coding: A' -> 'Coding: now, A'."""
    by_case: dict[str, list[str]] = {}
    for r in reasons:
        case, _, build = r.partition(": ")
        by_case.setdefault(case, []).append(build)
    return "; ".join(f"{case}: {', '.join(builds)}" for case, builds in by_case.items())


def compare(
    models: Sequence[tuple[Model, str]],
    builds: Sequence[Build],
    *,
    quant: str,
    ctx: int,
    kv_type: str,
    engine: str,
) -> list[CompareRow]:
    """Each model on each build, at the view's quant, context, KV type and engine. A model that no
    build runs is left out, except the one the user picked (it says so)."""
    out = []
    for m, why in models:
        cells = tuple(_cell(m, b, quant=quant, ctx=ctx, kv_type=kv_type, engine=engine) for b in builds)
        if why == "your pick" or any(c.runs for c in cells):
            out.append(CompareRow(m, why, cells))
    return out


def _cell(m: Model, b: Build, *, quant: str, ctx: int, kv_type: str, engine: str) -> CompareCell:
    try:
        e = estimate(m, quant, ctx, b, kv_type=kv_type, engine=engine)
    except EstimateError as err:
        return CompareCell("error", None, None, str(err))
    tps = e.speed.decode_expected if e.speed and e.status in RUNS else None
    return CompareCell(e.status, tps, e.max_ctx if e.status in RUNS else None)
