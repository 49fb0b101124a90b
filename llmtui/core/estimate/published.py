"""Quants that no rule reproduces: Unsloth's dynamic files (UD-Q4_K_XL, UD-IQ2_M, ...) and other
imatrix-recipe mixes choose a type per tensor by measurement, so their size is taken from the real
files: the published sizes in data/reference/gguf_sizes*.toml (each with its source). In memory
they are spread over the layers like the standard mix they are named after."""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import lru_cache
from itertools import accumulate

from ..paths import bundled_data_dir
from .weights import Weights

# published quant -> the standard mix whose layer layout it follows
UD_BASE = {
    "UD-IQ1_S": "IQ1_S",
    "UD-IQ1_M": "IQ1_M",
    "UD-IQ2_XXS": "IQ2_XXS",
    "UD-IQ2_M": "IQ2_M",
    "UD-IQ3_XXS": "IQ3_XXS",
    "UD-Q2_K_XL": "Q2_K",
    "UD-Q3_K_XL": "Q3_K_M",
    "UD-Q4_K_XL": "Q4_K_M",
    "UD-Q5_K_XL": "Q5_K_M",
    "UD-Q6_K_XL": "Q6_K",
    "UD-Q8_K_XL": "Q8_0",
}


# data/reference files of published GGUF sizes (each entry with its source)
REFERENCE_FILES = ("gguf_sizes", "gguf_sizes_new", "gguf_sizes_2026")


@dataclass(frozen=True, slots=True)
class Published:
    quant: str
    size_bytes: int
    gguf_repo: str
    source: str


@lru_cache(maxsize=1)
def _table() -> dict[tuple[str, str], Published]:
    from ..prebuilt import load_toml  # as JSON when llmtui's build pre-parsed them (~20x faster)

    out: dict[tuple[str, str], Published] = {}
    for name in REFERENCE_FILES:
        path = bundled_data_dir() / "reference" / f"{name}.toml"
        try:
            files = load_toml(path).get("files", [])
        except (OSError, ValueError):
            continue
        for f in files:
            q = str(f.get("quant", ""))
            if q in UD_BASE and isinstance(f.get("size_gb"), int | float):
                key = (str(f.get("base_repo", "")).lower(), q)
                out.setdefault(key, Published(q, int(f["size_gb"] * 1e9), str(f["gguf_repo"]), str(f["source"])))
    return out


def published(hf_repo: str, quant: str) -> Published | None:
    return _table().get((hf_repo.lower(), quant))


def scaled(w: Weights, factor: float, quant: str) -> Weights:
    """The weights of the named-after mix, every part scaled to the published file's size."""
    layer = tuple(int(b * factor) for b in w.layer_bytes)
    experts = tuple(int(b * factor) for b in w.layer_expert_bytes)
    return replace(
        w,
        quant=quant,
        embd_bytes=int(w.embd_bytes * factor),
        output_bytes=int(w.output_bytes * factor),
        layer_bytes=layer,
        layer_expert_bytes=experts,
        extra_file_bytes=int(w.extra_file_bytes * factor),
        tied_copy_bytes=int(w.tied_copy_bytes * factor),
        layer_prefix=(0, *accumulate(layer)),
        expert_prefix=(0, *accumulate(experts)),
    )
