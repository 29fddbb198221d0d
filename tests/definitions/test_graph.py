"""The design graph: allowed moves through optional and unobservable steps, order, verdicts."""

from __future__ import annotations

from typing import Any

from journeyscope.definitions import Journey
from journeyscope.definitions.graph import (
    allowed_entries,
    allowed_moves,
    back_edges,
    find_cycle,
    judge,
    move_table,
    observable_steps,
    ranks,
)


def journey(
    steps: list[str | dict[str, Any]],
    transitions: list[tuple[str, str]] | None = None,
    **extra: Any,
) -> Journey:
    specs = [{"id": s} if isinstance(s, str) else dict(s) for s in steps]
    for spec in specs:
        spec.setdefault("name", spec["id"])
        spec.setdefault("activities", [spec["id"].upper()])
    return Journey.model_validate(
        {
            "id": "j",
            "name": "J",
            "job_to_be_done": "x",
            "outcome": {"description": "done", "step": specs[-1]["id"]},
            "stages": [{"id": "s", "name": "S", "steps": specs}],
            "transitions": [
                {"from": a, "to": b, "loop": a == "c" and b == "a"} for a, b in transitions or []
            ],
            **extra,
        }
    )


def test_moves_pass_through_optional_and_unobservable_steps_only() -> None:
    j = journey(["a", {"id": "b", "optional": True}, {"id": "u", "activities": []}, "c", "d"])
    assert ("a", "c") in allowed_moves(j)  # b optional, u unobservable
    assert ("a", "d") not in allowed_moves(j)  # c is mandatory
    assert "u" not in observable_steps(j)


def test_entries_extend_through_passable_steps() -> None:
    j = journey([{"id": "a", "optional": True}, "b", "c"], entries=["a"])
    assert allowed_entries(j) == {"a", "b"}


def test_ranks_keep_the_listed_order_where_the_flow_allows() -> None:
    j = journey(["a", "b", "c", "d"], [("a", "c"), ("c", "b"), ("b", "d")])
    assert list(ranks(j)) == ["a", "c", "b", "d"]


def test_cycles_ignore_loops() -> None:
    assert find_cycle(journey(["a", "b", "c"], [("a", "b"), ("b", "c"), ("c", "a")])) is None
    j = journey(["a", "b", "c"], [("a", "b"), ("b", "a")])
    assert find_cycle(j) == ["a", "b", "a"]


def test_verdicts() -> None:
    j = journey(
        ["a", "b1", "b2", "c", "d"],
        [("a", "b1"), ("a", "b2"), ("b1", "c"), ("b2", "c"), ("c", "d")],
    )
    assert judge(j, None, "a").relation == "entry"
    midway = judge(j, None, "c")
    assert (midway.relation, midway.skipped) == ("midway", ("a", "b1"))
    assert judge(j, "a", "b2").relation == "allowed"
    skip = judge(j, "a", "d")
    assert (skip.relation, skip.skipped, skip.allowed) == ("skip", ("b1", "c"), False)
    assert judge(j, "d", "b1").relation == "back"
    assert judge(j, "b1", "b2").relation == "cross"


def test_the_move_table_covers_every_pair_and_entry() -> None:
    j = journey(["a", "b", "c"])
    table = move_table(j)
    assert len(table) == 3 * 3  # 3 entries + 3 * 2 moves between different steps
    assert {(m.source, m.target) for m in table if m.allowed} == {
        (None, "a"),
        ("a", "b"),
        ("b", "c"),
    }


def looped(transitions: list[tuple[str, str, bool]], steps: str = "abc") -> Journey:
    return Journey.model_validate(
        {
            "id": "j",
            "name": "J",
            "job_to_be_done": "x",
            "outcome": {"description": "done", "step": steps[-1]},
            "stages": [
                {
                    "id": "s",
                    "name": "S",
                    "steps": [{"id": s, "name": s, "activities": [s.upper()]} for s in steps],
                }
            ],
            "transitions": [{"from": a, "to": b, "loop": loop} for a, b, loop in transitions],
        }
    )


def test_a_designed_loop_is_one_back_edge_from_the_later_step() -> None:
    j = looped([("a", "b", False), ("b", "c", False), ("c", "a", True)])
    assert back_edges(j) == {("c", "a")}
    assert judge(j, "c", "a").relation == "allowed"  # the loop
    assert judge(j, "a", "c").relation == "skip"  # not a way back the other way round


def test_loops_marked_both_ways_are_one_back_edge_not_two() -> None:
    j = looped([("a", "b", True), ("b", "a", True), ("b", "c", False)])
    assert back_edges(j) == {("b", "a")}
    assert list(ranks(j)) == ["a", "b", "c"]
    # a -> b is the forward move: skipping b on the way to c is a skip, not an unordered move
    assert judge(j, "a", "c").relation == "skip"
    assert judge(j, "c", "a").relation == "back"
    relations = {(m.source, m.target): m.relation for m in move_table(j) if m.source}
    backs = {pair for pair, r in relations.items() if r == "back"}
    assert not any((b, a) in backs for a, b in backs)  # never back in both directions


def test_a_loop_that_goes_forward_is_a_forward_move() -> None:
    j = looped([("a", "b", True), ("b", "c", False)])
    assert back_edges(j) == set()
    assert judge(j, "a", "c").relation == "skip"
    assert judge(j, "b", "a").relation == "back"
    # and the declared non-loop order wins over the listed order
    k = looped([("a", "b", True), ("b", "a", False), ("b", "c", False)])
    assert back_edges(k) == {("a", "b")} and list(ranks(k))[:2] == ["b", "a"]
