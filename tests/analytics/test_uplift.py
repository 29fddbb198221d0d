"""The uplift analysis on a tiny hand-made log (every number computed by hand below), its
statistics against published values and SciPy, and its errors."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from scipy import stats

from journeyscope.analytics.uplift import (
    UpliftQuery,
    mean_difference,
    rate_difference,
    uplift,
    wilson,
)
from journeyscope.config import Settings
from journeyscope.engine.export import ingest_engine_events
from journeyscope.errors import InvalidQueryError, UnknownNameError
from journeyscope.events import Store
from journeyscope.services.analyses import UPLIFT_TABLES
from journeyscope.services.spark_views import spark_views

pytestmark = pytest.mark.both_engines  # every test here runs on Spark as well


def _t(day: str) -> float:
    return datetime.fromisoformat(day).replace(tzinfo=UTC).timestamp()


def _record(n: int, who: str, entry: int, day: str, activity: str, **props: Any) -> dict[str, Any]:
    return {
        "event_id": f"{who}:r{n}",
        "customer_id": f"acct:{who}",
        "case_id": f"acct:{who}/j#{entry}",
        "timestamp": _t(day),
        "activity": activity,
        "channel": "email" if "interaction" in props else None,
        "properties": {"journey": "j", "version": 1, **props},
    }


# Journey j, customers A-G (T: treatment, H: holdout); goal = "Journey goal reached".
#   A T entered 01-01, sent, goal 01-03, NPS 8          -> reached
#   B T entered 01-02, sent, no goal, NPS 6
#   C T entered 01-02, sent, goal 02-20 (after 30 days)  -> not reached
#   G T entered 01-05 and again 01-10 (counted once), sent at 01-05, goal 01-11 -> reached
#   D H entered 01-01, withheld, goal 01-04, NPS 5 and 7 (mean 6) -> reached
#   E H entered 01-03, withheld, no goal
#   F H entered 03-01 (outside January)
RECORDS = [
    _record(1, "A", 1, "2025-01-01T10:00", "Journey entered", step="s", holdout=False),
    _record(2, "A", 1, "2025-01-01T10:00", "Interaction sent", step="s", interaction="nudge"),
    _record(3, "A", 1, "2025-01-03T10:00", "Journey goal reached"),
    _record(1, "B", 1, "2025-01-02T10:00", "Journey entered", step="s", holdout=False),
    _record(2, "B", 1, "2025-01-02T10:00", "Interaction sent", step="s", interaction="nudge"),
    _record(1, "C", 1, "2025-01-02T10:00", "Journey entered", step="s", holdout=False),
    _record(2, "C", 1, "2025-01-02T10:00", "Interaction sent", step="s", interaction="nudge"),
    _record(3, "C", 1, "2025-02-20T10:00", "Journey goal reached"),
    _record(1, "G", 1, "2025-01-05T10:00", "Journey entered", step="s", holdout=False),
    _record(2, "G", 1, "2025-01-05T10:00", "Interaction sent", step="s", interaction="nudge"),
    _record(3, "G", 2, "2025-01-10T10:00", "Journey entered", step="s", holdout=False),
    _record(4, "G", 2, "2025-01-11T10:00", "Journey goal reached"),
    _record(1, "D", 1, "2025-01-01T10:00", "Journey entered", step="s", holdout=True),
    _record(2, "D", 1, "2025-01-01T10:00", "Interaction withheld", step="s", interaction="nudge"),
    _record(3, "D", 1, "2025-01-04T10:00", "Journey goal reached"),
    _record(1, "E", 1, "2025-01-03T10:00", "Journey entered", step="s", holdout=True),
    _record(2, "E", 1, "2025-01-03T10:00", "Interaction withheld", step="s", interaction="nudge"),
    _record(1, "F", 1, "2025-03-01T10:00", "Journey entered", step="s", holdout=True),
    {  # a decision outside any journey instance: no arm
        "event_id": "Z:r1",
        "customer_id": "acct:Z",
        "case_id": None,
        "timestamp": _t("2025-01-01T09:00"),
        "activity": "Decision",
        "channel": None,
        "properties": {"winner": None},
    },
]
CUSTOMER_EVENTS = [
    # account, day, activity, NPS score
    ("A", "2025-01-02T10:00", "Upload", None),
    ("A", "2025-01-06T10:00", "Survey answered", 8.0),
    ("B", "2025-01-07T10:00", "Survey answered", 6.0),
    ("D", "2025-01-05T10:00", "Survey answered", 5.0),
    ("D", "2025-01-06T10:00", "Survey answered", 7.0),
    ("D", "2025-01-20T10:00", "Upload", None),
    ("E", "2025-02-10T10:00", "Upload", None),  # 38 days after entering: outside the window
]


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Any:
    folder = tmp_path_factory.mktemp("uplift")
    rows = {
        "event_id": [f"c{i}" for i in range(len(CUSTOMER_EVENTS))],
        "account_id": [e[0] for e in CUSTOMER_EVENTS],
        "timestamp": [e[1] + ":00+00:00" for e in CUSTOMER_EVENTS],
        "activity": [e[2] for e in CUSTOMER_EVENTS],
        "survey_type": ["NPS" if e[3] is not None else None for e in CUSTOMER_EVENTS],
        "survey_score": [e[3] for e in CUSTOMER_EVENTS],
    }
    path = folder / "customers.parquet"
    pq.write_table(pa.table(rows), path)
    with Store(folder / "store.duckdb") as s:
        s.ingest(path)
        ingest_engine_events(s, RECORDS, "engine")
        yield s


def _run(store: Store, backend: str = "duckdb", **fields: Any) -> Any:
    """The analysis on ``backend``: DuckDB reads the store; Spark the same tables as the
    service gives it (exported once to Parquet, read as temporary views)."""
    query = UpliftQuery(**fields)
    if backend == "spark":
        with spark_views(Settings(engine="spark"), store, UPLIFT_TABLES) as t:
            return uplift(t["journey_records"], t["events"], query)
    return uplift(store.ibis.table("journey_records"), store.events(), query)


def test_engine_records_have_columns_of_their_own(store: Store) -> None:
    rows = store.con.execute(
        "SELECT customer_id, journey, journey_version, journey_step, journey_arm, interaction, "
        "decision, journey_case FROM journey_records WHERE event_id IN ('A:r2', 'D:r2', 'Z:r1') "
        "ORDER BY event_id"
    ).fetchall()
    assert rows == [
        ("acct:A", "j", 1, "s", "treatment", "nudge", None, "acct:A/j#1"),
        ("acct:D", "j", 1, "s", "holdout", "nudge", None, "acct:D/j#1"),
        ("acct:Z", None, None, None, None, None, "(none)", None),
    ]
    # the same fields as properties, so every breakdown reads them
    props = store.con.execute(
        "SELECT properties->>'journey_arm', properties->>'journey_step' FROM events "
        "WHERE event_id = 'D:r2'"
    ).fetchone()
    assert props == ("holdout", "s")


def test_a_later_export_finds_the_arm_of_an_earlier_entry(store: Store) -> None:
    late = _record(9, "D", 1, "2025-01-09T10:00", "Interaction withheld", interaction="other")
    ingest_engine_events(store, [late], "engine-late")
    arm = store.con.execute(
        "SELECT journey_arm FROM engine_records WHERE event_id = 'D:r9'"
    ).fetchone()
    store.con.execute("DELETE FROM engine_records WHERE event_id = 'D:r9'")
    store.con.execute("DELETE FROM events WHERE event_id = 'D:r9'")
    assert arm == ("holdout",)


def test_outcome_rate_by_arm_is_intention_to_treat(store: Store, backend: str) -> None:
    r = _run(store, backend)
    (j,) = r.journeys
    assert (j.journey, j.treated_customers, j.held_out_customers) == ("j", 4, 3)
    assert j.outcome.treated == pytest.approx(2 / 4)  # A, G (C's goal is after 30 days)
    assert j.outcome.held_out == pytest.approx(1 / 3)  # D (F entered in March, never reached)
    assert j.outcome.difference == pytest.approx(2 / 4 - 1 / 3)
    assert j.outcome_activity == "Journey goal reached (j)"


def test_period_window_and_outcome_activity(store: Store, backend: str) -> None:
    january = {"since": date(2025, 1, 1), "until": date(2025, 1, 31)}
    (j,) = _run(store, backend, **january).journeys
    assert (j.treated_customers, j.held_out_customers) == (4, 2)  # F left out
    assert (j.outcome.treated, j.outcome.held_out) == (0.5, 0.5)
    (u,) = _run(store, backend, outcome="Upload", **january).journeys
    assert (u.outcome.treated, u.outcome.held_out) == (1 / 4, 1 / 2)  # E's upload: day 38
    (w,) = _run(store, backend, outcome="Upload", window=timedelta(days=40), **january).journeys
    assert w.outcome.held_out == 1.0


def test_satisfaction_averages_each_customer_first(store: Store, backend: str) -> None:
    (j,) = _run(store, backend, since=date(2025, 1, 1), until=date(2025, 1, 31)).journeys
    s = j.satisfaction
    assert j.survey_type == "NPS"
    assert (s.treated, s.held_out) == (7.0, 6.0)  # A 8, B 6 | D (5 + 7) / 2
    assert (s.treated_customers, s.held_out_customers) == (2, 1)
    assert s.difference == 1.0 and s.low is None  # one held-out answer: no interval


def test_sends_vs_would_have_sends(store: Store, backend: str) -> None:
    (j,) = _run(store, backend, since=date(2025, 1, 1), until=date(2025, 1, 31)).journeys
    (i,) = j.interactions
    assert (i.interaction, i.sent_customers, i.withheld_customers) == ("nudge", 4, 2)
    assert (i.outcome.treated, i.outcome.held_out) == (0.5, 0.5)


def test_newcombe_matches_the_published_example() -> None:
    # Newcombe (1998), Statistics in Medicine 17:873-890, table II example (a), method 10
    d = rate_difference(56, 70, 48, 80)
    assert d.low is not None and d.high is not None
    assert (round(d.low, 4), round(d.high, 4)) == (0.0524, 0.3339)
    # example (e): 10/10 vs 0/10 -> 0.6075 to 1
    e = rate_difference(10, 10, 0, 10)
    assert e.low is not None and e.high is not None
    assert (round(e.low, 4), round(e.high, 4)) == (0.6075, 1.0)
    assert [round(x, 4) for x in wilson(0, 10)] == [0.0, 0.2775]


def test_welch_matches_scipy() -> None:
    a, b = [5.1, 6.3, 7.2, 4.8, 6.6, 7.9], [4.2, 5.0, 3.9, 6.1]
    d = mean_difference(a, b)
    ci = stats.ttest_ind(a, b, equal_var=False).confidence_interval(0.95)
    assert d.low == pytest.approx(ci.low) and d.high == pytest.approx(ci.high)


def test_bad_names_are_errors_with_the_closest(store: Store) -> None:
    with pytest.raises(UnknownNameError, match="closest: 'j'"):
        _run(store, journey="jj")
    with pytest.raises(UnknownNameError, match="closest: 'Upload'"):
        _run(store, outcome="Uplaod")
    with pytest.raises(UnknownNameError, match=r"survey type 'CSAT'.*'NPS'"):
        _run(store, survey_type="csat")
    with pytest.raises(InvalidQueryError, match="before"):
        _run(store, since=date(2025, 2, 1), until=date(2025, 1, 1))


def test_a_store_without_engine_records_says_how_to_get_them(tmp_path: Path) -> None:
    with Store(tmp_path / "empty.duckdb") as s, pytest.raises(InvalidQueryError, match="export"):
        uplift(None, s.events(), UpliftQuery())
