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
    sort: str = "score"
    ctx: int | None = None
    why: str = ""


PRESETS: tuple[Preset, ...] = (
    Preset(
        "chat",
        "Daily chat / Q&A",
        "use:chat fits",
        "AA Intelligence Index",
        why="the primary score: broad capability on one independent scale",
    ),
    Preset("coding", "Coding assistant", "use:coding fits", "LiveCodeBench", why="code generation on fresh problems"),
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
    Preset("math", "Math and reasoning", "use:math fits", "MATH", why="competition math"),
    Preset(
        "creative",
        "Creative writing / role-play",
        "use:chat fits",
        "Arena-Hard",
        why="Arena-Hard: judged open-ended answers, the nearest published proxy for writing",
    ),
    Preset(
        "production",
        "Production at scale",
        "moe fits",
        "AA Intelligence Index",
        sort="tps",
        why="MoE: quality of the total, speed of the active parameters",
    ),
)
PRESETS_BY_KEY = {p.key: p for p in PRESETS}
