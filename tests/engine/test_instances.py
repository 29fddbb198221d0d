"""Deferred sends keep their own journey instance, every cancellation is recorded (issue 11,
finding 5); exits that are conditions on the state are checked at entry, on timer turns and
after profile changes (finding 6)."""

from __future__ import annotations

from engine_kit import Timeline, cmd, ev, program

from journeyscope.engine.core.clock import at

QUIET = {"timezone": "UTC", "quiet_hours": {"start": "21:00", "end": "08:00"}}
DEFERS = """
journey: nudge
version: 1
re_entry: anytime
triggers: [{event: Start}]
exits: [{name: left, event: Leave}]
steps:
  send: {invoke: remind, next: wait}
  wait: {wait: {duration: 1h}}
"""
OPT_OUT = """
journey: promo
version: 1
triggers: [{event: Start}]
exits: [{name: opted out, when: "profile.opted_out"}, {name: too late, when: "now >= %s"}]
steps:
  wait: {wait: {duration: 2d}, next: offer}
  offer: {invoke: remind}
"""


def test_a_send_deferred_by_an_ended_instance_is_delivered_as_that_instances() -> None:
    timeline = Timeline(program(DEFERS, policy=QUIET))
    timeline.feed(ev("c1", "Start", "2025-06-02T22:00:00+00:00", 1))  # quiet: deferred
    timeline.tick("2025-06-02T23:30:00+00:00")  # entry 1 completes, its send still waits
    timeline.feed(ev("c1", "Start", "2025-06-02T23:40:00+00:00", 2))  # entry 2, deferred too
    timeline.feed(ev("c1", "Leave", "2025-06-02T23:50:00+00:00"))  # entry 2 exits
    cancelled = timeline.records("Interaction cancelled")
    assert [r.case_id for r in cancelled] == ["c1/nudge#2"]  # recorded, and only entry 2's
    timeline.tick("2025-06-03T08:00:00+00:00")
    (send,) = timeline.sends()
    assert send.journey == "nudge"
    (sent,) = timeline.records("Interaction sent")
    assert sent.case_id == "c1/nudge#1" and sent.properties["deferred"] is True


def test_an_opt_out_through_the_profile_ends_the_journey_at_once() -> None:
    timeline = Timeline(program(OPT_OUT % at("2030-01-01T00:00:00+00:00")))
    timeline.feed(ev("c1", "Start", "2025-06-02T10:00:00+00:00"))
    assert "promo" in timeline.state.instances
    timeline.feed(cmd("c1", "profile", "2025-06-02T11:00:00+00:00", set={"opted_out": True}))
    assert "promo" not in timeline.state.instances
    (exited,) = timeline.records("Journey exited")
    assert exited.properties["reason"] == "exit: opted out"
    timeline.tick("2025-06-05T10:00:00+00:00")
    assert timeline.sends() == []


def test_exits_are_checked_at_entry_and_on_timer_turns() -> None:
    opted = Timeline(program(OPT_OUT % at("2030-01-01T00:00:00+00:00")))
    opted.feed(cmd("c1", "profile", "2025-06-02T09:00:00+00:00", set={"opted_out": True}))
    opted.feed(ev("c1", "Start", "2025-06-02T10:00:00+00:00"))
    assert "promo" not in opted.state.instances and opted.state.timers == []
    deadline = Timeline(program(OPT_OUT % at("2025-06-03T00:00:00+00:00")))
    deadline.feed(ev("c1", "Start", "2025-06-02T10:00:00+00:00"))
    deadline.tick("2025-06-04T10:00:00+00:00")  # the wait ends after the deadline
    assert deadline.sends() == []
    (exited,) = deadline.records("Journey exited")
    assert exited.properties["reason"] == "exit: too late"
