"""Helpers for the analytics tests: real logs with a ClickHouse oracle, journeys declared as
data. This folder is on ``sys.path`` in tests (``from analytics_kit import ...``)."""

from __future__ import annotations

import json
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import ibis
import pyarrow as pa
import pytest
from pydantic import BaseModel

from journeyscope.analytics import opportunities as opp
from journeyscope.analytics.backends import Backend, IbisBackend
from journeyscope.definitions.models import Journey
from journeyscope.events import Store
from journeyscope.events.schema import COLUMNS

#: Real logs used by the oracle tests: quick ones, and the large ones (marked slow).
QUICK_LOGS = ("running-example.xes", "receipt.csv", "sepsis.csv", "helpdesk.xes.gz")
LARGE_LOGS = ("07_bpic2013_incidents.xes.gz", "bpic2012.xes.gz")
ALL_LOGS = [
    *QUICK_LOGS,
    *(pytest.param(name, marks=pytest.mark.slow) for name in LARGE_LOGS),
]

#: The engines the analytics tests run on (the ``backend`` and ``declared`` fixtures): Spark's
#: runs are slow (a JVM, seconds a query), so the fast lane leaves them out.
BACKENDS = [
    "duckdb",
    pytest.param("spark", marks=pytest.mark.slow),
]


@dataclass(frozen=True)
class RealLog:
    """One real log ingested into its own store, and the same events as Parquet."""

    name: str
    store: Path
    parquet: Path

    def ch(self, sql: str) -> list[dict[str, Any]]:
        """Run ClickHouse SQL (``{events}`` is the Parquet file) and return the rows."""
        import chdb

        text = chdb.query(
            sql.replace("{events}", f"file('{self.parquet}', Parquet)"), "JSONEachRow"
        )
        return [json.loads(line) for line in str(text).splitlines() if line.strip()]


# ---------------------------------------------------------------------- journeys as data

BASE = datetime(2024, 1, 1, tzinfo=UTC)


def journeys(cases: dict[str, str], *, unit: timedelta = timedelta(minutes=1)) -> pa.Table:
    """Canonical events from declared journeys, one string per case.

    Each token is ``ACTIVITY@T`` or ``ACTIVITY/CHANNEL@T``; ``T`` counts ``unit`` from a
    common start. Tokens are the input order (``source_row``), which breaks timestamp ties.
    A case id written ``case~customer`` also sets the customer.

    >>> journeys({"c1": "A@0 B/web@2"}).num_rows
    2
    """
    rows: list[dict[str, Any]] = []
    for key, text in cases.items():
        case, _, customer = key.partition("~")
        for token in text.split():
            name, _, at = token.rpartition("@")
            activity, _, channel = name.partition("/")
            rows.append(
                {
                    "event_id": f"e{len(rows) + 1}",
                    "case_id": case,
                    "customer_id": customer or None,
                    "timestamp": BASE + float(at) * unit,
                    "activity": activity.replace("_", " "),
                    "channel": channel or None,
                    "source": "declared",
                    "source_row": len(rows) + 1,
                    "properties": json.dumps({"segment": f"seg-{case[:1]}"}),
                }
            )
    return canonical(rows)


def canonical(rows: list[dict[str, Any]]) -> pa.Table:
    """Rows (dicts of canonical columns; the others are null) as a canonical events table."""
    types = {
        "VARCHAR": pa.string(),
        "TIMESTAMPTZ": pa.timestamp("us", tz="UTC"),
        "BIGINT": pa.int64(),
        "DOUBLE": pa.float64(),
    }
    schema = pa.schema([(c, types[t]) for c, t in COLUMNS.items()])
    return pa.Table.from_pylist([{c: r.get(c) for c in COLUMNS} for r in rows], schema=schema)


def backend_for(table: pa.Table, backend: str = "duckdb") -> Backend:
    """A backend holding ``table`` as its events: a fresh in-memory DuckDB, or (``spark``) a
    temporary view on the test session's SparkSession."""
    if backend == "spark":
        import uuid

        from journeyscope.analytics.backends import SparkBackend
        from journeyscope.analytics.spark_session import spark_session

        session = spark_session("local[2]")
        view = f"declared_{uuid.uuid4().hex[:12]}"
        session.createDataFrame(
            table.to_pandas(), schema=_spark_schema(table)
        ).createOrReplaceTempView(view)
        return SparkBackend(session=session, events=ibis.pyspark.connect(session).table(view))
    con = ibis.duckdb.connect()
    con.raw_sql("SET TimeZone = 'UTC'")
    return IbisBackend(con.create_table("events", table))


#: Each store's events as Parquet for Spark, exported once per test process (path -> folder).
_EXPORTED: dict[str, tempfile.TemporaryDirectory[str]] = {}


def stored(store: Store, engine: str) -> Backend:
    """The events of an open ``store`` analysed on ``engine`` (the ``backend`` fixture): on
    DuckDB the store's own table; on Spark the same rows, exported once to Parquet and read in
    place (as a lake is), while the test keeps the store open for its hand-written SQL. The
    export is kept for the process: for stores no test changes (the session's fixtures)."""
    if engine != "spark":
        return IbisBackend(store.events())
    from journeyscope.analytics.backends import SparkBackend
    from journeyscope.analytics.spark_session import spark_session

    if store.path not in _EXPORTED:
        folder = tempfile.TemporaryDirectory(prefix="journeyscope-test-")
        target = str(Path(folder.name) / "events.parquet").replace("'", "''")
        store.con.execute(f"COPY events TO '{target}' (FORMAT PARQUET)")
        _EXPORTED[store.path] = folder
    session = spark_session("local[2]")
    data = Path(_EXPORTED[store.path].name) / "events.parquet"
    return SparkBackend(session=session, events=ibis.pyspark.connect(session).read_parquet(data))


def as_json(*results: BaseModel) -> list[str]:
    """Results as their JSON: equal only when the values and their types are (a ``Decimal``
    from Spark equals the float DuckDB gives; its JSON does not)."""
    return [r.model_dump_json() for r in results]


def executed(expr: ibis.Table, engine: str) -> list[dict[str, Any]]:
    """``expr``, built on in-memory tables only, run on ``engine`` (the ``backend`` fixture):
    on DuckDB as Ibis runs it, on Spark through a Spark backend, which registers the
    in-memory tables it reads; the rows as Arrow hands them back."""
    if engine == "spark":
        from journeyscope.analytics.backends import SparkBackend
        from journeyscope.analytics.spark_session import spark_session

        spark = SparkBackend(session=spark_session("local[2]"), events=ibis.memtable({"x": [1]}))
        return spark.arrow(expr).to_pylist()  # type: ignore[no-any-return]
    return expr.to_pyarrow().to_pylist()  # type: ignore[no-any-return]


def count_replays(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str]]:
    """From now on, each conformance replay built (``conformance.conformance``, which every
    caller goes through) recorded as (design id, case rule kind): one entry is one replay of
    the events against a design, whoever asked for it."""
    from journeyscope.analytics import conformance

    built: list[tuple[str, str]] = []
    replay = conformance.replay

    def counted(events: Any, journey: Journey, rule: Any = None) -> Any:
        built.append((journey.id, rule.kind if rule is not None else "given"))
        return replay(events, journey, rule)

    monkeypatch.setattr(conformance, "replay", counted)
    return built


def _spark_schema(table: pa.Table) -> Any:
    """The Spark schema of ``table`` (so all-null columns keep their type)."""
    from pyspark.sql.pandas.types import from_arrow_schema

    return from_arrow_schema(table.schema)


def funnel_levels(backend: Backend, query: Any) -> dict[str, int]:
    """case -> furthest step reached, for the cases that entered the funnel."""
    from journeyscope.analytics import funnel_cases

    rows = backend.rows(funnel_cases(backend.events(), query).select("case", "level"))
    return {r["case"]: int(r["level"]) for r in rows}


def line_journey(journey_id: str, activities: Sequence[str]) -> Journey:
    """One stage of steps in a line, one activity each (step id: the activity in lower case),
    the outcome the last step."""
    steps = [{"id": a.lower(), "name": a, "activities": [a]} for a in activities]
    return Journey.model_validate(
        {
            "id": journey_id,
            "name": journey_id.title(),
            "job_to_be_done": "Get it done.",
            "outcome": {"description": "Done", "step": steps[-1]["id"]},
            "stages": [{"id": "s", "name": "S", "steps": steps}],
        }
    )


def opportunity_journey(**extra: object) -> Journey:
    """Steps a, b (stage one) and c (stage two) with designed opportunities and two personas;
    ``extra`` adds or replaces fields."""
    return Journey.model_validate(
        {
            "id": "j",
            "name": "J",
            "job_to_be_done": "Get it done.",
            "outcome": {"description": "It is done", "step": "c"},
            "personas": [{"id": "p", "name": "Renter"}, {"id": "q", "name": "Owner"}],
            "stages": [
                {
                    "id": "s1",
                    "name": "One",
                    "steps": [
                        {
                            "id": "a",
                            "name": "A",
                            "activities": ["A"],
                            "opportunities": ["Faster A", "Clearer A"],
                        },
                        {"id": "b", "name": "B", "activities": ["B"]},
                    ],
                },
                {
                    "id": "s2",
                    "name": "Two",
                    "steps": [
                        {"id": "c", "name": "C", "activities": ["C"], "opportunities": ["Nicer C"]},
                    ],
                },
            ],
            **extra,
        }
    )


def evidence_at(step: str, value: float, source: opp.Source = "drop-off") -> opp.Evidence:
    """Evidence of ``source`` at ``step`` worth ``value`` a year (interval: half to 1.5 times)."""
    return opp.Evidence(
        source=source,
        step=step,
        finding=f"{source} at {step}",
        analysis="x",
        cases=10,
        cases_per_year=10,
        value_per_year=opp.Interval(estimate=value, low=value * 0.5, high=value * 1.5),
        how="by hand",
    )


#: A case for :func:`hourly`: activities one hour apart, or ``(activity, hours)`` pairs.
HourlyCase = Sequence[str | tuple[str, float]]
#: When :func:`hourly`'s cases begin.
HOURLY_T0 = datetime(2025, 1, 6, 9, 0, tzinfo=UTC)


def hourly(cases: dict[str, HourlyCase]) -> ibis.Table:
    """Canonical events of ``cases`` (case id -> its activities one hour apart from
    :data:`HOURLY_T0`, or ``(activity, hours)`` pairs); case ``k``'s customer is ``c-k``."""
    rows = []
    for case, items in cases.items():
        for i, item in enumerate(items):
            activity, hours = (item, float(i)) if isinstance(item, str) else item
            rows.append(
                {
                    "event_id": f"e{len(rows) + 1}",
                    "case_id": case,
                    "customer_id": f"c-{case}",
                    "activity": activity,
                    "timestamp": HOURLY_T0 + timedelta(hours=hours),
                    "source": "test",
                    "source_row": len(rows) + 1,
                }
            )
    schema = {
        "event_id": "string",
        "case_id": "string",
        "customer_id": "string",
        "activity": "string",
        "timestamp": "timestamp('UTC')",
        "source": "string",
        "source_row": "int64",
    }
    return ibis.memtable(rows, schema=schema)


def hourly_backend(cases: dict[str, HourlyCase], engine: str) -> Backend:
    """A backend on ``engine`` (the ``backend`` fixture) holding :func:`hourly` of ``cases``."""
    return backend_for(hourly(cases).to_pyarrow(), engine)
