"""Engine records into the event store: the engine's fields as columns, re-exports that add
nothing and quarantine nothing, events of an older export left as they were."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from journeyscope.engine.export import ENGINE_COLUMNS, canonical_rows, ingest_engine_events
from journeyscope.events import Store


def _entered(who: str, holdout: bool) -> dict[str, Any]:
    return {
        "event_id": f"{who}:r1",
        "customer_id": f"acct:{who}",
        "case_id": f"acct:{who}/j#1",
        "timestamp": 1_735_725_600.0,
        "activity": "Journey entered",
        "channel": None,
        "properties": {"journey": "j", "version": 2, "step": "s", "holdout": holdout},
    }


def _decision(who: str) -> dict[str, Any]:
    return {
        **_entered(who, False),
        "event_id": f"{who}:r2",
        "activity": "Decision",
        "properties": json.dumps({"journey": "j", "version": 2, "step": "s", "winner": "nudge"}),
    }


def test_the_engine_fields_are_columns_and_properties() -> None:
    table = canonical_rows([_entered("A", True), _decision("A")])
    rows = table.select(list(ENGINE_COLUMNS)).to_pylist()
    assert rows[1] == {
        "journey_case": "acct:A/j#1",
        "journey": "j",
        "journey_version": "2",
        "journey_step": "s",
        "decision": "nudge",
        "journey_arm": "holdout",  # from the instance's Journey entered record
        "interaction": None,
    }
    assert json.loads(table["details"][0].as_py()) == {"holdout": True}


def test_exporting_again_adds_and_quarantines_nothing(tmp_path: Path) -> None:
    with Store(tmp_path / "s.duckdb") as store:
        first = ingest_engine_events(store, [_entered("A", False), _decision("A")], "e1")
        again = ingest_engine_events(store, [_entered("A", False), _decision("A")], "e2")
        counts = store.con.execute(
            "SELECT (SELECT count(*) FROM events), (SELECT count(*) FROM quarantine), "
            "(SELECT count(*) FROM engine_records)"
        ).fetchone()
    assert (first.events_added, again.events_added, again.quarantined) == (2, 0, 0)
    assert counts == (2, 0, 2)


def test_events_of_an_older_export_are_kept_and_get_their_columns(tmp_path: Path) -> None:
    old = tmp_path / "old-export.parquet"  # as the export wrote them before the columns
    pq.write_table(
        pa.table(
            {
                "event_id": ["B:r1"],
                "case_id": ["acct:B/j#1"],
                "timestamp": ["2025-01-01T10:00:00+00:00"],
                "activity": ["Journey entered"],
                "channel": ["engine"],
                "account_id": ["B"],
                "version": ["2"],
                "step": ["s"],
            }
        ),
        old,
    )
    with Store(tmp_path / "s.duckdb") as store:
        store.ingest(old)
        report = ingest_engine_events(store, [_entered("B", True)], "new")
        row = store.con.execute(
            "SELECT customer_id, journey_arm, journey_version FROM journey_records"
        ).fetchone()
        quarantined = store.con.execute("SELECT count(*) FROM quarantine").fetchone()
    assert (report.events_added, report.quarantined, quarantined) == (0, 0, (0,))
    assert row == ("acct:B", "holdout", 2)
