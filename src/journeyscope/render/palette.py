"""Colours that colour-blind readers can tell apart: Okabe–Ito for categories, viridis and
single-hue ramps for quantities, blue ↔ vermillion for emotion.

Colour never carries meaning alone: every picture also writes the value, the channel's name
or a marker shape next to it.

>>> channel_colour("web") == channel_colour("web")
True
>>> emotion_colour(-2), emotion_colour(2)
('#D55E00', '#0072B2')
"""

from __future__ import annotations

from typing import Final

#: Okabe & Ito (2008), "Color Universal Design": eight colours distinguishable with the
#: common forms of colour blindness.
OKABE_ITO: Final[dict[str, str]] = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "bluish_green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish_purple": "#CC79A7",
}

#: Category order: strongest contrast on white first (yellow last: weak on white).
CATEGORICAL: Final[tuple[str, ...]] = (
    "#0072B2",
    "#E69F00",
    "#009E73",
    "#CC79A7",
    "#56B4E9",
    "#D55E00",
    "#000000",
    "#F0E442",
)

#: Channels the product knows, each with a fixed colour so every picture agrees.
_CHANNELS: Final[dict[str, str]] = {
    "web": "#0072B2",
    "app": "#56B4E9",
    "phone": "#D55E00",
    "branch": "#E69F00",
    "email": "#009E73",
    "e-mail": "#009E73",
    "letter": "#CC79A7",
    "chat": "#F0E442",
    "field visit": "#000000",
}

#: Viridis, 9 stops (perceptually uniform, readable in grey and by colour-blind readers).
VIRIDIS: Final[tuple[str, ...]] = (
    "#440154",
    "#472D7B",
    "#3B528B",
    "#2C728E",
    "#21918C",
    "#28AE80",
    "#5EC962",
    "#ADDC30",
    "#FDE725",
)

#: Single-hue ramps (light -> dark) for node fills: frequency in blue, time in orange.
BLUES: Final[tuple[str, ...]] = ("#EFF5FB", "#C6DBEF", "#9ECAE1", "#6BAED6", "#3182BD", "#08519C")
ORANGES: Final[tuple[str, ...]] = ("#FEF0E1", "#FDD0A2", "#FDAE6B", "#F16913", "#D94801", "#8C2D04")

#: Emotion -2 ... +2: vermillion (negative) through grey to blue (positive).
EMOTION: Final[dict[int, str]] = {
    -2: "#D55E00",
    -1: "#E69F00",
    0: "#8C8C8C",
    1: "#56B4E9",
    2: "#0072B2",
}

INK: Final = "#1F2328"  # text
MUTED: Final = "#57606A"  # secondary text
RULE: Final = "#D0D7DE"  # grid lines and borders
PANEL: Final = "#F6F8FA"  # lane backgrounds
EXPECTED: Final = "#0072B2"  # expected (designed) series
ACTUAL: Final = "#D55E00"  # actual (felt, measured) series
LOOP: Final = "#D55E00"  # back-flows and loops
MOMENT: Final = "#CC79A7"  # moments of truth


def channel_colour(name: str) -> str:
    """The colour of a channel: fixed for known channels, stable for any other name."""
    key = name.strip().lower()
    if key in _CHANNELS:
        return _CHANNELS[key]
    return CATEGORICAL[sum(key.encode()) % len(CATEGORICAL)]


def luminance(colour: str) -> float:
    """WCAG's relative luminance of a ``#RRGGBB`` colour (0 black .. 1 white)."""
    r, g, b = (int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5))

    def lin(c: float) -> float:
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b)


def contrast(a: str, b: str) -> float:
    """WCAG's contrast ratio of two ``#RRGGBB`` colours (1 .. 21)."""
    hi, lo = sorted((luminance(a), luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def text_on(fill: str) -> str:
    """Ink or white, whichever has the higher contrast on ``fill`` (a ``#RRGGBB`` colour)."""
    return INK if contrast(fill, INK) >= contrast(fill, "#FFFFFF") else "#FFFFFF"


def ramp(colours: tuple[str, ...], t: float) -> str:
    """The colour at ``t`` in 0..1 along ``colours`` (nearest stop)."""
    t = min(max(t, 0.0), 1.0)
    return colours[round(t * (len(colours) - 1))]


def emotion_colour(value: float) -> str:
    """The colour of an emotion score, rounded to the nearest of -2 ... +2."""
    return EMOTION[max(-2, min(2, round(value)))]
