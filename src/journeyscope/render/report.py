"""The report: one self-contained HTML file with every picture of a journey and its data.

Two halves, kept apart:

* :func:`compute_report` runs each analysis **once** (cases derived once, every analysis on
  the same materialised events) and keeps the typed results in a :class:`ReportData`, with
  how long each took and how many times it ran;
* :func:`report_html` is a pure function from that data to the HTML text: the journey map
  and service blueprint (SVG), the Sankey of paths, the process map, the funnel, the
  channel switches and the emotion curve (Plotly, with plotly.js and the typeface inlined:
  the file opens offline), the conformance tables, and the insight sections: moments of
  truth, silent customers and value (tables).

Every picture draws from the shared results: the journey map's overlay and the funnel read
the same conformance and funnel results the tables show.
"""

from __future__ import annotations

import html
import json
import math
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from importlib import metadata
from typing import Any, Final

import ibis
from jinja2 import Environment
from markupsafe import Markup
from plotly.offline import get_plotlyjs

from journeyscope.analytics.cases import ORDER_KEYS, CaseRule, with_cases
from journeyscope.analytics.channels import ChannelsQuery, ChannelsResult
from journeyscope.analytics.conformance import ConformanceReport, conformance
from journeyscope.analytics.emotion import EmotionQuery, EmotionResult
from journeyscope.analytics.engines import IbisEngine
from journeyscope.analytics.funnels import FunnelQuery, FunnelResult, FunnelStep
from journeyscope.analytics.moments import Moment, MomentsQuery, MomentsResult
from journeyscope.analytics.paths import PathsQuery, PathsResult
from journeyscope.analytics.process import DfgQuery, ProcessMap
from journeyscope.analytics.silent import Estimate, SilentQuery, SilentResult
from journeyscope.analytics.value import ValueQuery, ValueResult
from journeyscope.analytics.variants import VariantsQuery, VariantsResult
from journeyscope.definitions.graph import passable, successors
from journeyscope.definitions.models import Journey
from journeyscope.render import _template
from journeyscope.render._svg import FONT_FAMILY, fmt_duration, fmt_number, fmt_share, font_face_css
from journeyscope.render.blueprint import blueprint_svg
from journeyscope.render.charts import (
    ChannelSwitch,
    EmotionPoint,
    FunnelBar,
    channel_switch_figure,
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
#: Share of cases the paths section counts variants for.
COVERAGE: Final = 0.8
#: An assisted contact within this long of the previous one is a repeat contact.
REPEAT_WITHIN: Final = timedelta(days=7)
#: The silent-customer estimates need at least this many customers who answered NPS.
MIN_RESPONDENTS: Final = 50
#: Rows of the moments-of-truth and value tables.
TOP_MOMENTS: Final = 10
TOP_OPPORTUNITIES: Final = 10


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
    paths: PathsResult | None = None
    channels: ChannelsResult | None = None
    funnel: FunnelResult | None = None
    conformance: ConformanceReport | None = None
    step_medians: dict[str, float] = field(default_factory=dict)
    """Median seconds from the previous step, per design step (:func:`step_times`)."""
    emotion: EmotionResult | None = None
    moments: MomentsResult | None = None
    value: ValueResult | None = None
    silent: SilentResult | None = None
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


_DIGITAL_NAMES: Final = frozenset(
    {"web", "app", "internet", "online", "website", "portal", "mobile", "self-service"}
)
#: Channels where a person serves the customer. E-mail, letters and visits are left out:
#: in most logs they carry the organisation's own messages and appointments, not requests
#: for help.
_ASSISTED_NAMES: Final = frozenset(
    {"phone", "branch", "chat", "desk", "counter", "video", "contact centre", "call centre"}
)


def channel_kinds(channels: list[str]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Which of ``channels`` are digital (self-service) and which assisted, by their names.

    >>> channel_kinds(["web", "Internet", "Desk", "Post", "phone"])
    (('web', 'Internet'), ('Desk', 'phone'))
    """
    digital = tuple(c for c in channels if c.strip().lower() in _DIGITAL_NAMES)
    assisted = tuple(c for c in channels if c.strip().lower() in _ASSISTED_NAMES)
    return digital, assisted


def design_funnel(journey: Journey) -> list[FunnelStep]:
    """The designed main path as funnel steps: the shortest designed route from an entry to
    the outcome step (loops left out), without its optional or unobservable steps.

    Without an outcome step (or none reachable): the observable mandatory steps in listed
    order.
    """
    graph = successors(journey, loops=False)
    skip = passable(journey)
    route = _main_route(graph, journey.entry_steps(), journey.outcome.step)
    if not route:
        route = [s.id for s in journey.steps if not s.anytime]
    steps = [journey.step(sid) for sid in route if sid not in skip]
    return [FunnelStep(activities=tuple(s.activities), label=s.name) for s in steps]


def _main_route(graph: dict[str, list[str]], entries: list[str], goal: str | None) -> list[str]:
    """Shortest path from any entry to ``goal`` through ``graph`` (both ends kept)."""
    if goal is None:
        return []
    parent: dict[str, str | None] = {e: None for e in entries if e in graph}
    queue = list(parent)
    while queue:
        node = queue.pop(0)
        if node == goal:
            route = [node]
            while (before := parent[route[-1]]) is not None:
                route.append(before)
            return route[::-1]
        for nxt in graph.get(node, []):
            if nxt not in parent:
                parent[nxt] = node
                queue.append(nxt)
    return []


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
            data.variants = engine.run(
                VariantsQuery(case_rule=given, top=TOP_PATHS, coverage=COVERAGE)
            )
        with clock.analysis("loops"):
            data.paths = engine.run(
                PathsQuery(case_rule=given, steps=2, collapse_repeats=True, loops=True, top_edges=1)
            )
        names = [r["channel"] for r in data.overview.get("per_channel", [])]
        digital, assisted = channel_kinds(names)
        if names:
            with clock.analysis("channels"):
                data.channels = engine.run(
                    ChannelsQuery(
                        case_rule=given,
                        digital=digital,
                        assisted=assisted,
                        outcomes=tuple(journey.outcome_activities()) if journey else (),
                        repeat_within=REPEAT_WITHIN,
                    )
                )
        else:
            data.missing["channels"] = "the events carry no channel"
        steps = design_funnel(journey) if journey is not None else _funnel_from(data.variants)
        if len(steps) >= 2:
            window = journey.outcome.within if journey is not None else None
            with clock.analysis("funnel"):
                data.funnel = engine.run(
                    FunnelQuery(case_rule=given, steps=tuple(steps), window=window, dropped_limit=0)
                )
        else:
            data.missing["funnel"] = "fewer than two steps to make a funnel of"
        if journey is not None:
            with clock.analysis("conformance"):
                data.conformance = conformance(scoped, journey, given).collect()
            with clock.analysis("step times"):
                rows = step_times(scoped, journey).to_pyarrow().to_pylist()
                data.step_medians = {
                    r["step"]: float(r["median_seconds"])
                    for r in rows
                    if r["median_seconds"] is not None
                }
            adjust = ("segment",) if _has_property(scoped, "segment") else ()
            with clock.analysis("moments"):
                data.moments = engine.run(
                    MomentsQuery(case_rule=given, journey=journey, adjust=adjust)
                )
            with clock.analysis("emotion"):
                data.emotion = engine.run(EmotionQuery(case_rule=given, journey=journey))
            with clock.analysis("value"):
                data.value = engine.run(ValueQuery(case_rule=given, journey=journey))
        else:
            for key in ("journey-map", "blueprint", "conformance", "moments", "value"):
                data.missing[key] = "no designed journey given (--design FILE)"
        respondents = _respondents(scoped, "NPS")
        if respondents >= MIN_RESPONDENTS:
            with clock.analysis("silent"):
                data.silent = engine.run(SilentQuery(case_rule=given))
        else:
            data.missing["silent"] = (
                f"{respondents:,} customers answered NPS: the estimates need at least "
                f"{MIN_RESPONDENTS}"
                if respondents
                else "no NPS answers in the data"
            )
    finally:
        scoped.release()
    return data


def _has_property(events: ibis.Table, key: str) -> bool:
    """Whether any event's properties hold ``key`` (a cheap look at the JSON text)."""
    hit = events.filter(events.properties.contains(json.dumps(key))).limit(1)
    return bool(hit.count().execute())


def _respondents(events: ibis.Table, survey: str) -> int:
    """Customers with at least one scored answer to ``survey``."""
    t = events.filter((events.survey_type == survey) & events.survey_score.notnull())
    return int(t.customer_id.nunique().execute())


def _overview(events: ibis.Table) -> dict[str, Any]:
    row: dict[str, Any] = (
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


def step_times(events: ibis.Table, journey: Journey) -> ibis.Table:
    """Median seconds into each designed step from the last event of the previous one.

    Events of the regular (not ``anytime``) steps, in case order; a step's visit starts at an
    event whose step differs from the event before it; the time is measured from that
    earlier event (the last one of the previous visit). One row per step: ``step``,
    ``median_seconds``, ``moves``.
    """
    steps = journey.activity_steps()
    regular = {s.id for s in journey.steps if not s.anytime}
    acts = [a for a, sid in steps.items() if sid in regular]
    table = ibis.memtable(
        {"activity": acts, "step": [steps[a] for a in acts]},
        schema={"activity": "string", "step": "string"},
    )
    t = events.filter(events.activity.isin(acts)).join(table, "activity")
    w = ibis.window(group_by=t.case_id, order_by=[t[k] for k in ORDER_KEYS])
    t = t.mutate(prev_step=t.step.lag().over(w), prev_ts=t.timestamp.lag().over(w))
    moved = t.filter(t.prev_step.notnull() & (t.prev_step != t.step))
    seconds = moved.timestamp.epoch_seconds() - moved.prev_ts.epoch_seconds()
    moved = moved.mutate(seconds=seconds)
    return moved.group_by("step").aggregate(
        median_seconds=moved.seconds.median(), moves=moved.count()
    )


# ---------------------------------------------------------------------- pictures from data


def overlay_of(data: ReportData) -> JourneyOverlay | None:
    """The journey map's actual overlay, from the shared conformance results."""
    report = data.conformance
    if report is None or data.journey is None:
        return None
    felt = {e.step: e for e in data.emotion.steps} if data.emotion is not None else {}
    steps: dict[str, StepActual] = {}
    for s in report.steps:
        limit = data.journey.step(s.id).time_limit if s.id in _ids(data.journey) else None
        e = felt.get(s.id)
        steps[s.id] = StepActual(
            cases=s.cases,
            drop_off=s.left_here / s.cases if s.cases else None,
            median_seconds=data.step_medians.get(s.id),
            felt_emotion=e.felt if e is not None else None,
            felt_n=e.n if e is not None and e.felt is not None else None,
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
    loops = data.paths.loops if data.paths is not None else None
    if loops is not None and loops.cases:
        body += Markup("<h3>Loops</h3>") + _cards(
            [
                (fmt_share(loops.share_cases_went_back), "of cases went back to an activity"),
                (fmt_share(loops.share_customers_went_back), "of customers went back"),
                (fmt_number(loops.ping_pong_cases), "cases bounced between channels"),
            ]
        )
        tables = Markup("")
        if loops.back_edges:
            tables += _table(
                ["went back from", "to", "times", "cases"],
                [
                    [e.source, e.target, f"{e.count:,}", f"{e.cases:,}"]
                    for e in loops.back_edges[:8]
                ],
                {2, 3},
            )
        if loops.rework:
            tables += _table(
                ["done again", "cases", "extra times"],
                [[r.activity, f"{r.cases:,}", f"{r.repeats:,}"] for r in loops.rework[:8]],
                {1, 2},
            )
        body += Markup('<div class="tables">') + tables + Markup("</div>")
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
    if loops is not None:
        notes.append(loops.semantics)
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
    source = (
        "the designed main path (entry to outcome, optional steps left out)"
        if data.journey is not None
        else "the most frequent path"
    )
    return _Section(
        "funnel",
        SECTIONS["funnel"],
        lead,
        body,
        [f"Steps: {source}. {f.semantics.description}"],
    )


def _channels_section(data: ReportData) -> _Section:
    ch = data.channels
    if ch is None:
        why = data.missing.get("channels", "no channel analysis")
        return _Section("channels", SECTIONS["channels"], body=_missing(why))
    switching = [s for s in ch.switches if s.source != s.target]
    d = ch.digital
    cards = [
        (
            fmt_share(d.cases_switching_channel / d.cases) if d.cases else "–",
            "cases that switched channel",
        ),
        (fmt_share(d.digital_completion), "completed without an assisted contact"),
        (
            fmt_share(d.digital_completion_at_first_contact),
            "of those starting digitally, stayed digital",
        ),
        (
            fmt_share(ch.repeats.repeat_rate),
            f"assisted contacts repeated within {ch.repeats.within}",
        ),
    ]
    body = _cards(cards)
    if switching:
        figure = channel_switch_figure(
            [ChannelSwitch(s.source, s.target, s.transitions) for s in switching]
        )
        body += _figure("channel-switches", figure, label="Heat map of channel switches")
    else:
        body += _missing("No case changes channel between consecutive events.")
    if ch.repeats.by_channel:
        body += _table(
            ["assisted channel", "contacts", "repeats", "repeat rate"],
            [
                [r.channel, f"{r.contacts:,}", f"{r.repeats:,}", fmt_share(r.repeat_rate)]
                for r in ch.repeats.by_channel
            ],
            {1, 2, 3},
        )
    lead = (
        "Where customers move from one channel to the next (rows: from, columns: to), and "
        "how much of the journey they can finish on their own."
    )
    kinds = (
        f"Digital channels: {', '.join(ch.digital_channels) or 'none found'}; assisted: "
        f"{', '.join(ch.assisted_channels) or 'none found'} (recognised by name)."
    )
    return _Section("channels", SECTIONS["channels"], lead, body, [kinds, ch.semantics])


def _cards(cards: list[tuple[str, str]]) -> Markup:
    return (
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
            "Only the expected emotion is drawn: no sentiment or survey answer could be linked "
            "to a designed step."
        )
    if data.emotion is not None:
        notes.append(data.emotion.semantics)
    return _Section(
        "emotion",
        SECTIONS["emotion"],
        "How each step is designed to leave the customer feeling (−2 very negative … +2 very "
        "positive), and how it felt.",
        body,
        notes,
    )


def _interval(ci: tuple[float, float] | None, digits: int = 1) -> str:
    return "–" if ci is None else f"{ci[0]:+.{digits}f} … {ci[1]:+.{digits}f}"


def _signed(value: float | None, digits: int = 1) -> str:
    return "–" if value is None else f"{value:+.{digits}f}"


def _silent_section(data: ReportData) -> _Section:
    r = data.silent
    if r is None:
        why = data.missing.get("silent", "no silent-customer analysis")
        return _Section("silent", SECTIONS["silent"], body=_missing(why))
    metric = r.metric.split(":")[0].upper()

    def row(name: str, e: Estimate, mean: Estimate, how: str) -> list[Any]:
        return [name, _signed(e.value), _interval(e.ci), _signed(mean.value, 2), how]

    rows = [
        row("naive", r.naive.metric, r.naive.mean_score, "the respondents only"),
        row(
            "doubly robust",
            r.doubly_robust.metric,
            r.doubly_robust.mean_score,
            "every customer: predicted from the journey, weighted by who answers",
        ),
        row(
            "corrected",
            r.corrected.metric,
            r.corrected.mean_score,
            "every customer: allows the score itself to change who answers",
        ),
    ]
    if r.truth is not None:
        rows.append(
            [
                "truth",
                _signed(r.truth.metric),
                "–",
                _signed(r.truth.mean_score, 2),
                f"known for {r.truth.customers:,} customers (synthetic data)",
            ]
        )
    body = _table(
        ["estimate", metric, "interval", "mean score", "who it speaks for"], rows, {1, 2, 3}
    )
    lines = [
        f"Response rate: {fmt_share(r.response_rate)} ({r.respondents:,} of "
        f"{r.customers:,} customers answered {r.survey})."
    ]
    sel = r.selection
    if sel is not None:
        low, high = (math.exp(g) for g in sel.gamma_ci)
        lines.append(
            f"Odds of answering per point of score: × {sel.odds_ratio_per_point:.2f} "
            f"(interval {low:.2f} … {high:.2f})"
            + (
                "."
                if sel.used
                else "; the answering model did not converge, so corrected = doubly robust."
            )
        )
    q = r.quality
    if q is not None:
        auc = "" if q.propensity_auc is None else f"; who answers: AUC {q.propensity_auc:.2f}"
        lines.append(
            f"Cross-validated on the respondents ({q.folds} folds): score error {q.score_mae:.2f} "
            f"against {q.score_mae_baseline:.2f} without the model (R² {q.score_r2:.2f}); "
            f"{round(q.interval_level * 100)}% intervals cover "
            f"{fmt_share(q.interval_coverage)}{auc}."
        )
    body += Markup("").join(Markup(f'<p class="note">{html.escape(t)}</p>') for t in lines)
    lead = (
        f"{metric} from the {fmt_share(r.response_rate)} who answered, and estimated for every "
        f"customer: the silent ones are predicted from their journeys."
    )
    return _Section(
        "silent",
        SECTIONS["silent"],
        lead,
        body,
        [f"Assumptions: {r.assumptions}.", r.semantics],
    )


def _moment_rows(moments: list[Moment], names: Mapping[str, str]) -> list[list[Any]]:
    return [
        [
            i,
            m.candidate,
            names.get(m.step, m.step) if m.step else "–",
            f"{m.cases_with:,}",
            _signed(m.effect, 2),
            _interval(m.ci, 2),
            f"{m.q:.2g}",
            "yes" if m.significant else "no",
        ]
        for i, m in enumerate(moments, 1)
    ]


_MOMENT_HEADERS: Final = [
    "#",
    "experience",
    "step",
    "cases",
    "effect",
    "interval",
    "q",
    "significant",
]


def _moments_section(data: ReportData) -> _Section:
    m = data.moments
    if m is None:
        why = data.missing.get("moments", "no moments-of-truth analysis")
        return _Section("moments", SECTIONS["moments"], body=_missing(why))
    if not m.cases:
        why = f"no case has an outcome to test against ({m.outcome})"
        return _Section("moments", SECTIONS["moments"], body=_missing(why))
    names = {s.id: s.name for s in data.journey.steps} if data.journey is not None else {}
    mean = "" if m.outcome_mean is None else f"; mean {m.outcome_mean:.2f}"
    lead = (
        f"Which experiences go with a better or worse outcome: {m.candidates_tested:,} tested on "
        f"{m.cases:,} cases, {m.significant:,} significant. Outcome: {m.outcome}{mean}. "
        f"Adjusted for {', '.join(m.adjusted_for) or 'nothing'}."
    )
    if m.moments:
        body = _table(
            _MOMENT_HEADERS, _moment_rows(m.moments[:TOP_MOMENTS], names), {0, 3, 4, 5, 6}
        )
    else:
        body = _missing("No experience was seen in enough cases to test.")
    body += Markup("<h3>Designed moments of truth</h3>")
    if m.designed:
        body += _table(
            ["step", "verdict", "evidence"],
            [[d.name, d.verdict, "; ".join(d.evidence) or "–"] for d in m.designed],
        )
    else:
        body += _missing("The design marks no step as a moment of truth.")
    body += Markup("<h3>Surprises</h3>")
    if m.surprises:
        body += Markup(
            '<p class="note">Significant experiences at steps the design does not mark as a '
            "moment of truth.</p>"
        )
        body += _table(
            _MOMENT_HEADERS, _moment_rows(m.surprises[:TOP_MOMENTS], names), {0, 3, 4, 5, 6}
        )
    else:
        body += _missing("No significant experience outside the designed moments of truth.")
    return _Section(
        "moments",
        SECTIONS["moments"],
        lead,
        body,
        [f"Assumptions: {m.assumptions}.", m.semantics],
    )


def _money(value: float) -> str:
    return f"{value:,.0f}"


def _value_section(data: ReportData) -> _Section:
    v = data.value
    if v is None:
        why = data.missing.get("value", "no value analysis")
        return _Section("value", SECTIONS["value"], body=_missing(why))
    t = v.totals
    lead = (
        f"Cost to serve {_money(t.cost)} over {t.cases:,} cases; failure demand "
        f"{t.failure_demand_contacts:,} contacts costing {_money(t.failure_demand_cost)}."
    )
    if v.opportunities:
        body = _table(
            ["#", "step", "cases reaching it", "failed", "cost per failure", "worth fixing"],
            [
                [
                    o.rank,
                    o.name,
                    f"{o.volume:,}",
                    fmt_share(o.gap),
                    f"{o.impact:,.2f}",
                    _money(o.value),
                ]
                for o in v.opportunities[:TOP_OPPORTUNITIES]
            ],
            {0, 2, 3, 4, 5},
        )
    else:
        body = _missing("No step has failures: nothing to rank.")
    notes = [
        "Worth fixing = cases reaching the step × share that failed there × what a failure "
        "costs (failure-demand contacts plus lost outcome value).",
        f"Cost: {v.cost_rule}.",
        v.semantics,
    ]
    return _Section("value", SECTIONS["value"], lead, body, notes)


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
    sections += [_moments_section(data), _silent_section(data), _value_section(data)]
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
