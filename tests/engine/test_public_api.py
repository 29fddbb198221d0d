"""The engine's curated public names (a change here is a change to the public API)."""

from __future__ import annotations

import journeyscope.engine as engine


def test_public_names_are_pinned() -> None:
    assert sorted(engine.__all__) == [
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
    for name in engine.__all__:
        assert getattr(engine, name) is not None
