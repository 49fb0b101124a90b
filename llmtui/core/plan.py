"""Planning: the cheapest catalogue builds that run a model (reverse planning, and the seed's
"hardware needed per model" view), and what one more GPU or more RAM would unlock."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache

from .build import Build, apple_limit, gpu_from_device
from .catalog.types import Arch, Catalog, Model, Score
from .estimate import Estimate, EstimateError, estimate
from .estimate.quant import DEFAULT_QUANT
from .estimate.serving import Serving, aggregate_bound, serving
from .memo import IdentityMemo
from .units import GiB

GPU_COUNTS = (1, 2, 3, 4, 6, 8)
PLAN_RAM = 64 * GiB  # host RAM assumed for a planned GPU build (its price is not counted)
# The slowest decode the "hardware needed" views count as running a model: about reading speed.
READABLE_TPS = 5.0


@dataclass(frozen=True, slots=True)
class PlanResult:
    build: Build
    estimate: Estimate
    price_usd: float | None  # None: the catalogue lists no purchase price for this configuration
    kind: str  # single GPU | multi-GPU | Mac | unified | multi-node
    serving: Serving | None = None  # when planned for several users at once (plan --users)

    @property
    def price_kind(self) -> str:
        """Which kind of price price_usd is: used, street, launch MSRP (or several, summed)."""
        return self.build.price_kind

    @property
    def hourly_usd(self) -> float | None:
        """The build's GPUs per hour in the cloud, for hardware sold to datacentres, not to people."""
        return self.build.hourly_usd

    @property
    def usd_per_tps(self) -> float | None:
        return _per_tps(self.price_usd, self)

    @property
    def hourly_per_tps(self) -> float | None:
        return _per_tps(self.hourly_usd, self)


def _per_tps(usd: float | None, p: PlanResult) -> float | None:
    """Price per decode t/s: of one user, or with users planned for, of all of them together."""
    s = p.estimate.speed
    tps = p.serving.point.aggregate_decode_tps if p.serving and p.serving.point else (s.decode_expected if s else 0)
    if usd is None or tps <= 0:
        return None
    return usd / tps


def _key(catalog: Catalog) -> int:
    return id(catalog)


_candidates: dict[tuple[int, int], list[tuple[float | None, str, Build]]] = {}


def candidate_builds(catalog: Catalog, max_gpus: int = 8) -> list[tuple[float | None, str, Build]]:
    """(price, kind, build) for every catalogue configuration: those with a purchase price cheapest
    first (the cheapest kind listed: used, street or launch MSRP), then those with only a cloud hourly
    price, cheapest per hour, then those with no listed price (None), so hardware the catalogue cannot
    price is still offered."""
    key = (_key(catalog), max_gpus)
    if key in _candidates:
        return _candidates[key]
    out: list[tuple[float | None, str, Build]] = []
    for d in catalog.devices:
        if d.kind == "cpu":
            continue
        for mem in d.memory_gib:
            listed = d.price_for(mem)
            usd = listed.usd if listed is not None else None
            g = gpu_from_device(d, mem)
            if d.kind == "mac":
                limit, note = apple_limit(g.memory_bytes)
                g = replace(g, usable_bytes=limit, usable_note=note)
                for machines in (1, 2):
                    kind = "Mac" if machines == 1 else "multi-node"
                    b = Build(f"{d.name} {mem:g} GB", (g,), g.memory_bytes, machines=machines, network="tb5")
                    out.append((_times(usd, machines), kind, b))
            elif d.unified:
                for machines in (1, 2):
                    kind = "unified" if machines == 1 else "multi-node"
                    b = Build(d.name, (g,), g.memory_bytes, machines=machines, network="10gbe")
                    out.append((_times(usd, machines), kind, b))
            else:
                for n in GPU_COUNTS:
                    if n > max_gpus:
                        break
                    kind = "single GPU" if n == 1 else "multi-GPU"
                    b = Build(f"{n}x {d.name}", (g,) * n, PLAN_RAM)
                    out.append((_times(usd, n), kind, b))
    # priced: cheapest first; unpriced: one machine before several, then the smallest memory (the
    # nearest stand-in for cheapest)
    out.sort(key=_order)
    _candidates[key] = out
    return out


def _tier(price: float | None, b: Build) -> int:
    """0: a purchase price; 1: only a cloud price per hour; 2: no listed price."""
    return 0 if price is not None else 1 if b.hourly_usd is not None else 2


def _order(t: tuple[float | None, str, Build]) -> tuple[int, float, int, int]:
    price, _, b = t
    tier = _tier(price, b)
    value = (price if tier == 0 else b.hourly_usd if tier == 1 else 0.0) or 0.0
    return tier, value, b.machines, b.gpu_memory_bytes * b.machines


def _times(usd: float | None, n: int) -> float | None:
    return None if usd is None else usd * n


def cheapest_builds(
    model: Model,
    catalog: Catalog,
    *,
    quant: str = DEFAULT_QUANT,
    ctx: int = 8192,
    target_tps: float = 0.0,
    kv_type: str = "f16",
    engine: str = "llama.cpp",
    limit: int = 10,
    max_gpus: int = 8,
    one_per_kind: bool = False,
    users: int = 0,
    backend: str = "",
) -> list[PlanResult]:
    """The cheapest builds that hold the model fully in GPU (or unified) memory and decode at least
    `target_tps` (expected value), cheapest first: the price/speed Pareto front, so a dearer build is
    offered only when it is faster than every cheaper one (2x..8x of a card that all decode at the same
    speed are one offer). Builds priced per cloud hour follow, on their own front; builds with no
    listed price come last, each device once. `users`: serve that many at once, each with `ctx` tokens,
    each at least `target_tps` (serving.py); the front is then on the speed each user gets. `backend`
    (cuda, rocm, vulkan, ...) keeps the builds it drives and estimates them on it."""
    from dataclasses import replace

    from .build import BuildError, check_backend

    need = _weights_floor(model, quant)
    out: list[PlanResult] = []
    kinds: set[str] = set()
    unpriced: set[tuple[str, int]] = set()  # (device, machines) offered without a price: more GPUs add nothing
    fastest = {0: 0.0, 1: 0.0}  # per price tier (purchase, cloud hourly): the best speed offered so far
    for price, kind, b in candidate_builds(catalog, max_gpus):
        if one_per_kind and kind in kinds:
            continue
        tier = _tier(price, b)
        if tier == 2 and (b.gpus[0].name, b.machines) in unpriced:
            continue
        if b.gpu_memory_bytes < need:
            continue  # cannot hold the weights: skip without estimating
        if backend:
            try:
                check_backend(b, backend)
            except BuildError:
                continue  # a build this backend does not drive
            b = replace(b, backend=backend)
        try:
            e = estimate(model, quant, ctx, b, kv_type=kv_type, engine=engine, with_max_ctx=False)
        except EstimateError:
            continue
        if e.status != "gpu" or e.speed is None or e.speed.decode_expected < target_tps:
            continue
        served = None
        speed = e.speed.decode_expected
        if users > 0:
            try:
                served = serving(model, quant, ctx, b, kv_type=kv_type, engine=engine, concurrency=users)
            except EstimateError:
                continue
            if served.point is None or served.point.users < users:
                continue
            speed = served.point.per_sequence_decode_tps
            if speed < target_tps:
                continue
        if tier in fastest and not one_per_kind:
            if speed <= fastest[tier] * 1.005:  # no faster than a cheaper offer
                continue
            fastest[tier] = speed
        out.append(PlanResult(b, e, price, kind, served))
        kinds.add(kind)
        if tier == 2:
            unpriced.add((b.gpus[0].name, b.machines))
        if len(out) >= limit:
            break
    return out


@dataclass(frozen=True, slots=True)
class Need:
    """One row of "hardware needed per model": the memory the model takes at the quant and context,
    and the cheapest build that runs it at READABLE_TPS (None: none in the catalogue)."""

    model: Model
    memory_bytes: int
    plan: PlanResult | None


def hardware_needed(
    catalog: Catalog,
    models: Sequence[Model] | None = None,
    *,
    quant: str = DEFAULT_QUANT,
    ctx: int = 8192,
    kv_type: str = "f16",
    engine: str = "llama.cpp",
) -> Iterator[Need]:
    """Each model (largest first) with its memory and cheapest readable build, as a stream a screen can
    show as it comes; models sharing an estimate key (a fine-tune and its base) are planned once.
    Models the estimator cannot size are left out."""
    from .leaderboard import estimate_key

    done: dict[tuple[object, ...], tuple[int, PlanResult | None] | None] = {}
    for m in sorted(models if models is not None else catalog.models, key=lambda m: -m.params_b):
        key = (*estimate_key(m, quant), m.params_b)
        if key not in done:
            try:
                need = estimate(
                    m, quant, ctx, Build("none"), kv_type=kv_type, engine=engine, with_max_ctx=False, with_speed=False
                )
            except EstimateError:
                done[key] = None
            else:
                plans = cheapest_builds(
                    m, catalog, quant=quant, ctx=ctx, kv_type=kv_type, engine=engine, limit=1, target_tps=READABLE_TPS
                )
                done[key] = (need.memory.total_bytes, plans[0] if plans else None)
        found = done[key]
        if found is not None:
            yield Need(m, found[0], found[1])


@lru_cache(maxsize=4096)
def _weights_floor_cached(arch: Arch, quant: str) -> int:
    from .estimate import weights

    return weights(arch, quant).total


def _weights_floor(model: Model, quant: str) -> int:
    try:
        return _weights_floor_cached(model.arch, quant)
    except KeyError:
        return 0


# --- What a build runs, and what an upgrade would unlock ------------------------------------------------


@dataclass(frozen=True, slots=True)
class UseCaseBest:
    label: str
    model: str
    score: str
    tps: float | None
    model_id: str = ""  # '' when no scored model fits


@dataclass(frozen=True, slots=True)
class BuildSummary:
    gpu_memory_bytes: int
    price_usd: float | None
    power_w: float | None  # None: a device's power is not in the catalogue
    biggest: str  # the largest model (parameters) fully on GPU at the chosen quant
    biggest_tps: float | None
    usd_per_tps: float | None
    fits_gpu: int
    fits_any: int
    best: tuple[UseCaseBest, ...]


def preset_rows(
    catalog: Catalog, build: Build, *, quant: str, ctx: int, kv_type: str, engine: str, known: Sequence[object] = ()
) -> dict[str, list[object]]:
    """Each use-case preset's rows on a build, as the leaderboard computes them when the preset is
    picked: its own score and its own context (Long documents at 32K, not the view's 8K). `known`: rows
    already computed for (quant, ctx) and the view's score, reused where a preset asks the same.
    The planner uses use_case_bests(), which finds the same first rows; this is the reference it is
    tested against."""
    from .leaderboard import SERVING_USERS, resolve_benchmark, rows
    from .presets import PRESETS
    from .query import parse_query

    done: dict[tuple[str, int, int], list[object]] = {}
    first = next((r for r in known if hasattr(r, "benchmark")), None)
    if first is not None:
        done[(str(getattr(first, "benchmark", "")), ctx, 0)] = list(known)
    out: dict[str, list[object]] = {}
    for p in PRESETS:
        key = (resolve_benchmark(catalog, p.benchmark), p.ctx or ctx, SERVING_USERS if p.sort == "throughput" else 0)
        if key not in done:
            done[key] = list(
                rows(
                    catalog,
                    build,
                    quant=quant,
                    ctx=key[1],
                    benchmark=key[0],
                    kv_type=kv_type,
                    engine=engine,
                    serving_users=key[2],
                    serving_filter=parse_query(p.query).matches_row if key[2] else None,
                )
            )
        out[p.key] = done[key]
    return out


_RANKED: IdentityMemo[list[tuple[Model, Score]]] = IdentityMemo(64)  # a few catalogues' presets


def ranked(catalog: Catalog, bench: str, query: str) -> list[tuple[Model, Score]]:
    """The models with a `bench` score that pass the query's model terms (those that need no
    estimate), by score, ties by name: sort_rows' order. It depends on no build, so it is kept for
    the catalogue's model list (by identity and length: a list grown or replaced is ranked again)."""
    from .query import parse_query

    def make() -> list[tuple[Model, Score]]:
        q = parse_query(query)
        out = [(m, sc) for m in catalog.models if (sc := m.score(bench)) is not None and q.matches_model(m)]
        out.sort(key=lambda t: t[0].name.lower())
        out.sort(key=lambda t: t[1].value, reverse=True)
        return out

    return _RANKED.get((catalog.models,), (bench, query, len(catalog.models)), make)


def use_case_bests(
    catalog: Catalog,
    build: Build,
    *,
    quant: str,
    ctx: int,
    kv_type: str,
    engine: str,
    known: Sequence[object] = (),
) -> tuple[UseCaseBest, ...]:
    """Each preset's first row on the leaderboard, the same as summarize() finds in preset_rows(), at a
    fraction of the cost. Models are taken by score (ties by name) and each row is estimated only when
    the walk reaches it (`known`: the view's rows at this quant and context, reused for their fit; they
    may lack speeds), its speed only for the row each preset shows, with only as much
    of the best-quant search as the sort needs. "What runs first" ranks by the class the best quant
    fits in, which is the class the smallest quant reaches (one placement, not a search), so the walk
    stops at the first model in the best class; the adjusted sort stops once no raw score times the
    largest loss factor can beat the best adjusted one; the throughput sort estimates serving in the
    order of an upper bound on it (serving.aggregate_bound: bytes over bandwidth, no placement) and
    stops once no bound left can beat the best figure."""
    from .estimate import ENGINES, STATUS_ORDER, best_quant, fit_status, quant_order
    from .leaderboard import SERVING_USERS, Row, estimate_key, model_row, resolve_benchmark, serving_tps
    from .presets import PRESETS
    from .quality import max_factor
    from .query import parse_query

    smallest = quant_order(ENGINES[engine])[-1]
    figures: dict[tuple[object, ...], Row] = {}  # (estimate key, ctx) -> a row's figures at the quant
    for r in known:
        if isinstance(r, Row):
            figures.setdefault((*estimate_key(r.model, quant), ctx), r)
    classes: dict[tuple[object, ...], int] = {}
    bests: dict[tuple[object, ...], tuple[str | None, str]] = {}
    served: dict[tuple[object, ...], float | None] = {}
    ceilings: dict[tuple[object, ...], float] = {}

    def row(m: Model, score: Score, bench: str, c: int) -> Row:
        k = (*estimate_key(m, quant), c)
        f = figures.get(k)
        if f is None:
            f = figures[k] = model_row(
                m,
                build,
                quant=quant,
                ctx=c,
                benchmark=bench,
                kv_type=kv_type,
                engine=engine,
                with_best=False,
                with_speed=False,
            )
        return Row(m, score, f.quant, f.memory_bytes, f.status, f.decode_tps, f.roofline_tps, None, "", bench)

    def best_class(r: Row, c: int) -> int:  # STATUS_ORDER of the class the best quant fits in
        k = (*estimate_key(r.model, quant), c)
        if k not in classes:
            status = fit_status(r.model, smallest, c, build, kv_type, engine)
            classes[k] = STATUS_ORDER.get(status if status in ("gpu", "gpu+cpu", "cpu") else "none", 0)
        return classes[k]

    def adjusted_value(r: Row, c: int) -> float | None:
        k = (*estimate_key(r.model, quant), c)
        if k not in bests:
            bests[k] = best_quant(r.model, c, build, kv_type=kv_type, engine=engine)
        bq, bstatus = bests[k]
        full = replace(r, best_quant=bq, best_status=bstatus)
        if r.score is None or not full.runs:
            return None
        a = full.adjusted_score
        return a if a is not None else r.score.value

    def name(r: Row | Model) -> str:
        return (r.model if isinstance(r, Row) else r).name.lower()

    def ceiling(r: Row, c: int) -> float:  # at least the serving figure (inf: no bound holds)
        sk = (*estimate_key(r.model, quant), c)
        if sk not in ceilings:
            b = aggregate_bound(r.model, quant, c, build, kv_type=kv_type, engine=engine, users=SERVING_USERS)
            ceilings[sk] = math.inf if b is None else b
        return ceilings[sk]

    bound = max_factor()
    out: list[UseCaseBest] = []
    for p in PRESETS:
        c = p.ctx or ctx
        bench = resolve_benchmark(catalog, p.benchmark)
        q = parse_query(p.query)
        walk = (r for m, sc in ranked(catalog, bench, p.query) if q.matches_row(r := row(m, sc, bench, c)))
        top: Row | None = None
        if p.sort == "runnable":
            best_key = -1
            for r in walk:
                cls = 0 if r.status == "n/a" else best_class(r, c)
                if cls > best_key:
                    top, best_key = r, cls
                    if cls == STATUS_ORDER["gpu"]:
                        break  # no class above; every later model scores no higher
        elif p.sort == "adjusted":
            best_value: float | None = None
            unknown: Row | None = None  # the first by name of the rows with no adjusted value
            for r in walk:
                assert r.score is not None
                if best_value is not None and r.score.value * bound < best_value:
                    break
                v = adjusted_value(r, c)
                if v is None:
                    unknown = r if unknown is None or name(r) < name(unknown) else unknown
                    continue
                tie = v == best_value and top is not None and name(r) < name(top)  # as sort_rows: by name
                if best_value is None or v > best_value or tie:
                    top, best_value = r, v
            if top is None:  # nothing runs (the walk went to its end): sort_rows puts unknowns by name
                top = unknown
        elif p.sort == "throughput":
            best_tps: float | None = None
            cands = sorted(walk, key=name)
            # by bound, highest first: once a bound is below the best figure, no later model can win
            for bound_tps, r in sorted(((ceiling(r, c), r) for r in cands), key=lambda t: -t[0]):
                if best_tps is not None and bound_tps < best_tps:
                    break
                sk = (*estimate_key(r.model, quant), c)
                if sk not in served:
                    served[sk] = serving_tps(
                        r.model, build, quant=quant, ctx=c, kv_type=kv_type, engine=engine, users=SERVING_USERS
                    )
                tps = served[sk]
                if tps is None:
                    continue
                # the highest figure, and of equal ones the first by name (as the leaderboard's sort)
                if best_tps is None or tps > best_tps or (tps == best_tps and top is not None and name(r) < name(top)):
                    top, best_tps = r, tps
            if top is None and cands:
                top = cands[0]
        else:
            raise ValueError(f"preset {p.key}: sort '{p.sort}' has no fast path")
        if top is not None and top.score is not None:
            tps = model_row(
                top.model, build, quant=quant, ctx=c, benchmark=bench, kv_type=kv_type, engine=engine, with_best=False
            ).decode_tps  # the walk needs no speed: only the row shown gets one
            out.append(UseCaseBest(p.label, top.model.name, f"{top.score.key} {top.score.value:g}", tps, top.model.id))
        else:
            out.append(UseCaseBest(p.label, "—", "no scored model fits", None))
    return tuple(out)


def summarize(
    build: Build,
    rows_: Sequence[object],
    preset_rows_: Mapping[str, Sequence[object]] | None = None,
    *,
    bests: Sequence[UseCaseBest] | None = None,
    tps: Callable[[Model], float | None] | None = None,
    groups: Sequence[Sequence[Model]] | None = None,
    models: Sequence[Model] = (),
) -> BuildSummary:
    """Totals for a build from its leaderboard rows (llmtui.core.leaderboard.Row); each use case's best
    is the first row its preset shows on the leaderboard (its filter, score, context and sort).
    `tps`: the decode speed of the biggest model on GPU, for rows made without speeds. `groups`: with
    bests, rows_[i] stands for every model of groups[i] (leaderboard.model_groups: the same figures),
    so the totals count them all without a row each; `models`, the catalogue's, gives their order."""
    from .leaderboard import Row, sort_rows
    from .presets import PRESETS
    from .query import parse_query

    rs: list[Row] = [r for r in rows_ if isinstance(r, Row)]
    if groups is None:
        members: list[Sequence[Model]] = [(r.model,) for r in rs]
        in_order: Sequence[Model] = [r.model for r in rs]
    elif bests is None or len(groups) != len(rs) or len(models) != sum(len(g) for g in groups):
        raise ValueError("summarize: groups need the use-case bests, one group per row and the models in order")
    else:
        members, in_order = list(groups), models
    gpu_groups = [g for r, g in zip(rs, members, strict=True) if r.status == "gpu"]
    on_gpu = {id(m) for g in gpu_groups for m in g}
    # the largest model on GPU, the first in catalogue order among equals
    biggest = max((m for m in in_order if id(m) in on_gpu), key=lambda m: m.params_b, default=None)
    price = build.price_usd
    speed = None
    if biggest is not None:
        if tps is not None:
            speed = tps(biggest)
        else:
            speed = next(r.decode_tps for r, g in zip(rs, members, strict=True) if any(m is biggest for m in g))
    best: list[UseCaseBest] = list(bests or ())
    for p in PRESETS if bests is None else ():
        q = parse_query(p.query)
        pool = (preset_rows_ or {}).get(p.key, rs)
        cands = [r for r in pool if isinstance(r, Row) and q.matches_row(r) and r.score is not None]
        ranked = sort_rows(cands, p.sort)
        top = ranked[0] if ranked else None
        if top is not None and top.score is not None:
            best.append(
                UseCaseBest(
                    p.label, top.model.name, f"{top.score.key} {top.score.value:g}", top.decode_tps, top.model.id
                )
            )
        else:
            best.append(UseCaseBest(p.label, "—", "no scored model fits", None))
    return BuildSummary(
        gpu_memory_bytes=build.gpu_memory_bytes,
        price_usd=price,
        power_w=build.power_w,
        biggest=biggest.name if biggest else "—",
        biggest_tps=speed,
        usd_per_tps=price / speed if price and speed else None,
        fits_gpu=sum(len(g) for g in gpu_groups),
        fits_any=sum(len(g) for r, g in zip(rs, members, strict=True) if r.status in ("gpu", "gpu+cpu", "cpu")),
        best=tuple(best),
    )


def upgrade_hints(
    catalog: Catalog,
    build: Build,
    *,
    quant: str = DEFAULT_QUANT,
    ctx: int = 8192,
    kv_type: str = "f16",
    engine: str = "llama.cpp",
    known: Sequence[object] = (),
) -> list[str]:
    """'+1 GeForce RTX 3090 (+24 GiB): Llama 3 70B Instruct at Q4_K_M' — the biggest model that a
    small upgrade moves fully onto the GPU (or, for RAM, into running at all). `known`: the build's
    leaderboard rows at this quant and context (their fit is the status now). A model already fully
    on GPU cannot gain, and models sharing an estimate key are placed once per option."""
    from .estimate import STATUS_ORDER, fit_status, on_gpu
    from .leaderboard import Row, estimate_key, model_groups

    def status(m: Model, b: Build) -> str:
        try:
            return fit_status(m, quant, ctx, b, kv_type, engine)
        except EstimateError:
            return "none"

    def gpu(m: Model, b: Build) -> bool:  # status(m, b) == "gpu", from the placement's first step
        try:
            return on_gpu(m, quant, ctx, b, kv_type, engine)
        except EstimateError:
            return False

    groups = model_groups(catalog.models, quant)  # each group placed once: its models share the figures
    given = {estimate_key(r.model, quant): r.status for r in known if isinstance(r, Row)}
    now = []
    for g in groups:
        st = given.get(estimate_key(g[0], quant))
        now.append(("none" if st == "n/a" else st) if st is not None else status(g[0], build))
    hints: list[str] = []
    for label, b in upgrade_options(catalog, build):
        gained: list[tuple[float, str, str]] = []
        for g, before in zip(groups, now, strict=True):
            if before == "gpu":
                continue  # nothing to gain
            # with offload or on the CPU now, a model gains only by moving fully onto the GPU
            after = status(g[0], b) if before == "none" else "gpu" if gpu(g[0], b) else before
            if STATUS_ORDER[after] > STATUS_ORDER[before] and (after == "gpu" or before == "none"):
                gained += [(m.params_b, m.name, after) for m in g]
        hints.append(hint_line(label, quant, gained))
    return hints


def hint_line(label: str, quant: str, gained: list[tuple[float, str, str]]) -> str:
    """One upgrade option's hint: the biggest model it brings on (params, name, its new status) and
    how many more."""
    if not gained:
        return f"{label}: no new model at {quant}"
    _, name, after = max(gained)
    where = {"gpu": "on GPU", "gpu+cpu": "with CPU offload", "cpu": "on the CPU"}[after]
    more = f" (+{len(gained) - 1} more)" if len(gained) > 1 else ""
    return f"{label}: {name} at {quant} {where}{more}"


def upgrade_options(catalog: Catalog, build: Build) -> list[tuple[str, Build]]:
    """The small upgrades upgrade_hints() tries, each with its label: one more of the first dedicated
    GPU (or the next memory size of a Mac), 64 GiB more RAM, one more machine."""
    options: list[tuple[str, Build]] = []
    dedicated = [g for g in build.gpus if not g.unified]
    if dedicated:
        g = dedicated[0]
        options.append((f"+1 {g.name} (+{g.memory_bytes / GiB:.0f} GiB)", replace(build, gpus=(*build.gpus, g))))
    elif build.gpus and build.gpus[0].vendor == "Apple" and build.gpus[0].catalog_id:
        dev = catalog.device(build.gpus[0].catalog_id)
        if dev is not None:
            bigger = sorted(x for x in dev.memory_gib if x * GiB > build.gpus[0].memory_bytes)
            if bigger:
                g2 = gpu_from_device(dev, bigger[0])
                limit, note = apple_limit(g2.memory_bytes, build.wired_limit_mb)
                g2 = replace(g2, usable_bytes=limit, usable_note=note)
                options.append(
                    (f"{dev.name} with {bigger[0]:g} GB", replace(build, gpus=(g2,), ram_bytes=g2.memory_bytes))
                )
    if not build.unified and build.ram_bytes:
        extra = 64 * GiB
        options.append(
            (
                "+64 GiB RAM",
                replace(
                    build,
                    ram_bytes=build.ram_bytes + extra,
                    ram_available_bytes=None
                    if build.ram_available_bytes is None
                    else build.ram_available_bytes + extra,
                ),
            )
        )
    if build.gpus:
        options.append((f"{build.machines + 1} machines", replace(build, machines=build.machines + 1)))
    return options
