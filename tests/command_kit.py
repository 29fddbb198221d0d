"""The ``journeyscope`` command run inside the test process (Typer's ``CliRunner``): the one way
the tests drive a command for its output, JSON and exit code.

A command started as a subprocess pays about 2 CPU seconds of imports (DuckDB, Ibis, PyArrow)
before it does anything; in the test process those are loaded once. Tests of what only a real
process shows (start-up time and lazy imports, ``serve``, a killed worker, signals, two
processes holding one store) start one themselves.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from typer.testing import CliRunner, Result

from journeyscope.cli import app

_runner = CliRunner()


def invoke(*args: str, env: Mapping[str, str] | None = None, stdin: str | None = None) -> Result:
    """``journeyscope ARGS`` with ``env`` added to the environment and ``stdin`` as its input;
    the result's ``exit_code``, ``stdout`` and ``stderr`` (kept apart)."""
    return _runner.invoke(app, list(args), input=stdin, env=dict(env or {}))


def outcome(
    *args: str, env: Mapping[str, str] | None = None, stdin: str | None = None
) -> tuple[int, str, str]:
    """``journeyscope ARGS``: its exit code, standard output and standard error."""
    done = invoke(*args, env=env, stdin=stdin)
    return done.exit_code, done.stdout, done.stderr


def run_cli(*args: str, env: Mapping[str, str] | None = None, stdin: str | None = None) -> str:
    """The standard output of ``journeyscope ARGS``, which must succeed (its standard error
    is the failure's message)."""
    done = invoke(*args, env=env, stdin=stdin)
    assert done.exit_code == 0, f"journeyscope {' '.join(args)}: exit {done.exit_code}\n" + (
        done.stderr or repr(done.exception)
    )
    return done.stdout


#: Four cases a person can count: c1 buys after web then email, c3 after web; c2 and c4 never buy.
FOUR_CASES = """case_id,customer_id,activity,timestamp,channel
c1,u1,Visit,2024-01-01T10:00:00Z,web
c1,u1,Email,2024-01-01T10:30:00Z,email
c1,u1,Buy,2024-01-01T11:00:00Z,web
c2,u2,Visit,2024-01-02T10:00:00Z,app
c2,u2,Call,2024-01-02T12:00:00Z,phone
c3,u3,Visit,2024-01-03T10:00:00Z,web
c3,u3,Buy,2024-01-03T10:30:00Z,app
c4,u4,Call,2024-01-04T10:00:00Z,phone
"""


def four_case_store(folder: Path) -> str:
    """:data:`FOUR_CASES` ingested, as a person would, into a store in ``folder``; its path."""
    (folder / "events.csv").write_text(FOUR_CASES)
    path = str(folder / "store.duckdb")
    run_cli("ingest", str(folder / "events.csv"), "--store", path)
    return path
