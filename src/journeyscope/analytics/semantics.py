"""What every result says about how it was computed, written in one place.

Each analysis result's ``semantics`` starts with :func:`stated`: the case rule, what names an
activity (the activity column, or a composite activity key), the designed journey when one
is used, and which events or cases were left out (filters). The analysis then adds its own
definitions after it. One helper, so every view says the same thing the same way.

>>> from journeyscope.analytics.cases import CaseRule
>>> stated(CaseRule.given(), filters=["x"]).split("; ")[2:]
['activity: the activity column', 'design: none', 'filters: x']
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from journeyscope.analytics.cases import AnalysisQuery, CaseRule, describe_key

if TYPE_CHECKING:
    from journeyscope.definitions.models import Journey

#: The labels of the parts, in order (tests look for them).
PARTS = ("cases: ", "activity: ", "design: ", "filters: ")


def ratio(part: int, whole: int) -> float | None:
    """``part / whole`` rounded to 6 places; ``None`` when ``whole`` is 0 (a share of nothing
    is undefined, not zero: a result that reports 0 there says so where it calls this).

    >>> ratio(1, 3), ratio(0, 0)
    (0.333333, None)
    """
    return round(part / whole, 6) if whole else None


def stated(
    rule: CaseRule,
    key: tuple[str, ...] = (),
    design: Journey | None = None,
    filters: Iterable[str] = (),
) -> str:
    """``cases: ...; activity: ...; design: ...; filters: ...`` (``none`` where there is
    nothing to say)."""
    activity = describe_key(key).removeprefix("activity = ")
    journey = f"{design.id} ({design.name})" if design is not None else "none"
    left_out = "; ".join(f for f in filters if f) or "none"
    return f"cases: {rule.describe()}; activity: {activity}; design: {journey}; filters: {left_out}"


def stated_for(query: AnalysisQuery, filters: Iterable[str] = ()) -> str:
    """:func:`stated` for a query: its case rule, activity key and ``journey`` (if any)."""
    design: Any = getattr(query, "journey", None)
    return stated(query.case_rule, query.activity_key, design, filters)


def with_stated(query: AnalysisQuery, text: str, filters: Iterable[str] = ()) -> str:
    """The result's semantics: :func:`stated_for` and then the analysis's own ``text``."""
    head = stated_for(query, filters)
    return f"{head}; {text}" if text else head


#: The three counts called "customers", each with its label and definition
#: (docs/metrics.md). A view that shows one labels it with :func:`customer_label`.
CUSTOMER_COUNTS: dict[str, tuple[str, str]] = {
    "stitched": (
        "customers (stitched identities)",
        "distinct customer ids in the store after identity stitching: the identifiers that "
        "could be linked (account, e-mail, phone, device, cookie) are one customer; an "
        "identifier never linked to another stays a customer of its own",
    ),
    "in_journey": (
        "customers with a case in the journey",
        "distinct people among the events that fall in a case under the case rule: the "
        "stitched customer, or the case itself where an event has no customer",
    ),
    "truth": (
        "customers (generator truth)",
        "distinct true_customer_id of the synthetic generator: the people it simulated "
        "(only synthetic data has it)",
    ),
}


def customer_label(kind: str) -> str:
    """The label of a customer count (``stitched``, ``in_journey``, ``truth``).

    >>> customer_label("stitched")
    'customers (stitched identities)'
    """
    return CUSTOMER_COUNTS[kind][0]


def customer_definition(kind: str) -> str:
    """``label: definition`` of a customer count, for a semantics line."""
    label, definition = CUSTOMER_COUNTS[kind]
    return f"{label} = {definition}"


def store_semantics() -> str:
    """What ``stats`` counts: the data's own cases, every activity, nothing left out."""
    return (
        f"{stated(CaseRule.given())}; cases = distinct case ids given by the data; channels = "
        f"cases with at least one event in the channel; {customer_definition('stitched')}"
    )
