"""Fit the speed calibration (llmtui/core/estimate/calibration.py) to published measurements.

For every decode measurement in data/reference/speed_points.toml whose model and hardware are in
the catalogue, the estimator's placement gives X = bytes read per token / bandwidth (the roofline
time, seconds) and L = layers per token. Per backend we fit  t_measured = X / efficiency + L * c
by least squares, then take the 10th and 90th percentile of measured/fitted as the range.
Prefill efficiency is the median of measured / (FLOPS / (2 x active parameters)).

    python tests/bench/calibrate.py          # prints the fit, every point's error, and the constants
    python tests/bench/calibrate.py --cv     # leave-one-source-out cross-validation of the same model

The in-sample error says how well the model fits its own data; the cross-validated one, what a user
can expect on hardware and models it has not seen: every source (a benchmark thread, a repository)
is left out in turn, the model is fitted on the rest, and the left-out points are predicted.
"""

from __future__ import annotations

import statistics
import sys
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from llmtui.core.catalog import Catalog, load_catalog
from llmtui.core.estimate import estimate
from llmtui.core.estimate.api import place
from llmtui.core.estimate.calibration import VENDOR_BACKEND, Backend
from llmtui.core.estimate.engines import ENGINES
from llmtui.core.estimate.speed import _slot_read
from tests.bench.refdata import build_for, load, model_for

# Measurements older than this describe a llama.cpp that was much slower (CUDA graphs, MMQ and
# flash-attention kernels landed through 2024-2025); they are reported, not fitted.
CURRENT_SINCE = "2025"


@dataclass
class Obs:
    label: str
    backend: str
    x: float  # roofline seconds per token
    layers: float
    moe_layers: float
    t: float  # measured seconds per token
    prefill_eff: float | None
    source: str = ""
    moe: bool = False
    gpus: int = 1


def observations(catalog: Catalog) -> tuple[list[Obs], list[str]]:
    obs: list[Obs] = []
    skipped: list[str] = []
    for p in load("speed_points"):
        label = f"{p['model']} {p['quant']} on {p['hardware']}"
        if p.get("batch", 1) != 1 or p.get("engine", "llama.cpp") != "llama.cpp":
            skipped.append(f"{label}: batch {p.get('batch')} / engine {p.get('engine')}")
            continue
        if str(p.get("date", "9999")) < CURRENT_SINCE:
            skipped.append(f"{label}: measured {p.get('date')}, before {CURRENT_SINCE} (llama.cpp has changed since)")
            continue
        if "offload" in p["hardware"].lower() or "+ CPU" in p["hardware"]:
            skipped.append(f"{label}: partial offload with an unknown split")
            continue
        m = model_for(catalog, p["model"])
        b = build_for(catalog, p["hardware"])
        if m is None or b is None:
            skipped.append(f"{label}: {'model' if m is None else 'hardware'} not in the catalogue")
            continue
        depth = int(p.get("depth", 0))
        ctx = depth + 512  # llama-bench sizes its context to the test: prompt + generated tokens
        pl, w = place(m, p["quant"], ctx, b, "f16", ENGINES["llama.cpp"])
        if pl.status != "gpu":
            skipped.append(f"{label}: does not fit fully on the GPU in our placement ({pl.status})")
            continue
        x = 0.0
        layers = 0
        moe_layers = 0
        vendors = set()
        for s in pl.used_slots:
            if not s.layers and not s.holds_output:
                continue  # host RAM holding only the embedding table (a lookup, not a read)
            weights, kv = _slot_read(m.arch, w, pl, s, depth, "f16")
            x += (weights + kv) / (s.bandwidth_gbs * 1e9)
            layers += len(s.layers)
            moe_layers += sum(1 for i in s.layers if m.arch.is_moe_layer(i))
            vendors.add(s.vendor)
        backend = VENDOR_BACKEND.get(vendors.pop(), "CPU") if len(vendors) == 1 else "CPU"
        pe = None
        if p.get("prompt_tps"):
            e = estimate(m, p["quant"], ctx, b, with_max_ctx=False, prompt_tokens=512)
            flops = sum(g.fp16_tflops for g in b.gpus) * 1e12
            if flops and e.speed is not None:
                pe = p["prompt_tps"] * 2 * m.active_params_b * 1e9 / flops
        gpus = sum(1 for s in pl.used_slots if s.kind == "gpu" and s.layers)
        source = str(p.get("source", ""))
        obs.append(Obs(label, backend, x, layers, moe_layers, 1.0 / p["decode_tps"], pe, source, m.is_moe, gpus))
    return obs, skipped


def _solve(rows: list[list[float]]) -> list[float] | None:
    """Least squares for sum_j c_j * row_j = 1 (each row already divided by the measured time, so the
    fit minimises relative error), by the normal equations."""
    n = len(rows[0])
    a = [[sum(r[i] * r[j] for r in rows) for j in range(n)] for i in range(n)]
    b = [sum(r[i] for r in rows) for i in range(n)]
    for i in range(n):
        if abs(a[i][i]) < 1e-30:
            return None
        for j in range(i + 1, n):
            f = a[j][i] / a[i][i]
            a[j] = [x - f * y for x, y in zip(a[j], a[i], strict=True)]
            b[j] -= f * b[i]
    x = [0.0] * n
    for i in reversed(range(n)):
        x[i] = (b[i] - sum(a[i][k] * x[k] for k in range(i + 1, n))) / a[i][i]
    return x


def fit(obs: list[Obs]) -> tuple[float, float, float]:
    """(1/efficiency, seconds per layer, extra seconds per MoE layer) for t = x*a + L*c + L_moe*d,
    minimising relative error. With few points or no MoE model, the MoE term is dropped; any term
    that comes out negative is dropped too (a per-layer cost cannot be negative)."""
    with_moe = len(obs) >= 8 and any(o.moe_layers for o in obs)
    terms = [lambda o: o.x, lambda o: o.layers] + ([lambda o: o.moe_layers] if with_moe else [])
    while True:
        sol = _solve([[f(o) / o.t for f in terms] for o in obs])
        if sol is not None and all(v >= 0 for v in sol[1:]):
            break
        terms = terms[:-1]
        if len(terms) == 1:
            sol = _solve([[o.x / o.t] for o in obs])
            break
    assert sol is not None
    a = max(1.0, sol[0])  # a device cannot beat its own bandwidth
    c = sol[1] if len(sol) > 1 else 0.0
    d = sol[2] if len(sol) > 2 else 0.0
    return a, c, d


def calibrate(catalog: Catalog) -> tuple[dict[str, Backend], list[Obs], list[str]]:
    obs, skipped = observations(catalog)
    return fit_backends(obs, skipped), obs, skipped


def fit_backends(obs: list[Obs], skipped: list[str] | None = None) -> dict[str, Backend]:
    skipped = skipped if skipped is not None else []
    out: dict[str, Backend] = {}
    for backend in sorted({o.backend for o in obs}):
        group = [o for o in obs if o.backend == backend]
        if len(group) < 3:
            skipped.append(f"{backend}: only {len(group)} points, not fitted")
            continue
        a, c, d = fit(group)
        ratios = sorted(o.t / (o.x * a + o.layers * c + o.moe_layers * d) for o in group)  # predicted/measured time
        q = statistics.quantiles(ratios, n=10) if len(ratios) >= 4 else [min(ratios)] * 4 + [max(ratios)] * 5
        pre = [o.prefill_eff for o in group if o.prefill_eff]
        out[backend] = Backend(
            backend,
            round(1.0 / a, 3),
            round(c * 1e6, 1),
            round(statistics.median(pre), 2) if pre else 0.5,
            # measured speed / expected at the 10th and 90th percentile, at least +-10% (+-20% under 10 points)
            round(min(0.9 if len(group) >= 10 else 0.8, 1.0 / q[-1]), 2),
            round(max(1.1 if len(group) >= 10 else 1.2, 1.0 / q[0]), 2),
            len(group),
            round(d * 1e6, 1),
        )
    return out


def predict(b: Backend, o: Obs) -> float:
    """Expected decode tokens/s for an observation's placement under a backend's constants."""
    return 1.0 / (o.x / b.bw_efficiency + o.layers * b.per_layer_us * 1e-6 + o.moe_layers * b.moe_layer_us * 1e-6)


@dataclass
class Held:
    obs: Obs
    predicted: float  # tokens/s, from a fit without this point's source
    inside: bool  # the measured speed lies in the fit's low-high range


def cross_validate(obs: list[Obs]) -> list[Held]:
    """Leave one source out: fit on every other source, predict this one's points."""
    out: list[Held] = []
    for source in sorted({o.source for o in obs}):
        train = [o for o in obs if o.source != source]
        fitted = fit_backends(train)
        for o in obs:
            if o.source != source or o.backend not in fitted:
                continue
            b = fitted[o.backend]
            pred = predict(b, o)
            out.append(Held(o, pred, pred * b.low <= 1.0 / o.t <= pred * b.high))
    return out


def _category(o: Obs) -> list[str]:
    cats = [o.backend, "MoE" if o.moe else "dense"]
    if o.gpus > 1:
        cats.append("multi-GPU")
    return cats


def cv_report(held: list[Held]) -> list[str]:
    groups: dict[str, list[Held]] = {"all": held}
    for h in held:
        for c in _category(h.obs):
            groups.setdefault(c, []).append(h)
    lines = [f"{'category':10} {'points':>6} {'median':>7} {'p90':>7} {'in range':>9}"]
    for name, hs in groups.items():
        errs = sorted(abs(h.predicted * h.obs.t - 1.0) for h in hs)
        p90 = errs[min(len(errs) - 1, int(0.9 * len(errs)))]
        inside = sum(h.inside for h in hs) / len(hs)
        lines.append(f"{name:10} {len(hs):6} {statistics.median(errs):7.1%} {p90:7.1%} {inside:9.0%}")
    return lines


def main() -> int:
    catalog = load_catalog()
    fitted, obs, skipped = calibrate(catalog)
    if "--cv" in sys.argv:
        held = cross_validate(obs)
        print(f"leave-one-source-out over {len({o.source for o in obs})} sources, {len(held)} points predicted")
        print("\n".join(cv_report(held)))
        return 0
    print(f"{'point':70} {'backend':7} {'measured':>9} {'fitted':>8} {'error':>7}")
    errors = []
    for o in obs:
        b = fitted.get(o.backend)
        if b is None:
            continue
        pred = predict(b, o)
        err = pred * o.t - 1.0
        errors.append(abs(err))
        print(f"{o.label[:70]:70} {o.backend:7} {1 / o.t:9.1f} {pred:8.1f} {err:+7.1%}")
    print(f"\n{len(obs)} points fitted, median |error| {statistics.median(errors):.1%}, worst {max(errors):.1%}")
    print("\nskipped:")
    for s in skipped:
        print(f"  {s}")
    print("\nBACKENDS = {")
    for name, b in fitted.items():
        print(
            f'    "{name}": Backend("{name}", {b.bw_efficiency}, {b.per_layer_us}, {b.prefill_efficiency},'
            f" {b.low}, {b.high}, {b.points}, {b.moe_layer_us}),"
        )
    print("}")
    held = cross_validate(obs)
    print(f"\ncross-validated, leave-one-source-out ({len({o.source for o in obs})} sources):")
    print("\n".join(cv_report(held)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
