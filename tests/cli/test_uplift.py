"""``journeyscope uplift`` as a user runs it: the table, --json, and clear errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from journeyscope.cli import app
from journeyscope.engine import synthetic_trial as trial
from journeyscope.events import Store

runner = CliRunner()


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> str:
    path = tmp_path_factory.mktemp("uplift-cli") / "store.duckdb"
    with Store(path) as s:
        trial.write_store(trial.generate(customers=300, seed=4), s)
    return str(path)


def test_table_and_json(store: str) -> None:
    table = runner.invoke(app, ["uplift", "--store", store])
    assert table.exit_code == 0, table.stderr
    text = table.stderr + table.stdout  # the table goes to the console (stderr)
    assert "docs-reminder: did it help?" in text and "document_reminder" in text
    assert "Newcombe" in text and "Intention to treat" in text
    done = runner.invoke(app, ["uplift", trial.JOURNEY, "--store", store, "--json"])
    assert done.exit_code == 0, done.stderr
    data = json.loads(done.stdout)
    (j,) = data["journeys"]
    assert j["treated_customers"] + j["held_out_customers"] == 300
    assert j["outcome"]["method"].startswith("Newcombe")
    assert f"{100 * j['outcome']['treated']:.1f} %" in text


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["uplift", "docs-remindr"], "closest: 'docs-reminder'"),
        (["uplift", "--outcome", "Upload documnts"], "closest: 'Upload documents'"),
        (["uplift", "--window", "soon"], "soon"),
        (["uplift", "--since", "2025-04-01", "--until", "2025-03-01"], "before"),
    ],
)
def test_bad_input_is_one_clear_line(store: str, args: list[str], message: str) -> None:
    done = runner.invoke(app, [*args, "--store", store])
    assert done.exit_code == 2, done.stdout
    assert message in done.stderr and "Traceback" not in done.stderr


def test_a_store_without_engine_records(tmp_path: Path) -> None:
    with Store(tmp_path / "plain.duckdb"):
        pass
    done = runner.invoke(app, ["uplift", "--store", str(tmp_path / "plain.duckdb")])
    assert done.exit_code == 2 and "journeyscope engine export" in done.stderr


def test_a_source_in_place_is_refused_not_ignored(store: str) -> None:
    done = runner.invoke(app, ["--source", "parquet:x.parquet", "uplift", "--store", store])
    assert done.exit_code == 2 and "does not take --source" in done.stderr
