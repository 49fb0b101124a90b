"""A build being composed in the what-if planner: GPU lines with counts and the machine around them,
the rules for changing it, and what it runs (the planner's overview). Headless: the planner screen
only shows what this module computes."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from .build import DEFAULT_RAM_BANDWIDTH_GBS, DEFAULT_RAM_NOTE, GPU, Build, MachineCalibration, apple_limit
from .catalog.types import Catalog
from .estimate import EstimateError
from .plan import BuildSummary
from .units import GiB

MAX_GPUS = 64
DEFAULT_RAM = 64 * GiB  # host RAM a planned build starts with when the build it copies has none


class DraftError(ValueError):
    """A change the draft refuses; the message says why, in one sentence."""


@dataclass
class Draft:
    """The build being composed: GPU lines with counts, and the machine around them."""

    lines: list[tuple[GPU, int]] = field(default_factory=list)
    ram_bytes: int = DEFAULT_RAM
    machines: int = 1
    network: str = "10gbe"
    engine: str = "llama.cpp"
    wired_limit_mb: int = 0
    ram_available: int | None = None
    name: str = "planned"
    backend: str = ""  # "" = each GPU's usual one
    ram_bandwidth: float = DEFAULT_RAM_BANDWIDTH_GBS
    ram_note: str = DEFAULT_RAM_NOTE
    calibration: MachineCalibration | None = None  # `llmtui bench`'s, kept while the backend is its own

    @classmethod
    def from_build(cls, b: Build, engine: str) -> Draft:
        d = cls(
            b.grouped(),
            b.ram_bytes,
            b.machines,
            b.network,
            engine,
            b.wired_limit_mb,
            b.ram_available_bytes,
            b.name,
            b.backend,
            b.ram_bandwidth_gbs,
            b.ram_bandwidth_note,
            b.calibration,
        )
        if not d.ram_bytes and not b.unified:
            d.ram_bytes = DEFAULT_RAM
        return d

    def build(self) -> Build:
        gpus: list[GPU] = []
        for g, n in self.lines:
            if g.vendor == "Apple" and g.unified:
                limit, note = apple_limit(g.memory_bytes, self.wired_limit_mb)
                g = replace(g, usable_bytes=limit, usable_note=note)
            gpus.extend([g] * n)
        unified = any(g.unified for g in gpus)
        ram = gpus[0].memory_bytes if unified and gpus else self.ram_bytes
        return Build(
            name=self.name,
            gpus=tuple(gpus),
            ram_bytes=ram,
            ram_available_bytes=None if unified else self.ram_available,
            machines=self.machines,
            network=self.network,
            wired_limit_mb=self.wired_limit_mb,
            source="planned",
            backend=self.backend,
            ram_bandwidth_gbs=self.ram_bandwidth,
            ram_bandwidth_note=self.ram_note,
            calibration=self.calibration if self.calibration and self.calibration.backend == self.backend else None,
        )

    @property
    def unified(self) -> GPU | None:
        """The unified-memory machine (a Mac, a Ryzen AI Max), whose RAM is its GPU memory."""
        return next((g for g, _ in self.lines if g.unified), None)

    def add(self, g: GPU) -> tuple[int, str]:
        """Add one GPU: (the line it is on, a note to show or ''). A unified-memory machine replaces
        every line (it is a whole machine); a dedicated GPU replaces a unified one."""
        note = ""
        if g.unified:
            if self.lines:
                note = f"{g.name} is a whole machine; it replaced the devices (use Machines for more)."
            self.lines = [(g, 1)]
            return 0, note
        if self.unified is not None:
            self.lines = []
        if sum(n for _, n in self.lines) >= MAX_GPUS:
            raise DraftError(f"at most {MAX_GPUS} GPUs in one machine")
        for i, (x, n) in enumerate(self.lines):
            if x == g:
                self.lines[i] = (x, n + 1)
                return i, note
        self.lines.append((g, 1))
        return len(self.lines) - 1, note

    def count(self, i: int | None, step: int) -> None:
        """Change line i's count by step."""
        if i is None or not self.lines:
            raise DraftError("no GPU to count: add one with a")
        g, n = self.lines[i]
        if g.unified and n + step > 1:
            raise DraftError("a unified-memory machine counts as one; set Machines for more")
        if n + step < 1:
            raise DraftError("0 GPUs: remove the line with x instead")
        total = sum(c for _, c in self.lines) + step
        if total > MAX_GPUS:
            raise DraftError(f"{total} GPUs: llmtui plans for at most {MAX_GPUS} in one machine")
        self.lines[i] = (g, n + step)

    def remove(self, i: int | None) -> None:
        if i is not None and 0 <= i < len(self.lines):
            del self.lines[i]

    def neighbours(self, i: int | None) -> list[Build]:
        """The builds one more and one fewer of line i make, where count() allows them: what the
        planner's + and - ask for next."""
        out = []
        for step in (1, -1):
            d = replace(self, lines=list(self.lines))
            try:
                d.count(i, step)
            except DraftError:
                continue
            out.append(d.build())
        return out


@dataclass(frozen=True, slots=True)
class Overview:
    """What the planner shows for a build: totals, each use case's best, what an upgrade unlocks."""

    build: Build
    summary: BuildSummary
    hints: tuple[str, ...]


def overview(
    catalog: Catalog, build: Build, *, quant: str, ctx: int, benchmark: str, kv_type: str, engine: str
) -> Overview:
    """The planner's figures for a build, from the leaderboard's own rows and presets. Raises
    EstimateError when the engine cannot run the quant or KV type."""
    from .catalog.types import Model
    from .leaderboard import model_groups, model_row, rows
    from .plan import summarize, upgrade_hints, use_case_bests

    # the fit of every model, once per group of models with the same figures (a fine-tune and its base);
    # the speed only of the ones shown (use_case_bests and the biggest)
    groups = model_groups(catalog.models, quant)
    rs = rows(
        catalog,
        build,
        quant=quant,
        ctx=ctx,
        benchmark=benchmark,
        kv_type=kv_type,
        engine=engine,
        models=[g[0] for g in groups],
        with_best=False,
        with_speed=False,
    )
    bests = use_case_bests(catalog, build, quant=quant, ctx=ctx, kv_type=kv_type, engine=engine, known=rs)

    def tps(m: Model) -> float | None:
        row = model_row(m, build, quant=quant, ctx=ctx, benchmark="", kv_type=kv_type, engine=engine, with_best=False)
        return row.decode_tps

    # the totals need no best quant
    summary = summarize(build, rs, bests=bests, tps=tps, groups=groups, models=catalog.models)
    hints = upgrade_hints(catalog, build, quant=quant, ctx=ctx, kv_type=kv_type, engine=engine, known=rs)
    return Overview(build, summary, tuple(hints))


__all__ = ["MAX_GPUS", "Draft", "DraftError", "EstimateError", "Overview", "overview"]
