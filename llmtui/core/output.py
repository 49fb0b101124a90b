"""Rendering core results for the command line: JSON, CSV, Markdown and plain tables.

Pure functions from data to text; the CLI prints what they return.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from typing import Any

from .leaderboard import Row
from .units import GiB, fmt_ctx, fmt_params


def to_json(obj: Any) -> str:
    return json.dumps(obj, indent=2, ensure_ascii=False)


def fmt_gib(n_bytes: float | None, digits: int = 1) -> str:
    return "?" if n_bytes is None else f"{n_bytes / GiB:.{digits}f}"


FIT_LABEL = {"gpu": "GPU", "gpu+cpu": "GPU+CPU", "cpu": "CPU only", "none": "no", "n/a": "n/a"}

ROW_COLUMNS = ("#", "model", "params", "score", "mem GiB", "fit", "t/s", "best quant", "ctx", "license", "released")


def row_cells(rank: int, r: Row) -> list[str]:
    m = r.model
    params = fmt_params(m.active_params_b)
    if m.is_moe:
        params = f"{fmt_params(m.params_b)}/{params}"
    return [
        str(rank),
        m.name,
        params,
        "—" if r.score is None else f"{r.score.value:g}",
        fmt_gib(r.memory_bytes) if r.memory_bytes else "?",
        FIT_LABEL.get(r.status, r.status),
        "—" if r.decode_tps is None else f"{r.decode_tps:.1f}",
        r.best_quant or "—",
        fmt_ctx(m.arch.max_ctx),
        m.license,
        m.released,
    ]


def row_json(rank: int, r: Row) -> dict[str, Any]:
    m = r.model
    return {
        "rank": rank,
        "id": m.id,
        "name": m.name,
        "family": m.family,
        "hf_repo": m.hf_repo,
        "params_total": round(m.params_b * 1e9),
        "params_active": round(m.active_params_b * 1e9),
        "moe": m.is_moe,
        "score": None
        if r.score is None
        else {"benchmark": r.score.benchmark, "value": r.score.value, "source": r.score.source},
        "quant": r.quant,
        "memory_bytes": r.memory_bytes,
        "fit": r.status,
        "decode_tps": None if r.decode_tps is None else round(r.decode_tps, 2),
        "roofline_tps": None if r.roofline_tps is None else round(r.roofline_tps, 2),
        "best_quant": r.best_quant,
        "best_quant_fit": r.best_status,
        "max_ctx": m.arch.max_ctx,
        "license": m.license,
        "released": m.released,
        "tags": list(m.tags),
    }


def rows_json(rows: Sequence[Row]) -> str:
    return to_json([row_json(i, r) for i, r in enumerate(rows, 1)])


def rows_csv(rows: Sequence[Row]) -> str:
    buf = io.StringIO()
    fields = [k for k in row_json(1, rows[0]) if k not in ("score", "tags")] if rows else []
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow([*fields, "score_benchmark", "score", "score_source", "tags"])
    for i, r in enumerate(rows, 1):
        d = row_json(i, r)
        s = d["score"] or {}
        writer.writerow(
            [d[k] for k in fields]
            + [s.get("benchmark", ""), s.get("value", ""), s.get("source", ""), " ".join(d["tags"])]
        )
    return buf.getvalue()


def markdown_table(header: Sequence[str], body: Sequence[Sequence[str]]) -> str:
    def esc(c: str) -> str:
        return c.replace("|", "\\|")

    lines = ["| " + " | ".join(esc(h) for h in header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(esc(c) for c in row) + " |" for row in body]
    return "\n".join(lines) + "\n"


def plain_table(header: Sequence[str], body: Sequence[Sequence[str]]) -> str:
    """A fixed-width table for terminals and pipes (no colour, no box drawing)."""
    widths = [len(h) for h in header]
    for row in body:
        widths = [max(w, len(c)) for w, c in zip(widths, row, strict=True)]
    out = ["  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)).rstrip()]
    out += ["  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in body]
    return "\n".join(out) + "\n"


def rows_table(rows: Sequence[Row], markdown: bool = False) -> str:
    body = [row_cells(i, r) for i, r in enumerate(rows, 1)]
    return (markdown_table if markdown else plain_table)(ROW_COLUMNS, body)
