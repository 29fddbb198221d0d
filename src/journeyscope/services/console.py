"""The orchestration console's figures, read from the engine's own tables.

:func:`journeys` lists the deployed journeys (versions, the active one, the pause switch);
:func:`live` computes one journey's counters per version and step. Every figure comes from
the engine database — ``engine_events`` (what the engine recorded), ``customers`` (where
each running customer is now), ``outbox`` (delivery status), ``inbox`` (backlog, acceptance
times), ``failed_inputs`` and ``dead_letters`` — and :data:`HOW` says how each is computed.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any, Final

from sqlalchemy import func, select

from journeyscope.engine import deadletters, journey_controls
from journeyscope.engine import schema as t
from journeyscope.engine.core.state import PAUSED, CustomerState
from journeyscope.engine.store import EngineStore
from journeyscope.errors import JourneyNotFoundError, closest

LATENCY_SAMPLE: Final = 10_000  # latest actions the latency percentiles are computed over

HOW: Final[dict[str, str]] = {
    "entered": "journey instances (customer × entry) with a 'Journey step' record for the step",
    "waiting": "running instances whose current step this is, from the customers' states now "
    "(waiting or active; paused ones are counted apart)",
    "paused": "running instances at this step that are paused (by the customer or the journey)",
    "completed": "'Journey goal reached' and 'Journey completed' records at this step",
    "exited": "'Journey exited' records at this step, by their reason",
    "sent": "'Interaction sent' records at this step (the engine decided to send)",
    "delivered": "outbox rows of those sends that the implementation accepted (status sent)",
    "failed": "sends that failed for good (outbox status dead) and inputs that broke an "
    "interaction's contract ('Interaction failed' records), by reason",
    "suppressed": "'Interaction suppressed' records, by reason (consent, cap, quiet hours, "
    "eligibility, journey paused)",
    "withheld": "'Interaction withheld' records: the customer is in a holdout (journey or global)",
    "deferred": "'Interaction deferred' records, by reason (sent later, when the reason ends)",
    "latency": f"seconds from an event's acceptance (inbox.accepted_at) to the engine's record "
    f"of the send, suppression, withholding or deferral it caused; sends caused by timers or "
    f"commands are left out; p50 and p99 over the latest {LATENCY_SAMPLE:,}. The embedded "
    f"worker of `journeyscope serve` (SQLite) accepts and processes an event in one "
    f"transaction, so there it is 0; with separate workers it is the time an event waited",
    "backlog": "inbox rows not yet processed, for every journey (an input's journey is known "
    "only once it is processed); the oldest one's age",
    "dead_letters": "inputs whose handling failed (failed_inputs, every journey) and sends of "
    "this journey that failed for good (dead_letters)",
}

_ACTIONS: Final = (
    "Interaction sent",
    "Interaction suppressed",
    "Interaction withheld",
    "Interaction deferred",
)


def reason_class(reason: str) -> str:
    """The kind of reason a send did not go out: consent, cap, quiet hours, eligibility..."""
    if reason.startswith(("opted out", "no marketing consent")):
        return "consent"
    if reason.startswith("capped"):
        return "cap"
    if reason.startswith("quiet hours"):
        return "quiet hours"
    if reason.startswith("not eligible"):
        return "eligibility"
    if reason.startswith("input breaks the contract"):
        return "contract"
    return reason


@dataclass
class StepLive:
    step: str
    entered: int = 0
    waiting: int = 0
    paused: int = 0
    completed: int = 0
    exited: Counter[str] = field(default_factory=Counter)
    sent: int = 0
    delivered: int = 0
    pending: int = 0
    failed: Counter[str] = field(default_factory=Counter)
    suppressed: Counter[str] = field(default_factory=Counter)
    withheld: Counter[str] = field(default_factory=Counter)
    deferred: Counter[str] = field(default_factory=Counter)
    reasons: Counter[str] = field(default_factory=Counter)  # the full reasons behind classes


@dataclass
class VersionLive:
    version: int
    deployed_at: float
    active: bool
    running: int
    steps: list[StepLive]


@dataclass
class JourneySummary:
    journey: str
    name: str
    versions: list[int]
    active: int
    paused: bool
    changed_by: str | None
    changed_at: float | None
    running: int


@dataclass
class JourneyLive:
    summary: JourneySummary
    versions: list[VersionLive]
    entries_refused: int  # triggers ignored because the journey was paused
    latency_p50: float | None
    latency_p99: float | None
    latency_n: int
    backlog: int
    backlog_oldest: float | None  # seconds
    failed_inputs: list[dict[str, Any]]
    failed_sends: list[dict[str, Any]]
    how: dict[str, str] = field(default_factory=lambda: dict(HOW))


def _percentile(values: list[float], q: float) -> float | None:
    """The ``q`` quantile by linear interpolation between closest ranks (numpy's default)."""
    if not values:
        return None
    ordered = sorted(values)
    pos = (len(ordered) - 1) * q
    low = int(pos)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (pos - low)


def _running(store: EngineStore, journey: str | None = None) -> list[tuple[str, Any]]:
    """(customer, instance) of every running instance (of ``journey`` when given)."""
    query = select(t.customers.c.state)
    if journey is not None:
        query = query.where(t.customers.c.state.like(f'%"{journey}"%'))
    found = []
    with store.read() as conn:
        for (raw,) in conn.execute(query):
            state = CustomerState.from_json(raw)
            for inst in state.instances.values():
                if journey is None or inst.journey == journey:
                    found.append((state.customer_id, inst))
    return found


def journeys(store: EngineStore) -> list[JourneySummary]:
    """Every deployed journey with its versions, the active one and its pause switch."""
    program = store.load_program()
    switches = journey_controls.controls(store)
    running = Counter(inst.journey for _, inst in _running(store))
    out = []
    for journey_id, versions in sorted(program.journeys.items()):
        control = switches.get(journey_id)
        active = program.journey(journey_id)
        out.append(
            JourneySummary(
                journey_id,
                active.spec.name or journey_id,
                sorted(versions),
                active.version,
                bool(control and control.paused),
                control.changed_by if control else None,
                control.changed_at if control else None,
                running[journey_id],
            )
        )
    return out


def summary(store: EngineStore, journey: str) -> JourneySummary:
    for found in journeys(store):
        if found.journey == journey:
            return found
    known = [j.journey for j in journeys(store)]
    close = closest(journey, known, n=1)
    hint = f" (did you mean {close[0]}?)" if close else ""
    raise JourneyNotFoundError(
        f"no deployed journey {journey!r}{hint}; deployed: {', '.join(known) or 'none'}"
    )


def _records(store: EngineStore, journey: str) -> list[dict[str, Any]]:
    """The engine events that name ``journey`` in their properties, oldest first."""
    pattern = f'%"{journey}"%'  # narrows; the JSON is checked below
    with store.read() as conn:
        rows = conn.execute(
            select(
                t.engine_events.c.case_id,
                t.engine_events.c.timestamp,
                t.engine_events.c.activity,
                t.engine_events.c.properties,
            )
            .where(t.engine_events.c.properties.like(pattern))
            .order_by(t.engine_events.c.seq)
        ).all()
    out = []
    for case_id, ts, activity, raw in rows:
        props = json.loads(raw)
        if props.get("journey") == journey:
            out.append({"case_id": case_id, "at": ts, "activity": activity, "props": props})
    return out


def live(store: EngineStore, journey: str) -> JourneyLive:
    """One journey's counters per version and step (see :data:`HOW`)."""
    head = summary(store, journey)
    program = store.load_program()
    records = _records(store, journey)
    steps: dict[tuple[int, str], StepLive] = {}

    def at(version: Any, step: Any) -> StepLive:
        key = (int(version), str(step))
        if key not in steps:
            steps[key] = StepLive(key[1])
        return steps[key]

    entered: dict[tuple[int, str], set[str]] = defaultdict(set)
    sent_keys: dict[str, tuple[int, str]] = {}
    refused = 0
    for r in records:
        p, activity = r["props"], r["activity"]
        version, step = p.get("version"), p.get("step")
        if activity == "Trigger ignored" and p.get("reason") == "journey paused":
            refused += 1
        if version is None or step is None:
            continue
        s = at(version, step)
        if activity == "Journey step":
            entered[(int(version), str(step))].add(str(r["case_id"]))
        elif activity in ("Journey goal reached", "Journey completed"):
            s.completed += 1
        elif activity == "Journey exited":
            s.exited[str(p.get("reason", "?"))] += 1
        elif activity == "Interaction sent":
            s.sent += 1
            sent_keys[str(p.get("key"))] = (int(version), str(step))
        elif activity in ("Interaction suppressed", "Interaction failed", "Interaction deferred"):
            reason = str(p.get("reason", "?"))
            target = {
                "Interaction suppressed": s.suppressed,
                "Interaction failed": s.failed,
                "Interaction deferred": s.deferred,
            }[activity]
            target[reason_class(reason)] += 1
            s.reasons[reason] += 1
        elif activity == "Interaction withheld":
            s.withheld[f"holdout: {p.get('holdout', '?')}"] += 1
    for key, cases in entered.items():
        at(*key).entered = len(cases)
    with store.read() as conn:
        for key, status in conn.execute(
            select(t.outbox.c.key, t.outbox.c.status).where(t.outbox.c.journey == journey)
        ):
            where = sent_keys.get(key)
            if where is None:
                continue
            s = at(*where)
            if status == "sent":
                s.delivered += 1
            elif status == "dead":
                s.failed["delivery failed for good"] += 1
            else:
                s.pending += 1
    running = _running(store, journey)
    for _, inst in running:
        s = at(inst.version, inst.step)
        if inst.status == PAUSED:
            s.paused += 1
        else:
            s.waiting += 1
    versions = []
    deployed = _deployed_at(store, journey)
    for version in head.versions:
        order = list(program.journey(journey, version).steps)
        shown = [steps.get((version, s)) or StepLive(s) for s in order] + [
            v for (ver, s), v in sorted(steps.items()) if ver == version and s not in order
        ]
        versions.append(
            VersionLive(
                version,
                deployed.get(version, 0.0),
                version == head.active,
                sum(1 for _, inst in running if inst.version == version),
                shown,
            )
        )
    p50, p99, n = _latency(store, records)
    backlog, oldest = _backlog(store)
    return JourneyLive(
        head,
        versions,
        refused,
        p50,
        p99,
        n,
        backlog,
        oldest,
        deadletters.listing(store, limit=100),
        _failed_sends(store, journey),
    )


def _deployed_at(store: EngineStore, journey: str) -> dict[int, float]:
    with store.read() as conn:
        return {
            int(v): float(at)
            for v, at in conn.execute(
                select(t.journeys.c.version, t.journeys.c.deployed_at).where(
                    t.journeys.c.journey == journey
                )
            )
        }


def _latency(
    store: EngineStore, records: list[dict[str, Any]]
) -> tuple[float | None, float | None, int]:
    actions = [r for r in records if r["activity"] in _ACTIONS and r["props"].get("cause")]
    actions = actions[-LATENCY_SAMPLE:]
    causes = sorted({str(r["props"]["cause"]) for r in actions})
    accepted: dict[str, float] = {}
    with store.read() as conn:
        for i in range(0, len(causes), 500):
            chunk = causes[i : i + 500]
            for event_id, at, kind in conn.execute(
                select(t.inbox.c.event_id, t.inbox.c.accepted_at, t.inbox.c.kind).where(
                    t.inbox.c.event_id.in_(chunk)
                )
            ):
                if kind == "event":
                    accepted[event_id] = float(at)
    waits = [
        max(0.0, r["at"] - accepted[str(r["props"]["cause"])])
        for r in actions
        if str(r["props"]["cause"]) in accepted
    ]
    return _percentile(waits, 0.5), _percentile(waits, 0.99), len(waits)


@dataclass(frozen=True)
class EngineNow:
    """The engine as a whole: inbox backlog, failed inputs and failed sends."""

    backlog: int
    backlog_oldest: float | None
    failed_inputs: int
    failed_sends: int


def engine_now(store: EngineStore) -> EngineNow:
    backlog, oldest = _backlog(store)
    with store.read() as conn:
        sends = int(conn.execute(select(func.count()).select_from(t.dead_letters)).scalar_one())
        inputs = deadletters.count(conn)
    return EngineNow(backlog, oldest, inputs, sends)


def _backlog(store: EngineStore) -> tuple[int, float | None]:
    with store.read() as conn:
        n, oldest = conn.execute(
            select(func.count(), func.min(t.inbox.c.accepted_at)).where(
                t.inbox.c.processed_at.is_(None)
            )
        ).one()
    return int(n), None if oldest is None else max(0.0, store.clock.now() - float(oldest))


def _failed_sends(store: EngineStore, journey: str) -> list[dict[str, Any]]:
    """Sends of ``journey`` that failed for good, latest first."""
    query = (
        select(
            t.dead_letters.c.id,
            t.dead_letters.c.key,
            t.dead_letters.c.customer_id,
            t.dead_letters.c.interaction,
            t.dead_letters.c.error,
            t.dead_letters.c.attempts,
            t.dead_letters.c.failed_at,
            t.outbox.c.step,
        )
        .select_from(t.dead_letters.join(t.outbox, t.outbox.c.key == t.dead_letters.c.key))
        .where(t.outbox.c.journey == journey)
        .order_by(t.dead_letters.c.id.desc())
        .limit(100)
    )
    with store.read() as conn:
        return [dict(r) for r in conn.execute(query).mappings()]
