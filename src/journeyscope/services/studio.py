"""The journeys page's work: the report's analyses for one design on the filtered events, as
background jobs, and what the page needs beside them (opportunities per step, Explore links).

:func:`submit_part` runs a part of the report (:data:`PARTS`: the actual lanes and
conformance, the moments/value/opportunities, the silent-customer estimates) with
:func:`journeyscope.services.report.compute_analyses` — the very code behind
``journeyscope report``, which runs them all in turn — on the events the Explore filters keep
(:func:`journeyscope.services.results.filtered_events`), through the workspace's job pool and
result cache (:func:`journeyscope.services.results.submit_work`): one computation per store
state, design text, filters and part, shared by every user, so each section of the page
shows as soon as its own part is done.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import TYPE_CHECKING, Final
from urllib.parse import urlencode

from journeyscope import durations
from journeyscope.definitions.models import Journey
from journeyscope.services.results import Filters, Job, filtered_events, submit_work

if TYPE_CHECKING:
    from journeyscope.analytics.opportunities import Evidence, Opportunity
    from journeyscope.config import Settings
    from journeyscope.render.report_data import ReportData


def compute_journey(
    settings: Settings,
    journey: Journey,
    filters: Filters,
    analyses: Iterable[str] | None = None,
) -> ReportData:
    """The report's results for ``journey`` on the events ``filters`` keep: every analysis,
    or only ``analyses`` (and what they need; :func:`~journeyscope.services.report.compute_analyses`).

    The date range and ``where`` keep events as Explore does; a channel keeps the **cases**
    with at least one event in it, with all their events (see :func:`describe`): keeping
    only that channel's events would cut the designed steps done elsewhere out of every case.
    """
    from dataclasses import replace

    from journeyscope.services.analyses import backend
    from journeyscope.services.report import ANALYSES, compute_analyses, report_source
    from journeyscope.services.store import open_store

    title = f"Journey: {journey.name}"
    names = ANALYSES if analyses is None else tuple(analyses)
    if filters.empty():
        with backend(settings) as e:
            data = compute_analyses(
                e.events(), journey, names, title=title, source=report_source(settings)
            )
    else:
        store = open_store(settings)
        try:
            events = filtered_events(store, replace(filters, channels=()))
            if filters.channels:
                hit = events.filter(events.channel.isin(list(filters.channels)))
                events = events.filter(
                    events.case_id.isin(hit.select("case_id").distinct().case_id)
                )
            data = compute_analyses(
                events, journey, names, title=title, source=str(settings.store.name)
            )
        finally:
            store.close()
    data.currency = settings.currency  # every money figure in the configured currency
    return data


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


#: The journeys page's background jobs, in the order they are started (the fastest first,
#: the silent-customer estimates last): the report analyses each runs.
PARTS: Final[dict[str, tuple[str, ...]]] = {
    "map": ("conformance", "step times", "emotion"),
    "insight": ("moments", "value", "backlog"),
    "silent": ("silent",),
}
#: Which job fills each section of the page that needs the data (the blueprint and the
#: personas are the design alone).
SECTION_PART: Final[dict[str, str]] = {
    "journey-map": "map",
    "opportunities": "insight",
    "conformance": "map",
    "emotion": "map",
    "moments": "insight",
    "silent": "silent",
    "value": "insight",
}


def submit_part(
    settings: Settings,
    journey: Journey,
    text: str,
    filters: Filters,
    part: str,
    *,
    background: bool = False,
) -> Job:
    """The job computing ``part`` (of :data:`PARTS`) of the page of ``journey`` (``text``:
    its YAML, part of the cache key, so an edited design is computed again). Its result is
    the :class:`ReportData` holding that part's analyses, or :class:`Failed` with the
    message when they refuse the data (kept per store state like a result, so a page
    polling it sees the reason). ``background``: on the background worker, in a
    low-priority child process (Home's figures; the page asking for the same part joins it
    or runs it at once)."""
    digest = hashlib.sha256(text.encode()).hexdigest()
    compute = partial(compute_part, settings, journey, filters, PARTS[part])
    return submit_work(
        settings, ("journey page", part, digest, filters.key()), compute, background=background
    )


def compute_part(
    settings: Settings, journey: Journey, filters: Filters, analyses: Sequence[str]
) -> ReportData | Failed:
    """:func:`compute_journey` of these analyses, or :class:`Failed` with the message when
    they refuse the data (a module-level function: a background job pickles it)."""
    from journeyscope.errors import JourneyscopeError

    try:
        return compute_journey(settings, journey, filters, analyses)
    except JourneyscopeError as exc:
        return Failed(str(exc))


def submit_parts(
    settings: Settings, journey: Journey, text: str, filters: Filters
) -> dict[str, Job]:
    """Every part's job, started in :data:`PARTS` order (the pool runs them first come,
    first served)."""
    return {part: submit_part(settings, journey, text, filters, part) for part in PARTS}


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
    if filters.cohort is not None:
        out.append(("cohort", filters.cohort.name))
    return out


def _main_path(journey: Journey) -> list[str]:
    """The first activity of each step of the designed main path (the report's funnel)."""
    from journeyscope.analytics.steps import design_funnel

    return [f.activities[0] for f in design_funnel(journey) if f.activities]


def explore_links(journey: Journey, filters: Filters) -> dict[str, tuple[str, str]]:
    """For each section, (URL of the Explore query closest to it, what it shows)."""
    keep = filter_params(filters)
    funnel = [("step", a) for a in _main_path(journey)]
    within = journey.outcome.within
    window = [("window", durations.written(within.total_seconds()))] if within else []

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
