"""Fits now, beside what is running: a detected machine's fit judged on the memory free at this moment,
and what stopping one of the holders (an inference server's model, another process) would free.

Whether a model fits is judged on usable memory (an idle machine less documented headroom, see
placement.build_slots), so it does not change from one run to the next. On a shared GPU server what
matters next is whether it fits beside what is running; this module answers that, and which single
holder to stop when it does not."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from ..build import Build
from ..units import GiB
from .status import STATUS_ORDER

MAX_HOLDERS = 8  # the largest holders are tried; more would only repeat "stop something else"


@dataclass(frozen=True, slots=True)
class StopOption:
    label: str  # what to stop: "llama.cpp at http://127.0.0.1:8080 (Qwen3-8B)", "python3 (pid 777)"
    freed_bytes: int  # GPU memory it holds now
    status: str  # the fit once it is stopped


@dataclass(frozen=True, slots=True)
class NowFit:
    status: str  # the fit with the memory free now ("beside what is running")
    free_gpu_bytes: tuple[int | None, ...]  # free now per GPU of the build (None: not measured)
    ram_available_bytes: int | None
    held_bytes: int  # GPU memory held now by others (total less free, summed)
    stop: tuple[StopOption, ...]  # holders whose stopping reaches the usable-memory fit

    def to_json(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "free_gpu_bytes": list(self.free_gpu_bytes),
            "ram_available_bytes": self.ram_available_bytes,
            "held_gpu_bytes": self.held_bytes,
            "fits_if_you_stop": [
                {"holder": s.label, "frees_bytes": s.freed_bytes, "status": s.status} for s in self.stop
            ],
        }

    def sentence(self, usable_status: str) -> str:
        """'fits now beside what is running' / 'does not fit now (58.0 GiB held): fits if you stop X'."""
        from ..report import FIT_SENTENCE

        if self.status == usable_status:
            return f"{FIT_SENTENCE[self.status]} now, beside what is running"
        held = f" ({self.held_bytes / GiB:.1f} GiB of GPU memory is held by others)" if self.held_bytes else ""
        text = f"now: {FIT_SENTENCE[self.status]}{held}"
        if self.stop:
            text += "; " + "; or ".join(f"{FIT_SENTENCE[s.status]} if you stop {s.label}" for s in self.stop[:3])
        return text


def has_now(build: Build) -> bool:
    """Whether the build carries measurements of this moment: this machine, just detected (a profile's
    saved free memory is of the moment it was saved, not of now)."""
    measured = build.ram_available_bytes is not None or any(g.free_bytes is not None for g in build.gpus)
    return build.source == "detected" and measured


def fit_now(build: Build, usable_status: str, status_of: Callable[[Build], str]) -> NowFit | None:
    """`status_of(build)`: the placement status with the memory free now (placement's `now`). None
    when the build measured nothing of this moment (a planned build or a profile)."""
    if not has_now(build):
        return None
    status = status_of(build)
    held = sum(g.memory_bytes - g.free_bytes for g in build.gpus if g.free_bytes is not None)
    stop: list[StopOption] = []
    if STATUS_ORDER[status] < STATUS_ORDER[usable_status]:
        for h in build.holders[:MAX_HOLDERS]:
            freed = _freed(build, h.gpu_bytes)
            if freed is None:
                continue
            after = status_of(freed)
            if STATUS_ORDER[after] > STATUS_ORDER[status]:
                stop.append(StopOption(h.label, h.total_bytes, after))
    stop.sort(key=lambda s: (-STATUS_ORDER[s.status], s.freed_bytes))
    return NowFit(
        status,
        tuple(g.free_bytes for g in build.gpus),
        build.ram_available_bytes,
        max(0, held),
        tuple(stop),
    )


def _freed(build: Build, gpu_bytes: tuple[int, ...]) -> Build | None:
    if len(gpu_bytes) != len(build.gpus):
        return None
    gpus = tuple(
        g if g.free_bytes is None else replace(g, free_bytes=min(g.memory_bytes, g.free_bytes + b))
        for g, b in zip(build.gpus, gpu_bytes, strict=True)
    )
    return replace(build, gpus=gpus)
