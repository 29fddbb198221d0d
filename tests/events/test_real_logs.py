"""Every real log in ../shared/data/real ingests without loss; the two receipt files agree."""

from __future__ import annotations

from pathlib import Path

import pytest

from journeyscope.errors import InputFormatError
from journeyscope.events import ColumnMapping, CsvOptions, Store

# file -> (cases, events) as published with the logs
PUBLISHED = {
    "receipt.csv": (1_434, 8_577),
    "08_receipt.xes.gz": (1_434, 8_577),
    "sepsis.csv": (1_050, 15_214),
    "helpdesk.xes.gz": (4_580, 21_348),
    "running-example.xes": (6, 42),
}
SLOW = {"bpic2012.xes.gz": (13_087, 262_200), "07_bpic2013_incidents.xes.gz": (7_554, 65_533)}


def _ingest(path: Path) -> Store:
    store = Store(":memory:")
    report = store.ingest(path)
    assert report.quarantined == 0, report.reasons
    assert report.events_added == report.rows_read
    return store


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(PUBLISHED))
def test_real_log_ingests_without_loss(real_data: Path, name: str) -> None:
    store = _ingest(real_data / name)
    stats = store.stats()
    assert (stats["cases"], stats["events"]) == PUBLISHED[name]


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(SLOW))
def test_large_real_log_ingests_without_loss(real_data: Path, name: str) -> None:
    store = _ingest(real_data / name)
    stats = store.stats()
    assert (stats["cases"], stats["events"]) == SLOW[name]


def test_receipt_csv_and_xes_are_the_same_events(real_data: Path) -> None:
    csv = _ingest(real_data / "receipt.csv")
    xes = _ingest(real_data / "08_receipt.xes.gz")
    assert csv.stats()["channels"] == xes.stats()["channels"]
    assert set(csv.stats()["channels"]) == {"Internet", "Desk", "Post", "e-mail", "Intern"}
    query = "SELECT case_id, activity, timestamp, channel FROM events ORDER BY ALL"
    assert csv.con.execute(query).fetchall() == xes.con.execute(query).fetchall()


def test_sepsis_case_called_na_is_a_case(real_data: Path) -> None:
    store = _ingest(real_data / "sepsis.csv")
    n = store.events().filter(lambda t: t.case_id == "NA").count().execute()
    assert n > 0


def test_complaints_with_mapping_latin1_semicolons(real_data: Path) -> None:
    store = Store(":memory:")
    report = store.ingest(
        real_data / "BPI2016_Complaints.csv",
        mapping=ColumnMapping(
            case_id="ComplaintDossierID",
            activity="ComplaintTopic_EN",
            timestamp="ContactDate",
            channel="ContactChannelID",
            account_id="CustomerID",
        ),
        csv=CsvOptions(delimiter=";", encoding="latin-1"),
    )
    assert (report.rows_read, report.events_added, report.quarantined) == (289, 289, 0)
    from journeyscope.events.identity import stitch

    stitch(store.con)
    assert store.stats()["customers"] == 226  # one customer per CustomerID


def test_ocel_example_flattens_every_event(real_data: Path) -> None:
    import json

    store = Store(":memory:")
    with pytest.raises(InputFormatError, match=r"several object types; choose .*'Invoice' \(3"):
        store.ingest(real_data / "ocel20_example.jsonocel")  # the case notion is a choice
    report = store.ingest(real_data / "ocel20_example.jsonocel", object_type="*")
    assert report.quarantined == 0
    assert any("related to several case objects" in n for n in report.notes)
    ocel = json.loads((real_data / "ocel20_example.jsonocel").read_text())
    stored = {
        r[0].split("@")[0] for r in store.con.execute("SELECT event_id FROM events").fetchall()
    }
    assert stored == {e["id"] for e in ocel["events"]}
