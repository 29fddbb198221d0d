"""What the store holds, for the workspace's Home and Data pages: headline counts, freshness,
the event catalogue (activities with their counts, channels, properties), ingestion history
and the quarantine.

Every figure says how it was counted (``how`` fields); all reads go through one short-lived
store connection per call.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from journeyscope.config import Settings
from journeyscope.errors import JourneyscopeError, StoreError
from journeyscope.events import Store

if TYPE_CHECKING:
    from journeyscope.definitions import Journey


@contextmanager
def open_store(settings: Settings) -> Iterator[Store]:
    """The store opened read-only (:func:`journeyscope.services.store.open_store`)."""
    from journeyscope.services.store import open_store as open_read_only

    if not settings.store.is_file():
        raise StoreError(f"no event store at {settings.store.name} yet: upload a file first")
    store = open_read_only(settings)
    try:
        yield store
    finally:
        store.close()


@dataclass(frozen=True)
class ActivityEntry:
    name: str
    events: int
    cases: int
    channels: list[str]


@dataclass(frozen=True)
class Catalogue:
    activities: list[ActivityEntry]
    channels: list[str]
    properties: list[str]
    how: str = (
        "activities, channels and property names as they occur in the stored events; "
        "cases = distinct case ids with at least one event of the activity"
    )

    @property
    def names(self) -> list[str]:
        return [a.name for a in self.activities]


def catalogue(settings: Settings, sample: int = 20_000) -> Catalogue:
    """The activities, channels and property names of the store (properties from the
    newest ``sample`` events)."""
    with open_store(settings) as store:
        rows = store.con.execute(
            """SELECT activity, count(*), count(DISTINCT case_id),
                      list(DISTINCT channel ORDER BY channel) FILTER (WHERE channel IS NOT NULL)
               FROM events GROUP BY activity ORDER BY 2 DESC, 1"""
        ).fetchall()
        channels = [
            str(r[0])
            for r in store.con.execute(
                "SELECT DISTINCT channel FROM events WHERE channel IS NOT NULL ORDER BY 1"
            ).fetchall()
        ]
        keys = store.con.execute(
            f"""SELECT DISTINCT unnest(json_keys(properties)) FROM
                (SELECT properties FROM events WHERE properties IS NOT NULL
                 ORDER BY timestamp DESC LIMIT {int(sample)}) ORDER BY 1"""
        ).fetchall()
    return Catalogue(
        [ActivityEntry(str(a), int(n), int(c), [str(x) for x in ch or []]) for a, n, c, ch in rows],
        channels,
        [str(k[0]) for k in keys],
    )


def headline(settings: Settings) -> dict[str, Any]:
    """Store-wide counts (as ``journeyscope stats``), freshness and the quarantine size."""
    with open_store(settings) as store:
        stats = store.stats()
        last_ingest = store.con.execute("SELECT max(ingested_at) FROM ingested_files").fetchone()
    last = stats.get("last_event")
    stats["freshness"] = {
        "last_event": last,
        "last_ingested": last_ingest[0].isoformat() if last_ingest and last_ingest[0] else None,
        "how": "last_event = latest event timestamp; last_ingested = when a file was last read",
    }
    return stats


def history(settings: Settings, limit: int = 100) -> list[dict[str, Any]]:
    """Files ingested, newest first."""
    with open_store(settings) as store:
        rows = store.con.execute(
            """SELECT path, format, rows_read, events_added, quarantined, ingested_at, options
               FROM ingested_files ORDER BY ingested_at DESC LIMIT ?""",
            [limit],
        ).fetchall()
    return [
        {
            "file": str(r[0]).rsplit("/", 1)[-1],
            "format": r[1],
            "rows_read": int(r[2] or 0),
            "events_added": int(r[3] or 0),
            "quarantined": int(r[4] or 0),
            "ingested_at": r[5].astimezone(UTC).isoformat(timespec="seconds") if r[5] else None,
        }
        for r in rows
    ]


def quarantine(
    settings: Settings, *, reason: str | None = None, source: str | None = None, limit: int = 200
) -> dict[str, Any]:
    """Quarantined rows (newest first) with their reason and raw row; counts per reason."""
    where, params = ["TRUE"], []
    if reason:
        where.append("reason ILIKE ?")
        params.append(f"%{reason}%")
    if source:
        where.append("source ILIKE ?")
        params.append(f"%{source}%")
    clause = " AND ".join(where)
    with open_store(settings) as store:
        reasons = store.con.execute(
            "SELECT reason, count(*) FROM quarantine GROUP BY 1 ORDER BY 2 DESC, 1"
        ).fetchall()
        total = store.con.execute(f"SELECT count(*) FROM quarantine WHERE {clause}", params)
        matched = int((total.fetchone() or (0,))[0])
        rows = store.con.execute(
            f"""SELECT source, source_row, reason, record, quarantined_at FROM quarantine
                WHERE {clause} ORDER BY quarantined_at DESC, source, source_row LIMIT ?""",
            [*params, limit],
        ).fetchall()
    return {
        "reasons": {str(r): int(n) for r, n in reasons},
        "matched": matched,
        "rows": [
            {
                "file": str(r[0]).rsplit("/", 1)[-1],
                "row": int(r[1]) if r[1] is not None else None,
                "reason": r[2],
                "record": _pretty(r[3]),
                "quarantined_at": r[4].astimezone(UTC).isoformat(timespec="seconds")
                if isinstance(r[4], datetime)
                else None,
            }
            for r in rows
        ],
    }


def _pretty(record: str | None) -> str:
    if not record:
        return ""
    try:
        return json.dumps(json.loads(record), ensure_ascii=False)
    except ValueError:
        return record


def designs(folder: Path) -> list[Journey]:
    """The designed journeys (YAML files) in ``folder`` that load; others are skipped."""
    from journeyscope.definitions import load_journey

    found = []
    for path in sorted(folder.glob("*.y*ml")) if folder.is_dir() else []:
        try:
            found.append(load_journey(path))
        except JourneyscopeError:
            continue
    return found


def journey_headlines(settings: Settings, journeys: list[Journey]) -> list[dict[str, Any]]:
    """Per designed journey: cases in it, the outcome rate and its weekly trend.

    A case is in a journey when it has an event of one of the journey's step activities; it
    reached the outcome when it has an event of an outcome activity (the outcome step's
    activities and the outcome's own). The trend is by the week of the case's first event.
    """
    out = []
    with open_store(settings) as store:
        for j in journeys:
            acts = sorted({a for s in j.steps for a in s.activities})
            goal = set(j.outcome.activities)
            if j.outcome.step:
                goal |= set(j.step(j.outcome.step).activities)
            if not acts:
                continue
            rows = store.con.execute(
                """WITH c AS (
                     SELECT case_id, min(timestamp) AS first,
                            bool_or(list_contains(?, activity)) AS reached
                     FROM events WHERE case_id IS NOT NULL AND case_id IN
                       (SELECT case_id FROM events WHERE list_contains(?, activity))
                     GROUP BY case_id)
                   SELECT strftime(date_trunc('week', first), '%Y-%m-%d') AS week,
                          count(*), count(*) FILTER (WHERE reached)
                   FROM c GROUP BY 1 ORDER BY 1""",
                [sorted(goal), acts],
            ).fetchall()
            cases = sum(int(r[1]) for r in rows)
            reached = sum(int(r[2]) for r in rows)
            out.append(
                {
                    "id": j.id,
                    "name": j.name,
                    "steps": [s.activities[0] for s in j.steps if s.activities],
                    "outcome": sorted(goal),
                    "cases": cases,
                    "reached": reached,
                    "outcome_rate": reached / cases if cases else None,
                    "trend": [
                        {"week": r[0], "cases": int(r[1]), "rate": int(r[2]) / int(r[1])}
                        for r in rows
                    ],
                    "how": "cases with an event of a step activity; outcome rate = share of "
                    "those with an event of an outcome activity; trend by week of first event",
                }
            )
    return out


def journey_fitness(settings: Settings, journey: Journey) -> dict[str, Any] | None:
    """Mean fitness of the cases replayed against ``journey``, as ``journeyscope
    conformance`` computes it (:func:`journeyscope.services.analyses.conformance`), and the
    share of cases with every move allowed; ``None`` when no case was replayed."""
    from journeyscope.services.analyses import ConformanceQuery, conformance

    report = conformance(settings, ConformanceQuery(journey=journey, top=0))
    if not report.cases:
        return None
    return {
        "mean": report.fitness.mean,
        "perfect": report.fitness.perfect,
        "cases": report.cases,
        "how": "mean fitness = mean over the replayed cases of the share of their moves the "
        "design allows (as journeyscope conformance); perfect = share of cases with every "
        "move allowed",
    }
