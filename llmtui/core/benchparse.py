"""llama-bench's output, read as data: `-o json`, `-o jsonl`, `-o csv` and the default markdown table
(tools/llama-bench in llama.cpp). Every value passes the boundary's number parser; anything that does
not parse is one sentence naming the file and the row."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass

from .boundary import InputError
from .boundary.numbers import number, whole
from .boundary.text import one_line

GiB = 1 << 30


@dataclass(frozen=True, slots=True)
class BenchRow:
    """One llama-bench result: a pp or tg test with its flags and the mean tokens/s."""

    model_filename: str
    model_type: str  # "qwen2 7B Q4_K - Medium"
    model_size: int  # bytes
    backends: str  # "CUDA", "Metal,BLAS", ...
    n_gpu_layers: int  # -1 or 99: all
    n_cpu_moe: int
    split_mode: str
    n_ubatch: int
    type_k: str
    n_prompt: int
    n_gen: int
    n_depth: int
    avg_ts: float
    test_time: str = ""  # ISO time of the test, when the format carries it
    build: str = ""  # "8cf427ff (5163)"

    @property
    def test(self) -> str:
        what = f"pp{self.n_prompt}" if self.n_prompt else f"tg{self.n_gen}"
        return what + (f" @ d{self.n_depth}" if self.n_depth else "")


def _int(v: object, field: str, where: str, lo: int = -1, hi: int = 10_000_000) -> int:
    try:
        return whole(v, field, lo=lo, hi=hi)
    except InputError as e:
        raise InputError(where, e.message) from None


def _float(v: object, field: str, where: str) -> float:
    try:
        return number(v, field, lo=0, hi=1e9)
    except InputError as e:
        raise InputError(where, e.message) from None


def _row(d: dict[str, object], where: str) -> BenchRow:
    def text(key: str) -> str:
        v = d.get(key, "")
        return one_line(v, limit=300) if isinstance(v, str) else one_line(str(v), limit=300)

    def integer(key: str, default: int = 0, lo: int = -1) -> int:
        v = d.get(key)
        if v is None or v == "":
            return default
        if isinstance(v, bool):
            return int(v)
        return _int(v, key, where, lo=lo, hi=10**13)

    commit, number_ = text("build_commit"), text("build_number")
    return BenchRow(
        model_filename=text("model_filename"),
        model_type=text("model_type"),
        model_size=integer("model_size", 0, lo=0),
        backends=text("backends"),
        n_gpu_layers=integer("n_gpu_layers", 99),
        n_cpu_moe=integer("n_cpu_moe", 0, lo=0),
        split_mode=text("split_mode") or "layer",
        n_ubatch=integer("n_ubatch", 512, lo=1),
        type_k=text("type_k") or "f16",
        n_prompt=integer("n_prompt", 0, lo=0),
        n_gen=integer("n_gen", 0, lo=0),
        n_depth=integer("n_depth", 0, lo=0),
        avg_ts=_float(d.get("avg_ts"), "avg_ts", where),
        test_time=text("test_time"),
        build=f"{commit} ({number_})" if commit else "",
    )


# --- markdown: | model | size | params | backend | ngl | test | t/s | ------------------------------------------

_SIZE = re.compile(r"^([\d.]+)\s*(GiB|MiB|KiB|B)$")
_TEST = re.compile(r"^(pp|tg)\s*(\d+)(?:\s*@\s*d(\d+))?$")
_BUILD = re.compile(r"build:\s*([0-9a-f]+)\s*\((\d+)\)")
_MD_KEYS = {
    "ngl": "n_gpu_layers",
    "n_gpu_layers": "n_gpu_layers",
    "n_ubatch": "n_ubatch",
    "type_k": "type_k",
    "sm": "split_mode",
    "split_mode": "split_mode",
    "n_cpu_moe": "n_cpu_moe",
    "ncmoe": "n_cpu_moe",
}


def _markdown(text: str, where: str) -> list[BenchRow]:
    rows: list[BenchRow] = []
    header: list[str] | None = None
    b = _BUILD.search(text)
    build = f"{b.group(1)} ({b.group(2)})" if b else ""
    for n, line in enumerate(text.splitlines(), 1):
        line = line.strip()
        if not line.startswith("|"):
            header = None if not line else header
            continue
        cells = [c.strip() for c in line.strip("|").split("|")]
        if header is None:
            header = [c.lower() for c in cells]
            continue
        if all(set(c) <= set("-: ") for c in cells):
            continue
        if len(cells) != len(header):
            raise InputError(f"{where}, line {n}", f"has {len(cells)} cells where the header has {len(header)}")
        d = dict(zip(header, cells, strict=True))
        test = _TEST.match(d.get("test", "").replace(" ", "") if "@" not in d.get("test", "") else d["test"])
        if test is None:
            continue  # pp+tg ("pg") tests mix both: not one speed
        ts = d.get("t/s", "").split("±")[0].strip()
        size = _SIZE.match(d.get("size", ""))
        factor = {"GiB": GiB, "MiB": 1 << 20, "KiB": 1 << 10, "B": 1}
        fields: dict[str, object] = {
            "model_type": d.get("model", ""),
            "model_size": int(float(size.group(1)) * factor[size.group(2)]) if size else 0,
            "backends": d.get("backend", ""),
            "n_prompt": int(test.group(2)) if test.group(1) == "pp" else 0,
            "n_gen": int(test.group(2)) if test.group(1) == "tg" else 0,
            "n_depth": int(test.group(3) or 0),
            "avg_ts": ts,
        }
        for col, key in _MD_KEYS.items():
            if col in d:
                fields[key] = d[col]
        if build:
            commit, _, num = build.partition(" (")
            fields["build_commit"], fields["build_number"] = commit, num.rstrip(")")
        rows.append(_row(fields, f"{where}, line {n}"))
    return rows


def parse_llama_bench(text: str, where: str) -> list[BenchRow]:
    """The results in a llama-bench output, whichever of its formats it is; [] when none."""
    from .boundary.reader import loads_json

    body = text.strip()
    if not body:
        raise InputError(where, "is empty: no llama-bench results in it")
    if body.startswith("["):
        data = loads_json(body, where)
        if not isinstance(data, list):
            raise InputError(where, "is not a JSON array of llama-bench results")
        return [_row(d, f"{where}, result {i + 1}") for i, d in enumerate(data) if isinstance(d, dict)]
    if body.startswith("{"):  # -o jsonl: one object per line
        out = []
        for i, line in enumerate(body.splitlines(), 1):
            if line.strip():
                d = loads_json(line, f"{where}, line {i}")
                if isinstance(d, dict):
                    out.append(_row(d, f"{where}, line {i}"))
        return out
    first = body.splitlines()[0]
    if first.startswith("build_commit,") or ("avg_ts" in first and "," in first):
        reader = csv.DictReader(io.StringIO(body))
        return [_row(dict(r), f"{where}, row {i + 2}") for i, r in enumerate(reader)]
    if "|" in body:
        return _markdown(body, where)
    raise InputError(where, "is not llama-bench output (-o json, jsonl, csv or md)")


# --- What a row says about the model file -----------------------------------------------------------------------

_FTYPE_SUFFIX = {"Medium": "_M", "Small": "_S", "Large": "_L"}


def quant_of(model_type: str, filename: str = "") -> str | None:
    """The quant from llama.cpp's file-type name ("qwen2 7B Q4_K - Medium" -> Q4_K_M) or, failing
    that, from the file name ("...-Q4_K_M.gguf")."""
    from .estimate import find_quant

    m = re.search(r"\b((?:I?Q\d\w*)|F16|BF16|F32|MXFP4)(?:\s*-\s*(Medium|Small|Large))?", model_type)
    if m:
        name = m.group(1) + (_FTYPE_SUFFIX.get(m.group(2) or "", "") if m.group(2) else "")
        if m.group(1) == "Q2_K" and m.group(2) == "Medium":
            name = "Q2_K"  # llama.cpp names its plain Q2_K mix "Q2_K - Medium"
        q = find_quant(name)
        if q is not None:
            return q.name
    stem = re.sub(r"\.gguf$", "", filename.rsplit("/", 1)[-1], flags=re.I)
    for token in sorted(re.split(r"[-.]", stem), key=len, reverse=True):
        q = find_quant(token)
        if q is not None and q.family == "gguf":
            return q.name
    return None


BACKEND_NAMES = {"cuda": "cuda", "rocm": "rocm", "hip": "rocm", "vulkan": "vulkan", "metal": "metal", "sycl": "sycl"}


def backend_of(backends: str) -> str:
    """The GPU backend a row ran on ('CUDA' -> cuda; 'Metal,BLAS' -> metal; 'CPU' or 'BLAS' -> cpu)."""
    for part in re.split(r"[,\s]+", backends.lower()):
        if part in BACKEND_NAMES:
            return BACKEND_NAMES[part]
    return "cpu"
