"""The report page: one self-contained HTML file with every picture of a journey and its data.

:func:`report_html` is a pure function from a :class:`ReportData` (computed once by
:func:`journeyscope.services.report.build_report`) and the time it is drawn (``now``,
injected) to the HTML text: the journey map and service blueprint (SVG), the Sankey of
paths, the process map, the funnel, the channel switches and the emotion curve (Plotly, with
plotly.js and the typeface inlined: the file opens offline), the conformance tables, and the
insight sections (moments of truth, silent customers, value). The page and its pieces are
Jinja templates in ``render/templates``; the sections are built in
:mod:`~journeyscope.render.report_sections` and :mod:`~journeyscope.render.report_insight`.

Every picture draws from the shared results: the journey map's overlay and the funnel read
the same conformance and funnel results the tables show.
"""

from __future__ import annotations

from datetime import UTC, datetime
from importlib import metadata

from markupsafe import Markup

from journeyscope.render import _report_markup as markup
from journeyscope.render._report_markup import Section
from journeyscope.render._svg import FONT_FAMILY, fmt_number, font_face_css
from journeyscope.render.report_attribution import attribution_section, retention_section
from journeyscope.render.report_data import SECTIONS, ReportData
from journeyscope.render.report_insight import (
    backlog_section,
    moments_section,
    silent_section,
    value_section,
)
from journeyscope.render.report_sections import (
    channels_section,
    conformance_section,
    emotion_section,
    funnel_section,
    journey_sections,
    lifecycle_section,
    overlay_of,
    overview_section,
    paths_section,
    process_graph,
    process_section,
)

__all__ = ["SECTIONS", "ReportData", "overlay_of", "process_graph", "report_html"]


def report_html(data: ReportData, *, now: datetime) -> str:
    """The report page for ``data``, stamped as generated at ``now`` (pure: no analysis
    runs and no clock is read here; the same arguments give the same text)."""
    sections: list[Section] = [overview_section(data)]
    sections += journey_sections(data)
    sections += [paths_section(data), process_section(data), funnel_section(data)]
    sections += [channels_section(data), conformance_section(data)]
    emotion = emotion_section(data)
    if emotion is not None:
        sections.append(emotion)
    sections += [moments_section(data), silent_section(data), value_section(data)]
    sections += [attribution_section(data), retention_section(data), lifecycle_section(data)]
    sections.append(backlog_section(data))
    try:
        version = metadata.version("journeyscope")
    except metadata.PackageNotFoundError:
        version = "dev"
    o = data.overview
    stamp = now.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
    subtitle = (
        f"{fmt_number(o.get('cases') or 0)} cases, {fmt_number(o.get('events') or 0)} events"
        f"{', ' + str(o.get('first')) + ' to ' + str(o.get('last')) if o.get('first') else ''}"
        f" · generated {stamp}"
    )
    footer = (
        f"journeyscope {version}. Each analysis ran once; every picture reads the same results. "
        "This file needs no network: its script and typeface are inside it. The typeface is "
        "DejaVu Sans (Bitstream Vera licence)."
    )
    from plotly.offline import get_plotlyjs

    return markup.template("report.html").render(
        title=data.title,
        subtitle=subtitle,
        sections=sections,
        version=version,
        font_css=Markup(font_face_css()),
        font_family=Markup(FONT_FAMILY),
        plotly_js=Markup(get_plotlyjs()),
        footer=footer,
        timings=_timings(data),
    )


def _timings(data: ReportData) -> Markup:
    rows = [[name, f"{sec:.2f} s", data.runs.get(name, 0)] for name, sec in data.seconds.items()]
    return markup.table(["analysis", "time", "runs"], rows, {1, 2})
