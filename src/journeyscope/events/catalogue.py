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


class Catalogue(BaseModel):
    """Every activity an organisation records, by name."""

    model_config = ConfigDict(extra="forbid")

    version: Literal[1] = 1
    activities: dict[str, Activity]

    def to_yaml(self) -> str:
        data = self.model_dump(mode="json", exclude_defaults=False)
        return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)


def load_catalogue(path: Path) -> Catalogue:
    """Read and validate a catalogue file; errors say ``file:line: field: problem``."""
    return load_model(path, Catalogue, CatalogueError)


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
) -> Catalogue:
    """Draft a catalogue from ``(activity, channel, events)`` counts and
    ``(activity, properties_json)`` samples. Pure: :func:`draft_catalogue` runs the queries.

    A property called ``stage`` gives the stage hint (its most common value).

    >>> c = infer_catalogue([("Pay", "web", 3)], [("Pay", '{"amount": 5, "email": "x", "stage": "Buy"}')])
    >>> c.activities["Pay"].channels, c.activities["Pay"].stage, c.activities["Pay"].pii
    (['web'], 'Buy', ['email'])
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
    for activity, entry in activities.items():
        entry.description = f"TODO: describe. Drafted from {totals[activity]:,} events."
        if activity in stages:
            entry.stage = stages[activity].most_common(1)[0][0]
    return Catalogue(activities=activities)


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
    return infer_catalogue(rows, samples)
