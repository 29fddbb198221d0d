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


@pytest.fixture(params=BACKENDS)
def declared(request: pytest.FixtureRequest) -> Iterator[Callable[..., Backend]]:
    """``declared({"c1": "A@0 B@1"})``: a backend over journeys declared as data, on each
    backend (DuckDB, and Spark in local mode): every test that uses it runs on both, and its
    expected figures hold on both."""
    backend = request.param
    if backend == "spark":
        request.getfixturevalue("spark")  # the session, stopped at the end of the test session
    yield lambda cases, **kw: backend_for(journeys(cases, **kw), backend)


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    """The backend's name (``duckdb``, and ``spark`` with its session started), for the
    analyses a service runs from settings (``Settings.engine``): each test that uses it runs
    on both, and its expected figures hold on both."""
    name: str = request.param
    if name == "spark":
        request.getfixturevalue("spark")
    return name
