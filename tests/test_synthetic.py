"""The synthetic generator: deterministic, realistic in the ways the analyses rely on."""

from __future__ import annotations

import duckdb
import pyarrow as pa
import pytest

from journeyscope import synthetic


@pytest.fixture(scope="module")
def con(synthetic_table: pa.Table) -> duckdb.DuckDBPyConnection:
    c = duckdb.connect()
    c.register("t", synthetic_table)
    return c


def one(con: duckdb.DuckDBPyConnection, sql: str) -> float:
    return float(con.execute(sql).fetchall()[0][0])


def test_same_seed_same_data_other_seed_other_data() -> None:
    a, b, c = (
        synthetic.generate(300, seed=3),
        synthetic.generate(300, seed=3),
        synthetic.generate(300, seed=4),
    )
    assert a.equals(b)
    assert not a.equals(c)


def test_two_journeys_four_segments_truth_columns(con: duckdb.DuckDBPyConnection) -> None:
    journeys = {r[0] for r in con.execute("SELECT DISTINCT journey FROM t").fetchall()}
    assert journeys == {"tenancy", "maintenance_loan"}
    assert one(con, "SELECT count(DISTINCT segment) FROM t") == 4
    assert (
        one(
            con,
            "SELECT count(*) FROM t WHERE true_satisfaction IS NULL OR true_customer_id IS NULL",
        )
        == 0
    )
    assert (
        one(
            con,
            "SELECT count(DISTINCT true_satisfaction) FROM (SELECT DISTINCT true_customer_id, true_satisfaction FROM t)",
        )
        > 1000
    )


def test_journeys_have_the_messy_parts(con: duckdb.DuckDBPyConnection) -> None:
    seq = """SELECT true_customer_id AS c, activity, channel, timestamp,
                    lag(activity) OVER w AS prev, lag(channel) OVER w AS prev_channel
             FROM t WINDOW w AS (PARTITION BY true_customer_id ORDER BY timestamp)"""
    # channel switch after a failed digital step: an online error followed by a call or chat
    assert (
        one(
            con,
            f"SELECT count(*) FROM ({seq}) WHERE prev = 'Online error' AND channel IN ('phone', 'chat')",
        )
        > 50
    )
    # repeat contacts
    assert (
        one(
            con,
            f"SELECT count(*) FROM ({seq}) WHERE prev = 'Call contact centre' AND activity = 'Call contact centre'",
        )
        > 10
    )
    # backtracking: an activity repeated by a customer
    assert (
        one(
            con,
            "SELECT count(*) FROM (SELECT true_customer_id, activity FROM t WHERE stage NOT IN ('Support', 'Feedback') GROUP BY ALL HAVING count(*) > 1)",
        )
        > 50
    )
    # pauses of weeks between two steps
    assert (
        one(
            con,
            "SELECT count(*) FROM (SELECT timestamp - lag(timestamp) OVER (PARTITION BY true_customer_id ORDER BY timestamp) AS gap FROM t) WHERE gap > INTERVAL 14 DAY",
        )
        > 100
    )
    # mid-way entries: first event is not the first step of the journey
    firsts = "SELECT arg_min(activity, timestamp) AS a FROM t GROUP BY true_customer_id"
    assert (
        one(
            con,
            f"SELECT count(*) FROM ({firsts}) WHERE a NOT IN ('View property listing', 'Visit loan page')",
        )
        > 100
    )
    # drop-outs: customers who never reached the outcome
    done = "SELECT DISTINCT true_customer_id FROM t WHERE activity IN ('Collect keys', 'Funds disbursed')"
    share = one(
        con,
        f"SELECT count(DISTINCT true_customer_id) FILTER (WHERE true_customer_id NOT IN ({done})) / count(DISTINCT true_customer_id) FROM t",
    )
    assert 0.2 < share < 0.8


def test_unhappy_customers_answer_less(con: duckdb.DuckDBPyConnection) -> None:
    people = "SELECT true_customer_id, any_value(true_satisfaction) AS s, bool_or(activity = 'Survey answered') AS answered FROM t GROUP BY 1"
    answered = one(con, f"SELECT avg(s) FROM ({people}) WHERE answered")
    everyone = one(con, f"SELECT avg(s) FROM ({people})")
    assert answered > everyone + 0.3  # the naive survey average is biased upwards


def test_scores_on_their_scales_and_events_in_time_order(con: duckdb.DuckDBPyConnection) -> None:
    assert (
        one(
            con,
            "SELECT count(*) FROM t WHERE survey_type = 'NPS' AND survey_score NOT BETWEEN 0 AND 10",
        )
        == 0
    )
    assert (
        one(
            con,
            "SELECT count(*) FROM t WHERE survey_type = 'CSAT' AND survey_score NOT BETWEEN 1 AND 5",
        )
        == 0
    )
    assert one(con, "SELECT count(*) FROM t WHERE sentiment NOT BETWEEN -1 AND 1") == 0
    assert one(con, "SELECT min(cost) FROM t") > 0


def test_write_parquet_and_csv_round_trip(tmp_path, synthetic_table: pa.Table) -> None:
    small = synthetic_table.slice(0, 500)
    for name in ("s.parquet", "s.csv"):
        synthetic.write(small, tmp_path / name)
        n = duckdb.sql(f"SELECT count(*) FROM '{tmp_path / name}'").fetchall()[0][0]
        assert n == 500


def test_truth_of_who_initiated_and_what_a_failure_caused(con: duckdb.DuckDBPyConnection) -> None:
    rows = dict(
        con.execute(
            "SELECT activity, any_value(true_initiator) FROM t GROUP BY activity "
            "HAVING count(DISTINCT true_initiator) = 1"
        ).fetchall()
    )
    assert len(rows) == one(con, "SELECT count(DISTINCT activity) FROM t")  # one per activity
    assert rows["Survey sent"] == rows["Eligibility decision sent"] == "organisation"
    assert rows["Call contact centre"] == rows["Upload documents"] == "customer"
    # every call and chat follows a failure; a failure itself is not caused by one
    help_rows = "activity IN ('Call contact centre', 'Chat with adviser')"
    assert one(con, f"SELECT bool_and(true_caused_by_failure) FROM t WHERE {help_rows}") == 1
    assert (
        one(
            con, "SELECT count(*) FROM t WHERE activity = 'Online error' AND true_caused_by_failure"
        )
        == 0
    )
    # a step redone after a failure was caused by it: it is never done online
    caused_steps = f"true_caused_by_failure AND NOT {help_rows}"
    assert one(con, f"SELECT count(*) FROM t WHERE {caused_steps}") > 0
    assert (
        one(con, f"SELECT count(*) FROM t WHERE {caused_steps} AND channel IN ('web', 'app')") == 0
    )


def test_the_catalogue_declares_the_generators_classification() -> None:
    c = synthetic.catalogue()
    names = {a for a, e in c.activities.items() if e.initiator == "organisation"}
    assert names == {a for a, who in synthetic.INITIATOR.items() if who == "organisation"}
    assert [a for a, e in c.activities.items() if e.failure] == ["Online error"]
    assert {a for a, e in c.activities.items() if not e.can_be_digital} == set(
        synthetic.NOT_DIGITAL
    )
    assert c.channels["letter"].kind == "other" and c.channels["field visit"].kind == "assisted"
