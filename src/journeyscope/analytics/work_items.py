"""Work items on lifecycle logs: which events start something new, and what "went back" means.

A log with XES lifecycles records one piece of work as several events: a work item is
*scheduled*, *started*, *completed*, and often started and completed again in several
sessions (BPI Challenge 2012: one ``W_Nabellen offertes`` call-back item, scheduled once,
worked on in many sessions). Read event by event, those transitions look like going back
("START after COMPLETE", "the case returned to W_Completeren aanvraag"); they are not.

Definitions (one place; paths, moments and conformance use them):

* **lifecycle transition**: the event's ``lifecycle:transition`` when it is one of the
  standard XES transitions (:data:`TRANSITIONS`, any case); any other value (BPIC 2013's
  ``In Progress``) is no transition but part of the activity's name.
* **work item**: the activity without its lifecycle transition: the activity key without
  the ``lifecycle:transition`` part where the event has a standard transition (``W_Nabellen
  offertes (START)`` is the work item ``W_Nabellen offertes``), else the activity.
* **instance**: one piece of work on a work item in a case. An event *opens* an instance
  when it has no lifecycle transition, when it is a ``schedule``, when it is its work item's
  first event in the case, or when the work item's previous event in the case ended an
  instance (complete, withdraw, abort, skip) and the work item was never scheduled in the
  case. Every other event continues the open instance: ``start`` after ``schedule``,
  ``complete`` after ``start``, and, once a work item is scheduled, all its sessions up to
  its next ``schedule``. On a log without lifecycles every event opens an instance, so
  nothing changes there.
* **went back**: the case opened an instance of a work item it had opened before, right
  after an instance of another work item. The **back-edge** is the previous instance's work
  item -> this one. Repeats of a work item with nothing in between are rework, not going
  back.
"""

from __future__ import annotations

from typing import Final

import ibis

from journeyscope.analytics.cases import ORDER_KEYS, property_value, split_cases

#: The property that holds an event's lifecycle transition.
LIFECYCLE: Final = "lifecycle:transition"

#: The standard XES lifecycle transitions (lower case).
TRANSITIONS: Final = (
    "schedule",
    "assign",
    "reassign",
    "start",
    "suspend",
    "resume",
    "complete",
    "autoskip",
    "manualskip",
    "withdraw",
    "ate_abort",
    "pi_abort",
)

#: Transitions after which a work item that was never scheduled has no open instance.
ENDS: Final = ("complete", "autoskip", "manualskip", "withdraw", "ate_abort", "pi_abort")

#: The definitions above in one sentence, for a result's semantics.
WENT_BACK: Final = (
    "went back: an instance of a work item the case had opened before, right after an "
    "instance of another; on lifecycle logs a work item is the activity without its "
    "lifecycle transition, and a schedule, start, complete and the further start/complete "
    "sessions of one scheduled item are one instance, not going back"
)


def transition(events: ibis.Table) -> ibis.StringValue:
    """The event's standard lifecycle transition in lower case, else null (also for a table
    without properties)."""
    if "properties" not in events.columns and LIFECYCLE not in events.columns:
        return ibis.null("string")
    life = property_value(events, LIFECYCLE).lower()
    return ibis.cases((life.isin(list(TRANSITIONS)), life), else_=ibis.null("string"))


def work_item(events: ibis.Table) -> ibis.StringValue:
    """The event's work item: the ``work_item`` column where the activity key set one
    (see :func:`journeyscope.analytics.cases.keyed`), else the activity."""
    return events["work_item"] if "work_item" in events.columns else events.activity


def instances(cases: ibis.Table, position: str | None = None) -> ibis.Table:
    """Events with a ``case`` column (and the order keys), with ``item`` (the work item)
    and ``opens`` (the event opens an instance; see the module text). ``position``: a
    column that already orders the events of a case as the order keys do (one sort key
    instead of four)."""
    # only the cases with a lifecycle transition need the windows below: every event of the
    # others opens an instance (on a log without lifecycles no event is sorted here)
    t = cases.mutate(item=work_item(cases), life=transition(cases))
    t, plain = split_cases(t, t.life.notnull())
    plain = plain.mutate(opens=ibis.literal(True)).drop("life")
    order = [t[k] for k in ORDER_KEYS] if position is None else [t[position]]
    same = ibis.window(group_by=[t.case, t.item], order_by=order)
    earlier = ibis.window(group_by=[t.case, t.item], order_by=order, rows=(None, -1))
    prev_life = t.life.lag().over(same)
    first = ibis.row_number().over(same) == 0
    scheduled = (t.life == "schedule").fill_null(False).cast("int64").max().over(earlier)
    opens = (
        t.life.isnull()
        | (t.life == "schedule")
        | first
        | prev_life.isnull()
        | (prev_life.isin(list(ENDS)) & (scheduled.fill_null(0) == 0))
    )
    return t.mutate(opens=opens.fill_null(True)).drop("life").union(plain)
