"""Cases (journey instances): given by the data, or derived per customer with a stated rule.

Every analysis starts here: :func:`with_cases` adds a ``case`` column and :func:`ordered`
adds ``seq``, the 1-based position of each event in its case. Events are ordered by
timestamp; equal timestamps keep the input order (source, then row in the source), so the
same log always gives the same sequences — the convention of process-mining tools that read
a log top to bottom.

All functions here are pure: they take an Ibis table and return an Ibis expression.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Literal

import ibis
from ibis import _

RuleKind = Literal["given", "customer", "gap", "start", "end"]


@dataclass(frozen=True)
class CaseRule:
    """How events are grouped into cases.

    * ``given``: the data's ``case_id``; events without one are left out.
    * ``customer``: one case per (stitched) customer.
    * ``gap``: per customer, a new case after ``gap`` of inactivity (e.g. 30 minutes for web
      sessions, 60 days for service journeys).
    * ``start``: per customer, a new case at each of ``activities``.
    * ``end``: per customer, a case closes after each of ``activities``.

    >>> CaseRule.inactivity(timedelta(days=60)).describe()
    'per customer, a new case after 60 days of inactivity'
    """

    kind: RuleKind = "given"
    gap: timedelta | None = None
    activities: tuple[str, ...] = ()

    @classmethod
    def given(cls) -> CaseRule:
        return cls("given")

    @classmethod
    def per_customer(cls) -> CaseRule:
        return cls("customer")

    @classmethod
    def inactivity(cls, gap: timedelta) -> CaseRule:
        return cls("gap", gap=gap)

    @classmethod
    def starting_at(cls, *activities: str) -> CaseRule:
        return cls("start", activities=tuple(activities))

    @classmethod
    def ending_at(cls, *activities: str) -> CaseRule:
        return cls("end", activities=tuple(activities))

    def describe(self) -> str:
        if self.kind == "given":
            return "case_id from the data; events without one are left out"
        if self.kind == "customer":
            return "one case per customer (after identity stitching)"
        if self.kind == "gap":
            assert self.gap is not None
            return f"per customer, a new case after {_human(self.gap)} of inactivity"
        names = ", ".join(self.activities)
        if self.kind == "start":
            return f"per customer, a new case at each of: {names}"
        return f"per customer, a case ends after each of: {names}"


def _human(gap: timedelta) -> str:
    seconds = int(gap.total_seconds())
    for unit, size in (("days", 86400), ("hours", 3600), ("minutes", 60)):
        if seconds % size == 0 and seconds >= size:
            return f"{seconds // size} {unit}"
    return f"{seconds} seconds"


#: Sort keys that make event order total and reproducible.
ORDER_KEYS = ("timestamp", "source", "source_row", "event_id")


def with_cases(events: ibis.Table, rule: CaseRule | None = None) -> ibis.Table:
    """Add a string ``case`` column according to ``rule`` (default: the data's case ids)."""
    rule = rule or CaseRule.given()
    if rule.kind == "given":
        return events.filter(_.case_id.notnull()).mutate(case=_.case_id)
    if rule.kind == "customer":
        return events.mutate(case=_.customer_id)
    window = ibis.window(group_by=_.customer_id, order_by=[_[k] for k in ORDER_KEYS])
    if rule.kind == "gap":
        assert rule.gap is not None
        previous = _.timestamp.lag().over(window)
        gap_seconds = int(rule.gap.total_seconds())
        opens = previous.isnull() | (
            (_.timestamp.epoch_seconds() - previous.epoch_seconds()) > gap_seconds
        )
    elif rule.kind == "start":
        opens = _.activity.isin(list(rule.activities))
    else:
        closed_before = _.activity.lag().over(window).isin(list(rule.activities))
        opens = closed_before.fill_null(False)
    marked = events.mutate(__opens=opens.cast("int64"))
    running = ibis.window(
        group_by=marked.customer_id,
        order_by=[marked[k] for k in ORDER_KEYS],
        preceding=None,
        following=0,
    )
    numbered = marked.mutate(__n=marked["__opens"].sum().over(running))
    return numbered.mutate(
        case=numbered.customer_id + "#" + numbered["__n"].cast("string")
    ).drop("__opens", "__n")


def ordered(cases: ibis.Table) -> ibis.Table:
    """Add ``seq``: the 1-based position of each event in its case (ties: input order)."""
    window = ibis.window(group_by=cases.case, order_by=[cases[k] for k in ORDER_KEYS])
    return cases.mutate(seq=ibis.row_number().over(window) + 1)
