"""The user story map as an SVG: the journey's backbone across, stories down, releases as bands.

Columns are the steps that hold stories (stages above them, spanning their steps); each
release is a horizontal band across every column, labelled with its number, its share of the
measured value and the money at stake; inside a band, each column's stories stack in rank
order. A card shows the story (wrapped to three lines, the full text in its tooltip), the value
at stake a year and the confidence. Columns are 220 px wide and text is 12-13 px: legible on a
screen at 100% and on an A3 wall print of up to ten columns.
"""

from __future__ import annotations

from typing import Final

from journeyscope.analytics.story_map import BackboneStage, BackboneStep, StoryCard, StoryMap
from journeyscope.render import palette as pal
from journeyscope.render._svg import DEFAULT_CURRENCY, Svg, fmt_share
from journeyscope.render.backlog import money

CSS_CLASS: Final = "js-story-map"
_CSS: Final = (
    f".{CSS_CLASS} text{{fill:{pal.INK};}}"
    f".{CSS_CLASS} .muted{{fill:{pal.MUTED};}}"
    f".{CSS_CLASS} .on-dark{{fill:#FFFFFF;}}"
)
COL_W: Final = 220.0
GAP: Final = 12.0
LEFT: Final = 130.0
CARD_H: Final = 112.0
PAD: Final = 10.0
STAGE_H: Final = 34.0
STEP_H: Final = 46.0
TITLE_H: Final = 40.0


def story_map_svg(m: StoryMap, *, embed_font: bool = True, currency: str = DEFAULT_CURRENCY) -> str:
    """The story map of ``m`` as one SVG document (money in ``currency``)."""
    columns: list[tuple[BackboneStage | None, BackboneStep | None]] = [
        (stage, step)
        for stage in m.backbone
        for step in stage.steps
        if any(c.step == step.id for c in m.stories)
    ]
    loose = [c for c in m.stories if c.step is None]
    if loose:
        columns.append((None, None))
    releases = sorted({c.release for c in m.stories}) or [1]
    svg = Svg()
    width = LEFT + max(len(columns), 1) * (COL_W + GAP) + PAD
    svg.text(PAD, 26, f"Story map: {m.journey_name}", size=16, bold=True)
    y = TITLE_H
    # backbone: stages spanning their steps, then the steps
    x = LEFT
    spans: list[tuple[str, float, float]] = []
    for stage, _step in columns:
        name = stage.name if stage is not None else "Not tied to a step"
        if spans and spans[-1][0] == name:
            spans[-1] = (name, spans[-1][1], x + COL_W)
        else:
            spans.append((name, x, x + COL_W))
        x += COL_W + GAP
    for name, x0, x1 in spans:
        svg.rect(x0, y, x1 - x0, STAGE_H - 6, rx=4, fill=pal.EXPECTED)
        svg.text_block(
            x0 + 8,
            y + 6,
            name,
            width=x1 - x0 - 16,
            size=13,
            max_lines=1,
            bold=True,
            class_="on-dark",
        )
    y += STAGE_H
    for i, (_stage, step) in enumerate(columns):
        x0 = LEFT + i * (COL_W + GAP)
        svg.rect(x0, y, COL_W, STEP_H - 8, rx=4, fill=pal.PANEL, stroke=pal.RULE)
        svg.text_block(
            x0 + 8,
            y + 5,
            step.name if step is not None else "(journey-wide)",
            width=COL_W - 16,
            size=12,
            max_lines=2,
            bold=True,
        )
    y += STEP_H
    for number in releases:
        inside = [c for c in m.stories if c.release == number]
        rows = max(
            [sum(1 for c in inside if c.step == (s.id if s else None)) for _st, s in columns],
            default=1,
        )
        band_h = max(rows, 1) * (CARD_H + GAP) + GAP
        release = next((r for r in m.releases if r.number == number), None)
        svg.rect(0, y, width, band_h, fill="#FFFFFF" if number % 2 else pal.PANEL)
        svg.line(0, y, width, y, stroke=pal.RULE, stroke_dasharray="6 4")
        svg.text(PAD, y + 22, f"Release {number}", size=13, bold=True)
        if release is not None:
            svg.text_block(
                PAD,
                y + 30,
                f"{fmt_share(release.share_of_value)} of value, {money(release.value_at_stake, currency)}",
                width=LEFT - 2 * PAD,
                size=11,
                max_lines=3,
                class_="muted",
            )
        for i, (_stage, step) in enumerate(columns):
            x0 = LEFT + i * (COL_W + GAP)
            cards = [c for c in inside if c.step == (step.id if step else None)]
            for k, card in enumerate(cards):
                _card(svg, card, x0, y + GAP + k * (CARD_H + GAP), currency)
        y += band_h
    svg.rect(PAD, y + 12, 14, 10, rx=2, fill="#FFFDF2", stroke=pal.MOMENT)
    svg.text(PAD + 20, y + 21, "story drafted from an opportunity", size=11, class_="muted")
    svg.rect(PAD + 240, y + 12, 14, 10, rx=2, fill="#FFFDF2", stroke=pal.EXPECTED)
    svg.text(PAD + 260, y + 21, "story written in the design", size=11, class_="muted")
    y += 34
    for line in (f"Ranked by: {m.score_rule}", f"Releases: {m.slice_rule}."):
        y += svg.text_block(
            PAD, y, line, width=width - 2 * PAD, size=11, max_lines=3, class_="muted"
        )
    return svg.render(
        width,
        y + 12,
        title=f"Story map: {m.journey_name}",
        css=_CSS,
        embed_font=embed_font,
        class_=CSS_CLASS,
    )


def _card(svg: Svg, card: StoryCard, x: float, y: float, currency: str) -> None:
    edge = pal.MOMENT if card.drafted else pal.EXPECTED
    svg.rect(x, y, COL_W, CARD_H, rx=5, fill="#FFFDF2", stroke=edge, stroke_width=1.5)
    svg.text_block(x + 8, y + 6, card.text, width=COL_W - 16, size=12, max_lines=5)
    foot = f"{money(card.value_at_stake, currency)} · conf. {fmt_share(card.confidence)}"
    if card.effort is not None:
        foot += f" · effort {card.effort:g}"
    svg.text_block(
        x + 8, y + CARD_H - 18, foot, width=COL_W - 16, size=11, max_lines=1, class_="muted"
    )
