"""Uploads (services/uploads.py): an uploaded file is ingested in the background with the
options of ``journeyscope ingest``, its customers stitched; the same bytes again add nothing;
a file that cannot be read fails with a message that shows the file's own name, never the
folder it was saved in."""

from __future__ import annotations

from pathlib import Path

import pytest

from journeyscope.config import Settings
from journeyscope.errors import InputFormatError
from journeyscope.services import uploads

CSV = (
    "case,what,when,mail\n"
    "c1,Apply,2025-01-01T09:00:00Z,Ann@Example.org\n"
    "c1,Approve,2025-01-02T09:00:00Z,\n"
    "c2,Apply,2025-01-03T09:00:00Z,ann@example.org\n"
    "c3,Apply,not a time,\n"
)
MAPPING = {"case_id": "case", "activity": "what", "timestamp": "when", "email_hash": "mail"}


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(store=tmp_path / "store" / "events.duckdb")


def test_an_upload_is_ingested_and_stitched_and_again_adds_nothing(settings: Settings) -> None:
    job = uploads.start(
        settings, name="../../my journeys.csv", data=CSV.encode(), user="ann", mapping=MAPPING
    )
    assert job.file == "my journeys.csv" and job.user == "ann"
    done = uploads.wait(job.id)
    assert done.state == "done", done.error
    assert done.progress == 100.0
    report = done.report or {}
    assert (report["rows_read"], report["events_added"], report["quarantined"]) == (4, 3, 1)
    assert report["path"] == "my journeys.csv"
    # the two cases share one e-mail address (case and spaces aside): one customer
    assert report["identity"]["customers"] == 1
    saved = list((settings.store.parent / "uploads").glob("*/*"))
    assert [p.name for p in saved] == ["my_journeys.csv"], (
        "saved under a safe name, in the store's folder"
    )
    again = uploads.wait(
        uploads.start(settings, name="copy.csv", data=CSV.encode(), user="bo", mapping=MAPPING).id
    )
    assert again.state == "done" and (again.report or {})["events_added"] == 0


def test_what_cannot_be_uploaded_is_refused_before_anything_is_saved(settings: Settings) -> None:
    with pytest.raises(InputFormatError, match=r"notes\.txt: not a file type .*\.csv"):
        uploads.start(settings, name="notes.txt", data=b"x", user="ann")
    with pytest.raises(InputFormatError, match="unknown mapping field"):
        uploads.start(settings, name="a.csv", data=b"x", user="ann", mapping={"acitvity": "x"})
    assert not (settings.store.parent / "uploads").exists()
    assert uploads.suffix_of("LOG.XES.GZ") == ".xes.gz"
    assert uploads.suffix_of("events.JSONL") == ".jsonl"


def test_a_failed_upload_says_why_without_the_folder_it_was_saved_in(settings: Settings) -> None:
    job = uploads.start(settings, name="broken.parquet", data=b"not parquet at all", user="ann")
    failed = uploads.wait(job.id)
    assert failed.state == "failed"
    assert failed.error and "broken.parquet" in failed.error
    assert str(settings.store.parent) not in failed.error
    assert uploads.job(job.id) is failed
    with pytest.raises(LookupError):
        uploads.wait("no such job")


def _read_for_a_long_time(store: Path, ready: Path) -> int:
    """A background figure that holds the store open read-only for two minutes."""
    import time

    import duckdb

    with duckdb.connect(str(store), read_only=True) as con:
        ready.touch()
        time.sleep(120)
        return int(con.execute("SELECT count(*) FROM events").fetchone()[0])  # type: ignore[index]


def test_an_upload_stops_a_background_figure_reading_the_store_and_is_ingested(
    settings: Settings, tmp_path: Path
) -> None:
    """A background figure in its child process holds the store read-only (a lock another
    process cannot write past): the upload stops it, since the write makes that figure
    stale, instead of failing on the lock or waiting minutes for it."""
    import threading
    from functools import partial

    from journeyscope.errors import JourneyscopeError
    from journeyscope.services import background

    first = uploads.wait(
        uploads.start(settings, name="a.csv", data=CSV.encode(), user="ann", mapping=MAPPING).id
    )
    assert first.state == "done", first.error
    ready = tmp_path / "reading"
    outcome: list[object] = []

    def figure() -> None:
        try:
            outcome.append(background.call(partial(_read_for_a_long_time, settings.store, ready)))
        except JourneyscopeError as exc:
            outcome.append(exc)

    reader = threading.Thread(target=figure)
    reader.start()
    for _ in range(600):
        if ready.exists():
            break
        threading.Event().wait(0.1)
    assert ready.exists(), "the background figure never opened the store"
    more = CSV.replace("c1,", "c9,").replace("c2,", "c8,")
    job = uploads.wait(
        uploads.start(settings, name="b.csv", data=more.encode(), user="ann", mapping=MAPPING).id,
        timeout=60,
    )
    assert job.state == "done", job.error
    assert (job.report or {})["events_added"] == 3
    reader.join(60)
    assert len(outcome) == 1 and isinstance(outcome[0], JourneyscopeError)
    assert "stopped for a writer" in str(outcome[0])
