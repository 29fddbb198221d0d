"""Who started each event, through what kind of channel, and which contacts a failure caused:
the one classification every analysis (channels, value stream, report) uses.

* **initiator** — ``customer`` (inbound: the customer did or asked something), ``organisation``
  (outbound: a decision letter, a reminder, a survey invitation) or ``internal`` (back office,
  not seen by the customer). Declared per activity in the event catalogue; an activity not
  declared there is ``organisation`` when its name says it was sent (:data:`OUTBOUND`), else
  ``customer``.
* **channel kind** — ``digital`` (self-service), ``assisted`` (a person serves the customer)
  or ``other`` (letters, post). Declared per channel in the catalogue; a channel not declared
  there is looked up by name in :data:`CHANNEL_KINDS` (case-insensitive), else ``other``.
* **channel scope** — when the channel is the same on every event of every case that has
  more than one event, it is a *case attribute* (how the case came in, copied onto every
  back-office task), not a contact per event: only the case's first event is in that
  channel, and the other events, unless declared otherwise, are ``internal``.
* **contact** — an event the customer initiated, in a known channel, that is not a survey
  answer. An **assisted contact** is a contact in an assisted channel.
* **failure** — an event of a *failure activity* (declared in the design or the catalogue;
  nothing is a failure by default): a failure to do something, or to do it right, for the
  customer.
* **failure demand** — an assisted contact caused by a failure: it comes after a failure of
  the same case and no later than the case's next *step attempt* (a customer-initiated event
  that is neither a failure, a help contact nor a survey answer) — the contacts made to get
  the failed thing done, the attempt that finally does it included when it is assisted.
* **cannot be done digitally** — activities declared so (a key handover at the branch): an
  assisted contact for them is stated apart and never counts against digital completion.

Everything here builds Ibis expressions; nothing executes.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Literal

import ibis
from pydantic import BaseModel, ConfigDict, Field

from journeyscope.analytics.cases import ORDER_KEYS, lookup, split_cases
from journeyscope.events.catalogue import (
    CHANNEL_KINDS,
    HELP_NAMES,
    OUTBOUND,
    ChannelKind,
    Initiator,
)

if TYPE_CHECKING:
    from collections.abc import Sequence

    from journeyscope.events.catalogue import Catalogue

ChannelScope = Literal["event", "case", "detect"]


class ContactRules(BaseModel):
    """The declared classification; see the module text for what each part means."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    initiators: dict[str, Initiator] = Field(default_factory=dict)
    channel_kinds: dict[str, ChannelKind] = Field(default_factory=dict)
    failures: tuple[str, ...] = ()
    help: tuple[str, ...] | None = None
    """Help-contact activities; None: activities whose name matches :data:`HELP_NAMES`."""
    not_digital: tuple[str, ...] = ()
    channel_scope: ChannelScope = "detect"
    source: str = "built-in defaults"

    @classmethod
    def from_catalogue(
        cls, catalogue: Catalogue, source: str = "the event catalogue"
    ) -> ContactRules:
        acts = catalogue.activities
        return cls(
            initiators={a: e.initiator for a, e in acts.items() if e.initiator is not None},
            channel_kinds={c: k.kind for c, k in catalogue.channels.items()},
            failures=tuple(a for a, e in acts.items() if e.failure),
            help=tuple(a for a, e in acts.items() if e.help),
            not_digital=tuple(a for a, e in acts.items() if not e.can_be_digital),
            channel_scope=catalogue.channel_scope,
            source=source,
        )

    def with_failures(self, failures: tuple[str, ...], source: str) -> ContactRules:
        return self.model_copy(update={"failures": failures, "source": f"{self.source}; {source}"})

    def kind_of(self, channel: str) -> ChannelKind:
        """The kind of one channel name.

        >>> ContactRules().kind_of("E-mail"), ContactRules(channel_kinds={"Desk": "other"}).kind_of("Desk")
        ('assisted', 'other')
        """
        declared = {k.lower(): v for k, v in self.channel_kinds.items()}
        return declared.get(channel.lower(), CHANNEL_KINDS.get(channel.strip().lower(), "other"))

    def describe(self) -> str:
        declared = ", ".join(f"{k} {v}" for k, v in sorted(self.channel_kinds.items()))
        return (
            f"classification from {self.source}: initiator as declared per activity "
            f"({len(self.initiators)} declared), else organisation when the name says it was "
            "sent, else customer; channel kind as declared"
            + (f" ({declared})" if declared else "")
            + ", else by channel name (web, app: digital; phone, chat, branch, desk, e-mail, "
            "visits: assisted; other names: other); contact = a customer-initiated event in a "
            "known channel that is not a survey answer; failures: "
            + (", ".join(self.failures) or "none declared")
            + "; failure demand = an assisted contact after a failure of the case and no later "
            "than its next step attempt (customer-initiated, not a failure, help contact or "
            "survey answer); help contacts: "
            + (
                ", ".join(self.help)
                if self.help is not None
                else "activities named like calls, chats, help or support"
            )
            + "; cannot be done digitally: "
            + (", ".join(self.not_digital) or "none declared")
            + "; channel scope: "
            + {
                "event": "per event",
                "case": "a case attribute (only each case's first event is a contact)",
                "detect": "a case attribute when constant within every multi-event case",
            }[self.channel_scope]
        )


def classify(events: ibis.Table, rules: ContactRules, position: str | None = None) -> ibis.Table:
    """Add ``initiator``, ``channel_kind``, ``contact``, ``assisted_contact``, ``failure``,
    ``help``, ``not_digital`` and ``channel_is_case_attribute`` to events that have a ``case``
    column (see the module text). ``position``: a column that already holds each event's
    position in its case (from 0, :data:`ORDER_KEYS` order), so that no sort computes it
    again."""
    t = events
    if position is None:
        case_w = ibis.window(group_by=t.case, order_by=[t[k] for k in ORDER_KEYS])
        t = t.mutate(__pos=ibis.row_number().over(case_w))
    else:
        t = t.mutate(__pos=t[position])
    if rules.channel_scope == "detect":
        c = t.channel
        per_case = t.group_by("case").aggregate(
            __varies=(c.min() != c.max()).fill_null(False), __multi=c.count() > 1
        )
        scope = per_case.aggregate(__scope=per_case["__multi"].any() & ~per_case["__varies"].any())
        t = t.cross_join(scope)
        scope_case = t["__scope"]
    else:
        scope_case = ibis.literal(rules.channel_scope == "case")
    declared = lookup(t.activity, dict(rules.initiators), "string")
    by_name = ibis.cases(
        (t.activity.re_search(OUTBOUND), ibis.literal("organisation")),
        else_=ibis.literal("customer"),
    )
    later = scope_case & (t["__pos"] > 0)
    initiator = declared.fill_null(ibis.cases((later, ibis.literal("internal")), else_=by_name))
    lowered = t.channel.strip().lower()
    kinds = {**CHANNEL_KINDS, **{k.strip().lower(): v for k, v in rules.channel_kinds.items()}}
    kind = lookup(lowered, kinds, "string").fill_null("other")
    kind = ibis.cases((t.channel.isnull() | later, ibis.null("string")), else_=kind)
    t = t.mutate(initiator=initiator, channel_kind=kind, channel_is_case_attribute=scope_case)
    contact = (t.initiator == "customer") & t.channel_kind.notnull() & t.survey_type.isnull()
    if rules.help is None:
        help_ = t.activity.re_search(HELP_NAMES)
    else:
        help_ = t.activity.isin(list(rules.help)) if rules.help else ibis.literal(False)
    failure = t.activity.isin(list(rules.failures)) if rules.failures else ibis.literal(False)
    not_digital = (
        t.activity.isin(list(rules.not_digital)) if rules.not_digital else ibis.literal(False)
    )
    contact = contact.fill_null(False)
    return t.mutate(
        contact=contact,
        assisted_contact=(contact & (t.channel_kind == "assisted")).fill_null(False),
        failure=failure.fill_null(False),
        help=help_.fill_null(False),
        not_digital=not_digital.fill_null(False),
    ).drop(*[c for c in ("__pos", "__scope") if c in t.columns])


def with_failure_demand(
    classified: ibis.Table,
    step: str | None = None,
    steps: Sequence[str] = (),
    *,
    split: bool = True,
) -> ibis.Table:
    """Add ``failure_demand`` (see the module text), ``caused_by`` (the position, in
    :data:`ORDER_KEYS` order within the case, of the failure it follows) and ``resolution``
    (the position of the step attempt that ends it; null: none followed), plus ``pos`` (each
    event's position, from 0; kept where :func:`classify`'s input already had it) to
    :func:`classify`'s output. ``step``: a column naming each event's step; adds
    ``resolution_step``, the step of that attempt (found in the same window pass).
    ``steps``: every value ``step`` takes (a design's step ids), if known; the attempt is then
    found as one integer (its position and its step's number) rather than as a (position,
    step) pair, which DuckDB's window keeps as structs (at 10M events the windows here took
    11.2 s of operator time with the pair, 8.5 s with the integer). ``split``: run the windows
    over the cases that have a failure alone (in the others nothing is failure demand and
    nothing ends), told apart by a hash join that reads ``classified`` twice: worth it where
    ``classified`` is cheap to read again (the channels' events at 10M: 18-21 -> 14-17 s), not
    where it is wide and spilled (the value stream's: 29-32 -> 35-42 s)."""
    t = classified
    if "pos" not in t.columns:
        order = [t[k] for k in ORDER_KEYS]
        t = t.mutate(pos=ibis.row_number().over(ibis.window(group_by=t.case, order_by=order)))
    if not split:
        return _failure_demand(t, step, steps)
    failed, plain = split_cases(t, t.failure)
    found = _failure_demand(failed, step, steps)
    none = ibis.null("int64")
    plain = plain.mutate(failure_demand=False, caused_by=none, resolution=none)
    if step is not None:
        plain = plain.mutate(resolution_step=ibis.null("string"))
    return found.union(plain.select(*found.columns))


def _failure_demand(t: ibis.Table, step: str | None, steps: Sequence[str]) -> ibis.Table:
    """:func:`with_failure_demand` over events with ``pos``."""
    attempt = step_attempt(t)
    running = ibis.window(group_by=t.case, order_by=t.pos, rows=(None, 0))
    before = ibis.window(group_by=t.case, order_by=t.pos, rows=(None, -1))
    after = ibis.window(group_by=t.case, order_by=t.pos, rows=(0, None))
    none = ibis.null("int64")
    numbered = step is not None and bool(steps)
    width = len(steps) + 1  # step numbers 1..len(steps); 0: no step
    found: dict[str, ibis.Value] = {}
    if numbered:  # the least position * width + step number of the attempts at or after
        number = lookup(t[step], {s: i + 1 for i, s in enumerate(steps)}, "int64").fill_null(0)
        packed = ibis.cases((attempt, t.pos * width + number), else_=none)
        found["__next"] = packed.min().over(after)
    else:
        found["resolution"] = ibis.cases((attempt, t.pos), else_=none).min().over(after)
        if step is not None:  # the least (position, step) of the attempts at or after
            nothing = ibis.literal(None, "struct<pos: int64, step: string>")
            pair = ibis.struct({"pos": t.pos, "step": t[step].cast("string")})
            found["__next"] = ibis.cases((attempt, pair), else_=nothing).min().over(after)
    t = t.mutate(
        caused_by=ibis.cases((t.failure, t.pos), else_=none).max().over(running),
        prev_attempt=ibis.cases((attempt, t.pos), else_=none).max().over(before),
        **found,
    )
    if numbered:
        numbers = {i + 1: s for i, s in enumerate(steps)}
        t = t.mutate(
            resolution=(t["__next"] // width).cast("int64"),
            __next=lookup(t["__next"] % width, numbers, "string"),
        )
    elif step is not None:
        t = t.mutate(__next=t["__next"].step)
    demand = (
        t.assisted_contact
        & ~t.failure
        & t.caused_by.notnull()
        & (t.prev_attempt.isnull() | (t.prev_attempt < t.caused_by))
    ).fill_null(False)
    ended = demand | t.failure
    if step is not None:
        t = t.mutate(
            resolution_step=ibis.cases((ended, t["__next"]), else_=ibis.null("string"))
        ).drop("__next")
    return t.mutate(
        failure_demand=demand,
        caused_by=ibis.cases((demand, t.caused_by), else_=none),
        resolution=ibis.cases((ended, t.resolution), else_=none),
    ).drop("prev_attempt")


def step_attempt(classified: ibis.Table) -> ibis.BooleanValue:
    """Whether each event of :func:`classify`'s output is a step attempt: customer-initiated,
    neither a failure, a help contact nor a survey answer (see the module text)."""
    t = classified
    attempt = (t.initiator == "customer") & ~t.failure & ~t.help & t.survey_type.isnull()
    return attempt.fill_null(False)


def contact_rules(catalogue: Path | None) -> ContactRules:
    """The classification declared in an event catalogue file, or the built-in defaults."""
    if catalogue is None:
        return ContactRules()
    from journeyscope.events.catalogue import load_catalogue

    return ContactRules.from_catalogue(load_catalogue(catalogue), f"catalogue {catalogue.name}")


def ping_pong(contacts: ibis.Table, order: str) -> ibis.Table:
    """Channel ping-pong over ``contacts`` (``case``, ``channel`` and the ordering column
    ``order``): after runs of the same channel are collapsed, a run in the channel of the run
    two before it (web → phone → web). One row per return: ``case``, ``channel`` (returned
    to), ``via`` (the channel in between)."""
    c = contacts.filter(contacts.channel.notnull())
    w = ibis.window(group_by=c.case, order_by=c[order])
    c = c.mutate(previous=c.channel.lag().over(w))
    c = c.filter(c.previous.isnull() | (c.previous != c.channel))
    w = ibis.window(group_by=c.case, order_by=c[order])
    c = c.mutate(one=c.channel.lag().over(w), two=c.channel.lag(2).over(w))
    pp = c.filter(c.two == c.channel)
    return pp.select("case", "channel", via=pp.one)
