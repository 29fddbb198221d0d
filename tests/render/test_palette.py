"""The colours of every picture (render/palette.py): a channel keeps its colour across
pictures and runs, text is readable on any fill, ramps and emotions pick their stops."""

from __future__ import annotations

from journeyscope.render.palette import (
    CATEGORICAL,
    EMOTION,
    INK,
    channel_colour,
    emotion_colour,
    ramp,
    text_on,
)


def _contrast(a: str, b: str) -> float:
    def luminance(colour: str) -> float:
        def lin(c: float) -> float:
            return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

        r, g, b = (int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5))
        return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b)

    hi, lo = sorted((luminance(a), luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def test_a_channel_keeps_its_colour_whatever_its_spelling() -> None:
    assert channel_colour("Web") == channel_colour(" web ")
    assert channel_colour("carrier pigeon") == channel_colour("Carrier Pigeon")
    assert channel_colour("carrier pigeon") in CATEGORICAL
    assert channel_colour("web") != channel_colour("phone")


def test_text_on_every_fill_of_the_palette_is_readable() -> None:
    fills = [*CATEGORICAL, *EMOTION.values(), "#000000", "#FFFFFF", "#777777", "#FFFF00"]
    for fill in fills:
        text = text_on(fill)
        assert text in (INK, "#FFFFFF")
        # at least WCAG's 3:1 for large text and graphics (on mid-tone fills such as the
        # moment-of-truth pink, white gives 3.1:1 where ink would give 5.2:1)
        assert _contrast(fill, text) >= 3.0, f"{text} on {fill}"


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
