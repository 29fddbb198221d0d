"""Paths, loops and backtracking, pinned by journeys declared as data (one per case)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from journeyscope.analytics import Backend, CleaningRule, PathsQuery
from journeyscope.analytics.backends import IbisBackend
from journeyscope.analytics.paths import PathsAnalysis
from journeyscope.events import Store

Declared = Callable[..., Backend]


def edges(result: object) -> set[tuple[int, str, str, int]]:
    return {(e.step, e.source, e.target, e.cases) for e in result.edges}  # type: ignore[attr-defined]


@pytest.mark.both_engines
def test_forward_paths_from_the_first_start(declared: Declared) -> None:
    backend = declared({"c1": "X@0 A@1 B@2 C@3 D@4", "c2": "A@0 B@1 A@2 C@3", "c3": "B@0 C@1"})
    r = backend.run(PathsQuery(start="A", steps=3, loops=False))
    assert r.paths == 2 and r.direction == "forward"
    assert edges(r) == {(1, "A", "B", 2), (2, "B", "C", 1), (2, "B", "A", 1)}
    assert {(n.step, n.activity, n.cases, n.ended) for n in r.nodes} == {
        (1, "A", 2, 0),
        (2, "B", 2, 0),
        (3, "C", 1, 1),
        (3, "A", 1, 1),
    }


@pytest.mark.both_engines
def test_backward_paths_end_at_the_last_step(declared: Declared) -> None:
    backend = declared({"c1": "A@0 B@1 C@2 D@3", "c2": "B@0 D@1 D@2"})
    r = backend.run(PathsQuery(end="D", steps=3, loops=False))
    assert r.direction == "backward"
    assert edges(r) == {(1, "B", "C", 1), (2, "C", "D", 1), (2, "B", "D", 1)}


def test_paths_between_two_activities(declared: Declared) -> None:
    backend = declared({"c1": "A@0 B@1 C@2 D@3", "c2": "A@0 D@1", "c3": "D@0 A@1 B@2"})
    r = backend.run(PathsQuery(start="A", end="D", steps=3, loops=False))
    assert r.paths == 2  # c3 never reaches D after A
    assert edges(r) == {(1, "A", "B", 1), (2, "B", "C", 1), (1, "A", "D", 1)}


def test_top_edges_keep_the_most_frequent_and_group_the_rest(declared: Declared) -> None:
    backend = declared({f"c{i}": f"A@0 {t}@1" for i, t in enumerate("BBBCCD")})
    r = backend.run(PathsQuery(start="A", steps=2, top_edges=1, loops=False))
    assert edges(r) == {(1, "A", "B", 3), (1, "A", "(other)", 3)}


def test_cleaning_rules_and_collapsed_repeats(declared: Declared) -> None:
    backend = declared({"c1": "A@0 View_x@1 View_y@2 B@3"})
    rules = (CleaningRule(pattern="^View", alias="View"),)
    kept = backend.run(PathsQuery(start="A", steps=4, cleaning=rules, loops=False))
    assert edges(kept) == {(1, "A", "View", 1), (2, "View", "View", 1), (3, "View", "B", 1)}
    assert not kept.repeats_collapsed and "repeats kept" in kept.semantics
    collapsed = backend.run(
        PathsQuery(start="A", steps=4, cleaning=rules, collapse_repeats=True, loops=False)
    )
    assert edges(collapsed) == {(1, "A", "View", 1), (2, "View", "B", 1)}
    assert collapsed.repeats_collapsed and "consecutive repeats collapsed" in collapsed.semantics


def test_back_edges_rework_and_share_who_went_back(declared: Declared) -> None:
    backend = declared(
        {
            "c1~p1": "A@0 B@1 A@2 C@3",  # back-edge B -> A; A repeated
            "c2~p1": "A@0 B@1 B@2 C@3",  # B repeated (a self-loop, not a back-edge)
            "c3~p2": "A@0 B@1 C@2",
        }
    )
    loops = backend.run(PathsQuery()).loops
    assert loops is not None
    assert [(e.source, e.target, e.count, e.cases) for e in loops.back_edges] == [("B", "A", 1, 1)]
    assert {(r.activity, r.cases, r.repeats) for r in loops.rework} == {("A", 1, 1), ("B", 1, 1)}
    assert (loops.cases, loops.cases_went_back) == (3, 1)
    assert (loops.customers, loops.customers_went_back, loops.share_customers_went_back) == (
        2,
        1,
        0.5,
    )


def test_channel_ping_pong(declared: Declared) -> None:
    backend = declared(
        {
            "c1": "A/web@0 B/phone@1 C/web@2 D/web@3",  # web -> phone -> web
            "c2": "A/web@0 B/web@1 C/phone@2",  # a switch, no return
            "c3": "A/app@0 B/chat@1 C/app@2 D/chat@3",  # app -> chat -> app -> chat: two
        }
    )
    loops = backend.run(PathsQuery()).loops
    assert loops is not None
    assert {(p.channel, p.via, p.count, p.cases) for p in loops.ping_pong} == {
        ("web", "phone", 1, 1),
        ("app", "chat", 1, 1),
        ("chat", "app", 1, 1),
    }
    assert loops.ping_pong_cases == 2


def test_hidden_activities_leave_the_paths_and_are_counted(declared: Declared) -> None:
    backend = declared({"c1": "A@0 S@1 B@2 S@3 C@4", "c2": "A@0 B@1"})
    r = backend.run(PathsQuery(start="A", steps=3, hide=("S",), loops=False))
    assert edges(r) == {(1, "A", "B", 2), (2, "B", "C", 1)}
    assert (r.shaping.hidden, r.shaping.hidden_events, r.shaping.hidden_cases) == (["S"], 2, 1)
    assert "2 events of 1 hidden activity left out (S; in 1 cases)" in r.semantics


def test_activities_in_few_cases_are_grouped_as_rare(declared: Declared) -> None:
    backend = declared({"c1": "A@0 X@1 B@2", "c2": "A@0 Y@1 B@2", "c3": "A@0 B@1"})
    r = backend.run(PathsQuery(start="A", steps=3, min_cases=2, loops=False))
    assert edges(r) == {
        (1, "A", "(rare events)", 2),
        (2, "(rare events)", "B", 2),
        (1, "A", "B", 1),
    }
    assert (r.shaping.rare_activities, r.shaping.rare_events) == (2, 2)
    # the anchor is never grouped, however rare
    anchored = backend.run(PathsQuery(start="X", steps=2, min_cases=2, loops=False))
    assert edges(anchored) == {(1, "X", "B", 1)}


def test_back_moves_shown_are_counted_per_link(declared: Declared) -> None:
    backend = declared({"c1": "A@0 B@1 A@2 C@3", "c2": "A@0 B@1 B@2 C@3"})
    r = backend.run(PathsQuery(start="A", steps=4, loops=False))
    back = {(e.step, e.source, e.target): e.back_cases for e in r.edges}
    assert back[(2, "B", "A")] == 1  # A again after B: a back-move
    assert back[(2, "B", "B")] == 0  # a repeat, not a back-move
    assert (r.shaping.back_move_events, r.shaping.back_move_cases) == (1, 1)
    assert "1 back-moves (an activity done again after another) in 1 cases shown" in r.semantics


def test_collapsed_back_moves_keep_each_activity_once(declared: Declared) -> None:
    backend = declared({"c1": "A@0 B@1 A@2 B@3 C@4", "c2": "A@0 B@1 B@2 C@3"})
    r = backend.run(PathsQuery(start="A", steps=4, back_moves="collapse", loops=False))
    assert edges(r) == {(1, "A", "B", 2), (2, "B", "C", 2)}
    assert all(e.back_cases == 0 for e in r.edges)
    s = r.shaping
    assert (s.back_move_events, s.back_move_cases, s.collapsed_events) == (2, 1, 3)
    assert "2 back-moves" in r.semantics and "3 events removed" in r.semantics


def test_merged_repeats_are_counted(declared: Declared) -> None:
    backend = declared({"c1": "A@0 B@1 B@2 B@3 C@4"})
    r = backend.run(PathsQuery(start="A", steps=3, collapse_repeats=True, loops=False))
    assert edges(r) == {(1, "A", "B", 1), (2, "B", "C", 1)}
    assert r.shaping.repeats_merged == 2 and "2 consecutive repeats merged" in r.semantics


def test_hiding_an_anchor_or_an_unknown_activity_is_an_error(declared: Declared) -> None:
    import pytest
    from pydantic import ValidationError

    from journeyscope.errors import UnknownNameError

    with pytest.raises(ValidationError, match="start 'A' is also hidden"):
        PathsQuery(start="A", hide=("A",))
    backend = declared({"c1": "A@0 Survey_sent@1"})
    with pytest.raises(UnknownNameError, match=r"closest: 'Survey sent'"):
        backend.run(PathsQuery(hide=("Survey snet",), loops=False))


@pytest.mark.both_engines
def test_intermediates_kept_once_give_what_each_output_computing_them_gives(
    declared: Declared, monkeypatch: pytest.MonkeyPatch
) -> None:
    backend = declared(
        {
            "c1": "A@0 B@1 A@2 B@3 C@4",
            "c2": "A@0 A@1 B@2 A@3",
            "c3": "B@0 C@1 B@2",
            "c4": "A@0 C@1",
        }
    )
    queries = [
        PathsQuery(steps=3, collapse_repeats=True, loops=True, top_edges=1),
        PathsQuery(start="A", steps=2, back_moves="collapse", min_cases=2, hide=("C",)),
    ]
    kept = [backend.run(q) for q in queries]
    monkeypatch.setattr(PathsAnalysis, "keeps", False)  # each output computes its own
    assert [backend.run(q) for q in queries] == kept
    assert kept[0].loops is not None and kept[0].loops.back_edges  # something was counted


def test_a_large_log_counted_by_sorting_gives_the_same_paths_and_loops(
    synthetic_store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """For more events than DuckDB holds the cases of each activity or loop of, the backend
    has the distinct cases and people counted by sorting (analytics/holistic.py): the same
    results, on the synthetic log with every shaping option and the loops."""
    backend = IbisBackend(synthetic_store.events())
    queries = [
        PathsQuery(start="Start housing application", steps=4, hide=("Online error",)),
        PathsQuery(end="Collect keys", steps=3, min_cases=50, collapse_repeats=True),
        PathsQuery(steps=3, back_moves="collapse", min_cases=2, loops=False),
    ]
    held = [backend.run(q) for q in queries]
    sized: list[bool] = []
    monkeypatch.setattr(backend, "fits", lambda t: sized.append(False) or False)
    assert [backend.run(q) for q in queries] == held and sized == [False] * len(queries)
    loops = held[0].loops
    assert loops is not None and loops.back_edges and loops.ping_pong  # all were counted
    assert held[0].shaping.hidden_cases and held[1].shaping.rare_activities
    assert loops.customers_went_back and held[2].shaping.back_move_cases
