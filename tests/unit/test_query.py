"""The filter language: the fast whole-list filter agrees with the one-row predicate, and the terms
mean what the help says."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from llmtui.core.build import Build
from llmtui.core.catalog import Catalog
from llmtui.core.leaderboard import Row, rows
from llmtui.core.query import parse_query

TERMS = [
    "qwen", "llama", "-qwen", "instruct", "size<20", "active<=5", "params>=70", "ctx>=32k", "mem<24", "score>50",
    "tps>=20", "released>=2025", "released<2025-06", "year=2024", "moe", "dense", "fits", "gpu", "offload",
    "cpu-only", "scored", "-moe", "!fits", "use:coding", "-use:vision", "license:apache", "family:qwen",
    "org:meta-llama", "arch:moe",
]  # fmt: skip


@pytest.fixture(scope="module")
def table(catalog: Catalog, rtx4090: Build) -> list[Row]:
    return rows(catalog, rtx4090, with_best=False)


@settings(max_examples=300, deadline=None)
@given(terms=st.lists(st.sampled_from(TERMS), max_size=4))
def test_whole_list_filter_matches_the_row_predicate(terms: list[str], table: list[Row]) -> None:
    q = parse_query(" ".join(terms))
    assert q.filter_rows(table) == [r for r in table if q.matches_row(r)]


def test_numbers_words_and_negation(table: list[Row]) -> None:
    small = parse_query("size<20").filter_rows(table)
    assert small and all(r.model.params_b < 20 for r in small)
    assert len(small) < len(table)
    dense_qwen = parse_query("qwen -moe").filter_rows(table)
    hay = [f"{r.model.name} {r.model.family} {r.model.id} {r.model.hf_repo}".lower() for r in dense_qwen]
    assert dense_qwen and all(not r.model.is_moe for r in dense_qwen) and all("qwen" in h for h in hay)
    on_gpu = parse_query("gpu mem<20").filter_rows(table)
    assert on_gpu and all(r.status == "gpu" and r.memory_bytes < 20 * 2**30 for r in on_gpu)


def test_an_unknown_release_date_never_passes_a_date_comparison(table: list[Row]) -> None:
    unknown = [r for r in table if not r.model.released[:4].isdigit()]
    after = parse_query("released>=1900").filter_rows(unknown)
    assert after == []


def test_filtering_keeps_the_order_and_returns_a_new_list(table: list[Row]) -> None:
    everything = parse_query("").filter_rows(table)
    assert everything == table and everything is not table
    picked = parse_query("fits").filter_rows(table)
    positions = [table.index(r) for r in picked]
    assert positions == sorted(positions)


@settings(max_examples=300, deadline=None)
@given(
    old=st.lists(st.sampled_from([*TERMS, "q", "qw", "l", "ll", "3", "b", "7b", "-"]), max_size=3),
    more=st.text(alphabet="qwenlam37b -:<=!", max_size=6),
)
def test_a_query_typed_on_can_filter_the_last_result(old: list[str], more: str, table: list[Row]) -> None:
    """narrows(old, new) promises that new matches only rows old matched: filtering old's result with
    new then gives exactly what filtering every row does (the filter box types on from the rows the
    last keystroke left)."""
    from llmtui.core.query import QueryError, narrows

    before = " ".join(old)
    try:
        q_old, q_new = parse_query(before), parse_query(before + more)
    except QueryError:
        return
    if narrows(q_old, q_new):
        assert q_new.filter_rows(q_old.filter_rows(table)) == q_new.filter_rows(table)


def test_what_narrows_and_what_does_not() -> None:
    from llmtui.core.query import narrows

    def n(a: str, b: str) -> bool:
        return narrows(parse_query(a), parse_query(b))

    assert n("", "qwen") and n("qw", "qwen") and n("qwen", "qwen 7b") and n("qwen 7", "qwen 7b fits")
    assert n("qwen", "size<20 qwen")  # a new term of another kind only leaves fewer rows
    assert not n("qwen", "qwe")  # backspace: more rows match again
    assert not n("qwen", "-qwen") and not n("-qwen", "-qwen 7")  # a negated word matches fewer as it grows
    assert not n("l -l", "l -ll")  # ... even with the same letters elsewhere in the query
    assert not n("size<20", "size<200") and not n("fits", "fits qwen")  # only plain words are compared
