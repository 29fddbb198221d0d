"""Case rules and durations as the analyses read them, pinned by journeys declared as data;
and the numbers of different views reconciling on the synthetic store. The process map,
variants and channels themselves: test_process.py, test_variants.py, test_channels.py."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from analytics_kit import stored

from journeyscope.analytics import (
    Backend,
    CaseRule,
    DfgQuery,
    FunnelQuery,
    PathsQuery,
    VariantsQuery,
    parse_duration,
)
from journeyscope.events import Store

pytestmark = pytest.mark.both_engines  # every test here runs on Spark as well

Declared = Callable[..., Backend]


def test_derived_cases_by_inactivity_gap(declared: Declared) -> None:
    backend = declared({"x~p1": "A@0 B@1 A@5000 B@5001"})
    per_gap = backend.run(DfgQuery(case_rule=CaseRule.inactivity(timedelta(days=1))))
    assert per_gap.cases == 2 and per_gap.start == {"A": 2}
    assert per_gap.case_rule.startswith("per customer, a new case after 1 days of inactivity;")
    per_customer = backend.run(DfgQuery(case_rule=CaseRule.per_customer()))
    assert per_customer.cases == 1


def test_durations_parse() -> None:
    assert parse_duration("30d") == timedelta(days=30)
    assert parse_duration("2w") == timedelta(days=14)
    with pytest.raises(ValueError):
        parse_duration("soon")


def test_views_reconcile_on_the_synthetic_store(synthetic_store: Store, backend: str) -> None:
    """DFG, variants, funnel and paths count the same cases and events."""
    b = stored(synthetic_store, backend)
    m = b.run(DfgQuery())
    v = b.run(VariantsQuery())
    assert m.cases == v.cases == sum(m.start.values()) == sum(m.end.values())
    edges = sum(e.count for e in m.edges)
    assert edges + m.cases == m.events == sum(a.events for a in m.activities)
    first = "Start housing application"
    f = b.run(FunnelQuery(steps=(first, "Upload documents")))
    assert f.steps[0].cases == next(a.cases for a in m.activities if a.activity == first)
    p = b.run(PathsQuery(start=first, steps=2, loops=False, top_edges=1000))
    assert p.paths == f.steps[0].cases
