"""The event catalogue: which activities exist, what they mean, and which fields are personal.

A catalogue is YAML::

    version: 1
    activities:
      Submit application:
        description: The customer sends the completed application form.
        channels: [web, app]
        stage: Apply
        properties: {amount: number, segment: string}
        pii: []
        initiator: customer        # customer | organisation | internal
        failure: false             # a failure to do something (right) for the customer
        help: false                # a contact to get help (a call, a chat)
        can_be_digital: true       # false: a step only done in person (a key handover)
    channels:
      web: {kind: digital}         # digital | assisted | other
      phone: {kind: assisted}
    channel_scope: detect          # event | case | detect (constant within cases: case)
    identifiers:
      email_hash: {hashed: true}   # the data gives these hashed: ingest keeps them as they are

What ``initiator``, a channel's ``kind``, failure and failure demand mean is defined once, in
:mod:`journeyscope.analytics.contacts`; ``docs/metrics.md`` lists every metric built on them.

``journeyscope catalogue infer`` drafts one from the data in the store.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path
from typing import Literal

import ibis
import yaml
from pydantic import BaseModel, ConfigDict, Field

from journeyscope.errors import CatalogueError
from journeyscope.yamlfile import load_model

PropertyType = Literal["string", "number", "boolean", "timestamp", "object"]
Initiator = Literal["customer", "organisation", "internal"]
ChannelKind = Literal["digital", "assisted", "other"]
ChannelScope = Literal["event", "case", "detect"]

#: Channel names and their kind when the catalogue does not declare them (lower case).
CHANNEL_KINDS: dict[str, ChannelKind] = {
    "web": "digital",
    "app": "digital",
    "online": "digital",
    "internet": "digital",
    "portal": "digital",
    "mobile": "digital",
    "phone": "assisted",
    "telephone": "assisted",
    "call": "assisted",
    "chat": "assisted",
    "branch": "assisted",
    "desk": "assisted",
    "counter": "assisted",
    "email": "assisted",
    "e-mail": "assisted",
    "field visit": "assisted",
    "visit": "assisted",
    "letter": "other",
    "post": "other",
}

#: An activity whose name matches this was sent by the organisation (outbound).
OUTBOUND = r"(?i)(\bsent\b|\bsend|notif|remind|invit|disburs|dispatch|\bissued\b|outbound|mailed)"
#: Names that suggest a failure (proposed by ``catalogue infer``; never assumed by analyses).
FAILURE_NAMES = r"(?i)(error|fail|reject|bounce|time-?out|declined)"
#: Names that suggest a contact to get help (proposed by ``catalogue infer``; the analyses'
#: default when the rules name no help activities).
HELP_NAMES = r"(?i)(\bcall\b|\bchat\b|\bhelp\b|support|contact cent|enquir|complain)"

#: Property names that usually hold personal data.
_PII = re.compile(
    r"(e-?mail|phone|mobile|name|address|street|postcode|zip|birth|iban|ssn|passport)", re.I
)


class Activity(BaseModel):
    """One kind of event."""

    model_config = ConfigDict(extra="forbid")

    description: str = ""
    channels: list[str] = Field(default_factory=list)
    stage: str | None = Field(
        default=None, description="Stage of the journey it usually belongs to."
    )
    properties: dict[str, PropertyType] = Field(default_factory=dict)
    pii: list[str] = Field(default_factory=list, description="Properties holding personal data.")
    initiator: Initiator | None = Field(
        default=None,
        description="Who starts it: customer (inbound), organisation (outbound) or internal "
        "(back office). None: by name (see journeyscope.analytics.contacts).",
    )
    failure: bool = Field(
        default=False, description="A failure to do something, or to do it right, for the customer."
    )
    help: bool = Field(default=False, description="A contact made to get help (call, chat).")
    can_be_digital: bool = Field(
        default=True, description="False: only ever done in person or assisted (key handover)."
    )


class ChannelInfo(BaseModel):
    """What kind of channel a channel is."""

    model_config = ConfigDict(extra="forbid")

    kind: ChannelKind


IdentifierColumn = Literal["account_id", "email_hash", "phone_hash", "device_id", "anonymous_id"]


class IdentifierInfo(BaseModel):
    """What the data's values of one customer identifier are."""

    model_config = ConfigDict(extra="forbid")

    hashed: bool = Field(
        default=False,
        description="The values are hashed already (by the sender): ingest stores them as "
        "they are. Otherwise raw e-mail addresses and phone numbers in email_hash and "
        "phone_hash are replaced by the workspace's keyed hash (journeyscope.pseudonyms).",
    )


class Catalogue(BaseModel):
    """Every activity an organisation records, by name."""

    model_config = ConfigDict(extra="forbid")

    version: Literal[1] = 1
    activities: dict[str, Activity]
    channels: dict[str, ChannelInfo] = Field(default_factory=dict)
    channel_scope: ChannelScope = Field(
        default="detect",
        description="event: a channel per event; case: a case attribute (how the case came "
        "in); detect: case when constant within every case with more than one event.",
    )
    identifiers: dict[IdentifierColumn, IdentifierInfo] = Field(
        default_factory=dict,
        description="Per customer identifier column, what its values are (hashed: true).",
    )

    def already_hashed(self) -> list[str]:
        """The identifier columns whose values the data gives hashed.

        >>> Catalogue(activities={}, identifiers={"email_hash": {"hashed": True}}).already_hashed()
        ['email_hash']
        """
        return sorted(name for name, info in self.identifiers.items() if info.hashed)

    def to_yaml(self) -> str:
        data = self.model_dump(mode="json", exclude_defaults=False)
        if not data["identifiers"]:
            del data["identifiers"]  # a draft says nothing it does not know
        return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)


def load_catalogue(path: Path) -> Catalogue:
    """Read and validate a catalogue file; errors say ``file:line: field: problem``."""
    return load_model(path, Catalogue, CatalogueError)


def initiator_by_name(activity: str) -> Initiator:
    """The initiator an undeclared activity gets, from its name.

    >>> initiator_by_name("Eligibility decision sent"), initiator_by_name("Upload documents")
    ('organisation', 'customer')
    """
    return "organisation" if re.search(OUTBOUND, activity) else "customer"


def channel_kind(name: str) -> ChannelKind:
    """The kind of an undeclared channel, by its name.

    >>> channel_kind("E-mail"), channel_kind("Web"), channel_kind("fax")
    ('assisted', 'digital', 'other')
    """
    return CHANNEL_KINDS.get(name.strip().lower(), "other")


def _kind(value: object) -> PropertyType:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, (dict, list)):
        return "object"
    text = str(value)
    try:
        float(text)
        return "number"
    except ValueError:
        pass
    if text.lower() in ("true", "false"):
        return "boolean"
    if re.match(r"^\d{4}-\d{2}-\d{2}([ T]\d{2}:\d{2})?", text):
        return "timestamp"
    return "string"


def _merge(a: PropertyType | None, b: PropertyType) -> PropertyType:
    if a is None or a == b:
        return b
    return "string"


def infer_catalogue(
    rows: list[tuple[str, str | None, int]],
    samples: list[tuple[str, str | None]],
    channel_scope: ChannelScope = "detect",
) -> Catalogue:
    """Draft a catalogue from ``(activity, channel, events)`` counts and
    ``(activity, properties_json)`` samples. Pure: :func:`draft_catalogue` runs the queries.

    A property called ``stage`` gives the stage hint (its most common value). The
    classification is proposed from names: the initiator is ``organisation`` when the name
    says it was sent (:data:`OUTBOUND`), else ``customer`` (``internal`` is left to the
    channel scope: with the channel a case attribute, undeclared activities after a case's
    first event are internal); ``failure`` and ``help`` by :data:`FAILURE_NAMES` and
    :data:`HELP_NAMES`; ``can_be_digital: false`` for a customer step seen only in channels
    that are not digital; each channel's kind by :data:`CHANNEL_KINDS`. Review them: they are
    a proposal, and every analysis uses what the catalogue says.

    >>> c = infer_catalogue([("Pay", "web", 3)], [("Pay", '{"amount": 5, "email": "x", "stage": "Buy"}')])
    >>> c.activities["Pay"].channels, c.activities["Pay"].stage, c.activities["Pay"].pii
    (['web'], 'Buy', ['email'])
    >>> c.activities["Pay"].initiator, c.channels["web"].kind
    ('customer', 'digital')
    """
    activities: dict[str, Activity] = {}
    totals: Counter[str] = Counter()
    for activity, channel, count in sorted(rows, key=lambda r: (r[0], -r[2], str(r[1]))):
        totals[activity] += count
        entry = activities.setdefault(activity, Activity())
        if channel and channel not in entry.channels:
            entry.channels.append(channel)
    stages: dict[str, Counter[str]] = {}
    for activity, props in samples:
        sampled = activities.get(activity)
        if sampled is None or not props:
            continue
        for key, value in json.loads(props).items():
            if value is None:
                continue
            if key == "stage":
                stages.setdefault(activity, Counter())[str(value)] += 1
            sampled.properties[key] = _merge(sampled.properties.get(key), _kind(value))
            if _PII.search(key) and key not in sampled.pii:
                sampled.pii.append(key)
    channels: dict[str, ChannelInfo] = {}
    for activity, entry in activities.items():
        entry.description = f"TODO: describe. Drafted from {totals[activity]:,} events."
        if activity in stages:
            entry.stage = stages[activity].most_common(1)[0][0]
        entry.initiator = initiator_by_name(activity)
        entry.failure = bool(re.search(FAILURE_NAMES, activity))
        entry.help = bool(re.search(HELP_NAMES, activity)) and not entry.failure
        kinds = {channel_kind(c) for c in entry.channels}
        entry.can_be_digital = not (
            kinds
            and "digital" not in kinds
            and entry.initiator == "customer"
            and not entry.help
            and not entry.failure
            and channel_scope != "case"
        )
        for c in entry.channels:
            channels.setdefault(c, ChannelInfo(kind=channel_kind(c)))
    if channel_scope == "case":
        for entry in activities.values():
            entry.initiator = None
    return Catalogue(
        activities=activities, channels=dict(sorted(channels.items())), channel_scope=channel_scope
    )


def draft_catalogue(events: ibis.Table, sample: int = 200) -> Catalogue:
    """Draft a catalogue from an events table (any Ibis backend)."""
    counts = events.group_by(["activity", "channel"]).aggregate(n=events.count())
    rows = [(r["activity"], r["channel"], int(r["n"])) for r in counts.to_pyarrow().to_pylist()]
    ranked = events.select(
        "activity",
        "properties",
        k=ibis.row_number().over(group_by=events.activity, order_by=events.event_id),
    )
    picked = ranked.filter(ranked.k < sample).select("activity", "properties")
    samples = [(r["activity"], r["properties"]) for r in picked.to_pyarrow().to_pylist()]
    return infer_catalogue(rows, samples, _channel_scope(events))


def _channel_scope(events: ibis.Table) -> ChannelScope:
    """``case`` when every case with more than one channelled event has one channel only
    (the channel is how the case came in, copied onto every event), else ``event``."""
    t = events.filter(events.case_id.notnull() & events.channel.notnull())
    per_case = t.group_by("case_id").aggregate(n=t.count(), k=t.channel.nunique())
    multi = per_case.filter(per_case.n > 1)
    row = multi.aggregate(cases=multi.count(), varying=(multi.k > 1).cast("int64").sum())
    got = row.to_pyarrow().to_pylist()[0]
    return "case" if int(got["cases"] or 0) > 0 and int(got["varying"] or 0) == 0 else "event"
