"""``journeyscope stats`` labels what it counts: customers are stitched identities, cases the
data's own, and its semantics line is written by the same helper as every analysis."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from journeyscope.analytics.semantics import CUSTOMER_COUNTS, customer_label
from journeyscope.cli import app


def test_stats_labels_customers_as_stitched_identities(tmp_path: Path) -> None:
    data = tmp_path / "e.csv"
    data.write_text(
        "case_id,customer_id,activity,timestamp\n"
        "c1,u1,A,2024-01-01T10:00:00Z\nc2,u1,B,2024-01-02T10:00:00Z\n"
        "c3,u2,A,2024-01-03T10:00:00Z\n"
    )
    store = str(tmp_path / "s.duckdb")
    runner = CliRunner()
    assert runner.invoke(app, ["ingest", str(data), "--store", store]).exit_code == 0
    table = runner.invoke(app, ["stats", "--store", store])
    assert table.exit_code == 0, table.stderr
    text = " ".join(table.stderr.split())  # tables and notes go to stderr, JSON to stdout
    assert "customers (stitched identities)" in text
    assert "cases: case_id from the data" in text and "filters: none" in text
    out = json.loads(runner.invoke(app, ["stats", "--store", store, "--json"]).stdout)
    assert out["customers"] == 2 and out["cases"] == 3
    assert customer_label("stitched") + " = distinct customer ids" in out["semantics"]


def test_each_customer_count_has_one_label_and_definition() -> None:
    labels = [label for label, _ in CUSTOMER_COUNTS.values()]
    assert len(set(labels)) == len(labels) == 3
    assert all(label.startswith("customers") for label in labels)
