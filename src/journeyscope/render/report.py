"""The report: one self-contained HTML file with every picture of a journey and its data.

Two halves, kept apart:

* :func:`compute_report` runs each analysis **once** (cases derived once, every analysis on
  the same materialised events) and keeps the typed results in a :class:`ReportData`, with
  how long each took and how many times it ran;
* :func:`report_html` is a pure function from that data to the HTML text: the journey map
  and service blueprint (SVG), the Sankey of paths, the process map, the funnel, the
  channel switches and the emotion curve (Plotly, with plotly.js and the typeface inlined:
  the file opens offline), the conformance tables, and the insight sections whose analyses
  exist.

Every picture draws from the shared results: the journey map's overlay and the funnel read
the same conformance and funnel results the tables show.
"""

from __future__ import annotations

import html
import json
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import metadata
from typing import Any, Final

import ibis
from jinja2 import Environment
from markupsafe import Markup
from plotly.offline import get_plotlyjs

from journeyscope.analytics.cases import CaseRule, with_cases
from journeyscope.analytics.conformance import Conformance, ConformanceReport, conformance
from journeyscope.analytics.engines import IbisEngine
from journeyscope.analytics.funnels import FunnelQuery, FunnelResult, FunnelStep
from journeyscope.analytics.process import DfgQuery, ProcessMap
from journeyscope.analytics.variants import VariantsQuery, VariantsResult
from journeyscope.definitions.models import Journey
from journeyscope.render import _template
from journeyscope.render._svg import FONT_FAMILY, fmt_duration, fmt_number, fmt_share, font_face_css
from journeyscope.render.blueprint import blueprint_svg
from journeyscope.render.charts import (
    EmotionPoint,
    FunnelBar,
    emotion_figure,
    funnel_figure,
)
from journeyscope.render.journey_map import journey_map_svg
from journeyscope.render.overlay import JourneyOverlay, StepActual
from journeyscope.render.process_map import Activity, Move, ProcessGraph, process_map_svg
from journeyscope.render.sankey import PathCount, sankey_figure

#: Every section the report can hold, in page order: id -> title.
SECTIONS: Final[dict[str, str]] = {
    "overview": "Overview",
    "journey-map": "Journey map",
    "blueprint": "Service blueprint",
    "paths": "Paths",
    "process-map": "Process map",
    "funnel": "Funnel",
    "channels": "Channels",
    "conformance": "Conformance",
    "emotion": "Emotion",
    "moments": "Moments of truth",
    "silent": "Silent customers",
    "value": "Value",
}

#: How many of the most frequent paths the Sankey draws.
TOP_PATHS: Final = 30


# ------------------------------------------------------------------------------ the data


@dataclass
class ReportData:
    """Everything the report shows, computed once. ``None``: not computed (no design, or
    the analysis is not available)."""

    title: str
    journey: Journey | None
    case_rule: str
    source: str
    overview: dict[str, Any]
    process: ProcessMap | None = None
    variants: VariantsResult | None = None
    funnel: FunnelResult | None = None
    conformance: ConformanceReport | None = None
    step_medians: dict[str, float] = field(default_factory=dict)
    """Median seconds from the previous step, per design step (from the conformance moves)."""
    insights: dict[str, Any] = field(default_factory=dict)
    missing: dict[str, str] = field(default_factory=dict)
    """Sections left out, and why."""
    seconds: dict[str, float] = field(default_factory=dict)
    """Wall time of each analysis."""
    runs: dict[str, int] = field(default_factory=dict)
    """How many times each analysis ran (1 each: the results are shared)."""
    generated_at: str = ""


class _Clock:
    def __init__(self, data: ReportData) -> None:
        self.data = data

    @contextmanager
    def analysis(self, name: str) -> Iterator[None]:
        started = time.perf_counter()
        try:
            yield
        finally:
            self.data.seconds[name] = self.data.seconds.get(name, 0.0) + (
                time.perf_counter() - started
            )
            self.data.runs[name] = self.data.runs.get(name, 0) + 1


def _scope(events: ibis.Table, journey: Journey | None, rule: CaseRule) -> ibis.Table:
    """Events with ``case_id`` set by ``rule``; with a design, only the cases it covers."""
    cased = with_cases(events, rule)
    if journey is not None:
        acts = [a for s in journey.steps if not s.anytime for a in s.activities]
        if acts:
            hit = cased.filter(cased.activity.isin(acts)).select("case").distinct()
            cased = cased.filter(cased.case.isin(hit.case))
    return cased.mutate(case_id=cased.case).drop("case")


def design_funnel(journey: Journey) -> list[FunnelStep]:
    """The designed journey as funnel steps: the regular, observable steps in design order,
    leading and trailing optional steps left out, optional steps in between marked so."""
    steps = [s for s in journey.steps if s.activities and not s.anytime]
    while steps and steps[0].optional:
        steps.pop(0)
    while steps and steps[-1].optional:
        steps.pop()
    return [
        FunnelStep(activities=tuple(s.activities), optional=s.optional, label=s.name) for s in steps
    ]


def compute_report(
    events: ibis.Table,
    journey: Journey | None = None,
    *,
    rule: CaseRule | None = None,
    title: str | None = None,
    source: str = "",
) -> ReportData:
    """Run every analysis the report needs, once each, on ``events``.

    Cases are derived once (``rule``; default: the data's case ids) and, with a design,
    limited to the cases it covers; the result is materialised and every analysis reads it.
    """
    rule = rule or CaseRule.given()
    data = ReportData(
        title=title or (f"Journey report: {journey.name}" if journey else "Journey report"),
        journey=journey,
        case_rule=rule.describe(),
        source=source,
        overview={},
        generated_at=datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
    )
    clock = _Clock(data)
    with clock.analysis("cases"):
        scoped = _scope(events, journey, rule).cache()
    try:
        given = CaseRule.given()
        engine = IbisEngine(scoped)
        with clock.analysis("overview"):
            data.overview = _overview(scoped)
        with clock.analysis("process map"):
            data.process = engine.run(DfgQuery(case_rule=given))
        with clock.analysis("variants"):
            data.variants = engine.run(VariantsQuery(case_rule=given, top=TOP_PATHS))
        steps = design_funnel(journey) if journey is not None else _funnel_from(data.variants)
        if len(steps) >= 2:
            window = journey.outcome.within if journey is not None else None
            with clock.analysis("funnel"):
                data.funnel = engine.run(
                    FunnelQuery(case_rule=given, steps=tuple(steps), window=window)
                )
        else:
            data.missing["funnel"] = "fewer than two steps to make a funnel of"
        if journey is not None:
            with clock.analysis("conformance"):
                data.conformance, data.step_medians = _conformance(scoped, journey, given)
        else:
            for key in ("journey-map", "blueprint", "conformance"):
                data.missing[key] = "no designed journey given (--design FILE)"
    finally:
        scoped.release()
    return data


def _overview(events: ibis.Table) -> dict[str, Any]:
    row = (
        events.aggregate(
            events=events.count(),
            cases=events.case_id.nunique(),
            customers=events.customer_id.nunique(),
            activities=events.activity.nunique(),
            channels=events.channel.nunique(),
            first=events.timestamp.min(),
            last=events.timestamp.max(),
        )
        .to_pyarrow()
        .to_pylist()[0]
    )
    with_channel = events.filter(events.channel.notnull())
    per_channel = (
        with_channel.group_by("channel")
        .aggregate(cases=with_channel.case_id.nunique(), events=with_channel.count())
        .order_by([ibis.desc("cases"), "channel"])
        .to_pyarrow()
        .to_pylist()
    )
    row["per_channel"] = per_channel
    for key in ("first", "last"):
        if row[key] is not None:
            row[key] = row[key].strftime("%Y-%m-%d")
    return row


def _funnel_from(variants: VariantsResult | None) -> list[FunnelStep]:
    """Without a design: the most frequent path's activities (first visits, at most 8)."""
    if variants is None or not variants.top:
        return []
    seen = list(dict.fromkeys(variants.top[0].activities))[:8]
    return [FunnelStep(activities=(a,)) for a in seen]


def _conformance(
    events: ibis.Table, journey: Journey, rule: CaseRule
) -> tuple[ConformanceReport, dict[str, float]]:
    lazy = conformance(events, journey, rule)
    with lazy.moves.cache() as moves, lazy.info.cache() as info:
        result = Conformance(journey, rule, moves, info).collect()
        step_moves = moves.filter((moves.kind == "move") & moves.elapsed_seconds.notnull())
        medians = (
            step_moves.group_by(step=step_moves.to_step)
            .aggregate(median=step_moves.elapsed_seconds.median())
            .to_pyarrow()
            .to_pylist()
        )
    return result, {r["step"]: float(r["median"]) for r in medians if r["median"] is not None}


# ---------------------------------------------------------------------- pictures from data


def overlay_of(data: ReportData) -> JourneyOverlay | None:
    """The journey map's actual overlay, from the shared conformance results."""
    report = data.conformance
    if report is None or data.journey is None:
        return None
    steps: dict[str, StepActual] = {}
    for s in report.steps:
        limit = data.journey.step(s.id).time_limit if s.id in _ids(data.journey) else None
        steps[s.id] = StepActual(
            cases=s.cases,
            drop_off=s.left_here / s.cases if s.cases else None,
            median_seconds=data.step_medians.get(s.id),
            conformance=(s.visits - s.arrived_off_path) / s.visits if s.visits else None,
            late=s.late / s.visits if s.visits and limit is not None else None,
        )
    return JourneyOverlay(
        steps=steps,
        cases=report.cases,
        reached_outcome=report.reached_outcome,
        label=f"{fmt_number(report.cases)} cases",
    )


def _ids(journey: Journey) -> set[str]:
    return {s.id for s in journey.steps}


def process_graph(result: ProcessMap) -> ProcessGraph:
    """The process map result as the process-map picture's input."""
    moves = [Move(e.source, e.target, e.count, e.median_seconds) for e in result.edges]
    moves += [Move(None, a, n) for a, n in result.start.items()]
    moves += [Move(a, None, n) for a, n in result.end.items()]
    return ProcessGraph(
        nodes=tuple(Activity(a.activity, a.events, a.cases) for a in result.activities),
        edges=tuple(moves),
        cases=result.cases,
    )


# ------------------------------------------------------------------------------ the page


@dataclass
class _Section:
    id: str
    title: str
    lead: str = ""
    body: Markup = field(default_factory=lambda: Markup(""))
    notes: list[str] = field(default_factory=list)


def _figure(chart_id: str, figure: Mapping[str, Any], *, label: str) -> Markup:
    """A Plotly chart: a sized box and its figure as JSON (drawn by the page's script).

    A figure with a fixed width scrolls sideways inside its frame instead of squeezing.
    """
    payload = json.dumps(figure, separators=(",", ":")).replace("</", "<\\/")
    layout = figure.get("layout", {})
    size = f"height:{int(layout.get('height', 450))}px;"
    if "width" in layout:
        size += f"width:{int(layout['width'])}px;"
    return Markup(
        f'<figure class="picture" data-picture="{chart_id}"><div class="picture-scroll">'
        f'<div class="chart" id="{chart_id}" style="{size}" role="img" '
        f'aria-label="{html.escape(label)}"></div></div>'
        f'<script type="application/json" data-figure="{chart_id}">{payload}</script></figure>'
    )


def _svg(picture_id: str, svg: str) -> Markup:
    return Markup(
        f'<figure class="picture" data-picture="{picture_id}">'
        f'<div class="picture-scroll">{svg}</div></figure>'
    )


def _missing(why: str) -> Markup:
    return Markup(f'<div class="missing">{html.escape(why)}</div>')


def _table(headers: list[str], rows: list[list[Any]], numeric: set[int] | None = None) -> Markup:
    numeric = numeric or set()
    head = "".join(
        f"<th{' class=num' if i in numeric else ''}>{html.escape(h)}</th>"
        for i, h in enumerate(headers)
    )
    body = "".join(
        "<tr>"
        + "".join(
            f"<td{' class=num' if i in numeric else ''}>{html.escape(str(v))}</td>"
            for i, v in enumerate(row)
        )
        + "</tr>"
        for row in rows
    )
    return Markup(
        f'<table class="data"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'
    )


def _overview_section(data: ReportData) -> _Section:
    o = data.overview
    cards = [
        (fmt_number(o.get("cases") or 0), "cases"),
        (fmt_number(o.get("events") or 0), "events"),
        (fmt_number(o.get("customers") or 0), "customers"),
        (fmt_number(o.get("activities") or 0), "activities"),
        (fmt_number(o.get("channels") or 0), "channels"),
        (str(o.get("first") or "–"), "first event"),
        (str(o.get("last") or "–"), "last event"),
    ]
    c = data.conformance
    if c is not None and c.cases:
        cards += [
            (fmt_share(c.reached_outcome / c.cases), "reached the outcome"),
            (f"{c.fitness.mean:.2f}", "mean fitness to the design (0–1)"),
        ]
    if data.funnel is not None:
        cards.append((fmt_share(data.funnel.conversion), "converted through the funnel"))
    body = (
        Markup('<div class="cards">')
        + Markup("").join(
            Markup(
                f'<div class="card"><div class="value">{html.escape(v)}</div>'
                f'<div class="label">{html.escape(k)}</div></div>'
            )
            for v, k in cards
        )
        + Markup("</div>")
    )
    j = data.journey
    lead = (
        f"{j.name}. Job to be done: {j.job_to_be_done.strip()} Outcome: {j.outcome.description}"
        if j is not None
        else "No designed journey was given: the report shows what the data alone says."
    )
    per_channel = o.get("per_channel") or []
    if per_channel:
        body += _table(
            ["channel", "cases using it", "events"],
            [[r["channel"], f"{r['cases']:,}", f"{r['events']:,}"] for r in per_channel[:12]],
            {1, 2},
        )
    notes = [f"Cases: {data.case_rule}."]
    if j is not None:
        notes.append(
            "Only the cases with at least one event of a designed step are included (other "
            "journeys in the same data are left out)."
        )
    if data.source:
        notes.append(f"Data: {data.source}.")
    return _Section("overview", SECTIONS["overview"], lead, body, notes)


def _journey_sections(data: ReportData) -> list[_Section]:
    j = data.journey
    if j is None:
        why = data.missing.get("journey-map", "no designed journey")
        return [
            _Section("journey-map", SECTIONS["journey-map"], body=_missing(why)),
            _Section("blueprint", SECTIONS["blueprint"], body=_missing(why)),
        ]
    overlay = overlay_of(data)
    notes = []
    if overlay is not None:
        notes.append(
            "Actual lanes: cases reaching each step (any event of its activities); drop-off = "
            "cases whose journey ended at the step without the outcome; time = median from the "
            "last event of the previous step; followed the design = share of arrivals at the "
            "step that the design allows (from the conformance replay)."
        )
    return [
        _Section(
            "journey-map",
            SECTIONS["journey-map"],
            "The designed journey, stage by stage, with what really happened drawn under it.",
            _svg("journey-map", journey_map_svg(j, overlay, embed_font=False)),
            notes,
        ),
        _Section(
            "blueprint",
            SECTIONS["blueprint"],
            "What the organisation does behind each step: above the line of visibility the "
            "customer sees it, below it they do not.",
            _svg("blueprint", blueprint_svg(j, embed_font=False)),
        ),
    ]


def _paths_section(data: ReportData) -> _Section:
    v = data.variants
    if v is None or not v.top:
        return _Section("paths", SECTIONS["paths"], body=_missing("no paths in the data"))
    outcome = set(data.journey.outcome_activities()) if data.journey is not None else set()
    shown = sum(t.cases for t in v.top)
    figure = sankey_figure(
        [PathCount(tuple(t.activities), t.cases) for t in v.top], outcome=outcome
    )
    body = _figure("paths-sankey", figure, label="Sankey diagram of the most frequent paths")
    rows = [
        [t.rank, " → ".join(t.activities), f"{t.cases:,}", fmt_share(t.share)] for t in v.top[:10]
    ]
    body += _table(["#", "path", "cases", "share"], rows, {0, 2, 3})
    lead = (
        f"How cases flow from their first to their last event: the {len(v.top)} most frequent "
        f"paths, {fmt_share(shown / v.cases) if v.cases else '–'} of the {fmt_number(v.cases)} "
        "cases. Vermillion flows go back to an activity already done (loops)."
    )
    notes = [
        f"{v.variants:,} different paths in all; {v.variants_for_coverage:,} of them cover "
        f"{fmt_share(v.coverage)} of the cases. Repeats of the same activity in a row are "
        "drawn once.",
        v.semantics,
    ]
    return _Section("paths", SECTIONS["paths"], lead, body, notes)


def _process_section(data: ReportData) -> _Section:
    p = data.process
    if p is None or not p.activities:
        return _Section("process-map", SECTIONS["process-map"], body=_missing("no activities"))
    graph = process_graph(p)
    freq = process_map_svg(graph, mode="frequency", embed_font=False)
    dur = process_map_svg(graph, mode="duration", embed_font=False)
    body = Markup(
        '<div class="modes">'
        '<input type="radio" name="pm-mode" id="pm-mode-frequency" checked>'
        '<label for="pm-mode-frequency">frequency</label>'
        '<input type="radio" name="pm-mode" id="pm-mode-duration">'
        '<label for="pm-mode-duration">duration</label>'
    )
    body += Markup('<div class="pm-frequency">') + _svg("process-map", freq) + Markup("</div>")
    body += Markup('<div class="pm-duration">') + _svg("process-map-duration", dur)
    body += Markup("</div></div>")
    lead = (
        "Every activity and the moves between them as customers really made them. Switch to "
        "duration to see where time goes."
    )
    return _Section("process-map", SECTIONS["process-map"], lead, body, [p.semantics])


def _funnel_section(data: ReportData) -> _Section:
    f = data.funnel
    if f is None:
        why = data.missing.get("funnel", "no funnel")
        return _Section("funnel", SECTIONS["funnel"], body=_missing(why))
    figure = funnel_figure([FunnelBar(s.name, s.cases) for s in f.steps])
    body = _figure("funnel-chart", figure, label="Funnel of the designed steps")
    t = f.time_to_convert
    lead = (
        f"{fmt_number(f.entered)} cases entered, {fmt_number(f.converted)} reached the last "
        f"step ({fmt_share(f.conversion)})"
        + (
            f"; median time to get there {fmt_duration(t.median_seconds)}."
            if t.median_seconds
            else "."
        )
    )
    rows = [
        [
            s.step,
            s.name,
            f"{s.cases:,}",
            fmt_share(s.conversion_from_previous),
            fmt_share(s.conversion_from_start),
            f"{s.dropped:,}",
        ]
        for s in f.steps
    ]
    body += _table(
        ["#", "step", "cases", "from previous", "from start", "dropped after"],
        rows,
        {0, 2, 3, 4, 5},
    )
    source = "the designed steps" if data.journey is not None else "the most frequent path"
    return _Section(
        "funnel",
        SECTIONS["funnel"],
        lead,
        body,
        [f"Steps: {source}. {f.semantics.description}"],
    )


def _channels_section(data: ReportData) -> _Section:
    why = data.missing.get("channels", "the channel analysis is not available in this version")
    return _Section("channels", SECTIONS["channels"], body=_missing(why))


def _conformance_section(data: ReportData) -> _Section:
    c = data.conformance
    if c is None:
        why = data.missing.get("conformance", "no designed journey")
        return _Section("conformance", SECTIONS["conformance"], body=_missing(why))
    f = c.fitness
    lead = (
        f"{fmt_number(c.cases)} cases replayed against the design: {fmt_share(f.perfect)} "
        f"followed it perfectly; mean fitness {f.mean:.2f} (median {f.p50:.2f}); "
        f"{fmt_share(c.reached_outcome / c.cases) if c.cases else '–'} reached the outcome."
    )
    rows = [
        [
            name.replace("_", " "),
            f"{c.deviations[name]:,}",
            f"{c.cases_with[name]:,}",
            c.definitions[name],
        ]
        for name in sorted(c.deviations, key=lambda k: -c.deviations[k])
    ]
    body = _table(["deviation", "times", "cases", "what it means"], rows, {1, 2})
    names = {s.id: s.name for s in data.journey.steps} if data.journey is not None else {}
    names["(end)"] = "left the journey"
    step_rows = [
        [
            s.name,
            f"{s.cases:,}",
            fmt_share((s.visits - s.arrived_off_path) / s.visits if s.visits else None),
            f"{s.late:,}",
            f"{s.left_here:,}",
            ", ".join(f"{names.get(i.to, i.to)} ({i.count:,})" for i in s.instead[:3]),
        ]
        for s in c.steps
    ]
    body += _table(
        [
            "step",
            "cases",
            "arrived as designed",
            "late",
            "left here",
            "most frequent moves off the path",
        ],
        step_rows,
        {1, 2, 3, 4},
    )
    return _Section("conformance", SECTIONS["conformance"], lead, body, [f"Cases: {c.case_rule}."])


def _emotion_section(data: ReportData) -> _Section | None:
    j = data.journey
    if j is None:
        return None
    overlay = overlay_of(data)
    points = [
        EmotionPoint(
            step=s.name,
            expected=None if s.emotion is None else float(s.emotion),
            felt=overlay.step(s.id).felt_emotion if overlay is not None else None,
            felt_n=overlay.step(s.id).felt_n if overlay is not None else None,
            moment_of_truth=s.moment_of_truth is not None,
        )
        for s in j.steps
        if not s.anytime
    ]
    if not any(p.expected is not None or p.felt is not None for p in points):
        return None
    figure = emotion_figure(points)
    body = _figure("emotion-curve", figure, label="Emotion curve, expected and felt")
    notes = []
    if not any(p.felt is not None for p in points):
        notes.append(
            "Only the expected emotion is drawn: the felt emotion needs the emotion analysis, "
            "which is not available in this version."
        )
    return _Section(
        "emotion",
        SECTIONS["emotion"],
        "How each step is designed to leave the customer feeling (−2 very negative … +2 very "
        "positive), and how it felt.",
        body,
        notes,
    )


def _timings(data: ReportData) -> Markup:
    rows = [[name, f"{sec:.2f} s", data.runs.get(name, 0)] for name, sec in data.seconds.items()]
    return _table(["analysis", "time", "runs"], rows, {1, 2})


SectionBuilder = Callable[[ReportData], "_Section | list[_Section] | None"]


def report_html(data: ReportData) -> str:
    """The report page for ``data`` (pure: no analysis runs here)."""
    sections: list[_Section] = [_overview_section(data)]
    sections += _journey_sections(data)
    sections += [_paths_section(data), _process_section(data), _funnel_section(data)]
    sections += [_channels_section(data), _conformance_section(data)]
    emotion = _emotion_section(data)
    if emotion is not None:
        sections.append(emotion)
    env = Environment(autoescape=True, trim_blocks=True, lstrip_blocks=True)
    page = env.from_string(_template.PAGE)
    try:
        version = metadata.version("journeyscope")
    except metadata.PackageNotFoundError:
        version = "dev"
    o = data.overview
    subtitle = (
        f"{fmt_number(o.get('cases') or 0)} cases, {fmt_number(o.get('events') or 0)} events"
        f"{', ' + str(o.get('first')) + ' to ' + str(o.get('last')) if o.get('first') else ''}"
        f" · generated {data.generated_at}"
    )
    footer = (
        f"journeyscope {version}. Each analysis ran once; every picture reads the same results. "
        "This file needs no network: its script and typeface are inside it. The typeface is "
        "DejaVu Sans (Bitstream Vera licence)."
    )
    return page.render(
        title=data.title,
        subtitle=subtitle,
        sections=sections,
        version=version,
        font_css=Markup(font_face_css()),
        font_family=Markup(FONT_FAMILY),
        css=Markup(_template.CSS),
        plotly_js=Markup(get_plotlyjs()),
        footer=footer,
        timings=_timings(data),
    )
