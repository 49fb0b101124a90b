"""llama.cpp's quantizer as an oracle for llmtui's per-tensor type mix (see README.md; not run in CI).

For each architecture: a GGUF with llmtui's tensor list and a sparse data section, then
llama_model_quantize(dry_run) for every file type, with and without an importance matrix. The
type llama.cpp picks for each tensor and the file size it reports go to tests/fixtures/oracle/.
"""

from __future__ import annotations

import ctypes
import gzip
import json
import re
import sys
import tempfile
from dataclasses import replace
from pathlib import Path

import llama_cpp

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from llmtui.core.catalog import load_catalog  # noqa: E402
from llmtui.core.catalog.types import Arch, Model  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
from gguf_layout import hparams, write_gguf  # noqa: E402,F401  (write_gguf: also used by load_oracle)

OUT = ROOT / "tests" / "fixtures" / "oracle" / "quantize.json.gz"
CONFIGS = ROOT / "tests" / "fixtures" / "configs"
FTYPES = {  # llama_ftype values (include/llama.h at 0c1e570)
    "Q4_0": 2, "Q4_1": 3, "Q8_0": 7, "Q5_0": 8, "Q5_1": 9, "Q2_K": 10, "Q3_K_S": 11, "Q3_K_M": 12, "Q3_K_L": 13,
    "Q4_K_S": 14, "Q4_K_M": 15, "Q5_K_S": 16, "Q5_K_M": 17, "Q6_K": 18, "IQ2_XXS": 19, "IQ2_XS": 20, "Q2_K_S": 21,
    "IQ3_XS": 22, "IQ3_XXS": 23, "IQ1_S": 24, "IQ4_NL": 25, "IQ3_S": 26, "IQ3_M": 27, "IQ2_S": 28, "IQ2_M": 29,
    "IQ4_XS": 30, "IQ1_M": 31, "BF16": 32, "TQ1_0": 36, "TQ2_0": 37, "MXFP4": 38,
}  # fmt: skip
LINE = re.compile(r"\]\s+(\S+)\s+-\s+\[.*?\], type =\s+(\S+), size =\s+([\d.]+) MiB(?: ->\s+([\d.]+) MiB \((\S+)\))?")
_log: list[str] = []


@llama_cpp.llama_log_callback
def _capture(level: int, text: bytes, user_data: ctypes.c_void_p) -> None:
    _log.append(text.decode("utf-8", "replace"))


def dry_run(src: Path, ftype: int, imatrix: bool) -> dict[str, object]:
    params = llama_cpp.llama_model_quantize_default_params()
    params.ftype = ftype
    params.dry_run = True
    params.nthread = 1
    keep = []
    if imatrix:  # a dry run reads only that an importance matrix is given, not its values
        one = (ctypes.c_float * 1)(1.0)
        arr = (llama_cpp.llama_model_imatrix_data * 2)()
        arr[0].name, arr[0].data, arr[0].size = b"none", ctypes.cast(one, ctypes.POINTER(ctypes.c_float)), 1
        keep += [one, arr]
        params.imatrix = ctypes.cast(arr, ctypes.POINTER(llama_cpp.llama_model_imatrix_data))
    _log.clear()
    rc = llama_cpp.llama_model_quantize(str(src).encode(), str(src.with_suffix(".out")).encode(), ctypes.byref(params))
    text = "".join(_log)
    types: dict[str, str] = {}
    total_mib = 0.0
    for m in LINE.finditer(text):
        name, old, size, new_size, new_type = m.groups()
        types[name] = (new_type or old).upper()
        total_mib += float(new_size or size)
    if rc != 0 or not types:
        tail = text.strip().splitlines()[-3:]
        return {"error": " | ".join(tail) or f"rc={rc}"}
    return {"types": types, "tensor_mib": round(total_mib, 4)}


def models() -> list[Model]:
    """The catalogue, the official configs of 2025-2026 models kept as test fixtures, and the
    synthetic layout configs of families with no official copy here (configs/synthetic/README.md)."""
    from llmtui.core.importers import model_from_config

    out = list(load_catalog(use_cache=False).models)
    from llmtui.core.importers import ImportError_

    for prefix, folder in (("config:", CONFIGS), ("synthetic:", CONFIGS / "synthetic")):
        for path in sorted(folder.glob("*.json")):
            try:
                m = model_from_config(path)
            except ImportError_ as e:
                print(f"skipped {path.name}: {e}")
                continue
            out.append(replace(m, id=prefix + path.stem))
    return out


def main() -> None:
    llama_cpp.llama_log_set(_capture, ctypes.c_void_p())
    only = set(sys.argv[1:])
    results: dict[str, object] = {}
    seen: set[Arch] = set()
    with tempfile.TemporaryDirectory() as tmp:
        for m in models():
            if (only and m.id not in only) or m.arch in seen:
                continue
            seen.add(m.arch)
            src = Path(tmp) / "model.gguf"
            write_gguf(m.arch, src)
            entry: dict[str, object] = {}
            for q, ft in FTYPES.items():
                for imat in (False, True):
                    if imat and q in ("Q8_0", "BF16", "MXFP4", "Q6_K"):
                        continue  # no rule of these mixes looks at the imatrix
                    entry[q + ("+imatrix" if imat else "")] = dry_run(src, ft, imat)
            errors = [k for k, v in entry.items() if "error" in v]  # type: ignore[operator]
            print(f"{m.id:40} {m.arch.type:12} {len(entry) - len(errors)} ok, {len(errors)} refused", flush=True)
            results[m.id] = {"arch_type": m.arch.type, "quants": entry}
    OUT.parent.mkdir(parents=True, exist_ok=True)
    if only and OUT.exists():  # a run for some models updates their entries and keeps the rest
        results = {**expand(json.loads(gzip.decompress(OUT.read_bytes()))), **results}
    meta = {"llama_cpp_python": llama_cpp.__version__, "llama_cpp_commit": "0c1e570", "note": "dry runs, see README"}
    OUT.write_bytes(gzip.compress(json.dumps(compact(results, meta), separators=(",", ":")).encode(), 9))


def expand(recorded: dict[str, object]) -> dict[str, object]:
    """compact()'s recording back in main()'s shape (tensor name -> type per quant)."""
    types = recorded["_types"]
    out: dict[str, object] = {}
    for mid, v in recorded.items():
        if mid.startswith("_"):
            continue
        names = v["tensors"] or []  # type: ignore[index]
        quants: dict[str, object] = {}
        for q, res in v["quants"].items():  # type: ignore[index]
            if "error" in res:
                quants[q] = res
                continue
            flat = [types[code] for code, n in res["rle"] for _ in range(n)]  # type: ignore[index]
            quants[q] = {"types": dict(zip(names, flat, strict=True)), "tensor_mib": res["tensor_mib"]}
        out[mid] = {"arch_type": v["arch_type"], "quants": quants}  # type: ignore[index]
    return out


def compact(results: dict[str, object], meta: dict[str, str]) -> dict[str, object]:
    """Tensor names once per model; each quant's types run-length coded in file order."""
    types: list[str] = []
    out: dict[str, object] = {"_meta": meta, "_types": types}
    for mid, v in results.items():
        names: list[str] | None = None
        quants: dict[str, object] = {}
        for q, res in v["quants"].items():  # type: ignore[index]
            if "error" in res:
                quants[q] = {"error": res["error"]}
                continue
            names = names or list(res["types"])
            rle: list[list[int]] = []
            for n in names:
                ty = res["types"][n]
                if ty not in types:
                    types.append(ty)
                code = types.index(ty)
                if rle and rle[-1][0] == code:
                    rle[-1][1] += 1
                else:
                    rle.append([code, 1])
            quants[q] = {"rle": rle, "tensor_mib": res["tensor_mib"]}
        out[mid] = {"arch_type": v["arch_type"], "tensors": names, "quants": quants}  # type: ignore[index]
    return out


if __name__ == "__main__":
    main()
