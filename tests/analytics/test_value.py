"""Value stream: volumes, waiting and processing time, cost to serve, failure demand and the
opportunity ranking; pinned by journeys declared as data, checked on the synthetic data and
on a real log."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest
from analytics_kit import RealLog, as_json, backend_for, journeys, stored

from journeyscope import synthetic
from journeyscope.analytics import DuckDBBackend, SparkBackend, ValueQuery
from journeyscope.analytics.contacts import ContactRules
from journeyscope.definitions import Journey
from journeyscope.definitions.loader import load_journey
from journeyscope.events import Store

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "journeys"
HOUR = timedelta(hours=1)
COSTS = {"web": 1.0, "app": 1.0, "phone": 10.0, "branch": 20.0}

JOURNEY = Journey.model_validate(
    {
        "id": "tiny",
        "name": "Tiny",
        "job_to_be_done": "Get it done.",
        "outcome": {"description": "Done", "step": "c"},
        "stages": [
            {
                "id": "s1",
                "name": "One",
                "steps": [
                    {"id": "a", "name": "Step A", "activities": ["A"]},
                    {"id": "b", "name": "Step B", "activities": ["B"]},
                ],
            },
            {
                "id": "s2",
                "name": "Two",
                "steps": [
                    {"id": "c", "name": "Step C", "activities": ["C"]},
                    {
                        "id": "help",
                        "name": "Help",
                        "activities": ["Call"],
                        "anytime": True,
                        "interaction": {"on_demand": True},
                    },
                ],
            },
        ],
    }
)

# c1: the online error (e2) is followed by a call and by B done in the branch: both are
#     failure demand of B (the step attempted next), the branch visit being the attempt
# c2: B (e7) is followed by going back to A: not a failure by itself; its call is a contact
# c3: the error is not followed by any step (unattributed); both calls after it are failure
#     demand (no step attempt in between), unattributed
# c4: clean, with its own cost on C (e17)        c5: only a call: no step, out of scope
FAILURES = ("Online error",)
CASES = {
    "c1": "A/web@0 Online_error/web@1 Call/phone@2 B/branch@3 C/web@10",
    "c2": "A/web@0 B/web@2 A/web@3 Call/phone@4 B/web@5",
    "c3": "A/app@0 Online_error/app@1 Call/phone@2 Call/phone@300",
    "c4": "A/web@0 B/web@1 C/web@2",
    "c5": "Call/phone@0",
}


def patched(table: pa.Table, changes: dict[str, dict[str, Any]]) -> pa.Table:
    """The table with some columns of the events named by id replaced."""
    rows: list[dict[str, Any]] = table.to_pylist()
    for row in rows:
        row.update(changes.get(row["event_id"], {}))
    return pa.Table.from_pylist(rows, schema=table.schema)


def tiny() -> pa.Table:
    return patched(journeys(CASES, unit=HOUR), {"e17": {"cost": 5.0}})


def test_value_stream_by_hand(backend: str) -> None:
    q = ValueQuery(
        journey=JOURNEY, channel_costs=COSTS, value_per_case=100.0, failure_activities=FAILURES
    )
    r = backend_for(tiny(), backend).run(q)
    t = r.totals
    assert (t.events, t.cases, t.cost) == (17, 4, 76.0)
    assert t.cost_from == {"column": 1, "table": 16, "none": 0}
    assert (t.assisted_contacts, t.failure_demand_contacts, t.failure_demand_cost) == (5, 4, 50.0)
    assert (t.unattributed_failures, t.unattributed_demand_contacts) == (1, 2)
    assert (t.processing_observed, t.flow_efficiency) == (False, None)
    steps = {s.step: s for s in r.steps}
    assert list(steps) == ["a", "b", "c"]  # the anytime help step is not a step of the stream
    a, b, c = steps["a"], steps["b"], steps["c"]
    assert (a.events, a.cases, a.cost, a.failures) == (5, 4, 5.0, 0)
    assert (a.waiting.observed, a.waiting.total_hours) == (1, 1.0)
    assert (b.events, b.cases, b.occurrences, b.cost, b.cost_per_case) == (
        4,
        3,
        4,
        23.0,
        round(23 / 3, 6),
    )
    assert [(x.channel, x.events, x.cost) for x in b.by_channel] == [
        ("branch", 1, 20.0),
        ("web", 3, 3.0),
    ]
    assert (b.waiting.observed, b.waiting.total_hours, b.waiting.mean_hours) == (4, 5.0, 1.25)
    assert b.processing is None and b.flow_efficiency is None
    assert (b.failures, b.failed_cases, b.failure_rate) == (1, 1, round(1 / 3, 6))
    assert (b.failure_demand_contacts, b.failure_demand_cost) == (2, 30.0)
    assert (b.outcome_rate_failed, b.outcome_rate_other) == (1.0, 0.5)
    # volume 3 x gap 1/3 x impact (30 / 1 + 100 x max(0, 0.5 - 1.0)) = 30
    assert b.opportunity == pytest.approx(30.0)
    assert (c.cases, c.cost, c.waiting.total_hours, c.waiting.mean_hours) == (2, 6.0, 8.0, 4.0)
    assert [(o.rank, o.step, o.volume, o.impact, o.value) for o in r.opportunities] == [
        (1, "b", 3, 30.0, 30.0)
    ]
    assert r.outcomes == ["C"] and "volume x gap x impact" in r.semantics
    assert "not observed" in r.semantics and "failures: Online error" in r.classification


def test_nothing_fails_unless_declared_and_going_back_is_not_failure(backend: str) -> None:
    r = backend_for(tiny(), backend).run(ValueQuery(journey=JOURNEY))
    assert r.failure_activities == [] and r.totals.failure_demand_contacts == 0
    assert all(s.failures == 0 for s in r.steps) and r.opportunities == []
    assert "none declared" in r.semantics
    declared = JOURNEY.model_copy(update={"failure_activities": list(FAILURES)})
    from_design = backend_for(tiny(), backend).run(ValueQuery(journey=declared))
    assert from_design.failure_activities == list(FAILURES)
    assert from_design.totals.failure_demand_contacts == 4


@pytest.mark.slow
def test_cost_sources(backend: str) -> None:
    b = backend_for(tiny(), backend)
    only_table = b.run(ValueQuery(journey=JOURNEY, channel_costs=COSTS, cost_source="table"))
    assert only_table.totals.cost == 72.0 and only_table.totals.cost_from["table"] == 17
    only_column = b.run(ValueQuery(journey=JOURNEY, channel_costs=COSTS, cost_source="column"))
    assert only_column.totals.cost == 5.0 and only_column.totals.cost_from["none"] == 16
    # no outcome value and no costs: the opportunity is the failure-demand cost, 0
    plain = b.run(ValueQuery(journey=JOURNEY, failure_activities=FAILURES))
    assert plain.opportunities[0].value == 0.0


def test_without_a_journey_steps_are_activities(backend: str) -> None:
    q = ValueQuery(channel_costs=COSTS, failure_activities=FAILURES)
    r = backend_for(tiny(), backend).run(q)
    steps = {s.step: s for s in r.steps}
    # failures and help contacts (calls) are no steps; B done in the branch is
    assert set(steps) == {"A", "B", "C"} and r.journey is None
    assert r.totals.cases == 5  # every case, the call-only one included
    assert r.totals.assisted_contacts == 6 and steps["B"].failures == 1
    assert r.totals.failure_demand_contacts == 4 and steps["B"].failure_demand_contacts == 2
    assert r.totals.unattributed_demand_contacts == 2 and r.outcomes == []


def test_processing_time_from_lifecycle_pairs(backend: str) -> None:
    table = journeys({"c1": "A@0 A@2 B@5 B@6", "c2": "A@0 B@1 B@3"}, unit=HOUR)
    life = ["start", "complete", "start", "complete", "complete", "start", "complete"]
    table = patched(
        table,
        {
            f"e{i}": {"properties": json.dumps({"lifecycle:transition": x})}
            for i, x in enumerate(life, start=1)
        },
    )
    r = backend_for(table, backend).run(ValueQuery(journey=JOURNEY))
    steps = {s.step: s for s in r.steps}
    a, b = steps["a"], steps["b"]
    assert (a.events, a.occurrences) == (3, 2)  # the paired complete is not a new occurrence
    assert a.processing is not None and (a.processing.observed, a.processing.total_hours) == (
        1,
        2.0,
    )
    assert a.flow_efficiency is None  # A's occurrences have no waiting time and processing both
    assert b.processing is not None and (b.processing.observed, b.processing.total_hours) == (
        2,
        3.0,
    )
    assert (b.waiting.observed, b.waiting.total_hours) == (2, 4.0)
    assert b.flow_efficiency == round(3 / 7, 6) and r.totals.flow_efficiency == round(3 / 7, 6)
    assert r.totals.processing_observed and "complete - start" in r.semantics


def test_lifecycle_pairs_are_the_same_among_cases_without_lifecycles(backend: str) -> None:
    """Only cases with a transition pair their events: a case without one beside them adds
    its events and occurrences, untimed, and changes no pair."""
    plan = {"c1": "A@0 A@2 B@5 B@6", "c2": "A@0 B@1 B@3"}
    life = ["start", "complete", "start", "complete", "complete", "start", "complete"]
    changes = {
        f"e{i}": {"properties": json.dumps({"lifecycle:transition": x})}
        for i, x in enumerate(life, start=1)
    }
    alone = patched(journeys(plan, unit=HOUR), changes)
    mixed = patched(journeys({**plan, "c3": "A@0 A@2 B@5"}, unit=HOUR), changes)
    before = {s.step: s for s in backend_for(alone, backend).run(ValueQuery(journey=JOURNEY)).steps}
    after = {s.step: s for s in backend_for(mixed, backend).run(ValueQuery(journey=JOURNEY)).steps}
    for step, added in (("a", 2), ("b", 1)):
        assert after[step].processing == before[step].processing
        assert after[step].events == before[step].events + added
        assert after[step].occurrences == before[step].occurrences + added


@pytest.mark.slow
def test_scheduled_events_are_no_occurrences(backend: str) -> None:
    table = journeys({"c1": "A@0 A@1 A@3 B@4"}, unit=HOUR)
    life = ["schedule", "start", "complete", "complete"]
    table = patched(
        table,
        {
            f"e{i}": {"properties": json.dumps({"lifecycle:transition": x})}
            for i, x in enumerate(life, start=1)
        },
    )
    a = {s.step: s for s in backend_for(table, backend).run(ValueQuery(journey=JOURNEY)).steps}["a"]
    assert (a.events, a.occurrences) == (3, 1)  # the start only: scheduled 1 hour before
    assert (a.waiting.observed, a.waiting.total_hours) == (1, 1.0)
    assert a.processing is not None and a.processing.total_hours == 2.0


@pytest.mark.both_engines
def test_synthetic_failure_demand_follows_the_generator(
    synthetic_store: Store, backend: str
) -> None:
    journey = load_journey(EXAMPLES / "tenancy.yaml")
    rules = ContactRules.from_catalogue(synthetic.catalogue())
    r = stored(synthetic_store, backend).run(ValueQuery(journey=journey, contacts=rules))
    steps = {s.step: s for s in r.steps}
    # the cost column is there on every event, and the totals are the tenancy cases' events
    regular = [a for s in journey.steps if not s.anytime for a in s.activities]
    in_scope = "case_id IN (SELECT case_id FROM events WHERE list_contains(?, activity))"
    row = synthetic_store.con.execute(
        f"SELECT count(*), count(DISTINCT case_id), sum(cost) FROM events WHERE {in_scope}",
        [regular],
    ).fetchall()[0]
    assert (r.totals.events, r.totals.cases) == (row[0], row[1])
    assert r.totals.cost == pytest.approx(row[2]) and r.totals.cost_from["column"] == row[0]
    assert sum(s.cost for s in r.steps) <= r.totals.cost
    # 'Upload documents' fails most often online (14 %): the most failure demand in tenancy
    upload = steps["upload_documents"]
    others = [s for s in r.steps if s.step != "upload_documents"]
    assert all(upload.failure_demand_contacts > s.failure_demand_contacts for s in others)
    assert all(upload.failure_demand_cost > s.failure_demand_cost for s in others)
    assert r.opportunities[0].step == "upload_documents"  # no outcome value: cost only
    # steps that are never digital and never stepped back from cannot fail
    for sid in ("attend_viewing", "collect_keys", "move_in_check"):
        assert steps[sid].failures == 0 and steps[sid].failure_demand_contacts == 0
    # the contacts and the failure demand are the generator's truth, in the tenancy cases
    known = synthetic_store.con.execute(
        f"SELECT count(*) FILTER (WHERE json_extract_string(properties, '$.true_initiator') = "
        "'customer'), count(*) FILTER (WHERE json_extract_string(properties, "
        "'$.true_caused_by_failure') = 'true') FROM events WHERE survey_type IS NULL AND "
        f"channel IN ('phone', 'chat', 'branch', 'email', 'field visit') AND {in_scope}",
        [regular],
    ).fetchall()[0]
    assert (r.totals.assisted_contacts, r.totals.failure_demand_contacts) == known
    assert r.failure_activities == ["Online error"]
    assert not r.totals.processing_observed


@pytest.mark.both_engines
def test_value_stream_on_the_receipt_log(real_log: Callable[[str], RealLog], backend: str) -> None:
    log = real_log("receipt.csv")
    costs = {"Internet": 0.5, "Desk": 12.0, "Post": 3.0, "e-mail": 1.5}
    with Store(log.store) as store:
        r = stored(store, backend).run(ValueQuery(channel_costs=costs))
        con = store.con
        per_channel = dict(
            con.execute("SELECT channel, count(*) FROM events GROUP BY channel").fetchall()
        )
        span = con.execute(
            "SELECT sum(epoch_ms(b) - epoch_ms(a)) / 3600000.0 FROM (SELECT min(timestamp) a,"
            " max(timestamp) b FROM events GROUP BY case_id)"
        ).fetchall()[0][0]
    assert (r.totals.events, r.totals.cases) == (8577, 1434)
    assert r.totals.cost == pytest.approx(
        sum(costs.get(k, 0.0) * n for k, n in per_channel.items())
    )
    assert r.totals.cost_from == {
        "column": 0,
        "table": sum(n for k, n in per_channel.items() if k in costs),
        "none": sum(n for k, n in per_channel.items() if k not in costs),
    }
    # only 'complete' lifecycles: processing time is not observed
    assert not r.totals.processing_observed and all(s.processing is None for s in r.steps)
    # every event but each case's first waits for its previous one: the waits add up to the spans
    assert sum(s.events for s in r.steps) == 8577
    assert sum(s.waiting.observed for s in r.steps) == 8577 - 1434
    assert sum(s.waiting.total_hours for s in r.steps) == pytest.approx(span, rel=1e-6)
    assert r.steps[0].step == "Confirmation of receipt" and r.steps[0].cases == 1434
    assert r.totals.failure_demand_contacts == 0 and r.opportunities == []


@pytest.mark.spark
@pytest.mark.slow
def test_duckdb_and_spark_agree(spark: object, tmp_path: Path) -> None:
    path = tmp_path / "tiny.duckdb"
    with Store(path) as store:
        store.con.register("tiny", tiny())
        store.con.execute("INSERT INTO events SELECT * FROM tiny")
    query = ValueQuery(journey=JOURNEY, channel_costs=COSTS, value_per_case=100.0)
    with DuckDBBackend(path) as duck, SparkBackend(path, session=spark) as sparky:  # type: ignore[arg-type]
        assert as_json(sparky.run(query)) == as_json(duck.run(query))


def test_counted_by_sorting_the_value_stream_is_the_same(
    synthetic_store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """For more events than DuckDB holds the cases of each step of, the backend has them
    counted by sorting (analytics/holistic.py): the same value stream."""
    query = ValueQuery(
        journey=load_journey(EXAMPLES / "tenancy.yaml"),
        contacts=ContactRules.from_catalogue(synthetic.catalogue()),
    )
    backend = stored(synthetic_store, "duckdb")
    held = backend.run(query)
    monkeypatch.setattr(backend, "fits", lambda t: False)
    assert as_json(backend.run(query)) == as_json(held)
    assert held.totals.cases and any(s.failed_cases for s in held.steps)
