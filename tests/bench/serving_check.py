"""llmtui's serving estimate (llmtui/core/estimate/serving.py) against the published serving benchmarks in
data/reference/serving_points.toml. Nothing here is fitted: the serving model has no constant of its
own beyond the engines' published defaults; it takes the single-sequence speeds of the speed model
(whose single-stream DGX Spark points are among its calibration data) and the catalogue's FLOPS.

How each published run is modelled (decided before comparing):
- llama-batched-bench: B sequences decode after PP-token prompts; predicted S_TG = the aggregate decode
  of B users with PP + TG/2 tokens in context.
- vllm bench serve (closed loop): each replica runs min(its share of max_concurrency, what its memory holds
  at input + output/2 tokens per sequence, vLLM's max-num-seqs) sequences; output throughput and TPOT
  are serving.workload() with the mean generated length; replicas add up. Pipeline-parallel runs are
  modelled as tensor parallel (llmtui places vLLM that way) and are flagged.

Run: .venv/bin/python tests/bench/serving_check.py [--points]
"""

from __future__ import annotations

import math
import statistics
import sys
import tomllib
from dataclasses import dataclass
from typing import Any

from llmtui.core.build import planned_build
from llmtui.core.catalog import Catalog, load_catalog
from llmtui.core.estimate import EstimateError
from llmtui.core.estimate.serving import serving, workload
from llmtui.core.paths import bundled_data_dir


@dataclass(frozen=True)
class Check:
    point: dict[str, Any]
    predicted: float | None  # the figure compared (S_TG or output tok/s)
    measured: float
    tpot_predicted_ms: float | None = None
    users: int | None = None
    flag: str = ""

    @property
    def error(self) -> float | None:
        return None if self.predicted is None else self.predicted / self.measured - 1.0

    @property
    def source(self) -> str:
        url = str(self.point["source"])
        return (
            "llama.cpp benches/dgx-spark.md"
            if "llama.cpp" in url
            else ("CloudRift server-benchmark" if "cloudrift" in url else "GPUStack performance lab")
        )


def points() -> list[dict[str, Any]]:
    with (bundled_data_dir() / "reference" / "serving_points.toml").open("rb") as fh:
        return list(tomllib.load(fh)["points"])


def _build(catalog: Catalog, p: dict[str, Any]) -> Any:
    hw = str(p["hardware"])
    device = hw.split("x ", 1)[1] if hw[0].isdigit() and "x " in hw else hw
    per = int(p.get("tensor_parallel", 1)) * int(p.get("pipeline_parallel", 1))
    gpu = device if per == 1 else f"{per}x {device}"
    unified = "Spark" in device
    return planned_build(catalog, gpu=gpu, ram=None if unified else "64GB")


def check(catalog: Catalog, p: dict[str, Any], share: float | None = None) -> Check:
    model = catalog.model(str(p["catalog_model"]))
    assert model is not None, p["catalog_model"]
    build = _build(catalog, p)
    engine, quant = str(p["engine"]), str(p["quant"])
    kv = "fp8" if p.get("kv_cache_dtype") == "fp8" else "f16"
    if p["kind"] == "batched-decode":
        pp, tg, b = int(p["prompt_tokens"]), int(p["output_tokens"]), int(p["sequences"])
        measured = float(p["aggregate_decode_tps"])
        try:
            s = serving(
                model,
                quant,
                pp + tg,
                build,
                engine=engine,
                concurrency=b,
                depth=pp + tg // 2,
                prompt_tokens=pp,
                kv_type=kv,
                compute_share=share if engine == "vllm" else None,
            )
        except EstimateError as e:
            return Check(p, None, measured, flag=str(e))
        if s.point is None or s.point.users < b:
            return Check(p, None, measured, flag=f"memory holds {s.max_concurrent_sequences} of {b} sequences")
        return Check(p, s.point.aggregate_decode_tps, measured, users=b)
    i, o = int(p["input_tokens"]), int(p["output_tokens"])
    replicas = int(p["replicas"])
    mean_out = float(p["generated_tokens"]) / float(p["requests"])
    per_replica = math.ceil(min(int(p["max_concurrency"]), int(p["requests"])) / replicas)
    measured = float(p["output_tps"])
    flag = "pipeline parallel, modelled as tensor parallel" if int(p.get("pipeline_parallel", 1)) > 1 else ""
    try:
        s = serving(
            model,
            quant,
            i + o // 2,
            build,
            engine=engine,
            concurrency=per_replica,
            depth=i + o // 2,
            prompt_tokens=i,
            kv_type=kv,
            compute_share=share if engine == "vllm" else None,
        )
    except EstimateError as e:
        return Check(p, None, measured, flag=str(e))
    w = workload(s, per_replica, i, max(1, round(mean_out)))
    if w is None:
        return Check(p, None, measured, flag="does not fit")
    return Check(p, w.output_tps * replicas, measured, w.tpot_s * 1e3, w.users, flag)


def run(catalog: Catalog | None = None, share: float | None = None) -> list[Check]:
    cat = catalog or load_catalog()
    return [check(cat, p, share) for p in points()]


# 0.15 .. 4.0, 2% apart: a share above 1 means vLLM's serving step computes faster than the speed
# model's llama.cpp-fitted prefill rate for the device
SHARES = tuple(round(0.15 * 1.02**i, 3) for i in range(167))


def _cost(checks: list[Check]) -> float:
    """Median |log(predicted / measured)| of the points a fit may use (vLLM, not pipeline parallel)."""
    logs = [
        abs(math.log(c.predicted / c.measured))
        for c in checks
        if c.predicted and c.point["engine"] == "vllm" and "pipeline" not in c.flag
    ]
    return statistics.median(logs) if logs else math.inf


def fit(catalog: Catalog, sources: set[str]) -> float:
    """The vLLM compute share that fits the vLLM points of `sources` best (a grid, median |log error|)."""
    pts = [p for p in points() if p["engine"] == "vllm"]
    best = (math.inf, 1.0)
    for share in SHARES:
        cs = [check(catalog, p, share) for p in pts]
        cost = _cost([c for c in cs if c.source in sources])
        best = min(best, (cost, share))
    return best[1]


def cross_validate(catalog: Catalog) -> list[str]:
    """Leave one source out: fit the vLLM share on the other source, measure on the one left out."""
    vllm_sources = sorted({c.source for c in run(catalog) if c.point["engine"] == "vllm"})
    out = []
    left_out: list[Check] = []
    for held in vllm_sources:
        share = fit(catalog, set(vllm_sources) - {held})
        cs = [c for c in run(catalog, share) if c.source == held]
        left_out += cs
        out.append(f"{held} left out: share fitted on the rest {share:.2f}; " + summary(cs)[0].split(": ", 1)[1])
    out.append("vLLM points, each predicted from a fit on the other source: " + summary(left_out)[0].split(": ", 1)[1])
    out.append(f"fitted on both: share {fit(catalog, set(vllm_sources)):.2f}")
    return out


def summary(checks: list[Check]) -> list[str]:
    out = []
    groups: dict[str, list[Check]] = {"all": checks}
    for c in checks:
        groups.setdefault(c.source, []).append(c)
    groups["all but pipeline-parallel runs"] = [c for c in checks if "pipeline" not in c.flag]
    for name, cs in groups.items():
        errs = sorted(abs(c.error) for c in cs if c.error is not None)
        if not errs:
            continue
        p90 = errs[min(len(errs) - 1, round(0.9 * (len(errs) - 1)))]
        out.append(
            f"{name}: {len(errs)} of {len(cs)} points compared; median |error| {statistics.median(errs):.1%}, "
            f"p90 {p90:.1%}, worst {errs[-1]:.1%}"
        )
    return out


def main(argv: list[str]) -> int:
    if "--fit" in argv:
        for line in cross_validate(load_catalog()):
            print(line)
        return 0
    checks = run()
    if "--points" in argv:
        for c in checks:
            p = c.point
            what = (
                f"B={p['sequences']} PP={p['prompt_tokens']}"
                if p["kind"] == "batched-decode"
                else (f"{p['input_tokens']}/{p['output_tokens']} conc {p['max_concurrency']} x{p['replicas']}")
            )
            pred = "—" if c.predicted is None else f"{c.predicted:8.1f}"
            err = "" if c.error is None else f"{c.error:+7.1%}"
            tpot = "" if c.tpot_predicted_ms is None else f" tpot {c.tpot_predicted_ms:.1f} vs {p['mean_tpot_ms']} ms"
            print(
                f"{p['hardware']:24} {p['catalog_model']:30} {p['quant']:13} {what:26} users {c.users}"
                f"  {pred} vs {c.measured:8.1f} {err}{tpot} {c.flag}"
            )
    for line in summary(checks):
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
