"""Process map, variants, channels and case rules, pinned by journeys declared as data; and
the numbers of different views reconciling on the synthetic store."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest

from journeyscope.analytics import (
    Backend,
    CaseRule,
    ChannelsQuery,
    DfgQuery,
    FunnelQuery,
    IbisBackend,
    PathsQuery,
    VariantsQuery,
    parse_duration,
)
from journeyscope.analytics.contacts import ContactRules
from journeyscope.events import Store

Declared = Callable[..., Backend]


def test_dfg_frequencies_durations_start_and_end(declared: Declared) -> None:
    backend = declared({"c1": "A@0 B@1 A@3 B@7", "c2": "A@0 B@2", "c3": "B@0"})
    m = backend.run(DfgQuery())
    got = {
        (e.source, e.target): (e.count, e.cases, e.median_seconds, e.mean_seconds) for e in m.edges
    }
    assert got == {("A", "B"): (3, 2, 120.0, 140.0), ("B", "A"): (1, 1, 120.0, 120.0)}
    assert m.start == {"A": 2, "B": 1} and m.end == {"B": 3}
    assert (m.events, m.cases) == (7, 3)
    assert m.case_rule == CaseRule.given().describe()


def test_equal_timestamps_keep_input_order(declared: Declared) -> None:
    m = declared({"c1": "B@0 A@0 C@0"}).run(DfgQuery())
    assert {(e.source, e.target) for e in m.edges} == {("B", "A"), ("A", "C")}


def test_variants_counts_share_and_coverage(declared: Declared) -> None:
    backend = declared(
        {"c1": "A@0 B@1", "c2": "A@0 B@1", "c3": "A@0 B@1", "c4": "B@0 A@1", "c5": "A@0"}
    )
    v = backend.run(VariantsQuery(top=2, coverage=0.8))
    assert (v.cases, v.variants, v.variants_for_coverage) == (5, 3, 2)
    assert [(x.activities, x.cases, x.share) for x in v.top] == [
        (["A", "B"], 3, 0.6),
        (["A"], 1, 0.2),  # ties ranked alphabetically
    ]
    assert [(p.variants, p.share) for p in v.curve] == [(1, 0.6), (2, 0.8), (3, 1.0)]


def test_derived_cases_by_inactivity_gap(declared: Declared) -> None:
    backend = declared({"x~p1": "A@0 B@1 A@5000 B@5001"})
    per_gap = backend.run(DfgQuery(case_rule=CaseRule.inactivity(timedelta(days=1))))
    assert per_gap.cases == 2 and per_gap.start == {"A": 2}
    assert per_gap.case_rule.startswith("per customer, a new case after 1 days of inactivity;")
    per_customer = backend.run(DfgQuery(case_rule=CaseRule.per_customer()))
    assert per_customer.cases == 1


def test_channel_switches_digital_completion_and_repeats(declared: Declared) -> None:
    backend = declared(
        {
            "c1": "Apply/web@0 Upload/app@1 Done/web@2",  # digital all the way
            "c2": "Apply/web@0 Help/phone@1 Done/web@2",  # assisted before completion
            "c3": "Apply/phone@0 Help/phone@60 Done/branch@20000",  # repeat within 7 days
            "c4": "Apply/web@0 Upload/web@1",  # never completed
        }
    )
    r = backend.run(ChannelsQuery(outcomes=("Done",), repeat_within=timedelta(days=7)))
    d = r.digital
    assert (d.cases, d.completed, d.completed_digitally, d.digital_completion) == (
        4,
        3,
        1,
        0.333333,
    )
    assert (d.started_digitally, d.started_digitally_completed_digitally) == (3, 1)
    assert {(c.source, c.target): c.transitions for c in r.switches}[("web", "phone")] == 1
    assert (r.repeats.contacts, r.repeats.repeats) == (4, 1)  # c3's second call
    assert {v.channel for v in r.volumes} == {"web", "app", "phone", "branch"}
    assert "first of: Done" in r.semantics


def test_channel_sets_are_parameters(declared: Declared) -> None:
    backend = declared({"c1": "Apply/web@0 Help/email@1 Done/web@2"})
    default = backend.run(ChannelsQuery(outcomes=("Done",)))
    assert default.digital.completed_digitally == 0  # e-mail is assisted by default
    relaxed = backend.run(ChannelsQuery(outcomes=("Done",), digital=("email",)))
    assert relaxed.digital.completed_digitally == 1
    declared = ChannelsQuery(
        outcomes=("Done",), contacts=ContactRules(channel_kinds={"email": "other"})
    )
    assert backend.run(declared).digital.completed_digitally == 1


def test_durations_parse() -> None:
    assert parse_duration("30d") == timedelta(days=30)
    assert parse_duration("2w") == timedelta(days=14)
    with pytest.raises(ValueError):
        parse_duration("soon")


def test_views_reconcile_on_the_synthetic_store(synthetic_store: Store) -> None:
    """DFG, variants, funnel and paths count the same cases and events."""
    backend = IbisBackend(synthetic_store.events())
    m = backend.run(DfgQuery())
    v = backend.run(VariantsQuery())
    assert m.cases == v.cases == sum(m.start.values()) == sum(m.end.values())
    edges = sum(e.count for e in m.edges)
    assert edges + m.cases == m.events == sum(a.events for a in m.activities)
    first = "Start housing application"
    f = backend.run(FunnelQuery(steps=(first, "Upload documents")))
    assert f.steps[0].cases == next(a.cases for a in m.activities if a.activity == first)
    p = backend.run(PathsQuery(start=first, steps=2, loops=False, top_edges=1000))
    assert p.paths == f.steps[0].cases
