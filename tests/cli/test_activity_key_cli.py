"""``journeyscope --activity-key ...``: every analysis command takes the activity key, and a
misspelt property in it is an error, never a silent fall-back to the plain activity."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from journeyscope.cli import app

LOG = (
    "case_id,activity,timestamp,lifecycle:transition\n"
    "c1,A,2024-01-01T10:00:00Z,start\n"
    "c1,A,2024-01-01T10:05:00Z,complete\n"
    "c1,B,2024-01-01T11:00:00Z,complete\n"
    "c2,A,2024-01-02T10:00:00Z,start\n"
    "c2,A,2024-01-02T10:09:00Z,complete\n"
)


def test_the_activity_key_reaches_every_analysis_and_typos_are_errors(tmp_path: Path) -> None:
    data, store = tmp_path / "e.csv", tmp_path / "s.duckdb"
    data.write_text(LOG)
    runner = CliRunner()
    assert runner.invoke(app, ["ingest", str(data), "--store", str(store)]).exit_code == 0
    key = ["--activity-key", "concept:name+lifecycle:transition"]
    keyed = runner.invoke(app, [*key, "variants", "--store", str(store), "--json"])
    assert keyed.exit_code == 0, keyed.output
    assert sorted(v["activities"] for v in json.loads(keyed.stdout)["top"]) == [
        ["A (start)", "A (complete)"],
        ["A (start)", "A (complete)", "B (complete)"],
    ]
    plain = runner.invoke(app, ["dfg", "--store", str(store), "--json"])
    assert {(e["source"], e["target"]) for e in json.loads(plain.stdout)["edges"]} == {
        ("A", "A"),
        ("A", "B"),
    }
    typo = runner.invoke(
        app, ["--activity-key", "concept:name+lifecycel", "dfg", "--store", str(store)]
    )
    assert typo.exit_code == 2 and "lifecycel" in typo.output and "--activity-key" in typo.output
