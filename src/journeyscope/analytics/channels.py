"""Channels: switching between them, digital completion, repeat contacts, failure demand,
volumes over time — all counted over *contacts* as :mod:`journeyscope.analytics.contacts`
defines them (customer-initiated events in a known channel, survey answers left out).

* **switch matrix** — consecutive contacts of a case: how often a contact in channel X was
  followed by one in channel Y (X = Y counts as staying), and in how many cases; a
  **ping-pong** is a return to a channel after a run of contacts in another (web → phone →
  web; the same definition as ``paths`` loops use).
* **digital completion** — a case *completes* at its first outcome event (or, when no outcome
  activities are given, at its last event). It completes *digitally* when no assisted contact
  comes before completion, not counting activities that cannot be done digitally (those cases
  are counted apart). *At first contact*: among cases whose first contact is digital.
* **repeat contacts** — an assisted contact is a repeat when the same customer (or the case,
  where no customer is known) had an assisted contact at most ``repeat_within`` before it.
  A repeat is not necessarily failure demand.
* **failure demand** — assisted contacts caused by a failure (the one definition, in
  :mod:`journeyscope.analytics.contacts`; the value stream counts the same contacts).
* **volumes** — events and contacts per channel per day, week (from Monday) or month.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import Any, Literal

import ibis
from pydantic import BaseModel, Field

from journeyscope.analytics.cases import (
    ORDER_KEYS,
    AnalysisQuery,
    CaseRule,
    human_duration,
    person,
    utc_time,
    with_cases,
)
from journeyscope.analytics.contacts import ContactRules, classify, ping_pong, with_failure_demand
from journeyscope.analytics.holistic import distinct_count
from journeyscope.analytics.semantics import ratio, with_stated

Period = Literal["day", "week", "month"]
_UNITS = {"day": "D", "week": "W", "month": "M"}


class ChannelsQuery(AnalysisQuery):
    """Channel analyses. The classification comes from ``contacts``; ``digital`` and
    ``assisted`` name channels whose kind they override."""

    kind: Literal["channels"] = "channels"
    contacts: ContactRules = Field(default_factory=ContactRules)
    digital: tuple[str, ...] = ()
    assisted: tuple[str, ...] = ()
    outcomes: tuple[str, ...] = ()
    repeat_within: timedelta = Field(timedelta(days=7))
    period: Period = "week"

    def rules(self) -> ContactRules:
        """The classification with the ``digital`` / ``assisted`` overrides applied."""
        if not self.digital and not self.assisted:
            return self.contacts
        kinds = dict(self.contacts.channel_kinds)
        kinds.update({c: "digital" for c in self.digital})
        kinds.update({c: "assisted" for c in self.assisted})
        return self.contacts.model_copy(update={"channel_kinds": kinds})


#: The event columns the channel analyses read (the order keys, what cases and people are
#: made of, what the classification reads); the others are left out before any window, so
#: that no sort carries them.
_COLUMNS = (*ORDER_KEYS, "case_id", "customer_id", "activity", "channel", "survey_type")


def contact_events(events: ibis.Table, rules: ContactRules, rule: CaseRule | None) -> ibis.Table:
    """Every event with its case, classification and failure demand (the prepared relation):
    the columns the analyses read, of :data:`_COLUMNS`, and those they add."""
    t = with_cases(events.select(*[c for c in _COLUMNS if c in events.columns]), rule)
    t = t.drop("case_id")  # read by the case rule only: no sort carries it
    order = ibis.window(group_by=t.case, order_by=[t[k] for k in ORDER_KEYS])
    t = t.mutate(pos=ibis.row_number().over(order))  # sorted once, for every window after
    # the other order keys are read by that sort only: no later window carries them
    t = t.drop(*[k for k in ORDER_KEYS if k != "timestamp"])
    return with_failure_demand(classify(t, rules, position="pos"))


def moves(prepared: ibis.Table) -> ibis.Table:
    """One row per pair of consecutive contacts of a case: ``case``, ``source``, ``target``."""
    t = prepared.filter(prepared.contact)
    w = ibis.window(group_by=t.case, order_by=t.pos)
    t = t.mutate(target=t.channel.lead().over(w))
    t = t.filter(t.target.notnull())
    return t.select("case", source=t.channel, target=t.target)


def switches(prepared: ibis.Table, large: bool = False) -> ibis.Table:
    """Contact-to-contact channel transitions: ``source``, ``target``, ``transitions``,
    ``cases`` (see :func:`moves`; ``large``: the cases counted by sorting,
    :mod:`~journeyscope.analytics.holistic`)."""
    t, cases = distinct_count(moves(prepared), ["source", "target"], "case", large=large)
    return t.group_by("source", "target").aggregate(transitions=t.count(), cases=cases)


def completion(prepared: ibis.Table, outcomes: tuple[str, ...]) -> ibis.Table:
    """One row per case: ``completed``, ``assisted`` (an assisted contact up to completion,
    not counting activities that cannot be done digitally), ``not_digital`` (an assisted
    contact up to completion for such an activity), ``first_digital`` (the first contact is
    digital), ``switched`` (contacts in more than one channel)."""
    t = prepared
    whole = ibis.window(group_by=t.case)
    if outcomes:
        done = ibis.cases((t.activity.isin(list(outcomes)), t.pos), else_=None)
        t = t.mutate(done=done.min().over(whole))
    else:
        t = t.mutate(done=t.pos.max().over(whole))
    first = ibis.cases((t.contact, t.pos), else_=None)
    t = t.mutate(first_pos=first.min().over(whole))
    before = t.pos <= t.done
    contact_channel = ibis.cases((t.contact, t.channel), else_=ibis.null("string"))
    return t.group_by("case").aggregate(
        completed=t.done.notnull().any(),
        assisted=(t.assisted_contact & ~t.not_digital & before).fill_null(False).any(),
        not_digital=(t.assisted_contact & t.not_digital & before).fill_null(False).any(),
        first_digital=((t.pos == t.first_pos) & (t.channel_kind == "digital"))
        .fill_null(False)
        .any(),
        switched=(contact_channel.min() != contact_channel.max()).fill_null(False),
    )


def repeat_contacts(prepared: ibis.Table, within: timedelta) -> ibis.Table:
    """Assisted contacts with ``repeat`` (the previous assisted contact of the same customer
    was at most ``within`` earlier): columns ``channel``, ``repeat``."""
    t = prepared.filter(prepared.assisted_contact).mutate(who=person(prepared))
    w = ibis.window(group_by=t.who, order_by=[t.timestamp, t.case, t.pos])
    previous = t.timestamp.lag().over(w)
    limit = ibis.interval(seconds=int(within.total_seconds()))
    repeat = previous.notnull() & (t.timestamp <= previous + limit)
    return t.select("channel", repeat=repeat.fill_null(False))


def volumes(prepared: ibis.Table, period: Period, large: bool = False) -> ibis.Table:
    """Events, contacts and cases per ``period`` and channel (``large``: as :func:`switches`)."""
    t = prepared.filter(prepared.channel.notnull())
    t = t.mutate(period=utc_time(t.timestamp).truncate(_UNITS[period]).cast("date"))
    t, cases = distinct_count(t, ["period", "channel"], "case", large=large)
    return t.group_by("period", "channel").aggregate(
        events=t.count(), contacts=t.contact.cast("int64").sum(), cases=cases
    )


class SwitchCell(BaseModel):
    source: str
    target: str
    transitions: int
    cases: int


class DigitalCompletion(BaseModel):
    cases: int
    completed: int
    completed_digitally: int
    digital_completion: float
    started_digitally: int
    started_digitally_completed_digitally: int
    digital_completion_at_first_contact: float
    cases_switching_channel: int
    cases_with_steps_not_digital: int
    """Completed cases with an assisted contact, before completion, for an activity that
    cannot be done digitally; stated apart, not counted as a failure of digital completion."""
    steps_not_digital: list[str]


class RepeatChannel(BaseModel):
    channel: str
    contacts: int
    repeats: int
    repeat_rate: float


class RepeatContacts(BaseModel):
    within: str
    contacts: int
    repeats: int
    repeat_rate: float
    by_channel: list[RepeatChannel]


class DemandChannel(BaseModel):
    channel: str
    assisted_contacts: int
    failure_demand_contacts: int


class FailureDemand(BaseModel):
    """Assisted contacts caused by a failure (see :mod:`journeyscope.analytics.contacts`)."""

    failures: int
    assisted_contacts: int
    failure_demand_contacts: int
    failure_demand_share: float
    by_channel: list[DemandChannel]


class ContactCounts(BaseModel):
    events: int
    contacts: int
    """Customer-initiated events in a known channel, survey answers left out."""
    assisted_contacts: int
    digital_contacts: int
    by_initiator: dict[str, int]
    """Events by who initiated them: customer, organisation, internal; most events first."""
    channel_is_case_attribute: bool


class Volume(BaseModel):
    period: str
    channel: str
    events: int
    contacts: int
    cases: int


class ChannelsResult(BaseModel):
    contacts: ContactCounts
    switches: list[SwitchCell]
    ping_pong: int
    """Returns to a channel after a run of contacts in another (see
    :func:`journeyscope.analytics.contacts.ping_pong`)."""
    ping_pong_cases: int
    digital: DigitalCompletion
    repeats: RepeatContacts
    failure_demand: FailureDemand
    volumes: list[Volume]
    digital_channels: list[str]
    assisted_channels: list[str]
    outcomes: list[str]
    period: Period
    case_rule: str
    classification: str
    semantics: str


def _n(cond: ibis.BooleanValue) -> ibis.IntegerScalar:
    return cond.cast("int64").sum()


class ChannelsAnalysis:
    """Runner for :class:`ChannelsQuery`."""

    def prepare(self, events: ibis.Table, query: ChannelsQuery, large: bool = False) -> ibis.Table:
        return contact_events(events, query.rules(), query.case_rule)

    #: ``large``: the distinct cases counted by sorting (:mod:`~journeyscope.analytics.holistic`)
    sized = True

    def expressions(
        self, prepared: ibis.Table, events: ibis.Table, query: ChannelsQuery, large: bool = False
    ) -> dict[str, ibis.Table]:
        p = completion(prepared, query.outcomes)
        digital = p.completed & ~p.assisted
        r = repeat_contacts(prepared, query.repeat_within)
        a = prepared.filter(prepared.assisted_contact)
        e = prepared
        pp, pp_cases = distinct_count(
            ping_pong(prepared.filter(prepared.contact), "pos"), [], "case", large=large
        )
        return {
            "ping_pong": pp.aggregate(ping_pong=pp.count(), cases=pp_cases),
            "switches": switches(prepared, large),
            "digital": p.aggregate(
                cases=p.count(),
                completed=_n(p.completed),
                completed_digitally=_n(digital),
                started_digitally=_n(p.first_digital),
                started_digitally_completed_digitally=_n(p.first_digital & digital),
                cases_switching_channel=_n(p.switched),
                cases_with_steps_not_digital=_n(p.completed & p.not_digital),
            ),
            "repeats": r.group_by("channel").aggregate(contacts=r.count(), repeats=_n(r.repeat)),
            "demand": a.group_by("channel").aggregate(
                assisted_contacts=a.count(), failure_demand_contacts=_n(a.failure_demand)
            ),
            "contacts": e.group_by("initiator").aggregate(
                events=e.count(),
                contacts=_n(e.contact),
                digital_contacts=_n(e.contact & (e.channel_kind == "digital")),
                failures=_n(e.failure),
                case_attribute=e.channel_is_case_attribute.any(),
            ),
            "volumes": volumes(prepared, query.period, large),
        }

    def result(
        self, query: ChannelsQuery, rows: Mapping[str, list[dict[str, Any]]]
    ) -> ChannelsResult:
        rules = query.rules()
        d = {k: int(v or 0) for k, v in rows["digital"][0].items()}
        reps = sorted(rows["repeats"], key=lambda r: (-r["contacts"], r["channel"]))
        contacts = sum(int(r["contacts"]) for r in reps)
        repeats = sum(int(r["repeats"] or 0) for r in reps)
        dem = sorted(rows["demand"], key=lambda r: (-r["assisted_contacts"], r["channel"]))
        assisted = sum(int(r["assisted_contacts"]) for r in dem)
        demand = sum(int(r["failure_demand_contacts"] or 0) for r in dem)
        c = rows["contacts"]
        cells = [
            SwitchCell(
                source=r["source"],
                target=r["target"],
                transitions=int(r["transitions"]),
                cases=int(r["cases"]),
            )
            for r in sorted(
                rows["switches"], key=lambda r: (-r["transitions"], r["source"], r["target"])
            )
        ]
        seen = {str(r["channel"]) for r in rows["volumes"]}
        return ChannelsResult(
            contacts=ContactCounts(
                events=sum(int(r["events"]) for r in c),
                contacts=sum(int(r["contacts"] or 0) for r in c),
                assisted_contacts=assisted,
                digital_contacts=sum(int(r["digital_contacts"] or 0) for r in c),
                by_initiator={  # most events first: the same order on every engine
                    str(r["initiator"]): int(r["events"])
                    for r in sorted(c, key=lambda r: (-int(r["events"]), str(r["initiator"])))
                },
                channel_is_case_attribute=any(bool(r["case_attribute"]) for r in c),
            ),
            switches=cells,
            ping_pong=int(rows["ping_pong"][0]["ping_pong"] or 0),
            ping_pong_cases=int(rows["ping_pong"][0]["cases"] or 0),
            digital=DigitalCompletion(
                **d,
                digital_completion=_ratio(d["completed_digitally"], d["completed"]),
                digital_completion_at_first_contact=_ratio(
                    d["started_digitally_completed_digitally"], d["started_digitally"]
                ),
                steps_not_digital=list(rules.not_digital),
            ),
            repeats=RepeatContacts(
                within=human_duration(query.repeat_within),
                contacts=contacts,
                repeats=repeats,
                repeat_rate=_ratio(repeats, contacts),
                by_channel=[
                    RepeatChannel(
                        channel=r["channel"],
                        contacts=int(r["contacts"]),
                        repeats=int(r["repeats"] or 0),
                        repeat_rate=_ratio(int(r["repeats"] or 0), int(r["contacts"])),
                    )
                    for r in reps
                ],
            ),
            failure_demand=FailureDemand(
                failures=sum(int(r["failures"] or 0) for r in c),
                assisted_contacts=assisted,
                failure_demand_contacts=demand,
                failure_demand_share=_ratio(demand, assisted),
                by_channel=[
                    DemandChannel(
                        channel=r["channel"],
                        assisted_contacts=int(r["assisted_contacts"]),
                        failure_demand_contacts=int(r["failure_demand_contacts"] or 0),
                    )
                    for r in dem
                ],
            ),
            volumes=[
                Volume(**r)
                for r in sorted(rows["volumes"], key=lambda r: (r["period"], r["channel"]))
            ],
            digital_channels=sorted(x for x in seen if rules.kind_of(x) == "digital"),
            assisted_channels=sorted(x for x in seen if rules.kind_of(x) == "assisted"),
            outcomes=list(query.outcomes),
            period=query.period,
            case_rule=query.case_rule.describe(),
            classification=rules.describe(),
            semantics=with_stated(query, _describe(query)),
        )


def _describe(q: ChannelsQuery) -> str:
    done = (
        f"a case completes at its first of: {', '.join(q.outcomes)}"
        if q.outcomes
        else "no outcome activities given: every case counts as completed at its last event"
    )
    return (
        "contacts, assisted contacts and failure demand as defined in the classification "
        f"(docs/metrics.md); {done}; completed digitally = no assisted contact up to "
        "completion, activities that cannot be done digitally not counted (their cases are "
        "counted apart); at first contact = among cases whose first contact is digital; "
        "switches and ping-pong = between consecutive contacts of a case; repeat contact = "
        f"an assisted contact within {human_duration(q.repeat_within)} of the same "
        "customer's previous assisted contact (not necessarily failure demand)"
    )


def _ratio(a: int, b: int) -> float:
    """:func:`ratio`, with 0 where nothing is there to divide (no contacts: a rate of 0)."""
    return ratio(a, b) or 0.0


CHANNELS = ChannelsAnalysis()
