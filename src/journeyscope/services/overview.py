"""What the store holds, for the workspace's Home and Data pages: headline counts, freshness,
the event catalogue (activities with their counts, channels, properties), ingestion history
and the quarantine.

Every figure says how it was counted (``how`` fields); all reads go through one short-lived
store connection per call.
"""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from journeyscope.config import Settings
from journeyscope.errors import JourneyscopeError, StoreError
from journeyscope.events import Store

if TYPE_CHECKING:
    from journeyscope.definitions import Journey
    from journeyscope.services.designs import Designs
    from journeyscope.services.results import Job


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


def cached_catalogue(settings: Settings) -> Catalogue:
    """:func:`catalogue`, read once per store state and shared by every page and user."""
    from journeyscope.services import results

    return results.memo(settings, "catalogue", lambda: catalogue(settings))


def warm_catalogue(settings: Settings) -> None:
    """Read the catalogue in the background now (the service's start, after an upload), so
    that the first Explore request does not wait for it: a scan of every event (4.8 s at
    9.6M events), which every step, breakdown and filter is checked against."""
    from functools import partial

    from journeyscope.services import results

    if settings.store.is_file():
        results.warm(settings, "catalogue", partial(catalogue, settings))


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


@dataclass(frozen=True)
class DesignVersion:
    """The version of a design whose figures Home shows, every figure of its card from this
    one text: the latest version saved in the workspace (as the Journeys page and Studio
    use it), or the designs folder's file while the design has no saved version
    (``number`` 0)."""

    id: str
    name: str
    number: int
    text: str
    journey: Journey | None
    problem: str | None = None
    """Why the text does not load (``journey`` is then ``None``)."""
    author: str = ""
    saved_at: float | None = None

    @property
    def digest(self) -> str:
        """The text's SHA-256: part of every cache key, so a saved change is computed anew."""
        import hashlib

        return hashlib.sha256(self.text.encode()).hexdigest()

    def describe(self) -> str:
        """Which version, in words (shown on the card)."""
        from journeyscope.services.designs import FOLDER_AUTHOR

        if self.number == 0:
            return "the designs folder's file (no version saved in the workspace yet)"
        if self.author == FOLDER_AUTHOR:
            return f"version {self.number}, the designs folder's file"
        day = datetime.fromtimestamp(self.saved_at or 0, UTC).strftime("%Y-%m-%d %H:%M")
        return f"version {self.number}, saved by {self.author} on {day} UTC"


def _design_version(design: str, text: str, number: int, saved: Any = None) -> DesignVersion:
    from journeyscope.services.design_check import check_design

    checked = check_design(text, f"{design}.yaml")
    journey = checked.journey if checked.journey is not None and not checked.errors else None
    problem = (
        None
        if journey is not None
        else "this version does not load: "
        + "; ".join(m.format(f"{design}.yaml") for m in checked.errors)
    )
    return DesignVersion(
        design,
        checked.journey.name if checked.journey is not None else design,
        number,
        text,
        journey,
        problem,
        getattr(saved, "author", ""),
        getattr(saved, "created_at", None),
    )


_seen_lock = threading.Lock()
_seen: OrderedDict[tuple[Any, ...], list[DesignVersion]] = OrderedDict()


def designs_state(designs: Designs) -> tuple[Any, ...]:
    """What changes when a design changes: each file's name, time and size in the designs
    folder, and the count and newest id of the saved versions (never overwritten, so a save
    always changes them). Cheap: a directory listing and one small query."""
    from sqlalchemy import func, select

    from journeyscope.services.designs import versions_table

    folder = designs.folder
    files = tuple(
        (p.name, p.stat().st_mtime_ns, p.stat().st_size)
        for p in (sorted(folder.glob("*.y*ml")) if folder.is_dir() else [])
    )
    with designs.engine.connect() as conn:
        saved = tuple(conn.execute(select(func.count(), func.max(versions_table.c.id))).one())
    return (str(folder.resolve()), str(designs.engine.url), files, saved)


def home_designs(settings: Settings) -> list[DesignVersion]:
    """Every design (the designs folder's and those begun in the workspace), each as its
    latest saved version, or its file when it has none; read and checked once per
    :func:`designs_state` (reading and checking every design takes long enough to matter
    on a page that is opened often)."""
    from journeyscope.services.designs import Designs

    designs = Designs.of(settings)
    key = designs_state(designs)
    with _seen_lock:
        if key in _seen:
            return _seen[key]
    out = []
    for entry in designs.entries():
        if entry.latest is not None:
            v = entry.latest
            out.append(_design_version(entry.id, v.text, v.number, v))
        elif entry.file is not None:
            out.append(_design_version(entry.id, entry.file.read_text(encoding="utf-8"), 0))
    with _seen_lock:
        _seen[key] = out
        while len(_seen) > 8:
            _seen.popitem(last=False)
    return out


def design_version(settings: Settings, design: str, number: int) -> DesignVersion:
    """Version ``number`` of ``design`` (0: its file in the designs folder): the one
    :func:`home_designs` holds when it is that version, else read from the workspace;
    :class:`~journeyscope.services.designs.DesignNotFound` names the ones there are."""
    from journeyscope.services.designs import DesignNotFound, Designs

    for found in home_designs(settings):
        if found.id == design and found.number == number:
            return found
    designs = Designs.of(settings)
    if number == 0:
        path = designs.files().get(design)
        if path is None:
            known = ", ".join(sorted(designs.files())) or "none"
            raise DesignNotFound(f"no design {design!r} in the designs folder (there: {known})")
        return _design_version(design, path.read_text(encoding="utf-8"), 0)
    v = designs.version(design, number)
    return _design_version(design, v.text, v.number, v)


def trend_period(settings: Settings) -> str:
    """``month`` when the store's events span more than 26 weeks, else ``week``: the period
    of Home's trends (a sparkline of a few dozen points at most)."""
    with open_store(settings) as store:
        row = store.con.execute("SELECT min(timestamp), max(timestamp) FROM events").fetchone()
    if not row or row[0] is None or row[1] is None:
        return "week"
    return "month" if (row[1] - row[0]).days > 26 * 7 else "week"


def complete_periods(
    rows: list[dict[str, Any]], period: str, first: str | None, last: str | None
) -> list[dict[str, Any]]:
    """The ``rows`` (each with ``period``, its first day) whose whole period lies within the
    data, from ``first`` to ``last`` (ISO timestamps of the first and last event): a trend's
    partly observed first and last periods would show a fall that is only missing data.

    >>> rows = [{"period": "2024-01-01"}, {"period": "2024-01-08"}, {"period": "2024-01-15"}]
    >>> [r["period"] for r in complete_periods(rows, "week", "2024-01-01T09:00", "2024-01-17")]
    ['2024-01-01', '2024-01-08']
    """
    from datetime import date, timedelta

    if not first or not last:
        return rows
    start, end = date.fromisoformat(first[:10]), date.fromisoformat(last[:10])

    def after(day: date) -> date:
        if period == "week":
            return day + timedelta(days=7)
        return date(day.year + day.month // 12, day.month % 12 + 1, 1)

    return [
        r
        for r in rows
        if start <= date.fromisoformat(r["period"])
        and after(date.fromisoformat(r["period"])) - timedelta(days=1) <= end
    ]


def journey_headlines(
    settings: Settings, journeys: list[Journey], period: str = "week"
) -> list[dict[str, Any]]:
    """Per designed journey: cases in it, the outcome rate, and both per ``period`` (week or
    month, UTC) of the case's first event; the respondents' NPS per period of the answer.

    A case is in a journey when it has an event of one of the journey's step activities; it
    reached the outcome when it has an event of an outcome activity (the outcome step's
    activities and the outcome's own). The respondents' NPS of a period is 100 x (share of
    NPS answers 9-10 minus share 0-6) over the answers given in it by the journey's cases:
    those who answered only, not corrected for those who did not.
    """
    if period not in ("week", "month"):
        raise ValueError(f"period {period!r}: week or month")
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
                f"""WITH c AS (
                     SELECT case_id, min(timestamp) AS first,
                            bool_or(list_contains(?, activity)) AS reached
                     FROM events WHERE case_id IS NOT NULL AND case_id IN
                       (SELECT case_id FROM events WHERE list_contains(?, activity))
                     GROUP BY case_id)
                   SELECT strftime(date_trunc('{period}', first), '%Y-%m-%d') AS p,
                          count(*), count(*) FILTER (WHERE reached)
                   FROM c GROUP BY 1 ORDER BY 1""",
                [sorted(goal), acts],
            ).fetchall()
            answers = store.con.execute(
                f"""SELECT strftime(date_trunc('{period}', timestamp), '%Y-%m-%d') AS p,
                          count(*), count(*) FILTER (WHERE survey_score >= 9),
                          count(*) FILTER (WHERE survey_score <= 6)
                   FROM events WHERE survey_type = 'NPS' AND survey_score IS NOT NULL
                     AND case_id IN (SELECT case_id FROM events WHERE list_contains(?, activity))
                   GROUP BY 1 ORDER BY 1""",
                [acts],
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
                    "period": period,
                    "trend": [
                        {"period": r[0], "cases": int(r[1]), "rate": int(r[2]) / int(r[1])}
                        for r in rows
                    ],
                    "nps_trend": [
                        {
                            "period": r[0],
                            "answers": int(r[1]),
                            "nps": 100.0 * (int(r[2]) - int(r[3])) / int(r[1]),
                        }
                        for r in answers
                    ],
                    "how": {
                        "cases": "cases with an event of one of the design's step activities; "
                        f"trend: by the {period} (UTC) of the case's first event, complete {period}s only",
                        "outcome": "share of those cases with an event of an outcome activity ("
                        + ", ".join(sorted(goal))
                        + f"); trend: by the {period} of the case's first event, complete {period}s only",
                        "nps_trend": f"trend: the respondents' NPS of the answers given each "
                        f"complete {period} by these cases (answers 9-10 minus 0-6, in points; those "
                        "who answered only, not corrected)",
                    },
                }
            )
    return out


def journey_fitness(
    settings: Settings, journey: Journey, period: str = "week"
) -> dict[str, Any] | None:
    """Mean fitness of the cases replayed against ``journey``, as ``journeyscope
    conformance`` computes it (the same replay, :func:`journeyscope.analytics.conformance.
    conformance`, whose summary is the mean over the same per-case table), the share of
    cases with every move allowed, and the mean per ``period`` of the case's first event;
    ``None`` when no case was replayed."""
    from journeyscope.analytics.cases import CaseRule
    from journeyscope.analytics.conformance import conformance as replay
    from journeyscope.services.analyses import backend

    unit = {"week": "W", "month": "M"}[period]
    with backend(settings.model_copy(update={"engine": "duckdb"})) as e:
        cases = replay(e.events(), journey, CaseRule.given()).cases
        by = cases.group_by(p=cases.first_event.truncate(unit).date().cast("string")).aggregate(
            n=cases.count(),
            total=cases.fitness.sum(),
            perfect=(cases.fitness >= 1.0).cast("int64").sum(),
        )
        rows = sorted(by.to_pyarrow().to_pylist(), key=lambda r: str(r["p"]))
    n = sum(int(r["n"]) for r in rows)
    if not n:
        return None
    return {
        "mean": sum(float(r["total"]) for r in rows) / n,
        "perfect": sum(int(r["perfect"]) for r in rows) / n,
        "cases": n,
        "trend": [
            {"period": str(r["p"]), "cases": int(r["n"]), "mean": float(r["total"]) / int(r["n"])}
            for r in rows
        ],
        "how": "mean over the replayed cases of the share of their moves the design allows "
        "(as journeyscope conformance); perfect = share of cases with every move allowed; "
        f"trend: by the {period} (UTC) of the case's first event, complete {period}s only",
    }


def journey_headline(
    settings: Settings, version: DesignVersion, period: str
) -> dict[str, Any] | None:
    """:func:`journey_headlines` of ``version`` once per store state, design text and
    ``period`` (``None``: the version does not load or has no step activities)."""
    from journeyscope.services.results import memo

    journey = version.journey
    if journey is None:
        return None
    found = memo(
        settings,
        f"journey headline:{version.digest}:{period}",
        lambda: journey_headlines(settings, [journey], period),
    )
    return found[0] if found else None


def fitness_later(
    settings: Settings, version: DesignVersion, period: str
) -> tuple[bool, dict[str, Any] | None]:
    """``(done, figure)`` of :func:`journey_fitness` for ``version``: started once per store
    state, design text and ``period`` on the background worker
    (:func:`~journeyscope.services.results.memo_later`), joined while it runs."""
    from functools import partial

    from journeyscope.services.results import memo_later

    if version.journey is None:
        return True, None
    return memo_later(
        settings,
        f"fitness:{version.digest}:{period}",
        partial(journey_fitness, settings, version.journey, period),
    )


def nps_job(settings: Settings, version: DesignVersion) -> Job:
    """The Journeys page's silent-customer job for ``version`` (the same job, cache and
    code as that page and ``journeyscope report``), queued on the background worker: the
    Journeys page asking for it joins it, or runs it at once if it has not started. Its
    result is the report's data holding ``silent``, or why it could not be computed."""
    from journeyscope.services.results import Filters
    from journeyscope.services.studio import submit_part

    if version.journey is None:
        raise JourneyscopeError(version.problem or f"design {version.id} does not load")
    return submit_part(
        settings, version.journey, version.text, Filters(), "silent", background=True
    )


def nps_later(settings: Settings, version: DesignVersion) -> tuple[bool, dict[str, Any] | None]:
    """``(done, figure)``: :func:`corrected_nps` of :func:`nps_job` once it is done (the
    job's state read once: it may finish at any moment)."""
    try:
        job = nps_job(settings, version)
    except JourneyscopeError as exc:
        return True, {"kind": "none", "reason": str(exc)}
    if not job.done():
        return False, None
    try:
        return True, corrected_nps(job.result())
    except JourneyscopeError as exc:  # its background process ended without an answer
        return True, {"kind": "none", "reason": str(exc)}


def corrected_nps(data: Any) -> dict[str, Any]:
    """Home's corrected-NPS figure from a finished :func:`nps_job`: the silent-customer
    headline (an estimate with its interval, a range, or an abstention) and why; or why
    there is none."""
    from journeyscope.services.studio import Failed

    if isinstance(data, Failed):
        return {"kind": "none", "reason": data.message}
    r = getattr(data, "silent", None)
    if r is None:
        why = getattr(data, "missing", {}).get("silent", "no silent-customer analysis")
        return {"kind": "none", "reason": why}
    h = r.headline
    how = (
        f"corrected {r.survey}: every customer of the journey's cases, the silent ones "
        f"estimated from their journeys, as the report's silent-customer section "
        f"({r.respondents:,} of {r.customers:,} customers answered); shown: the headline "
        "estimate with its interval, or the range the data allows when it cannot tell"
    )
    if h is None:
        return {"kind": "none", "reason": "too few answers, or nobody silent", "how": how}
    return {
        "kind": h.kind,
        "value": h.value,
        "low": h.low,
        "high": h.high,
        "strategy": h.strategy,
        "reason": h.reason,
        "respondents": r.respondents,
        "customers": r.customers,
        "how": how,
    }
