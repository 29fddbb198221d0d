"""What changed in the map between two designs: steps, lanes, touchpoints, transitions."""

from __future__ import annotations

from pathlib import Path

from journeyscope.definitions import parse_journey
from journeyscope.services.design_diff import map_changes, text_diff

TENANCY = (Path(__file__).resolve().parents[2] / "examples/journeys/tenancy.yaml").read_text()


def changes(new_text: str) -> list[str]:
    return [c.summary for c in map_changes(parse_journey(TENANCY), parse_journey(new_text))]


def test_nothing_changed() -> None:
    assert changes(TENANCY) == []
    assert text_diff(TENANCY, TENANCY, "a", "b") == ""


def test_a_touchpoint_added_and_a_channel_removed() -> None:
    new = TENANCY.replace(
        "          - {name: Listings in the app, channel: app}\n",
        "          - {name: Listings in the app, channel: app}\n"
        "          - {name: Listings newsletter, channel: email}\n",
        1,
    ).replace("channels: [web, app]", "channels: [web]", 1)
    found = changes(new)
    assert "step 'view_listing' changed: channels −'app'" in found
    assert "touchpoint 'Listings newsletter' added" in found


def test_a_step_removed_shows_its_transitions_too() -> None:
    old = parse_journey(TENANCY)
    gone = old.stages[0].steps[-1].id
    stages = [
        st.model_copy(update={"steps": [s for s in st.steps if s.id != gone]}) for st in old.stages
    ]
    moves = [t for t in old.transitions if gone not in (t.source, t.target)]
    new = old.model_copy(update={"stages": stages, "transitions": moves})
    found = [c.summary for c in map_changes(old, new)]
    assert f"step {gone!r} removed" in found
    dropped = [t for t in old.transitions if gone in (t.source, t.target)]
    assert dropped
    for t in dropped:
        assert f"transition '{t.source} → {t.target}' removed" in found


def test_a_persona_removed() -> None:
    old = parse_journey(TENANCY)
    new = old.model_copy(update={"personas": old.personas[1:]})
    assert [c.summary for c in map_changes(old, new)] == [f"persona {old.personas[0].id!r} removed"]


def test_emotion_and_outcome_changes_are_named() -> None:
    journey = parse_journey(TENANCY)
    step = next(s for s in journey.steps if s.emotion is not None)
    new_step = step.model_copy(update={"emotion": -2 if step.emotion != -2 else 2})
    stages = [
        st.model_copy(update={"steps": [new_step if s.id == step.id else s for s in st.steps]})
        for st in journey.stages
    ]
    outcome = journey.outcome.model_copy(update={"description": "Keys in hand."})
    new = journey.model_copy(update={"stages": stages, "outcome": outcome})
    found = [c.summary for c in map_changes(journey, new)]
    assert f"step {step.id!r} changed: emotion {step.emotion} → {new_step.emotion}" in found
    assert any(f.startswith("outcome 'outcome' changed: description") for f in found)
