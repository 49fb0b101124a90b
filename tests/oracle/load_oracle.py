"""llama.cpp's model loader as an oracle for llmtui's tensor layout and its KV / recurrent-state sizes
(not run in CI; see README.md).

The same sparse GGUF as quantize_oracle.py (llmtui's tensor list, no data) with a "none" tokenizer,
loaded with no_alloc (llama.cpp's own memory dry run: metadata only, allocations simulated). While
loading, llama.cpp checks every tensor's name and shape against the architecture (a missing or
misshapen tensor is an error naming it); then a context is created and its log lines
`llama_kv_cache: size = ...` and `llama_memory_recurrent: size = ...` are recorded to
tests/fixtures/oracle/load.json, for one sequence at CTX tokens.
"""

from __future__ import annotations

import ctypes
import json
import re
import sys
import tempfile
from pathlib import Path

import llama_cpp

sys.path.insert(0, str(Path(__file__).resolve().parent))
import quantize_oracle as qo

OUT = qo.ROOT / "tests" / "fixtures" / "oracle" / "load.json"
CTX = 8192
KV = re.compile(r"llama_kv_cache: size = +([\d.]+) MiB \( *(\d+) cells, +(\d+) layers")
REC = re.compile(r"llama_memory_recurrent: size = +([\d.]+) MiB \( *(\d+) cells, +(\d+) layers")
# DeepSeek V4's compressor states: fixed per sequence, like a recurrent state
DSV4_STATE = re.compile(r"llama_dsv4_comp_state: \w+ ratio = \d+, .*layers = +(\d+), size = +([\d.]+) MiB")


def load(path: Path) -> dict[str, object]:
    mp = llama_cpp.llama_model_default_params()
    mp.n_gpu_layers, mp.use_extra_bufts, mp.no_alloc, mp.load_mode = 0, False, True, 0  # no mmap, no data
    qo._log.clear()
    model = llama_cpp.llama_model_load_from_file(str(path).encode(), mp)
    if not model:
        return {"error": " | ".join("".join(qo._log).strip().splitlines()[-2:])}
    cp = llama_cpp.llama_context_default_params()
    cp.n_ctx, cp.n_seq_max, cp.n_batch, cp.n_ubatch, cp.n_threads = CTX, 1, 512, 512, 1
    cp.swa_full = False  # llama-server's default (common.h); the C API's is true
    ctx = llama_cpp.llama_init_from_model(model, cp)
    text = "".join(qo._log)
    if ctx:
        llama_cpp.llama_free(ctx)
    llama_cpp.llama_model_free(model)
    out: dict[str, object] = {}
    kv = [(float(m.group(1)), int(m.group(2)), int(m.group(3))) for m in KV.finditer(text)]
    if kv:  # an iSWA cache logs the full and the windowed part
        out["kv_mib"], out["kv_parts"] = round(sum(k[0] for k in kv), 4), kv
    if m := REC.search(text):
        out["state_mib"], out["state_layers"] = float(m.group(1)), int(m.group(3))
    if dsv4 := [(float(m.group(2)), int(m.group(1))) for m in DSV4_STATE.finditer(text)]:
        out["state_mib"] = round(sum(s for s, _ in dsv4), 4)
        out["state_layers"] = sum(n for _, n in dsv4)
    if not ctx:
        out["error"] = " | ".join(text.strip().splitlines()[-2:])
    out["lines"] = [
        ln.strip()
        for ln in text.splitlines()
        if "size =" in ln and ("kv_cache" in ln or "recurrent" in ln or "comp_state" in ln)
    ]
    return out


def main() -> None:
    llama_cpp.llama_log_set(qo._capture, ctypes.c_void_p())
    only = set(sys.argv[1:])
    results: dict[str, object] = {"_meta": {"n_ctx": CTX, "n_seq_max": 1, "llama_cpp_commit": "0c1e570"}}
    seen: set[object] = set()
    with tempfile.TemporaryDirectory() as tmp:
        for m in qo.models():
            if (only and m.id not in only) or m.arch in seen:
                continue
            seen.add(m.arch)
            src = Path(tmp) / "model.gguf"
            qo.write_gguf(m.arch, src, {"tokenizer.ggml.model": "none"})
            res = load(src)
            results[m.id] = {"arch_type": m.arch.type, **res}
            print(f"{m.id:44} {m.arch.type:14} {res.get('error') or (res.get('kv_mib'), res.get('state_mib'))}")
    if only and OUT.exists():  # a run for some models updates their entries and keeps the rest
        results = {**json.loads(OUT.read_text()), **results}
    OUT.write_text(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
