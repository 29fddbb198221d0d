"""The insight commands as a user runs them: silent, moments, emotions, value, on the
synthetic data (which carries the truth) and on a real log."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from journeyscope.cli import app
from journeyscope.events import Store

runner = CliRunner()
DESIGNS = Path(__file__).resolve().parents[2] / "examples" / "journeys"


def run_json(*args: str) -> dict:
    result = runner.invoke(app, [*args, "--json"])
    assert result.exit_code == 0, result.stderr + str(result.exception)
    return json.loads(result.stdout)


# the correction beating the naive figure on the survey store takes minutes on a shared
# machine: the full run only; the command's table and its refusals stay in the fast lane
@pytest.mark.slow
def test_silent_json_reports_naive_corrected_and_truth(survey_store: Store, tmp_path: Path) -> None:
    out = tmp_path / "estimates.csv"
    data = run_json("silent", "--store", survey_store.path, "--predictions", str(out))
    assert {"naive", "corrected", "truth", "respondents", "customers"} <= set(data)
    assert set(data["naive"]) >= {"nps", "ci"} and set(data["corrected"]) >= {"nps", "ci"}
    truth, naive, corrected = data["truth"]["nps"], data["naive"]["nps"], data["corrected"]["nps"]
    assert abs(corrected - truth) < abs(naive - truth)
    with out.open() as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == data["asked"]["customers"]  # the asked ones ("Survey sent")
    assert data["asked"]["source"] == "inferred" and data["never_asked"]["customers"] > 0
    assert sum(r["answered"] == "True" for r in rows) == data["respondents"]


@pytest.mark.slow
def test_silent_table_and_a_bad_survey_type(synthetic_store: Store) -> None:
    """The command's table, strategy by strategy, on the 2,000 customers (31 CSAT answers: every
    strategy is computed and shown); on the survey store's 8,000 the same table cost about
    31 s of CPU against 21 s here (measured at a load average of 7-12)."""
    result = runner.invoke(app, ["silent", "--store", synthetic_store.path, "--survey", "CSAT"])
    assert result.exit_code == 0, result.stderr
    assert "CSAT" in result.stderr and "corrected" in result.stderr
    bad = runner.invoke(app, ["silent", "--store", synthetic_store.path, "--survey", "XYZ"])
    assert bad.exit_code != 0 and "survey" in bad.stderr


@pytest.mark.slow
def test_moments_json_compares_with_the_design(survey_store: Store) -> None:
    data = run_json(
        "moments",
        "--store",
        survey_store.path,
        "--design",
        str(DESIGNS / "tenancy.yaml"),
        "--by",
        "segment",
        "--top",
        "10",
    )
    assert len(data["moments"]) <= 10 and data["significant"] > 0
    assert {d["step"] for d in data["designed"]} >= {"upload_documents"}
    first = data["moments"][0]
    assert {"candidate", "effect", "ci", "q", "significant", "cases_with"} <= set(first)
    assert "observational" in data["assumptions"]


@pytest.mark.slow
def test_emotions_and_value_json(survey_store: Store) -> None:
    design = str(DESIGNS / "tenancy.yaml")
    emotions = run_json("emotions", design, "--store", survey_store.path)
    assert emotions["gaps"] and all("felt" in s for s in emotions["steps"])
    value = run_json(
        "value", "--store", survey_store.path, "--design", design, "--value-per-case", "400"
    )
    assert value["opportunities"][0]["value"] >= value["opportunities"][-1]["value"]
    assert value["totals"]["cost"] > 0


@pytest.mark.slow
def test_value_on_a_real_log_with_a_cost_table(real_data: Path, tmp_path: Path) -> None:
    store = str(tmp_path / "receipt.duckdb")
    assert (
        runner.invoke(app, ["ingest", str(real_data / "receipt.csv"), "--store", store]).exit_code
        == 0
    )
    data = run_json("value", "--store", store, "--cost", "Desk=12", "--cost", "Internet=0.5")
    assert data["totals"]["cost"] > 0 and data["totals"]["cost_from"].get("table", 0) > 0
    bad = runner.invoke(app, ["value", "--store", store, "--cost", "Desk"])
    assert bad.exit_code != 0 and "CHANNEL=AMOUNT" in bad.stderr
