"""``journeyscope dfg | variants | funnel | paths | channels``, driven as a user would."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from analytics_kit import RealLog
from typer.testing import CliRunner

from journeyscope.analytics import DfgQuery, DuckDBBackend, FunnelQuery
from journeyscope.cli import app

runner = CliRunner()
STEPS = (
    "Confirmation of receipt",
    "T02 Check confirmation of receipt",
    "T04 Determine confirmation of receipt",
)


@pytest.fixture
def store(real_log: Callable[[str], RealLog]) -> str:
    return str(real_log("receipt.csv").store)


def run_json(*args: str) -> Any:
    result = runner.invoke(app, [*args, "--json"])
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def test_dfg_json_matches_the_python_api(store: str) -> None:
    out = run_json("dfg", "--store", store)
    assert set(out) >= {"edges", "start", "end", "case_rule"}
    assert set(out["edges"][0]) >= {"source", "target", "count", "cases", "median_seconds"}
    with DuckDBBackend(store) as backend:
        assert out == backend.run(DfgQuery()).model_dump(mode="json")


def test_funnel_json_states_counts_and_semantics(store: str) -> None:
    out = run_json("funnel", *STEPS, "--window", "30d", "--store", store)
    cases = [s["cases"] for s in out["steps"]]
    assert cases[0] == 1434 and cases == sorted(cases, reverse=True)
    sem = out["semantics"]
    assert (sem["mode"], sem["entry"], sem["ties"], sem["window"]) == (
        "sequential",
        "furthest",
        "advance",
        "30 days",
    )
    assert "at least" in sem["description"] and out["case_rule"].startswith("case_id")
    with DuckDBBackend(store) as backend:
        api = backend.run(FunnelQuery(steps=STEPS, window=timedelta(days=30)))
    assert out == api.model_dump(mode="json")


def test_funnel_options(store: str) -> None:
    out = run_json(
        "funnel",
        *STEPS,
        "--mode",
        "strict",
        "--entry",
        "first",
        "--ties",
        "strict-increase",
        "--optional",
        "2",
        "--open",
        "--breakdown",
        "channel",
        "--store",
        store,
    )
    assert out["semantics"]["mode"] == "strict" and out["semantics"]["optional_steps"] == [2]
    assert {g["value"] for g in out["breakdown"]} >= {"Internet", "Desk"}


@pytest.mark.slow
def test_variants_paths_channels_json(store: str) -> None:
    v = run_json("variants", "--top", "3", "--store", store)
    assert len(v["top"]) == 3 and v["variants_for_coverage"] <= v["variants"]
    p = run_json(
        "paths", "--start", STEPS[0], "--steps", "3", "--collapse-repeats", "--store", store
    )
    assert p["repeats_collapsed"] is True and p["loops"]["cases"] == 1434
    c = run_json("channels", "--digital", "Internet", "--assisted", "Desk,Post", "--store", store)
    assert c["digital_channels"] == ["Internet"] and c["digital"]["cases"] == 1434


def test_case_rule_options(store: str) -> None:
    out = run_json("dfg", "--case-rule", "customer", "--store", store)
    assert (
        out["case_rule"]
        == "one case per customer (after identity stitching); events without one are left out"
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["funnel", "A", "--mode", "any-order", "--exclude", "X"], "any-order"),
        (["dfg", "--case-rule", "gap"], "--gap"),
        (["funnel", "A", "B", "--window", "soon"], "not a duration"),
        (["dfg", "--engine", "sparkk"], "unknown engine"),
        (
            ["funnel", STEPS[0], "T02 Check confirmation of receiptz"],
            "closest: 'T02 Check confirmation of receipt'",
        ),
        (["funnel", STEPS[0], STEPS[1], "--breakdown", "colour"], "no property or column 'colour'"),
        (["paths", "--start", "Nonexistent"], "paths --start: no activity 'Nonexistent'"),
    ],
)
def test_bad_options_exit_2_with_one_clear_line(store: str, args: list[str], message: str) -> None:
    result = runner.invoke(app, [*args, "--store", store])
    assert result.exit_code == 2
    assert message in result.stderr and "Traceback" not in result.stderr


def test_breakdown_shows_in_the_table_output(store: str) -> None:
    result = runner.invoke(
        app, ["funnel", STEPS[0], STEPS[1], "--breakdown", "channel", "--store", store]
    )
    assert result.exit_code == 0, result.stderr
    shown = result.output  # stdout and stderr: where tables go is the CLI's choice
    assert "by channel" in shown and "Desk" in shown


def test_missing_store_is_an_error(tmp_path: Any) -> None:
    result = runner.invoke(app, ["dfg", "--store", str(tmp_path / "none.duckdb")])
    assert result.exit_code != 0


@pytest.mark.spark
@pytest.mark.slow
def test_engine_spark_gives_the_same_json(spark: object, store: str) -> None:
    assert run_json("dfg", "--engine", "spark", "--store", store) == run_json(
        "dfg", "--store", store
    )


def test_paths_table_labels_its_customers_and_states_its_definitions(store: str) -> None:
    result = runner.invoke(app, ["paths", "--steps", "3", "--store", store], env={"COLUMNS": "300"})
    assert result.exit_code == 0, result.stderr
    text = " ".join(result.stderr.split())  # tables and notes go to stderr
    assert "customers with a case in the journey:" in text
    assert "cases: case_id from the data" in text and "activity: the activity column" in text
    assert "loops: went back:" in text
