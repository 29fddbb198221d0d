"""Fixtures for the analytics tests: real logs in their own stores, tiny declared journeys."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from analytics_kit import BACKENDS, RealLog, backend_for, journeys

from journeyscope.analytics.backends import Backend
from journeyscope.events import Store


@pytest.fixture(scope="session")
def real_log(real_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], RealLog]:
    """``real_log(name)``: the log ingested once per test session (one store per log: case
    ids are only unique within a log)."""
    made: dict[str, RealLog] = {}

    def get(name: str) -> RealLog:
        if name not in made:
            folder = tmp_path_factory.mktemp(name.split(".")[0])
            store, parquet = folder / "store.duckdb", folder / "events.parquet"
            with Store(store) as db:
                report = db.ingest(real_data / name)
                assert report.events_added > 0 and report.quarantined == 0, report.reasons
                db.con.execute(f"COPY events TO '{parquet}' (FORMAT PARQUET)")
            made[name] = RealLog(name, store, parquet)
        return made[name]

    return get


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """The engines a test that uses ``backend`` (or ``declared``, which reads it) runs on:
    DuckDB, and Spark as well where it is marked ``both_engines``. Each analysis is one Ibis expression on either
    engine, and each Spark query costs seconds of a JVM's planning, so Spark runs where it
    can differ: each analysis on a whole log (real or synthetic), the rules that depend on
    the engine (ties in time, input order, time zones, kept intermediates), whole modules
    whose cases are cheap on Spark, and conformance's hand-checked cases together in one test
    (``test_spark_gives_the_same_results_as_duckdb``); the other hand-checked cases run on
    DuckDB only."""
    engines = BACKENDS if metafunc.definition.get_closest_marker("both_engines") else ["duckdb"]
    if "backend" in metafunc.fixturenames:  # the fixtures a test reads, those they read too
        metafunc.parametrize("backend", engines, indirect=True)


@pytest.fixture
def declared(backend: str) -> Iterator[Callable[..., Backend]]:
    """``declared({"c1": "A@0 B@1"})``: a backend over journeys declared as data, on the
    test's engine (``backend``)."""
    yield lambda cases, **kw: backend_for(journeys(cases, **kw), backend)


@pytest.fixture
def backend(request: pytest.FixtureRequest) -> str:
    """The engine's name (``duckdb``, or ``spark`` with its session started: see
    :func:`pytest_generate_tests`), for the analyses a service runs from settings
    (``Settings.engine``)."""
    name: str = request.param
    if name == "spark":
        request.getfixturevalue("spark")  # the session, stopped at the end of the test session
    return name
