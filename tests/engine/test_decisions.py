"""Arbitration: priority = propensity × context weight × value × lever, explained; the
propensity is learned online from outcomes."""

from __future__ import annotations

from engine_kit import Timeline, ev, program

from journeyscope.engine.core.actions import Learn
from journeyscope.engine.core.decisions import Candidate, Knowledge, choose

HELP = """
journey: help
re_entry: anytime
triggers: [{event: Online error}]
steps:
  offer:
    decide: {candidates: [chat, article, offer], context: "event.channel"}
"""


def test_every_decision_says_what_was_eligible_what_won_and_why() -> None:
    line = Timeline(program(HELP))
    line.feed(ev("c1", "Online error", "2025-05-05T09:00:00+00:00", channel="app"))
    [decision] = line.records("Decision")
    explained = decision.properties
    assert explained["formula"] == "priority = propensity × context weight × value × lever"
    assert explained["context"] == "app"
    by_name = {c["name"]: c for c in explained["candidates"]}
    assert by_name["chat"]["priority"] == 0.5 * 1 * 2 * 1  # prior 1/2 × weight × value × lever
    assert by_name["article"]["priority"] == 0.5
    assert not by_name["offer"]["allowed"]  # marketing without consent
    assert by_name["offer"]["reason"] == "no marketing consent"
    assert explained["winner"] == "chat"
    assert explained["why"].startswith("chat won with priority 1 = propensity 0.5")
    assert [s.interaction for s in line.sends()] == ["chat"]


def test_context_weights_and_eligibility_change_the_winner() -> None:
    line = Timeline(program(HELP))
    line.feed(
        ev(
            "c1",
            "Online error",
            "2025-05-05T09:00:00+00:00",
            channel="phone",
            segment="digital first",
        )
    )
    [decision] = line.records("Decision")
    by_name = {c["name"]: c for c in decision.properties["candidates"]}
    assert not by_name["chat"]["eligible"]  # chat only after a web or app error
    assert by_name["article"]["weight"] == 3
    assert decision.properties["winner"] == "article"


def test_a_capped_winner_gives_way_to_the_next_best() -> None:
    prog = program(
        HELP, policy={"caps": [{"scope": "channel", "channel": "chat", "limit": 0, "window": "1d"}]}
    )
    line = Timeline(prog)
    line.feed(ev("c1", "Online error", "2025-05-05T09:00:00+00:00", channel="web"))
    [decision] = line.records("Decision")
    assert decision.properties["winner"] == "article"
    why = decision.properties["why"]
    assert "ranked higher but held back: offer (no marketing consent)" in why
    assert "chat (capped: channel chat limit 0 per 1d)" in why


def test_propensity_is_learned_online_from_outcomes_and_levers_steer() -> None:
    prog = program(HELP)
    knowledge = Knowledge()
    line = Timeline(prog)
    line.rules.knowledge = knowledge
    # chat was offered 40 times after web errors and worked twice; articles worked 30 of 40
    knowledge.learn([Learn("chat", "web", i < 2) for i in range(40)])
    knowledge.learn([Learn("article", "web", i < 30) for i in range(40)])
    line.feed(ev("c1", "Online error", "2025-05-05T09:00:00+00:00", channel="web"))
    assert line.records("Decision")[-1].properties["winner"] == "article"
    knowledge.levers["chat"] = 20.0  # the business pushes chat (say, advisers are idle)
    line.feed(ev("c1", "Online error", "2025-05-05T10:00:00+00:00", channel="web"))
    assert line.records("Decision")[-1].properties["winner"] == "chat"
    # app errors are another context: nothing learned there yet, so the prior applies
    line.feed(ev("c1", "Online error", "2025-05-05T11:00:00+00:00", channel="app"))
    chat = next(
        c for c in line.records("Decision")[-1].properties["candidates"] if c["name"] == "chat"
    )
    assert chat["trials"] == 0 and chat["propensity"] == 0.5


def test_outcomes_close_the_loop_into_learning() -> None:
    line = Timeline(program(HELP))
    line.feed(ev("c1", "Online error", "2025-05-05T09:00:00+00:00", channel="web"))
    line.feed(ev("c1", "Upload documents", "2025-05-06T09:00:00+00:00"))
    lessons = [a for a in line.actions if isinstance(a, Learn)]
    assert lessons == [Learn("chat", "web", True)]
    line.feed(ev("c1", "Online error", "2025-05-07T09:00:00+00:00", channel="web"))
    line.tick("2025-05-10T00:00:00+00:00")  # no upload within 2 days: a failure
    assert [a for a in line.actions if isinstance(a, Learn)][-1] == Learn("chat", "web", False)


def test_ties_keep_the_listed_order_and_nothing_eligible_is_explained() -> None:
    a = Candidate("a", 1, True, priority=1.0, allowed=True)
    b = Candidate("b", 1, True, priority=1.0, allowed=True)
    assert choose([a, b], "x").winner == "a"
    none = choose([Candidate("a", 1, False, reason="not eligible: x")], "x")
    assert none.winner is None and none.why == "no candidate was eligible"
