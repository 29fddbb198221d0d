"""The analytics backends (analytics/backends.py): the registry of runners, how a backend
runs one (name checks first, the prepared relation cached, rows as plain Python or Arrow),
opening a store or a source on DuckDB, and Spark's configuration. The tests that start Spark
are marked ``spark`` (the full lane)."""

from __future__ import annotations

import math
import subprocess
import sys
from collections.abc import Callable, Mapping
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, Literal

import ibis
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from analytics_kit import backend_for, count_replays, journeys, line_journey

from journeyscope.analytics import DfgQuery
from journeyscope.analytics.backends import (
    ANALYSES,
    RUNNERS,
    Backend,
    DuckDBBackend,
    IbisBackend,
    Registry,
    connect,
)
from journeyscope.analytics.cases import AnalysisQuery, CaseRule
from journeyscope.analytics.conformance import conformance
from journeyscope.analytics.moments import MomentsQuery
from journeyscope.analytics.process import DFG
from journeyscope.errors import UnknownEngineError, UnknownNameError
from journeyscope.events import Store

CASES = {"c1": "A@0 B@1 C@2", "c2": "A@0 B@5", "c3": "B@0"}


class CountQuery(AnalysisQuery):
    """A query only these tests run: events per activity of the named ones."""

    kind: Literal["count"] = "count"
    wanted: tuple[str, ...] = ()


class CountAnalysis:
    """A runner with names to check; it records what the backend hands it."""

    arrow = False

    def __init__(self) -> None:
        self.seen: dict[str, Any] = {}

    def checks(self, events: ibis.Table, query: CountQuery) -> dict[str, ibis.Table]:
        return {"activities": events.select("activity").distinct()}

    def validate(self, query: CountQuery, rows: Mapping[str, list[dict[str, Any]]]) -> None:
        known = {r["activity"] for r in rows["activities"]}
        self.seen["known"] = known
        missing = [a for a in query.wanted if a not in known]
        if missing:
            raise ValueError(f"unknown {missing}")

    def prepare(self, events: ibis.Table, query: CountQuery) -> ibis.Table:
        return events.filter(events.activity.isin(list(query.wanted)))

    def expressions(
        self, prepared: ibis.Table, events: ibis.Table, query: CountQuery
    ) -> dict[str, ibis.Table]:
        return {
            "counts": prepared.group_by("activity").aggregate(n=prepared.count()),
            "first": prepared.aggregate(at=prepared.timestamp.min()),
        }

    def result(self, query: CountQuery, rows: Mapping[str, Any]) -> dict[str, Any]:
        self.seen["rows"] = rows
        return dict(rows)


@pytest.fixture
def runner(monkeypatch: pytest.MonkeyPatch) -> CountAnalysis:
    analysis = CountAnalysis()
    monkeypatch.setitem(ANALYSES, CountQuery, analysis)
    return analysis


def test_an_arrow_runner_gets_the_memory_handed_back_before_its_python_part(
    runner: CountAnalysis, monkeypatch: pytest.MonkeyPatch
) -> None:
    backend = backend_for(journeys(CASES))
    order: list[str] = []
    monkeypatch.setattr(backend, "hand_back_memory", lambda: order.append("hand back"))
    record = runner.result
    monkeypatch.setattr(runner, "result", lambda q, rows: order.append("result") or record(q, rows))
    backend.run(CountQuery(wanted=("C",)))
    assert order == ["result"]  # rows for a runner in plain Python: nothing to hand back
    runner.arrow = True
    backend.run(CountQuery(wanted=("C",)))
    assert order == ["result", "hand back", "result"]


def test_duckdb_hands_back_the_memory_of_finished_queries_and_keeps_its_limit() -> None:
    """In a fresh process: a dropped 400 MB table leaves DuckDB's allocator holding the memory
    until the backend hands it back; the limit reads the same after five hand-backs."""
    code = """
import ibis
from journeyscope.analytics.backends import IbisBackend
def rss():
    return next(int(l.split()[1]) // 1024 for l in open('/proc/self/status') if l.startswith('VmRSS'))
con = ibis.duckdb.connect()
con.raw_sql("SET enable_progress_bar = false")  # as the store does: stdout holds the figures
con.raw_sql("SET memory_limit = '2GB'")
con.raw_sql("CREATE TEMP TABLE big AS SELECT range AS i, repeat('x', 60) || range AS s FROM range(4000000)")
con.raw_sql("DROP TABLE big")
backend = IbisBackend(con.create_table("one", ibis.memtable({"one": [1]}), temp=True))
limit = lambda: con.con.execute("SELECT current_setting('memory_limit')").fetchone()[0]
shown, before = limit(), rss()
backend.hand_back_memory()
after = rss()
for _ in range(4):
    backend.hand_back_memory()
print(before, after, shown == limit() == '1.8 GiB')
"""
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False, timeout=300
    )
    assert done.returncode == 0, done.stderr[-2000:]
    before, after, same = done.stdout.split()
    assert int(before) - int(after) > 150, (before, after)  # MB given back
    assert same == "True"


def test_a_built_in_runner_is_found_by_its_query_types_name_and_kept() -> None:
    registry = Registry()
    assert registry[DfgQuery] is DFG and DfgQuery in registry
    assert RUNNERS["journeyscope.analytics.process.DfgQuery"] == "DFG"
    with pytest.raises(KeyError):
        registry[CountQuery]
    assert CountQuery not in registry


def test_names_are_checked_before_the_analysis_and_rows_come_back_as_plain_python(
    runner: CountAnalysis,
) -> None:
    backend = backend_for(journeys(CASES))
    got = backend.run(CountQuery(wanted=("A", "B")))
    assert runner.seen["known"] == {"A", "B", "C"}
    assert sorted((r["activity"], r["n"]) for r in got["counts"]) == [("A", 2), ("B", 3)]
    assert got["first"] == [{"at": "2024-01-01T00:00:00"}]  # UTC, as text
    with pytest.raises(ValueError, match=r"unknown \['Z'\]"):
        backend.run(CountQuery(wanted=("A", "Z")))


def test_an_arrow_runner_gets_arrow_tables(runner: CountAnalysis) -> None:
    runner.arrow = True
    got = backend_for(journeys(CASES)).run(CountQuery(wanted=("C",)))
    assert isinstance(got["counts"], pa.Table)
    assert got["counts"].to_pylist() == [{"activity": "C", "n": 1}]


def test_an_activity_key_naming_no_property_is_an_error_naming_the_known_ones(
    runner: CountAnalysis,
) -> None:
    backend = backend_for(journeys(CASES))
    with pytest.raises(UnknownNameError, match=r"segmnt.*closest: 'segment'"):
        backend.run(CountQuery(wanted=("A",), activity_key=("activity", "segmnt")))
    keyed = backend.run(CountQuery(wanted=("A (seg-c)",), activity_key=("activity", "segment")))
    assert keyed["counts"] == [{"activity": "A (seg-c)", "n": 2}]


def test_rows_are_utc_text_iso_dates_and_no_nan() -> None:
    backend = backend_for(journeys(CASES))
    expr = ibis.memtable(
        pa.table(
            {
                "ts": pa.array(
                    [datetime(2024, 3, 1, 12, 30, tzinfo=UTC)], pa.timestamp("us", "UTC")
                ),
                "day": pa.array([date(2024, 3, 1)]),
                "x": pa.array([math.nan]),
                "n": pa.array([3]),
            }
        )
    )
    assert backend.rows(expr) == [
        {"ts": "2024-03-01T12:30:00", "day": "2024-03-01", "x": None, "n": 3}
    ]
    assert backend.arrow(expr).column("n").to_pylist() == [3]


#: cases of the line A -> B -> C that skip, enter mid-way, go back and leave
DEVIANT = {
    "c1~p1": "A@0 B@1 C@2",
    "c2~p1": "A@0 C@1",
    "c3~p2": "B@0 C@1",
    "c4~p3": "A@0 B@1 A@2 C@3",
    "c5~p4": "A@0 X@1",
}


@pytest.mark.both_engines
def test_the_conformance_replay_is_kept_once_per_events_design_and_rule(
    declared: Callable[..., Backend], monkeypatch: pytest.MonkeyPatch
) -> None:
    replays = count_replays(monkeypatch)
    backend = declared(DEVIANT)
    design = line_journey("line", "ABC")
    kept = backend.conformance(backend.events(), design, CaseRule.given())
    # the same events, design and rule, each built again: the replay kept, not another
    again = backend.conformance(backend.events(), line_journey("line", "ABC"), CaseRule("given"))
    assert again is kept
    # moments of truth with the design read the kept replay (both outcomes)
    for outcome in ("completion", "satisfaction"):
        backend.run(MomentsQuery(outcome=outcome, journey=design, min_cases=1))
    report = kept.collect()
    assert replays == [("line", "given")]
    assert report.cases == 5 and report.deviations["entered_midway"] == 1
    # another rule is another replay
    per_customer = backend.conformance(backend.events(), design, CaseRule.per_customer())
    assert per_customer is not kept and replays[-1] == ("line", "customer")
    assert report == conformance(backend.events(), design).collect()  # a lazy replay of its own

    backend.close()  # the kept tables are dropped, and a later ask replays again
    with pytest.raises(Exception, match=r"does not exist|cannot be found"):
        backend.arrow(kept.moves)
    assert backend.conformance(backend.events(), design, CaseRule.given()) is not kept


@pytest.mark.both_engines
def test_moments_read_the_kept_replay_and_give_what_a_replay_of_their_own_gives(
    declared: Callable[..., Backend], monkeypatch: pytest.MonkeyPatch
) -> None:
    design = line_journey("line", "ABC")
    query = MomentsQuery(outcome="completion", journey=design, min_cases=1)
    alone = declared(DEVIANT)  # as before: the replay built inside the experiences query
    monkeypatch.setattr(alone, "conformance", lambda e, j, r: conformance(e, j, r))
    shared = declared(DEVIANT)
    replays = count_replays(monkeypatch)
    expected = alone.run(query)
    assert shared.run(query) == expected and len(replays) == 2  # a run alone replays itself
    shared.conformance(shared.events(), design, CaseRule.given())  # now kept: runs read it
    got = shared.run(query)
    assert {m.kind for m in got.moments} >= {"entered_midway"}  # deviations are candidates
    assert got == expected
    shared.run(query.model_copy(update={"outcome": "satisfaction"}))
    assert len(replays) == 3  # the kept one, read twice


class KeepingAnalysis(CountAnalysis):
    """A runner whose two outputs read one intermediate, kept by the backend."""

    keeps = True

    def expressions(  # type: ignore[override]
        self,
        prepared: ibis.Table,
        events: ibis.Table,
        query: CountQuery,
        keep: Callable[[ibis.Table], ibis.Table],
    ) -> dict[str, ibis.Table]:
        later = keep(prepared.filter(prepared.timestamp > prepared.timestamp.min()))
        self.seen["kept"] = later
        return {
            "counts": later.group_by("activity").aggregate(n=later.count()),
            "first": later.aggregate(at=later.timestamp.min()),
        }


def test_a_kept_intermediate_is_computed_once_read_by_each_output_and_released(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    analysis = KeepingAnalysis()
    monkeypatch.setitem(ANALYSES, CountQuery, analysis)
    backend = backend_for(journeys(CASES))
    cached: list[ibis.Table] = []
    cache = backend.cache
    monkeypatch.setattr(backend, "cache", lambda e: cached.append(cache(e)) or cached[-1])
    rows = backend.run(CountQuery(wanted=("A", "B")))
    assert sorted((r["activity"], r["n"]) for r in rows["counts"]) == [("B", 2)]  # B@1, B@5
    assert len(cached) == 2  # the prepared relation and the one intermediate
    assert analysis.seen["kept"] is cached[1]
    with pytest.raises(Exception, match="does not exist"):  # released: its table is gone
        backend.arrow(cached[1])


def test_a_cached_relation_lives_on_the_events_backend() -> None:
    backend = backend_for(journeys(CASES))
    cached = backend.cache(backend.events().filter(ibis._.activity == "B"))
    try:
        assert backend.arrow(cached).column("activity").to_pylist() == ["B", "B", "B"]
        assert cached._find_backend() is backend.events()._find_backend()
    finally:
        cached.release()


@pytest.fixture
def parquet(tmp_path: Path) -> Path:
    path = tmp_path / "events.parquet"
    pq.write_table(journeys(CASES), path)
    return path


def test_connect_opens_a_store_on_duckdb_and_closes_it(tmp_path: Path, parquet: Path) -> None:
    with Store(tmp_path / "store.duckdb") as db:
        assert db.ingest(parquet).events_added == 6
    with connect(tmp_path / "store.duckdb") as backend:
        assert isinstance(backend, DuckDBBackend) and backend.name == "duckdb"
        m = backend.run(DfgQuery())
        assert (m.cases, m.events) == (3, 6)
    with pytest.raises(Exception, match=r"(?i)closed|connection"):
        backend.store.con.execute("SELECT 1")


def test_connect_reads_a_source_in_place(parquet: Path) -> None:
    backend = connect("unused.duckdb", source=f"parquet:{parquet}")
    assert type(backend) is IbisBackend and backend.name == "duckdb"
    assert backend.run(DfgQuery()).start == {"A": 2, "B": 1}


def test_an_unknown_engine_is_refused_by_name() -> None:
    with pytest.raises(
        UnknownEngineError, match="unknown engine 'duckbd' \\(choose duckdb or spark\\)"
    ):
        connect("x.duckdb", "duckbd")


def test_a_spark_backend_needs_a_store_or_events_said_before_spark_starts(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from journeyscope.analytics import backends

    def no_spark(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("a JVM was started for a backend that cannot run")

    monkeypatch.setattr(backends, "spark_session", no_spark)
    with pytest.raises(ValueError, match="needs a store or an events table"):
        backends.SparkBackend()


@pytest.mark.spark
def test_spark_runs_a_store_as_duckdb_does(spark: Any, tmp_path: Path, parquet: Path) -> None:
    from journeyscope.analytics.backends import SparkBackend
    from journeyscope.analytics.spark_session import spark_driver_exit

    with Store(tmp_path / "store.duckdb") as db:
        db.ingest(parquet)
    with connect(tmp_path / "store.duckdb", "spark") as backend:
        assert isinstance(backend, SparkBackend) and len(backend.views) == 1
        m = backend.run(DfgQuery())
        assert (m.cases, m.events, m.start) == (3, 6, {"A": 2, "B": 1})
        (view,) = backend.views
    assert view not in {t.name for t in spark.catalog.listTables()}  # dropped on close
    assert spark_driver_exit(spark) is None  # the driver is alive
