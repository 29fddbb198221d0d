"""``journeyscope ocel dfg`` and ``ocel export`` on an ingested OCEL 2.0 log (JSON and XML)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from ocel_kit import ORDER_EDGES, write
from typer.testing import CliRunner

from journeyscope.cli import app
from journeyscope.events.ocel import load_log
from journeyscope.events.ocel_store import canonical


@pytest.mark.slow
def test_dfg_and_export(tmp_path: Path) -> None:
    runner = CliRunner()
    store = str(tmp_path / "s.duckdb")
    source = write(tmp_path)
    done = runner.invoke(app, ["ingest", str(source), "--store", store, "--object-type", "*"])
    assert done.exit_code == 0, done.output
    assert "events are related to several case objects" in done.output
    svg = tmp_path / "map.svg"
    out = runner.invoke(
        app,
        ["ocel", "dfg", "--store", store, "--object-type", "Order", "--svg", str(svg), "--json"],
    )
    assert out.exit_code == 0, out.output
    data = json.loads(out.stdout)
    got = {(e["source"], e["target"]): e["count"] for e in data["object_types"][0]["edges"]}
    assert got == {k: v[0] for k, v in ORDER_EDGES.items()}
    assert svg.read_text().startswith("<svg")
    table = runner.invoke(app, ["ocel", "dfg", "--store", store])
    assert table.exit_code == 0 and "rows if flattened" in table.output
    for name in ("back.jsonocel", "back.xmlocel"):
        written = runner.invoke(app, ["ocel", "export", str(tmp_path / name), "--store", store])
        assert written.exit_code == 0, written.output
        assert canonical(load_log(tmp_path / name)) == canonical(load_log(source))
    typo = runner.invoke(app, ["ocel", "dfg", "--store", store, "--object-type", "Itme"])
    assert typo.exit_code != 0 and "did you mean 'Item'" in typo.output
