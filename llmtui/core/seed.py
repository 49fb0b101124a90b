"""The seed article's hardware table next to llmtui's own figures (data/reference/seed_hardware.toml):
for each row, the memory the article states and the memory llmtui estimates at Q4_K_M and 8K
context, whether each piece of hardware the row names holds the model (and how fast it decodes there),
the cheapest catalogue build that does, and the row's factual errors with their sources."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from .build import BuildError, planned_build
from .catalog.types import Catalog, Model
from .estimate import EstimateError, estimate
from .paths import bundled_data_dir
from .plan import READABLE_TPS, PlanResult, cheapest_builds
from .units import GB

QUANT = "Q4_K_M"
CTX = 8192


@dataclass(frozen=True, slots=True)
class SeedOption:
    label: str  # as llmtui's --gpu / --mac take it
    quant: str
    status: str  # gpu | gpu+cpu | cpu | none (does not run) | unknown (hardware the catalogue lacks)
    tps: float | None
    note: str  # why: the build's error, or what spills


@dataclass(frozen=True, slots=True)
class SeedRow:
    model_text: str
    seed_memory_gb: float
    seed_hardware: str
    seed_tps: str
    model: Model | None
    memory_bytes: int | None  # llmtui's estimate at QUANT and CTX
    options: tuple[SeedOption, ...]
    cheapest: PlanResult | None
    errors: tuple[tuple[str, str], ...]  # (what is wrong, source)

    @property
    def problems(self) -> list[str]:
        """The named errors with their sources, then every piece of hardware the row names that does
        not hold the model in GPU memory, as llmtui's estimator computes it."""
        out = [f"{text} (source: {source})" for text, source in self.errors]
        for o in self.options:
            if o.status == "unknown":
                out.append(f"{o.label}: {o.note}")
            elif o.status != "gpu":
                where = "does not hold it" if o.status == "none" else f"holds it only with {o.status} offload"
                out.append(f"{o.label} {where} at {o.quant} ({o.note})")
        return out


@lru_cache(maxsize=1)
def _rows() -> tuple[dict[str, Any], ...]:
    with (bundled_data_dir() / "reference" / "seed_hardware.toml").open("rb") as fh:
        return tuple(tomllib.load(fh)["rows"])


def seed_table(catalog: Catalog, *, engine: str = "llama.cpp") -> list[SeedRow]:
    out = []
    for r in _rows():
        model = catalog.model(r["id"])
        memory = None
        options: list[SeedOption] = []
        cheapest = None
        if model is not None:
            memory = _memory(model, engine)
            options = [_option(catalog, model, o, engine) for o in r.get("options", [])]
            plans = cheapest_builds(
                model, catalog, quant=QUANT, ctx=CTX, engine=engine, limit=1, target_tps=READABLE_TPS
            )
            cheapest = plans[0] if plans else None
        out.append(
            SeedRow(
                model_text=r["model"],
                seed_memory_gb=float(r["memory_gb"]),
                seed_hardware=r["hardware"],
                seed_tps=r["tps"],
                model=model,
                memory_bytes=memory,
                options=tuple(options),
                cheapest=cheapest,
                errors=tuple((e["text"], e["source"]) for e in r.get("errors", [])),
            )
        )
    return out


def _memory(model: Model, engine: str) -> int | None:
    from .build import Build

    try:
        e = estimate(model, QUANT, CTX, Build("none"), engine=engine, with_max_ctx=False, with_speed=False)
    except EstimateError:
        return None
    return e.memory.total_bytes


def _option(catalog: Catalog, model: Model, o: dict[str, str], engine: str) -> SeedOption:
    label = o.get("gpu") or o.get("mac") or "?"
    quant = o.get("quant", QUANT)
    gpu = o.get("gpu")
    device = catalog.device(gpu.split("x ", 1)[-1]) if gpu else None
    dedicated = gpu is not None and (device is None or not device.unified)
    try:  # a dedicated GPU in a host with 64 GB of RAM, as the planner assumes
        build = planned_build(catalog, gpu=gpu, mac=o.get("mac"), ram="64GB" if dedicated else None)
    except BuildError as err:
        return SeedOption(label, quant, "unknown", None, str(err))
    try:
        e = estimate(model, quant, CTX, build, engine=engine, with_max_ctx=False)
    except EstimateError as err:
        return SeedOption(label, quant, "none", None, str(err))
    tps = e.speed.decode_expected if e.speed and e.status != "none" else None
    need, have = e.memory.total_bytes / GB, build.gpu_memory_bytes / GB
    return SeedOption(label, quant, e.status, tps, f"needs {need:.1f} GB, the GPU memory is {have:.1f} GB")
