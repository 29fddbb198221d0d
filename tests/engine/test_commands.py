"""Customer-driven: invoke on demand, enter anywhere, pause, resume, go back, migrate."""

from __future__ import annotations

from engine_kit import Timeline, cmd, ev, program

from journeyscope.engine.core.clock import at

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

FLOW_V2 = (
    FLOW.replace("version: 1", "version: 2")
    .replace(
        "  remind: {invoke: remind, next: wait-check}",
        "  remind: {invoke: sms_remind, next: wait-check}",
    )
    .replace("wait-docs", "docs")
)

QUIET = {
    "timezone": "Europe/Amsterdam",
    "quiet_hours": {"start": "21:00", "end": "08:00"},
    "caps": [{"scope": "global", "limit": 0, "window": "1d"}],
}


def test_customers_invoke_interaction_objects_on_demand_past_caps_and_quiet_hours() -> None:
    line = Timeline(program(FLOW, policy=QUIET))
    line.feed(cmd("c1", "invoke", "2025-05-05T22:30:00+00:00", interaction="remind"))
    [send] = line.sends()
    assert send.interaction == "remind" and send.journey is None
    [sent] = line.records("Interaction sent")
    assert sent.properties["on_demand"] is True
    line.feed(cmd("c1", "invoke", "2025-05-05T22:31:00+00:00", interaction="offer"))
    assert line.records("Interaction suppressed")[0].properties["reason"] == "no marketing consent"
    line.feed(cmd("c1", "invoke", "2025-05-05T22:32:00+00:00", interaction="chat"))  # not eligible
    assert "not eligible" in line.records("Interaction suppressed")[1].properties["reason"]


def test_enter_at_any_step_and_move_when_already_inside() -> None:
    line = Timeline(program(FLOW))
    line.feed(cmd("c1", "enter", "2025-05-05T09:00:00+00:00", journey="apply", step="remind"))
    assert [s.interaction for s in line.sends()] == ["remind"]
    assert line.state.instances["apply"].step == "wait-check"
    line.feed(cmd("c1", "enter", "2025-05-06T09:00:00+00:00", journey="apply", step="wait-docs"))
    assert line.records("Journey moved")
    assert line.state.instances["apply"].step == "wait-docs"
    assert len(line.records("Journey entered")) == 1


def test_pause_keeps_the_time_left_and_resume_continues_it() -> None:
    line = Timeline(program(FLOW))
    line.feed(ev("c1", "Start", "2025-05-05T09:00:00+00:00"))  # waits 5 days for documents
    line.feed(cmd("c1", "pause", "2025-05-07T09:00:00+00:00", journey="apply"))  # 3 days left
    assert line.state.timers == []
    line.tick("2025-06-01T00:00:00+00:00")  # weeks pass: nothing happens while paused
    assert [s.interaction for s in line.sends()] == ["receipt"]
    line.feed(cmd("c1", "resume", "2025-06-10T09:00:00+00:00", journey="apply"))
    assert line.state.wake_at == at("2025-06-13T09:00:00+00:00")
    line.tick("2025-06-13T09:00:00+00:00")
    assert [s.interaction for s in line.sends()] == ["receipt", "remind"]


def test_an_awaited_event_while_paused_is_remembered_and_exits_still_apply() -> None:
    line = Timeline(program(FLOW))
    line.feed(ev("c1", "Start", "2025-05-05T09:00:00+00:00"))
    line.feed(cmd("c1", "pause", "2025-05-06T09:00:00+00:00", journey="apply"))
    line.feed(ev("c1", "Upload documents", "2025-05-07T09:00:00+00:00"))
    assert line.records("Journey wait satisfied while paused")
    assert [s.interaction for s in line.sends()] == ["receipt"]
    line.feed(cmd("c1", "resume", "2025-05-08T09:00:00+00:00", journey="apply"))
    assert [s.interaction for s in line.sends()] == ["receipt", "case"]


def test_back_goes_to_an_earlier_step_and_does_it_again() -> None:
    line = Timeline(program(FLOW))
    line.feed(ev("c1", "Start", "2025-05-05T09:00:00+00:00"))
    line.tick("2025-05-10T09:00:00+00:00")  # timed out: reminded, waiting 10 days
    assert line.state.instances["apply"].step == "wait-check"
    line.feed(cmd("c1", "back", "2025-05-11T09:00:00+00:00", journey="apply", to="welcome"))
    sends = line.sends()
    assert [s.interaction for s in sends] == ["receipt", "remind", "receipt"]
    assert len({s.key for s in sends}) == 3  # a new send, with a new idempotency key
    assert line.state.instances["apply"].step == "wait-docs"
    line.feed(cmd("c1", "back", "2025-05-11T10:00:00+00:00", journey="apply", steps=1))
    assert line.state.instances["apply"].step == "wait-docs"  # back to welcome, then on
    line.feed(cmd("c1", "back", "2025-05-11T11:00:00+00:00", journey="apply", to="check"))
    assert "not an earlier step" in line.records("Command rejected")[0].properties["reason"]


def test_running_customers_stay_on_their_version_until_migrated_explicitly() -> None:
    prog = program(FLOW, FLOW_V2)
    line = Timeline(program(FLOW))
    line.feed(ev("c1", "Start", "2025-05-05T09:00:00+00:00"))  # entered version 1
    line.rules.program = prog  # version 2 deployed
    line.feed(ev("c2", "Start", "2025-05-05T10:00:00+00:00"))  # another customer: not c1's
    assert line.state.instances["apply"].version == 1
    line.feed(cmd("c1", "migrate", "2025-05-06T09:00:00+00:00", journey="apply", to_version=2))
    assert line.records("Journey not migrated")  # v2 has no step 'wait-docs'
    assert line.state.instances["apply"].version == 1
    line.feed(
        cmd(
            "c1",
            "migrate",
            "2025-05-06T10:00:00+00:00",
            journey="apply",
            to_version=2,
            step_map={"wait-docs": "docs"},
        )
    )
    inst = line.state.instances["apply"]
    assert (inst.version, inst.step) == (2, "docs")
    assert line.state.wake_at == at("2025-05-10T09:00:00+00:00")  # the wait kept its due time
    line.tick("2025-05-10T09:00:00+00:00")
    assert line.sends()[-1].interaction == "sms_remind"  # version 2's step


def test_profile_updates_and_rejected_commands() -> None:
    line = Timeline(program(FLOW, policy=QUIET | {"caps": []}))
    line.feed(cmd("c1", "profile", "2025-05-05T09:00:00+00:00", set={"timezone": "Asia/Tokyo"}))
    assert line.state.profile["timezone"] == "Asia/Tokyo"
    line.feed(ev("c1", "Start", "2025-05-05T13:00:00+00:00"))  # 22:00 in Tokyo: quiet
    assert line.records("Interaction sent")  # receipt is transactional: not held back
    line.feed(cmd("c1", "pause", "2025-05-05T14:00:00+00:00", journey="nope"))
    line.feed(cmd("c1", "profile", "2025-05-05T14:00:00+00:00", set={"colour": "red"}))
    line.feed(cmd("c1", "enter", "2025-05-05T14:00:00+00:00", journey="missing"))
    reasons = [r.properties["reason"] for r in line.records("Command rejected")]
    assert reasons[0] == "the customer is not in this journey"
    assert reasons[1].startswith("unknown profile fields ['colour']")
    assert reasons[2].startswith("no journey 'missing'")
