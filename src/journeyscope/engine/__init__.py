"""Real-time orchestration: interaction objects, orchestrated journeys, the contact policy,
holdouts, arbitration, and the engine that runs them (docs/engine.md).

The core is a pure transition, :class:`Rules` — ``(state, input, now) -> (state, actions)`` —
run by :class:`Simulator` (in memory, simulated clock) or by :class:`Worker` processes over
an :class:`EngineStore` (SQLite embedded, PostgreSQL to scale out).

The public names are loaded lazily (a module ``__getattr__``, PEP 562, as the root package
does): importing ``journeyscope.engine.core`` (or any other module of the package) loads
neither the runtime (store, worker) nor SQLAlchemy until a name that needs them is used.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from journeyscope.lazy import lazy_names

if TYPE_CHECKING:
    from journeyscope.engine.clock import FakeClock, SystemClock
    from journeyscope.engine.core.actions import Command, Event, Learn, Record, Send, Tick
    from journeyscope.engine.core.clock import Clock
    from journeyscope.engine.core.decisions import Decision, Knowledge
    from journeyscope.engine.core.interactions import (
        Category,
        DeliveryContext,
        InteractionCatalogue,
        InteractionObject,
        InteractionSpec,
        load_interactions,
    )
    from journeyscope.engine.core.journeys import JourneySpec, compile_journey, load_journeys
    from journeyscope.engine.core.policy import ContactPolicy, Verdict, check
    from journeyscope.engine.core.program import Program, load_program
    from journeyscope.engine.core.rules import Rules
    from journeyscope.engine.core.state import CustomerState, Instance, Timer
    from journeyscope.engine.export import export_events
    from journeyscope.engine.history import read_history
    from journeyscope.engine.inbox import AcceptReport
    from journeyscope.engine.simulator import Simulator, action_json
    from journeyscope.engine.store import EngineStore
    from journeyscope.engine.worker import Worker

#: Where each public name lives; it is imported from there on first use.
_HOMES: dict[str, str] = {
    "FakeClock": "journeyscope.engine.clock",
    "SystemClock": "journeyscope.engine.clock",
    "Command": "journeyscope.engine.core.actions",
    "Event": "journeyscope.engine.core.actions",
    "Learn": "journeyscope.engine.core.actions",
    "Record": "journeyscope.engine.core.actions",
    "Send": "journeyscope.engine.core.actions",
    "Tick": "journeyscope.engine.core.actions",
    "Clock": "journeyscope.engine.core.clock",
    "Decision": "journeyscope.engine.core.decisions",
    "Knowledge": "journeyscope.engine.core.decisions",
    "Category": "journeyscope.engine.core.interactions",
    "DeliveryContext": "journeyscope.engine.core.interactions",
    "InteractionCatalogue": "journeyscope.engine.core.interactions",
    "InteractionObject": "journeyscope.engine.core.interactions",
    "InteractionSpec": "journeyscope.engine.core.interactions",
    "load_interactions": "journeyscope.engine.core.interactions",
    "JourneySpec": "journeyscope.engine.core.journeys",
    "compile_journey": "journeyscope.engine.core.journeys",
    "load_journeys": "journeyscope.engine.core.journeys",
    "ContactPolicy": "journeyscope.engine.core.policy",
    "Verdict": "journeyscope.engine.core.policy",
    "check": "journeyscope.engine.core.policy",
    "Program": "journeyscope.engine.core.program",
    "load_program": "journeyscope.engine.core.program",
    "Rules": "journeyscope.engine.core.rules",
    "CustomerState": "journeyscope.engine.core.state",
    "Instance": "journeyscope.engine.core.state",
    "Timer": "journeyscope.engine.core.state",
    "export_events": "journeyscope.engine.export",
    "read_history": "journeyscope.engine.history",
    "AcceptReport": "journeyscope.engine.inbox",
    "Simulator": "journeyscope.engine.simulator",
    "action_json": "journeyscope.engine.simulator",
    "EngineStore": "journeyscope.engine.store",
    "Worker": "journeyscope.engine.worker",
}

__all__ = [
    "AcceptReport",
    "Category",
    "Clock",
    "Command",
    "ContactPolicy",
    "CustomerState",
    "Decision",
    "DeliveryContext",
    "EngineStore",
    "Event",
    "FakeClock",
    "Instance",
    "InteractionCatalogue",
    "InteractionObject",
    "InteractionSpec",
    "JourneySpec",
    "Knowledge",
    "Learn",
    "Program",
    "Record",
    "Rules",
    "Send",
    "Simulator",
    "SystemClock",
    "Tick",
    "Timer",
    "Verdict",
    "Worker",
    "action_json",
    "check",
    "compile_journey",
    "export_events",
    "load_interactions",
    "load_journeys",
    "load_program",
    "read_history",
]


__getattr__, __dir__ = lazy_names(globals(), _HOMES)
