"""Fit the speed model's coefficients (llmtui/core/estimate/calibration.py) to published llama-bench runs.

Every run in data/reference/speed_points*.toml whose model architecture and hardware llmtui knows is
placed as its flags say (-ngl, --n-cpu-moe, -sm, -d, -ub; the real file's size where the source gives
it), and speed.py turns the placement into terms: bytes over bandwidth per device, layers, MoE layers,
attention FLOPs, hand-overs, CPU bytes and parameters (decode); FLOPs, attention, batch reads and
fixed costs (prefill). Measured seconds per token = sum of coefficient x term, fitted by least
squares on relative error. A coefficient exists per key level (("bw",), ("bw", "CUDA"), ("bw",
"CUDA", "NVIDIA HBM")); each level is a ridge-shrunk delta on its parent, so a backend or device
class seen in few runs stays near its parent. The range is the 5th-95th percentile of measured /
expected per regime (one GPU, several, offload, CPU).

    python tests/bench/calibrate.py          # the fit, every point's error, the tables, and the CV
    python tests/bench/calibrate.py --write  # the same, and the tables written into calibration.py
    python tests/bench/calibrate.py --cv     # only the leave-one-source-out cross-validation

The cross-validation leaves out one source at a time (a repository, a site or a thread: every run
of one benchmark collection), fits on the rest, and predicts the left-out runs, range included.
"""

# ruff: noqa: E402  (the BLAS thread limit must be set before numpy is imported)
from __future__ import annotations

import os

# Thousands of small least-squares fits: BLAS threads only fight over the cores.
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import re
import statistics
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from llmtui.core.build import BACKENDS, Build, with_knobs
from llmtui.core.catalog import Catalog, load_catalog
from llmtui.core.estimate.calibration import DEFAULTS, FLOOR, RANGE_MIN, Table, range_for
from llmtui.core.estimate.measured import Run, run_terms
from llmtui.core.estimate.speed import Term
from tests.bench.refdata import build_for, model_for, speed_points

# Runs older than this describe a llama.cpp that was much slower (CUDA graphs, MMQ and flash-attention
# kernels landed through 2024-2025); they are reported, not fitted.
CURRENT_SINCE = "2025"
# Root priors (what a key with no data at all falls back to) and shrinkage strengths. The strengths,
# the quantiles and the robust weighting were chosen by the cross-validation below (a handful of
# settings tried: the figures it reports are to that small extent optimistic).
PRIORS = {"bw": 1.3, "cpu_bw": 2.0, "pp": 2.0, "pp_cpu": 4.0, "allreduce": 15.0, "layer": 40.0}
LAMBDA_CHILD = 3.0  # a delta on its parent costs as much as ~9 runs that disagree with it
PREFILL_LAMBDA_CHILD = 1.0
# Decode: a backend's delta on its root ("attn/Vulkan") costs this many times a device class's. A
# backend seen on one vendor's cards alone otherwise takes half of that vendor's quirk and hands it to
# every other vendor's cards on that backend (Intel's slow Vulkan attention made Strix Halo's 2.5x too
# slow at 32K when kyuz0's Strix Halo runs were left out). Chosen by the cross-validation (2, 3, 5 tried;
# p90 53.5% -> 48.2%).
DECODE_BACKEND_FACTOR = 3.0
LAMBDA_ROOT = 0.3
LO_Q, HI_Q = 0.05, 0.95  # the range: these quantiles of measured / expected
# A regime with fewer than calibration.RANGE_MIN runs: its range is the pooled one widened to its own
# spread (at least 3 runs). The pooled range alone held 62% of the eight CPU-only runs left out in turn,
# the widened one 88% (no other regime has fewer than 15 runs).
HUBER = 0.15  # relative residual beyond which a run's pull on the fit stops growing
ROBUST_ITERATIONS = 4
# Decode is fitted by plain least squares: Huber weights helped prompt processing (41.5% against 46.0%
# median cross-validated error) but not decode (17.4% against 16.2%).
DECODE_ROBUST_ITERATIONS = 0


@dataclass
class Obs:
    label: str
    source: str  # the point's URL
    group: str  # the source collection (what cross-validation leaves out)
    backend: str
    cats: list[str]
    regime: str
    decode: list[Term]
    roof: float
    t: float  # measured seconds per decoded token
    prefill: list[Term] | None = None
    tp: float | None = None  # measured seconds per prompt token
    point: dict[str, object] = field(default_factory=dict)


def source_group(url: str) -> str:
    """One source: a GitHub repository's files (one collection, one method), one issue, pull request or
    discussion thread (one contributor's runs), a gist, or a site."""
    u = urlparse(url)
    parts = [x for x in u.path.split("/") if x]
    if u.netloc == "github.com" and len(parts) >= 4 and parts[2] in ("issues", "pull", "discussions"):
        return f"{parts[0]}/{parts[1]}#{parts[3]}".lower()
    if u.netloc == "github.com" and len(parts) >= 2:
        return f"{parts[0]}/{parts[1]}".lower()
    if u.netloc == "gist.github.com" and parts:
        return f"gist:{parts[-1]}"
    return u.netloc + (f"/{parts[0]}" if parts else "")


_TEST = re.compile(r"^(pp|tg)\s*(\d+)(?:\s*@\s*d(\d+))?$")


def _tests(p: dict[str, object]) -> tuple[int, int, int, int]:
    """(prompt tokens, pp depth, generated tokens, tg depth) of a point, from its llama-bench test
    string where it parses ('pp2048 @ d32768 + tg32 @ d32768'), else from its fields."""
    depth = int(p.get("depth", 0) or 0)  # type: ignore[call-overload]
    n_p = int(p.get("prompt_tokens") or 512)  # type: ignore[call-overload]
    n_g = int(p.get("decode_tokens") or 128)  # type: ignore[call-overload]
    pp_d = tg_d = depth
    test = str(p.get("test", "")).replace(" ", "")
    parsed = [_TEST.match(x) for x in test.split("+")] if test else []
    if parsed and all(parsed):
        for m in parsed:
            assert m is not None
            n, d = int(m.group(2)), int(m.group(3) or 0)
            if m.group(1) == "pp":
                n_p, pp_d = n, d
            else:
                n_g, tg_d = n, d
    return n_p, pp_d, n_g, tg_d


def _host(catalog: Catalog, p: dict[str, object]) -> Build | None:
    """The point's machine: its GPUs (or CPU), its backend, its RAM where the source says."""
    backend = str(p.get("backend") or "").lower()
    hw = str(p["hardware"])
    b = build_for(catalog, hw)
    ram_bw = p.get("ram_bandwidth_gbs")
    if b is None and backend == "cpu" and ram_bw:
        b = Build(hw, (), 64 * 2**30, ram_bandwidth_note="from the source")
    if b is None:
        return None
    try:
        b = with_knobs(b, catalog, backend=backend if backend in BACKENDS else None, ram_bandwidth=ram_bw)
    except ValueError:
        return None
    from dataclasses import replace

    if p.get("ram_class"):
        b = replace(b, ram_class=str(p["ram_class"]))
    threads = p.get("threads")
    if backend == "cpu" and isinstance(threads, int) and threads > 0:
        # the CPU's FLOPS are per core (placement.cpu_tflops): a run computes on the threads it was given,
        # as llmtui counts a detected machine's cores (llama.cpp's default thread count)
        b = replace(b, cpu_cores=threads)
    return b


def _run(p: dict[str, object], n_prompt: int, depth: int, n_gen: int) -> Run:
    detail = str(p.get("detail", ""))
    ngl = p.get("n_gpu_layers")
    ub = re.search(r"(?:-ub|n_ubatch)\s+(\d+)", detail)
    kv = "q8_0" if re.search(r"KV cache q8_0|-ctk q8_0|cache_type_k q8_0", detail) else "f16"
    size_gib = p.get("model_size_gib")
    return Run(
        n_gpu_layers=int(ngl) if isinstance(ngl, int) else 999,
        n_cpu_moe=int(p.get("n_cpu_moe") or 0),  # type: ignore[call-overload]
        split_mode=str(p.get("split_mode") or "layer"),
        n_prompt=n_prompt,
        n_gen=n_gen,
        depth=depth,
        ubatch=int(ub.group(1)) if ub else 512,
        kv_type=str(p.get("kv_type") or kv),
        file_bytes=int(float(size_gib) * 2**30) if isinstance(size_gib, int | float) else 0,
    )


def _categories(model_moe: bool, rt_regime: str, gpus: int, vendors: set[str], depth: int) -> list[str]:
    cats = ["MoE" if model_moe else "dense"]
    if gpus > 1:
        cats.append("multi-GPU")
    if rt_regime == "offload":
        cats.append("offload")
    if rt_regime == "cpu":
        cats.append("CPU")
    for v, name in (("Apple", "Apple"), ("AMD", "AMD"), ("Intel", "Intel"), ("NVIDIA", "NVIDIA")):
        if v in vendors and rt_regime != "cpu":
            cats.append(name)
    if depth >= 8192:
        cats.append("depth")
    return cats


def _year(p: dict[str, object]) -> float | None:
    """The run's date as a year with its month's fraction ("2025-08" -> 2025.58), None when undated."""
    m = re.match(r"(\d{4})(?:-(\d{2}))?", str(p.get("date") or ""))
    return int(m.group(1)) + (int(m.group(2) or 6) - 1) / 12 if m else None


def _aged(terms: list[Term] | None, age: float) -> list[Term] | None:
    """Prefill terms plus the run's age (years before the newest run) times its FLOPS term: llama.cpp's
    prompt processing got faster from build to build, so an older run is slower than today's build.
    The fitted "pp_age" coefficients only read older runs right; an estimate is for today (age 0)."""
    if terms is None or age <= 0:
        return terms
    return terms + [Term(("pp_age", *t.key[1:2]), t.value * age, t.where) for t in terms if t.key[0] == "pp"]


def observations(catalog: Catalog, excluded: list[Obs] | None = None) -> tuple[list[Obs], list[str]]:
    """The runs the fit uses, and a line for each run it skips. Runs whose point says why they are
    excluded (a machine below its normal speed, an undated or pre-2025 build) are skipped; with
    `excluded` given, those that can be placed are appended to it, to be reported against the fit."""
    obs: list[Obs] = []
    skipped: list[str] = []
    points = speed_points()
    newest = max(y for p in points if (y := _year(p)) is not None)
    for p in points:
        label = f"{p['model']} {p['quant']} on {p['hardware']} ({p.get('backend') or '?'})"
        if p.get("batch", 1) != 1 or p.get("engine", "llama.cpp") != "llama.cpp":
            skipped.append(f"{label}: batch {p.get('batch')} / engine {p.get('engine')}")
            continue
        if str(p.get("date") or "9999") < CURRENT_SINCE:
            skipped.append(f"{label}: measured {p.get('date')}, before {CURRENT_SINCE} (llama.cpp has changed since)")
            continue
        if p.get("split_mode") == "row":
            skipped.append(f"{label}: -sm row (deprecated in llama.cpp; llmtui does not plan it)")
            continue
        if "offload" in str(p["hardware"]).lower() or "+ CPU" in str(p["hardware"]):
            skipped.append(f"{label}: partial offload with an unknown split")
            continue
        m = model_for(catalog, str(p["model"]))
        b = _host(catalog, p)
        if m is None or b is None:
            skipped.append(f"{label}: {'model' if m is None else 'hardware or RAM'} not known")
            continue
        n_p, pp_d, n_g, tg_d = _tests(p)
        try:
            rt = run_terms(m, str(p["quant"]), b, _run(p, 0, tg_d, n_g))
            pre = run_terms(m, str(p["quant"]), b, _run(p, n_p, pp_d, 0)).prefill if p.get("prompt_tps") else None
        except ValueError as e:
            skipped.append(f"{label}: {e}")
            continue
        vendors = {g.vendor for g in b.gpus}
        backend = BACKENDS.get(rt.backend, rt.backend)
        cats = _categories(m.is_moe, rt.regime, rt.gpus, vendors, tg_d)
        pps = p.get("prompt_tps")
        source = str(p.get("source", ""))
        if p.get("excluded"):
            skipped.append(f"{label}: excluded: {str(p['excluded'])[:100]}...")
            if excluded is None:
                continue
        (excluded if p.get("excluded") and excluded is not None else obs).append(
            Obs(
                label,
                source,
                source_group(source),
                backend,
                cats,
                rt.regime,
                rt.decode,
                rt.roofline_s,
                1.0 / float(p["decode_tps"]),
                _aged(pre, max(0.0, newest - (_year(p) or newest))),
                1.0 / float(pps) if isinstance(pps, int | float) and pps > 0 else None,
                p,
            )
        )
    return obs, skipped


# --- The fit -------------------------------------------------------------------------------------------


_BACKEND_NAMES = frozenset(BACKENDS.values())  # CUDA ... CPU, as speed.backend_label names them


def _backend_level(node: str) -> bool:
    """A backend directly under its root ("bw/CUDA"), not a kernel kind's backend ("dq/iq/CUDA")."""
    parts = node.split("/")
    return len(parts) == 2 and parts[1] in _BACKEND_NAMES


def _prefixes(key: tuple[str, ...]) -> Iterable[str]:
    for n in range(1, len(key) + 1):
        yield "/".join(key[:n])


class Design:
    """The least-squares problem for a set of runs, built once: row r, column n holds the term values
    of run r whose key has prefix n, over its measured time (so the fit minimises relative error).
    fit(rows) solves it for any subset of the runs (cross-validation refits many subsets)."""

    def __init__(
        self,
        rows: list[tuple[list[Term], float]],
        lam_child: float | None = None,
        robust: int | None = None,
        backend_factor: float = 1.0,
    ) -> None:
        self.lam_child = lam_child
        self.robust = robust
        self.backend_factor = backend_factor
        self.nodes = sorted({n for terms, _ in rows for t in terms for n in _prefixes(t.key)})
        self.idx = {n: i for i, n in enumerate(self.nodes)}
        self.x = np.zeros((len(rows), len(self.nodes)))
        self.leaf = np.zeros((len(rows), len(self.nodes)))  # each term at its own key only
        for r, (terms, t) in enumerate(rows):
            for term in terms:
                for n in _prefixes(term.key):
                    self.x[r, self.idx[n]] += term.value / t
                self.leaf[r, self.idx["/".join(term.key)]] += term.value / t
        self.parent = [self.idx.get(n.rpartition("/")[0], -1) for n in self.nodes]

    def fit(self, rows: np.ndarray) -> tuple[Table, np.ndarray]:
        """(the table, each node's coefficient as Table.coef looks it up). Each key level is a
        ridge-shrunk delta on its parent; roots shrink weakly towards PRIORS; Huber weights keep a
        run far off the model from pulling more than HUBER would. Values below a floor are raised."""
        x = self.x[rows]
        seen = np.count_nonzero(x, axis=0)
        cols = np.flatnonzero(seen)
        xs = x[:, cols]
        scale = np.array([np.sqrt(np.mean(c[c != 0] ** 2)) for c in xs.T])
        xs = xs / scale
        names = [self.nodes[c] for c in cols]
        root = np.array(["/" not in n for n in names])
        lam = np.where(root, LAMBDA_ROOT, LAMBDA_CHILD if self.lam_child is None else self.lam_child)
        lam = lam * np.array([self.backend_factor if _backend_level(n) else 1.0 for n in names])
        target = np.where(root, LAMBDA_ROOT * np.array([PRIORS.get(n, 0.0) for n in names]) * scale, 0.0)
        weights = np.ones(len(xs))
        for _ in range((ROBUST_ITERATIONS if self.robust is None else self.robust) + 1):
            a = np.vstack([xs * weights[:, None], np.diag(lam)])
            beta_s = np.linalg.lstsq(a, np.concatenate([weights, target]), rcond=None)[0]
            resid = np.abs(xs @ beta_s - 1.0)
            weights = np.sqrt(np.minimum(1.0, HUBER / np.maximum(resid, 1e-12)))
        delta = np.zeros(len(self.nodes))
        delta[cols] = beta_s / scale
        cum = np.zeros(len(self.nodes))
        coef = np.zeros(len(self.nodes))
        values: dict[str, float] = {}
        for i, n in enumerate(self.nodes):  # sorted: a parent comes before its children
            p = self.parent[i]
            cum[i] = delta[i] + (cum[p] if p >= 0 else 0.0)
            floor = FLOOR.get(n.split("/")[0], 0.0)
            if seen[i]:
                coef[i] = max(floor, cum[i])
                values[n] = float(coef[i])
            else:  # unseen in these runs: Table.coef falls back to the nearest seen ancestor
                coef[i] = coef[p] if p >= 0 else max(floor, DEFAULTS.get(n, 0.0))
        counts = {self.nodes[c]: int(seen[c]) for c in cols}
        return Table(values, counts), coef

    def predicted(self, coef: np.ndarray, rows: np.ndarray) -> np.ndarray:
        """Predicted over measured time of the given runs."""
        return self.leaf[rows] @ coef


def predict(table: Table, terms: list[Term]) -> float:
    return sum(table.coef(t.key) * t.value for t in terms)


@dataclass
class Fit:
    decode: Table
    prefill: Table
    ranges: dict[str, tuple[float, float]]
    range_points: dict[str, int]


def _quantile(xs: list[float], q: float) -> float:
    s = sorted(xs)
    k = (len(s) - 1) * q
    lo = int(k)
    hi = min(lo + 1, len(s) - 1)
    return s[lo] + (s[hi] - s[lo]) * (k - lo)


class Model:
    """The decode and prefill designs for a list of runs; fits on any subset of its sources."""

    def __init__(self, obs: list[Obs]) -> None:
        self.obs = obs
        self.decode = Design(
            [(o.decode, o.t) for o in obs], robust=DECODE_ROBUST_ITERATIONS, backend_factor=DECODE_BACKEND_FACTOR
        )
        self.pre_rows = np.array([i for i, o in enumerate(obs) if o.prefill and o.tp], dtype=int)
        self.prefill = Design([(obs[i].prefill or [], obs[i].tp or 1.0) for i in self.pre_rows], PREFILL_LAMBDA_CHILD)
        self.groups = np.array([o.group for o in obs])
        self.regimes = np.array([o.regime for o in obs])
        self.roof = np.array([o.roof / o.t for o in obs])  # roofline time over measured time

    def ratios(self, coef: np.ndarray, rows: np.ndarray) -> np.ndarray:
        """Measured over expected decode speed (the expected value capped at the roofline)."""
        return np.maximum(self.decode.predicted(coef, rows), self.roof[rows])

    def fit(self, keep: np.ndarray | None = None, *, ranges: bool = True) -> tuple[Fit, np.ndarray, np.ndarray]:
        """Tables fitted on the kept runs (and the coefficient vectors); the range is the LO_Q-HI_Q
        quantile of measured / expected over the kept runs, each predicted by a fit that left its own
        source out (what a user on hardware the data lacks can expect), per regime (where a regime has
        fewer than RANGE_MIN runs: all regimes' runs, widened to its own spread)."""
        keep = np.ones(len(self.obs), dtype=bool) if keep is None else keep
        decode, dcoef = self.decode.fit(np.flatnonzero(keep))
        pre_keep = np.flatnonzero(keep[self.pre_rows])
        prefill, pcoef = self.prefill.fit(pre_keep)
        out: dict[str, tuple[float, float]] = {}
        points: dict[str, int] = {}
        if ranges:
            rs: dict[str, list[float]] = {}
            for g in sorted(set(self.groups[keep])):
                inner = np.flatnonzero(keep & (self.groups != g))
                held = np.flatnonzero(keep & (self.groups == g))
                _, c = self.decode.fit(inner)
                for i, r in zip(held, self.ratios(c, held), strict=True):
                    # per regime only: a range per backend as well covered fewer left-out runs (71% against 84%)
                    rs.setdefault(str(self.regimes[i]), []).append(float(r))
            pooled = [r for v in rs.values() for r in v]
            for key in ("gpu", "multi-gpu", "offload", "cpu"):
                own = rs.get(key, [])
                use = own if len(own) >= RANGE_MIN else pooled
                lo, hi = _quantile(use, LO_Q), _quantile(use, HI_Q)
                if 3 <= len(own) < RANGE_MIN:
                    lo, hi = min(lo, _quantile(own, LO_Q)), max(hi, _quantile(own, HI_Q))
                out[key] = (round(min(0.9, lo), 2), round(max(1.1, hi), 2))
                points[key] = len(own)
        return Fit(decode, prefill, out, points), dcoef, pcoef


def fit(obs: list[Obs]) -> Fit:
    return Model(obs).fit()[0]


@dataclass
class Held:
    obs: Obs
    predicted: float  # decode tokens/s from a fit without this point's source
    inside: bool  # the measured speed lies in that fit's low-high range
    prefill: float | None = None  # prompt tokens/s, likewise
    above_roof: bool = False


def expected_tps(f: Fit, o: Obs) -> tuple[float, float, float]:
    roof = 1.0 / o.roof
    exp = min(roof, 1.0 / predict(f.decode, o.decode))
    lo, hi = range_for(f.ranges, o.regime, o.backend)
    return exp, exp * lo, min(roof, exp * hi)


def cross_validate(obs: list[Obs], *, ranges: bool = True) -> list[Held]:
    """Leave one source out: fit on every other source (its range from those sources' own left-out
    predictions: nested), predict this one's runs."""
    m = Model(obs)
    out: list[Held] = []
    pre_pos = {int(i): k for k, i in enumerate(m.pre_rows)}
    for group in sorted(set(m.groups)):
        f, dcoef, pcoef = m.fit(m.groups != group, ranges=ranges)
        held = np.flatnonzero(m.groups == group)
        for i, ratio in zip(held, m.ratios(dcoef, held), strict=True):
            o = obs[i]
            exp = (1.0 / o.t) / ratio  # measured speed / (predicted time / measured time)
            lo, hi = range_for(f.ranges, o.regime, o.backend)
            pp = None
            if i in pre_pos:
                k = np.array([pre_pos[i]])
                pp = (1.0 / (o.tp or 1.0)) / float(m.prefill.predicted(pcoef, k)[0])
            inside = exp * lo <= 1.0 / o.t <= min(1.0 / o.roof, exp * hi)
            out.append(Held(o, exp, inside, pp, exp > 1.0 / o.roof * (1 + 1e-9)))
    return out


def _p90(errs: list[float]) -> float:
    s = sorted(errs)
    return s[min(len(s) - 1, int(0.9 * len(s)))]


CATEGORIES = ("all", "dense", "MoE", "multi-GPU", "offload", "CPU", "Apple", "AMD", "Intel", "NVIDIA", "depth")


def category_rows(held: list[Held]) -> list[tuple[str, int, float, float, float, int, float | None]]:
    """(category, decode points, median, p90, share in range, prefill points, prefill median) per category."""
    rows = []
    for cat in CATEGORIES:
        hs = [h for h in held if cat == "all" or cat in h.obs.cats]
        if not hs:
            continue
        errs = [abs(h.predicted * h.obs.t - 1.0) for h in hs]
        pe = [abs(h.prefill * h.obs.tp - 1.0) for h in hs if h.prefill and h.obs.tp]
        inside = sum(h.inside for h in hs) / len(hs)
        rows.append(
            (cat, len(hs), statistics.median(errs), _p90(errs), inside, len(pe), statistics.median(pe) if pe else None)
        )
    return rows


def cv_report(held: list[Held]) -> list[str]:
    lines = [f"{'category':10} {'decode':>6} {'median':>7} {'p90':>7} {'in range':>9} {'prefill':>8} {'median':>7}"]
    for cat, n, med, p90, inside, npp, pmed in category_rows(held):
        pm = f"{pmed:7.1%}" if pmed is not None else "      -"
        lines.append(f"{cat:10} {n:6} {med:7.1%} {p90:7.1%} {inside:9.0%} {npp:8} {pm}")
    return lines


def _table_text(name: str, t: Table) -> str:
    vals = "".join(f'        "{k}": {v:.4g},\n' for k, v in sorted(t.values.items()))
    cnts = "".join(f'        "{k}": {v},\n' for k, v in sorted(t.counts.items()))
    return f"{name} = Table(\n    {{\n{vals}    }},\n    {{\n{cnts}    }},\n)\n"


BEGIN = "# --- fitted by tests/bench/calibrate.py (`make calibrate` rewrites this block) ---"
END = "# --- end of fitted tables ---"


def tables_text(f: Fit, runs: int, sources: int) -> str:
    return (
        f"{BEGIN}\n# {runs} llama-bench runs from {sources} sources (data/reference/speed_points*.toml)\n"
        + _table_text("DECODE", f.decode)
        + _table_text("PREFILL", f.prefill)
        + "# measured/expected decode at the 5th and 95th percentile, each run predicted without its own source\n"
        + "RANGES: dict[str, tuple[float, float]] = {\n"
        + "".join(f'    "{k}": {v!r},\n' for k, v in f.ranges.items())
        + "}\n"
        + f"RANGE_POINTS: dict[str, int] = {f.range_points!r}\n"
        + END
    )


def write_tables(text: str) -> Path:
    path = Path(__file__).resolve().parents[2] / "llmtui" / "core" / "estimate" / "calibration.py"
    src = path.read_text()
    start, end = src.index(BEGIN), src.index(END) + len(END)
    path.write_text(src[:start] + text + src[end:])
    return path


README_BEGIN, README_END = "<!-- speed-cv -->", "<!-- /speed-cv -->"


def readme_table(held: list[Held]) -> str:
    """The README's table of leave-one-source-out figures by category (between its speed-cv markers)."""
    lines = [
        "| category | decode runs | median | p90 | in range | prefill runs | prefill median |",
        "|---|---|---|---|---|---|---|",
    ]
    for cat, n, med, p90, inside, npp, pmed in category_rows(held):
        pm = "-" if pmed is None else f"{pmed * 100:.1f}%"
        lines.append(f"| {cat} | {n} | {med * 100:.1f}% | {p90 * 100:.1f}% | {inside * 100:.0f}% | {npp} | {pm} |")
    return "\n".join(lines)


def write_readme_table(held: list[Held]) -> Path:
    path = Path(__file__).resolve().parents[2] / "README.md"
    src = path.read_text()
    start, end = src.index(README_BEGIN) + len(README_BEGIN), src.index(README_END)
    path.write_text(src[:start] + "\n" + readme_table(held) + "\n" + src[end:])
    return path


def main() -> int:
    catalog = load_catalog()
    left_out: list[Obs] = []
    obs, skipped = observations(catalog, left_out)
    groups = len({o.group for o in obs})
    if "--cv" in sys.argv:
        held = cross_validate(obs)
        print(f"leave-one-source-out over {groups} sources, {len(held)} runs predicted")
        print("\n".join(cv_report(held)))
        return 0
    f = fit(obs)
    print(f"{'run':78} {'measured':>9} {'fitted':>8} {'error':>7} {'pp err':>7}")
    errors, perrs = [], []
    for o in obs:
        exp, _, _ = expected_tps(f, o)
        err = exp * o.t - 1.0
        errors.append(abs(err))
        pe = ""
        if o.prefill and o.tp:
            e = 1.0 / predict(f.prefill, o.prefill) * o.tp - 1.0
            perrs.append(abs(e))
            pe = f"{e:+7.1%}"
        print(f"{o.label[:78]:78} {1 / o.t:9.1f} {exp:8.1f} {err:+7.1%} {pe:>7}")
    print(
        f"\n{len(obs)} decode runs fitted from {groups} sources: "
        f"median |error| {statistics.median(errors):.1%} (in-sample)"
    )
    print(f"{len(perrs)} prefill runs fitted: median |error| {statistics.median(perrs):.1%} (in-sample)")
    if left_out:
        errs = [expected_tps(f, o)[0] * o.t - 1.0 for o in left_out]
        print(
            f"\n{len(left_out)} excluded runs, against this fit (not part of it): median error "
            f"{statistics.median(errs):+.1%}, median |error| {statistics.median(abs(e) for e in errs):.1%}"
        )
        for o, e in zip(left_out, errs, strict=True):
            print(f"  {o.label[:78]:78} {1 / o.t:9.1f} {e:+7.1%}")
    print(f"\nskipped {len(skipped)}:")
    for s in skipped:
        print(f"  {s}")
    text = tables_text(f, len(obs), groups)
    if "--write" in sys.argv:
        print(f"\nwrote the tables to {write_tables(text)}")
    else:
        print("\n" + text)
    held = cross_validate(obs)
    print(f"\ncross-validated, leave-one-source-out ({groups} sources, {len(held)} runs):")
    print("\n".join(cv_report(held)))
    if "--write" in sys.argv:
        print(f"wrote the table to {write_readme_table(held)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
