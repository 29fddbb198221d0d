"""The backlog of a designed journey: run the analyses its evidence comes from, once each, on
one store, and turn their results into scored opportunities and a user story map.

Analyses run (all with the design, on the configured analytics backend):

* moments of truth for completion (the money evidence) and for satisfaction (score points);
* the value stream (failure demand and its cost, with ``channel_costs``);
* a funnel along the designed main path (drop-offs), its window the design's outcome window.

Counts are annualised over the span of the events of the design's activities (first to last
timestamp). The funnel counts only cases that started at least its window before the data
ends, so a case still under way is not a drop-off.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from journeyscope import durations
from journeyscope.analytics import opportunities as opp
from journeyscope.analytics.story_map import StoryMap, story_map
from journeyscope.config import Settings
from journeyscope.definitions.models import Journey

if TYPE_CHECKING:
    from journeyscope.analytics.backends import Backend
    from journeyscope.analytics.compare import CompareResult
    from journeyscope.analytics.conformance import ConformanceReport
    from journeyscope.analytics.moments import MomentsResult
    from journeyscope.analytics.value import ValueResult

#: Seconds in a year (365.25 days), for annualising.
YEAR_S = 365.25 * 86400


def data_span(backend: Any, journey: Journey) -> tuple[datetime, datetime]:
    """The first and the last event of the design's activities."""
    t = backend.events()
    activities = [a for s in journey.steps for a in s.activities]
    scoped = t.filter(t.activity.isin(activities)) if activities else t
    span = backend.arrow(
        scoped.aggregate(first=scoped.timestamp.min(), last=scoped.timestamp.max())
    ).to_pylist()[0]
    first, last = span["first"], span["last"]
    if first is None or last is None or last <= first:
        from journeyscope.errors import StoreError

        raise StoreError(
            f"no events of the design {journey.id!r} over a period of time in the store: "
            "ingest its events, or check the activities the design names"
        )
    return first, last


def closed_cases(backend: Any, window: timedelta, end: datetime) -> Any:
    """The events of the cases that started at least ``window`` before ``end``: cases whose
    funnel window has closed, so a drop-off is a drop-off and not a case still under way."""
    t = backend.events()
    starts = t.group_by("case_id").aggregate(started=t.timestamp.min())
    closed = starts.filter(starts.started <= end - window)
    return t.semi_join(closed, "case_id")


def main_path(journey: Journey) -> list[tuple[str, str, tuple[str, ...]]]:
    """(step id, name, activities) of the designed main path, as the report's funnel has it."""
    from journeyscope.analytics.steps import design_funnel

    by_name = {s.name: s for s in journey.steps}
    return [
        (by_name[str(f.label)].id, str(f.label), f.activities)
        for f in design_funnel(journey)
        if f.label in by_name
    ]


def build_backlog(
    settings: Settings,
    journey: Journey,
    *,
    value_per_case: float,
    channel_costs: dict[str, float] | None = None,
    min_dropoff: float = 0.1,
) -> StoryMap:
    """Opportunities, scores and the story map of ``journey`` on the store of ``settings``."""
    from journeyscope.services.analyses import backend as open_backend

    with open_backend(settings) as backend:
        return story_map_on(
            backend,
            journey,
            value_per_case=value_per_case,
            channel_costs={**settings.channel_costs, **(channel_costs or {})},
            min_dropoff=min_dropoff,
        )


def story_map_on(
    backend: Backend,
    journey: Journey,
    *,
    value_per_case: float,
    channel_costs: dict[str, float] | None = None,
    min_dropoff: float = 0.1,
    satisfaction: MomentsResult | None = None,
    value: ValueResult | None = None,
    conformance: ConformanceReport | None = None,
    min_deviation: float = 0.2,
) -> StoryMap:
    """The story map of ``journey`` on an open ``backend``. ``satisfaction`` (moments of
    truth for the survey score) and ``value`` (the value stream) are reused when the caller
    has them already (the report does); the other analyses run here."""
    from journeyscope.analytics.backends import IbisBackend
    from journeyscope.analytics.cases import CaseRule
    from journeyscope.analytics.funnels import FunnelQuery, FunnelStep
    from journeyscope.analytics.moments import MomentsQuery
    from journeyscope.analytics.value import ValueQuery

    where = f"--design {journey.id}"
    first, last = data_span(backend, journey)
    years = (last - first).total_seconds() / YEAR_S
    given = CaseRule.given()
    if satisfaction is None or conformance is None:
        # the moments of truth and the deviations below read one replay, kept by the backend
        # (in the report, its conformance section has kept it for the moments already)
        backend.conformance(backend.events(), journey, given)
    completion = backend.run(MomentsQuery(outcome="completion", journey=journey))
    if satisfaction is None:
        satisfaction = backend.run(MomentsQuery(outcome="satisfaction", journey=journey))
    if value is None:
        value = backend.run(
            ValueQuery(
                journey=journey, channel_costs=channel_costs or {}, value_per_case=value_per_case
            )
        )
    if conformance is None:
        conformance = backend.conformance(backend.events(), journey, given).collect()
    path_steps = main_path(journey)
    window = journey.outcome.within or timedelta(days=365)
    closed = closed_cases(backend, window, last)
    funnel, left_out = None, ""
    if len(path_steps) >= 2 and backend.arrow(closed.select("case_id").limit(1)).num_rows == 0:
        assumed = "" if journey.outcome.within else " (the outcome has no 'within': a year assumed)"
        left_out = (
            f"; drop-offs left out: no case started at least {durations.written(window.total_seconds())} "
            f"before the data ends{assumed}"
        )
    elif len(path_steps) >= 2:
        funnel = IbisBackend(closed, backend.name).run(
            FunnelQuery(
                steps=tuple(FunnelStep(activities=a, label=n) for _, n, a in path_steps),
                window=window,
                dropped_limit=0,
            )
        )
    evidence = [
        *opp.from_moments(
            completion.moments,
            years=years,
            value_per_case=value_per_case,
            outcome="completion",
            analysis=f"journeyscope moments {where} --outcome completion",
        ),
        *opp.from_moments(
            satisfaction.moments,
            years=years,
            value_per_case=value_per_case,
            outcome="satisfaction",
            analysis=f"journeyscope moments {where}",
        ),
        *opp.from_failures(
            value.steps,
            years=years,
            analysis=f"journeyscope value {where} --value-per-case {value_per_case:g}",
        ),
        *opp.from_deviations(
            conformance.steps,
            years=years,
            min_share=min_deviation,
            analysis=f"journeyscope conformance {journey.id}",
        ),
    ]
    if funnel is not None:
        counts = [s.cases for s in funnel.steps]
        evidence += opp.from_dropoffs(
            [
                (sid, n, counts[i - 1], counts[i])
                for i, (sid, n, _) in enumerate(path_steps)
                if i > 0
            ],
            years=years,
            value_per_case=value_per_case,
            min_dropoff=min_dropoff,
            analysis=f"journeyscope funnel (the designed main path of {journey.id}, cases "
            f"started at least {durations.written(window.total_seconds())} before the data ends)",
        )
    efforts = {}
    for story in journey.stories:
        if story.effort is not None and story.opportunity:
            efforts[story.opportunity] = story.effort
    found = opp.collect(journey, evidence, efforts=_by_id(journey, efforts))
    return story_map(
        journey,
        found,
        semantics=f"evidence from {years:.2f} years of data, annualised; "
        f"value per completed case {value_per_case:,.2f}{left_out}",
    )


def _by_id(journey: Journey, efforts: dict[str, float]) -> dict[str, float]:
    """Efforts keyed by opportunity id, whether the story names the id or the title."""
    out = {}
    for step in journey.steps:
        for title in step.opportunities:
            oid = f"{step.id}.{opp.slug(title)}"
            for key in (oid, title, title.lower()):
                if key in efforts:
                    out[oid] = efforts[key]
    return {**efforts, **out}


def compare_step(
    settings: Settings,
    journey: Journey,
    step: str,
    before: datetime,
    after: datetime,
    *,
    channel_costs: dict[str, float] | None = None,
) -> CompareResult:
    """A step of ``journey`` before and after a change (:mod:`journeyscope.analytics.compare`)."""
    from pydantic import ValidationError

    from journeyscope.analytics.compare import CompareQuery
    from journeyscope.analytics.value import ValueQuery
    from journeyscope.errors import InvalidQueryError, validation_message
    from journeyscope.services.analyses import run

    costs = {**settings.channel_costs, **(channel_costs or {})}
    try:
        query = CompareQuery(
            journey=journey,
            step=step,
            before=before,
            after=after,
            value=ValueQuery(journey=journey, channel_costs=costs),
        )
    except ValidationError as exc:
        raise InvalidQueryError("; ".join(validation_message(e) for e in exc.errors())) from None
    result: CompareResult = run(settings, query)
    return result
