"""The moments-of-truth queries (analytics/moments_experiences.py), run on DuckDB over cases
written by hand: each case's outcome and cutoff, the experiences it had before the cutoff,
the risk sets it belongs to, and the work items that mostly come after the outcome."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import ibis
import pytest
from analytics_kit import BASE, backend_for, canonical, line_journey
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from journeyscope.analytics.backends import Backend
from journeyscope.analytics.cases import CaseRule, cased
from journeyscope.analytics.moments import MomentsQuery
from journeyscope.analytics.moments_experiences import (
    ASSISTED,
    EVERY,
    after_outcome,
    case_experiences,
    case_outcomes,
    narrowed,
    risk_sets,
)
from lanes import examples

pytestmark = pytest.mark.both_engines  # every test here runs on Spark as well

Event = tuple[str, str | None, float] | tuple[str, str | None, float, float]


def _backend(cases: dict[str, list[Event]], engine: str) -> Backend:
    """``case -> [(activity, channel, day[, NPS score]), ...]``; segment ``a`` or ``b``; on
    ``engine`` (the ``backend`` fixture)."""
    rows: list[dict[str, Any]] = []
    for case, events in cases.items():
        for activity, channel, day, *score in events:
            rows.append(
                {
                    "event_id": f"e{len(rows)}",
                    "case_id": case,
                    "customer_id": f"p-{case}",
                    "timestamp": BASE + timedelta(days=day),
                    "activity": activity,
                    "channel": channel,
                    "survey_type": "NPS" if score else None,
                    "survey_score": score[0] if score else None,
                    "source": "hand",
                    "source_row": len(rows),
                    "properties": json.dumps({"segment": "b" if case == "c2" else "a"}),
                }
            )
    return backend_for(canonical(rows), engine)


CASES: dict[str, list[Event]] = {
    "c1": [
        ("Apply", "web", 0),
        ("Upload", "web", 1),
        ("Call", "phone", 20),  # after a long wait, in another channel
        ("Call", "phone", 22),  # a repeat contact
        ("Apply", "web", 23),  # went back to Apply
        ("Survey", None, 24, 6.0),  # the answer: experiences count before it
        ("Upload", "web", 30),
    ],
    "c2": [("Apply", "web", 0), ("Survey", None, 1, 9.0)],
    "c3": [("Apply", "web", 0)],  # never answered
}


def _prepared(backend: Backend, q: MomentsQuery) -> ibis.Table:
    return narrowed(cased(backend.events(), q.case_rule), q)


def test_narrowing_keeps_the_columns_read_and_the_properties_adjusted_for(backend: str) -> None:
    q = MomentsQuery(adjust=("segment",))
    t = _prepared(_backend(CASES, backend), q)
    assert not {"properties", "case_id", "customer_id", "cost"} & set(t.columns)
    assert {"case", "seq", "activity", "channel", "survey_score", "segment"} <= set(t.columns)
    assert "lifecycle:transition" in t.columns  # read once, for the work items


def test_a_satisfaction_outcome_is_the_last_answer_and_its_position_the_cutoff(
    backend: str,
) -> None:
    b = _backend(CASES, backend)
    q = MomentsQuery(adjust=("segment",))
    rows = b.rows(case_outcomes(_prepared(b, q), q))
    got = {
        r["case"]: (r["outcome"], r["cutoff"], r["first_channel"], r["adj_segment"]) for r in rows
    }
    assert got == {"c1": (6.0, 6, "web", "a"), "c2": (9.0, 2, "web", "b")}  # c3 never answered


def test_a_completion_outcome_cuts_at_the_first_outcome_event_or_never(backend: str) -> None:
    b = _backend(CASES, backend)
    q = MomentsQuery(outcome="completion", outcomes=("Upload",))
    rows = b.rows(case_outcomes(_prepared(b, q), q))
    assert {r["case"]: (r["outcome"], r["cutoff"]) for r in rows} == {
        "c1": (1.0, 2),
        "c2": (0.0, 2**62),
        "c3": (0.0, 2**62),
    }


def _experiences(backend: Backend, q: MomentsQuery) -> set[tuple[str, str, str, str, str]]:
    t = _prepared(backend, q)
    expr = case_experiences(t, backend.events(), case_outcomes(t, q), q)
    return {
        (r["case"], r["candidate"], r["kind"], r["activity"], r["risk"]) for r in backend.rows(expr)
    }


def test_experiences_before_the_answer_are_each_counted_once_per_case(backend: str) -> None:
    got = _experiences(_backend(CASES, backend), MomentsQuery())
    assert got == {
        ("c1", "went back to Apply", "backtrack", "Apply", "Apply"),
        ("c1", "switch web -> phone at Call", "switch", "Call", "Call"),
        ("c1", "switch phone -> web at Apply", "switch", "Apply", "Apply"),
        ("c1", "waited > 14 days before Call", "wait", "Call", "Call"),
        ("c1", "repeat contact by phone", "repeat", "Call", ASSISTED),
        ("c1", "step: Apply", "step", "Apply", EVERY),
        ("c1", "step: Upload", "step", "Upload", EVERY),
        ("c1", "step: Call", "step", "Call", EVERY),
        ("c2", "step: Apply", "step", "Apply", EVERY),
    }


def test_the_waits_and_repeats_follow_the_query_and_completion_has_no_step_candidates(
    backend: str,
) -> None:
    q = MomentsQuery(
        outcome="completion",
        outcomes=("Survey",),
        wait=timedelta(days=30),
        repeat_within=timedelta(days=1),
        assisted=("chat",),
    )
    got = _experiences(_backend(CASES, backend), q)
    assert {e[1] for e in got} == {
        "went back to Apply",
        "switch web -> phone at Call",
        "switch phone -> web at Apply",
    }


def test_a_designs_deviations_before_the_cutoff_are_experiences_at_their_step(backend: str) -> None:
    journey = line_journey("j", ["Apply", "Upload"])
    b = _backend(
        {"d1": [("Upload", "web", 0), ("Apply", "web", 1), ("Survey", None, 2, 5.0)]}, backend
    )
    got = _experiences(b, MomentsQuery(journey=journey))
    deviations = {e for e in got if e[2] not in {"step", "backtrack", "switch", "wait", "repeat"}}
    assert deviations == {
        ("d1", "entered mid-way at upload", "entered_midway", "Upload", "step:upload"),
        ("d1", "out of order: apply", "out_of_order", "Apply", "step:apply"),
    }
    q = MomentsQuery(journey=journey)
    t = _prepared(b, q)
    risks = {r["risk"] for r in b.rows(risk_sets(t, case_outcomes(t, q), q))}
    assert risks == {"Upload", "Apply", "step:upload", "step:apply"}


def test_a_case_is_at_risk_for_what_it_did_before_its_cutoff(backend: str) -> None:
    b = _backend(CASES, backend)
    q = MomentsQuery()
    t = _prepared(b, q)
    rows = b.rows(risk_sets(t, case_outcomes(t, q), q))
    assert sorted((r["case"], r["risk"]) for r in rows) == [
        ("c1", ASSISTED),
        ("c1", "Apply"),
        ("c1", "Call"),
        ("c1", "Upload"),
        ("c2", "Apply"),
    ]


def test_work_items_done_after_the_outcome_are_counted(backend: str) -> None:
    b = _backend(CASES, backend)
    q = MomentsQuery()
    t = _prepared(b, q)
    rows = b.rows(after_outcome(t, case_outcomes(t, q)))
    assert {r["activity"]: (r["events"], r["after"]) for r in rows} == {
        "Apply": (3, 0),
        "Upload": (2, 1),  # c1's upload after its answer
        "Call": (2, 0),
        "Survey": (2, 0),
    }


def test_per_customer_cases_are_read_the_same_way(backend: str) -> None:
    b = _backend(CASES, backend)
    q = MomentsQuery(case_rule=CaseRule.per_customer())
    rows = b.rows(case_outcomes(_prepared(b, q), q))
    assert {r["case"]: r["outcome"] for r in rows} == {"p-c1": 6.0, "p-c2": 9.0}


#: Generated cases for the property below: (activity, channel, days after the one before).
_generated_cases = st.dictionaries(
    st.sampled_from(["g1", "g2", "g3", "g4"]),
    st.lists(
        st.tuples(
            st.sampled_from(["A", "B", "C"]),
            st.sampled_from(["web", "phone", "chat", None]),
            st.sampled_from([0, 0, 1, 3, 9]),
        ),
        min_size=1,
        max_size=12,
    ),
    min_size=1,
)


@settings(max_examples=examples(25), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_generated_cases)
def test_went_back_and_repeat_contacts_follow_their_definitions(
    generated: dict[str, list[tuple[str, str | None, int]]],
) -> None:
    """On generated cases (equal times included; no lifecycles, so every event opens an
    instance), against the definitions written plainly: a work item was gone back to when it
    is done again right after another one, having been done before; a contact is a repeat
    when the case's latest earlier assisted contact is at most ``repeat_within`` before it.
    DuckDB only: the hand-written cases above run on both engines."""
    cases: dict[str, list[Event]] = {}
    went_back: set[tuple[str, str]] = set()
    repeats: set[tuple[str, str, str]] = set()
    for case, steps in generated.items():
        day, events = 0.0, list[Event]()
        for activity, channel, gap in steps:
            day += gap
            events.append((activity, channel, day))
        cases[case] = events
        for i, (activity, channel, day, *_) in enumerate(events):
            if i and events[i - 1][0] != activity and activity in {e[0] for e in events[:i]}:
                went_back.add((case, activity))
            earlier = [e[2] for e in events[:i] if e[1] in ("phone", "chat")]
            if channel in ("phone", "chat") and earlier and day - max(earlier) <= 2:
                repeats.add((case, f"repeat contact by {channel}", activity))
    q = MomentsQuery(outcome="completion", outcomes=("Z",), repeat_within=timedelta(days=2))
    got = _experiences(_backend(cases, "duckdb"), q)
    assert {(e[0], e[3]) for e in got if e[2] == "backtrack"} == went_back
    assert {(e[0], e[1], e[3]) for e in got if e[2] == "repeat"} == repeats
