"""Use-case presets from the seed article's "What to actually run": each is a filter in the query
language, a score to rank by and a sort, so a user can see exactly what a preset does."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Preset:
    key: str
    label: str
    query: str
    benchmark: str
    sort: str = "runnable"  # what the build runs first, by the preset's score
    ctx: int | None = None
    why: str = ""


PRESETS: tuple[Preset, ...] = (
    Preset(
        "best",
        "Best I can run",
        "fits",
        "AA Intelligence Index",
        sort="adjusted",
        why="the primary score adjusted for the measured loss of the best quant that fits",
    ),
    Preset(
        "chat",
        "Daily chat / Q&A",
        "use:chat fits",
        "AA Intelligence Index",
        why="the primary score: broad capability on one independent scale",
    ),
    Preset(
        "coding",
        "Coding assistant",
        "use:coding fits",
        "LiveCodeBench",
        why="code generation on fresh problems, in its most reported version (AA's own runs: one methodology)",
    ),
    Preset(
        "long",
        "Long documents (32K+)",
        "ctx>=32k fits",
        "AA Intelligence Index",
        ctx=32768,
        why="32K context must fit, not only the weights",
    ),
    Preset(
        "translation",
        "Translation / multilingual",
        "use:multilingual fits",
        "AA Intelligence Index",
        why="models trained for many languages",
    ),
    Preset(
        "math",
        "Math and reasoning",
        "use:math fits",
        "AIME",
        why="competition math, in its most reported version (AA's own runs: one methodology)",
    ),
    Preset(
        "creative",
        "Creative writing / role-play",
        "use:chat fits",
        "AA Intelligence Index",
        why="no writing benchmark covers these models on one scale, so the primary score",
    ),
    Preset(
        "production",
        "Production at scale",
        "moe fits",
        "AA Intelligence Index",
        sort="throughput",
        why="MoE (quality of the total, speed of the active parameters), ranked by the decode t/s of 32 users at "
        "once on the build: on one build the order of aggregate throughput per dollar",
    ),
)
PRESETS_BY_KEY = {p.key: p for p in PRESETS}
