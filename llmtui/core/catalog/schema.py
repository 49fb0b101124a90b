"""Field-by-field validation of catalogue TOML, with errors that name file, entry and field."""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from .types import Arch, Device, Model, ModelFile, Price, Score

SCHEMA_VERSION = 1

TAGS = frozenset(
    ["chat", "coding", "reasoning", "math", "long-context", "multilingual", "creative", "vision", "tool-use", "edge"]
)
DEVICE_KINDS = frozenset({"gpu", "apu", "mac", "system", "cpu"})
MEMORY_KINDS = frozenset({"dedicated", "unified"})
PRICE_KINDS = frozenset({"launch MSRP", "street", "used", "cloud hourly", "system"})

_SLUG = re.compile(r"^[a-z0-9][a-z0-9._+-]*$")
_DATE = re.compile(r"^\d{4}-\d{2}(-\d{2})?$")
_DATE_OR_UNKNOWN = re.compile(r"^(\d{4}-\d{2}(-\d{2})?|unknown)$")
_PCI = re.compile(r"^[0-9a-f]{4}:[0-9a-f]{4}$")
# Hugging Face repo ids: ORG/NAME, each part letters, digits, '-', '_', '.', at most 96 characters,
# not starting or ending with '-' or '.', no '--' or '..' (huggingface_hub's validate_repo_id).
_HF_PART = r"[A-Za-z0-9](?:[A-Za-z0-9._-]{0,94}[A-Za-z0-9_])?"
_HF_REPO = re.compile(rf"^{_HF_PART}/{_HF_PART}$")


def is_hf_repo_id(text: str) -> bool:
    """True for a well-formed Hugging Face repo id such as 'Qwen/Qwen3-8B'."""
    return bool(_HF_REPO.match(text)) and "--" not in text and ".." not in text


@dataclass(frozen=True)
class CatalogError:
    file: str
    entry: str
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}: {self.entry}" if self.entry else self.file
        return f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"


class Invalid(Exception):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


Check = Callable[[Any], str | None]


@dataclass(frozen=True)
class _Range:
    """A numeric field's range, checked by the trust boundary's one number parser."""

    lo: float
    hi: float

    def parse(self, value: Any, field: str) -> Any:
        from ..boundary.numbers import number

        integer = isinstance(value, int) and not isinstance(value, bool)
        n = number(value, field, lo=self.lo, hi=self.hi, integer=integer)
        return int(n) if integer else float(n)

    def __call__(self, v: Any) -> str | None:  # pragma: no cover - _check_table calls parse()
        return None


def _rng(lo: float, hi: float) -> Check:
    return _Range(lo, hi)


def _match(rx: re.Pattern[str], what: str) -> Check:
    def check(v: Any) -> str | None:
        return None if rx.match(v) else f"'{v}' is not {what}"

    return check


def _one_of(options: frozenset[str]) -> Check:
    def check(v: Any) -> str | None:
        return None if v in options else f"'{v}' is not one of {', '.join(sorted(options))}"

    return check


def _nonempty(v: Any) -> str | None:
    return None if str(v).strip() else "must not be empty"


def _repo(v: Any) -> str | None:
    """A repo id, or '' for a model imported from a local file whose repo is not known."""
    return None if v == "" or is_hf_repo_id(v) else f"'{v}' is not a Hugging Face repo id like Qwen/Qwen3-8B"


def _str_list(v: Any) -> str | None:
    return None if all(isinstance(x, str) for x in v) else "must be a list of text"


# Fields whose text may span lines (shown in the detail pane); every other text is one line.
MULTI_LINE = frozenset({"notes", "detail", "ctx_note"})


# field -> (python type, required, check)
Spec = dict[str, tuple[type, bool, Check | None]]

MODEL_SPEC: Spec = {
    "id": (str, True, _match(_SLUG, "a lowercase slug (a-z, 0-9, . _ + -)")),
    "name": (str, True, _nonempty),
    "family": (str, True, _nonempty),
    "hf_repo": (str, True, _repo),
    "license": (str, True, _nonempty),
    "released": (str, True, _match(_DATE_OR_UNKNOWN, "a date like 2024-09-19 or 2024-09")),
    "tags": (list, False, _str_list),
    "params_b": (float, True, _rng(0.01, 5000)),
    "active_params_b": (float, True, _rng(0.01, 5000)),
    "params_source": (str, False, None),
    "notes": (str, False, None),
    "arch": (dict, True, None),
    "scores": (list, False, None),
    "files": (list, False, None),
    "arch_from": (str, False, None),
}

ARCH_SPEC: Spec = {
    "source": (str, False, None),
    "type": (str, True, _nonempty),
    "layers": (int, True, _rng(1, 1000)),
    "hidden": (int, True, _rng(32, 100_000)),
    "heads": (int, True, _rng(1, 1024)),
    "kv_heads": (int, True, _rng(1, 1024)),
    "head_dim": (int, False, _rng(8, 1024)),
    "ffn": (int, False, _rng(0, 1_000_000)),
    "vocab": (int, True, _rng(256, 2_000_000)),
    "max_ctx": (int, True, _rng(256, 100_000_000)),
    "ctx_note": (str, False, None),
    "tied_embeddings": (bool, False, None),
    "qkv_bias": (bool, False, None),
    "experts": (int, False, _rng(0, 4096)),
    "experts_per_token": (int, False, _rng(0, 256)),
    "expert_ffn": (int, False, _rng(0, 1_000_000)),
    "shared_experts": (int, False, _rng(0, 64)),
    "shared_expert_ffn": (int, False, _rng(0, 1_000_000)),
    "dense_layers": (int, False, _rng(0, 1000)),
    "moe_every": (int, False, _rng(1, 64)),
    "kv_lora_rank": (int, False, _rng(0, 65536)),
    "q_lora_rank": (int, False, _rng(0, 65536)),
    "qk_rope_dim": (int, False, _rng(0, 4096)),
    "qk_nope_dim": (int, False, _rng(0, 4096)),
    "v_head_dim": (int, False, _rng(0, 4096)),
    "sliding_window": (int, False, _rng(0, 10_000_000)),
    "full_attn_every": (int, False, _rng(0, 1000)),
    "nextn_layers": (int, False, _rng(0, 16)),
    "mlp": (str, False, _one_of(frozenset({"gated", "plain"}))),
    "bias": (bool, False, None),
    "attn_gate": (bool, False, None),
    "layer_kinds": (
        str,
        False,
        _match(re.compile(r"^[ASLKMCP*-]{0,1000}$"), "a string of A, S, L, K, M, C, P, * and -"),
    ),
    "linear_k_heads": (int, False, _rng(0, 1024)),
    "linear_v_heads": (int, False, _rng(0, 1024)),
    "linear_k_dim": (int, False, _rng(0, 4096)),
    "linear_v_dim": (int, False, _rng(0, 4096)),
    "linear_conv": (int, False, _rng(0, 64)),
    "ssm_state": (int, False, _rng(0, 4096)),
    "ssm_inner": (int, False, _rng(0, 1_000_000)),
    "ssm_heads": (int, False, _rng(0, 4096)),
    "ssm_groups": (int, False, _rng(0, 1024)),
    "ssm_conv": (int, False, _rng(0, 64)),
    "ssm_norm": (bool, False, None),
    "shortconv_kernel": (int, False, _rng(0, 64)),
    "kda_heads": (int, False, _rng(0, 1024)),
    "kda_head_dim": (int, False, _rng(0, 4096)),
    "global_kv_heads": (int, False, _rng(0, 1024)),
    "global_head_dim": (int, False, _rng(0, 4096)),
    "kv_shared": (bool, False, None),
    "v_dim": (int, False, _rng(0, 4096)),
    "swa_heads": (int, False, _rng(0, 4096)),
    "head_gate": (bool, False, None),
    "index_heads": (int, False, _rng(0, 1024)),
    "index_head_dim": (int, False, _rng(0, 4096)),
    "index_topk": (int, False, _rng(0, 1_000_000)),
    "index_kinds": (str, False, _match(re.compile(r"^[Fs-]{0,1000}$"), "a string of F, s and -")),
    "moe_latent": (int, False, _rng(0, 100_000)),
    "moe_with_dense": (bool, False, None),
    "experts_mxfp4": (bool, False, None),
    "per_layer_embd": (int, False, _rng(0, 65536)),
    "kv_shared_layers": (int, False, _rng(0, 1000)),
    "ffn_double_shared": (bool, False, None),
    "altup": (int, False, _rng(0, 64)),
    "laurel_rank": (int, False, _rng(0, 65536)),
    "compress_kinds": (str, False, _match(re.compile(r"^[CH-]{0,1000}$"), "a string of C, H and -")),
    "out_groups": (int, False, _rng(0, 1024)),
    "out_lora_rank": (int, False, _rng(0, 65536)),
    "hyper_connections": (int, False, _rng(0, 64)),
    "hash_layers": (int, False, _rng(0, 1000)),
}

SCORE_SPEC: Spec = {
    "benchmark": (str, True, _nonempty),
    "value": (float, True, _rng(0, 5000)),  # percent (0-100) unless scale says otherwise
    "source": (str, True, _nonempty),
    "detail": (str, False, None),
    "version": (str, False, None),  # of the benchmark: "v4.1", "v6 (2025-02..2025-05)", "2025"
    "date": (str, False, _match(_DATE, "a date like 2026-08-16")),  # when the source published it
    "measured_by": (str, False, _one_of(frozenset({"vendor", "independent", "seed"}))),
    "variant": (str, False, None),  # reasoning / non-reasoning / effort, as the source labels it
    "scale": (str, False, _one_of(frozenset({"elo"}))),  # left out: percent
}

# A score in the user's own score files (data dir scores/*.toml): for the model with this repo id.
USER_SCORE_SPEC: Spec = {
    "hf_repo": (str, True, _repo),
    "name": (str, False, None),  # what the source called the model
    **SCORE_SPEC,
}


def parse_score(raw: Any, spec: Spec | None = None) -> dict[str, Any]:
    """One score table, checked: a percent is at most 100, an arena rating (scale = "elo") at most 5000."""
    sc = _check_table(raw, spec or SCORE_SPEC)
    if not sc.get("scale") and sc["value"] > 100:
        raise Invalid("value", f'{sc["value"]:g} is more than 100 percent (an arena rating needs scale = "elo")')
    return sc


FILE_SPEC: Spec = {
    "quant": (str, True, _nonempty),
    "size_bytes": (int, True, _rng(1_000_000, 10**14)),
    "repo": (str, True, _repo),
    "path": (str, True, _nonempty),
    "source": (str, True, _nonempty),
    "parts": (int, False, _rng(1, 10_000)),
    "checked": (str, False, _match(_DATE, "a date like 2026-12-01")),
}

DEVICE_SPEC: Spec = {
    "id": (str, True, _match(_SLUG, "a lowercase slug (a-z, 0-9, . _ + -)")),
    "vendor": (str, True, _nonempty),
    "name": (str, True, _nonempty),
    "aliases": (list, False, _str_list),
    "kind": (str, True, _one_of(DEVICE_KINDS)),
    "memory": (str, True, _one_of(MEMORY_KINDS)),
    "memory_gib": (list, False, None),
    "memory_type": (str, False, None),
    "bandwidth_gbs": (float, True, _rng(1, 50_000)),
    "fp16_tflops": (float, False, _rng(0, 20_000)),
    "fp32_tflops": (float, False, _rng(0, 20_000)),
    "power_w": (float, False, _rng(0, 20_000)),
    "pci_ids": (list, False, _str_list),
    "gpu_cores": (int, False, _rng(0, 100_000)),
    "source": (str, True, _nonempty),
    "fp16_source": (str, False, None),
    "fp32_source": (str, False, None),
    "notes": (str, False, None),
    "prices": (list, False, None),
}

PRICE_SPEC: Spec = {
    "usd": (float, True, _rng(0.01, 10_000_000)),
    "kind": (str, True, _one_of(PRICE_KINDS)),
    "date": (str, True, _match(_DATE, "a date like 2024-09-19 or 2024-09")),
    "source": (str, True, _nonempty),
    "memory_gib": (float, False, _rng(0, 100_000)),
    "detail": (str, False, None),
}


def _check_table(raw: Any, spec: Spec, prefix: str = "") -> dict[str, Any]:
    """A table's fields, checked against `spec`: numbers by the trust boundary's parser (finite, in
    range, whole where they must be), text sanitized on the way in."""
    from ..boundary import InputError
    from ..boundary.text import multi_line, one_line

    if not isinstance(raw, Mapping):
        raise Invalid(prefix.rstrip(".") or "entry", "must be a table")
    out: dict[str, Any] = {}
    for key in raw:
        if key not in spec:
            close = difflib.get_close_matches(str(key), list(spec), n=1)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            raise Invalid(prefix + one_line(key, limit=60), f"unknown field{hint}")
    for key, (typ, required, check) in spec.items():
        if key not in raw:
            if required:
                raise Invalid(prefix + key, "is missing")
            continue
        value = raw[key]
        if typ is float and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        if (typ is int and isinstance(value, bool)) or not isinstance(value, typ):
            raise Invalid(prefix + key, f"must be {_type_name(typ)}, got {_shown(value)}")
        if typ is str:
            value = (multi_line if key in MULTI_LINE else one_line)(value, limit=4000)
        elif isinstance(value, list):
            value = [one_line(x, limit=200) if isinstance(x, str) else x for x in value]
        if isinstance(check, _Range):
            try:
                value = check.parse(value, prefix + key)
            except InputError as e:
                raise Invalid(prefix + key, e.message) from None
        elif check is not None:
            problem = check(value)
            if problem:
                raise Invalid(prefix + key, problem)
        out[key] = value
    return out


def _shown(value: Any) -> str:
    from ..boundary.numbers import shown

    return shown(value)


def _type_name(t: type) -> str:
    return {
        str: "text",
        int: "a whole number",
        float: "a number",
        bool: "true or false",
        list: "a list",
        dict: "a table",
    }.get(t, t.__name__)


def parse_model(raw: Any, *, origin: str = "bundled", file: str = "") -> Model:
    """A validated Model from one [[models]] table; raises Invalid naming the field. Entries of
    the user's own files may leave `released` out (an imported fine-tune's date is often unknown)."""
    if origin != "bundled" and isinstance(raw, dict) and "released" not in raw:
        raw = {**raw, "released": "unknown"}
    f = _check_table(raw, MODEL_SPEC)
    if not f["hf_repo"] and origin != "imported":
        raise Invalid("hf_repo", "is missing: give the model's Hugging Face repo id, like Qwen/Qwen3-8B")
    a = _check_table(f["arch"], ARCH_SPEC, "arch.")
    tags = tuple(dict.fromkeys(f.get("tags", ())))  # a repeated tag is kept once
    for t in tags:
        if t not in TAGS:
            raise Invalid("tags", f"'{t}' is not a known use-case tag ({', '.join(sorted(TAGS))})")
    if f["active_params_b"] > f["params_b"] * 1.0001:
        raise Invalid("active_params_b", f"{f['active_params_b']} is more than params_b {f['params_b']}")
    a.setdefault("head_dim", a["hidden"] // a["heads"])
    is_mla = a.get("kv_lora_rank", 0) > 0
    if not is_mla and a["heads"] % a["kv_heads"]:
        raise Invalid("arch.kv_heads", f"{a['kv_heads']} does not divide heads {a['heads']}")
    if a.get("experts", 0) > 1:
        if not 1 <= a.get("experts_per_token", 0) <= a["experts"]:
            raise Invalid("arch.experts_per_token", "must be between 1 and experts for a MoE model")
        if a.get("expert_ffn", 0) <= 0:
            raise Invalid("arch.expert_ffn", "is missing for a MoE model")
        if a.get("dense_layers", 0) >= a["layers"]:
            raise Invalid("arch.dense_layers", "must be fewer than layers")
    elif a.get("ffn", 0) <= 0:
        raise Invalid("arch.ffn", "is missing for a dense model")
    if is_mla and (a.get("qk_rope_dim", 0) <= 0 or a.get("qk_nope_dim", 0) <= 0):
        raise Invalid("arch.qk_rope_dim", "MLA models need qk_rope_dim and qk_nope_dim")
    if a.get("full_attn_every", 0) and not a.get("sliding_window", 0) and not a.get("layer_kinds"):
        raise Invalid("arch.full_attn_every", "needs sliding_window")
    kinds = a.get("layer_kinds", "")
    if kinds and len(kinds) != a["layers"]:
        raise Invalid("arch.layer_kinds", f"has {len(kinds)} entries for {a['layers']} layers")
    if "L" in kinds and not all(a.get(k, 0) > 0 for k in ("linear_k_heads", "linear_v_heads", "linear_k_dim")):
        raise Invalid(
            "arch.linear_k_heads", "linear-attention layers (L) need linear_k_heads, linear_v_heads, linear_k_dim"
        )
    if ("M" in kinds or "P" in kinds) and not all(
        a.get(k, 0) > 0 for k in ("ssm_state", "ssm_inner", "ssm_heads", "ssm_conv")
    ):
        raise Invalid("arch.ssm_state", "Mamba-2 layers (M, P) need ssm_state, ssm_inner, ssm_heads and ssm_conv")
    if "C" in kinds and a.get("shortconv_kernel", 0) < 2:
        raise Invalid("arch.shortconv_kernel", "short-convolution layers (C) need a kernel of at least 2")
    if "K" in kinds and not all(a.get(k, 0) > 0 for k in ("kda_heads", "kda_head_dim", "linear_conv")):
        raise Invalid("arch.kda_heads", "KDA layers (K) need kda_heads, kda_head_dim and linear_conv")
    a.setdefault("ffn", 0)
    scores = []
    for i, s in enumerate(f.get("scores", ())):
        try:
            sc = parse_score(s)
        except Invalid as e:
            raise Invalid(f"scores[{i}].{e.field}", e.message) from None
        scores.append(Score(**sc))
    files = _files(f.get("files", ()))
    return Model(
        id=f["id"],
        name=f["name"],
        family=f["family"],
        hf_repo=f["hf_repo"],
        license=f["license"],
        released=f["released"],
        params_b=f["params_b"],
        active_params_b=f["active_params_b"],
        arch=Arch(**a),
        tags=tags,
        params_source=f.get("params_source", ""),
        notes=f.get("notes", ""),
        scores=tuple(scores),
        files=files,
        origin=origin,
        arch_from=f.get("arch_from", ""),
        file=file,
    )


def _files(raw: Any) -> tuple[ModelFile, ...]:
    from ..estimate.quant import QUANTS  # late: the estimator imports the catalogue's types

    out: dict[str, ModelFile] = {}
    for i, entry in enumerate(raw):
        try:
            fl = _check_table(entry, FILE_SPEC)
        except Invalid as e:
            raise Invalid(f"files[{i}].{e.field}", e.message) from None
        if fl["quant"] not in QUANTS or QUANTS[fl["quant"]].family != "gguf":
            raise Invalid(f"files[{i}].quant", f"'{fl['quant']}' is not a GGUF quant llmtui knows")
        if fl["quant"] in out:
            raise Invalid(f"files[{i}].quant", f"{fl['quant']} is listed twice")
        out[fl["quant"]] = ModelFile(**fl)
    return tuple(out.values())


def parse_device(raw: Any, *, origin: str = "bundled", file: str = "") -> Device:
    f = _check_table(raw, DEVICE_SPEC)
    mem = f.get("memory_gib", [])
    if f["kind"] == "cpu" and not mem:
        pass  # a memory platform (channels x speed): the size is the build's --ram
    elif not mem:
        raise Invalid("memory_gib", "must be a non-empty list of positive sizes in GB")
    else:
        from ..boundary import InputError
        from ..boundary.numbers import number

        try:
            mem = [number(x, "memory_gib", lo=0.1, hi=100_000) for x in mem]
        except InputError as e:
            raise Invalid("memory_gib", e.message) from None
    for pid in f.get("pci_ids", ()):
        if not isinstance(pid, str) or not _PCI.match(pid):
            raise Invalid("pci_ids", f"'{pid}' is not a PCI id like 10de:2684 (lowercase hex)")
    for alias in f.get("aliases", ()):
        if not isinstance(alias, str) or not alias.strip():
            raise Invalid("aliases", "every alias must be non-empty text")
    prices = []
    for i, p in enumerate(f.get("prices", ())):
        try:
            pr = _check_table(p, PRICE_SPEC)
        except Invalid as e:
            raise Invalid(f"prices[{i}].{e.field}", e.message) from None
        prices.append(Price(**pr))
    return Device(
        id=f["id"],
        vendor=f["vendor"],
        name=f["name"],
        kind=f["kind"],
        memory=f["memory"],
        memory_gib=tuple(float(x) for x in mem),
        bandwidth_gbs=f["bandwidth_gbs"],
        source=f["source"],
        aliases=tuple(f.get("aliases", ())),
        memory_type=f.get("memory_type", ""),
        fp16_tflops=f.get("fp16_tflops", 0.0),
        fp32_tflops=f.get("fp32_tflops", 0.0),
        power_w=f.get("power_w", 0.0),
        pci_ids=tuple(f.get("pci_ids", ())),
        gpu_cores=f.get("gpu_cores", 0),
        fp16_source=f.get("fp16_source", ""),
        notes=f.get("notes", ""),
        prices=tuple(prices),
        origin=origin,
        file=file,
    )
