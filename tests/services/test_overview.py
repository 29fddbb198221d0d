"""What the store holds, for the Home and Data pages (services/overview.py): the catalogue of
activities with their counts and channels, property names, ingestion history and the
quarantine with its reasons, on a small store built here; and a clear error before any
upload."""

from __future__ import annotations

from pathlib import Path

import pytest

from journeyscope.config import Settings
from journeyscope.errors import StoreError
from journeyscope.events import Store
from journeyscope.services import overview

FIRST = """\
case_id,activity,timestamp,channel,segment
c1,Apply,2025-01-01T09:00:00Z,web,gold
c1,Upload,2025-01-01T10:00:00Z,app,
c2,Apply,2025-01-02T09:00:00Z,web,silver
c2,Apply,2025-01-02T09:05:00Z,,
c3,Apply,yesterday,web,
,Upload,2025-01-03T09:00:00Z,web,
"""
SECOND = """\
case_id,activity,timestamp,region
c4,Call,2025-01-04T09:00:00Z,north
"""


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    (tmp_path / "first.csv").write_text(FIRST)
    (tmp_path / "second.csv").write_text(SECOND)
    with Store(tmp_path / "store.duckdb") as store:
        store.ingest(tmp_path / "first.csv")
        store.ingest(tmp_path / "second.csv")
    return Settings(store=tmp_path / "store.duckdb")


def test_the_catalogue_counts_each_activity_its_cases_and_channels(settings: Settings) -> None:
    found = overview.catalogue(settings)
    assert [(a.name, a.events, a.cases, a.channels) for a in found.activities] == [
        ("Apply", 3, 2, ["web"]),  # most events first
        ("Call", 1, 1, []),
        ("Upload", 1, 1, ["app"]),
    ]
    assert found.channels == ["app", "web"]
    assert found.properties == ["region", "segment"]
    assert found.names == ["Apply", "Call", "Upload"]


def test_history_and_headline_say_what_was_read_and_when(settings: Settings) -> None:
    files = overview.history(settings)
    assert [(f["file"], f["rows_read"], f["events_added"], f["quarantined"]) for f in files] == [
        ("second.csv", 1, 1, 0),
        ("first.csv", 6, 4, 2),
    ]
    head = overview.headline(settings)
    assert head["events"] == 5 and head["quarantined"] == 2
    assert head["freshness"]["last_event"] == "2025-01-04T09:00:00+00:00"
    assert head["freshness"]["last_ingested"] is not None


def test_the_quarantine_lists_rows_with_reasons_and_filters(settings: Settings) -> None:
    everything = overview.quarantine(settings)
    assert everything["matched"] == 2 and sum(everything["reasons"].values()) == 2
    assert {row["file"] for row in everything["rows"]} == {"first.csv"}
    timestamp = overview.quarantine(settings, reason="timestamp")
    assert timestamp["matched"] == 1
    (row,) = timestamp["rows"]
    assert row["row"] == 6 and '"yesterday"' in row["record"]
    assert overview.quarantine(settings, source="second")["matched"] == 0
    assert overview.quarantine(settings, limit=1)["matched"] == 2
    assert len(overview.quarantine(settings, limit=1)["rows"]) == 1


def test_before_any_upload_the_error_says_so(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match=r"no event store at events\.duckdb yet: upload a file"):
        overview.catalogue(Settings(store=tmp_path / "events.duckdb"))


def test_a_warmed_catalogue_is_read_once_and_then_served_from_the_cache(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    from journeyscope.services import results

    results.clear()
    overview.warm_catalogue(settings)
    results.submit_work(settings, ("after",), int, background=True).result(60)

    def again(_: Settings) -> overview.Catalogue:
        raise AssertionError("the catalogue was read again")

    monkeypatch.setattr(overview, "catalogue", again)
    assert overview.cached_catalogue(settings).activities[0].name == "Apply"
    results.clear()


def test_no_store_yet_nothing_to_warm(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from journeyscope.services import results

    started: list[str] = []
    monkeypatch.setattr(results, "warm", lambda _s, name, _c: started.append(name))
    overview.warm_catalogue(Settings(store=tmp_path / "none.duckdb"))
    assert started == []
    (tmp_path / "none.duckdb").write_bytes(b"")
    overview.warm_catalogue(Settings(store=tmp_path / "none.duckdb"))
    assert started == ["catalogue"]
