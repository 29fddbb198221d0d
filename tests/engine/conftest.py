"""Fixtures for the engine tests: a throwaway PostgreSQL server (scripts/postgres.sh), a fresh
database per test, the example programs. PostgreSQL that cannot start fails the tests that
need it, saying why; nothing is skipped."""

from __future__ import annotations

import os
import subprocess
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from engine_kit import REPO, WorkerProcess


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[str]:
    """A PostgreSQL cluster started for this test session, stopped and deleted after it."""
    name = f"test-{os.getpid()}"
    script = REPO / "scripts" / "postgres.sh"
    proc = subprocess.run(
        ["bash", str(script), "start", name], capture_output=True, text=True, check=False
    )
    if proc.returncode != 0 or not proc.stdout.strip():
        pytest.fail(
            f"PostgreSQL could not start (scripts/postgres.sh start {name}, exit "
            f"{proc.returncode}): {proc.stderr.strip() or proc.stdout.strip()}"
        )
    try:
        yield proc.stdout.strip().splitlines()[-1]
    finally:
        subprocess.run(["bash", str(script), "destroy", name], capture_output=True, check=False)


@pytest.fixture
def postgres_url(postgres_server: str) -> Iterator[str]:
    """A new, empty database on the session's server."""
    import psycopg

    name = "t_" + uuid.uuid4().hex[:12]
    admin = postgres_server.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    try:
        yield postgres_server.rsplit("/", 1)[0] + "/" + name
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'engine.sqlite'}"


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Each test using it runs on SQLite and on PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'engine.sqlite'}"
    url: str = request.getfixturevalue("postgres_url")
    return url


@pytest.fixture
def spawn(tmp_path: Path) -> Iterator[Callable[..., WorkerProcess]]:
    """Start ``journeyscope worker`` processes; any still running at the end are killed."""
    started: list[WorkerProcess] = []

    def start(url: str, worker_id: str, **options: Any) -> WorkerProcess:
        worker = WorkerProcess(url, worker_id, tmp_path, **options)
        started.append(worker)
        return worker

    yield start
    for worker in started:
        if worker.alive():
            worker.kill()
        elif not worker._out.closed:
            worker.wait()
