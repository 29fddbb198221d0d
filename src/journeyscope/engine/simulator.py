"""Replay a history of events through a program with a simulated clock, in memory.

The simulator is the engine without the database: the same :class:`Rules`, a
:class:`FakeClock` that jumps from one event (or due timer) to the next, timers kept in a heap.
Inputs are applied in timestamp order (ties keep the given order); before each one, every
timer due at or before its time fires, customer by customer in (due, customer id) order.
The output — every decision and action, in order — is a deterministic function of the inputs.

>>> from journeyscope.engine.core.program import Program
>>> sim = Simulator(Program.build([]))
>>> list(sim.run([]))
[]
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Iterator
from typing import Any

from journeyscope.engine.clock import FakeClock
from journeyscope.engine.core.actions import Action, Command, Event, Learn, Record, Send, Tick
from journeyscope.engine.core.clock import iso
from journeyscope.engine.core.decisions import Knowledge
from journeyscope.engine.core.program import Program
from journeyscope.engine.core.rules import Rules
from journeyscope.engine.core.state import CustomerState


class Simulator:
    def __init__(self, program: Program, knowledge: Knowledge | None = None) -> None:
        self.knowledge = knowledge if knowledge is not None else Knowledge()
        self.rules = Rules(program, self.knowledge)
        self.states: dict[str, CustomerState] = {}
        self.clock = FakeClock(float("-inf"))
        self._wakes: list[tuple[float, str]] = []

    def state(self, customer_id: str) -> CustomerState:
        return self.states.get(customer_id) or CustomerState(customer_id)

    def apply(self, item: Event | Command | Tick, customer_id: str, now: float) -> list[Action]:
        self.clock.set(now)
        new, actions = self.rules(self.state(customer_id), item, self.clock.now())
        self.states[customer_id] = new
        if new.wake_at is not None:
            heapq.heappush(self._wakes, (new.wake_at, customer_id))
        self.knowledge.learn(a for a in actions if isinstance(a, Learn))
        return actions

    def advance(self, until: float) -> Iterator[Action]:
        """Fire every timer due at or before ``until``."""
        while self._wakes and self._wakes[0][0] <= until:
            due, customer = heapq.heappop(self._wakes)
            if self.state(customer).wake_at != due:
                continue  # stale: the timer was cancelled or moved
            yield from self.apply(Tick(), customer, due)

    def run(
        self, inputs: Iterable[Event | Command], until: float | None = None
    ) -> Iterator[Action]:
        """Apply ``inputs`` in time order; then fire timers up to ``until`` (if given)."""
        ordered = sorted(inputs, key=lambda i: i.timestamp)
        for item in ordered:
            yield from self.advance(item.timestamp)
            yield from self.apply(item, item.customer_id, item.timestamp)
        if until is not None:
            yield from self.advance(until)
            self.clock.set(until)


def action_json(action: Action) -> dict[str, Any]:
    """One action as a JSON-ready object (``journeyscope simulate --json`` prints these)."""
    if isinstance(action, Record):
        return {"type": "record", **action.to_dict(), "timestamp": iso(action.at)}
    if isinstance(action, Send):
        return {
            "type": "send",
            "key": action.key,
            "customer_id": action.customer_id,
            "timestamp": iso(action.at),
            "interaction": action.interaction,
            "version": action.version,
            "channel": action.channel,
            "category": action.category,
            "journey": action.journey,
            "step": action.step,
            "cause": action.cause,
            "payload": action.payload,
        }
    return {
        "type": "learn",
        "interaction": action.interaction,
        "context": action.context,
        "success": action.success,
    }
