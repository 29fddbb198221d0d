"""Conformance: each deviation type pinned on tiny hand-checked cases, then real data.

Each tiny test declares its journey and its cases as data. A case is a list of activities
one hour apart (or ``(activity, hours)`` pairs for explicit times).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import ibis
import pytest
from analytics_kit import HOURLY_T0, HourlyCase, executed, hourly, hourly_backend, stored

from journeyscope.analytics.cases import CaseRule
from journeyscope.analytics.conformance import DEVIATIONS, conformance, replay
from journeyscope.definitions import Journey, load_journey
from journeyscope.definitions.graph import judge
from journeyscope.events import Store

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "journeys"
T0 = HOURLY_T0

Case = HourlyCase


def design(
    steps: Sequence[str | dict[str, Any]],
    transitions: Sequence[tuple[str, str] | tuple[str, str, bool]] = (),
    **extra: Any,
) -> Journey:
    """A journey with one stage; a step ``"b"`` claims the activity ``"B"``."""
    specs = [{"id": s} if isinstance(s, str) else s for s in steps]
    for spec in specs:
        spec.setdefault("name", spec["id"].upper())
        spec.setdefault("activities", [spec["id"].upper()])
    data: dict[str, Any] = {
        "id": "tiny",
        "name": "Tiny",
        "job_to_be_done": "get it done",
        "outcome": {"description": "done", "step": specs[-1]["id"]},
        "stages": [{"id": "all", "name": "All", "steps": specs}],
        "transitions": [
            {"from": t[0], "to": t[1], "loop": bool(t[2]) if len(t) > 2 else False}
            for t in transitions
        ],
        **extra,
    }
    return Journey.model_validate(data)


def run(
    journey: Journey, cases: dict[str, Case], engine: str = "duckdb"
) -> tuple[dict[str, dict[str, Any]], list[dict[str, Any]]]:
    """(per-case rows by case id, deviation rows ordered by case and position), replayed
    on ``engine`` (the ``backend`` fixture: DuckDB, and Spark too for the tests marked
    ``both_engines``)."""
    backend = hourly_backend(cases, engine)
    result = conformance(backend.events(), journey)
    per_case = {r["case"]: r for r in backend.rows(result.cases)}
    rows = backend.rows(result.deviations.order_by(["case", "seq", "type"]))
    return per_case, rows


def kinds(rows: list[dict[str, Any]], case: str) -> list[str]:
    return [r["type"] for r in rows if r["case"] == case]


LINE = design(["a", "b", "c"])  # a -> b -> c, implied by the listed order


def test_a_case_that_follows_the_design_has_fitness_one(backend: str) -> None:
    per_case, rows = run(LINE, {"1": ["A", "B", "C"]}, backend)
    assert per_case["1"]["moves"] == 4  # entry, a->b, b->c, exit
    assert per_case["1"]["fitness"] == 1.0
    assert per_case["1"]["reached_outcome"] is True
    assert rows == []


def test_skipped_step_names_the_steps_jumped_over(backend: str) -> None:
    journey = design(["a", "b", "x", "c"])  # a -> b -> x -> c
    per_case, rows = run(journey, {"1": ["A", "C"]}, backend)
    assert kinds(rows, "1") == ["skipped_step"]
    assert rows[0]["from_step"] == "a" and rows[0]["to_step"] == "c"
    assert rows[0]["skipped"] == "b,x"
    assert per_case["1"]["fitness"] == pytest.approx(2 / 3)  # entry ok, a->c not, exit ok


def test_moving_past_optional_and_unobservable_steps_is_allowed(backend: str) -> None:
    journey = design(["a", {"id": "b", "optional": True}, {"id": "x", "activities": []}, "c"])
    per_case, rows = run(journey, {"1": ["A", "C"], "2": ["A", "B", "C"]}, backend)
    assert rows == []
    assert per_case["1"]["fitness"] == per_case["2"]["fitness"] == 1.0


def test_unexpected_activity_is_one_deviation_per_visit_from_the_last_step(backend: str) -> None:
    per_case, rows = run(LINE, {"1": ["A", "Oops", "Oops", "B", "C"]}, backend)
    assert kinds(rows, "1") == ["unexpected_activity"]
    assert rows[0]["activity"] == "Oops" and rows[0]["from_step"] == "a"
    # entry, Oops (one visit), a->b, b->c, exit: 5 moves, 4 allowed
    assert (per_case["1"]["moves"], per_case["1"]["allowed_moves"]) == (5, 4)


def test_a_detour_does_not_break_a_step_into_two_visits(backend: str) -> None:
    per_case, rows = run(LINE, {"1": ["A", "Oops", "A", "B", "C"]}, backend)
    assert kinds(rows, "1") == ["unexpected_activity"]
    assert per_case["1"]["moves"] == 5


def test_backtracking_is_going_back_to_a_visited_step_without_a_loop(backend: str) -> None:
    per_case, rows = run(LINE, {"1": ["A", "B", "A", "B", "C"]}, backend)
    assert kinds(rows, "1") == ["backtracking"]
    assert (rows[0]["from_step"], rows[0]["to_step"]) == ("b", "a")
    assert (per_case["1"]["moves"], per_case["1"]["allowed_moves"]) == (6, 5)


def test_a_loop_in_the_design_makes_going_back_allowed(backend: str) -> None:
    journey = design(["a", "b", "c"], [("a", "b"), ("b", "a", True), ("b", "c")])
    per_case, rows = run(journey, {"1": ["A", "B", "A", "B", "C"]}, backend)
    assert rows == [] and per_case["1"]["fitness"] == 1.0


def test_entering_midway_is_starting_at_a_step_that_is_not_an_entry(backend: str) -> None:
    per_case, rows = run(LINE, {"1": ["B", "C"]}, backend)
    assert kinds(rows, "1") == ["entered_midway"]
    assert rows[0]["to_step"] == "b" and rows[0]["skipped"] == "a"
    assert per_case["1"]["entered_at"] == "b"
    assert per_case["1"]["fitness"] == pytest.approx(2 / 3)


def test_several_entry_points_and_entries_through_optional_steps(backend: str) -> None:
    journey = design(
        [{"id": "a", "optional": True}, "b", "c", "d"],
        [("a", "b"), ("b", "c"), ("c", "d")],
        entries=["a", "c"],
    )
    _, rows = run(journey, {"1": ["B", "C", "D"], "2": ["C", "D"], "3": ["D"]}, backend)
    assert kinds(rows, "1") == [] and kinds(rows, "2") == []
    assert kinds(rows, "3") == ["entered_midway"]


def test_leaving_before_the_outcome_is_one_deviation_at_the_last_step(backend: str) -> None:
    per_case, rows = run(LINE, {"1": ["A", "B"]}, backend)
    assert kinds(rows, "1") == ["left_before_outcome"]
    assert rows[0]["from_step"] == "b"
    assert per_case["1"]["left_at"] == "b" and per_case["1"]["reached_outcome"] is False


def test_reaching_a_designed_exit_is_not_leaving(backend: str) -> None:
    journey = design(["a", "declined", "c"], [("a", "declined"), ("a", "c")], exits=["declined"])
    _, rows = run(journey, {"1": ["A", "DECLINED"], "2": ["A"]}, backend)
    assert kinds(rows, "1") == []
    assert kinds(rows, "2") == ["left_before_outcome"]


@pytest.mark.slow
def test_out_of_order_is_a_step_done_late_for_the_first_time(backend: str) -> None:
    per_case, rows = run(LINE, {"1": ["A", "C", "B"]}, backend)
    assert kinds(rows, "1") == ["skipped_step", "out_of_order"]
    assert (rows[1]["from_step"], rows[1]["to_step"]) == ("c", "b")
    # entry ok, a->c skip, c->b out of order, exit ok (the outcome c was reached)
    assert (per_case["1"]["moves"], per_case["1"]["allowed_moves"]) == (4, 2)


def test_out_of_order_is_also_crossing_between_alternative_branches(backend: str) -> None:
    journey = design(["a", "b1", "b2", "c"], [("a", "b1"), ("a", "b2"), ("b1", "c"), ("b2", "c")])
    _, rows = run(journey, {"1": ["A", "B1", "B2", "C"], "2": ["A", "B2", "C"]}, backend)
    assert kinds(rows, "1") == ["out_of_order"]
    assert kinds(rows, "2") == []


def test_time_limit_broken_is_measured_from_the_previous_steps_last_event(backend: str) -> None:
    journey = design(["a", {"id": "b", "time_limit": "1 day"}, "c"])
    cases: dict[str, Case] = {
        "late": [("A", 0), ("B", 30), ("C", 31)],
        "in time": [("A", 0), ("A", 10), ("B", 30), ("C", 31)],  # 20 hours after the last A
        "detour": [("A", 0), ("Oops", 20), ("B", 30), ("C", 31)],  # 30 hours after A
    }
    per_case, rows = run(journey, cases, backend)
    assert kinds(rows, "late") == ["time_limit_broken"]
    late = next(r for r in rows if r["case"] == "late")
    assert late["to_step"] == "b" and late["elapsed_seconds"] == 30 * 3600
    assert kinds(rows, "in time") == []
    assert sorted(kinds(rows, "detour")) == ["time_limit_broken", "unexpected_activity"]
    assert per_case["late"]["fitness"] == 1.0  # time limits do not change fitness


def test_outcome_time_limit_counts_from_the_first_event(backend: str) -> None:
    journey = design(
        ["a", "b"],
        outcome={"description": "done", "step": "b", "within": "2 days"},
    )
    _, rows = run(journey, {"slow": [("A", 0), ("B", 72)], "quick": [("A", 0), ("B", 24)]}, backend)
    assert kinds(rows, "slow") == ["time_limit_broken"]
    assert kinds(rows, "quick") == []


def test_anytime_steps_are_neither_moves_nor_deviations(backend: str) -> None:
    journey = design(
        ["a", "b", "c", {"id": "help", "activities": ["Call"], "anytime": True}],
        outcome={"description": "done", "step": "c"},
    )
    per_case, rows = run(journey, {"1": ["Call", "A", "Call", "B", "C", "Call"]}, backend)
    assert rows == []
    assert per_case["1"]["moves"] == 4


def test_repeats_of_a_step_are_one_visit(backend: str) -> None:
    per_case, rows = run(LINE, {"1": ["A", "A", "B", "B", "B", "C"]}, backend)
    assert rows == [] and per_case["1"]["moves"] == 4


def test_equal_timestamps_keep_the_input_order(backend: str) -> None:
    _, rows = run(
        LINE, {"1": [("A", 0), ("B", 1), ("C", 1)], "2": [("A", 0), ("C", 1), ("B", 1)]}, backend
    )
    assert kinds(rows, "1") == []
    assert kinds(rows, "2") == ["skipped_step", "out_of_order"]


@pytest.mark.slow
def test_cases_of_other_journeys_are_out_of_scope(backend: str) -> None:
    per_case, _ = run(LINE, {"1": ["A", "B", "C"], "other": ["X", "Y"]}, backend)
    assert set(per_case) == {"1"}


def test_each_deviation_type_has_a_definition() -> None:
    assert set(DEVIATIONS) == {
        "skipped_step",
        "unexpected_activity",
        "backtracking",
        "entered_midway",
        "left_before_outcome",
        "out_of_order",
        "time_limit_broken",
    }


# ------------------------------------------------------------------------ aggregates


def test_steps_and_transitions_say_where_customers_leave_and_what_they_do_instead(
    backend: str,
) -> None:
    cases: dict[str, Case] = {
        "1": ["A", "B", "C"],
        "2": ["A", "Call", "B", "C"],
        "3": ["A", "Call"],
        "4": ["A", "C"],
        "5": ["B", "C"],
    }
    events = hourly_backend(cases, backend).events()
    report = conformance(events, LINE).collect()
    assert report.cases == 5 and report.reached_outcome == 4
    a = next(s for s in report.steps if s.id == "a")
    # out of a: a->b twice, Call twice, the end once (case 3), a->c once
    assert (a.cases, a.entries, a.moves_out, a.off_path, a.left_here) == (4, 4, 6, 4, 1)
    assert [(i.to, i.count, i.cases) for i in a.instead] == [
        ("Call", 2, 2),
        ("(end)", 1, 1),
        ("c", 1, 1),
    ]
    b = next(s for s in report.steps if s.id == "b")
    assert (b.cases, b.entered_midway, b.off_path) == (3, 1, 0)
    assert report.deviations == {
        "skipped_step": 1,
        "unexpected_activity": 2,
        "backtracking": 0,
        "entered_midway": 1,
        "left_before_outcome": 1,
        "out_of_order": 0,
        "time_limit_broken": 0,
    }
    moves = {(t.kind, t.from_step, t.to): t.count for t in report.transitions}
    assert moves[("move", "a", "b")] == 2 and moves[("unexpected", "a", "Call")] == 2
    # 1: 4 of 4 moves allowed; 2: 4 of 5 (Call); 3: entry, Call, end -> 1 of 3;
    # 4: entry, a->c, end -> 2 of 3; 5: entry mid-way, b->c, end -> 2 of 3
    rows = conformance(events, LINE).cases.to_pyarrow().to_pylist()
    fitness = sorted(r["fitness"] for r in rows)
    assert fitness == pytest.approx(sorted([1.0, 4 / 5, 1 / 3, 2 / 3, 2 / 3]))
    assert report.fitness.mean == pytest.approx(sum(fitness) / 5)
    assert report.fitness.perfect == pytest.approx(1 / 5)


def test_the_case_rule_is_stated_and_used(backend: str) -> None:
    events = hourly_backend({"x": ["A", "B"], "y": [("C", 2)]}, backend).events()
    ev = events.mutate(customer_id=ibis.literal("same"))
    report = conformance(ev, LINE, CaseRule.per_customer()).collect()
    assert report.cases == 1 and sum(report.deviations.values()) == 0
    assert (
        report.case_rule
        == "one case per customer (after identity stitching); events without one are left out"
    )


# ------------------------------------------------------------------- a reference replay


def reference(journey: Journey, activities: list[str]) -> tuple[int, int, list[str]]:
    """A plain-Python replay of the documented rules: (moves, allowed, deviation types)."""
    steps = {a: s.id for s in journey.steps if not s.anytime for a in s.activities}
    anytime = {a for s in journey.steps if s.anytime for a in s.activities}
    outcome = set(journey.outcome_activities())
    exits = {a for e in journey.exits for a in journey.step(e).activities}
    moves = allowed = 0
    found: list[str] = []
    prev_step: str | None = None
    prev_state: str | None = None
    visited: set[str] = set()
    for activity in activities:
        if activity in anytime:
            continue
        state = steps.get(activity, "?" + activity)
        if activity not in steps:
            if state != prev_state:
                moves += 1
                found.append("unexpected_activity")
            prev_state = state
            continue
        prev_state = state
        step = steps[activity]
        if step == prev_step:
            continue
        verdict = judge(journey, prev_step, step)
        moves += 1
        if verdict.allowed:
            allowed += 1
        else:
            found.append(
                {
                    "skip": "skipped_step",
                    "midway": "entered_midway",
                    "cross": "out_of_order",
                    "back": "backtracking" if step in visited else "out_of_order",
                }[verdict.relation]
            )
        visited.add(step)
        prev_step = step
    moves += 1
    if outcome & set(activities) or exits & set(activities):
        allowed += 1
    else:
        found.append("left_before_outcome")
    return moves, allowed, sorted(found)


@pytest.fixture(scope="module")
def receipt_store(tmp_path_factory: pytest.TempPathFactory, real_data: Path) -> Store:
    store = Store(tmp_path_factory.mktemp("receipt") / "store.duckdb")
    store.ingest(real_data / "receipt.csv")
    return store


@pytest.mark.slow
@pytest.mark.both_engines
def test_real_log_receipt_matches_a_reference_replay(receipt_store: Store, backend: str) -> None:
    journey = load_journey(EXAMPLES / "permit_receipt.yaml")
    t = stored(receipt_store, backend).events()
    result = conformance(t, journey)
    per_case = {r["case"]: r for r in result.cases.to_pyarrow().to_pylist()}
    assert len(per_case) == 1434
    rows = t.order_by([t.case_id, t.timestamp, t.source, t.source_row]).select(
        "case_id", "activity"
    )
    sequences: dict[str, list[str]] = {}
    for r in rows.to_pyarrow().to_pylist():
        sequences.setdefault(r["case_id"], []).append(r["activity"])
    type_names = [t for t in DEVIATIONS if t != "time_limit_broken"]
    mismatches = []
    for case, acts in sequences.items():
        moves, allowed, found = reference(journey, acts)
        got = per_case[case]
        mine = sorted(t for t in type_names for _ in range(got[t]))
        if (got["moves"], got["allowed_moves"], mine) != (moves, allowed, found):
            mismatches.append((case, got["moves"], moves, mine, found))
    assert mismatches == []


def test_real_log_receipt_report(receipt_store: Store, backend: str) -> None:
    journey = load_journey(EXAMPLES / "permit_receipt.yaml")
    report = conformance(stored(receipt_store, backend).events(), journey).collect()
    assert report.cases == 1434
    # the confirmation letter (T05) was sent in 1,300 cases
    assert report.reached_outcome == 1300
    # cases without the letter and without a designed exit (document X or report Y sent)
    con = receipt_store.con
    (expected_left,) = con.execute(
        """SELECT count(*) FROM (SELECT case_id FROM events GROUP BY case_id
           HAVING count(*) FILTER (WHERE activity IN (
             'T05 Print and send confirmation of receipt',
             'T15 Print document X request unlicensed',
             'T20 Print report Y to stop indication')) = 0)"""
    ).fetchall()[0]
    assert report.deviations["left_before_outcome"] == expected_left
    register = next(s for s in report.steps if s.id == "register_application")
    assert register.entries == 1434 and register.entered_midway == 0
    assert 0.9 < report.fitness.mean < 1.0
    assert report.case_rule.startswith("case_id from the data")


@pytest.mark.both_engines
def test_synthetic_tenancy(synthetic_store: Store, backend: str) -> None:
    journey = load_journey(EXAMPLES / "tenancy.yaml")
    report = conformance(stored(synthetic_store, backend).events(), journey).collect()
    con = synthetic_store.con
    steps = (
        "'View property listing', 'Start housing application', 'Upload documents', "
        "'Eligibility decision sent', 'Book viewing', 'Attend viewing', 'Accept tenancy offer', "
        "'Sign tenancy agreement', 'Pay deposit', 'Collect keys', 'Move-in check'"
    )
    # in scope: the cases with an event of a (non-anytime) step; all are tenancy cases
    (in_scope, tenancy) = con.execute(
        f"""SELECT count(DISTINCT case_id) FILTER (WHERE activity IN ({steps})),
                   count(DISTINCT case_id) FILTER (WHERE starts_with(case_id, 'T-'))
            FROM events WHERE case_id IS NOT NULL"""
    ).fetchall()[0]
    assert report.cases == in_scope and 0.99 * tenancy < in_scope <= tenancy
    (keys,) = con.execute(
        "SELECT count(DISTINCT case_id) FROM events WHERE activity = 'Collect keys'"
    ).fetchall()[0]
    assert report.reached_outcome == keys
    # the generator starts some customers mid-way, at the upload or the decision
    (midway,) = con.execute(
        f"""SELECT count(*) FROM (
              SELECT case_id, arg_min(activity, (timestamp, source_row)) AS first
              FROM events WHERE activity IN ({steps}) AND case_id IS NOT NULL
              GROUP BY case_id)
            WHERE first IN ('Upload documents', 'Eligibility decision sent')"""
    ).fetchall()[0]
    assert report.deviations["entered_midway"] == midway > 0
    assert report.deviations["unexpected_activity"] > 0  # 'Online error' is in no step
    assert report.deviations["backtracking"] > 0  # back from the offer to the viewing
    assert sum(s.entries for s in report.steps) == report.cases
    assert 0.5 < report.fitness.mean < 1.0


@pytest.mark.both_engines
def test_replay_columns(synthetic_store: Store, backend: str) -> None:
    journey = load_journey(EXAMPLES / "maintenance_loan.yaml")
    moves = replay(stored(synthetic_store, backend).events(), journey)
    assert moves.columns == (
        "case",
        "seq",
        "timestamp",
        "kind",
        "from_step",
        "to_step",
        "activity",
        "allowed",
        "deviation",
        "skipped",
        "late",
        "elapsed_seconds",
        "first_visit",
    )
    kinds_seen = set(moves.kind.to_pyarrow().to_pylist())
    assert kinds_seen == {"entry", "move", "unexpected", "exit"}


# --------------------------------------------------------------------------- on Spark


def same_on_spark(journey: Journey, events: ibis.Table, rule: CaseRule | None = None) -> set[str]:
    """Conformance of ``events`` to ``journey`` gives the same cases, deviations and summary
    on Spark as on DuckDB (``executed`` on each); the deviation types found."""
    result = conformance(events, journey, rule)
    cases = result.cases.order_by("case")
    devs = result.deviations.order_by(["case", "seq", "type"])
    expected = executed(cases, "duckdb")
    deviations = executed(devs, "duckdb")
    assert expected
    assert executed(cases, "spark") == expected
    assert executed(devs, "spark") == deviations
    (summary,) = executed(result.summary, "spark")
    (duck,) = executed(result.summary, "duckdb")
    assert summary["cases"] == duck["cases"]
    assert summary["mean"] == pytest.approx(duck["mean"])
    return {row["type"] for row in deviations}


@pytest.mark.spark
@pytest.mark.slow
def test_spark_gives_the_same_results_as_duckdb(spark: object) -> None:
    """The hand-checked cases above (run on DuckDB only: each is several Spark queries of
    seconds), together on two journeys: every deviation type, designed loops, anytime,
    optional and unobservable steps, several entries, a designed exit, time limits on a
    step and on the outcome, repeats, equal timestamps and cases out of scope."""
    journey = design(
        [
            "a",
            "b",
            {"id": "c", "time_limit": "1 day"},
            "d",
            {"id": "h", "activities": ["Call"], "anytime": True},
        ],
        [("a", "b"), ("b", "c"), ("c", "b", True), ("c", "d")],
        outcome={"description": "done", "step": "d"},
    )
    found = same_on_spark(
        journey,
        hourly(
            {
                "ok": ["A", "B", "C", "D"],
                "skip": ["A", "C", "D"],
                "odd": ["A", "Oops", "Call", "B", "C", "D"],
                "back": ["A", "B", "A", "B", "C", "D"],
                "mid": ["B", "C", "D"],
                "left": ["A", "B"],
                "late": [("A", 0), ("B", 1), ("C", 40.5), ("D", 41)],
                "order": ["A", "C", "B", "D"],
                "repeats": ["A", "A", "B", "B", "C", "C", "D"],
                "ties": [("A", 0), ("C", 1), ("B", 1), ("C", 2), ("D", 3)],
                "other": ["X", "Y"],
            }
        ),
    )
    branches = design(
        [
            {"id": "a", "optional": True},
            "b",
            {"id": "x", "activities": []},
            "b1",
            "b2",
            "c",
            "declined",
        ],
        [
            ("a", "b"),
            ("b", "x"),
            ("x", "b1"),
            ("x", "b2"),
            ("b1", "c"),
            ("b2", "c"),
            ("b", "declined"),
        ],
        entries=["a", "b"],
        exits=["declined"],
        outcome={"description": "done", "step": "c", "within": "2 days"},
    )
    cases: dict[str, Case] = {
        "through": ["A", "B", "B1", "C"],
        "second entry": ["B", "B2", "C"],
        "cross": ["A", "B", "B1", "B2", "C"],
        "declined": ["A", "B", "DECLINED"],
        "slow": [("B", 0), ("B1", 30), ("C", 72)],
        "mid": ["B1", "C"],
    }
    events = hourly(cases)
    found |= same_on_spark(branches, events)
    assert found == set(DEVIATIONS)
    two_customers = events.mutate(customer_id=ibis.ifelse(events.case_id < "m", "p1", "p2"))
    same_on_spark(branches, two_customers, CaseRule.per_customer())


def test_loops_marked_both_ways_are_one_designed_back_edge(backend: str) -> None:
    journey = design(["a", "b", "c"], [("a", "b", True), ("b", "a", True), ("b", "c")])
    per_case, rows = run(journey, {"1": ["A", "B", "A", "B", "C"], "2": ["A", "C"]}, backend)
    assert kinds(rows, "1") == [] and per_case["1"]["fitness"] == 1.0
    # a -> b is the forward move, so going from a straight to c skips b (not "out of order")
    assert kinds(rows, "2") == ["skipped_step"]


def test_lifecycle_transitions_of_one_work_item_are_not_moves() -> None:
    """B's start ... complete around another step is one visit of b, not b -> c -> b."""
    journey = design(["a", "b", "c", "d"])
    steps = [("A", None), ("B", "schedule"), ("C", "complete"), ("B", "start"), ("B", "complete")]
    steps += [("D", "complete")]
    table = hourly({"1": [a for a, _ in steps]}).mutate(properties=ibis.literal("{}"))
    lives = {f"e{i}": life for i, (_, life) in enumerate(steps, start=1)}
    table = table.mutate(
        properties=ibis.cases(
            *(
                (table.event_id == e, f'{{"lifecycle:transition": "{life}"}}')
                for e, life in lives.items()
                if life
            ),
            else_="{}",
        )
    )
    result = conformance(table, journey)
    rows = result.deviations.to_pyarrow().to_pylist()
    assert rows == []  # read event by event: backtracking c -> b
    per_case = result.cases.to_pyarrow().to_pylist()[0]
    assert per_case["moves"] == 5  # entry, a->b, b->c, c->d, exit


def test_a_large_log_counted_by_sorting_gives_the_same_report(
    synthetic_store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """For more events than DuckDB holds the cases of each step or move of, the distinct
    cases and the fitness percentiles are counted by sorting (analytics/holistic.py): the
    same report; and the backend's replay is counted so where its events do not fit."""
    journey = load_journey(EXAMPLES / "tenancy.yaml")
    backend = stored(synthetic_store, "duckdb")
    held = conformance(backend.events(), journey).collect(top=10)
    got = conformance(backend.events(), journey, large=True).collect(top=10)
    # the mean fitness is a sum of doubles, added in another order by another plan
    assert got.fitness.mean == pytest.approx(held.fitness.mean, rel=1e-12)
    mean = {"fitness": {"mean"}}
    assert got.model_dump(exclude=mean) == held.model_dump(exclude=mean)
    assert held.deviations["backtracking"] and any(s.cases_off_path for s in held.steps)
    assert not backend.conformance(backend.events(), journey, CaseRule.given()).large
    backend.release_replays()
    monkeypatch.setattr(backend, "fits", lambda t: False)
    assert backend.conformance(backend.events(), journey, CaseRule.given()).large
