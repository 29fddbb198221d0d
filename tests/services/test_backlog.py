"""The backlog of a designed journey (services/backlog.py): the data span, the closed cases and
the main path its funnel uses, the story map built from the evidence (drop-offs and failure
demand computed by hand on journeys declared as data), the settings' channel costs, and the
before/after comparison of a step on a small store built here."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from analytics_kit import BASE, backend_for, journeys

from journeyscope.analytics.moments import MomentsQuery
from journeyscope.config import Settings
from journeyscope.definitions.models import Journey
from journeyscope.errors import InvalidQueryError, StoreError
from journeyscope.events import Store
from journeyscope.services import backlog
from journeyscope.services.backlog import (
    YEAR_S,
    build_backlog,
    closed_cases,
    compare_step,
    data_span,
    main_path,
    story_map_on,
)

DAY = timedelta(days=1)


def _journey(**extra: Any) -> Journey:
    """Steps A, B (optional ``x`` between them when asked), C; the outcome is C within 2 days."""
    return Journey.model_validate(
        {
            "id": "j",
            "name": "J",
            "job_to_be_done": "Get it done.",
            "outcome": {"description": "Done", "step": "c", "within": "2d"},
            "stages": [
                {
                    "id": "s",
                    "name": "S",
                    "steps": [
                        {"id": "a", "name": "A", "activities": ["A"]},
                        {"id": "b", "name": "B", "activities": ["B"], "opportunities": ["Fix B"]},
                        {"id": "c", "name": "C", "activities": ["C"]},
                    ],
                }
            ],
            **extra,
        }
    )


JOURNEY = _journey()
# c5 starts too late for its 2-day window to close before the last designed event (A on day
# 9); X, on day 30, is no activity of the design, so the data ends on day 9.
CASES = {
    "c1": "A@0 B@1 C@1.5",
    "c2": "A@0 B@1",
    "c3": "A@1",
    "c4": "A@2 B@2.5 C@3",
    "c5": "A@9 X@30",
}
YEARS = 9 * 86400 / YEAR_S


class NoMoments:
    """The backend, but moments of truth answer none (they are tested in tests/analytics and
    cost a second each); records the outcomes asked for."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.name = inner.name
        self.asked: list[str] = []

    def events(self) -> Any:
        return self.inner.events()

    def arrow(self, expr: Any) -> Any:
        return self.inner.arrow(expr)

    def run(self, query: Any) -> Any:
        if isinstance(query, MomentsQuery):
            self.asked.append(query.outcome)
            return SimpleNamespace(moments=[])
        self.asked.append(type(query).__name__)
        return self.inner.run(query)


def test_the_data_span_is_of_the_designs_activities_only() -> None:
    backend = backend_for(journeys(CASES, unit=DAY))
    assert data_span(backend, JOURNEY) == (BASE, BASE + 9 * DAY)


@pytest.mark.parametrize("cases", [{"c1": "X@0 Y@3"}, {"c1": "A@2 X@5"}])
def test_no_period_of_design_events_is_a_store_error(cases: dict[str, str]) -> None:
    backend = backend_for(journeys(cases, unit=DAY))
    with pytest.raises(StoreError, match=r"no events of the design 'j' over a period of time"):
        data_span(backend, JOURNEY)


def test_closed_cases_keep_every_event_of_the_cases_started_a_window_before_the_end() -> None:
    backend = backend_for(journeys(CASES, unit=DAY))
    kept = backend.arrow(closed_cases(backend, 2 * DAY, BASE + 9 * DAY)).to_pylist()
    assert sorted({r["case_id"] for r in kept}) == ["c1", "c2", "c3", "c4"]
    assert len(kept) == 3 + 2 + 1 + 3
    # a case that started exactly ``window`` before the end is closed
    edge = backend.arrow(closed_cases(backend, 7 * DAY, BASE + 9 * DAY)).to_pylist()
    assert sorted({r["case_id"] for r in edge}) == ["c1", "c2", "c3", "c4"]
    assert backend.arrow(closed_cases(backend, 10 * DAY, BASE + 9 * DAY)).num_rows == 0


def test_the_main_path_leaves_out_an_optional_step() -> None:
    optional = Journey.model_validate(
        {
            **JOURNEY.model_dump(mode="json", exclude_none=True),
            "stages": [
                {
                    "id": "s",
                    "name": "S",
                    "steps": [
                        {"id": "a", "name": "A", "activities": ["A", "A2"]},
                        {"id": "x", "name": "X", "activities": ["X"], "optional": True},
                        {"id": "c", "name": "C", "activities": ["C"]},
                    ],
                }
            ],
        }
    )
    assert main_path(optional) == [("a", "A", ("A", "A2")), ("c", "C", ("C",))]
    assert main_path(JOURNEY) == [("a", "A", ("A",)), ("b", "B", ("B",)), ("c", "C", ("C",))]


def _failing_b() -> SimpleNamespace:
    """The value stream: 4 cases failed at B, worth 36 over the data."""
    step = SimpleNamespace(
        step="b",
        name="B",
        failed_cases=4,
        failure_demand_contacts=6,
        failure_demand_cost=12.0,
        opportunity=36.0,
    )
    return SimpleNamespace(steps=[step])


def test_the_story_map_scores_drop_offs_and_failure_demand_by_hand() -> None:
    journey = _journey(
        stories=[{"id": "s1", "step": "b", "want": "x", "opportunity": "Fix B", "effort": 2}]
    )
    backend = NoMoments(backend_for(journeys(CASES, unit=DAY)))
    found = story_map_on(
        backend,  # type: ignore[arg-type]
        journey,
        value_per_case=10.0,
        satisfaction=SimpleNamespace(moments=[]),  # type: ignore[arg-type]
        value=_failing_b(),  # type: ignore[arg-type]
        conformance=SimpleNamespace(steps=[]),  # type: ignore[arg-type]
    )
    assert backend.asked == ["completion"]  # what the caller had is not run again
    by_id = {o.id: o for o in found.opportunities}
    assert set(by_id) == {"b.fix_b", "c.keep_customers_going_at_c"}
    b = by_id["b.fix_b"]
    assert b.origin == "design" and b.effort == 2  # the story names the title
    # closed cases: 4 start, 3 reach B, 2 reach C within 2 days
    failure, dropped = b.evidence
    assert failure.source == "failure demand"
    assert failure.value_per_year is not None
    assert failure.value_per_year.estimate == pytest.approx(36 / YEARS)
    assert failure.failure_demand_cost_per_year == pytest.approx(12 / YEARS)
    assert failure.analysis == "journeyscope value --design j --value-per-case 10"
    assert dropped.source == "drop-off" and dropped.cases == 1
    assert dropped.value_per_year is not None
    assert dropped.value_per_year.estimate == pytest.approx(1 / 4 * 4 / YEARS * 10)
    assert dropped.finding == (
        "25.0% of the 4 cases that reached the step before never reached B (1 cases)"
    )
    assert dropped.analysis == (
        "journeyscope funnel (the designed main path of j, cases started at least 2d "
        "before the data ends)"
    )
    assert b.value_at_stake == pytest.approx(36 / YEARS)
    assert b.score == pytest.approx(b.value_at_stake * b.confidence / 2)
    c = by_id["c.keep_customers_going_at_c"]
    assert c.origin == "data" and [e.source for e in c.evidence] == ["drop-off"]
    assert c.value_at_stake == pytest.approx(1 / 3 * 3 / YEARS * 10)
    assert c.evidence[0].finding.startswith("33.3% of the 3 cases")
    assert found.semantics == (
        "evidence from 0.02 years of data, annualised; value per completed case 10.00"
    )


def test_drop_offs_under_the_minimum_share_are_left_out() -> None:
    found = story_map_on(
        NoMoments(backend_for(journeys(CASES, unit=DAY))),  # type: ignore[arg-type]
        JOURNEY,
        value_per_case=10.0,
        min_dropoff=0.3,  # B lost 25%, C 33%
        satisfaction=SimpleNamespace(moments=[]),  # type: ignore[arg-type]
        value=SimpleNamespace(steps=[]),  # type: ignore[arg-type]
        conformance=SimpleNamespace(steps=[]),  # type: ignore[arg-type]
    )
    evidence = {(o.step, e.source) for o in found.opportunities for e in o.evidence}
    assert evidence == {("c", "drop-off")}
    fix_b = next(o for o in found.opportunities if o.id == "b.fix_b")
    assert fix_b.value_at_stake is None and fix_b.effort is None  # designed, unmeasured


def test_data_shorter_than_the_window_leaves_drop_offs_out_and_says_so() -> None:
    journey = JOURNEY.model_copy(
        update={"outcome": JOURNEY.outcome.model_copy(update={"within": None})}
    )
    found = story_map_on(
        NoMoments(backend_for(journeys(CASES, unit=DAY))),  # type: ignore[arg-type]
        journey,
        value_per_case=10.0,
        satisfaction=SimpleNamespace(moments=[]),  # type: ignore[arg-type]
        value=SimpleNamespace(steps=[]),  # type: ignore[arg-type]
        conformance=SimpleNamespace(steps=[]),  # type: ignore[arg-type]
    )
    assert not [e for o in found.opportunities for e in o.evidence if e.source == "drop-off"]
    assert found.semantics.endswith(
        "; drop-offs left out: no case started at least 365d before the data ends "
        "(the outcome has no 'within': a year assumed)"
    )


EVENTS = """\
case_id,activity,timestamp,channel
c1,A,2024-01-01T00:00:00Z,web
c1,B,2024-01-02T00:00:00Z,web
c2,A,2024-01-03T00:00:00Z,web
c3,A,2024-03-01T00:00:00Z,app
c3,B,2024-03-01T12:00:00Z,app
c4,A,2024-03-02T00:00:00Z,app
c4,B,2024-03-03T00:00:00Z,app
"""


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    (tmp_path / "events.csv").write_text(EVENTS)
    with Store(tmp_path / "store.duckdb") as store:
        store.ingest(tmp_path / "events.csv")
    return Settings(store=tmp_path / "store.duckdb", channel_costs={"web": 1.0, "phone": 5.0})


def test_the_backlog_runs_on_the_store_with_the_settings_channel_costs_overridden(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: dict[str, Any] = {}

    def story_map(backend: Any, journey: Journey, **options: Any) -> str:
        seen.update(options, events=backend.events().count().execute(), name=backend.name)
        return "the map"

    monkeypatch.setattr(backlog, "story_map_on", story_map)
    done = build_backlog(
        settings, JOURNEY, value_per_case=3.0, channel_costs={"web": 2.0}, min_dropoff=0.2
    )
    assert done == "the map"
    assert seen == {
        "value_per_case": 3.0,
        "channel_costs": {"web": 2.0, "phone": 5.0},
        "min_dropoff": 0.2,
        "events": 7,
        "name": "duckdb",
    }


def test_the_backlog_of_a_missing_store_names_it(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match=r"none\.duckdb: no such store"):
        build_backlog(Settings(store=tmp_path / "none.duckdb"), JOURNEY, value_per_case=1.0)


def test_a_step_before_and_after_a_change_on_the_store(settings: Settings) -> None:
    result = compare_step(
        settings, JOURNEY, "b", BASE + 10 * DAY, BASE + 50 * DAY, channel_costs={"app": 3.0}
    )
    assert (result.journey, result.step, result.step_name) == ("j", "b", "B")
    assert (result.before.cases, result.before.reached) == (2, 1)  # c1 and c2; c1 reached B
    assert (result.after.cases, result.after.reached) == (2, 2)  # c3 and c4
    assert result.median_waiting_hours == (24.0, 18.0)  # c1 24 h; c3 12 h and c4 24 h


def test_a_comparison_with_its_dates_out_of_order_is_an_invalid_query(
    settings: Settings,
) -> None:
    with pytest.raises(InvalidQueryError, match="--after must not be earlier than --before"):
        compare_step(settings, JOURNEY, "b", BASE + DAY, BASE)
