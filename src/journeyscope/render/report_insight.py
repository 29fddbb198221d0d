"""The report's insight sections: moments of truth, silent customers and value.

Each builder reads the shared results of a :class:`ReportData` and returns a
:class:`Section`; nothing here runs an analysis.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from journeyscope.analytics.moments import Moment
from journeyscope.analytics.silent_text import (
    check_lines,
    curve_text,
    headline_text,
    sensitivity_text,
    strategy_rows,
)
from journeyscope.render import _report_markup as markup
from journeyscope.render._report_markup import Section
from journeyscope.render._svg import fmt_money, fmt_share
from journeyscope.render.backlog import money
from journeyscope.render.report_data import SECTIONS, ReportData
from journeyscope.render.sensitivity import sensitivity_svg
from journeyscope.render.story_map import story_map_svg

#: Rows of the moments-of-truth and value tables.
TOP_MOMENTS: Final = 10
TOP_OPPORTUNITIES: Final = 10


def _interval(ci: tuple[float, float] | None, digits: int = 1) -> str:
    return "–" if ci is None else f"{ci[0]:+.{digits}f} … {ci[1]:+.{digits}f}"


def _signed(value: float | None, digits: int = 1) -> str:
    return "–" if value is None else f"{value:+.{digits}f}"


def silent_section(data: ReportData) -> Section:
    """The headline (an estimate, a range or an abstention, with its reason), every strategy
    with its assumption and verdict, the checks, and the sensitivity curve."""
    r = data.silent
    if r is None:
        why = data.missing.get("silent", "no silent-customer analysis")
        return Section("silent", SECTIONS["silent"], body=markup.missing(why))
    metric = r.metric.split(":")[0].upper()
    rows = [
        [
            "respondents only (naive)",
            _signed(r.naive.metric.value),
            _interval(r.naive.metric.ci),
            _signed(r.naive.mean_score.value, 2),
            "—",
            "speaks for those who answered, not for every customer",
        ]
    ]
    for row in strategy_rows(r):
        rows.append(
            [
                row["strategy"],
                row["value"],
                row["interval"],
                row["mean score"],
                row["verdict"],
                row["assumption"],
            ]
        )
    if r.truth is not None:
        rows.append(
            [
                "truth",
                _signed(r.truth.metric),
                "–",
                _signed(r.truth.mean_score, 2),
                "—",
                f"known for {r.truth.customers:,} customers (synthetic data)",
            ]
        )
    body = markup.table(
        ["estimate", metric, "interval", "mean score", "verdict", "assumption"], rows, {1, 2, 3}
    )
    if r.sensitivity is not None and r.sensitivity.points:
        h = r.headline
        band = (
            (h.low, h.high) if h is not None and h.low is not None and h.high is not None else None
        )
        body += markup.heading("If the score drives answering more or less than estimated")
        body += markup.svg(
            "silent-sensitivity",
            sensitivity_svg(
                r.sensitivity,
                metric=metric,
                band=band,
                truth=r.truth.metric if r.truth is not None else None,
            ),
        )
    lines = [
        f"Response rate: {fmt_share(r.response_rate)} ({r.respondents:,} of "
        f"{r.customers:,} customers answered {r.survey}).",
        sensitivity_text(r).capitalize() + ".",
        curve_text(r).capitalize() + ".",
        *check_lines(r),
    ]
    body += markup.notes(lines)
    return Section(
        "silent",
        SECTIONS["silent"],
        headline_text(r) + ".",
        body,
        [
            "No single figure is shown when the strategies disagree beyond their intervals or "
            "when none survives its checks: then the range, or the plausible span, is the "
            "honest answer (see docs/insight.md)."
        ],
        [r.semantics],
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


def moments_section(data: ReportData) -> Section:
    m = data.moments
    if m is None:
        why = data.missing.get("moments", "no moments-of-truth analysis")
        return Section("moments", SECTIONS["moments"], body=markup.missing(why))
    if not m.cases:
        why = f"no case has an outcome to test against ({m.outcome})"
        return Section("moments", SECTIONS["moments"], body=markup.missing(why))
    names = {s.id: s.name for s in data.journey.steps} if data.journey is not None else {}
    mean = "" if m.outcome_mean is None else f"; mean {m.outcome_mean:.2f}"
    lead = (
        f"Which experiences go with a better or worse outcome: {m.candidates_tested:,} tested on "
        f"{m.cases:,} cases, {m.significant:,} significant. Outcome: {m.outcome}{mean}. "
        f"Adjusted for {', '.join(m.adjusted_for) or 'nothing'}."
    )
    if m.moments:
        body = markup.table(
            _MOMENT_HEADERS, _moment_rows(m.moments[:TOP_MOMENTS], names), {0, 3, 4, 5, 6}
        )
    else:
        body = markup.missing("No experience was seen in enough cases to test.")
    body += markup.heading("Designed moments of truth")
    if m.designed:
        body += markup.table(
            ["step", "verdict", "evidence"],
            [[d.name, d.verdict, "; ".join(d.evidence) or "–"] for d in m.designed],
        )
    else:
        body += markup.missing("The design marks no step as a moment of truth.")
    body += markup.heading("Surprises")
    if m.surprises:
        body += markup.notes(
            ["Significant experiences at steps the design does not mark as a moment of truth."]
        )
        body += markup.table(
            _MOMENT_HEADERS, _moment_rows(m.surprises[:TOP_MOMENTS], names), {0, 3, 4, 5, 6}
        )
    else:
        body += markup.missing("No significant experience outside the designed moments of truth.")
    return Section(
        "moments",
        SECTIONS["moments"],
        lead,
        body,
        [
            "An effect is how much better or worse the outcome was for cases that had the "
            "experience than for similar cases that did not, taking the listed factors into "
            "account. Its interval allows for some groups of cases varying more than others. "
            "It shows where to look; it does not prove that the experience caused the "
            "difference. Because many experiences are tested at once, each one's chance of "
            "being a fluke is adjusted for that (q in the evidence)."
        ],
        [f"Assumptions: {m.assumptions}.", m.semantics],
    )


def value_section(data: ReportData) -> Section:
    v = data.value
    if v is None:
        why = data.missing.get("value", "no value analysis")
        return Section("value", SECTIONS["value"], body=markup.missing(why))
    t = v.totals
    cur = data.currency
    lead = (
        f"Cost to serve {fmt_money(t.cost, cur)} over {t.cases:,} cases; failure demand "
        f"{t.failure_demand_contacts:,} contacts costing {fmt_money(t.failure_demand_cost, cur)}."
    )
    if v.opportunities:
        body = markup.table(
            [
                "#",
                "step",
                "cases reaching it",
                "failed",
                f"cost per failure ({cur})",
                f"worth fixing ({cur})",
            ],
            [
                [
                    o.rank,
                    o.name,
                    f"{o.volume:,}",
                    fmt_share(o.gap),
                    f"{o.impact:,.2f}",
                    f"{o.value:,.0f}",
                ]
                for o in v.opportunities[:TOP_OPPORTUNITIES]
            ],
            {0, 2, 3, 4, 5},
        )
    else:
        body = markup.missing("No step has failures: nothing to rank.")
    notes = [
        "Worth fixing is what failures at a step cost: the cases reaching it, times the share "
        "of them that failed there, times what one failure costs (the extra contacts it causes "
        "and the value lost when the case does not complete).",
        f"Amounts are in {cur}, the configured currency; they are not converted.",
    ]
    technical = [f"Cost: {v.cost_rule}.", v.semantics]
    return Section("value", SECTIONS["value"], lead, body, notes, technical)


def backlog_section(data: ReportData) -> Section:
    """The user story map: opportunities from the design and the data, ranked by value at
    stake, as releases; the top stories with their evidence."""
    m = data.backlog
    if m is None:
        why = data.missing.get("backlog", "no backlog")
        return Section("backlog", SECTIONS["backlog"], body=markup.missing(why))
    valued = [o for o in m.opportunities if o.value_at_stake is not None]
    lead = (
        f"{len(m.stories)} stories from {len(m.opportunities)} opportunities "
        f"({len(valued)} with a measured value at stake), cut into {len(m.releases)} releases."
    )
    body = markup.svg("story-map", story_map_svg(m, embed_font=False, currency=data.currency))
    body += markup.table(
        ["#", "step", "story", "value a year", "confidence", "evidence"],
        [
            [
                c.rank if c.rank < 10**6 else "–",
                c.step_name or "–",
                c.text,
                money(c.value_at_stake, data.currency),
                fmt_share(c.confidence),
                "; ".join(c.evidence[:2]) or "–",
            ]
            for c in m.stories[:TOP_OPPORTUNITIES]
        ],
        {0, 3, 4},
    )
    notes = [
        f"Ranked by: {m.score_rule}",
        f"Releases: {m.slice_rule}.",
        "Write the backlog for Jira or GitHub with journeyscope backlog DESIGN --format "
        "jira-csv|github (docs/backlog.md).",
    ]
    return Section("backlog", SECTIONS["backlog"], lead, body, notes, [m.semantics])
