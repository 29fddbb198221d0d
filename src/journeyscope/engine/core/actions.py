"""What goes into a transition (an event, a command, a tick) and what comes out (actions).

Inputs:

* :class:`Event` — something the customer did, in the canonical event model's terms
  (``event_id``, ``customer_id``, ``activity``, ``channel``, ``timestamp``, ``properties``);
* :class:`Command` — the customer (or an operator) acting on the engine: invoke an interaction
  object, enter a journey at a step, pause, resume, go back, migrate to a version, set a profile;
* :class:`Tick` — time passed: fire the timers that are due.

Outputs:

* :class:`Send` — deliver an interaction object (becomes an outbox row with an idempotency key);
* :class:`Record` — a decision or action as a canonical event (the closed loop: analytics
  measures what the engine did);
* :class:`Learn` — an outcome for the online propensity model.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Final

#: Command kinds.
COMMANDS: Final[frozenset[str]] = frozenset(
    {"invoke", "enter", "pause", "resume", "back", "exit", "migrate", "profile"}
)


@dataclass(frozen=True, slots=True)
class Event:
    event_id: str
    customer_id: str
    activity: str
    timestamp: float
    channel: str | None = None
    properties: Mapping[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "event_id": self.event_id,
            "customer_id": self.customer_id,
            "activity": self.activity,
            "timestamp": self.timestamp,
            "channel": self.channel,
            "properties": dict(self.properties),
        }


@dataclass(frozen=True, slots=True)
class Command:
    command_id: str
    customer_id: str
    kind: str
    timestamp: float
    args: Mapping[str, Any] = field(default_factory=dict)

    @property
    def event_id(self) -> str:
        return self.command_id

    def to_dict(self) -> dict[str, Any]:
        return {
            "command_id": self.command_id,
            "customer_id": self.customer_id,
            "kind": self.kind,
            "timestamp": self.timestamp,
            "args": dict(self.args),
        }


@dataclass(frozen=True, slots=True)
class Tick:
    """Fire every timer due at or before ``now``."""


Input = Event | Command | Tick


@dataclass(frozen=True, slots=True)
class Send:
    key: str  # idempotency key: deterministic, unique per intended delivery
    customer_id: str
    interaction: str
    version: int
    channel: str
    category: str
    payload: dict[str, Any]
    at: float
    journey: str | None = None
    step: str | None = None
    cause: str | None = None  # the event or command that led to it
    case_id: str | None = None  # the journey instance (``customer/journey#entry``), if any


@dataclass(frozen=True, slots=True)
class Record:
    event_id: str
    customer_id: str
    at: float
    activity: str
    channel: str | None = None
    case_id: str | None = None
    properties: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "event_id": self.event_id,
            "customer_id": self.customer_id,
            "timestamp": self.at,
            "activity": self.activity,
            "channel": self.channel,
            "case_id": self.case_id,
            "properties": self.properties,
        }


@dataclass(frozen=True, slots=True)
class Learn:
    interaction: str
    context: str
    success: bool


Action = Send | Record | Learn
