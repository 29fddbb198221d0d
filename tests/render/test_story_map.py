"""The user story map picture (render/story_map.py): a column per step that holds stories,
releases as bands, cards stacked in rank order with their value, confidence and effort."""

from __future__ import annotations

from typing import Any

import pytest
from render_kit import NS, by_class, overlapping, parse, size_of, text_lines, tooltips

from journeyscope.analytics.story_map import (
    BackboneStage,
    BackboneStep,
    Release,
    StoryCard,
    StoryMap,
)
from journeyscope.render import palette as pal
from journeyscope.render.story_map import CARD_H, COL_W, GAP, LEFT, PAD, story_map_svg


def _card(cid: str, step: str | None, release: int, rank: int, **fields: Any) -> StoryCard:
    values: dict[str, Any] = {
        "id": cid,
        "step": step,
        "step_name": step.title() if step else None,
        "stage": None,
        "persona": "tenant",
        "text": f"As a tenant, I want story {cid}, so that it is done",
        "drafted": True,
        "opportunity": None,
        "opportunity_title": None,
        "value_at_stake": None,
        "confidence": None,
        "effort": None,
        "score": None,
        "rank": rank,
        "release": release,
        "evidence": [],
    }
    return StoryCard(**(values | fields))


@pytest.fixture(scope="module")
def story_map() -> StoryMap:
    return StoryMap(
        journey="tenancy",
        journey_name="Tenancy",
        backbone=[
            BackboneStage(
                id="apply",
                name="Apply stage",
                steps=[
                    BackboneStep(id="apply", name="Apply"),
                    BackboneStep(id="upload", name="Upload"),  # no story: no column
                ],
            ),
            BackboneStage(
                id="decide", name="Decide stage", steps=[BackboneStep(id="decide", name="Decide")]
            ),
        ],
        stories=[
            _card("c1", "apply", 1, 1, value_at_stake=12_000.0, confidence=0.8, effort=3.0),
            _card("c2", "apply", 1, 2, drafted=False),
            _card("c3", "decide", 2, 3, value_at_stake=500.0, confidence=0.25),
            _card("c4", None, 2, 4),
        ],
        releases=[
            Release(number=1, stories=2, value_at_stake=12_000.0, share_of_value=0.96),
            Release(number=2, stories=2, value_at_stake=500.0, share_of_value=0.04),
        ],
        opportunities=[],
    )


def _cards(root) -> list:
    return [r for r in root.iter(f"{NS}rect") if r.get("rx") == "5"]


def test_a_column_per_step_with_stories_and_one_for_journey_wide_stories(story_map) -> None:
    root = parse(story_map_svg(story_map, embed_font=False))
    width, _ = size_of(root)
    assert width == LEFT + 3 * (COL_W + GAP) + PAD
    texts = [line.text for line in text_lines(root)]
    assert "Story map: Tenancy" in texts
    assert [t for t in texts if t.endswith(("stage", "a step"))] == [
        "Apply stage",
        "Decide stage",
        "Not tied to a step",
    ]
    assert {"Apply", "Decide", "(journey-wide)"} <= set(texts) and "Upload" not in texts
    assert not overlapping(text_lines(root))


def test_cards_stack_in_their_column_and_release_band(story_map) -> None:
    root = parse(story_map_svg(story_map, embed_font=False))
    cards = _cards(root)
    assert len(cards) == 4
    xy = [(float(c.get("x")), float(c.get("y"))) for c in cards]
    (x1, y1), (x2, y2), (x3, y3), (x4, y4) = xy
    assert x1 == x2 == LEFT and y2 - y1 == CARD_H + GAP  # c2 under c1, rank order
    assert x3 == LEFT + COL_W + GAP and x4 == LEFT + 2 * (COL_W + GAP)
    assert y3 == y4 == y1 + 2 * (CARD_H + GAP) + GAP  # release 2 starts under release 1's band
    assert [c.get("stroke") for c in cards] == [pal.MOMENT, pal.EXPECTED, pal.MOMENT, pal.MOMENT]
    texts = [line.text for line in text_lines(root)]
    assert "Release 1" in texts and "Release 2" in texts


def test_money_confidence_and_effort_are_written_on_the_cards(story_map) -> None:
    svg = story_map_svg(story_map, embed_font=False, currency="GBP")
    root = parse(svg)
    drawn = [line.text for line in text_lines(root)]
    footer = "GBP 12,000 a year · conf. 80% · effort 3"
    # one line at most: cut where it does not fit, whole in its tooltip
    assert any(footer.startswith(t.rstrip("…")) and t.endswith("…") for t in drawn)
    assert footer in tooltips(root)
    assert "GBP 500 a year · conf. 25%" in drawn  # no effort given: none written
    assert drawn.count("not measured · conf. –") == 2
    assert drawn[8:10] == ["96% of value, GBP", "12,000 a year"]  # the release's label
    assert "EUR" not in svg


def test_a_map_without_stories_still_draws_one_release() -> None:
    empty = StoryMap(
        journey="j", journey_name="Empty", backbone=[], stories=[], releases=[], opportunities=[]
    )
    root = parse(story_map_svg(empty))
    assert size_of(root)[0] == LEFT + COL_W + GAP + PAD
    texts = [line.text for line in text_lines(root)]
    assert "Release 1" in texts and not _cards(root)
    assert by_class(root, "text", "muted")  # the legend and the rules
    assert "@font-face" in story_map_svg(empty) and "@font-face" not in story_map_svg(
        empty, embed_font=False
    )
