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
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import TYPE_CHECKING, Any, Final, Literal

import ibis

from journeyscope.analytics.cases import CaseRule, with_cases
from journeyscope.analytics.channels import ChannelsQuery
from journeyscope.analytics.conformance import conformance
from journeyscope.analytics.contacts import ContactRules
from journeyscope.analytics.emotion import EmotionQuery
from journeyscope.analytics.engines import IbisEngine
from journeyscope.analytics.funnels import FunnelQuery, FunnelStep
from journeyscope.analytics.moments import MomentsQuery
from journeyscope.analytics.paths import PathsQuery
from journeyscope.analytics.process import DfgQuery
from journeyscope.analytics.silent import SilentQuery
from journeyscope.analytics.steps import design_funnel, step_times
from journeyscope.analytics.value import ValueQuery
from journeyscope.analytics.variants import VariantsQuery, VariantsResult
from journeyscope.definitions.models import Journey
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
    from journeyscope.analytics.cohorts import CohortEngine, describe_use
    from journeyscope.services.analyses import engine

    with engine(settings) as e:
        data = compute_report(
            e.events(),
            design,
            rule=rule,
            title=title,
            source=(settings.source or str(settings.store)) if source is None else source,
            contacts=contacts,
            value_per_case=value_per_case,
        )
        if isinstance(e, CohortEngine):  # --cohort: the overview's case line says so
            data.case_rule = (
                f"{data.case_rule.rstrip('. ')}. {describe_use(e.cohort, e.breakdown).rstrip('.')}"
            )
    data.currency = settings.currency
    return data


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
    rule = rule or CaseRule.given()
    contacts = contacts or ContactRules()
    data = ReportData(
        title=title or (f"Journey report: {journey.name}" if journey else "Journey report"),
        journey=journey,
        case_rule=rule.describe(),
        source=source,
        overview={},
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
        if names:
            with clock.analysis("channels"):
                data.channels = engine.run(
                    ChannelsQuery(
                        case_rule=given,
                        contacts=contacts,
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
                data.value = engine.run(
                    ValueQuery(
                        case_rule=given,
                        journey=journey,
                        contacts=contacts,
                        value_per_case=value_per_case,
                    )
                )
            _outcome_analyses(data, engine, journey, clock)
            with clock.analysis("backlog"):
                data.backlog = story_map_on(
                    engine,
                    journey,
                    value_per_case=value_per_case,
                    satisfaction=data.moments,
                    value=data.value,
                    conformance=data.conformance,
                )
        else:
            for key in (
                *("journey-map", "blueprint", "conformance", "moments", "value", "backlog"),
                *("attribution", "retention"),
            ):
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


def _outcome_analyses(
    data: ReportData, engine: IbisEngine, journey: Journey, clock: _Clock
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
                engine,
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
            engine,
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
