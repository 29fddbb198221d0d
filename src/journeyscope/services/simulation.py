"""Simulate a draft journey on a period of stored events, before deploying it.

:func:`parse_draft` reads a draft (the YAML of one journey, or ``journeys:`` of several) with
the line-located messages of ``journeyscope simulate``. :func:`simulate` replays the events of
the analytics store whose timestamp falls in ``[since, until]`` (UTC days, both included)
through the engine's :class:`~journeyscope.engine.simulator.Simulator` — the same rules as the
live engine, with the deployed interaction objects and contact policy, a simulated clock and
no database — and compares what the draft would have done with what the live version of the
same journey actually recorded in the engine's history over the same period.

:func:`submit` runs it in a background thread and answers a job id at once; :func:`job`
reads the job. Jobs live in this process's memory (the latest :data:`KEPT`).
"""

from __future__ import annotations

import json
import tempfile
import threading
import time
import uuid
from collections import Counter, OrderedDict, defaultdict
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any, Final

from sqlalchemy import select

from journeyscope.config import Settings
from journeyscope.engine import schema as t
from journeyscope.engine.core.actions import Event, Record, Send
from journeyscope.engine.core.journeys import JourneySpec, load_journeys
from journeyscope.engine.core.program import Program
from journeyscope.engine.simulator import Simulator
from journeyscope.engine.store import EngineStore
from journeyscope.errors import InvalidQueryError, JourneyDefinitionError
from journeyscope.services.console import reason_class

KEPT: Final = 32
SAMPLE: Final = 25  # customers shown one by one
COUNTED: Final = (
    "Journey entered",
    "Decision",
    "Interaction sent",
    "Interaction deferred",
    "Interaction suppressed",
    "Interaction withheld",
    "Interaction failed",
    "Journey goal reached",
    "Journey completed",
    "Journey exited",
)
HOW: Final = (
    "Simulated: the stored events with a timestamp in the period (UTC days, both included) "
    "replayed in time order through the engine's rules with a simulated clock, the draft "
    "journeys only, with the deployed interaction objects and contact policy; timers due "
    "before the period's end fire. Each figure counts the engine records of that kind. "
    "Live: the same records in the engine's history for the live journey with the same id, "
    "recorded in the same period (when the engine recorded them)."
)


def parse_draft(text: str) -> list[JourneySpec]:
    """The journeys of a draft's YAML; errors name the line and the field."""
    if not text.strip():
        raise JourneyDefinitionError("the draft is empty: paste or upload a journey's YAML")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "draft.yaml"
        path.write_text(text, encoding="utf-8")
        try:
            return load_journeys(path)
        except JourneyDefinitionError as exc:
            raise JourneyDefinitionError(str(exc).replace(str(path), "draft")) from None


def period(since: str, until: str) -> tuple[date, date]:
    def day(name: str, value: str) -> date:
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            raise InvalidQueryError(f"{name}: {value!r} is not a date (YYYY-MM-DD)") from None

    start, end = day("since", since), day("until", until)
    if end < start:
        raise InvalidQueryError(f"until {end} is before since {start}")
    return start, end


def _epoch(day: date) -> float:
    return datetime.combine(day, datetime.min.time(), UTC).timestamp()


@dataclass
class Side:
    """What one side (simulated draft, or live) did in the period."""

    totals: Counter[str] = field(default_factory=Counter)
    sent_by_interaction: Counter[str] = field(default_factory=Counter)
    not_sent_by_reason: Counter[str] = field(default_factory=Counter)
    customers: int = 0


@dataclass
class CustomerRow:
    customer_id: str
    entered: int
    sent: list[str]
    not_sent: list[str]
    ended: str


@dataclass
class Simulation:
    journeys: list[str]
    versions: list[int]
    since: date
    until: date
    events: int
    simulated: Side
    live: Side
    sample: list[CustomerRow]
    seconds: float
    how: str = HOW


def _tally(side: Side, activity: str, props: dict[str, Any], customer: str, seen: set[str]) -> None:
    if activity not in COUNTED:
        return
    side.totals[activity] += 1
    seen.add(customer)
    if activity == "Interaction sent":
        side.sent_by_interaction[str(props.get("interaction"))] += 1
    elif activity in ("Interaction suppressed", "Interaction deferred"):
        side.not_sent_by_reason[reason_class(str(props.get("reason", "?")))] += 1
    elif activity == "Interaction withheld":
        side.not_sent_by_reason[f"holdout: {props.get('holdout', '?')}"] += 1


def _events(settings: Settings, since: date, until: date) -> list[Event]:
    from journeyscope.services.overview import open_store

    start = datetime.combine(since, datetime.min.time())
    end = datetime.combine(until + timedelta(days=1), datetime.min.time())
    with open_store(settings) as store:
        rows = store.con.execute(
            "SELECT event_id, customer_id, activity, channel, epoch_us(timestamp), properties "
            "FROM events WHERE timestamp >= ? AND timestamp < ? "
            "ORDER BY timestamp, source_row, event_id",
            [start, end],
        ).fetchall()
    return [
        Event(
            str(event_id),
            str(customer),
            str(activity),
            int(micros) / 1e6,
            None if channel is None else str(channel),
            json.loads(props) if props else {},
        )
        for event_id, customer, activity, channel, micros, props in rows
    ]


def simulate(
    settings: Settings, store: EngineStore, specs: list[JourneySpec], since: date, until: date
) -> Simulation:
    """Replay the period's stored events through the draft; the live history beside it."""
    started = time.monotonic()
    deployed = store.load_program()
    program = Program.build(specs, deployed.catalogue, deployed.policy)
    ids = sorted({s.journey for s in specs})
    events = _events(settings, since, until)
    end = _epoch(until + timedelta(days=1))
    simulated, seen = Side(), set[str]()
    per: dict[str, dict[str, Any]] = defaultdict(
        lambda: {"entered": 0, "sent": [], "not_sent": [], "ended": ""}
    )
    for action in Simulator(program).run(events, until=end):
        if isinstance(action, Send):
            continue
        if not isinstance(action, Record):
            continue
        props, c = action.properties, action.customer_id
        _tally(simulated, action.activity, props, c, seen)
        row = per[c] if action.activity in COUNTED else None
        if row is None:
            continue
        if action.activity == "Journey entered":
            row["entered"] += 1
        elif action.activity == "Interaction sent":
            row["sent"].append(str(props.get("interaction")))
        elif action.activity in ("Interaction suppressed", "Interaction withheld"):
            why = props.get("reason") or f"holdout: {props.get('holdout')}"
            row["not_sent"].append(f"{props.get('interaction')} ({why})")
        elif action.activity.startswith("Journey") and action.activity != "Journey entered":
            row["ended"] = str(props.get("reason") or action.activity.removeprefix("Journey "))
    simulated.customers = len(seen)
    chosen = sorted(per, key=lambda c: (-len(per[c]["sent"]), c))[:SAMPLE]
    sample = [
        CustomerRow(c, per[c]["entered"], per[c]["sent"], per[c]["not_sent"], per[c]["ended"])
        for c in chosen
    ]
    return Simulation(
        ids,
        sorted({s.version for s in specs}),
        since,
        until,
        len(events),
        simulated,
        _live(store, ids, _epoch(since), end),
        sample,
        time.monotonic() - started,
    )


def _live(store: EngineStore, journeys: list[str], start: float, end: float) -> Side:
    side, seen = Side(), set[str]()
    with store.read() as conn:
        rows = conn.execute(
            select(
                t.engine_events.c.customer_id,
                t.engine_events.c.activity,
                t.engine_events.c.properties,
            ).where(
                t.engine_events.c.timestamp >= start,
                t.engine_events.c.timestamp < end,
                t.engine_events.c.activity.in_(COUNTED),
            )
        )
        for customer, activity, raw in rows:
            props = json.loads(raw)
            if props.get("journey") in journeys:
                _tally(side, activity, props, customer, seen)
    side.customers = len(seen)
    return side


# ------------------------------------------------------------------------------ jobs


@dataclass
class Job:
    id: str
    draft: str
    journeys: list[str]
    since: date
    until: date
    actor: str
    started: float = field(default_factory=time.monotonic)
    future: Future[Simulation] = field(default_factory=Future)

    @property
    def elapsed(self) -> float:
        return time.monotonic() - self.started


_pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="simulation")
_lock = threading.Lock()
_jobs: OrderedDict[str, Job] = OrderedDict()


def submit(
    settings: Settings, store: EngineStore, draft: str, since: date, until: date, actor: str
) -> Job:
    """Check the draft now (errors at once), then simulate in the background."""
    specs = parse_draft(draft)
    job = Job(uuid.uuid4().hex[:16], draft, sorted({s.journey for s in specs}), since, until, actor)
    with _lock:
        _jobs[job.id] = job
        while len(_jobs) > KEPT:
            _jobs.popitem(last=False)

    def work() -> None:
        try:
            job.future.set_result(simulate(settings, store, specs, since, until))
        except BaseException as exc:  # handed to whoever reads the job
            job.future.set_exception(exc)

    _pool.submit(work)
    return job


def job(job_id: str) -> Job | None:
    with _lock:
        return _jobs.get(job_id)


def default_period(settings: Settings) -> tuple[date, date] | None:
    """ "Last month": the whole calendar month before the month of the latest stored event."""
    from journeyscope.services.overview import open_store

    with open_store(settings) as store:
        latest = store.con.execute("SELECT max(timestamp) FROM events").fetchone()
    if not latest or latest[0] is None:
        return None
    last = date.fromisoformat(str(latest[0])[:10])
    end = last.replace(day=1) - timedelta(days=1)
    return end.replace(day=1), end
