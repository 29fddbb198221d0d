"""The journey report as an application service: every analysis it needs, run once each.

:func:`build_report` is the one entry point: the command line (``journeyscope report``), the
demo and the web route call it with the injected settings and a designed journey, and hand
the :class:`~journeyscope.render.report_data.ReportData` to the page renderer
(:func:`journeyscope.render.report.report_html`). :func:`compute_report` is the same work on
an Ibis table of events already open (tests and benchmarks).

Cases are derived once (the case rule; default: the data's case ids) and, with a design,
limited to the cases it covers; that table is materialised and every analysis reads it, so
the pictures and tables of the page reconcile. ``ReportData.seconds`` and ``runs`` say how
long each analysis took and that each ran once.

Each analysis is one function of a run (:data:`ANALYSES`, in the report's order);
:func:`compute_report` runs them all in turn, :func:`compute_analyses` only those asked and
those they read (:data:`NEEDS`): the journeys page computes its sections this way, each part
in its own background job, with the report's very code.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from functools import cached_property
from typing import TYPE_CHECKING, Any, Final, Literal

import ibis

from journeyscope.analytics.backends import IbisBackend
from journeyscope.analytics.cases import CaseRule, with_cases
from journeyscope.analytics.channels import ChannelsQuery
from journeyscope.analytics.contacts import ContactRules
from journeyscope.analytics.duckdb_connection import kept
from journeyscope.analytics.emotion import EmotionQuery
from journeyscope.analytics.funnels import FunnelQuery, FunnelStep
from journeyscope.analytics.holistic import distinct_count
from journeyscope.analytics.moments import MomentsQuery
from journeyscope.analytics.paths import PathsQuery
from journeyscope.analytics.process import DfgQuery
from journeyscope.analytics.silent import SilentQuery
from journeyscope.analytics.steps import design_funnel, step_times
from journeyscope.analytics.value import ValueQuery
from journeyscope.analytics.variants import VariantsQuery, VariantsResult
from journeyscope.definitions.models import Journey
from journeyscope.errors import closest
from journeyscope.render.report_data import ReportData
from journeyscope.services.backlog import story_map_on

if TYPE_CHECKING:
    from journeyscope.config import Settings

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
#: The attribution section credits touchpoints at most this long before the outcome.
LOOKBACK: Final = timedelta(days=30)


def build_report(
    settings: Settings,
    design: Journey | None = None,
    *,
    rule: CaseRule | None = None,
    title: str | None = None,
    source: str | None = None,
    contacts: ContactRules | None = None,
    value_per_case: float = 0.0,
) -> ReportData:
    """Every analysis of the report on the store of ``settings`` (opened read-only, with its
    memory limit), once each; ``design``: the designed journey to map and compare with.

    ``source`` names the data on the page (default: the store file).
    """
    from journeyscope.analytics.cohorts import CohortBackend, describe_use
    from journeyscope.services.analyses import backend

    with backend(settings) as e:
        data = compute_report(
            e.events(),
            design,
            rule=rule,
            title=title,
            source=report_source(settings) if source is None else source,
            contacts=contacts,
            value_per_case=value_per_case,
        )
        if isinstance(e, CohortBackend):  # --cohort: the overview's case line says so
            data.case_rule = (
                f"{data.case_rule.rstrip('. ')}. {describe_use(e.cohort, e.breakdown).rstrip('.')}"
            )
    data.currency = settings.currency
    return data


def report_source(settings: Settings) -> str:
    """How the report names the data of ``settings``: its source, else the store file."""
    return settings.source or str(settings.store)


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


def compute_report(
    events: ibis.Table,
    journey: Journey | None = None,
    *,
    rule: CaseRule | None = None,
    title: str | None = None,
    source: str = "",
    contacts: ContactRules | None = None,
    value_per_case: float = 0.0,
) -> ReportData:
    """Run every analysis the report needs, once each, on ``events``.

    ``contacts``: who starts each activity and what kind each channel is
    (:mod:`journeyscope.analytics.contacts`; default: its built-in rules).

    Cases are derived once (``rule``; default: the data's case ids) and, with a design,
    limited to the cases it covers; the result is materialised and every analysis reads it.
    """
    return compute_analyses(
        events,
        journey,
        ANALYSES,
        rule=rule,
        title=title,
        source=source,
        contacts=contacts,
        value_per_case=value_per_case,
    )


def compute_analyses(
    events: ibis.Table,
    journey: Journey | None,
    names: Iterable[str],
    *,
    rule: CaseRule | None = None,
    title: str | None = None,
    source: str = "",
    contacts: ContactRules | None = None,
    value_per_case: float = 0.0,
) -> ReportData:
    """The report's analyses ``names`` (of :data:`ANALYSES`) and those they need
    (:data:`NEEDS`), each once, in the report's order: the same code as
    :func:`compute_report`, which asks for them all. The journeys page computes its sections
    this way, each in its own background job."""
    wanted = _with_needs(names)
    rule = rule or CaseRule.given()
    data = ReportData(
        title=title or (f"Journey report: {journey.name}" if journey else "Journey report"),
        journey=journey,
        case_rule=rule.describe(),
        source=source,
        overview={},
    )
    clock = _Clock(data)
    with ExitStack() as stack:
        with clock.analysis("cases"):
            scoped = stack.enter_context(kept(_scope(events, journey, rule)))
        backend = IbisBackend(scoped)
        stack.callback(backend.close)  # the replay its analyses shared, before the table goes
        run = _Run(
            data, clock, scoped, backend, journey, contacts or ContactRules(), value_per_case
        )
        for name in ANALYSES:
            if name in wanted:
                _ANALYSIS[name](run)
    return data


@dataclass
class _Run:
    """What every analysis of one report run reads: the cased events and the options."""

    data: ReportData
    clock: _Clock
    scoped: ibis.Table
    backend: IbisBackend
    journey: Journey | None
    contacts: ContactRules
    value_per_case: float
    given: CaseRule = field(default_factory=CaseRule.given)

    @cached_property
    def large(self) -> bool:
        """Whether the backend cannot hold holistic aggregates (distinct counts, exact
        percentiles) of the scoped events (:meth:`~journeyscope.analytics.backends.Backend.
        fits`): then the report's own figures are counted by sorting, as the analyses'."""
        return not self.backend.fits(self.scoped)


def _with_needs(names: Iterable[str]) -> set[str]:
    wanted = set()
    todo = list(names)
    while todo:
        name = todo.pop()
        if name not in _ANALYSIS:
            close = closest(name, ANALYSES)
            hint = f" (did you mean {', '.join(close)}?)" if close else ""
            raise ValueError(f"no report analysis {name!r}{hint}; known: {', '.join(ANALYSES)}")
        if name not in wanted:
            wanted.add(name)
            todo.extend(NEEDS.get(name, ()))
    return wanted


def _without_design(run: _Run, *keys: str) -> bool:
    """Whether there is no design; if so, ``keys`` are marked missing for that reason."""
    if run.journey is not None:
        return False
    for key in keys:
        run.data.missing[key] = "no designed journey given (--design FILE)"
    return True


def overview_analysis(run: _Run) -> None:
    with run.clock.analysis("overview"):
        run.data.overview = _overview(run.scoped, large=run.large)


def process_analysis(run: _Run) -> None:
    with run.clock.analysis("process map"):
        run.data.process = run.backend.run(DfgQuery(case_rule=run.given))


def variants_analysis(run: _Run) -> None:
    with run.clock.analysis("variants"):
        run.data.variants = run.backend.run(
            VariantsQuery(case_rule=run.given, top=TOP_PATHS, coverage=COVERAGE)
        )


def loops_analysis(run: _Run) -> None:
    with run.clock.analysis("loops"):
        run.data.paths = run.backend.run(
            PathsQuery(case_rule=run.given, steps=2, collapse_repeats=True, loops=True, top_edges=1)
        )


def channels_analysis(run: _Run) -> None:
    data, journey = run.data, run.journey
    names = [r["channel"] for r in data.overview.get("per_channel", [])]
    if names:
        with run.clock.analysis("channels"):
            data.channels = run.backend.run(
                ChannelsQuery(
                    case_rule=run.given,
                    contacts=run.contacts,
                    outcomes=tuple(journey.outcome_activities()) if journey else (),
                    repeat_within=REPEAT_WITHIN,
                )
            )
    else:
        data.missing["channels"] = "the events carry no channel"


def funnel_analysis(run: _Run) -> None:
    data, journey = run.data, run.journey
    steps = design_funnel(journey) if journey is not None else _funnel_from(data.variants)
    if len(steps) >= 2:
        window = journey.outcome.within if journey is not None else None
        with run.clock.analysis("funnel"):
            data.funnel = run.backend.run(
                FunnelQuery(case_rule=run.given, steps=tuple(steps), window=window, dropped_limit=0)
            )
    else:
        data.missing["funnel"] = "fewer than two steps to make a funnel of"


def conformance_analysis(run: _Run) -> None:
    if _without_design(run, "journey-map", "blueprint", "conformance"):
        return
    assert run.journey is not None
    with run.clock.analysis("conformance"):
        # the backend's replay: the moments and the backlog's moments read the same one
        replay = run.backend.conformance(run.scoped, run.journey, run.given)
        run.data.conformance = replay.collect()


def step_times_analysis(run: _Run) -> None:
    if run.journey is None:
        return
    with run.clock.analysis("step times"):
        rows = step_times(run.scoped, run.journey, large=run.large).to_pyarrow().to_pylist()
        run.data.step_medians = {
            r["step"]: float(r["median_seconds"]) for r in rows if r["median_seconds"] is not None
        }


def moments_analysis(run: _Run) -> None:
    if _without_design(run, "moments"):
        return
    assert run.journey is not None
    adjust = ("segment",) if _has_property(run.scoped, "segment") else ()
    with run.clock.analysis("moments"):
        run.data.moments = run.backend.run(
            MomentsQuery(case_rule=run.given, journey=run.journey, adjust=adjust)
        )


def emotion_analysis(run: _Run) -> None:
    if run.journey is None:
        return
    with run.clock.analysis("emotion"):
        run.data.emotion = run.backend.run(EmotionQuery(case_rule=run.given, journey=run.journey))


def value_analysis(run: _Run) -> None:
    if _without_design(run, "value"):
        return
    assert run.journey is not None
    with run.clock.analysis("value"):
        run.data.value = run.backend.run(
            ValueQuery(
                case_rule=run.given,
                journey=run.journey,
                contacts=run.contacts,
                value_per_case=run.value_per_case,
            )
        )


def outcome_analysis(run: _Run) -> None:
    if _without_design(run, "attribution", "retention"):
        return
    assert run.journey is not None
    _outcome_analyses(run.data, run.backend, run.journey, run.clock)


def lifecycle_analysis(run: _Run) -> None:
    """New, returning, resurrecting and dormant customers per period, on the same events
    and period as the retention (with or without a design), so the two reconcile: each
    period's new customers are that period's retention cohort."""
    from journeyscope.analytics.retention import LifecycleQuery, run_lifecycle

    with run.clock.analysis("lifecycle"):
        run.data.lifecycle = run_lifecycle(
            run.backend,
            LifecycleQuery(case_rule=run.given, period=retention_period(run.data.overview)),
        )


def backlog_analysis(run: _Run) -> None:
    if _without_design(run, "backlog"):
        return
    assert run.journey is not None
    data = run.data
    with run.clock.analysis("backlog"):
        data.backlog = story_map_on(
            run.backend,
            run.journey,
            value_per_case=run.value_per_case,
            satisfaction=data.moments,
            value=data.value,
            conformance=data.conformance,
        )


def silent_analysis(run: _Run) -> None:
    respondents = _respondents(run.scoped, "NPS", large=run.large)
    if respondents >= MIN_RESPONDENTS:
        with run.clock.analysis("silent"):
            run.data.silent = run.backend.run(SilentQuery(case_rule=run.given))
    else:
        run.data.missing["silent"] = (
            f"{respondents:,} customers answered NPS: the estimates need at least {MIN_RESPONDENTS}"
            if respondents
            else "no NPS answers in the data"
        )


_ANALYSIS: Final[dict[str, Callable[[_Run], None]]] = {
    "overview": overview_analysis,
    "process map": process_analysis,
    "variants": variants_analysis,
    "loops": loops_analysis,
    "channels": channels_analysis,
    "funnel": funnel_analysis,
    "conformance": conformance_analysis,
    "step times": step_times_analysis,
    "moments": moments_analysis,
    "emotion": emotion_analysis,
    "value": value_analysis,
    "attribution and retention": outcome_analysis,
    "lifecycle": lifecycle_analysis,
    "backlog": backlog_analysis,
    "silent": silent_analysis,
}
#: The report's analyses, in the order the report runs them.
ANALYSES: Final = tuple(_ANALYSIS)
#: What each analysis reads from those before it (run with it when it is asked alone).
NEEDS: Final[dict[str, tuple[str, ...]]] = {
    "channels": ("overview",),
    "funnel": ("variants",),
    "attribution and retention": ("overview",),
    "lifecycle": ("overview",),
    "backlog": ("conformance", "moments", "value"),
}


def _outcome_analyses(
    data: ReportData, backend: IbisBackend, journey: Journey, clock: _Clock
) -> None:
    """Attribution of the design's outcome to channels, and retention by month (week or day
    for data spanning under 60 or 14 days): run once each where the design has an outcome
    (:mod:`journeyscope.render.report_attribution` draws them)."""
    from journeyscope.analytics.attribution import AttributionQuery, run_attribution
    from journeyscope.analytics.retention import RetentionQuery, run_retention

    outcomes = tuple(journey.outcome_activities())
    if not outcomes:
        for key in ("attribution", "retention"):
            data.missing[key] = "the design names no outcome activity"
        return
    given = CaseRule.given()
    if data.overview.get("per_channel"):
        with clock.analysis("attribution"):
            data.attribution = run_attribution(
                backend,
                AttributionQuery(
                    case_rule=given,
                    conversions=outcomes,
                    lookback=LOOKBACK,
                    half_life=timedelta(days=7),
                ),
            )
    else:
        data.missing["attribution"] = "the events carry no channel to credit"
    with clock.analysis("retention"):
        data.retention = run_retention(
            backend,
            RetentionQuery(case_rule=given, period=retention_period(data.overview), periods=6),
        )


def retention_period(overview: dict[str, Any]) -> Literal["day", "week", "month"]:
    """``month`` for data spanning 60 days or more, ``week`` from 14 days, else ``day``.

    >>> retention_period({"first": "2024-01-01", "last": "2024-01-20"})
    'week'
    """
    from datetime import date

    if not overview.get("first") or not overview.get("last"):
        return "month"
    days = (date.fromisoformat(overview["last"]) - date.fromisoformat(overview["first"])).days
    return "month" if days >= 60 else "week" if days >= 14 else "day"


def _has_property(events: ibis.Table, key: str) -> bool:
    """Whether any event's properties hold ``key`` (a cheap look at the JSON text)."""
    hit = events.filter(events.properties.contains(json.dumps(key))).limit(1)
    return bool(hit.count().execute())


def _respondents(events: ibis.Table, survey: str, *, large: bool) -> int:
    """Customers with at least one scored answer to ``survey`` (``large``: counted by
    sorting, :mod:`~journeyscope.analytics.holistic`)."""
    t = events.filter((events.survey_type == survey) & events.survey_score.notnull())
    t, customers = distinct_count(t, [], "customer_id", large=large)
    return int(t.aggregate(n=customers).execute()["n"][0])


def _overview(events: ibis.Table, *, large: bool) -> dict[str, Any]:
    """Events, cases, customers, activities, channels and the first and last day; cases and
    events per channel (``large``: as :func:`_respondents`)."""
    marked, cases = distinct_count(events, [], "case_id", large=large)
    marked, customers = distinct_count(marked, [], "customer_id", large=large)
    row: dict[str, Any] = (
        marked.aggregate(
            events=marked.count(),
            cases=cases,
            customers=customers,
            activities=marked.activity.nunique(),  # a few hundred values at most
            channels=marked.channel.nunique(),
            first=marked.timestamp.min(),
            last=marked.timestamp.max(),
        )
        .to_pyarrow()
        .to_pylist()[0]
    )
    with_channel = events.filter(events.channel.notnull())
    with_channel, cases = distinct_count(with_channel, ["channel"], "case_id", large=large)
    per_channel = (
        with_channel.group_by("channel")
        .aggregate(cases=cases, events=with_channel.count())
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
