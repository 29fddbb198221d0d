"""The user story map (analytics/story_map.py): the journey's backbone, a story per
opportunity (the team's, or drafted in the persona's words), and release slices cut by the
value at stake, each step's value counted once."""

from __future__ import annotations

from typing import Any

import pytest
from analytics_kit import evidence_at, opportunity_journey

from journeyscope.analytics import opportunities as opp
from journeyscope.analytics.story_map import SLICE_RULE, _want, story_map


def test_story_map_stories_releases_and_design_stories() -> None:
    j = opportunity_journey(
        stories=[
            {
                "id": "photo",
                "step": "a",
                "persona": "q",
                "want": "to upload a photo",
                "opportunity": "Clearer A",
                "effort": 2,
            },
            {"id": "loose", "step": "c", "want": "a cup of tea"},
        ]
    )
    evidence = [evidence_at("a", 600.0), evidence_at("b", 300.0), evidence_at("zzz", 100.0)]
    found = opp.collect(j, evidence, efforts={"a.clearer_a": 2.0})
    m = story_map(j, found)
    texts = {c.id: c for c in m.stories}
    photo = texts["photo"]
    assert photo.text == "As an Owner, I want to upload a photo, so that it is done."
    assert not photo.drafted and photo.effort == 2 and photo.opportunity == "a.clearer_a"
    drafted = texts["draft.a.faster_a"]
    assert drafted.text == "As a Renter, I want a faster A, so that it is done."
    assert texts["loose"].opportunity is None and texts["loose"].value_at_stake is None
    # value per step counted once: a 600, b 300, journey-wide 100 -> total 1000;
    # ranked a (scored, effort) first, then a.faster_a, b, journey item; cuts at 50% and 80%
    releases = {r.number: (r.value_at_stake, r.share_of_value) for r in m.releases}
    assert releases[1] == (600.0, pytest.approx(0.6))
    assert releases[2] == (300.0, pytest.approx(0.3))
    assert releases[3][0] == 100.0
    assert texts["draft.b.keep_customers_going_at_b"].release == 2
    assert texts["loose"].release == 3  # not measured: the last release
    assert [c.rank for c in m.stories] == sorted(c.rank for c in m.stories)


def _opportunity(id: str, step: str | None, rank: int, **kw: Any) -> opp.Opportunity:
    fields: dict[str, Any] = {
        "id": id,
        "step": step,
        "step_name": step.upper() if step else None,
        "stage": None,
        "title": id,
        "origin": "data",
        "evidence": [],
        "value_at_stake": None,
        "value_interval": None,
        "confidence": None,
        "rank": rank,
    }
    return opp.Opportunity(**(fields | kw))


def test_the_backbone_is_the_journeys_stages_and_steps_in_order() -> None:
    m = story_map(opportunity_journey(), [], semantics="from the data")
    assert [(s.id, s.name, [(x.id, x.name) for x in s.steps]) for s in m.backbone] == [
        ("s1", "One", [("a", "A"), ("b", "B")]),
        ("s2", "Two", [("c", "C")]),
    ]
    assert (m.journey, m.journey_name, m.stories, m.releases) == ("j", "J", [], [])
    assert (m.semantics, m.slice_rule) == ("from the data", SLICE_RULE)


def test_a_drafted_story_says_what_the_evidence_worth_most_asks_for() -> None:
    def want(source: opp.Source | None, step: str | None = "b") -> str:
        evidence = [evidence_at(step or "x", 10.0, source)] if source else []
        return _want(_opportunity("o", step, 1, evidence=evidence))

    assert want("failure demand") == "B to work the first time, without having to contact you"
    assert want("drop-off") == "to get through B without giving up"
    assert want("moment of truth") == "B to go smoothly"
    assert want(None, None) == "this part of the journey to go smoothly"


@pytest.mark.parametrize(
    ("title", "wanted"),
    [
        ("Fix the failing steps", "you to fix the failing steps"),
        ("Send a reminder", "you to send a reminder"),
        ("Fewer forms", "fewer forms"),
        ("The keys sooner", "the keys sooner"),
        ("Eligibility checker", "an eligibility checker"),
        ("Online form", "an online form"),
        ("Checklist", "a checklist"),
        ("SMS reminders", "SMS reminders"),
        ("Clearer letters", "clearer letters"),
        ("SMS reminder before the visit", "an SMS reminder before the visit"),
        ("Eligibility checker before applying", "an eligibility checker before applying"),
        ("Progress tracker for applications", "a progress tracker for applications"),
    ],
)
def test_a_designed_opportunity_is_wanted_in_the_designs_words(title: str, wanted: str) -> None:
    assert _want(_opportunity("o", None, 1, title=title, origin="design")) == wanted


def test_without_personas_the_story_is_a_customers_and_so_that_keeps_a_leading_i() -> None:
    j = opportunity_journey(personas=[], outcome={"description": "I have the keys.", "step": "c"})
    m = story_map(j, [_opportunity("o1", "b", 1, origin="design", title="Offer help")])
    [card] = m.stories
    assert card.text == "As a customer, I want you to offer help, so that I have the keys."
    assert (card.id, card.step, card.step_name, card.stage, card.drafted) == (
        "draft.o1",
        "b",
        "B",
        "s1",
        True,
    )


def test_a_story_finds_its_opportunity_by_id_or_title_and_keeps_its_release() -> None:
    j = opportunity_journey(
        stories=[
            {"id": "by_id", "step": "a", "want": "x", "opportunity": "o1", "release": 2},
            {"id": "by_title", "step": "b", "want": "y", "opportunity": "SPEED UP B"},
        ]
    )
    found = [
        _opportunity("o1", "a", 1, value_at_stake=100.0, effort=3.0),
        _opportunity("o2", "b", 2, title="Speed up B", value_at_stake=50.0),
    ]
    cards = {c.id: c for c in story_map(j, found).stories}
    assert set(cards) == {"by_id", "by_title"}  # no drafts where the team wrote a story
    assert (cards["by_id"].opportunity, cards["by_id"].release) == ("o1", 2)
    assert cards["by_id"].effort == 3.0  # the opportunity's, the story giving none
    # a before it holds 100 of 150 (67%): under the 80% cut
    assert (cards["by_title"].opportunity, cards["by_title"].release) == ("o2", 2)
    assert cards["by_title"].text == "As a Renter, I want y, so that it is done."
    assert [(r.number, r.stories, r.value_at_stake) for r in story_map(j, found).releases] == [
        (2, 2, 150.0)
    ]


def test_a_steps_value_is_counted_once_in_the_release_of_its_first_story() -> None:
    found = [
        _opportunity("o1", "a", 1, value_at_stake=100.0),
        _opportunity("o2", "a", 2, value_at_stake=100.0),  # the same step's evidence
        _opportunity("o3", "b", 3, value_at_stake=100.0),
        _opportunity("o4", None, 4),  # nothing measured
    ]
    m = story_map(opportunity_journey(), found)
    assert [(c.id, c.release) for c in m.stories] == [
        ("draft.o1", 1),
        ("draft.o2", 1),
        ("draft.o3", 2),
        ("draft.o4", 3),
    ]
    assert [(r.number, r.stories, r.value_at_stake, r.share_of_value) for r in m.releases] == [
        (1, 2, 100.0, 0.5),
        (2, 1, 100.0, 0.5),
        (3, 1, 0.0, 0.0),
    ]


def test_nothing_measured_goes_to_the_last_release_with_no_share() -> None:
    m = story_map(opportunity_journey(), [_opportunity("o1", "a", 1), _opportunity("o2", "b", 2)])
    assert {c.release for c in m.stories} == {3}
    assert [(r.number, r.stories, r.share_of_value) for r in m.releases] == [(3, 2, None)]
