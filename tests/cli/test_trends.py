"""``journeyscope trends``: the table and ``--json``, which is the service function's result
(the one behind the workspace's page and ``/api/trends``); bad names get the closest."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from journeyscope.analytics.trends import TrendsQuery
from journeyscope.cli import app
from journeyscope.config import Settings
from journeyscope.services import analyses

CSV = (
    "case_id,customer_id,activity,timestamp,channel\n"
    "c1,u1,Apply,2024-01-01T10:00:00Z,web\nc1,u1,Sign,2024-01-09T10:00:00Z,web\n"
    "c2,u2,Apply,2024-01-02T10:00:00Z,app\nc2,u2,Apply,2024-01-10T10:00:00Z,web\n"
    "c3,u3,Apply,2024-01-16T10:00:00Z,web\n"
)


def make_store(tmp_path: Path) -> str:
    data = tmp_path / "e.csv"
    data.write_text(CSV)
    store = str(tmp_path / "s.duckdb")
    result = CliRunner().invoke(app, ["ingest", str(data), "--store", store])
    assert result.exit_code == 0, result.stderr
    return store


@pytest.mark.slow
def test_json_is_the_service_result(tmp_path: Path) -> None:
    store = make_store(tmp_path)
    runner = CliRunner()
    out = runner.invoke(
        app, ["trends", "--store", store, "--event", "Apply", "--breakdown", "channel", "--json"]
    )
    assert out.exit_code == 0, out.stderr
    data = json.loads(out.stdout)
    assert [(p["period"], p["events"], p["conversions"]) for p in data["points"]] == [
        ("2024-01-01", 2, 2),
        ("2024-01-08", 1, 0),
        ("2024-01-15", 1, 1),
    ]
    assert {g["value"]: g["events"] for g in data["breakdown"]} == {"web": 3, "app": 1}
    service = analyses.trends(
        Settings(store=Path(store)), TrendsQuery(event="Apply", breakdown="channel")
    )
    assert data == service.model_dump(mode="json")
    table = runner.invoke(app, ["trends", "--store", store, "--period", "month"])
    assert table.exit_code == 0, table.stderr
    text = " ".join(table.stderr.split())
    assert "every event by month" in text and "conversions = cases whose first one" in text


def test_an_unknown_event_names_the_closest(tmp_path: Path) -> None:
    store = make_store(tmp_path)
    out = CliRunner().invoke(app, ["trends", "--store", store, "--event", "Aply"])
    assert out.exit_code == 2
    assert "'Aply'" in out.stderr and "Apply" in out.stderr
