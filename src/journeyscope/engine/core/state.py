"""A customer's orchestration state: plain data, serialised as JSON in one row.

One :class:`CustomerState` per customer holds every journey instance they are in, their
profile (time zone, consents), recent contacts (for frequency caps) and their pending
**timers**. Timers live in the state row, never in a worker's memory; the row's ``wake_at``
column (indexed) is the earliest due time, so a worker finds the customers to wake with one
index range scan and a state write is still a single row.

>>> s = CustomerState("c1")
>>> s.timers.append(Timer("c1:t1", 10.0, "wait", "j"))
>>> CustomerState.from_json(s.to_json()).wake_at
10.0
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

#: Compact JSON, one reusable encoder (the hot path writes a few of these per event).
dumps = json.JSONEncoder(separators=(",", ":"), check_circular=False, default=str).encode

#: Instance statuses. ``active`` runs steps, ``waiting`` waits for an event or a timer,
#: ``goal`` reached a goal, ``completed`` ran out of steps, ``exited`` met an exit (or was told).
ACTIVE, WAITING, PAUSED = "active", "waiting", "paused"
GOAL, COMPLETED, EXITED = "goal", "completed", "exited"
RUNNING = frozenset({ACTIVE, WAITING, PAUSED})


@dataclass(frozen=True, slots=True)
class Timer:
    """Something to do at ``due``: end a wait (``wait``), fire a proactive trigger
    (``watch``), close an outcome window (``outcome``) or retry a deferred send (``deferred``)."""

    id: str
    due: float
    kind: str
    journey: str | None = None
    data: dict[str, Any] = field(default_factory=dict)

    def to_list(self) -> list[Any]:
        return [self.id, self.due, self.kind, self.journey, self.data]


@dataclass(slots=True)
class Instance:
    """One customer in one journey (a version of it)."""

    journey: str
    version: int
    entry: int  # 1 for the first time the customer entered this journey, 2 for the second...
    step: str
    status: str
    entered_at: float
    step_at: float
    path: list[str] = field(default_factory=list)  # steps entered, oldest first (for "back")
    visits: int = 0  # steps entered so far: makes ids of actions unique and deterministic
    holdout: bool = False
    variants: dict[str, str] = field(default_factory=dict)
    vars: dict[str, Any] = field(default_factory=dict)
    waiting: dict[str, Any] | None = None  # {"timer": id|None, "event": [...], "on_event", ...}
    satisfied: str | None = None  # event that ended the wait while paused
    remaining: float | None = None  # seconds left on the wait's timer when paused
    paused_by: str | None = None  # "journey" when the whole journey was paused, else None

    @property
    def case_id(self) -> str:
        return f"{self.journey}#{self.entry}"

    def copy(self) -> Instance:
        return Instance(
            self.journey,
            self.version,
            self.entry,
            self.step,
            self.status,
            self.entered_at,
            self.step_at,
            list(self.path),
            self.visits,
            self.holdout,
            dict(self.variants),
            dict(self.vars),
            None if self.waiting is None else dict(self.waiting),
            self.satisfied,
            self.remaining,
            self.paused_by,
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "journey": self.journey,
            "version": self.version,
            "entry": self.entry,
            "step": self.step,
            "status": self.status,
            "entered_at": self.entered_at,
            "step_at": self.step_at,
            "path": self.path,
            "visits": self.visits,
            "holdout": self.holdout,
            "variants": self.variants,
            "vars": self.vars,
            "waiting": self.waiting,
            "satisfied": self.satisfied,
            "remaining": self.remaining,
            "paused_by": self.paused_by,
        }


@dataclass(slots=True)
class CustomerState:
    customer_id: str
    applied: int = 0  # inputs applied so far (events, commands, timer firings)
    seq: int = 0  # ids handed out so far
    watermark: float | None = None  # latest event time seen
    profile: dict[str, Any] = field(default_factory=dict)
    instances: dict[str, Instance] = field(default_factory=dict)
    history: dict[str, dict[str, Any]] = field(default_factory=dict)  # journey -> entries, ...
    contacts: list[list[Any]] = field(default_factory=list)  # [at, channel, category]
    timers: list[Timer] = field(default_factory=list)

    @property
    def wake_at(self) -> float | None:
        return min((t.due for t in self.timers), default=None)

    def next_id(self, kind: str) -> str:
        self.seq += 1
        return f"{self.customer_id}:{kind}{self.seq}"

    def copy(self) -> CustomerState:
        """A copy that shares nothing mutable with ``self`` (timers are immutable)."""
        return CustomerState(
            customer_id=self.customer_id,
            applied=self.applied,
            seq=self.seq,
            watermark=self.watermark,
            profile={k: dict(v) if isinstance(v, dict) else v for k, v in self.profile.items()},
            instances={k: v.copy() for k, v in self.instances.items()},
            history={k: dict(v) for k, v in self.history.items()},
            contacts=[list(c) for c in self.contacts],
            timers=list(self.timers),
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "customer_id": self.customer_id,
            "applied": self.applied,
            "seq": self.seq,
            "watermark": self.watermark,
            "profile": self.profile,
            "instances": {k: v.to_dict() for k, v in self.instances.items()},
            "history": self.history,
            "contacts": self.contacts,
            "timers": [t.to_list() for t in self.timers],
        }

    def to_json(self) -> str:
        return dumps(self.to_dict())

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> CustomerState:
        return cls(
            customer_id=data["customer_id"],
            applied=data["applied"],
            seq=data["seq"],
            watermark=data["watermark"],
            profile=data["profile"],
            instances={k: Instance(**v) for k, v in data["instances"].items()},
            history=data["history"],
            contacts=data["contacts"],
            timers=[Timer(*t) for t in data["timers"]],
        )

    @classmethod
    def from_json(cls, text: str) -> CustomerState:
        return cls.from_dict(json.loads(text))
