"""A GGUF file's header read as llmtui's architecture: the keys llama.cpp's load_hparams reads for the
file's architecture (src/models/*.cpp at 0c1e570), and what only the tensor list says (tied output,
biases, gates, which layers have an indexer). Every family the estimator lays out round-trips:
tests/unit/test_gguf_import.py writes each one's header as llama.cpp loads it and reads it back."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

# llama.cpp architecture name -> llmtui's layout name, where they differ
ARCH_NAMES = {"command-r": "cohere"}
# families whose file stores the MTP layers after the others (block_count counts them)
_NEXTN = frozenset({"glm4moe", "glm-dsa", "deepseek32", "qwen3next", "qwen35", "qwen35moe", "mimo2", "step35"})
# what a layer without attention (0 KV heads in the per-layer array) is, by architecture
_RECURRENT_KIND = {"lfm2": "C", "lfm2moe": "C", "granitehybrid": "M", "kimi-linear": "K", "kimi-k3": "K"}
_DSV4_KINDS = {0: "-", 4: "C", 128: "H"}
# a windowed family without a per-layer pattern in the file: 1 full layer in N (0: every layer windowed)
_WINDOW_EVERY = {
    "gemma2": 2,
    "gemma3": 6,
    "gpt-oss": 2,
    "cohere2": 4,
    "llama4": 4,
    "olmo2": 4,
    "exaone4": 4,
    "gemma3n": 5,
}
_NO_WINDOW = frozenset({"deepseek4"})  # a window with its own cache layout (kv.py)


class HeaderError(ValueError):
    """A header that does not describe a model llmtui can lay out; the message names the key."""


def arch_from_header(
    arch_name: str, value: Callable[[str], Any], tensors: Mapping[str, tuple[int, ...]]
) -> dict[str, Any]:
    """The arch table from a GGUF header: `value(key)` gives a key's value (a list for an array, None
    when absent), `tensors` each tensor's shape as ne0, ne1, ... (llama.cpp's order)."""
    p = f"{arch_name}."
    t = ARCH_NAMES.get(arch_name, arch_name)

    def num(key: str, default: Any = None) -> Any:
        v = value(p + key)
        if v is None:
            return default
        if isinstance(v, list):
            v = next((x for x in v if x), v[0] if v else default)  # a per-layer array: its typical entry
        if isinstance(v, bool) or not isinstance(v, int | float):
            raise HeaderError(f"header key {p + key} should be a number")
        return int(v)

    def per_layer(key: str, n: int) -> list[int] | None:
        v = value(p + key)
        if not isinstance(v, list):
            return None
        if len(v) < n or not all(isinstance(x, int | float) and not isinstance(x, bool) for x in v):
            raise HeaderError(f"header key {p + key} should list a number for each of the {n} layers")
        return [int(x) for x in v[:n]]

    blocks, hidden, heads = num("block_count"), num("embedding_length"), num("attention.head_count")
    if not (blocks and hidden and heads):
        raise HeaderError(f"the header lacks {p}block_count, embedding_length or attention.head_count")
    nextn = num("nextn_predict_layers", 0) if t in _NEXTN else 0
    layers = blocks - nextn

    def has(name: str, layer: int | None = None) -> bool:
        return (name if layer is None else f"blk.{layer}.{name}") in tensors

    def shape(name: str) -> tuple[int, ...]:
        return tensors.get(name, ())

    kv_arr = per_layer("attention.head_count_kv", layers)
    head_arr = per_layer("attention.head_count", layers)
    ffn_arr = per_layer("feed_forward_length", layers)
    vocab = num("vocab_size") or (shape("token_embd.weight") or (0, 0))[1]
    a: dict[str, Any] = {
        "type": t,
        "layers": layers,
        "hidden": hidden,
        "heads": max(head_arr) if head_arr else heads,
        "kv_heads": num("attention.head_count_kv", heads),
        "head_dim": num("attention.key_length", hidden // heads),
        "ffn": max(ffn_arr) if ffn_arr else num("feed_forward_length", 0),
        "vocab": vocab,
        "max_ctx": num("context_length", 4096),
        "tied_embeddings": not has("output.weight"),
    }
    layer0 = next((i for i in range(layers) if has("attn_q.weight", i) or has("attn_qkv.weight", i)), 0)
    a["qkv_bias"] = has("attn_q.bias", layer0) or has("attn_qkv.bias", layer0)
    a["bias"] = has("ffn_up.bias", layer0) and has("attn_output.bias", layer0)
    gated = any(has("ffn_gate.weight", i) or has("ffn_gate_exps.weight", i) for i in range(layers))
    if not gated and any(has("ffn_up.weight", i) or has("ffn_up_exps.weight", i) for i in range(layers)):
        a["mlp"] = "plain"
    _moe(a, num, has, layers)
    _attention_shapes(a, t, num, has, shape, kv_arr, head_arr, layers)
    _mixers(a, t, num, value, p, has, kv_arr, ffn_arr, layers)
    if nextn:
        a["nextn_layers"] = nextn
    return {k: v for k, v in a.items() if v is not None}


def _moe(a: dict[str, Any], num: Callable[..., Any], has: Callable[..., bool], layers: int) -> None:
    experts = num("expert_count", 0)
    if experts <= 1:
        return
    a["experts"], a["experts_per_token"] = experts, num("expert_used_count", 2)
    a["expert_ffn"] = num("expert_feed_forward_length", 0) or a["ffn"]
    shared = num("expert_shared_count", 0)
    shared_ffn = num("expert_shared_feed_forward_length", 0)
    if not shared and any(has("ffn_up_shexp.weight", i) for i in range(layers)):
        shared = 1
    if shared:
        a["shared_experts"] = shared
        a["shared_expert_ffn"] = shared_ffn or a["expert_ffn"] * shared
    a["dense_layers"] = num("leading_dense_block_count", 0)
    step = num("interleave_moe_layer_step", 1)
    if step and step > 1:
        a["moe_every"] = step
    a["moe_latent"] = num("moe_latent_size", 0) or num("expert_latent_length", 0)
    if a["type"] == "gemma4" and has("ffn_gate.weight", 0) and has("ffn_gate_inp.weight", 0):
        a["moe_with_dense"] = True


def _attention_shapes(
    a: dict[str, Any],
    t: str,
    num: Callable[..., Any],
    has: Callable[..., bool],
    shape: Callable[[str], tuple[int, ...]],
    kv_arr: list[int] | None,
    head_arr: list[int] | None,
    layers: int,
) -> None:
    if num("attention.kv_lora_rank"):  # MLA: the file states the latent and the per-head widths
        a["kv_lora_rank"] = num("attention.kv_lora_rank")
        a["q_lora_rank"] = num("attention.q_lora_rank", 0)
        a["qk_rope_dim"] = num("rope.dimension_count", 64)
        k_mla = num("attention.key_length_mla") or a["head_dim"]
        a["qk_nope_dim"] = k_mla - a["qk_rope_dim"]
        a["v_head_dim"] = num("attention.value_length_mla") or num("attention.value_length", a["qk_nope_dim"])
        a["head_dim"] = k_mla
        a["kv_heads"] = a["heads"]
    value_len = num("attention.value_length", a["head_dim"])
    swa_k = num("attention.key_length_swa")
    window = num("attention.sliding_window", 0)
    if window:
        a["sliding_window"] = window
    if swa_k:  # Gemma 4: the global layers' K (and V) have their own width and KV head count
        a["global_head_dim"], a["head_dim"] = a["head_dim"], swa_k
        if num("attention.value_length_swa", swa_k) != swa_k:
            a["v_dim"] = num("attention.value_length_swa")
    elif value_len != a["head_dim"] and not a.get("kv_lora_rank"):
        a["v_dim"] = value_len
    if t == "deepseek4":
        a["kv_heads"], a["q_lora_rank"] = 1, num("attention.q_lora_rank", 0)
        a["qk_rope_dim"] = num("rope.dimension_count", 64)
    a["attn_gate"] = t in ("qwen3next", "qwen35", "qwen35moe")
    a["head_gate"] = t == "step35" and has("attn_gate.weight", 0)


def _mixers(
    a: dict[str, Any],
    t: str,
    num: Callable[..., Any],
    value: Callable[[str], Any],
    p: str,
    has: Callable[..., bool],
    kv_arr: list[int] | None,
    ffn_arr: list[int] | None,
    layers: int,
) -> None:
    """Which layer is which (layer_kinds), and the shapes of the layers that are not attention."""
    pattern = value(p + "attention.sliding_window_pattern")
    swa = [bool(x) for x in pattern[:layers]] if isinstance(pattern, list) else None
    kinds = ["A"] * layers
    if swa and any(swa):
        kinds = ["S" if s else "A" for s in swa]
    if t in ("qwen3next", "qwen35", "qwen35moe"):
        every = num("full_attention_interval", 4)
        kinds = ["A" if (i + 1) % every == 0 else "L" for i in range(layers)]
        a["full_attn_every"] = every
        a["linear_conv"] = num("ssm.conv_kernel", 4)
        a["linear_v_heads"] = num("ssm.time_step_rank")
        a["linear_k_heads"] = num("ssm.group_count")
        a["linear_k_dim"] = num("ssm.state_size")
        a["linear_v_dim"] = num("ssm.inner_size") // max(1, a["linear_v_heads"] or 1)
    elif t.startswith("nemotron_h") and kv_arr and ffn_arr:
        kinds = ["*" if kv_arr[i] else "-" if ffn_arr[i] else "M" for i in range(layers)]
        a["kv_heads"] = max(kv_arr)
        a["mlp"] = "plain"
        if a.get("experts"):
            a["type"] = "nemotron_h_moe"
    elif t in _RECURRENT_KIND and kv_arr:
        kinds = [("A" if kv_arr[i] else _RECURRENT_KIND[t]) for i in range(layers)]
        if t not in ("kimi-linear", "kimi-k3"):
            a["kv_heads"] = max(kv_arr)
    elif t == "falcon-h1":
        kinds = ["P"] * layers
    if t in ("lfm2", "lfm2moe"):
        a["shortconv_kernel"] = num("shortconv.l_cache", 3)
    if t in ("kimi-linear", "kimi-k3"):
        a["kda_heads"], a["kda_head_dim"] = a["heads"], num("kda.head_dim", 128)
        a["linear_conv"] = num("ssm.conv_kernel", 4)
    if any(k in "MP" for k in kinds):  # Mamba-2
        a["ssm_conv"], a["ssm_inner"] = num("ssm.conv_kernel", 4), num("ssm.inner_size")
        a["ssm_state"], a["ssm_heads"] = num("ssm.state_size"), num("ssm.time_step_rank")
        a["ssm_groups"] = num("ssm.group_count", 1)
        m = next(i for i, k in enumerate(kinds) if k in "MP")
        a["ssm_norm"] = has("ssm_norm.weight", m)
    if any(k != "A" for k in kinds):
        a["layer_kinds"] = "".join(kinds)
    elif a.get("sliding_window") and t not in _NO_WINDOW:  # llama.cpp's own pattern for the family
        a["full_attn_every"] = _WINDOW_EVERY.get(t, 0)
    if kv_arr and a.get("global_head_dim"):  # Gemma 4: KV heads per layer, windowed first
        a["kv_heads"] = next(kv_arr[i] for i in range(layers) if kinds[i] == "S")
        glob = next((kv_arr[i] for i in range(layers) if kinds[i] == "A"), 0)
        if glob != a["kv_heads"] or a["global_head_dim"] != a["head_dim"]:
            a["global_kv_heads"] = glob
        first_global = next((i for i in range(layers) if kinds[i] == "A"), None)
        a["kv_shared"] = first_global is not None and not has("attn_v.weight", first_global)
    _family_extras(a, t, num, value, p, has, kv_arr, ffn_arr, kinds, layers)


def _family_extras(
    a: dict[str, Any],
    t: str,
    num: Callable[..., Any],
    value: Callable[[str], Any],
    p: str,
    has: Callable[..., bool],
    kv_arr: list[int] | None,
    ffn_arr: list[int] | None,
    kinds: list[str],
    layers: int,
) -> None:
    if num("attention.indexer.head_count"):
        a["index_heads"] = num("attention.indexer.head_count")
        a["index_head_dim"] = num("attention.indexer.key_length", 128)
        a["index_topk"] = num("attention.indexer.top_k", 2048) * (num("attention.indexer.block_size", 1) or 1)
        names = ("indexer.attn_k.weight", "indexer.k_proj.weight", "indexer_compressor_kv.weight")
        own = ["F" if any(has(n, i) for n in names) else "-" for i in range(layers)]
        if t == "glm-dsa":  # GLM-5.2: layers without their own indexer share the one before
            own = ["F" if k == "F" else "s" for k in own]
        if "".join(own) != "F" * layers:
            a["index_kinds"] = "".join(own)
    if t == "deepseek4":
        ratios = value(p + "attention.compress_ratios")
        if not isinstance(ratios, list) or len(ratios) < layers or any(r not in _DSV4_KINDS for r in ratios[:layers]):
            raise HeaderError(f"header key {p}attention.compress_ratios should give 0, 4 or 128 for each layer")
        a["compress_kinds"] = "".join(_DSV4_KINDS[int(r)] for r in ratios[:layers])
        a["out_groups"] = num("attention.output_group_count")
        a["out_lora_rank"] = num("attention.output_lora_rank")
        a["hyper_connections"] = num("hyper_connection.count", 1)
        a["hash_layers"] = num("hash_layer_count", 0)
        a["sliding_window"] = num("attention.sliding_window", 128)
    if t in ("gemma4", "gemma3n"):
        a["per_layer_embd"] = num("embedding_length_per_layer_input", 0) or (256 if t == "gemma3n" else 0)
        shared = num("attention.shared_kv_layers", 0) if t == "gemma4" else max(0, layers - 20)
        a["kv_shared_layers"] = shared
        if ffn_arr and shared and ffn_arr[-1] == 2 * ffn_arr[0]:
            a["ffn_double_shared"], a["ffn"] = True, ffn_arr[0]
    if t == "gemma3n":
        a["altup"], a["laurel_rank"] = 4, 64
    if t == "step35":
        heads = value(p + "attention.head_count")
        if isinstance(heads, list):
            full = next((int(heads[i]) for i in range(layers) if kinds[i] == "A"), a["heads"])
            swa = next((int(heads[i]) for i in range(layers) if kinds[i] == "S"), full)
            a["heads"] = full
            a["swa_heads"] = swa if swa != full else 0
        if kv_arr:
            a["kv_heads"] = next((kv_arr[i] for i in range(layers) if kinds[i] == "S"), kv_arr[0])
            a["global_kv_heads"] = next((kv_arr[i] for i in range(layers) if kinds[i] == "A"), a["kv_heads"])
            a["global_head_dim"] = a["head_dim"]
    if t == "mimo2" and kv_arr:  # windowed layers have their own KV head count
        a["kv_heads"] = next((kv_arr[i] for i in range(layers) if kinds[i] == "S"), kv_arr[0])
        a["global_kv_heads"] = next((kv_arr[i] for i in range(layers) if kinds[i] == "A"), a["kv_heads"])
        a["global_head_dim"] = a["head_dim"]
