"""The report's HTML pieces, drawn by the Jinja templates in ``render/templates``.

Section builders (:mod:`~journeyscope.render.report_sections`,
:mod:`~journeyscope.render.report_insight`) compose these; the page itself is
``templates/report.html``. Every value is escaped by Jinja's autoescape.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from jinja2 import Environment, PackageLoader, Template
from markupsafe import Markup


@dataclass
class Section:
    """One section of the page: its anchor id, title, lead paragraph, body and notes.

    ``notes`` are sentences a reader reads under the section; ``technical`` holds the exact
    definitions the analyses state (their ``semantics``), folded away under "Exact
    definitions" so that formulas never stand in for an explanation."""

    id: str
    title: str
    lead: str = ""
    body: Markup = field(default_factory=lambda: Markup(""))
    notes: list[str] = field(default_factory=list)
    technical: list[str] = field(default_factory=list)


@cache
def environment() -> Environment:
    """The templates of the report (package data), HTML-escaped."""
    return Environment(
        loader=PackageLoader("journeyscope.render", "templates"),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def template(name: str) -> Template:
    return environment().get_template(name)


@cache
def _parts() -> Any:
    return template("report_parts.html").module


def figure(chart_id: str, plot: Mapping[str, Any], *, label: str) -> Markup:
    """A Plotly chart: a sized box and its figure as JSON (drawn by the page's script).

    A figure with a fixed width scrolls sideways inside its frame instead of squeezing.
    """
    payload = json.dumps(plot, separators=(",", ":")).replace("</", "<\\/")
    layout = plot.get("layout", {})
    size = f"height:{int(layout.get('height', 450))}px;"
    if "width" in layout:
        size += f"width:{int(layout['width'])}px;"
    return Markup(_parts().figure(chart_id, size, label, Markup(payload)))


def svg(picture_id: str, picture: str) -> Markup:
    """An SVG picture (already markup) in its scrolling frame."""
    return Markup(_parts().svg(picture_id, Markup(picture)))


def missing(why: str) -> Markup:
    """Why a section has nothing to show."""
    return Markup(_parts().missing(why))


def table(headers: list[str], rows: list[list[Any]], numeric: set[int] | None = None) -> Markup:
    """A data table; the columns whose index is in ``numeric`` are right-aligned; a missing
    value (``None``) is shown as a dash."""
    cells = [["–" if v is None else str(v) for v in r] for r in rows]
    return Markup(_parts().table(headers, cells, numeric or set()))


def cards(items: list[tuple[str, str]]) -> Markup:
    """Headline figures: ``(value, label)`` pairs."""
    return Markup(_parts().cards(items))


def modes(frequency: Markup, duration: Markup) -> Markup:
    """Two pictures of one process map with a frequency / duration switch."""
    return Markup(_parts().modes(frequency, duration))


def heading(text: str) -> Markup:
    """A sub-heading inside a section."""
    return Markup(_parts().heading(text))


def notes(lines: list[str]) -> Markup:
    """Small print: one paragraph per line."""
    return Markup(_parts().notes(lines))


def side_by_side(parts: list[Markup]) -> Markup:
    """Tables placed next to each other where the page is wide enough."""
    return Markup(_parts().side_by_side(parts))
