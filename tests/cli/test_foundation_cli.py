"""The foundation commands, driven as a user would: ingest, stats and quarantine."""

from __future__ import annotations

import json
from pathlib import Path

from command_kit import outcome


def test_ingest_then_stats_json(tmp_path: Path, real_data: Path) -> None:
    store = str(tmp_path / "s.duckdb")
    code, out, _ = outcome("ingest", str(real_data / "receipt.csv"), "--store", store, "--json")
    assert code == 0
    report = json.loads(out)
    assert report["files"][0]["events_added"] == 8577
    code, out, _ = outcome("stats", "--store", store, "--json")
    stats = json.loads(out)
    assert {k: stats[k] for k in ("events", "cases", "customers", "quarantined")} == {
        "events": 8577,
        "cases": 1434,
        "customers": 1434,
        "quarantined": 0,
    }
    assert stats["activities"] == 27
    assert sum(stats["channels"].values()) == 1434  # each receipt case came in by one channel
    code, out, _ = outcome("ingest", str(real_data / "receipt.csv"), "--store", store, "--json")
    assert code == 0 and json.loads(out)["files"][0]["skipped"] is True


def test_nothing_readable_exits_non_zero_and_says_why(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("case_id,activity,timestamp\nc1,A,not a date\n")
    store = str(tmp_path / "s.duckdb")
    code, _, err = outcome("ingest", str(bad), "--store", store)
    assert code == 1
    assert "nothing could be read" in err
    assert "unparseable timestamp" in err
    code, out, _ = outcome("quarantine", "--store", store, "--json")
    rows = json.loads(out)["rows"]
    assert rows[0]["reason"] == "unparseable timestamp not a date (column 'timestamp')"
    assert rows[0]["source_row"] == 2  # the physical line (line 1 is the header)


def test_user_errors_are_one_clear_line_not_a_traceback(tmp_path: Path) -> None:
    code, _, err = outcome(
        "ingest", str(tmp_path / "nope.csv"), "--store", str(tmp_path / "s.duckdb")
    )
    assert code == 2 and "no such file" in err and "Traceback" not in err
    data = tmp_path / "e.csv"
    data.write_text("a,b\n1,2\n")
    code, _, err = outcome(
        "ingest", str(data), "--activity", "Step", "--store", str(tmp_path / "s.duckdb")
    )
    assert code == 2 and "mapped to column 'Step'" in err


def test_running_out_of_memory_is_one_clear_message(tmp_path: Path, real_data: Path) -> None:
    store = str(tmp_path / "s.duckdb")
    assert outcome("ingest", str(real_data / "receipt.csv"), "--store", store)[0] == 0
    code, _, err = outcome(
        "dfg", "--json", "--store", store, env={"JOURNEYSCOPE_MEMORY_LIMIT": "1MB"}
    )
    assert code == 2 and "Traceback" not in err
    assert "DuckDB ran out of memory" in err and "JOURNEYSCOPE_MEMORY_LIMIT" in err
    assert outcome("dfg", "--json", "--store", store)[0] == 0  # nothing was lost
