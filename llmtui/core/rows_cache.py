"""The last leaderboards the app computed, kept in the user's cache directory (JSON, through
llmtui.core.cache_file): a start on the same machine with the same settings shows its rows, best
quants included, without estimating anything.

A leaderboard is read back only under the key it was stored with, which holds everything its rows
depend on: llmtui's version and the files of its core and of the reference data the estimator reads
(path, time, size), the catalogue (for one loaded from files, those files: Catalog.fingerprint; else
its models as the estimator sees them: ids, architectures, active parameters, files), the build less
its live readings (free memory, available RAM and what holds the GPUs: the leaderboard places on
total memory), and the settings. Anything else means "not cached".
Leaderboards with a serving figure (the throughput sort) are not kept: they depend on the query too.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import replace
from functools import lru_cache
from pathlib import Path
from typing import Any

from .build import Build
from .catalog.types import Catalog
from .leaderboard import Row
from .paths import bundled_data_dir

FILE = "rows.json"
KEEP = 8  # leaderboards kept (the builds and settings a user switches between)


@lru_cache(maxsize=1)
def _code_stamp() -> str:
    core = Path(__file__).resolve().parent
    paths = sorted(core.rglob("*.py")) + sorted((bundled_data_dir() / "reference").glob("gguf_sizes*.toml"))
    h = hashlib.sha256()
    for p in paths:
        try:
            st = p.stat()
        except OSError:
            continue
        h.update(f"{p.name}:{st.st_mtime_ns}:{st.st_size};".encode())
    return h.hexdigest()[:24]


_digests: dict[int, tuple[list[Any], str]] = {}  # id(catalog.models) -> (that list, its digest)


def _catalog_digest(catalog: Catalog) -> str:
    if catalog.fingerprint:  # loaded from files: what they were is what the models are
        return catalog.fingerprint
    known = _digests.get(id(catalog.models))
    if known is not None and known[0] is catalog.models:
        return known[1]
    from .estimate.cache import _arch_key

    h = hashlib.sha256()
    for m in catalog.models:
        h.update(f"{m.id}|{_arch_key(m.arch)}|{m.active_params_b!r}|{m.hf_repo}|{m.files!r}\n".encode())
    digest = h.hexdigest()[:24]
    _digests.clear()  # one catalogue at a time
    _digests[id(catalog.models)] = (catalog.models, digest)
    return digest


def _steady(build: Build) -> Build:
    """The build without what changes from one second to the next."""
    gpus = tuple(replace(g, free_bytes=None) for g in build.gpus)
    return replace(build, gpus=gpus, ram_available_bytes=None, holders=())


def key(catalog: Catalog, build: Build, *, quant: str, ctx: int, kv_type: str, engine: str) -> str:
    from .. import __version__

    settings = [quant, ctx, kv_type, engine]
    text = json.dumps(
        [__version__, _code_stamp(), _catalog_digest(catalog), repr(_steady(build)), settings],
        separators=(",", ":"),
    )
    return hashlib.sha256(text.encode()).hexdigest()


_memo: tuple[tuple[str, int, int], dict[str, Any]] | None = None  # the file as last read or written


def _stamp() -> tuple[str, int, int] | None:
    """The file's path, time and size: a change to any means read it again."""
    from .paths import user_cache_dir

    path = user_cache_dir() / FILE
    try:
        st = path.stat()
    except OSError:
        return None
    return str(path), st.st_mtime_ns, st.st_size


def _stored() -> dict[str, Any]:
    """The kept leaderboards: read once, and again only when the file changed (another llmtui wrote)."""
    global _memo
    from . import cache_file

    stamp = _stamp()
    if stamp is None:
        return {}
    if _memo is not None and _memo[0] == stamp:
        return _memo[1]
    stored = cache_file.read(FILE, "rows-v1")
    table = stored if isinstance(stored, dict) else {}
    _memo = (stamp, table)
    return table


def _encode(r: Row) -> list[Any]:
    return [r.quant, r.memory_bytes, r.status, r.decode_tps, r.roofline_tps, r.best_quant, r.best_status]


def read(
    catalog: Catalog,
    build: Build,
    *,
    quant: str,
    ctx: int,
    kv_type: str,
    engine: str,
    benchmark: str | None = None,
) -> list[Row] | None:
    """The rows leaderboard.rows() (and with_best_quants(), when it ran) gave for these arguments, as
    stored, or None."""
    from .leaderboard import default_benchmark, resolve_benchmark

    entry = _stored().get(key(catalog, build, quant=quant, ctx=ctx, kv_type=kv_type, engine=engine))
    if not isinstance(entry, list) or len(entry) != len(catalog.models):
        return None
    benchmark = resolve_benchmark(catalog, benchmark) if benchmark else default_benchmark(catalog)
    out = []
    try:
        for m, (quant, mem, status, tps, roof, bq, bstatus) in zip(catalog.models, entry, strict=True):
            out.append(
                Row(
                    model=m,
                    score=m.score(benchmark),
                    quant=str(quant),
                    memory_bytes=int(mem),
                    status=str(status),
                    decode_tps=None if tps is None else float(tps),
                    roofline_tps=None if roof is None else float(roof),
                    best_quant=None if bq is None else str(bq),
                    best_status=str(bstatus),
                    benchmark=benchmark,
                )
            )
    except (TypeError, ValueError):
        return None
    return out


def write(catalog: Catalog, build: Build, rows: list[Row], *, quant: str, ctx: int, kv_type: str, engine: str) -> None:
    """Keep these rows (one per catalogue model, in its order) with the KEEP - 1 latest others. Rows
    whose best quant is still PENDING are kept as such (a run that ended before the search did); the
    full rows replace them when they come."""
    global _memo
    from . import cache_file

    if [r.model.id for r in rows] != [m.id for m in catalog.models]:
        return  # a subset or another order: not the leaderboard read() rebuilds
    table = dict(_stored())
    k = key(catalog, build, quant=quant, ctx=ctx, kv_type=kv_type, engine=engine)
    table.pop(k, None)
    table[k] = [_encode(r) for r in rows]
    table = dict(list(table.items())[-KEEP:])
    cache_file.write(FILE, "rows-v1", table)
    stamp = _stamp()
    _memo = (stamp, table) if stamp is not None else None
