"""The journeys page's work: the report's analyses for one design on the filtered events, as a
background job, and what the page needs beside them (opportunities per step, Explore links).

:func:`submit_journey` runs :func:`journeyscope.services.report.compute_report` — the very
code behind ``journeyscope report`` — on the events the Explore filters keep
(:func:`journeyscope.services.results.filtered_events`), through the workspace's job pool and
result cache (:func:`journeyscope.services.results.submit_work`): one computation per store
state, design text and filters, shared by every user. Without filters it is
:func:`~journeyscope.services.report.build_report` on the configured source, as the CLI.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Final
from urllib.parse import urlencode

from journeyscope.definitions.models import Journey
from journeyscope.services.results import Filters, Job, filtered_events, submit_work

if TYPE_CHECKING:
    from journeyscope.analytics.opportunities import Evidence, Opportunity
    from journeyscope.config import Settings
    from journeyscope.render.report_data import ReportData

#: The report's sections the journeys page shows, in page order.
PAGE_SECTIONS: Final = (
    "journey-map",
    "blueprint",
    "personas",
    "conformance",
    "emotion",
    "moments",
    "silent",
    "value",
)


def compute_journey(settings: Settings, journey: Journey, filters: Filters) -> ReportData:
    """The report's results for ``journey`` on the events ``filters`` keep.

    The date range and ``where`` keep events as Explore does; a channel keeps the **cases**
    with at least one event in it, with all their events (see :func:`describe`): keeping
    only that channel's events would cut the designed steps done elsewhere out of every case.
    """
    from dataclasses import replace

    from journeyscope.services.report import build_report, compute_report
    from journeyscope.services.store import open_store

    title = f"Journey: {journey.name}"
    if filters.empty():
        return build_report(settings, journey, title=title)
    store = open_store(settings)
    try:
        events = filtered_events(store, replace(filters, channels=()))
        if filters.channels:
            hit = events.filter(events.channel.isin(list(filters.channels)))
            events = events.filter(events.case_id.isin(hit.select("case_id").distinct().case_id))
        return compute_report(events, journey, title=title, source=str(settings.store.name))
    finally:
        store.close()


def describe(filters: Filters) -> str:
    """What the filters kept, in a sentence (empty without filters)."""
    from dataclasses import replace

    from journeyscope.services.results import describe_filters

    text = describe_filters(replace(filters, channels=()))
    if filters.channels:
        cases = (
            f"Only cases with an event in channel {' or '.join(filters.channels)} (all their "
            "events) were analysed."
        )
        text = f"{cases} {text}" if text else cases
    return text


@dataclass(frozen=True)
class Failed:
    """A journey page that could not be computed, and why (cached like a result)."""

    message: str


def submit_journey(settings: Settings, journey: Journey, text: str, filters: Filters) -> Job:
    """The job computing the page of ``journey`` (``text``: its YAML, part of the cache key,
    so an edited design is computed again). Its result is the :class:`ReportData`, or
    :class:`Failed` with the message when the analyses refuse the data (kept per store
    state like a result, so a page polling it sees the reason)."""
    from journeyscope.errors import JourneyscopeError

    digest = hashlib.sha256(text.encode()).hexdigest()

    def compute() -> ReportData | Failed:
        try:
            return compute_journey(settings, journey, filters)
        except JourneyscopeError as exc:
            return Failed(str(exc))

    return submit_work(settings, ("journey page", digest, filters.key()), compute)


# --------------------------------------------------------------------- links to Explore


def filter_params(filters: Filters) -> list[tuple[str, str]]:
    """The filters as Explore's URL parameters."""
    out: list[tuple[str, str]] = []
    if filters.since:
        out.append(("since", filters.since.isoformat()))
    if filters.until:
        out.append(("until", filters.until.isoformat()))
    out += [("channel", c) for c in filters.channels]
    out += [("where", f"{k}={v}") for k, v in filters.where]
    return out


def _main_path(journey: Journey) -> list[str]:
    """The first activity of each step of the designed main path (the report's funnel)."""
    from journeyscope.analytics.steps import design_funnel

    return [f.activities[0] for f in design_funnel(journey) if f.activities]


def explore_links(journey: Journey, filters: Filters) -> dict[str, tuple[str, str]]:
    """For each section, (URL of the Explore query closest to it, what it shows)."""
    keep = filter_params(filters)
    funnel = [("step", a) for a in _main_path(journey)]
    window = (
        [("window", f"{int(journey.outcome.within.total_seconds() // 86400)}d")]
        if (journey.outcome.within)
        else []
    )

    def url(kind: str, params: list[tuple[str, str]]) -> str:
        return f"/explore/{kind}?" + urlencode(params + keep)

    main = url("funnel", funnel + window)
    return {
        "journey-map": (main, "the funnel along the designed main path"),
        "blueprint": (url("dfg", []), "the process map of what really happens"),
        "personas": (
            url("funnel", [*funnel, *window, ("breakdown", "segment")]),
            "the main-path funnel by segment",
        ),
        "conformance": (url("variants", []), "the variants the cases really followed"),
        "emotion": (main, "the funnel of the steps the curve follows"),
        "moments": (url("paths", [("start", funnel[0][1])] if funnel else []), "paths forward"),
        "silent": (url("channels", []), "the channels customers used"),
        "value": (url("channels", []), "channel switches and repeat contacts"),
    }


# ------------------------------------------------------------------ opportunities on the map


@dataclass(frozen=True)
class EvidenceLink:
    """One piece of evidence and where to read it (a section of the page, or Explore)."""

    source: str
    finding: str
    href: str
    command: str


@dataclass
class StepOpportunities:
    """The opportunities and pain points sitting at one step of the map."""

    step: str
    name: str
    pain_points: list[str] = field(default_factory=list)
    opportunities: list[tuple[Opportunity, list[EvidenceLink]]] = field(default_factory=list)


def _evidence_href(e: Evidence, journey: Journey, filters: Filters, step_index: int) -> str:
    if e.source == "drop-off" and step_index:
        params = [("step", a) for a in _main_path(journey)] + filter_params(filters)
        return "/explore/funnel/drill?" + urlencode([("at", str(step_index)), *params])
    anchor = {
        "moment of truth": "moments",
        "failure demand": "value",
        "deviation": "conformance",
    }.get(e.source, "value")
    return f"#{anchor}"


def opportunities_by_step(
    data: ReportData, journey: Journey, filters: Filters
) -> list[StepOpportunities]:
    """Per step, in the map's column order: its designed pain points, and the scored
    opportunities (``data.backlog``) with links to their evidence."""
    path = [sid for sid in _main_path_ids(journey)]
    columns = [StepOpportunities(s.id, s.name, list(s.pain_points)) for s in journey.steps]
    at = {c.step: c for c in columns}
    opportunities = data.backlog.opportunities if data.backlog is not None else []
    for o in opportunities:
        if o.step is None or o.step not in at:
            continue
        index = path.index(o.step) + 1 if o.step in path else 0
        links = [
            EvidenceLink(
                e.source, e.finding, _evidence_href(e, journey, filters, index), e.analysis
            )
            for e in o.evidence
        ]
        at[o.step].opportunities.append((o, links))
    return columns


def _main_path_ids(journey: Journey) -> list[str]:
    from journeyscope.services.backlog import main_path

    return [sid for sid, _name, _acts in main_path(journey)]
