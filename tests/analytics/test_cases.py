"""How events become cases (analytics/cases.py), on a small table run by DuckDB and by Spark
(the ``backend`` fixture): each case rule, the order within a case (ties in input order), durations and rules from options with
clear errors, activity keys, and properties read out of the JSON text."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import ibis
import pytest
from analytics_kit import backend_for, executed
from hypothesis import given, settings
from hypothesis import strategies as st

from journeyscope.analytics.backends import Backend
from journeyscope.analytics.cases import (
    CaseRule,
    case_rule_from_options,
    cased,
    describe_key,
    epoch_ms,
    epoch_seconds,
    keyed,
    parse_activity_key,
    parse_duration,
    person,
    property_value,
    read_properties,
    utc_time,
    with_cases,
)
from journeyscope.errors import InvalidQueryError
from lanes import examples

pytestmark = pytest.mark.both_engines  # every test here runs on Spark as well

T0 = datetime(2025, 1, 1, tzinfo=UTC)
#: (case_id, customer_id, activity, hours after T0, properties)
ROWS = [
    ("k1", "ann", "Visit", 0, '{"segment": "gold", "n": 3}'),
    ("k1", "ann", "Buy", 1, '{"segment": "gold", "note": "said \\"hi\\""}'),
    ("k2", "ann", "Visit", 50, "{}"),
    ("k2", "ann", "Visit", 50, '{"segment": null}'),
    ("k3", "bob", "Visit", 2, '{"lifecycle:transition": "start"}'),
    (None, "bob", "Buy", 3, '{"flag": true}'),
    ("k4", None, "Visit", 4, "not JSON"),
]


def _events() -> ibis.Table:
    return ibis.memtable(
        {
            "event_id": [f"e{i}" for i in range(len(ROWS))],
            "case_id": [r[0] for r in ROWS],
            "customer_id": [r[1] for r in ROWS],
            "activity": [r[2] for r in ROWS],
            "timestamp": [T0 + timedelta(hours=r[3]) for r in ROWS],
            "source": ["f.csv"] * len(ROWS),
            "source_row": list(range(len(ROWS))),
            "properties": [r[4] for r in ROWS],
        }
    )


def _on(engine: str) -> Backend:
    """A backend on ``engine`` holding :func:`_events`."""
    return backend_for(_events().to_pyarrow(), engine)


def _cases(rule: CaseRule, engine: str) -> dict[str, list[str]]:
    b = _on(engine)
    t = cased(b.events(), rule)
    rows = b.rows(t.order_by(["case", "seq"]).select("case", "event_id", "seq"))
    out: dict[str, list[str]] = {}
    for r in rows:
        out.setdefault(r["case"], []).append(r["event_id"])
        assert r["seq"] == len(out[r["case"]]), "seq counts from 1 within each case"
    return out


def test_each_case_rule_groups_the_events(backend: str) -> None:
    assert _cases(CaseRule.given(), backend) == {
        "k1": ["e0", "e1"],
        "k2": ["e2", "e3"],  # equal timestamps: input order
        "k3": ["e4"],
        "k4": ["e6"],
    }
    assert _cases(CaseRule.per_customer(), backend) == {
        "ann": ["e0", "e1", "e2", "e3"],
        "bob": ["e4", "e5"],
    }
    assert _cases(CaseRule.inactivity(timedelta(hours=24)), backend) == {
        "ann#1": ["e0", "e1"],
        "ann#2": ["e2", "e3"],
        "bob#1": ["e4", "e5"],
    }
    assert _cases(CaseRule.starting_at("Visit"), backend) == {
        "ann#1": ["e0", "e1"],
        "ann#2": ["e2"],
        "ann#3": ["e3"],
        "bob#1": ["e4", "e5"],
    }
    assert _cases(CaseRule.ending_at("Buy"), backend) == {
        "ann#0": ["e0", "e1"],
        "ann#1": ["e2", "e3"],
        "bob#0": ["e4", "e5"],
    }


def test_rules_from_options_and_durations_say_what_is_wrong() -> None:
    assert case_rule_from_options("gap", "2d") == CaseRule.inactivity(timedelta(days=2))
    assert case_rule_from_options("start", activities=("Visit",)).activities == ("Visit",)
    with pytest.raises(InvalidQueryError, match="needs --gap"):
        case_rule_from_options("gap")
    with pytest.raises(InvalidQueryError, match="needs at least one --case-activity"):
        case_rule_from_options("end")
    with pytest.raises(InvalidQueryError, match="unknown case rule 'sesion'"):
        case_rule_from_options("sesion")
    assert parse_duration("1d 12h") == timedelta(hours=36)
    assert parse_duration("90") == timedelta(seconds=90)
    with pytest.raises(InvalidQueryError, match="must be positive"):
        parse_duration("0h")
    with pytest.raises(InvalidQueryError):
        parse_duration("soon")
    assert CaseRule.ending_at("Buy").describe().startswith("per customer, a case ends after")


def _column(b: Backend, t: ibis.Table, value: Any) -> list[Any]:
    return [r["v"] for r in b.rows(t.select(v=value).order_by("v"))]


def test_properties_are_read_out_of_the_json_text(backend: str) -> None:
    b = _on(backend)
    t = b.events()
    values = t.select(
        t.event_id,
        s=property_value(t, "segment"),
        n=property_value(t, "n"),
        note=property_value(t, "note"),
        flag=property_value(t, "flag"),
    )
    got = {r["event_id"]: r for r in b.rows(values)}
    assert (got["e0"]["s"], got["e0"]["n"]) == ("gold", "3")
    assert got["e1"]["note"] == 'said "hi"'  # the string, its escapes undone
    assert got["e5"]["flag"] == "true" and got["e2"]["s"] is None
    assert got["e3"]["s"] is None, "a JSON null is no value"
    assert got["e6"]["s"] is None and got["e6"]["n"] is None, "text that is not JSON has none"
    assert _column(b, t, property_value(t, "activity")) == [
        "Buy",
        "Buy",
        "Visit",
        "Visit",
        "Visit",
        "Visit",
        "Visit",
    ]


def test_properties_read_before_a_sort_give_what_reading_them_after_gives() -> None:
    t = _events()
    read = read_properties(t, ["segment", "activity", "missing", None, "segment"])
    assert "properties" not in read.columns
    assert [c for c in read.columns if c not in t.columns] == ["segment", "missing"]
    before = cased(read, CaseRule.given())
    after = cased(t, CaseRule.given())
    got = before.select("event_id", "seq", s=property_value(before, "segment"))
    want = after.select("event_id", "seq", s=property_value(after, "segment"))
    order = ["event_id"]
    assert got.order_by(order).to_pyarrow().equals(want.order_by(order).to_pyarrow())
    assert read_properties(read, ["segment"]).equals(read)  # nothing left to read


def test_an_activity_key_joins_its_parts_and_the_person_falls_back_to_the_case(
    backend: str,
) -> None:
    assert parse_activity_key(" activity + lifecycle:transition ") == (
        "activity",
        "lifecycle:transition",
    )
    with pytest.raises(InvalidQueryError, match="no activity key"):
        parse_activity_key(" + ")
    b = _on(backend)
    t = keyed(b.events(), ("activity", "lifecycle:transition"))
    rows = {r["event_id"]: r for r in b.rows(t.select("event_id", "activity", "work_item"))}
    assert rows["e4"]["activity"] == "Visit (start)" and rows["e4"]["work_item"] == "Visit"
    assert rows["e0"]["activity"] == "Visit"
    assert "work_item" not in keyed(b.events(), ()).columns, "no key: the activity column"
    assert describe_key(()) == "activity = the activity column"
    c = with_cases(b.events())
    assert sorted(_column(b, c, person(c))) == ["ann", "ann", "ann", "ann", "bob", "k4"]


#: Times whose milliseconds since 1970 a rounding, a truncation toward zero or a double's
#: last digit would get wrong: before 1970, a microsecond short of a whole millisecond, whole
#: milliseconds, half a millisecond.
EDGE_TIMES = [
    datetime(1969, 12, 31, 23, 59, 59, 499500, tzinfo=UTC),
    datetime(1969, 12, 31, 23, 59, 59, 999999, tzinfo=UTC),
    datetime(1900, 1, 1, 0, 0, 0, 1, tzinfo=UTC),
    datetime(1970, 1, 1, tzinfo=UTC),
    datetime(2025, 10, 4, 1, 33, 37, 502549, tzinfo=UTC),
    datetime(2025, 10, 4, 1, 33, 37, 503000, tzinfo=UTC),
    datetime(2025, 10, 4, 1, 33, 37, 999999, tzinfo=UTC),
    datetime(2199, 12, 31, 23, 59, 59, 999999, tzinfo=UTC),
]
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
#: Up to 20 times to the microsecond, 1900-2200, made UTC by the tests.
GENERATED_TIMES = st.lists(
    st.datetimes(min_value=datetime(1900, 1, 1), max_value=datetime(2200, 1, 1)),
    min_size=1,
    max_size=20,
)


def _since_1970(times: list[datetime], engine: str) -> list[tuple[int, float]]:
    """(:func:`epoch_ms`, :func:`epoch_seconds`) of each time, computed by ``engine``."""
    t = ibis.memtable({"i": list(range(len(times))), "ts": times})
    rows = executed(t.select("i", ms=epoch_ms(t.ts), s=epoch_seconds(t.ts)), engine)
    return [(r["ms"], r["s"]) for r in sorted(rows, key=lambda r: r["i"])]


def _exact(times: list[datetime]) -> list[tuple[int, float]]:
    """The floored milliseconds and the seconds (the microseconds over a million, rounded
    once to a double) by Python's exact arithmetic."""
    micros = [(ts - EPOCH) // timedelta(microseconds=1) for ts in times]
    return [(us // 1000, us / 1_000_000) for us in micros]


def test_times_since_1970_are_computed_alike_on_each_engine(backend: str) -> None:
    want = _exact(EDGE_TIMES)
    assert [ms for ms, _ in want[:2]] == [-501, -1]  # floored, not truncated toward zero
    assert _since_1970(EDGE_TIMES, backend) == want


@settings(max_examples=examples(60), deadline=None)
@given(GENERATED_TIMES)
def test_times_since_1970_are_exact_for_generated_times(times: list[datetime]) -> None:
    """On DuckDB, generated times to the microsecond (Spark: the edge cases above)."""
    zoned = [ts.replace(tzinfo=UTC) for ts in times]
    assert _since_1970(zoned, "duckdb") == _exact(zoned)


#: Times at the edges of days, Monday-weeks, months and years, and before 1970.
PERIOD_EDGES = [
    *EDGE_TIMES,
    datetime(2025, 3, 2, 23, 59, 59, 999999, tzinfo=UTC),  # a Sunday's last microsecond
    datetime(2025, 3, 3, tzinfo=UTC),  # the Monday after
    datetime(2024, 2, 29, 12, tzinfo=UTC),
    datetime(2024, 12, 31, 23, 59, 59, 999999, tzinfo=UTC),
    datetime(1969, 12, 29, tzinfo=UTC),  # a Monday before 1970
]


def _periods(times: list[datetime], engine: str) -> list[tuple[Any, ...]]:
    """Each time's day, Monday-week and month start and its year and month, computed by
    ``engine`` on :func:`utc_time`."""
    t = ibis.memtable({"i": list(range(len(times))), "ts": times})
    u = utc_time(t.ts)
    parts = {f"p{k}": u.truncate(k).cast("date") for k in ("D", "W", "M")}
    rows = executed(t.select("i", **parts, y=u.year(), m=u.month()), engine)
    by = sorted(rows, key=lambda r: r["i"])
    return [(r["pD"], r["pW"], r["pM"], r["y"], r["m"]) for r in by]


def _periods_exact(times: list[datetime]) -> list[tuple[Any, ...]]:
    days = [ts.astimezone(UTC).date() for ts in times]
    return [(d, d - timedelta(days=d.weekday()), d.replace(day=1), d.year, d.month) for d in days]


def test_calendar_periods_of_utc_times_on_each_engine(backend: str) -> None:
    assert _periods(PERIOD_EDGES, backend) == _periods_exact(PERIOD_EDGES)


@settings(max_examples=examples(40), deadline=None)
@given(GENERATED_TIMES)
def test_calendar_periods_of_generated_utc_times(times: list[datetime]) -> None:
    """On DuckDB, generated times to the microsecond (Spark: the edges above)."""
    zoned = [ts.replace(tzinfo=UTC) for ts in times]
    assert _periods(zoned, "duckdb") == _periods_exact(zoned)
