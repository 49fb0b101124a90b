"""Quality at the quant: the measured loss of a GGUF quant type, and a score adjusted for it.

The loss is llama.cpp's own measurement (llama-perplexity against the 16-bit model), copied in
data/quality/quant_loss.toml with its source, for the two size classes it was measured on. The
adjustment is llmtui's rule, shown wherever it is used:

    adjusted score = score / ppl_ratio        (ppl_ratio = PPL(quant) / PPL(16-bit))

so a quant that makes the model 2.4% more perplexed costs 2.4% of its score. It is a heuristic, not a
measured benchmark drop: it ranks a large model at a low-bit quant against a smaller one at a higher
quant on one documented rule instead of none.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

from .estimate.published import UD_BASE
from .paths import bundled_data_dir

# 16-bit weights are the baseline the loss is measured against.
BASELINE = frozenset({"F16", "BF16", "FP16", "F32"})
# Unsloth's dynamic mixes (estimate.published.UD_BASE) are measured nowhere in the table: shown as the
# type they are named after (they keep more tensors at higher precision, so their real loss is likely lower).


@dataclass(frozen=True, slots=True)
class QuantLoss:
    quant: str  # the quant asked about
    ppl_ratio: float  # PPL(quant) / PPL(16-bit); 1.0 is no loss
    kld: float | None  # mean KL divergence, where measured
    basis: str  # what was measured: "measured on Llama 3 8B", "16-bit baseline", ...
    source: str

    @property
    def factor(self) -> float:
        """What the score is multiplied by."""
        return 1.0 / self.ppl_ratio

    @property
    def percent(self) -> float:
        """The loss as a share of the score, in percent (2.4 for a PPL ratio of 1.024)."""
        return (1.0 - self.factor) * 100.0

    def label(self) -> str:
        return "0%" if self.percent < 0.05 else f"-{self.percent:.1f}%"


@dataclass(frozen=True, slots=True)
class _Class:
    name: str
    params_b: float
    base_ppl: float
    measured_on: str
    source: str
    points: dict[str, tuple[float, float | None]]  # quant -> (ppl, kld)


@cache
def _classes(path: Path | None = None) -> tuple[_Class, ...]:
    from .boundary.text import clean_tree
    from .prebuilt import load_toml

    doc = clean_tree(load_toml(path or bundled_data_dir() / "quality" / "quant_loss.toml"))
    out = []
    for c in doc.get("classes", []):
        pts = {
            str(p["quant"]).upper(): (float(p["ppl"]), float(p["kld"]) if "kld" in p else None)
            for p in doc.get("points", [])
            if p.get("class") == c["name"]
        }
        out.append(_Class(c["name"], float(c["params_b"]), float(c["base_ppl"]), c["measured_on"], c["source"], pts))
    return tuple(sorted(out, key=lambda c: c.params_b))


def _nearest(classes: tuple[_Class, ...], params_b: float) -> list[_Class]:
    """Classes nearest first, on a log scale of parameters (8B and 70B meet at ~24B)."""
    return sorted(classes, key=lambda c: abs(math.log(max(params_b, 0.01) / c.params_b)))


@lru_cache(maxsize=4096)
def quant_loss(quant: str, params_b: float) -> QuantLoss | None:
    """The measured loss of a quant type for a model of params_b total parameters, or None when
    llama.cpp's table has no measurement for it (vLLM formats, TQ1_0, MXFP4, ...)."""
    name = quant.upper()
    if name in BASELINE:
        return QuantLoss(quant, 1.0, 0.0, "16-bit baseline (no loss by definition)", "")
    looked_up = UD_BASE.get(name, name)
    as_note = f" as {looked_up} (its nominal type; the dynamic mix likely loses less)" if looked_up != name else ""
    nearest = _nearest(_classes(), params_b)
    for n, c in enumerate(nearest):
        if looked_up in c.points:
            ppl, kld = c.points[looked_up]
            near = "" if n == 0 else f" (not measured at {nearest[0].name})"
            basis = f"measured on {c.measured_on} ({c.name} class){near}{as_note}"
            return QuantLoss(quant, ppl / c.base_ppl, kld, basis, c.source)
    return None


def max_factor() -> float:
    """The largest factor any measured quant gives a score (at least 1: a 16-bit baseline's): an
    upper bound on an adjusted score from the raw one, so a search can stop early."""
    return max([1.0] + [c.base_ppl / ppl for c in _classes() for ppl, _ in c.points.values() if ppl > 0])


def adjusted(score: float | None, loss: QuantLoss | None) -> float | None:
    if score is None or loss is None:
        return None
    return score * loss.factor
