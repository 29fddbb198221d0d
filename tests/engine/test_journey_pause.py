"""Pausing a whole journey: no entries, no sends, waits keep the time left; resuming goes on
(the pure rules, then a worker over SQLite with the switch in the database)."""

from __future__ import annotations

from engine_kit import Timeline, cmd, deployed_store, ev, inline_worker, program

from journeyscope.engine import audit, journey_controls
from journeyscope.engine.core.actions import Command
from journeyscope.engine.core.clock import at
from journeyscope.engine.core.state import PAUSED, WAITING

FLOW = """
journey: apply
version: 1
triggers: [{event: Start}]
steps:
  welcome: {invoke: receipt, next: wait-docs}
  wait-docs:
    wait: {event: Upload documents, timeout: 5d}
    on_event: check
    on_timeout: remind
  remind: {invoke: remind, next: wait-check}
  check: {invoke: case, input: {reason: "'check documents'"}, next: wait-check}
  wait-check: {wait: {duration: 10d}}
"""
PAUSED_APPLY = frozenset({"apply"})


def _sent(line: Timeline) -> list[str]:
    return [s.interaction for s in line.sends()]


def test_a_paused_journey_takes_no_one_in_and_keeps_the_time_left_of_waits() -> None:
    line = Timeline(program(FLOW))
    line.feed(ev("c1", "Start", "2025-05-05T09:00:00+00:00"))  # waits 5 days for documents
    line.rules.paused = PAUSED_APPLY
    # the journey's own pause command, two days in: three days left
    line.feed(cmd("c1", "pause", "2025-05-07T09:00:00+00:00", journey="apply", by="journey"))
    inst = line.state.instances["apply"]
    assert (inst.status, inst.paused_by, inst.remaining) == (PAUSED, "journey", 3 * 86400)
    assert line.state.timers == []
    line.tick("2025-06-01T00:00:00+00:00")  # weeks pass: nothing happens while paused
    line.feed(ev("c2", "Start", "2025-06-02T09:00:00+00:00"))
    assert _sent(line) == ["receipt"]
    line.rules.paused = frozenset()
    line.feed(cmd("c1", "resume", "2025-06-10T09:00:00+00:00", journey="apply", by="journey"))
    assert line.state.instances["apply"].status == WAITING
    assert line.state.wake_at == at("2025-06-13T09:00:00+00:00")
    line.tick("2025-06-13T09:00:00+00:00")
    assert _sent(line) == ["receipt", "remind"]


def test_triggers_while_paused_are_recorded_as_ignored() -> None:
    line = Timeline(program(FLOW))
    line.rules.paused = PAUSED_APPLY
    line.feed(ev("c1", "Start", "2025-05-05T09:00:00+00:00"))
    assert "apply" not in line.state.instances
    [ignored] = line.records("Trigger ignored")
    assert ignored.properties["reason"] == "journey paused"
    line.feed(cmd("c1", "enter", "2025-05-05T10:00:00+00:00", journey="apply"))
    [rejected] = line.records("Command rejected")
    assert "paused" in rejected.properties["reason"]
    assert line.sends() == []


def test_an_instance_the_commands_missed_is_paused_on_its_next_turn() -> None:
    line = Timeline(program(FLOW))
    line.feed(ev("c1", "Start", "2025-05-05T09:00:00+00:00"))
    line.rules.paused = PAUSED_APPLY  # no pause command reached c1: its timer fires
    line.tick("2025-05-10T09:00:00+00:00")
    inst = line.state.instances["apply"]
    assert inst.status == PAUSED and inst.paused_by == "journey" and inst.remaining == 0
    assert _sent(line) == ["receipt"]  # the timeout's reminder was not sent
    line.rules.paused = frozenset()
    line.feed(ev("c1", "Browse", "2025-05-11T09:00:00+00:00"))  # any turn resumes it
    assert _sent(line) == ["receipt", "remind"]


def test_the_journeys_resume_leaves_a_customers_own_pause_alone() -> None:
    line = Timeline(program(FLOW))
    line.feed(ev("c1", "Start", "2025-05-05T09:00:00+00:00"))
    line.feed(cmd("c1", "pause", "2025-05-06T09:00:00+00:00", journey="apply"))  # the customer
    line.rules.paused = PAUSED_APPLY
    line.feed(cmd("c1", "pause", "2025-05-06T10:00:00+00:00", journey="apply", by="journey"))
    assert line.state.instances["apply"].paused_by is None  # still the customer's pause
    line.rules.paused = frozenset()
    line.feed(cmd("c1", "resume", "2025-05-07T09:00:00+00:00", journey="apply", by="journey"))
    assert line.state.instances["apply"].status == PAUSED
    assert not line.records("Journey resumed")


def test_a_customer_cannot_resume_while_the_journey_is_paused() -> None:
    line = Timeline(program(FLOW))
    line.feed(ev("c1", "Start", "2025-05-05T09:00:00+00:00"))
    line.rules.paused = PAUSED_APPLY
    line.feed(cmd("c1", "resume", "2025-05-06T09:00:00+00:00", journey="apply"))
    assert line.state.instances["apply"].status == PAUSED
    [rejected] = line.records("Command rejected")
    assert "whole journey is paused" in rejected.properties["reason"]


def test_an_awaited_event_while_the_journey_is_paused_moves_on_at_resume() -> None:
    line = Timeline(program(FLOW))
    line.feed(ev("c1", "Start", "2025-05-05T09:00:00+00:00"))
    line.rules.paused = PAUSED_APPLY
    line.feed(ev("c1", "Upload documents", "2025-05-06T09:00:00+00:00"))
    assert line.records("Journey wait satisfied while paused")
    assert _sent(line) == ["receipt"]
    line.rules.paused = frozenset()
    line.feed(cmd("c1", "resume", "2025-05-07T09:00:00+00:00", journey="apply", by="journey"))
    assert _sent(line) == ["receipt", "case"]


def test_a_migration_while_paused_sends_nothing_and_stays_paused() -> None:
    v2 = FLOW.replace("version: 1", "version: 2")
    line = Timeline(program(FLOW, v2))
    line.feed(ev("c1", "Start", "2025-05-05T09:00:00+00:00"))
    assert line.state.instances["apply"].version == 2  # entered the active version
    line.rules.paused = PAUSED_APPLY
    line.feed(cmd("c1", "back", "2025-05-06T09:00:00+00:00", journey="apply", to="welcome"))
    assert _sent(line) == ["receipt"]
    suppressed = line.records("Interaction suppressed")
    assert [r.properties["reason"] for r in suppressed] == ["journey paused"]
    assert line.state.instances["apply"].status == PAUSED


def test_the_switch_reaches_a_worker_through_the_database(database_url: str) -> None:
    store, clock = deployed_store(database_url, FLOW, now="2025-05-05T09:00:00+00:00")
    worker = inline_worker(store)
    store.accept([ev("c1", "Start", "2025-05-05T09:00:00+00:00")])
    worker.drain()
    assert journey_controls.set_paused(store, "apply", True, "user:olga")
    assert not journey_controls.set_paused(store, "apply", True, "user:olga")
    assert journey_controls.paused(store) == PAUSED_APPLY
    clock.set(at("2025-05-06T09:00:00+00:00"))
    store.accept(
        [Command("cmd:p1", "c1", "pause", clock.now(), {"journey": "apply", "by": "journey"})]
    )
    store.accept([ev("c2", "Start", "2025-05-06T09:00:00+00:00")])
    worker.drain()
    state = store.state("c1")
    assert state is not None and state.instances["apply"].status == PAUSED
    assert store.state("c2") is not None and "apply" not in store.state("c2").instances  # type: ignore[union-attr]
    control = journey_controls.controls(store)["apply"]
    assert control.paused and control.changed_by == "user:olga"
    audit.record(store, "user:olga", "pause", "apply", {"customers": 1}, "paused; 1 customer")
    [entry] = audit.entries(store, "apply")
    assert (entry.actor, entry.action, entry.ok) == ("user:olga", "pause", True)
    worker.close()
    store.close()
