"""Scores from a leaderboard export the user downloaded (`llmtui scores import FILE`), as score tables
for the user's scores/ folder, each for a Hugging Face repo id and keeping its source and date.

Formats read, each checked against a real file or the publisher's documented shape:
- Artificial Analysis API responses (`/api/v2/data/llms/models`, `/api/v2/language/models`): `data[]`
  with `evaluations{}`; no repo ids, so names and slugs are matched through data/reference/aa_models.toml;
  per-benchmark values are fractions (stored as percent).
- Every Eval Ever records (EvalEval; schema 0.2-0.3, one record, a list, or JSON Lines): `model_info.id`
  in Hugging Face form, `evaluation_results[]` on the scale their metric_config declares.
- LMArena leaderboard tables (CSV: model_name, rating, category, leaderboard_publish_date, ...): arena
  ratings (scale "elo"), one column per category and publish date.
- Open LLM Leaderboard v2 exports (CSV: fullname, IFEval, BBH, ...): exact repo ids.

A model is matched by its repo id exactly (case aside); then by the name part of the repo
("alibaba/qwen3-235b-a22b-instruct-2507" -> Qwen/Qwen3-235B-A22B-Instruct-2507) or a catalogue id, only
when one catalogue model has it. Nothing is fuzzy-matched: what does not match is listed."""

from __future__ import annotations

import csv
import datetime as _dt
import io
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from .boundary.text import one_line
from .catalog.schema import is_hf_repo_id
from .catalog.types import Catalog

AA_SITE = "https://artificialanalysis.ai/"
# AA evaluation key -> (benchmark, version, is a fraction)
AA_FIELDS = {
    "artificial_analysis_intelligence_index": ("AA Intelligence Index", "", False),
    "artificial_analysis_coding_index": ("AA Coding Index", "", False),
    "artificial_analysis_math_index": ("AA Math Index", "", False),
    "artificial_analysis_agentic_index": ("AA Agentic Index", "", False),
    "livecodebench": ("LiveCodeBench", "AA", True),
    "scicode": ("SciCode", "AA", True),
    "gpqa": ("GPQA Diamond", "AA", True),
    "mmlu_pro": ("MMLU-Pro", "AA", True),
    "ifbench": ("IFBench", "AA", True),
    "aime": ("AIME", "AA", True),
    "aime_25": ("AIME 2025", "AA", True),
    "math_500": ("MATH-500", "AA", True),
    "hle": ("Humanity's Last Exam", "AA", True),
    "lcr": ("AA-LCR", "AA", True),
    "tau2": ("tau2-Bench", "AA", True),
    "terminalbench_hard": ("Terminal-Bench Hard", "AA", True),
}
OLL_V2 = ("IFEval", "BBH", "MATH Lvl 5", "GPQA", "MUSR", "MMLU-PRO")


class ScoresImportError(ValueError):
    """A file that is not an export llmtui reads, in one sentence naming it."""


@dataclass
class Imported:
    format: str
    scores: list[dict[str, Any]] = field(default_factory=list)  # tables of USER_SCORE_SPEC
    models: dict[str, str] = field(default_factory=dict)  # source name -> repo id
    unmatched: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def read_export(path: Path, catalog: Catalog, *, date: str = "", index_version: str = "") -> Imported:
    """Every score in the export that belongs to an open model with a repo id."""
    got = _read(path, catalog, date, index_version)
    got.unmatched = list(dict.fromkeys(got.unmatched))  # a model in several categories is named once
    return got


def _read(path: Path, catalog: Catalog, date: str, index_version: str) -> Imported:
    from .boundary import InputError
    from .boundary.reader import loads_json, read_text

    try:
        text = read_text(path, what="leaderboard export")
    except InputError as e:
        raise ScoresImportError(str(e)) from None
    name = one_line(Path(path).name, limit=120)
    today = date or _dt.date.today().isoformat()
    stripped = text.lstrip()
    if stripped[:1] in ("{", "["):
        try:
            data = loads_json(text, str(path))
        except InputError:
            data = _json_lines(text, str(path))
        if isinstance(data, dict) and isinstance(data.get("data"), list):
            return _aa(data["data"], catalog, name, today, index_version)
        records = data if isinstance(data, list) else [data]
        if records and all(isinstance(r, dict) and "evaluation_results" in r for r in records):
            return _eee(records, catalog, name)
        if isinstance(data, dict) and isinstance(data.get("metrics"), list) and "eval_summary_id" in data:
            return _eee(_card_backend_records(data), catalog, name, "EvalEval card_backend eval file")
        if isinstance(data, dict) and data and all(_is_arena_category(v) for v in data.values()):
            return _arena_catalog(data, catalog, name, date)
        raise ScoresImportError(
            f"{path}: a JSON file llmtui does not read (expected an Artificial Analysis API response with data[], "
            "Every Eval Ever records with evaluation_results, an EvalEval card_backend evals/*.json file, or "
            "LMArena's arena-catalog leaderboard JSON)"
        )
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    columns = set(rows[0]) if rows else set()
    if {"model_name", "rating"} <= columns:
        return _arena(rows, catalog, name)
    if "fullname" in columns:
        return _oll(rows, catalog, name, today)
    raise ScoresImportError(
        f"{path}: not an export llmtui reads (an Artificial Analysis API response, Every Eval Ever records, "
        "an LMArena table with model_name and rating, or an Open LLM Leaderboard v2 CSV)"
    )


def _json_lines(text: str, where: str) -> list[Any]:
    from .boundary import InputError
    from .boundary.reader import loads_json

    out = []
    for n, line in enumerate(text.splitlines(), 1):
        if line.strip():
            try:
                out.append(loads_json(line, f"{where} line {n}"))
            except InputError as e:
                raise ScoresImportError(str(e)) from None
    return out


# --- matching -------------------------------------------------------------------------------------------


class _Matcher:
    def __init__(self, catalog: Catalog) -> None:
        self.repos = {m.hf_repo.lower(): m.hf_repo for m in catalog.models if m.hf_repo}
        parts: dict[str, set[str]] = {}
        for m in catalog.models:
            if m.hf_repo:
                for key in (m.hf_repo.split("/")[1].lower(), m.id.lower()):
                    parts.setdefault(key, set()).add(m.hf_repo)
        self.unique = {k: next(iter(v)) for k, v in parts.items() if len(v) == 1}

    def repo(self, ident: str, *, exact_is_repo: bool = False) -> str | None:
        """The catalogue repo an id or key names; with exact_is_repo, a well-formed repo id the
        catalogue lacks is kept too (it applies once the user adds the model)."""
        t = ident.strip()
        if t.lower() in self.repos:
            return self.repos[t.lower()]
        tail = t.split("/")[-1].lower()
        if tail in self.unique:
            return self.unique[tail]
        if exact_is_repo and is_hf_repo_id(t):
            return t
        return None


@lru_cache(maxsize=1)
def _aa_names() -> dict[str, tuple[str, str]]:
    """AA name or slug (lowercase) -> (repo, variant), from data/reference/aa_models.toml."""
    from .paths import bundled_data_dir

    try:
        rows = tomllib.loads((bundled_data_dir() / "reference" / "aa_models.toml").read_text("utf-8"))["models"]
    except (OSError, tomllib.TOMLDecodeError, KeyError):
        return {}
    out: dict[str, tuple[str, str]] = {}
    for r in rows:
        for key in (r.get("aa_name", ""), r.get("aa_slug", "")):
            if key:
                out.setdefault(str(key).lower(), (str(r["hf_repo"]), str(r.get("variant", ""))))
    return out


EFFORTS = ("minimal", "low", "medium", "high", "xhigh", "max")


def _variant(name: str) -> str:
    """AA's run label from its display name, spelled as the catalogue spells it: '(Reasoning, High
    Effort)' -> 'reasoning, high effort', '(high)' -> 'reasoning, high effort', '(Non-reasoning)'."""
    if "(" not in name or not name.endswith(")"):
        return ""
    label = name[name.rindex("(") + 1 : -1].strip().lower()
    if label in EFFORTS:
        return f"reasoning, {label} effort"
    if label in ("reasoning", "non-reasoning") or (label.startswith("reasoning, ") and label.endswith(" effort")):
        return label
    return ""


# --- the formats ----------------------------------------------------------------------------------------


def _aa(rows: list[Any], catalog: Catalog, name: str, today: str, index_version: str) -> Imported:
    out = Imported("Artificial Analysis API response")
    match, aa = _Matcher(catalog), _aa_names()
    for row in rows:
        if not isinstance(row, dict) or not isinstance(row.get("evaluations"), dict):
            continue
        shown = one_line(row.get("name") or row.get("slug") or "?", limit=120)
        creator = _obj(row, "model_creator")
        repo, variant = None, _variant(shown)
        for key in (shown, str(row.get("slug", ""))):
            if key.lower() in aa:
                repo, known_variant = aa[key.lower()]
                variant = variant or known_variant
                break
        if repo is None and row.get("slug"):
            repo = match.repo(f"{creator.get('slug', '')}/{row['slug']}")
        if repo is None:
            out.unmatched.append(shown)
            continue
        out.models[shown] = repo
        version = index_version or (
            f"v{row['intelligence_index_version']}" if row.get("intelligence_index_version") else ""
        )
        for key, (bench, bench_version, fraction) in AA_FIELDS.items():
            v = row["evaluations"].get(key)
            if not isinstance(v, int | float) or isinstance(v, bool):
                continue
            value = round(float(v) * 100, 2) if fraction else round(float(v), 2)
            detail = f"AA field {key} for '{shown}', imported from {name} on {today} (the file carries no date)"
            table = _table(repo, shown, bench, value, AA_SITE, today, "independent", detail)
            if bench_version or (version and bench.endswith("Index")):
                table["version"] = bench_version or version
            if variant:
                table["variant"] = variant
            out.scores.append(table)
    unversioned = any(t["benchmark"].endswith("Index") and "version" not in t for t in out.scores)
    if unversioned:
        out.notes.append(
            "the file does not say which version of AA's indices it holds: they form their own column "
            "(pass --index-version v4.1 if you know it)"
        )
    return out


def _card_backend_records(data: dict[str, Any]) -> list[dict[str, Any]]:
    """An EvalEval card_backend evals/<id>.json as Every Eval Ever records: one per model result,
    keyed by raw_model_id (the record's own model_info.id; the card's model_id is lower-cased)."""
    out = []
    for metric in data["metrics"]:
        if not isinstance(metric, dict):
            continue
        for r in metric.get("model_results") or []:
            if not isinstance(r, dict) or not r.get("raw_model_id"):
                continue
            out.append(
                {
                    "model_info": {"id": r["raw_model_id"], "name": r.get("model_name", "")},
                    "source_metadata": _obj(r, "source_metadata"),
                    "retrieved_timestamp": r.get("retrieved_timestamp"),
                    "source_record_url": r.get("source_record_url"),
                    "evaluation_results": [
                        {
                            "evaluation_name": metric.get("evaluation_name") or data.get("evaluation_name"),
                            "metric_config": _obj(metric, "metric_config"),
                            "score_details": {"score": r.get("score")},
                            "source_data": _obj(r, "source_data"),
                        }
                    ],
                }
            )
    return out


def _is_arena_category(v: Any) -> bool:
    return isinstance(v, dict) and bool(v) and all(isinstance(x, dict) and "rating" in x for x in v.values())


def _arena_catalog(data: dict[str, Any], catalog: Catalog, name: str, date: str) -> Imported:
    """LMArena's arena-catalog leaderboard JSON: {category: {model key: {rating, rating_q025, rating_q975}}}."""
    rows = [
        {"model_name": key, "rating": str(v.get("rating")), "category": str(category), "leaderboard_publish_date": date}
        for category, models in data.items()
        for key, v in models.items()
    ]
    out = _arena(rows, catalog, name, "LMArena arena-catalog JSON")
    if not date:
        out.notes.append("the file carries no date: its ratings form an undated column (pass --date)")
    return out


def _eee(records: list[dict[str, Any]], catalog: Catalog, name: str, fmt: str = "Every Eval Ever records") -> Imported:
    out = Imported(fmt)
    match = _Matcher(catalog)
    for rec in records:
        info = _obj(rec, "model_info")
        ident = one_line(info.get("id") or info.get("name") or "?", limit=160)
        details = _obj(info, "additional_details")
        if details.get("model_availability") == "closed_weights":
            out.unmatched.append(f"{ident} (closed weights)")
            continue
        repo = match.repo(ident, exact_is_repo=True)
        if repo is None:
            out.unmatched.append(ident)
            continue
        out.models[ident] = repo
        meta = _obj(rec, "source_metadata")
        source_name = one_line(meta.get("source_name") or meta.get("source_organization_name") or "EEE", limit=80)
        relation = meta.get("evaluator_relationship")
        by = "vendor" if relation == "first_party" else "independent" if relation == "third_party" else ""
        date = _epoch_date(rec.get("retrieved_timestamp"))
        record_url = rec.get("source_record_url")
        for res in rec.get("evaluation_results") or []:
            table = _eee_result(res, repo, ident, source_name, by, date, name, out.notes)
            if table is not None and isinstance(record_url, str) and record_url.startswith("https://"):
                table["source"] = one_line(record_url, limit=400)
            if table is not None:
                out.scores.append(table)
    return out


def _eee_result(
    res: Any, repo: str, ident: str, source_name: str, by: str, date: str, name: str, notes: list[str]
) -> dict[str, Any] | None:
    if not isinstance(res, dict):
        return None
    bench = one_line(res.get("evaluation_name") or "", limit=80)
    cfg = _obj(res, "metric_config")
    details = res.get("score_details")
    score = details.get("score") if isinstance(details, dict) else None
    if not bench or not isinstance(score, int | float) or isinstance(score, bool):
        return None
    if cfg.get("lower_is_better"):
        notes.append(f"{ident}: {bench}: lower is better, not a column llmtui ranks by; skipped")
        return None
    kind = str(cfg.get("metric_kind") or cfg.get("metric_id") or "").lower()
    hi = cfg.get("max_score")
    scale = ""
    if "elo" in kind:
        value, scale = float(score), "elo"
    elif isinstance(hi, int | float) and hi == 1:
        value = float(score) * 100
    elif isinstance(hi, int | float) and hi == 100:
        value = float(score)
    else:
        notes.append(f"{ident}: {bench}: a score on an undeclared scale, skipped")
        return None
    src = _obj(res, "source_data")
    urls = src.get("url") if isinstance(src.get("url"), list) else []
    source = one_line(urls[0], limit=300) if urls else f"Every Eval Ever record ({source_name})"
    detail = f"{source_name} via Every Eval Ever, model '{ident}', imported from {name}"
    table = _table(repo, ident, bench, round(value, 2), source, date, by, detail)
    table["version"] = source_name
    if scale:
        table["scale"] = scale
    return table


def _arena(rows: list[dict[str, str]], catalog: Catalog, name: str, fmt: str = "LMArena leaderboard table") -> Imported:
    out = Imported(fmt)
    match = _Matcher(catalog)
    for n, row in enumerate(rows, 2):
        key = one_line(row.get("model_name") or "", limit=120)
        repo = match.repo(key)
        if repo is None:
            out.unmatched.append(key or f"line {n}")
            continue
        try:
            rating = float(row.get("rating") or "")
        except ValueError:
            out.notes.append(f"line {n}: {key}: rating '{one_line(row.get('rating'), limit=20)}' is not a number")
            continue
        if not 0 < rating < 5000:
            out.notes.append(f"line {n}: {key}: rating {rating:g} is not an arena rating")
            continue
        out.models[key] = repo
        category = one_line(row.get("category") or "overall", limit=40)
        published = one_line(row.get("leaderboard_publish_date") or "", limit=10)
        detail = f"LMArena rating, category {category}, votes {one_line(row.get('vote_count') or '?', limit=12)}"
        bench = "LMArena" if category in ("overall", "full", "text") else f"LMArena {category}"
        table = _table(
            repo, key, bench, round(rating, 1), "https://lmarena.ai/leaderboard", published, "independent", detail
        )
        table["scale"] = "elo"
        if published:
            table["version"] = published
        out.scores.append(table)
    return out


def _oll(rows: list[dict[str, str]], catalog: Catalog, name: str, today: str) -> Imported:
    out = Imported("Open LLM Leaderboard v2 export")
    match = _Matcher(catalog)
    for n, row in enumerate(rows, 2):
        ident = one_line(row.get("fullname") or "", limit=160)
        repo = match.repo(ident, exact_is_repo=True) if is_hf_repo_id(ident) else None
        if repo is None:
            out.unmatched.append(ident or f"line {n} (no fullname)")
            continue
        out.models[ident] = repo
        for bench in OLL_V2:
            try:
                value = float(row.get(bench) or "")
            except ValueError:
                continue
            if 0 <= value <= 100:
                detail = f"normalised score as the leaderboard shows it; imported from {name} on {today}"
                table = _table(
                    repo,
                    ident,
                    bench,
                    round(value, 2),
                    "https://huggingface.co/spaces/open-llm-leaderboard/open_llm_leaderboard",
                    today,
                    "independent",
                    detail,
                )
                table["version"] = "Open LLM Leaderboard v2"
                out.scores.append(table)
    return out


def _table(
    repo: str, shown: str, bench: str, value: float, source: str, date: str, by: str, detail: str
) -> dict[str, Any]:
    t: dict[str, Any] = {"hf_repo": repo, "name": shown, "benchmark": bench, "value": value, "source": source}
    if date:
        t["date"] = date
    if by:
        t["measured_by"] = by
    t["detail"] = detail
    return t


def _obj(d: Any, key: str) -> dict[str, Any]:
    """d[key] when it is a JSON object, else an empty one (exports leave parts out)."""
    v = d.get(key) if isinstance(d, dict) else None
    return v if isinstance(v, dict) else {}


def _epoch_date(value: Any) -> str:
    try:
        return _dt.datetime.fromtimestamp(float(value), _dt.UTC).date().isoformat()
    except (TypeError, ValueError, OverflowError, OSError):
        return ""
