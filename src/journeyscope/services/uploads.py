"""Ingesting an uploaded file, with the options of ``journeyscope ingest``, as a background
job with progress.

Ingestion is the store's single writer: one upload is ingested at a time (a lock), then
identities are re-stitched over the whole store, as the CLI does. The uploaded bytes are kept in
``uploads/<random>/<the file's own name>`` beside the store (the store records the file's
content fingerprint, so the same bytes again add nothing).
"""

from __future__ import annotations

import re
import secrets
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from journeyscope.config import Settings
from journeyscope.errors import InputFormatError, JourneyscopeError, StoreError
from journeyscope.services import overview

if TYPE_CHECKING:
    from journeyscope.events import Store

_writer = threading.Lock()
_jobs: dict[str, Upload] = {}
_jobs_lock = threading.Lock()

MAPPING_FIELDS = (
    "case_id",
    "activity",
    "timestamp",
    "timestamp_format",
    "channel",
    "event_id",
    "account_id",
    "email_hash",
    "phone_hash",
    "device_id",
    "anonymous_id",
    "survey_type",
    "survey_score",
    "sentiment",
    "cost",
)
SUFFIXES = (
    ".csv",
    ".tsv",
    ".parquet",
    ".jsonl",
    ".ndjson",
    ".xes",
    ".xes.gz",
    ".jsonocel",
    ".json",
)


@dataclass
class Upload:
    id: str
    file: str
    user: str
    progress: float = 0.0
    state: str = "waiting"  # waiting, ingesting, done, failed
    report: dict[str, Any] | None = None
    error: str | None = None
    started: float = field(default_factory=time.time)


def suffix_of(name: str) -> str:
    lower = name.lower()
    for s in sorted(SUFFIXES, key=len, reverse=True):
        if lower.endswith(s):
            return s
    raise InputFormatError(
        f"{name}: not a file type journeyscope reads (CSV, Parquet, JSON Lines, XES, OCEL 2.0 "
        f"JSON: {', '.join(SUFFIXES)})"
    )


def start(
    settings: Settings,
    *,
    name: str,
    data: bytes,
    user: str,
    fmt: str | None = None,
    mapping: dict[str, str | None] | None = None,
    delimiter: str | None = None,
    encoding: str = "utf-8",
    object_type: str | None = None,
) -> Upload:
    """Save the bytes and ingest them in a background thread; the job to poll."""
    from journeyscope.events import ColumnMapping, CsvOptions

    suffix = suffix_of(name)
    unknown = sorted(set(mapping or {}) - set(MAPPING_FIELDS))
    if unknown:
        raise InputFormatError(f"unknown mapping field(s) {unknown}")
    column_mapping = ColumnMapping(**{k: v for k, v in (mapping or {}).items() if v})
    csv = CsvOptions(delimiter=delimiter or None, encoding=encoding)
    folder = settings.store.parent / "uploads"
    folder.mkdir(parents=True, exist_ok=True)
    safe = re.sub(r"[^A-Za-z0-9._-]+", "_", Path(name).name)[:80]
    path = folder / secrets.token_hex(6) / f"{safe.removesuffix(suffix) or 'upload'}{suffix}"
    path.parent.mkdir()
    path.write_bytes(data)
    job = Upload(secrets.token_urlsafe(9), Path(name).name, user)
    with _jobs_lock:
        _jobs[job.id] = job

    def work() -> None:
        from journeyscope.events.identity import stitch

        def update(pct: float) -> None:
            job.progress = min(max(pct, 0.0), 100.0)

        try:
            with _writer:
                job.state = "ingesting"
                with _open_for_writing(settings) as store:
                    report = store.ingest(
                        path,
                        fmt=fmt or None,  # type: ignore[arg-type]
                        mapping=column_mapping,
                        csv=csv,
                        object_type=object_type or None,
                        progress=update,
                    )
                    identity = stitch(store.con)
            job.report = {**asdict(report), "path": job.file, "identity": asdict(identity)}
            overview.warm_catalogue(settings)  # the new store state's, for the next Explore
            job.progress = 100.0
            job.state = "done"
        except JourneyscopeError as exc:
            job.error = str(exc).replace(str(path), job.file).replace(str(folder), "uploads")
            job.state = "failed"
        except Exception as exc:  # shown to the person, without paths
            job.error = f"{type(exc).__name__}: {exc}".replace(str(path), job.file)
            job.state = "failed"

    threading.Thread(target=work, name=f"upload-{job.id}", daemon=True).start()
    return job


def _open_for_writing(settings: Settings, patience: float = 120.0) -> Store:
    """The store opened for writing. While an analysis in this process holds it open
    read-only, DuckDB refuses a second configuration of the file, and while another process
    reads it, a lock; analyses are short, so this waits (up to ``patience`` seconds) for a
    moment when none is reading. Home's background figures, computed in child processes
    over the store as it is, are stopped (:func:`~journeyscope.services.background.stop_running`):
    the write would make them stale, and one can take minutes."""
    from journeyscope.events import Store
    from journeyscope.events.pii import align_secret
    from journeyscope.services import background

    deadline = time.monotonic() + patience
    while True:
        try:
            store = Store(settings.store, memory_limit=settings.memory_limit)
        except StoreError as exc:
            reading = any(m in str(exc) for m in ("different configuration", "Could not set lock"))
            if not reading or time.monotonic() > deadline:
                raise
            background.stop_running()
            time.sleep(0.1)
            continue
        try:
            align_secret(store.con, settings.identifier_key_file())  # the engine's secret too
        except BaseException:
            store.close()
            raise
        return store


def job(job_id: str) -> Upload | None:
    with _jobs_lock:
        return _jobs.get(job_id)


def wait(job_id: str, timeout: float = 300.0) -> Upload:
    """Block until an upload is done or failed (the API's ``wait=true``; tests)."""
    deadline = time.monotonic() + timeout
    found = job(job_id)
    if found is None:
        raise LookupError(job_id)
    while found.state not in ("done", "failed") and time.monotonic() < deadline:
        time.sleep(0.05)
    return found
