"""The pure transition: triggers, waits, branches, experiments, goals and exits, re-entry,
holdouts, lateness — with a clock that jumps days."""

from __future__ import annotations

from collections import Counter

from engine_kit import Timeline, ev, program
from hypothesis import given, settings
from hypothesis import strategies as st

from journeyscope.engine.core.actions import Record, Send
from journeyscope.engine.core.clock import at, iso
from journeyscope.engine.core.localtime import local, zone
from journeyscope.engine.core.rules import Rules
from journeyscope.engine.core.state import CustomerState
from lanes import examples

AMS = zone("Europe/Amsterdam")

DOCS = """
journey: docs
version: 1
re_entry: never
triggers:
  - after: Start application
    expect: Upload documents
    within: 3d
goals: [{event: Upload documents}]
exits: [{name: withdrawn, event: Withdraw}]
steps:
  remind: {invoke: remind, next: wait}
  wait:
    wait: {event: Upload documents, timeout: 4d}
    on_timeout: call
  call:
    invoke: case
    input: {reason: "'no documents'"}
"""

NPS = """
journey: nps
re_entry: never
triggers: [{event: Collect keys}]
steps:
  settle: {wait: {duration: 1d}, next: daytime}
  daytime:
    wait: {until: {between: ["10:00", "19:00"], days: [mon, tue, wed, thu, fri, sat]}}
    next: survey
  survey: {invoke: remind}
"""


def test_a_proactive_trigger_fires_when_the_expected_event_does_not_arrive() -> None:
    line = Timeline(program(DOCS))
    line.feed(ev("c1", "Start application", "2025-05-05T09:00:00+00:00"))
    assert line.state.wake_at == at("2025-05-08T09:00:00+00:00")  # durable timer, in the state
    assert not line.sends()
    line.tick("2025-05-08T08:59:59+00:00")
    assert not line.sends()
    line.tick("2025-05-08T09:00:00+00:00")
    [send] = line.sends()
    assert send.interaction == "remind" and send.journey == "docs"
    assert [r.activity for r in line.records()][:3] == [
        "Trigger fired",
        "Journey entered",
        "Journey step",
    ]
    line.tick("2025-05-12T09:00:00+00:00")  # four more days without documents: a case
    assert [s.interaction for s in line.sends()] == ["remind", "case"]
    assert line.sends()[1].payload == {"customer_id": "c1", "reason": "no documents"}
    assert "docs" not in line.state.instances
    assert line.state.history["docs"]["status"] == "completed"


def test_the_expected_event_in_time_cancels_the_proactive_trigger() -> None:
    line = Timeline(program(DOCS))
    line.feed(ev("c1", "Start application", "2025-05-05T09:00:00+00:00"))
    line.feed(ev("c1", "Upload documents", "2025-05-08T08:59:59+00:00"))
    line.tick("2025-06-30T00:00:00+00:00")
    assert not line.sends() and line.state.timers == []


def test_goals_and_exits_are_checked_the_moment_an_event_arrives() -> None:
    line = Timeline(program(DOCS))
    line.feed(ev("c1", "Start application", "2025-05-05T09:00:00+00:00"))
    line.tick("2025-05-08T09:00:00+00:00")  # reminder sent, waiting up to 4 days
    line.feed(ev("c1", "Withdraw", "2025-05-08T10:00:00+00:00"))  # long before the timeout
    [exited] = line.records("Journey exited")
    assert exited.properties["reason"] == "exit: withdrawn"
    assert not [t for t in line.state.timers if t.kind == "wait"]
    line.tick("2025-05-20T00:00:00+00:00")
    assert [s.interaction for s in line.sends()] == ["remind"]  # no case after the exit


def test_a_goal_ends_the_journey_and_teaches_the_propensity_model() -> None:
    line = Timeline(program(DOCS))
    line.feed(ev("c1", "Start application", "2025-05-05T09:00:00+00:00"))
    line.tick("2025-05-08T09:00:00+00:00")
    line.feed(ev("c1", "Upload documents", "2025-05-09T09:00:00+00:00"))
    assert line.records("Journey goal reached")
    [outcome] = line.records("Interaction outcome")
    assert outcome.properties["success"] is True
    assert line.state.timers == []


def test_waits_of_days_keep_the_local_wall_time_across_daylight_saving() -> None:
    line = Timeline(program(NPS, policy={"timezone": "Europe/Amsterdam"}))
    line.feed(ev("c1", "Collect keys", "2025-03-29T10:30:00+01:00"))  # Saturday, CET
    assert line.state.wake_at == at("2025-03-30T10:30:00+02:00")  # 23 hours later: CEST
    line.tick("2025-03-30T10:30:00+02:00")  # Sunday: the survey waits for Monday 10:00
    assert not line.sends()
    assert line.state.wake_at == at("2025-03-31T10:00:00+02:00")
    line.tick("2025-03-31T10:00:00+02:00")
    [send] = line.sends()
    assert local(send.at, AMS).strftime("%a %H:%M") == "Mon 10:00"


def test_a_wait_for_an_event_takes_the_event_branch_or_the_timeout_branch() -> None:
    journey = """
journey: j
triggers: [{event: Start}]
steps:
  wait:
    wait: {event: Answer, timeout: 2d, when: "event.properties.ok == True"}
    on_event: thanks
    on_timeout: nudge
  thanks: {invoke: receipt}
  nudge: {invoke: remind}
"""
    answered = Timeline(program(journey))
    answered.feed(ev("c1", "Start", "2025-05-05T09:00:00+00:00"))
    answered.feed(ev("c1", "Answer", "2025-05-06T09:00:00+00:00", ok=False))  # not this one
    answered.feed(ev("c1", "Answer", "2025-05-06T10:00:00+00:00", ok=True))
    assert [s.interaction for s in answered.sends()] == ["receipt"]
    silent = Timeline(program(journey))
    silent.feed(ev("c1", "Start", "2025-05-05T09:00:00+00:00"))
    silent.tick("2025-05-07T09:00:00+00:00")
    assert [s.interaction for s in silent.sends()] == ["remind"]
    assert silent.records("Journey wait timed out")


def test_branches_take_the_first_condition_that_holds() -> None:
    journey = """
journey: j
triggers: [{event: Start}]
steps:
  route:
    set: {tries: "2"}
    branch:
      - {when: "event.properties.segment == 'vulnerable'", next: call}
      - {when: "int(journey.tries) > 1", next: mail}
    otherwise: end
  call: {invoke: case, input: {reason: "'vulnerable'"}}
  mail: {invoke: remind}
"""
    vulnerable = Timeline(program(journey))
    vulnerable.feed(ev("c1", "Start", "2025-05-05T09:00:00+00:00", segment="vulnerable"))
    other = Timeline(program(journey))
    other.feed(ev("c1", "Start", "2025-05-05T09:00:00+00:00", segment="mainstream"))
    assert [s.interaction for s in vulnerable.sends()] == ["case"]
    assert [s.interaction for s in other.sends()] == ["remind"]


EXPERIMENT = """
journey: j
triggers: [{event: Start}]
re_entry: anytime
steps:
  split:
    experiment:
      name: copy
      variants:
        - {name: mail, weight: 3, next: mail}
        - {name: text, weight: 1, next: text}
  mail: {invoke: remind}
  text: {invoke: sms_remind}
"""


def test_experiments_assign_stable_weighted_variants() -> None:
    prog = program(EXPERIMENT)
    variants: Counter[str] = Counter()
    for i in range(2000):
        line = Timeline(prog, f"c{i}")
        line.feed(ev(f"c{i}", "Start", "2025-05-05T09:00:00+00:00"))
        line.feed(ev(f"c{i}", "Start", "2025-05-06T09:00:00+00:00"))  # re-entered: same variant
        first, second = [r.properties["variant"] for r in line.records("Experiment assigned")]
        assert first == second
        variants[first] += 1
    assert 0.70 < variants["mail"] / 2000 < 0.80


def test_re_entry_modes() -> None:
    base = "journey: j\ntriggers: [{event: Start}]\nsteps:\n  wait: {wait: {duration: 1d}}\n"
    never = Timeline(program(base + "re_entry: never\n"))
    after_exit = Timeline(program(base + "re_entry: after_exit\n"))
    anytime = Timeline(program(base + "re_entry: anytime\n"))
    for line in (never, after_exit, anytime):
        line.feed(ev("c1", "Start", "2025-05-05T09:00:00+00:00"))
        line.feed(ev("c1", "Start", "2025-05-05T10:00:00+00:00"))  # while still in it
        line.tick("2025-05-07T00:00:00+00:00")  # the journey ends
        line.feed(ev("c1", "Start", "2025-05-08T09:00:00+00:00"))  # after it ended
    assert len(never.records("Journey entered")) == 1
    assert len(after_exit.records("Journey entered")) == 2
    assert len(anytime.records("Journey entered")) == 3
    assert anytime.records("Journey exited")[0].properties["reason"].startswith("re-entered")


def test_holdouts_record_what_would_have_been_sent() -> None:
    journey = """
journey: j
holdout: 1.0
triggers: [{event: Start}]
steps:
  mail: {invoke: remind, next: letter}
  letter: {invoke: legal}
"""
    line = Timeline(program(journey))
    line.feed(ev("c1", "Start", "2025-05-05T09:00:00+00:00"))
    [withheld] = line.records("Interaction withheld")
    assert withheld.properties["would_have_sent"] is True
    assert withheld.properties["holdout"] == "journey"
    assert [s.interaction for s in line.sends()] == ["legal"]  # mandatory is still sent


def test_the_global_holdout_is_a_stable_share_of_customers() -> None:
    journey = "journey: j\ntriggers: [{event: Start}]\nsteps:\n  mail: {invoke: remind}\n"
    prog = program(journey, policy={"holdout": {"global": 0.2, "salt": "s"}})
    held = 0
    for i in range(1000):
        line = Timeline(prog, f"c{i}")
        line.feed(ev(f"c{i}", "Start", "2025-05-05T09:00:00+00:00"))
        held += len(line.records("Interaction withheld"))
    assert 150 < held < 250


def test_quiet_hours_defer_and_the_policy_is_checked_again_at_send_time() -> None:
    journey = "journey: j\ntriggers: [{event: Start}]\nsteps:\n  mail: {invoke: remind}\n"
    prog = program(
        journey,
        policy={"timezone": "Europe/Amsterdam", "quiet_hours": {"start": "21:00", "end": "08:00"}},
    )
    line = Timeline(prog)
    line.feed(ev("c1", "Start", "2025-05-05T21:30:00+00:00"))  # 23:30 local
    [deferred] = line.records("Interaction deferred")
    assert iso(deferred.properties["until"]) == "2025-05-06T06:00:00+00:00"
    line.tick("2025-05-06T06:00:00+00:00")
    [send] = line.sends()
    assert iso(send.at) == "2025-05-06T06:00:00+00:00"
    opted_out = Timeline(prog)
    opted_out.feed(ev("c1", "Start", "2025-05-05T21:30:00+00:00"))
    opted_out.feed(ev("c1", "Unsubscribe", "2025-05-05T22:00:00+00:00"))
    opted_out.tick("2025-05-06T06:00:00+00:00")
    assert not opted_out.sends()
    assert opted_out.records("Interaction suppressed")[0].properties["reason"] == (
        "opted out of all contact"
    )


def test_caps_suppress_with_the_reason() -> None:
    journey = """
journey: j
re_entry: anytime
triggers: [{event: Start}]
steps:
  mail: {invoke: remind}
"""
    prog = program(journey, policy={"caps": [{"scope": "global", "limit": 2, "window": "7d"}]})
    line = Timeline(prog)
    for day in range(5, 8):
        line.feed(ev("c1", "Start", f"2025-05-0{day}T09:00:00+00:00"))
    assert len(line.sends()) == 2
    assert line.records("Interaction suppressed")[0].properties["reason"] == (
        "capped: global limit 2 per 7d"
    )
    line.feed(ev("c1", "Start", "2025-05-12T09:00:01+00:00"))  # the first left the window
    assert len(line.sends()) == 3


def test_a_broken_input_contract_is_recorded_not_sent() -> None:
    journey = "journey: j\ntriggers: [{event: Start}]\nsteps:\n  c: {invoke: case}\n"
    line = Timeline(program(journey))
    line.feed(ev("c1", "Start", "2025-05-05T09:00:00+00:00"))  # no reason given
    [failed] = line.records("Interaction failed")
    assert "input breaks the contract" in failed.properties["reason"]
    assert not line.sends()


def test_late_events_start_nothing_but_still_reach_goals() -> None:
    line = Timeline(program(DOCS, policy={"lateness": "2d"}))
    old_start = ev("c1", "Start application", "2025-05-01T09:00:00+00:00")
    line.feed(old_start, now=at("2025-05-05T09:00:00+00:00"))  # arrives four days late
    assert line.records("Trigger ignored") and line.state.timers == []
    fresh = Timeline(program(DOCS))
    fresh.feed(ev("c1", "Start application", "2025-05-05T09:00:00+00:00"))
    fresh.tick("2025-05-08T09:00:00+00:00")
    # an upload from before the reminder arrives out of order: the goal still counts
    fresh.feed(
        ev("c1", "Upload documents", "2025-05-07T09:00:00+00:00"),
        now=at("2025-05-08T10:00:00+00:00"),
    )
    assert fresh.records("Journey goal reached")


def test_a_trigger_evaluated_at_event_time_fires_due_timers_first() -> None:
    line = Timeline(program(DOCS))
    line.feed(ev("c1", "Start application", "2025-05-05T09:00:00+00:00"))
    # the upload comes five days later, after the 3-day timer was due but before anyone ticked
    line.feed(ev("c1", "Upload documents", "2025-05-10T09:00:00+00:00"))
    activities = [r.activity for r in line.records()]
    assert activities.index("Trigger fired") < activities.index("Journey goal reached")


# ------------------------------------------------------------- purity and determinism

ACTIVITIES = ["Start application", "Upload documents", "Withdraw", "Collect keys", "Start", "Other"]
events = st.lists(
    st.tuples(
        st.sampled_from(ACTIVITIES),
        st.integers(0, 10 * 86400),
        st.sampled_from(["web", "app", "phone"]),
    ),
    max_size=25,
)


@settings(max_examples=examples(60), deadline=None)
@given(events)
def test_transitions_are_pure_and_deterministic(history: list[tuple[str, int, str]]) -> None:
    prog = program(
        DOCS,
        NPS,
        EXPERIMENT,
        policy={
            "timezone": "Europe/Amsterdam",
            "caps": [{"scope": "global", "limit": 2, "window": "2d"}],
            "quiet_hours": {"start": "21:00", "end": "08:00"},
        },
    )
    t0 = at("2025-03-25T00:00:00+00:00")

    def run() -> list[object]:
        rules, state, out = Rules(prog), CustomerState("c1"), []
        for i, (activity, offset, channel) in enumerate(sorted(history, key=lambda h: h[1])):
            from journeyscope.engine.core.actions import Event

            item = Event(f"e{i}", "c1", activity, t0 + offset, channel)
            before = state.to_json()
            state, actions = rules(state, item, t0 + offset)
            out += actions
            assert CustomerState.from_json(before).to_json() == before
        return out

    first, second = run(), run()
    assert first == second
    keys = [a.key for a in first if isinstance(a, Send)]
    ids = [a.event_id for a in first if isinstance(a, Record)]
    assert len(set(keys)) == len(keys) and len(set(ids)) == len(ids)
