"""Cohorts by rule and by list, as a filter and as a breakdown of other analyses, saved and
loaded; membership checked by hand on declared journeys and against plain SQL on real data."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest
from analytics_kit import BASE, RealLog, as_json, count_replays, line_journey, stored
from pydantic import ValidationError

from journeyscope.analytics import Backend, FunnelQuery, IbisBackend, InvalidQueryError
from journeyscope.analytics.attribution import AttributionQuery, run_attribution
from journeyscope.analytics.cases import CaseRule
from journeyscope.analytics.cohorts import (
    NONE,
    Cohort,
    CohortBackend,
    Condition,
    filter_events,
    load,
    members,
    read_list,
    save,
    with_cohort,
)
from journeyscope.analytics.moments import MomentsQuery
from journeyscope.analytics.retention import RetentionQuery, run_retention
from journeyscope.events import Store

Declared = Callable[..., Backend]
# segment property = "seg-" + the case's first letter; customer = the part after "~"
LOG = {
    "a1~p1": "Visit/web@0 Visit/web@1 Buy/web@2",
    "a2~p2": "Visit/app@0 Call/phone@5",
    "b3~p3": "Visit/web@0 Buy/app@1",
    "b4~p4": "Call/phone@0 Call/phone@9 Call/phone@20",
}


def who(backend: Backend, cohort: Cohort) -> set[str]:
    return {r["who"] for r in backend.rows(members(backend.events(), cohort))}


@pytest.mark.both_engines
def test_rules_by_hand(declared: Declared) -> None:
    e = declared(LOG)
    buy = Condition(activity="Buy")
    assert who(e, Cohort(name="buyers", conditions=(buy,))) == {"p1", "p3"}
    assert who(e, Cohort(name="x", conditions=(Condition(activity="Visit", min_count=2),))) == {
        "p1"
    }
    not_buy = Condition(activity="Buy", negate=True)
    assert who(e, Cohort(name="x", conditions=(not_buy,))) == {"p2", "p4"}
    seg_b = Condition(property="segment", equals="seg-b")
    assert who(e, Cohort(name="x", conditions=(seg_b, buy))) == {"p3"}
    late = Condition(activity="Call", since=BASE + timedelta(minutes=5))
    assert who(e, Cohort(name="x", conditions=(late,))) == {"p2", "p4"}
    early = Condition(activity="Call", until=BASE + timedelta(minutes=5), min_count=1)
    assert who(e, Cohort(name="x", conditions=(early,))) == {"p4"}
    phone = Condition(property="channel", equals="phone", min_count=3)
    assert who(e, Cohort(name="x", conditions=(phone,))) == {"p4"}


@pytest.mark.both_engines
def test_list_cohort_keeps_only_known_customers(declared: Declared) -> None:
    e = declared(LOG)
    assert who(e, Cohort(name="vip", customers=("p2", "p4", "nobody"))) == {"p2", "p4"}


def test_as_a_filter_of_the_funnel_and_retention(declared: Declared) -> None:
    e = declared(LOG)
    buyers = Cohort(name="buyers", conditions=(Condition(activity="Buy"),))
    kept = IbisBackend(filter_events(e.events(), buyers))
    f = kept.run(FunnelQuery(steps=("Visit", "Buy")))
    assert [s.cases for s in f.steps] == [2, 2]
    r = run_retention(kept, RetentionQuery(period="day", periods=1))
    assert sum(c.customers for c in r.cohorts) == 2


def test_as_a_breakdown(declared: Declared) -> None:
    e = declared(LOG)
    cohorts = [
        Cohort(name="callers", conditions=(Condition(activity="Call"),)),
        Cohort(name="web", conditions=(Condition(property="channel", equals="web"),)),
    ]
    labelled = IbisBackend(with_cohort(e.events(), cohorts))
    f = labelled.run(FunnelQuery(steps=("Visit", "Buy"), breakdown="cohort"))
    # p2 and p4 call (first listed cohort wins for p2), p1 and p3 used the web
    assert {g.value: g.steps for g in f.breakdown} == {"callers": [1, 0], "web": [2, 2]}
    a = run_attribution(labelled, AttributionQuery(conversions=("Buy",), breakdown="cohort"))
    assert {s.segment: s.conversions for s in a.by_segment} == {"callers": 0, "web": 2}
    rows = labelled.rows(labelled.events().select("cohort").distinct())
    assert NONE not in {r["cohort"] for r in rows}


@pytest.mark.both_engines
def test_a_cohorts_analyses_read_one_replay_kept_by_the_backend_it_narrows(
    declared: Declared, monkeypatch: pytest.MonkeyPatch
) -> None:
    design = line_journey("shop", ["Visit", "Buy"])
    replays = count_replays(monkeypatch)
    inner = declared(LOG)
    buyers = CohortBackend(inner, Cohort(name="buyers", conditions=(Condition(activity="Buy"),)))
    kept = buyers.conformance(buyers.events(), design, CaseRule.given())
    for outcome in ("completion", "satisfaction"):  # the cohort's events, built again, read it
        buyers.run(MomentsQuery(outcome=outcome, journey=design, min_cases=1))
    assert kept.collect().cases == 2  # a1 and b3, the buyers' cases
    assert len(replays) == 1
    # kept by the backend the cohort narrows; everyone's events are another replay
    assert inner.conformance(buyers.events(), design, CaseRule.given()) is kept
    assert inner.conformance(inner.events(), design, CaseRule.given()) is not kept
    buyers.close()  # closes the inner backend, which drops what it kept
    assert inner.conformance(buyers.events(), design, CaseRule.given()) is not kept


def test_save_and_load(tmp_path: Path) -> None:
    cohort = Cohort(
        name="students",
        conditions=(
            Condition(property="segment", equals="student"),
            Condition(activity="Call", negate=True, min_count=2),
        ),
    )
    path = save(cohort, tmp_path / "c" / "students.json")
    assert load(path) == cohort
    assert cohort.describe() == (
        "students: customers with at least 1 event with segment = student and "
        "fewer than 2 Call events"
    )
    bad = tmp_path / "bad.json"
    bad.write_text('{"name": "x", "conditons": [{"activity": "A"}]}')
    with pytest.raises(InvalidQueryError, match="did you mean conditions"):
        load(bad)
    with pytest.raises(InvalidQueryError, match="no such cohort file"):
        load(tmp_path / "missing.json")
    ids = tmp_path / "ids.txt"
    ids.write_text("# vip\np1\n\np2\np1\n")
    assert read_list(ids) == ("p1", "p2")


def test_a_cohort_is_a_rule_or_a_list() -> None:
    with pytest.raises(ValidationError, match="either conditions or a list"):
        Cohort(name="x")
    with pytest.raises(ValidationError, match="property and equals go together"):
        Condition(property="segment")


@pytest.mark.both_engines
def test_complements_partition_the_synthetic_customers(
    synthetic_store: Store, backend: str
) -> None:
    b = stored(synthetic_store, backend)
    keys = Condition(activity="Collect keys")
    did = who(b, Cohort(name="movers", conditions=(keys,)))
    did_not = who(b, Cohort(name="others", conditions=(keys.model_copy(update={"negate": True}),)))
    total = synthetic_store.con.execute("SELECT count(DISTINCT customer_id) FROM events").fetchall()
    assert not did & did_not and len(did | did_not) == total[0][0] and did


@pytest.mark.both_engines
def test_real_log_cohort_matches_sql(real_log: Callable[[str], RealLog], backend: str) -> None:
    with Store(real_log("receipt.csv").store) as store:
        internet = Cohort(
            name="internet", conditions=(Condition(property="channel", equals="Internet"),)
        )
        got = who(stored(store, backend), internet)
        sql = store.con.execute(
            "SELECT DISTINCT coalesce(customer_id, case_id) FROM events WHERE channel = 'Internet'"
        ).fetchall()
    assert got == {r[0] for r in sql} and got


def test_cli_saves_a_cohort_and_narrows_analyses_to_it(
    real_log: Callable[[str], RealLog], tmp_path: Path
) -> None:
    import json

    from typer.testing import CliRunner

    from journeyscope.cli import app

    runner = CliRunner()
    store = str(real_log("receipt.csv").store)
    file = str(tmp_path / "internet.json")
    saved = runner.invoke(
        app, ["cohort", "save", "internet", "--out", file, "--where", "channel=Internet"]
    )
    assert saved.exit_code == 0, saved.stderr
    shown = runner.invoke(app, ["cohort", "show", file, "--store", store, "--json"])
    size = json.loads(shown.stdout)["customers"]
    out = runner.invoke(
        app, ["lifecycle", "--store", store, "--period", "month", "--cohort", file, "--json"]
    )
    assert out.exit_code == 0, out.stderr
    assert sum(p["new"] for p in json.loads(out.stdout)["periods"]) == size > 0
    every = runner.invoke(app, ["lifecycle", "--store", store, "--period", "month", "--json"])
    assert sum(p["new"] for p in json.loads(every.stdout)["periods"]) == 1434 > size
    typo = runner.invoke(app, ["cohort", "save", "x", "--out", file, "--where", "channel"])
    assert typo.exit_code == 2 and "PROPERTY=VALUE" in typo.stderr


@pytest.mark.spark
@pytest.mark.slow
def test_duckdb_and_spark_agree(spark: object, real_log: Callable[[str], RealLog]) -> None:
    from journeyscope.analytics import DuckDBBackend, SparkBackend
    from journeyscope.analytics.cohorts import CohortBackend

    log = real_log("receipt.csv")
    cohort = Cohort(
        name="x",
        conditions=(
            Condition(property="channel", equals="Internet"),
            Condition(activity="T03 Adjust confirmation of receipt", negate=True),
        ),
    )
    steps = ("Confirmation of receipt", "T02 Check confirmation of receipt")
    # one backend at a time: the store is opened by one of them only
    with DuckDBBackend(log.store) as duck:
        a = CohortBackend(duck, cohort).run(FunnelQuery(steps=steps))
    with SparkBackend(log.store, session=spark) as sparky:  # type: ignore[arg-type]
        b = CohortBackend(sparky, cohort).run(FunnelQuery(steps=steps))
    assert as_json(a) == as_json(b) and 0 < a.steps[0].cases < 1434
