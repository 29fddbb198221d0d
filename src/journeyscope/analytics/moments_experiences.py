"""The moments-of-truth analysis's queries (Ibis, run by the analytics backend): one row per
case with its outcome and cutoff, the candidate experiences each case had before its cutoff,
the risk sets it belongs to, and which work items mostly come after the outcome. What the
experiences are is described in :mod:`journeyscope.analytics.moments`; they are ranked by
:mod:`journeyscope.analytics.moments_rank`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

import ibis

from journeyscope.analytics.cases import (
    cased,
    epoch_seconds,
    human_duration,
    lookup,
    property_value,
    read_properties,
)
from journeyscope.analytics.conformance import conformance
from journeyscope.analytics.work_items import LIFECYCLE, instances, work_item

if TYPE_CHECKING:
    from journeyscope.analytics.conformance import Conformance
    from journeyscope.analytics.moments import MomentsQuery

#: Risk-set keys besides activities, channels and steps.
EVERY: Final = "(every case)"
ASSISTED: Final = "(assisted contact)"

#: Conformance deviations that become candidate experiences (and how they are named).
DEVIATIONS: Final[dict[str, str]] = {
    "time_limit_broken": "time limit broken before",
    "skipped_step": "skipped steps before",
    "out_of_order": "out of order:",
    "backtracking": "went back (design) to",
    "entered_midway": "entered mid-way at",
}


#: The event columns the experiences, outcomes and risk sets read (besides properties). Of
#: the order keys only the timestamp: the others order the case once (``seq``), no later
#: sort carries them.
EVENT_COLUMNS: Final = (
    "case",
    "seq",
    "activity",
    "work_item",
    "channel",
    "timestamp",
    "survey_type",
    "survey_score",
)


def narrowed(events: ibis.Table, q: MomentsQuery) -> ibis.Table:
    """``events`` :func:`cased` by the query's rule, with only the columns the analysis reads.
    The properties it reads (the adjustment properties and the lifecycle transition) are read
    out of ``properties`` once, before the events are ordered (:func:`read_properties`),
    and the cached table holds about a dozen columns."""
    named = dict.fromkeys((*q.adjust, LIFECYCLE))
    t = cased(read_properties(events, named), q.case_rule)
    return t.select(*[c for c in dict.fromkeys((*EVENT_COLUMNS, *named)) if c in t.columns])


def case_outcomes(t: ibis.Table, q: MomentsQuery) -> ibis.Table:
    """One row per case: ``outcome``, ``cutoff`` (experiences count before it), ``first_channel``
    and the adjustment properties (``adj_<name>``, the case's smallest value)."""
    props = {f"adj_{name}": property_value(t, name).min() for name in q.adjust}
    first_channel = t.channel.argmin(t.seq).fill_null("(none)")
    if q.outcome == "satisfaction":
        answer = (t.survey_type == q.survey).fill_null(False) & t.survey_score.notnull()
        per = t.group_by("case").aggregate(
            outcome=t.survey_score.argmax(t.seq, where=answer),
            cutoff=t.seq.max(where=answer),
            first_channel=first_channel,
            **props,
        )
        return per.filter(per.outcome.notnull())
    reached = t.activity.isin(list(q.outcome_activities()))
    per = t.group_by("case").aggregate(
        outcome=reached.any().cast("float64"),
        cutoff=t.seq.min(where=reached),
        first_channel=first_channel,
        **props,
    )
    return per.mutate(cutoff=per.cutoff.fill_null(2**62))


def case_experiences(
    t: ibis.Table,
    events: ibis.Table,
    outcomes: ibis.Table,
    q: MomentsQuery,
    replay: Conformance | None = None,
) -> ibis.Table:
    """Distinct (case, candidate, kind, activity) of experiences before each case's cutoff.

    With a design, its deviations come from ``replay``, the conformance replay of ``events``
    by the query's design and case rule (an analytics backend hands its kept one over:
    :meth:`~journeyscope.analytics.backends.Backend.conformance`); without one, the events
    are replayed inside this query."""
    # Only the events before the cutoff have experiences, and what each one had (the event
    # before it, its work item's earlier instances, the contact before it) depends on earlier
    # events alone: the later ones are left out before any window sorts them. seq orders a
    # case's events as the order keys do.
    t = t.inner_join(outcomes.select("case", "cutoff"), "case")
    t = instances(t.filter(t.seq < t.cutoff), position="seq")
    w = ibis.window(group_by=t.case, order_by=t.seq)
    assisted = t.channel.isin(list(q.assisted))
    before = t.mutate(
        prev_channel=t.channel.lag().over(w),
        prev_ts=t.timestamp.lag().over(w),
        # the previous assisted contact's time: the latest among the earlier ones (seq
        # orders a case by time first), in the same sort of the case as the lags
        prev_contact=t.timestamp.max(where=assisted).over(
            ibis.window(group_by=t.case, order_by=t.seq, rows=(None, -1))
        ),
        assisted=assisted.fill_null(False),
    )
    contacts = before.filter(before.assisted, before.prev_contact.notnull())
    answers = before.survey_type.notnull() & before.survey_score.notnull()
    gap = epoch_seconds(before.timestamp) - epoch_seconds(before.prev_ts)
    # each part is made distinct on the few short values its experience is named by, and
    # only then named: the names are long strings, built and compared once per case and
    # experience instead of once per event; the parts' kinds differ, so no row is in two
    switches = before.filter(
        before.prev_channel.notnull(),
        before.channel.notnull(),
        before.prev_channel != before.channel,
    )
    switches = switches.select("case", "prev_channel", "channel", "item").distinct()
    waits = before.filter(gap > q.wait.total_seconds()).select("case", "item").distinct()
    repeats = contacts.filter(
        epoch_seconds(contacts.timestamp) - epoch_seconds(contacts.prev_contact)
        <= q.repeat_within.total_seconds()
    )
    repeats = repeats.select("case", "channel", "item").distinct()
    parts = [
        _went_back(before),
        switches.select(
            "case",
            candidate="switch "
            + switches.prev_channel
            + " -> "
            + switches.channel
            + " at "
            + switches.item,
            kind=ibis.literal("switch"),
            activity=switches.item,
            risk=switches.item,
        ),
        waits.select(
            "case",
            candidate=f"waited > {human_duration(q.wait)} before " + waits.item,
            kind=ibis.literal("wait"),
            activity=waits.item,
            risk=waits.item,
        ),
        repeats.select(
            "case",
            candidate="repeat contact by " + repeats.channel,
            kind=ibis.literal("repeat"),
            activity=repeats.item,
            risk=ibis.literal(ASSISTED),
        ),
    ]
    if q.outcome == "satisfaction":
        steps = before.filter(~answers).select("case", "item").distinct()
        parts.append(
            steps.select(
                "case",
                candidate="step: " + steps.item,
                kind=ibis.literal("step"),
                activity=steps.item,
                risk=ibis.literal(EVERY),
            )
        )
    if q.journey is not None:
        parts.append(_deviation_experiences(events, outcomes, q, replay))
    return ibis.union(*parts, distinct=False)


def _went_back(t: ibis.Table) -> ibis.Table:
    """``went back to`` experiences: instances of a work item opened again right after
    another work item's (see :mod:`journeyscope.analytics.work_items`).

    Among a case's opened instances, a work item's runs start where the instance before is
    of another item (or there is none); it was gone back to when it has two runs or more:
    one sort of the case, then counts, instead of a second sort per (case, item)."""
    o = t.filter(t.opens, t.item.notnull())
    o = o.mutate(prev_item=o.item.lag().over(ibis.window(group_by=o.case, order_by=o.seq)))
    starts = o.filter(o.prev_item.isnull() | (o.prev_item != o.item))
    runs = starts.group_by(["case", "item"]).aggregate(runs=starts.count())
    o = runs.filter(runs.runs >= 2)
    return o.select(
        "case",
        candidate="went back to " + o.item,
        kind=ibis.literal("backtrack"),
        activity=o.item,
        risk=o.item,
    )


def after_outcome(t: ibis.Table, outcomes: ibis.Table) -> ibis.Table:
    """Per work item, how many of its events in cases that reached the outcome came after
    it."""
    done = outcomes.filter(outcomes.outcome > 0).select("case", "cutoff")
    t = t.inner_join(done, "case")
    t = t.mutate(activity=work_item(t))
    return t.group_by("activity").aggregate(
        events=t.count(), after=(t.seq > t.cutoff).cast("int64").sum()
    )


def risk_sets(t: ibis.Table, outcomes: ibis.Table, q: MomentsQuery) -> ibis.Table:
    """(case, risk) for every risk set a case belongs to before its cutoff: each activity it
    did, each designed step it reached, any assisted contact."""
    t = t.inner_join(outcomes.select("case", "cutoff"), "case")
    t = t.filter(t.seq < t.cutoff)
    parts = [
        t.select("case", risk=work_item(t)),
        t.filter(t.channel.isin(list(q.assisted))).select("case", risk=ibis.literal(ASSISTED)),
    ]
    claimed = q.journey.activity_steps() if q.journey else {}
    if claimed:
        marked = t.mutate(
            risk=lookup(t.activity, {a: "step:" + s for a, s in claimed.items()}, "string")
        )
        parts.append(marked.filter(marked.risk.notnull()).select("case", "risk"))
    return ibis.union(*parts, distinct=True)


def _deviation_experiences(
    events: ibis.Table, outcomes: ibis.Table, q: MomentsQuery, replay: Conformance | None
) -> ibis.Table:
    assert q.journey is not None
    steps = q.journey.steps
    first_activity = {s.id: s.activities[0] for s in steps if s.activities}
    c = replay if replay is not None else conformance(events, q.journey, q.case_rule)
    d = c.deviations.filter(c.deviations.type.isin(list(DEVIATIONS)))
    d = d.inner_join(outcomes.select("case", "cutoff"), "case")
    d = d.filter(d.seq < d.cutoff).select("case", "type", "to_step").distinct()
    label = ibis.cases(
        *[(d.type == kind, ibis.literal(text + " ")) for kind, text in DEVIATIONS.items()],
        else_=ibis.literal(""),
    )
    return d.select(
        "case",
        candidate=label + d.to_step.fill_null("?"),
        kind=d.type,
        activity=lookup(d.to_step, first_activity, "string"),
        risk="step:" + d.to_step.fill_null("?"),
    )
