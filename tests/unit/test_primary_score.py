"""One score scale: the leaderboard ranks by the AA Intelligence Index, an independent measurement
with its version and date; a model without it sorts after those with it, and no column mixes scores."""

from __future__ import annotations

from llmtui.core.build import planned_build
from llmtui.core.catalog import Catalog
from llmtui.core.leaderboard import PRIMARY, default_benchmark, rows, sort_rows
from llmtui.core.output import row_json
from llmtui.core.presets import PRESETS


def test_the_default_ranking_is_the_primary_score(catalog: Catalog) -> None:
    assert default_benchmark(catalog) == f"{PRIMARY} v4.1"  # the column key names the version
    for p in PRESETS:
        if p.key in ("chat", "long", "translation", "production"):
            assert p.benchmark == PRIMARY, p.key


def test_primary_scores_carry_version_date_and_who_measured(catalog: Catalog) -> None:
    scores = [s for m in catalog.models for s in m.scores if s.benchmark == PRIMARY]
    assert len(scores) >= 60
    for s in scores:
        assert s.version == "v4.1" and s.date == "2026-08-16" and s.measured_by == "independent"
        assert s.source.startswith("https://") and "artificialanalysis.ai" in s.detail
    assert len({m.id for m in catalog.models for s in m.scores if s.benchmark == PRIMARY}) == len(scores)


def test_most_models_since_2025_carry_the_primary_score(catalog: Catalog) -> None:
    recent = [m for m in catalog.models if m.released[:4] in ("2025", "2026")]
    with_primary = [m for m in recent if m.has_benchmark(PRIMARY)]
    assert len(with_primary) >= 0.8 * len(recent)


def test_a_model_without_it_sorts_after_and_says_why(catalog: Catalog) -> None:
    rs = sort_rows(rows(catalog, planned_build(catalog, gpu="RTX 4090"), benchmark=PRIMARY), "score")
    seen_none = False
    for r in rs:
        if r.score is None:
            seen_none = True
            assert "no AA Intelligence Index" in row_json(1, r)["score_note"]
        else:
            assert not seen_none, "a scored model after an unscored one"
            assert r.score.key == f"{PRIMARY} v4.1"  # one benchmark, one version per column


def test_no_column_mixes_versions_of_a_benchmark(catalog: Catalog) -> None:
    """A bare name resolves to its most reported version; every row then shows that version only."""
    from llmtui.core.leaderboard import benchmarks, resolve_benchmark

    key = resolve_benchmark(catalog, "LiveCodeBench")
    assert key.startswith("LiveCodeBench ") and key in benchmarks(catalog)
    versions = {s.version for m in catalog.models for s in m.scores if s.benchmark == "LiveCodeBench"}
    assert len(versions) > 1  # the catalogue holds several, so mixing them would be possible
    rs = rows(catalog, planned_build(catalog, gpu="RTX 4090"), benchmark="LiveCodeBench")
    shown = {r.score.key for r in rs if r.score is not None}
    assert shown == {key}
    # the names are normalised: versions live in their own field
    names = {s.benchmark for m in catalog.models for s in m.scores}
    assert not {"AIME 2024", "AIME 2025", "BFCL v3", "Arena-Hard v2", "HumanEval Plus", "MBPP Plus"} & names
    for m in catalog.models:
        for s in m.scores:
            assert s.measured_by in ("vendor", "independent", "seed"), (m.id, s.benchmark)
