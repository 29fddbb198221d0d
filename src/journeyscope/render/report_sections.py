"""The report's sections about the journey itself: overview, journey map and blueprint,
paths, process map, funnel, channels, conformance and the emotion curve.

Each builder reads the shared results of a :class:`ReportData` and returns a
:class:`Section`; nothing here runs an analysis.
"""

from __future__ import annotations

import json
from typing import Any

from markupsafe import Markup

from journeyscope.analytics.process import ProcessMap
from journeyscope.definitions.models import Journey
from journeyscope.render import _report_markup as markup
from journeyscope.render._report_markup import Section
from journeyscope.render._svg import fmt_duration, fmt_number, fmt_share
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
from journeyscope.render.report_data import SECTIONS, ReportData
from journeyscope.render.sankey import PathCount, sankey_figure, scattered

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


def overview_section(data: ReportData) -> Section:
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
    body = markup.cards(cards)
    j = data.journey
    lead = (
        f"{j.name}. Job to be done: {j.job_to_be_done.strip()} Outcome: {j.outcome.description}"
        if j is not None
        else "No designed journey was given: the report shows what the data alone says."
    )
    per_channel = o.get("per_channel") or []
    if per_channel:
        body += markup.table(
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
    return Section("overview", SECTIONS["overview"], lead, body, notes)


def journey_sections(data: ReportData) -> list[Section]:
    j = data.journey
    if j is None:
        why = data.missing.get("journey-map", "no designed journey")
        return [
            Section("journey-map", SECTIONS["journey-map"], body=markup.missing(why)),
            Section("blueprint", SECTIONS["blueprint"], body=markup.missing(why)),
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
        Section(
            "journey-map",
            SECTIONS["journey-map"],
            "The designed journey, stage by stage, with what really happened drawn under it.",
            markup.svg("journey-map", journey_map_svg(j, overlay, embed_font=False)),
            notes,
        ),
        Section(
            "blueprint",
            SECTIONS["blueprint"],
            "What the organisation does behind each step: above the line of visibility the "
            "customer sees it, below it they do not.",
            markup.svg("blueprint", blueprint_svg(j, embed_font=False)),
        ),
    ]


def paths_section(data: ReportData) -> Section:
    v = data.variants
    if v is None or not v.top:
        return Section("paths", SECTIONS["paths"], body=markup.missing("no paths in the data"))
    outcome = set(data.journey.outcome_activities()) if data.journey is not None else set()
    shown = sum(t.cases for t in v.top)
    paths = [PathCount(tuple(t.activities), t.cases) for t in v.top]
    designed = (
        {a for s in data.journey.steps if not s.anytime for a in s.activities}
        if data.journey is not None
        else set()
    )
    hidden = [a for a in scattered(paths) if a not in designed]
    figure = sankey_figure(paths, outcome=outcome, hide=hidden)
    body = markup.figure("paths-sankey", figure, label="Sankey diagram of the most frequent paths")
    rows = [
        [t.rank, " → ".join(t.activities), f"{t.cases:,}", fmt_share(t.share)] for t in v.top[:10]
    ]
    body += markup.table(["#", "path", "cases", "share"], rows, {0, 2, 3})
    loops = data.paths.loops if data.paths is not None else None
    if loops is not None and loops.cases:
        body += markup.heading("Loops") + markup.cards(
            [
                (fmt_share(loops.share_cases_went_back), "of cases went back to an activity"),
                (fmt_share(loops.share_customers_went_back), "of customers went back"),
                (fmt_number(loops.ping_pong_cases), "cases bounced between channels"),
            ]
        )
        tables: list[Markup] = []
        if loops.back_edges:
            tables.append(
                markup.table(
                    ["went back from", "to", "times", "cases"],
                    [
                        [e.source, e.target, f"{e.count:,}", f"{e.cases:,}"]
                        for e in loops.back_edges[:8]
                    ],
                    {2, 3},
                )
            )
        if loops.rework:
            tables.append(
                markup.table(
                    ["done again", "cases", "extra times"],
                    [[r.activity, f"{r.cases:,}", f"{r.repeats:,}"] for r in loops.rework[:8]],
                    {1, 2},
                )
            )
        body += markup.side_by_side(tables)
    lead = (
        f"How cases flow from their first to their last event: the {len(v.top)} most frequent "
        f"paths, {fmt_share(shown / v.cases) if v.cases else '–'} of the {fmt_number(v.cases)} "
        "cases. A vermillion link marked ↺ is a case going back to an activity it had already "
        "done; it carries on from that activity's node."
        + (
            f" Not drawn, because they happen at many points of a journey and would repeat in "
            f"column after column: {', '.join(hidden)} (the table lists them)."
            if hidden
            else ""
        )
    )
    notes = [
        f"{v.variants:,} different paths in all; {v.variants_for_coverage:,} of them cover "
        f"{fmt_share(v.coverage)} of the cases. Repeats of the same activity in a row are "
        "drawn once.",
        "A path is everything one case did, in time order. Going back means doing again an "
        "activity the case had already done; bouncing between channels means moving to "
        "another channel and back again.",
    ]
    technical = [v.semantics] + ([loops.semantics] if loops is not None else [])
    return Section("paths", SECTIONS["paths"], lead, body, notes, technical)


def process_section(data: ReportData) -> Section:
    p = data.process
    if p is None or not p.activities:
        return Section("process-map", SECTIONS["process-map"], body=markup.missing("no activities"))
    graph = process_graph(p)
    freq = process_map_svg(graph, mode="frequency", embed_font=False)
    dur = process_map_svg(graph, mode="duration", embed_font=False)
    body = markup.modes(markup.svg("process-map", freq), markup.svg("process-map-duration", dur))
    lead = (
        "Every activity and the moves between them as customers really made them. Switch to "
        "duration to see where time goes."
    )
    notes = [
        "An arrow from one activity to another counts the times a case did the second right "
        "after the first; in duration mode it shows the typical time between them."
    ]
    return Section("process-map", SECTIONS["process-map"], lead, body, notes, [p.semantics])


def funnel_section(data: ReportData) -> Section:
    f = data.funnel
    if f is None:
        why = data.missing.get("funnel", "no funnel")
        return Section("funnel", SECTIONS["funnel"], body=markup.missing(why))
    figure = funnel_figure([FunnelBar(s.name, s.cases) for s in f.steps])
    body = markup.figure("funnel-chart", figure, label="Funnel of the designed steps")
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
    body += markup.table(
        ["#", "step", "cases", "from previous", "from start", "dropped after"],
        rows,
        {0, 2, 3, 4, 5},
    )
    source = (
        "the designed main path (entry to outcome, optional steps left out)"
        if data.journey is not None
        else "the most frequent path"
    )
    return Section(
        "funnel",
        SECTIONS["funnel"],
        lead,
        body,
        [
            f"Steps: {source}. A case counts at a step when it reached that step after the "
            "ones before it, within the conversion window."
        ],
        [f.semantics.description],
    )


def channels_section(data: ReportData) -> Section:
    ch = data.channels
    if ch is None:
        why = data.missing.get("channels", "no channel analysis")
        return Section("channels", SECTIONS["channels"], body=markup.missing(why))
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
    body = markup.cards(cards)
    if switching:
        figure = channel_switch_figure(
            [ChannelSwitch(s.source, s.target, s.transitions) for s in switching]
        )
        body += markup.figure("channel-switches", figure, label="Heat map of channel switches")
    else:
        body += markup.missing("No case changes channel between consecutive events.")
    if ch.repeats.by_channel:
        body += markup.table(
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
    plain = (
        "Completed digitally means the case reached the outcome without an assisted contact "
        "(a call, a visit, a chat or an e-mail with staff)."
    )
    return Section("channels", SECTIONS["channels"], lead, body, [kinds, plain], [ch.semantics])


def conformance_section(data: ReportData) -> Section:
    c = data.conformance
    if c is None:
        why = data.missing.get("conformance", "no designed journey")
        return Section("conformance", SECTIONS["conformance"], body=markup.missing(why))
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
    body = markup.table(["deviation", "times", "cases", "what it means"], rows, {1, 2})
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
    body += markup.table(
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
    return Section("conformance", SECTIONS["conformance"], lead, body, [f"Cases: {c.case_rule}."])


def emotion_section(data: ReportData) -> Section | None:
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
    body = markup.figure("emotion-curve", figure, label="Emotion curve, expected and felt")
    notes = []
    if not any(p.felt is not None for p in points):
        notes.append(
            "Only the expected emotion is drawn: no sentiment or survey answer could be linked "
            "to a designed step."
        )
    notes.append(
        "Survey answers and sentiment scores are put on the same scale from −2 (very "
        "negative) to +2 (very positive): an NPS score of 0 counts as −2, 5 as 0 and 10 as +2, "
        "and CSAT and CES answers are stretched the same way from their lowest to their "
        "highest score. Each answer belongs to the step the customer did last before giving it."
    )
    return Section(
        "emotion",
        SECTIONS["emotion"],
        "How each step is designed to leave the customer feeling (−2 very negative … +2 very "
        "positive), and how it felt.",
        body,
        notes,
        [data.emotion.semantics] if data.emotion is not None else [],
    )


# ------------------------------------------------------------------------------ lifecycle

#: Most recent periods listed in the lifecycle table (the chart shows every period).
LIFECYCLE_ROWS = 12
#: Colours of the lifecycle's statuses (Okabe–Ito; dormant drawn below zero).
LIFECYCLE_COLOURS = {
    "new": "#0072B2",
    "returning": "#009E73",
    "resurrecting": "#E69F00",
    "dormant": "#D55E00",
}


def lifecycle_figure(periods: list[tuple[str, int, int, int, int]]) -> dict[str, Any]:
    """Stacked bars per period: new, returning and resurrecting customers above zero,
    dormant ones below (``periods``: period, new, returning, resurrecting, dormant)."""
    import plotly.graph_objects as go

    from journeyscope.render._svg import FONT_FAMILY

    x = [p[0] for p in periods]
    counts = [p[1:] for p in periods]
    bars = [
        go.Bar(
            name=status,
            x=x,
            y=[c[k] if status != "dormant" else -c[k] for c in counts],
            marker=dict(color=LIFECYCLE_COLOURS[status]),
            hovertemplate=f"%{{x}}: %{{customdata:,}} {status}<extra></extra>",
            customdata=[c[k] for c in counts],
        )
        for k, status in enumerate(("new", "returning", "resurrecting", "dormant"))
    ]
    layout = go.Layout(
        barmode="relative",
        font=dict(family=FONT_FAMILY, size=12),
        paper_bgcolor="#FFFFFF",
        plot_bgcolor="#FFFFFF",
        height=320,
        margin=dict(l=60, r=20, t=30, b=40),
        legend=dict(orientation="h", yanchor="bottom", y=1.02, x=0),
        yaxis=dict(title=dict(text="customers (dormant below zero)"), zeroline=True),
        xaxis=dict(type="category"),
    )
    out: dict[str, Any] = json.loads(go.Figure(data=bars, layout=layout).to_json())
    return out


def lifecycle_section(data: ReportData) -> Section:
    """New, returning, resurrecting and dormant customers per period (the retention's
    period), as a chart and a table of the latest periods."""
    r = data.lifecycle
    if r is None:
        why = data.missing.get("lifecycle", "no lifecycle analysis")
        return Section("lifecycle", SECTIONS["lifecycle"], body=markup.missing(why))
    if not r.periods:
        return Section("lifecycle", SECTIONS["lifecycle"], body=markup.missing("no customers"))
    rows = [(p.period, p.new, p.returning, p.resurrecting, p.dormant) for p in r.periods]
    body = markup.figure(  # not the section's own id, or the chart is drawn into the section
        "lifecycle-chart", lifecycle_figure(rows), label="Customers per period by lifecycle status"
    )
    shown = r.periods[-LIFECYCLE_ROWS:]
    body += markup.table(
        [r.period, "active", "new", "returning", "resurrecting", "dormant"],
        [
            [
                p.period,
                *(fmt_number(x) for x in (p.active, p.new, p.returning, p.resurrecting, p.dormant)),
            ]
            for p in shown
        ],
        {1, 2, 3, 4, 5},
    )
    lines = [
        "Active = new + returning + resurrecting; the change in active customers from one "
        "period to the next = new + resurrecting − dormant.",
        f"The new customers of each {r.period} are the retention table's cohort of that "
        f"{r.period}.",
    ]
    if len(r.periods) > len(shown):
        lines.insert(0, f"The {len(shown)} most recent of {len(r.periods)} periods are listed.")
    body += markup.notes(lines)
    last = shown[-1]
    lead = (
        f"Who was active each {r.period}: first-timers (new), those also active the "
        f"{r.period} before (returning), those back after a pause (resurrecting), and those "
        f"active the {r.period} before but not this one (dormant). Latest {r.period} "
        f"({last.period}): {fmt_number(last.active)} active, {fmt_number(last.new)} new, "
        f"{fmt_number(last.dormant)} dormant."
    )
    return Section("lifecycle", SECTIONS["lifecycle"], lead, body, [r.semantics])
