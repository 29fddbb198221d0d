"""Sending (``engine/core/sending.py``): an interaction's input, eligibility, journey pauses,
holdouts, the contact policy at send time, and arbitration — each function applied to one
turn of the transition."""

from __future__ import annotations

from typing import Any

from engine_kit import ev, program

from journeyscope.engine.core.actions import Record, Send
from journeyscope.engine.core.clock import at
from journeyscope.engine.core.decisions import Knowledge
from journeyscope.engine.core.program import Program
from journeyscope.engine.core.rules import Rules, Turn
from journeyscope.engine.core.sending import build_payload, decide, deliver, invoke
from journeyscope.engine.core.state import ACTIVE, CustomerState, Instance

NOW = "2025-05-05T09:00:00+00:00"  # a Monday, 09:00 UTC

OBJECTS = """
- name: case
  category: service
  channel: case
  input: {customer_id: str, journey: str, step: str, activity: str, reason: str}
- {name: remind, category: service, channel: email, value: 3,
   outcome: {event: [Upload documents, Mail documents], within: 3d}}
- {name: receipt, category: transactional, channel: email}
- {name: legal, category: mandatory, channel: letter}
- {name: chat, category: service, channel: chat, value: 2,
   eligibility: "event.channel in ('web', 'app')"}
- {name: article, category: service, channel: web, value: 1}
"""

APPLY = """
journey: apply
triggers: [{event: Start}]
steps:
  welcome: {invoke: case, input: {reason: "'late ' + event.activity"}, next: help}
  help: {decide: {candidates: [chat, article, remind]}}
"""


def _program(policy: dict[str, Any] | None = None) -> Program:
    return program(APPLY, policy=policy, objects=OBJECTS)


def _turn(
    prog: Program,
    *,
    channel: str = "web",
    paused: frozenset[str] = frozenset(),
    knowledge: Knowledge | None = None,
    when: str = NOW,
) -> Turn:
    rules = Rules(prog, knowledge)
    rules.paused = paused
    turn = Turn(rules, CustomerState("c1"), at(when))
    turn.event = ev("c1", "Start", when, channel=channel)
    turn.cause = turn.event.event_id
    return turn


def _instance(holdout: bool = False) -> Instance:
    return Instance("apply", 1, 1, "welcome", ACTIVE, at(NOW), at(NOW), holdout=holdout)


def _records(turn: Turn, activity: str) -> list[Record]:
    return [a for a in turn.actions if isinstance(a, Record) and a.activity == activity]


def _sends(turn: Turn) -> list[Send]:
    return [a for a in turn.actions if isinstance(a, Send)]


def test_the_payload_takes_the_defaults_its_contract_names_and_the_step_input() -> None:
    prog = _program()
    turn = _turn(prog)
    step = prog.journey("apply").step("welcome")
    payload = build_payload(turn, prog.catalogue.get("case"), _instance(), step)
    assert payload == {
        "customer_id": "c1",
        "journey": "apply",
        "step": "welcome",
        "activity": "Start",
        "reason": "late Start",
    }
    given = build_payload(turn, prog.catalogue.get("case"), _instance(), step, {"reason": "x"})
    assert given["reason"] == "x"  # what the caller gives wins over the step's input


def test_an_open_contract_gets_only_the_customer_id_by_default() -> None:
    prog = _program()
    payload = build_payload(_turn(prog), prog.catalogue.get("remind"), _instance(), None)
    assert payload == {"customer_id": "c1"}


def test_an_ineligible_interaction_is_suppressed_with_its_condition() -> None:
    prog = _program()
    turn = _turn(prog, channel="phone")
    sent = invoke(turn, prog.catalogue.get("chat"), _instance(), None, "all")
    assert sent is False and not _sends(turn)
    [record] = _records(turn, "Interaction suppressed")
    assert record.properties["reason"] == "not eligible: event.channel in ('web', 'app')"
    assert record.properties["interaction"] == "chat"
    assert record.case_id == "c1/apply#1" and record.channel == "chat"


def test_an_input_that_breaks_the_contract_fails_and_sends_nothing() -> None:
    prog = _program()
    turn = _turn(prog)
    case = prog.catalogue.get("case")
    sent = invoke(turn, case, _instance(), None, "all", given={"step": "s"})  # no reason
    assert sent is False and not _sends(turn)
    [record] = _records(turn, "Interaction failed")
    assert record.properties["reason"] == "input breaks the contract: Field required"


def test_a_sent_interaction_is_keyed_recorded_and_remembered_for_the_caps() -> None:
    prog = _program({"caps": [{"scope": "global", "limit": 5, "window": "1d"}]})
    turn = _turn(prog)
    assert invoke(turn, prog.catalogue.get("remind"), _instance(), None, "all")
    [send] = _sends(turn)
    assert send.key == "c1:a1"
    assert (send.interaction, send.channel, send.category) == ("remind", "email", "service")
    assert (send.journey, send.step, send.case_id) == ("apply", None, "c1/apply#1")
    assert send.cause == turn.event.event_id and send.at == at(NOW)  # type: ignore[union-attr]
    [record] = _records(turn, "Interaction sent")
    assert record.properties["key"] == "c1:a1"
    assert record.properties["policy"] == "within caps, outside quiet hours"
    assert turn.state.contacts == [[at(NOW), "email", "service"]]


def test_a_send_with_an_outcome_opens_its_outcome_window() -> None:
    prog = _program()
    turn = _turn(prog)
    invoke(turn, prog.catalogue.get("remind"), _instance(), None, "morning")
    [timer] = turn.state.timers
    assert timer.kind == "outcome" and timer.due == at("2025-05-08T09:00:00+00:00")
    assert timer.data == {
        "interaction": "remind",
        "context": "morning",
        "events": ["Mail documents", "Upload documents"],
        "sent": "c1:a1",
    }


def test_a_transactional_send_does_not_count_towards_the_caps() -> None:
    prog = _program({"caps": [{"scope": "global", "limit": 1, "window": "1d"}]})
    turn = _turn(prog)
    assert deliver(turn, prog.catalogue.get("receipt"), {}, _instance(), "welcome", "all")
    assert turn.state.contacts == []


def test_a_send_over_a_cap_is_suppressed_with_the_cap() -> None:
    prog = _program(
        {"caps": [{"scope": "channel", "channel": "email", "limit": 1, "window": "1d"}]}
    )
    turn = _turn(prog)
    remind = prog.catalogue.get("remind")
    assert deliver(turn, remind, {}, _instance(), "welcome", "all")
    assert not deliver(turn, remind, {}, _instance(), "welcome", "all")
    [record] = _records(turn, "Interaction suppressed")
    assert record.properties["reason"] == "capped: channel email limit 1 per 1d"
    assert len(_sends(turn)) == 1


def test_a_paused_journey_suppresses_its_sends_but_not_what_the_customer_asks_for() -> None:
    prog = _program()
    turn = _turn(prog, paused=frozenset({"apply"}))
    remind = prog.catalogue.get("remind")
    assert not deliver(turn, remind, {}, _instance(), "welcome", "all")
    [record] = _records(turn, "Interaction suppressed")
    assert record.properties["reason"] == "journey paused"
    assert deliver(turn, remind, {}, _instance(), "welcome", "all", on_demand=True)
    [sent] = _records(turn, "Interaction sent")
    assert sent.properties["on_demand"] is True


def test_a_holdout_withholds_service_sends_and_records_what_would_have_gone() -> None:
    prog = _program({"holdout": {"global": 1.0}})
    turn = _turn(prog)
    assert not deliver(turn, prog.catalogue.get("remind"), {"n": 1}, _instance(), None, "all")
    [withheld] = _records(turn, "Interaction withheld")
    assert withheld.properties["holdout"] == "global"
    assert withheld.properties["would_have_sent"] is True
    assert withheld.properties["payload"] == {"n": 1}
    assert deliver(turn, prog.catalogue.get("receipt"), {}, _instance(), None, "all")
    assert deliver(turn, prog.catalogue.get("legal"), {}, _instance(), None, "all")
    assert [s.interaction for s in _sends(turn)] == ["receipt", "legal"]


def test_an_instance_in_its_journeys_holdout_is_withheld_as_the_journeys() -> None:
    prog = _program()
    turn = _turn(prog)
    assert not deliver(turn, prog.catalogue.get("remind"), {}, _instance(holdout=True), None, "")
    [withheld] = _records(turn, "Interaction withheld")
    assert withheld.properties["holdout"] == "journey"


def test_quiet_hours_defer_the_send_to_a_timer_that_keeps_its_instance() -> None:
    prog = _program({"quiet_hours": {"start": "21:00", "end": "08:00"}})
    turn = _turn(prog, when="2025-05-05T22:00:00+00:00")
    inst = _instance()
    assert not deliver(turn, prog.catalogue.get("remind"), {"n": 1}, inst, "welcome", "all")
    assert not _sends(turn)
    [timer] = turn.state.timers
    assert timer.kind == "deferred" and timer.journey == "apply"
    assert timer.due == at("2025-05-06T08:00:00+00:00")
    assert timer.data["payload"] == {"n": 1} and timer.data["step"] == "welcome"
    assert (timer.data["entry"], timer.data["journey_version"]) == (1, 1)
    [record] = _records(turn, "Interaction deferred")
    assert record.properties["reason"] == "quiet hours 21:00-08:00"
    assert record.properties["until"] == at("2025-05-06T08:00:00+00:00")


def test_a_decision_records_its_reasons_and_sends_the_winner() -> None:
    prog = _program()
    turn = _turn(prog, channel="phone")
    inst = _instance()
    decide(turn, inst, prog.journey("apply").step("help"))
    [decision] = _records(turn, "Decision")
    explained = decision.properties
    assert explained["context"] == "all" and explained["winner"] == "remind"
    by_name = {c["name"]: c for c in explained["candidates"]}
    assert not by_name["chat"]["eligible"]
    assert by_name["chat"]["reason"] == "not eligible: event.channel in ('web', 'app')"
    assert by_name["remind"]["priority"] == 0.5 * 3  # prior 1/2 × value 3
    assert by_name["article"]["priority"] == 0.5
    assert explained["ranked"] == ["remind", "article"]
    assert [s.interaction for s in _sends(turn)] == ["remind"]


def test_a_lever_and_learned_counts_change_the_winner() -> None:
    prog = _program()
    knowledge = Knowledge({("article", "all"): (8.0, 10.0)}, levers={"remind": 0.1})
    turn = _turn(prog, channel="phone", knowledge=knowledge)
    decide(turn, _instance(), prog.journey("apply").step("help"))
    by_name = {c["name"]: c for c in _records(turn, "Decision")[0].properties["candidates"]}
    assert by_name["article"]["propensity"] == (8 + 1) / (10 + 2)
    assert by_name["remind"]["priority"] == 0.5 * 3 * 0.1
    assert [s.interaction for s in _sends(turn)] == ["article"]
