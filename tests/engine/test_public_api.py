"""The engine's curated public names (a change here is a change to the public API)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

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


RUNTIME = (
    "journeyscope.engine.store",
    "journeyscope.engine.worker",
    "journeyscope.engine.inbox",
    "journeyscope.engine.outbox",
    "sqlalchemy",
    "httpx",
)


def _loaded_after(code: str) -> list[str]:
    """The runtime modules a fresh interpreter holds after running ``code``."""
    probe = (
        f"import json, sys\n{code}\nprint(json.dumps([m for m in {RUNTIME!r} if m in sys.modules]))"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    loaded: list[str] = json.loads(out.stdout.strip().splitlines()[-1])
    return loaded


def test_importing_the_core_loads_no_runtime() -> None:
    assert _loaded_after("import journeyscope.engine.core") == []
    assert _loaded_after("from journeyscope.engine.core.rules import Rules") == []


@pytest.mark.slow
def test_a_public_name_loads_its_home_on_first_use() -> None:
    assert _loaded_after("import journeyscope.engine as e; e.Rules") == []
    assert "journeyscope.engine.store" in _loaded_after(
        "from journeyscope.engine import EngineStore"
    )


def test_an_unknown_name_is_an_attribute_error_and_submodules_still_import() -> None:
    with pytest.raises(AttributeError, match="no attribute 'Nothing'"):
        _ = engine.Nothing  # type: ignore[attr-defined]
    from journeyscope.engine import deadletters

    assert deadletters.__name__ == "journeyscope.engine.deadletters"
