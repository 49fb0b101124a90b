"""Typed catalogue records: what a model and a device are, as everything else sees them."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

ATTENTION_KINDS = "AS*P"  # layer kinds with a KV cache
RECURRENT_KINDS = "LKMCP"  # layer kinds with a fixed state per sequence


@dataclass(frozen=True, slots=True)
class Arch:
    """Architecture facts, named after config.json, that the estimator needs."""

    type: str
    layers: int
    hidden: int
    heads: int
    kv_heads: int
    head_dim: int
    ffn: int
    vocab: int
    max_ctx: int
    # where the facts come from, and a note on the context: not part of the shape, so two models of one
    # architecture (a fine-tune and its base) are equal and share every cached weight and KV table
    source: str = field(default="", compare=False)
    tied_embeddings: bool = False
    qkv_bias: bool = False
    ctx_note: str = field(default="", compare=False)
    # Mixture of experts
    experts: int = 0
    experts_per_token: int = 0
    expert_ffn: int = 0
    shared_experts: int = 0
    shared_expert_ffn: int = 0
    dense_layers: int = 0
    moe_every: int = 1
    # Multi-head latent attention (DeepSeek V2/V3, Kimi K2)
    kv_lora_rank: int = 0
    q_lora_rank: int = 0
    qk_rope_dim: int = 0
    qk_nope_dim: int = 0
    v_head_dim: int = 0
    # Sliding-window or chunked attention: 1 layer in `full_attn_every` sees the whole context
    sliding_window: int = 0
    full_attn_every: int = 0
    nextn_layers: int = 0
    # MLP and bias shape (Falcon, Phi-2, StarCoder2, GPT-NeoX: "plain" = up and down, no gate)
    mlp: str = "gated"
    bias: bool = False  # linear layers carry biases
    attn_gate: bool = False  # attention output gate folded into attn_q (Qwen3-Next, Qwen3.5)
    # Per-layer mixers, one character a layer: A attention, S sliding-window attention, L Gated DeltaNet
    # linear attention, K Kimi Delta Attention (KDA), M Mamba-2, C short convolution (LFM2), P Mamba-2 and
    # attention side by side (Falcon-H1), * attention without FFN, - FFN only. Each layer has its FFN
    # after the mixer, except in Nemotron-H, whose M and * blocks have none. Empty: every layer A (or S
    # by sliding_window / full_attn_every).
    layer_kinds: str = ""
    # Gated DeltaNet (linear attention) shape
    linear_k_heads: int = 0
    linear_v_heads: int = 0
    linear_k_dim: int = 0
    linear_v_dim: int = 0
    linear_conv: int = 0
    # Short convolution (LFM2): kernel length, the state keeps kernel - 1 columns of the hidden width
    shortconv_kernel: int = 0
    # Kimi Delta Attention (KDA) shape: heads of one width for q, k and v (conv kernel: linear_conv)
    kda_heads: int = 0
    kda_head_dim: int = 0
    # Mamba-2 shape
    ssm_state: int = 0
    ssm_inner: int = 0
    ssm_heads: int = 0
    ssm_groups: int = 0
    ssm_conv: int = 0
    ssm_norm: bool = True  # the gated RMS norm after the scan (Falcon-H1 files may leave it out)
    # Global (full-attention) layers with their own shape (Gemma 4); K and V shared there
    global_kv_heads: int = 0
    global_head_dim: int = 0
    kv_shared: bool = False
    # Query heads on windowed layers where they differ from `heads` (Step-3.5: attention_other_setting)
    swa_heads: int = 0
    head_gate: bool = False  # a sigmoid gate per attention head (Step-3.5's g_proj)
    # Value head dim where it differs from the key's (MiMo-V2-Flash: K 192, V 128); 0 = head_dim
    v_dim: int = 0
    # Sparse-attention indexer (DeepSeek V3.2 DSA, GLM-5): cached keys per token on indexed layers
    index_heads: int = 0
    index_head_dim: int = 0
    index_topk: int = 0
    # per layer: F its own indexer, s shares the previous one (GLM-5.2), - none (MiniMax-M3's dense
    # layers); empty: all F
    index_kinds: str = ""
    # Latent MoE (Nemotron 3 Super): experts work in a smaller width, projected down and up
    moe_latent: int = 0
    # A dense FFN beside the experts in every MoE layer (Gemma 4 26B-A4B)
    moe_with_dense: bool = False
    # Gemma 3n / Gemma 4 E-models: a per-layer token embedding of this width for every layer; the last
    # kv_shared_layers layers attend with an earlier layer's cache (and, with ffn_double_shared, have
    # an FFN twice as wide)
    per_layer_embd: int = 0
    kv_shared_layers: int = 0
    ffn_double_shared: bool = False
    # Gemma 3n: AltUp's parallel streams and the Laurel low-rank residual
    altup: int = 0
    laurel_rank: int = 0
    # Routed experts shipped in MXFP4 (gpt-oss, Kimi K3, DeepSeek V4): GGUF conversions keep them so
    experts_mxfp4: bool = False
    # DeepSeek V4: per layer, how the context beyond the window is kept: - not at all, C compressed 4:1
    # with a lightning indexer (CSA), H compressed 128:1 (HCA); grouped low-rank output projection;
    # hyper-connections (residual streams); leading layers routed by a token-id hash table
    compress_kinds: str = ""
    out_groups: int = 0
    out_lora_rank: int = 0
    hyper_connections: int = 0
    hash_layers: int = 0

    @property
    def is_moe(self) -> bool:
        return self.experts > 1

    @property
    def is_mla(self) -> bool:
        return self.kv_lora_rank > 0

    def q_heads(self, i: int) -> int:
        return self.swa_heads if self.swa_heads and self.is_swa_layer(i) else self.heads

    def is_moe_layer(self, i: int) -> bool:
        if not self.is_moe or i < self.dense_layers:
            return False
        step = max(1, self.moe_every)
        return (i + 1) % step == 0 if step > 1 else True

    def layer_kind(self, i: int) -> str:
        """The mixer of layer i (see layer_kinds); 'A' or 'S' for a plain transformer."""
        if self.layer_kinds:
            # past the pattern: MTP layers, which MiMo's converter marks as sliding-window ones
            k = self.layer_kinds[i] if i < len(self.layer_kinds) else ("S" if self.type == "mimo2" else "A")
            # a pattern that names its sliding layers is authoritative; else the window rule decides
            return "S" if k == "A" and "S" not in self.layer_kinds and self._windowed(i) else k
        return "S" if self._windowed(i) else "A"

    @property
    def recurrent(self) -> bool:
        """Layers with a fixed state per sequence (linear attention, Mamba, short conv) besides or
        instead of a KV cache."""
        return any(k in RECURRENT_KINDS for k in self.layer_kinds)

    @property
    def separate_blocks(self) -> bool:
        """Nemotron-H: a Mamba or attention block has no FFN; FFN blocks are layers of their own."""
        return self.type.startswith("nemotron_h")

    def has_ffn(self, i: int) -> bool:
        kind = self.layer_kind(i)
        if self.separate_blocks:
            return kind not in "M*"
        return kind != "*"

    def has_indexer(self, i: int) -> bool:
        """Layer i runs its own sparse-attention indexer (and caches its keys)."""
        if not self.index_heads:
            return False
        return not self.index_kinds or (i < len(self.index_kinds) and self.index_kinds[i] == "F")

    def has_kv(self, i: int) -> bool:
        """Layer i keeps its own KV cache (an attention layer that does not reuse an earlier one's)."""
        return self.attends(i) and i < self.layers - self.kv_shared_layers

    def attends(self, i: int) -> bool:
        return self.layer_kind(i) in ATTENTION_KINDS

    def is_swa_layer(self, i: int) -> bool:
        """True when layer i only attends to a window (full attention on every N-th layer)."""
        if self.layer_kinds:
            return self.layer_kind(i) == "S"
        return self._windowed(i)

    def _windowed(self, i: int) -> bool:
        if self.sliding_window <= 0:
            return False
        if self.full_attn_every <= 0:
            return True  # every layer windowed (Mistral 7B v0.1 style)
        return (i + 1) % self.full_attn_every != 0


@dataclass(frozen=True, slots=True)
class Score:
    benchmark: str
    value: float
    source: str
    detail: str = ""
    version: str = ""
    date: str = ""
    measured_by: str = ""  # vendor | independent | seed ("" = not recorded)
    variant: str = ""
    scale: str = ""  # "" = percent (0-100); "elo" = an arena rating

    @property
    def key(self) -> str:
        """What a column ranks by: the benchmark and its version ("LiveCodeBench v6", "AIME 2025"),
        so no column mixes versions; the bare name when the source states none."""
        return f"{self.benchmark} {self.version}" if self.version else self.benchmark


@dataclass(frozen=True, slots=True)
class Model:
    id: str
    name: str
    family: str
    hf_repo: str
    license: str
    released: str
    params_b: float
    active_params_b: float
    arch: Arch
    tags: tuple[str, ...] = ()
    params_source: str = ""
    notes: str = ""
    scores: tuple[Score, ...] = ()
    files: tuple[ModelFile, ...] = ()  # real GGUF files with their sizes, where known
    origin: str = "bundled"  # bundled | user | imported
    arch_from: str = ""  # set when the architecture was borrowed from another model
    file: str = ""  # where the entry came from, for error messages

    @property
    def is_moe(self) -> bool:
        return self.arch.is_moe

    def score(self, key: str) -> Score | None:
        """The score for a column key (Score.key: benchmark and version); leaderboard.resolve_benchmark
        turns a bare benchmark name into one."""
        want = key.lower()
        for s in self.scores:
            if s.key.lower() == want:
                return s
        return None

    def file_for(self, quant: str) -> ModelFile | None:
        """The real GGUF file of this model at `quant`, if the entry lists one."""
        return next((f for f in self.files if f.quant == quant), None)

    def has_benchmark(self, name: str) -> bool:
        """Whether the model has a score of this benchmark in any version."""
        return any(s.benchmark.lower() == name.lower() for s in self.scores)


@dataclass(frozen=True, slots=True)
class ModelFile:
    """A real GGUF file of the model at one quant, as the Hub listed it (`llmtui catalog add hf:`)."""

    quant: str
    size_bytes: int  # every part of a split file together
    repo: str  # the repo holding it (the model's own, or a GGUF repo)
    path: str  # the (first part's) path in that repo
    source: str  # the listing it was read from, with the commit
    parts: int = 1
    checked: str = ""  # YYYY-MM-DD


@dataclass(frozen=True, slots=True)
class Price:
    usd: float
    kind: str
    date: str
    source: str
    memory_gib: float = 0.0
    detail: str = ""


@dataclass(frozen=True, slots=True)
class Device:
    id: str
    vendor: str
    name: str
    kind: str  # gpu | apu | mac | system | cpu
    memory: str  # dedicated | unified
    memory_gib: tuple[float, ...]
    bandwidth_gbs: float
    source: str
    aliases: tuple[str, ...] = ()
    memory_type: str = ""
    fp16_tflops: float = 0.0
    fp32_tflops: float = 0.0
    power_w: float = 0.0
    pci_ids: tuple[str, ...] = ()
    gpu_cores: int = 0
    fp16_source: str = ""
    notes: str = ""
    prices: tuple[Price, ...] = ()
    origin: str = "bundled"
    file: str = ""

    @property
    def unified(self) -> bool:
        return self.memory == "unified"

    def price_for(self, memory_gib: float | None = None) -> Price | None:
        """The cheapest purchase price of this device with `memory_gib` (or its smallest option), of any
        kind (used, street, launch MSRP); Price.kind says which. Cloud hourly prices are not purchases."""
        return self._cheapest(memory_gib, hourly=False)

    def hourly_for(self, memory_gib: float | None = None) -> Price | None:
        """The cheapest cloud price per GPU-hour of this device with `memory_gib`, if one is known."""
        return self._cheapest(memory_gib, hourly=True)

    def _cheapest(self, memory_gib: float | None, *, hourly: bool) -> Price | None:
        if memory_gib is None and self.memory_gib:
            memory_gib = min(self.memory_gib)
        matching = [p for p in self.prices if p.memory_gib in (0.0, memory_gib) and (p.kind == HOURLY) == hourly]
        return min(matching, key=lambda p: (p.usd, p.date)) if matching else None


HOURLY = "cloud hourly"  # the one price kind that is per GPU-hour, not a purchase


@dataclass
class Catalog:
    models: list[Model] = field(default_factory=list)
    devices: list[Device] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    # What the loader read it from (catalogue files' digest or stamps): lets the rows cache key a
    # loaded catalogue without hashing every model. Set by load_catalog; "" for one built in code, and
    # again after reindex() (models changed).
    fingerprint: str = field(default="", compare=False)

    def __post_init__(self) -> None:
        self._model_index: dict[str, Model] = {}
        self._device_index: dict[str, Device] = {}
        self.reindex(keep_fingerprint=True)

    def reindex(self, *, keep_fingerprint: bool = False) -> None:
        if not keep_fingerprint:
            self.fingerprint = ""
        self._score_keys: Counter[str] | None = None  # computed on first use (score_keys)
        self._stated: dict[str, Counter[str]] | None = None
        self._model_index = {m.id.lower(): m for m in self.models}
        for m in self.models:  # repos and names never shadow an id
            self._model_index.setdefault(m.hf_repo.lower(), m)
            self._model_index.setdefault(m.name.lower(), m)
        self._device_index = {}
        for d in self.devices:
            for key in (d.id, d.name, *d.aliases):
                self._device_index.setdefault(_norm(key), d)

    def _score_groups(self) -> list[tuple[tuple[Score, ...], int]]:
        """Each distinct list of scores (models read from the cache share them) with how many models
        hold it: the counts below walk a variant-heavy catalogue once per distinct list."""
        groups: dict[int, list[Any]] = {}
        for m in self.models:
            g = groups.get(id(m.scores))
            if g is None:
                groups[id(m.scores)] = [m.scores, 1]
            else:
                g[1] += 1
        return [(sc, n) for sc, n in groups.values()]

    def score_keys(self) -> Counter[str]:
        """How many models report each score column (Score.key); kept until reindex()."""
        if self._score_keys is None:
            keys: Counter[str] = Counter()
            for scores, n in self._score_groups():
                for sc in scores:
                    keys[sc.key] += n
            self._score_keys = keys
        return self._score_keys

    def stated_versions(self, benchmark: str) -> Counter[str]:
        """The column keys of a benchmark's scores that state a version, with how many models report
        each; kept until reindex()."""
        if self._stated is None:
            stated: dict[str, Counter[str]] = {}
            for scores, n in self._score_groups():
                for sc in scores:
                    if sc.version:
                        stated.setdefault(sc.benchmark.lower(), Counter())[sc.key] += n
            self._stated = stated
        return self._stated.get(benchmark.lower(), Counter())

    def model(self, key: str) -> Model | None:
        """A model by catalogue id, Hugging Face repo id or display name, case-insensitive."""
        return self._model_index.get(key.strip().lower())

    def device(self, key: str) -> Device | None:
        """A device by id, name or alias, ignoring case, spaces and dashes."""
        return self._device_index.get(_norm(key))

    def model_keys(self) -> list[str]:
        return [m.id for m in self.models]

    def unknown_model_message(self, key: str) -> str:
        """What to say when `key` names no model: the closest ids, or where the ids are listed."""
        close = self.closest_models(key)
        return f"unknown model '{key.strip()}'" + (
            f"; closest: {', '.join(close)}" if close else "; see 'llmtui models' for ids"
        )

    def closest_models(self, key: str, n: int = 3) -> list[str]:
        """Ids of the models whose id, name or repo is nearest to a key that matched none (for hints)."""
        import difflib

        names: dict[str, str] = {}
        for m in self.models:
            for k in (m.id, m.name, m.hf_repo):
                names.setdefault(k.lower(), m.id)
        close = difflib.get_close_matches(key.strip().lower(), list(names), n=n * 3, cutoff=0.5)
        return list(dict.fromkeys(names[c] for c in close))[:n]

    def device_keys(self) -> list[str]:
        keys: list[str] = []
        for d in self.devices:
            keys.extend([d.id, d.name, *d.aliases])
        return keys


_NOT_ALNUM = re.compile(r"[\W_]+")  # \w is exactly str.isalnum() plus "_"


def _norm(key: str) -> str:
    return _NOT_ALNUM.sub("", key.lower())
