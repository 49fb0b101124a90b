"""core.memo.IdentityMemo: one value per (these very objects, extra), worked out once."""

from __future__ import annotations

from dataclasses import dataclass

from llmtui.core.memo import IdentityMemo


@dataclass(frozen=True)
class Thing:
    name: str


def test_the_same_objects_get_the_kept_value_and_equal_copies_are_worked_out_again() -> None:
    memo: IdentityMemo[str] = IdentityMemo(8)
    calls: list[str] = []

    def make(t: Thing, extra: str) -> str:
        calls.append(f"{t.name}/{extra}")
        return f"{t.name}:{extra}"

    a, twin = Thing("a"), Thing("a")
    assert twin == a and twin is not a
    assert memo.get((a,), "q", lambda: make(a, "q")) == "a:q"
    assert memo.get((a,), "q", lambda: make(a, "q")) == "a:q"  # kept
    assert memo.get((a,), "r", lambda: make(a, "r")) == "a:r"  # extra counts by value
    assert memo.get((twin,), "q", lambda: make(twin, "q")) == "a:q"  # another object: worked out again
    assert calls == ["a/q", "a/r", "a/q"] and len(memo) == 3


def test_an_entry_holds_its_objects_and_the_limit_starts_again_empty() -> None:
    memo: IdentityMemo[int] = IdentityMemo(2)
    kept = memo.get((Thing("x"),), None, lambda: 1)  # nothing else refers to that Thing
    assert kept == 1 and len(memo) == 1
    # the entry holds it, so no new object can take its id and be answered with its value
    fresh = [memo.get((Thing(str(i)),), None, lambda: 2) for i in range(3)]
    assert fresh == [2, 2, 2] and len(memo) <= 2  # past the limit the memo started again
    memo.clear()
    assert len(memo) == 0
