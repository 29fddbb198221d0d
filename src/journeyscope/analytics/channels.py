"""Channels: switching between them, digital completion, repeat contacts, volumes over time.

* **switch matrix** — consecutive events of a case that carry a channel: how often channel X
  was followed by channel Y (X = Y counts as staying), and in how many cases.
* **digital completion** — a case *completes* at its first outcome event (or, when no outcome
  activities are given, at its last event). It completes *digitally* when no event in an
  assisted channel comes before completion (at first contact: among cases whose first
  channel is digital). The digital and assisted channel sets are parameters.
* **repeat contacts (failure demand)** — an assisted contact is a repeat when the same
  customer (or the case, where no customer is known) had an assisted contact at most
  ``repeat_within`` before it.
* **volumes** — events and cases per channel per day, week (from Monday) or month.
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
    with_cases,
)

Period = Literal["day", "week", "month"]
_UNITS = {"day": "D", "week": "W", "month": "M"}


class ChannelsQuery(AnalysisQuery):
    """Channel analyses; the channel sets and the repeat window are parameters."""

    kind: Literal["channels"] = "channels"
    digital: tuple[str, ...] = ("web", "app")
    assisted: tuple[str, ...] = ("phone", "branch", "chat", "email")
    outcomes: tuple[str, ...] = ()
    repeat_within: timedelta = Field(timedelta(days=7))
    period: Period = "week"


def switches(events: ibis.Table, rule: CaseRule | None = None) -> ibis.Table:
    """Channel-to-channel transitions: ``source``, ``target``, ``transitions``, ``cases``."""
    t = with_cases(events, rule)
    t = t.filter(t.channel.notnull())
    w = ibis.window(group_by=t.case, order_by=[t[k] for k in ORDER_KEYS])
    t = t.mutate(target=t.channel.lead().over(w))
    t = t.filter(t.target.notnull())
    return t.group_by(source=t.channel, target=t.target).aggregate(
        transitions=t.count(), cases=t.case.nunique()
    )


def completion(events: ibis.Table, query: ChannelsQuery) -> ibis.Table:
    """One row per case: ``completed``, ``assisted`` (an assisted contact up to completion),
    ``first_digital`` (the first channel is digital), ``switched`` (more than one channel)."""
    t = with_cases(events, query.case_rule)
    w = ibis.window(group_by=t.case, order_by=[t[k] for k in ORDER_KEYS])
    t = t.mutate(seq=ibis.row_number().over(w))
    whole = ibis.window(group_by=t.case)
    if query.outcomes:
        done = ibis.cases((t.activity.isin(list(query.outcomes)), t.seq), else_=None)
        t = t.mutate(done=done.min().over(whole))
    else:
        t = t.mutate(done=t.seq.max().over(whole))
    assisted = t.channel.isin(list(query.assisted)) & (t.seq <= t.done)
    first = ibis.cases((t.channel.notnull(), t.seq), else_=None)
    t = t.mutate(first_seq=first.min().over(whole))
    return t.group_by("case").aggregate(
        completed=t.done.notnull().any(),
        assisted=assisted.fill_null(False).any(),
        first_digital=((t.seq == t.first_seq) & t.channel.isin(list(query.digital))).any(),
        switched=t.channel.nunique() > 1,
    )


def repeat_contacts(events: ibis.Table, query: ChannelsQuery) -> ibis.Table:
    """Assisted contacts with ``repeat`` (the previous one of the same customer was at most
    ``repeat_within`` earlier): columns ``channel``, ``repeat``."""
    t = with_cases(events, query.case_rule)
    t = t.filter(t.channel.isin(list(query.assisted))).mutate(who=person(t))
    w = ibis.window(group_by=t.who, order_by=[t[k] for k in ORDER_KEYS])
    previous = t.timestamp.lag().over(w)
    limit = ibis.interval(seconds=int(query.repeat_within.total_seconds()))
    repeat = previous.notnull() & (t.timestamp <= previous + limit)
    return t.select("channel", repeat=repeat.fill_null(False))


def volumes(events: ibis.Table, query: ChannelsQuery) -> ibis.Table:
    """Events and cases per ``period`` and channel."""
    t = with_cases(events, query.case_rule)
    t = t.filter(t.channel.notnull())
    start = t.timestamp.truncate(_UNITS[query.period]).cast("date")
    return t.group_by(period=start, channel=t.channel).aggregate(
        events=t.count(), cases=t.case.nunique()
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


class Volume(BaseModel):
    period: str
    channel: str
    events: int
    cases: int


class ChannelsResult(BaseModel):
    switches: list[SwitchCell]
    digital: DigitalCompletion
    repeats: RepeatContacts
    volumes: list[Volume]
    digital_channels: list[str]
    assisted_channels: list[str]
    outcomes: list[str]
    period: Period
    case_rule: str
    semantics: str


class ChannelsAnalysis:
    """Runner for :class:`ChannelsQuery`."""

    def prepare(self, events: ibis.Table, query: ChannelsQuery) -> ibis.Table:
        return completion(events, query)

    def expressions(
        self, prepared: ibis.Table, events: ibis.Table, query: ChannelsQuery
    ) -> dict[str, ibis.Table]:
        p = prepared
        digital = p.completed & ~p.assisted

        def n(cond: ibis.BooleanValue) -> ibis.IntegerScalar:
            return cond.cast("int64").sum()

        r = repeat_contacts(events, query)
        return {
            "switches": switches(events, query.case_rule),
            "digital": p.aggregate(
                cases=p.count(),
                completed=n(p.completed),
                completed_digitally=n(digital),
                started_digitally=n(p.first_digital),
                started_digitally_completed_digitally=n(p.first_digital & digital),
                cases_switching_channel=n(p.switched),
            ),
            "repeats": r.group_by("channel").aggregate(contacts=r.count(), repeats=n(r.repeat)),
            "volumes": volumes(events, query),
        }

    def result(
        self, query: ChannelsQuery, rows: Mapping[str, list[dict[str, Any]]]
    ) -> ChannelsResult:
        d = {k: int(v or 0) for k, v in rows["digital"][0].items()}
        reps = sorted(rows["repeats"], key=lambda r: (-r["contacts"], r["channel"]))
        contacts = sum(int(r["contacts"]) for r in reps)
        repeats = sum(int(r["repeats"] or 0) for r in reps)
        return ChannelsResult(
            switches=[
                SwitchCell(**r)
                for r in sorted(
                    rows["switches"], key=lambda r: (-r["transitions"], r["source"], r["target"])
                )
            ],
            digital=DigitalCompletion(
                **d,
                digital_completion=_ratio(d["completed_digitally"], d["completed"]),
                digital_completion_at_first_contact=_ratio(
                    d["started_digitally_completed_digitally"], d["started_digitally"]
                ),
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
            volumes=[
                Volume(**r)
                for r in sorted(rows["volumes"], key=lambda r: (r["period"], r["channel"]))
            ],
            digital_channels=list(query.digital),
            assisted_channels=list(query.assisted),
            outcomes=list(query.outcomes),
            period=query.period,
            case_rule=query.case_rule.describe(),
            semantics=_describe(query),
        )


def _describe(q: ChannelsQuery) -> str:
    done = (
        f"a case completes at its first of: {', '.join(q.outcomes)}"
        if q.outcomes
        else "no outcome activities given: every case counts as completed at its last event"
    )
    return (
        f"{done}; completed digitally = no assisted contact ({', '.join(q.assisted)}) up to "
        f"completion; at first contact = among cases whose first channel is digital "
        f"({', '.join(q.digital)}); repeat contact = an assisted contact within "
        f"{human_duration(q.repeat_within)} of the same customer's previous one"
    )


def _ratio(a: int, b: int) -> float:
    return round(a / b, 6) if b else 0.0


CHANNELS = ChannelsAnalysis()
