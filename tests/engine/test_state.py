"""A customer's orchestration state (``engine/core/state.py``): timers, ids, copies and the
JSON row it is stored as."""

from __future__ import annotations

import json

from journeyscope.engine.core.state import (
    ACTIVE,
    COMPLETED,
    EXITED,
    GOAL,
    PAUSED,
    RUNNING,
    WAITING,
    CustomerState,
    Instance,
    Timer,
)


def _instance(**changes: object) -> Instance:
    values: dict[str, object] = {
        "journey": "apply",
        "version": 2,
        "entry": 3,
        "step": "wait",
        "status": WAITING,
        "entered_at": 100.0,
        "step_at": 160.0,
        "path": ["welcome", "wait"],
        "visits": 2,
        "variants": {"test": "b"},
        "vars": {"n": 1},
        "waiting": {"timer": "c1:t4", "event": ["Upload documents"]},
    }
    values.update(changes)
    return Instance(**values)  # type: ignore[arg-type]


def _state() -> CustomerState:
    state = CustomerState("c1", applied=4, seq=6, watermark=150.0)
    state.profile = {"timezone": "Europe/Amsterdam", "prefs": {"email": True}}
    state.instances["apply"] = _instance()
    state.history["docs"] = {"entries": 1, "status": "completed"}
    state.contacts = [[120.0, "email", "service"]]
    state.timers = [Timer("c1:t4", 300.0, "wait", "apply"), Timer("c1:t5", 200.0, "outcome")]
    return state


def test_running_statuses_are_active_waiting_and_paused() -> None:
    assert {ACTIVE, WAITING, PAUSED} == RUNNING
    assert not RUNNING & {GOAL, COMPLETED, EXITED}


def test_the_state_wakes_at_its_earliest_timer_or_never() -> None:
    assert CustomerState("c1").wake_at is None
    assert _state().wake_at == 200.0


def test_ids_are_numbered_per_customer_and_kind_prefixed() -> None:
    state = CustomerState("c9")
    assert [state.next_id("r"), state.next_id("a"), state.next_id("t")] == [
        "c9:r1",
        "c9:a2",
        "c9:t3",
    ]
    assert state.seq == 3


def test_an_instance_case_is_the_journey_and_its_entry() -> None:
    assert _instance().case_id == "apply#3"


def test_a_timer_is_stored_as_a_list_in_field_order() -> None:
    timer = Timer("c1:t1", 10.0, "deferred", "apply", {"interaction": "remind"})
    assert timer.to_list() == ["c1:t1", 10.0, "deferred", "apply", {"interaction": "remind"}]


def test_a_state_reads_back_equal_from_its_json() -> None:
    state = _state()
    text = state.to_json()
    again = CustomerState.from_json(text)
    assert again == state
    assert again.to_json() == text
    assert ", " not in text and '": ' not in text  # compact separators


def test_the_json_row_names_every_field() -> None:
    data = json.loads(_state().to_json())
    assert set(data) == {
        "customer_id",
        "applied",
        "seq",
        "watermark",
        "profile",
        "instances",
        "history",
        "contacts",
        "timers",
    }
    assert data["timers"][1] == ["c1:t5", 200.0, "outcome", None, {}]
    assert data["instances"]["apply"]["waiting"] == {
        "timer": "c1:t4",
        "event": ["Upload documents"],
    }


def test_a_copy_is_equal_and_changing_it_leaves_the_original_alone() -> None:
    state = _state()
    before = state.to_json()
    copy = state.copy()
    assert copy == state
    copy.seq += 1
    copy.profile["timezone"] = "UTC"
    copy.profile["prefs"]["email"] = False
    copy.instances["apply"].path.append("remind")
    copy.instances["apply"].vars["n"] = 2
    copy.instances["apply"].variants["test"] = "a"
    copy.instances["apply"].waiting["timer"] = None  # type: ignore[index]
    copy.instances["new"] = _instance(journey="new")
    copy.history["docs"]["status"] = "exited"
    copy.contacts.append([130.0, "sms", "service"])
    copy.contacts[0][1] = "push"  # a contact itself is a list too
    copy.timers.pop()
    assert state.to_json() == before


def test_an_instance_copy_is_independent_of_its_original() -> None:
    inst = _instance(waiting=None)
    copy = inst.copy()
    assert copy == inst and copy is not inst
    copy.path.append("x")
    assert inst.path == ["welcome", "wait"]
    assert copy.waiting is None
