"""The report's attribution and retention sections.

Each builder reads the shared results of a :class:`ReportData` (the services computed them
once, only where the design has an outcome) and returns a :class:`Section`; nothing here
runs an analysis. The attribution table has one row per touchpoint value (channel) and one
column per model, credits in conversions; the retention table one row per cohort, the share
of its customers retained in each later period.
"""

from __future__ import annotations

from typing import Final

from journeyscope.render import _report_markup as markup
from journeyscope.render._report_markup import Section
from journeyscope.render._svg import fmt_number, fmt_share
from journeyscope.render.report_data import SECTIONS, ReportData

#: Rows of the attribution table (the touchpoints with the most credit under any model).
TOP_TOUCHPOINTS: Final = 12
#: Most recent cohorts shown in the retention table.
TOP_COHORTS: Final = 12
#: Short column titles of the models.
MODEL_TITLES: Final = {
    "first": "first",
    "last": "last",
    "linear": "linear",
    "position": "U 40/20/40",
    "j": "J",
    "inverse_j": "inverse J",
    "time_decay": "time decay",
    "shapley": "Shapley",
    "markov": "Markov",
}


def attribution_section(data: ReportData) -> Section:
    """Credits of every model per touchpoint value for the design's outcome."""
    r = data.attribution
    if r is None:
        why = data.missing.get("attribution", "no attribution analysis")
        return Section("attribution", SECTIONS["attribution"], body=markup.missing(why))
    o = r.overall
    if not o.conversions:
        why = f"no case reached the outcome ({', '.join(r.conversions)})"
        return Section("attribution", SECTIONS["attribution"], body=markup.missing(why))
    credit = {m.model: {c.touchpoint: c.conversions for c in m.credits} for m in o.models}
    best = {t: max(v.get(t, 0.0) for v in credit.values()) for m in credit.values() for t in m}
    shown = sorted(best, key=lambda t: (-best[t], t))[:TOP_TOUCHPOINTS]
    rows = [[t, *[_credit(credit[m.model].get(t)) for m in o.models]] for t in shown]
    rows.append(["total", *[_credit(m.total) for m in o.models]])
    headers = [r.touchpoint, *[MODEL_TITLES.get(m.model, m.model) for m in o.models]]
    body = markup.cards(
        [
            (fmt_number(o.conversions), "conversions"),
            (f"{o.touchpoints_per_conversion:.1f}", "touchpoints per conversion"),
            (fmt_number(o.conversions_without_touchpoint), "without a touchpoint"),
        ]
    )
    body += markup.table(headers, rows, set(range(1, len(headers))))
    hidden = len(best) - len(shown)
    lines = [f"{MODEL_TITLES.get(m.model, m.model)}: {m.definition}." for m in o.models]
    if hidden > 0:
        lines.insert(0, f"{hidden} more {r.touchpoint} values with less credit are not listed.")
    body += markup.notes(lines)
    lookback = f"within {r.lookback} before it" if r.lookback else "at any time before it"
    lead = (
        f"Which {r.touchpoint} values lead to the outcome ({', '.join(r.conversions)}): "
        f"{fmt_number(o.conversions)} of {fmt_number(o.cases)} cases converted; each "
        f"conversion's credit is shared over its touchpoints {lookback}, by each model."
    )
    return Section("attribution", SECTIONS["attribution"], lead, body, [r.semantics])


def retention_section(data: ReportData) -> Section:
    """Share of each cohort's customers who came back k periods later."""
    r = data.retention
    if r is None:
        why = data.missing.get("retention", "no retention analysis")
        return Section("retention", SECTIONS["retention"], body=markup.missing(why))
    if not r.cohorts:
        return Section("retention", SECTIONS["retention"], body=markup.missing("no customers"))
    cohorts = r.cohorts[-TOP_COHORTS:]
    headers = ["cohort", "customers", *[str(k) for k in range(r.periods + 1)]]
    rows = [[c.cohort, fmt_number(c.customers), *[fmt_share(x) for x in c.rates]] for c in cohorts]
    total = sum(c.customers for c in r.cohorts)
    rows.append(["all cohorts", fmt_number(total), *[fmt_share(x) for x in r.overall]])
    body = markup.table(headers, rows, set(range(1, len(headers))))
    lines = []
    if len(r.cohorts) > len(cohorts):
        lines.append(
            f"The {len(cohorts)} most recent of {len(r.cohorts)} cohorts are listed; "
            "'all cohorts' pools every one."
        )
    lines.append("– : the period had not begun by the last event in the data.")
    body += markup.notes(lines)
    mode = "in" if r.mode == "on" else "in or after"
    after = f"a {r.return_event} event" if r.return_event else "any event"
    cohort_by = f"first {r.cohort_event}" if r.cohort_event else "first event"
    one_month = next((x for x in r.overall[1:2] if x is not None), None)
    lead = (
        f"Customers by the {r.period} of their {cohort_by}, and the share with {after} "
        f"{mode} each later {r.period}"
        + (
            f": {fmt_share(one_month)} came back the next {r.period}."
            if one_month is not None
            else "."
        )
    )
    return Section("retention", SECTIONS["retention"], lead, body, [r.semantics])


def _credit(value: float | None) -> str:
    if value is None or value == 0:
        return "–" if value is None else "0"
    return f"{value:,.1f}"
