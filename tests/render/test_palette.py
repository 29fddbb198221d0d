"""The colours of every picture (render/palette.py): a channel keeps its colour across
pictures and runs, text is readable on any fill, ramps and emotions pick their stops."""

from __future__ import annotations

from journeyscope.render.palette import (
    CATEGORICAL,
    EMOTION,
    INK,
    channel_colour,
    contrast,
    emotion_colour,
    ramp,
    text_on,
)


def test_a_channel_keeps_its_colour_whatever_its_spelling() -> None:
    assert channel_colour("Web") == channel_colour(" web ")
    assert channel_colour("carrier pigeon") == channel_colour("Carrier Pigeon")
    assert channel_colour("carrier pigeon") in CATEGORICAL
    assert channel_colour("web") != channel_colour("phone")


def test_text_on_every_fill_of_the_palette_is_readable() -> None:
    fills = [*CATEGORICAL, *EMOTION.values(), "#000000", "#FFFFFF", "#777777", "#FFFF00"]
    for fill in fills:
        text = text_on(fill)
        other = "#FFFFFF" if text == INK else INK
        assert text in (INK, "#FFFFFF")
        # the better of the two (on the moment-of-truth pink #CC79A7 that is ink, 5.2:1,
        # not white, 3.1:1), and at least WCAG's 3:1 for large text and graphics
        assert contrast(fill, text) >= contrast(fill, other), f"{text} on {fill}"
        assert contrast(fill, text) >= 3.0, f"{text} on {fill}"


def test_contrast_is_wcag_s_ratio() -> None:
    assert round(contrast("#000000", "#FFFFFF"), 1) == 21.0
    assert contrast("#777777", "#777777") == 1.0
    assert round(contrast("#CC79A7", INK), 1) == 5.2
    assert round(contrast("#CC79A7", "#FFFFFF"), 1) == 3.1


def test_ramps_and_emotions_pick_their_stops() -> None:
    stops = ("#000001", "#000002", "#000003")
    assert [ramp(stops, t) for t in (-1, 0, 0.3, 0.5, 0.8, 1, 7)] == [
        "#000001",
        "#000001",
        "#000002",
        "#000002",
        "#000003",
        "#000003",
        "#000003",
    ]
    assert emotion_colour(-9) == EMOTION[-2] and emotion_colour(9) == EMOTION[2]
    assert emotion_colour(0.4) == EMOTION[0] and emotion_colour(1.6) == EMOTION[2]
