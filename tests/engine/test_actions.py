"""The transition's inputs and outputs (``engine/core/actions.py``): events, commands, ticks,
sends, records and lessons as plain, frozen data."""

from __future__ import annotations

import dataclasses

import pytest

from journeyscope.engine.core.actions import COMMANDS, Command, Event, Learn, Record, Send, Tick


def test_an_event_serialises_every_field_with_a_copy_of_its_properties() -> None:
    props = {"segment": "digital first"}
    event = Event("e1", "c1", "Start", 10.5, "web", props)
    out = event.to_dict()
    assert out == {
        "event_id": "e1",
        "customer_id": "c1",
        "activity": "Start",
        "timestamp": 10.5,
        "channel": "web",
        "properties": {"segment": "digital first"},
    }
    out["properties"]["segment"] = "changed"
    assert props == {"segment": "digital first"}


def test_an_event_without_channel_or_properties_has_none_and_an_empty_mapping() -> None:
    event = Event("e1", "c1", "Start", 0.0)
    assert event.channel is None
    assert event.to_dict()["properties"] == {}
    assert Event("e2", "c1", "Start", 0.0).properties is not Event("e3", "c1", "X", 0.0).properties


def test_a_command_is_identified_by_its_command_id() -> None:
    command = Command("cmd-7", "c1", "pause", 3.0, {"journey": "apply"})
    assert command.event_id == "cmd-7"
    assert command.to_dict() == {
        "command_id": "cmd-7",
        "customer_id": "c1",
        "kind": "pause",
        "timestamp": 3.0,
        "args": {"journey": "apply"},
    }


def test_the_command_kinds_are_the_eight_the_engine_knows() -> None:
    assert {
        "invoke",
        "enter",
        "pause",
        "resume",
        "back",
        "exit",
        "migrate",
        "profile",
    } == COMMANDS


def test_a_record_serialises_its_time_as_the_timestamp() -> None:
    record = Record("c1:r1", "c1", 42.0, "Journey entered", None, "c1/apply#1", {"step": "a"})
    assert record.to_dict() == {
        "event_id": "c1:r1",
        "customer_id": "c1",
        "timestamp": 42.0,
        "activity": "Journey entered",
        "channel": None,
        "case_id": "c1/apply#1",
        "properties": {"step": "a"},
    }


def test_a_send_carries_no_journey_step_cause_or_case_unless_given() -> None:
    send = Send("c1:a1", "c1", "receipt", 1, "email", "transactional", {}, 5.0)
    assert (send.journey, send.step, send.cause, send.case_id) == (None, None, None, None)


@pytest.mark.parametrize(
    ("value", "field"),
    [
        (Event("e1", "c1", "Start", 0.0), "activity"),
        (Command("k1", "c1", "exit", 0.0), "kind"),
        (Record("r1", "c1", 0.0, "Decision"), "activity"),
        (Learn("remind", "all", True), "success"),
        (Send("a1", "c1", "x", 1, "email", "service", {}, 0.0), "channel"),
    ],
)
def test_inputs_and_actions_are_frozen(value: object, field: str) -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        setattr(value, field, "changed")


def test_ticks_are_all_equal() -> None:
    assert Tick() == Tick()
