"""A name the data does not have is an error naming the closest known names, never a zero;
levels and periods say what they count."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest

from journeyscope.analytics import (
    Backend,
    CaseRule,
    FunnelQuery,
    PathsQuery,
)
from journeyscope.analytics.paths import CleaningRule
from journeyscope.errors import UnknownNameError

pytestmark = pytest.mark.both_engines  # every test here runs on Spark as well

Declared = Callable[..., Backend]
CASES = {
    "c1~p1": "Apply/web@0 Upload_documents/web@1 Pay/web@2",
    "c2": "Apply/web@0 Pay/web@3",
}


def test_unknown_funnel_step_names_the_closest(declared: Declared) -> None:
    backend = declared(CASES)
    with pytest.raises(
        UnknownNameError, match=r"funnel step 2 .*'Upload documentz'.*closest: 'Upload documents'"
    ):
        backend.run(FunnelQuery(steps=("Apply", "Upload documentz")))
    with pytest.raises(UnknownNameError, match="funnel exclusion"):
        backend.run(
            FunnelQuery(
                steps=("Apply", "Pay"),
                exclusions=({"activities": ("Cancell",)},),  # type: ignore[arg-type]
            )
        )


def test_unknown_breakdown_names_the_closest(declared: Declared) -> None:
    backend = declared(CASES)
    with pytest.raises(UnknownNameError, match=r"--breakdown: .*'segmnt'.*closest: 'segment'"):
        backend.run(FunnelQuery(steps=("Apply", "Pay"), breakdown="segmnt"))
    with pytest.raises(UnknownNameError, match="'colour'"):
        backend.run(FunnelQuery(steps=("Apply", "Pay"), breakdown="colour"))
    assert backend.run(FunnelQuery(steps=("Apply", "Pay"), breakdown="segment")).breakdown


def test_unknown_path_anchor_names_the_closest(declared: Declared) -> None:
    backend = declared(CASES)
    with pytest.raises(UnknownNameError, match=r"paths --start: no activity 'Nonexistent'"):
        backend.run(PathsQuery(start="Nonexistent"))
    with pytest.raises(UnknownNameError, match=r"closest: 'Pay'"):
        backend.run(PathsQuery(end="Payy"))
    cleaned = PathsQuery(start="Paying", cleaning=(CleaningRule(pattern="^Pay", alias="Paying"),))
    assert backend.run(cleaned).paths == 2


def test_any_order_levels_are_labelled_honestly(declared: Declared) -> None:
    backend = declared(CASES)
    r = backend.run(FunnelQuery(steps=("Pay", "Apply", "Upload documents"), mode="any_order"))
    assert [s.name for s in r.steps] == [
        "any 1 of the 3 steps",
        "any 2 of the 3 steps",
        "any 3 of the 3 steps",
    ]
    assert [s.cases for s in r.steps] == [2, 2, 1]


def test_trend_marks_open_windows_incomplete(declared: Declared) -> None:
    # weeks of 2024-01-01 and -08; the last event is on 2024-01-09 (day 8)
    backend = declared(
        {"c1": "A@0 B@1", "c2": "A@0", "c3": "A@10080", "c4": "A@11520 B@11521"},
        unit=timedelta(minutes=1),
    )
    q = FunnelQuery(steps=("A", "B"), window=timedelta(days=1))
    trend = backend.run(q).trend
    assert [(p.week, p.complete, p.conversion) for p in trend] == [
        ("2024-01-01", True, 0.5),
        ("2024-01-08", False, None),  # entries of that week may still convert
    ]


def test_customer_case_rule_leaves_out_events_without_a_customer(declared: Declared) -> None:
    r = declared(CASES).run(FunnelQuery(steps=("Apply", "Pay"), case_rule=CaseRule.per_customer()))
    assert (r.entered, r.converted) == (1, 1) and "left out" in r.case_rule
