"""The ingest side of issue 12, driven through the CLI: missing stores, OCEL case choice, notes."""

from __future__ import annotations

import json
from pathlib import Path

from command_kit import outcome


def test_stats_on_a_missing_store_creates_nothing_and_says_so(tmp_path: Path) -> None:
    missing = tmp_path / "missing.duckdb"
    for command in ("stats", "quarantine"):
        code, out, err = outcome(command, "--store", str(missing))
        assert code != 0
        assert "no such store" in err and out == ""
        assert not missing.exists() and not (tmp_path / "missing.duckdb.wal").exists()


def test_ocel_object_type_reaches_the_store_and_notes_are_shown(
    tmp_path: Path, real_data: Path
) -> None:
    store = str(tmp_path / "s.duckdb")
    log = str(real_data / "ocel20_example.jsonocel")
    code, _, err = outcome("ingest", log, "--store", store)
    assert code != 0 and "--object-type" in err
    code, out, _ = outcome("ingest", log, "--store", store, "--object-type", "Invoice", "--json")
    assert code == 0
    (report,) = json.loads(out)["files"]
    assert report["events_added"] > 0 and report["notes"] == []
    code, _, err = outcome("ingest", log, "--store", store, "--object-type", "*")
    assert code == 0 and "related to several case objects" in err
