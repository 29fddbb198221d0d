"""Shared fixtures: real logs from ../shared/data/real, a small synthetic store."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import settings

import lanes
from journeyscope import synthetic
from journeyscope.events import Store
from journeyscope.events.identity import stitch

REAL = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "real"


@pytest.fixture(scope="session")
def real_data() -> Path:
    """The folder of real public logs; fails (never skips) with a clear message when absent."""
    if not (REAL / "README.md").is_file():
        pytest.fail(f"real logs not found at {REAL}: the tests read them from ../shared/data/real")
    return REAL


@pytest.fixture(scope="session")
def synthetic_table():
    """2,000 synthetic customers (about 17k events), truth columns included."""
    return synthetic.generate(2_000, seed=11)


@pytest.fixture(scope="session")
def synthetic_store(tmp_path_factory: pytest.TempPathFactory, synthetic_table) -> Store:
    """A store holding the synthetic events, stitched. Treat it as read-only."""
    folder = tmp_path_factory.mktemp("synthetic")
    data = folder / "events.parquet"
    synthetic.write(synthetic_table, data)
    store = Store(folder / "store.duckdb")
    store.ingest(data)
    stitch(store.con)
    return store


@pytest.fixture(scope="session")
def small_store(tmp_path_factory: pytest.TempPathFactory) -> Store:
    """300 synthetic customers (seed 11), stitched: for a command's or a page's own run, where
    the figures are checked elsewhere (a whole report here costs a tenth of the CPU it costs on
    the 2,000 customers). Treat it as read-only."""
    return _stitched_store(tmp_path_factory.mktemp("small"), 300, seed=11)


@pytest.fixture(scope="session")
def survey_store(tmp_path_factory: pytest.TempPathFactory) -> Store:
    """8,000 synthetic customers (about 1,600 NPS answers), stitched: enough answers for the
    statistical analyses to have power. Treat it as read-only."""
    return _stitched_store(tmp_path_factory.mktemp("survey"), 8_000, seed=5)


def _stitched_store(folder: Path, customers: int, seed: int) -> Store:
    """``customers`` synthetic customers written to ``folder``, ingested and stitched."""
    synthetic.write(synthetic.generate(customers, seed=seed), folder / "events.parquet")
    store = Store(folder / "store.duckdb")
    store.ingest(folder / "events.parquet")
    stitch(store.con)
    return store


@pytest.fixture(scope="session")
def spark() -> Iterator[object]:
    """One SparkSession (local[2], UTC) for the whole test session; Java must be present."""
    from journeyscope.analytics.spark_session import spark_session

    session = spark_session("local[2]")
    yield session
    session.stop()


@pytest.hookimpl(tryfirst=True)  # before `-m "not slow"` deselects
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """A test that needs Spark (a JVM start, seconds of set-up) is slow wherever it is
    declared: the fast lane never starts Spark."""
    for item in items:
        if item.get_closest_marker("spark") and not item.get_closest_marker("slow"):
            item.add_marker(pytest.mark.slow)


def pytest_configure(config: pytest.Config) -> None:
    """The fast lane (``-m "not slow"``) runs each property test on a quarter of its examples
    (``lanes.examples``; Hypothesis' default of 100 scaled the same way), set here before any
    test module is imported; the full run keeps them all."""
    lanes.fast = lanes.is_fast_lane(config.getoption("markexpr") or "")
    settings.register_profile("fast-lane", max_examples=lanes.examples(lanes.DEFAULT_EXAMPLES))
    if lanes.fast:
        settings.load_profile("fast-lane")
