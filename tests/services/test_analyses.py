"""The application layer's analyses: the same results as the backend, on a store opened
read-only, so that two analyses (two processes) can read one store at the same time."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from journeyscope.analytics import (
    ChannelsQuery,
    DfgQuery,
    DuckDBBackend,
    FunnelQuery,
    PathsQuery,
    VariantsQuery,
)
from journeyscope.analytics.conformance import ConformanceQuery
from journeyscope.config import Settings
from journeyscope.definitions import load_journey
from journeyscope.errors import StoreError, UnknownEngineError
from journeyscope.events import Store
from journeyscope.services import analyses

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


@pytest.fixture(scope="module")
def store(real_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The receipt log in a store of its own, closed (other processes may open it)."""
    path = tmp_path_factory.mktemp("services") / "store.duckdb"
    with Store(path) as db:
        db.ingest(real_data / "receipt.csv")
    return path


@pytest.mark.slow
def test_each_analysis_equals_the_backend_result(store: Path) -> None:
    settings = Settings(store=store)
    steps = (
        {"activities": ("Confirmation of receipt",)},
        {"activities": ("T02 Check confirmation of receipt",)},
    )
    queries = [
        (analyses.dfg, DfgQuery()),
        (analyses.variants, VariantsQuery(top=5)),
        (analyses.funnel, FunnelQuery(steps=steps)),
        (analyses.paths, PathsQuery(start="Confirmation of receipt")),
        (analyses.channels, ChannelsQuery()),
    ]
    with DuckDBBackend(store) as backend:
        expected = [backend.run(q).model_dump(mode="json") for _, q in queries]  # type: ignore[call-overload]
    got = [run(settings, q).model_dump(mode="json") for run, q in queries]  # type: ignore[operator]
    assert got == expected
    assert got[0]["edges"] and got[2]["steps"][0]["cases"] == 1434


def test_stats_and_quarantine_read_without_writing(store: Path) -> None:
    before = store.stat().st_mtime_ns
    stats = analyses.stats(Settings(store=store))
    assert (stats["events"], stats["cases"], stats["quarantined"]) == (8577, 1434, 0)
    assert analyses.quarantine(Settings(store=store)) == {"total": 0, "rows": []}
    assert store.stat().st_mtime_ns == before


def test_conformance_takes_a_typed_query(synthetic_store: Store) -> None:
    design = load_journey(EXAMPLES / "journeys" / "tenancy.yaml")
    report = analyses.conformance(
        Settings(store=synthetic_store.path), ConformanceQuery(journey=design, top=2)
    )
    assert report.cases > 0 and report.journey == design.id
    assert all(len(s.instead) <= 2 for s in report.steps)


def test_missing_store_and_unknown_engine_are_named(tmp_path: Path, store: Path) -> None:
    missing = tmp_path / "nope.duckdb"
    with pytest.raises(StoreError, match=r"nope\.duckdb: no such store"):
        analyses.dfg(Settings(store=missing), DfgQuery())
    assert not missing.exists()
    with pytest.raises(UnknownEngineError, match="'duckbd'"):
        analyses.dfg(Settings(store=store, engine="duckbd"), DfgQuery())
    other = tmp_path / "other.duckdb"
    import duckdb

    duckdb.connect(str(other)).close()
    with pytest.raises(StoreError, match="not a journeyscope store"):
        analyses.stats(Settings(store=other))


_HOLD = """
import sys
from journeyscope.config import Settings
from journeyscope.services.store import open_store
store = open_store(Settings(store=sys.argv[1]))
print("open", flush=True)
sys.stdin.readline()
print(store.events().count().execute(), flush=True)
store.close()
"""


@pytest.mark.slow
def test_two_processes_analyse_one_store_at_once(store: Path) -> None:
    """Fails before the services layer: the second read-write open got 'Could not set lock'."""
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    with subprocess.Popen(
        [sys.executable, "-c", _HOLD, str(store)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env=env,
    ) as holder:
        try:
            assert holder.stdout is not None and holder.stdin is not None
            assert holder.stdout.readline().strip() == "open"
            second = subprocess.run(
                [sys.executable, "-m", "journeyscope", "dfg", "--store", str(store), "--json"],
                capture_output=True,
                text=True,
                env=env,
                check=False,
            )
            assert second.returncode == 0, second.stderr
            assert '"edges"' in second.stdout
            holder.stdin.write("\n")
            holder.stdin.flush()
            assert holder.stdout.readline().strip() == "8577"
            assert holder.wait() == 0
        finally:
            if holder.poll() is None:
                holder.kill()  # it waits for a line on stdin; never leave it behind


@pytest.mark.slow
def test_ingest_waits_for_the_analyses_reading_the_store(tmp_path: Path) -> None:
    """A writer needs the store to itself: ingest says it waits, and goes on once the readers
    are done (before, it failed at once with 'Could not set lock')."""
    data = tmp_path / "e.csv"
    data.write_text("case_id,activity,timestamp\nc1,A,2024-01-01\nc1,B,2024-01-02\n")
    more = tmp_path / "more.csv"
    more.write_text("case_id,activity,timestamp\nc2,A,2024-02-01\n")
    store = tmp_path / "s.duckdb"
    with Store(store) as db:
        db.ingest(data)
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    with subprocess.Popen(
        [sys.executable, "-c", _HOLD, str(store)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env=env,
    ) as holder:
        try:
            assert holder.stdout is not None and holder.stdin is not None
            assert holder.stdout.readline().strip() == "open"
            with subprocess.Popen(
                [sys.executable, "-m", "journeyscope", "ingest", str(more), "--store", str(store)],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
                text=True,
                env=env,
            ) as ingest:
                assert ingest.stderr is not None
                assert "waiting for the analyses reading" in ingest.stderr.readline()
                holder.stdin.write("\n")
                holder.stdin.flush()
                assert holder.stdout.readline().strip() == "2"
                rest = ingest.stderr.read()
                assert ingest.wait() == 0, rest
        finally:
            if holder.poll() is None:
                holder.kill()
            holder.wait()
    assert analyses.stats(Settings(store=store))["events"] == 3
