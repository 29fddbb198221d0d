"""Real-time orchestration: interaction objects, orchestrated journeys, the contact policy,
holdouts, arbitration, and the engine that runs them (docs/engine.md).

The core is a pure transition, :class:`Rules` — ``(state, input, now) -> (state, actions)`` —
run by :class:`Simulator` (in memory, simulated clock) or by :class:`Worker` processes over
an :class:`EngineStore` (SQLite embedded, PostgreSQL to scale out).
"""

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
from journeyscope.engine.simulator import Simulator, action_json
from journeyscope.engine.store import AcceptReport, EngineStore
from journeyscope.engine.worker import Worker

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
