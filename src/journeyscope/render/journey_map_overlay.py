"""The journey map's overlay lanes: customers reaching each step, the drop-off there, the
median time from the previous step and the share of arrivals that followed the design."""

from __future__ import annotations

import math
from collections.abc import Callable

from journeyscope.definitions.models import Journey, Step, format_duration
from journeyscope.render import palette as pal
from journeyscope.render._grid import COL_W, MARGIN, PAD, SIZE, Cell, Column, lane
from journeyscope.render._svg import Svg, fmt_duration, fmt_number, fmt_share, line_height, wrap
from journeyscope.render.overlay import JourneyOverlay, StepActual


def _bar_cell(
    value: Callable[[StepActual, Step], tuple[float | None, str]], colour: str
) -> Callable[[JourneyOverlay], Cell]:
    """A cell with a bar (share 0..1) and a label; ``value`` -> (share, label)."""

    def make(overlay: JourneyOverlay) -> Cell:
        def draw(svg: Svg, column: Column, y: float) -> float:
            share, label = value(overlay.step(column.step.id), column.step)
            if not label:
                return 0.0
            x, w = column.x + PAD, COL_W - 2 * PAD
            if share is not None and not math.isnan(share):
                svg.rect(x, y, w, 8, fill="#E7ECF0", rx=2, class_="bar-track")
                svg.rect(
                    x,
                    y,
                    max(w * min(max(share, 0.0), 1.0), 1.0),
                    8,
                    fill=colour,
                    rx=2,
                    class_="bar",
                )
                top = y + 12
            else:
                top = y
            svg.text_block(x, top, label, width=w, size=SIZE, max_lines=2, class_="cell-text")
            return top - y + line_height(SIZE) * len(wrap(label, w, SIZE, max_lines=2)[0])

        return draw

    return make


def _reach(a: StepActual, s: Step, total: int | None) -> tuple[float | None, str]:
    if a.cases is None:
        return None, ""
    share = a.share_of(total)
    return (
        share,
        f"{fmt_number(a.cases)} cases" + (f" · {fmt_share(share)}" if share is not None else ""),
    )


def _drop(a: StepActual, s: Step) -> tuple[float | None, str]:
    if a.drop_off is None:
        return None, ""
    return a.drop_off, f"{fmt_share(a.drop_off)} left here"


def _time(a: StepActual, s: Step) -> tuple[float | None, str]:
    if a.median_seconds is None:
        return None, ""
    label = f"median {fmt_duration(a.median_seconds)}"
    if s.time_limit is not None:
        label += f" (limit {format_duration(s.time_limit)}"
        label += f", {fmt_share(a.late)} late)" if a.late is not None else ")"
    return None, label


def _conform(a: StepActual, s: Step) -> tuple[float | None, str]:
    if a.conformance is None:
        return None, ""
    return a.conformance, f"{fmt_share(a.conformance)} arrived as designed"


def overlay_lanes(
    svg: Svg, journey: Journey, columns: list[Column], y: float, overlay: JourneyOverlay
) -> float:
    svg.rect(
        MARGIN, y + 6, columns[-1].x + COL_W - MARGIN, 2, fill=pal.ACTUAL, class_="overlay-rule"
    )
    svg.text(
        MARGIN,
        y + 24,
        f"Actual journey: {overlay.label}",
        size=13,
        bold=True,
        class_="overlay-title",
    )
    y += 32
    lanes: list[tuple[str, str, Cell]] = [
        (
            "reach",
            "Cases reaching the step",
            _bar_cell(lambda a, s: _reach(a, s, overlay.cases), pal.EXPECTED)(overlay),
        ),
        ("drop_off", "Drop-off here", _bar_cell(_drop, pal.ACTUAL)(overlay)),
        ("time", "Time from the previous step", _bar_cell(_time, pal.MUTED)(overlay)),
        (
            "conformance",
            "Followed the design",
            _bar_cell(_conform, pal.OKABE_ITO["bluish_green"])(overlay),
        ),
    ]
    for key, label, cell in lanes:
        if any(cell(Svg(), c, 0.0) > 0 for c in columns):
            y = lane(svg, key, label, columns, y, cell)
    return y
