"""The orchestration API: events in, customer-driven commands, state and history out.

Every write answers only once what it carries is durable (committed). Commands go through the
customer's inbox like events, so they are applied in order with the customer's events by the
one worker that owns the customer; an ``Idempotency-Key`` header makes a command safe to retry.
"""

from __future__ import annotations

import time
import uuid
from datetime import UTC, datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Header, HTTPException, Query, status
from pydantic import BaseModel, ConfigDict, Field, field_validator

from journeyscope.engine import deadletters
from journeyscope.engine.core.actions import Command, Event
from journeyscope.engine.core.journeys import JourneySpec
from journeyscope.engine.core.localtime import zone
from journeyscope.engine.core.program import Program
from journeyscope.engine.inbox import COMMAND_PREFIXES, item_row
from journeyscope.engine.inbox import command_id as command_id_of
from journeyscope.errors import (
    EngineStoreError,
    InteractionNotFoundError,
    JourneyDefinitionError,
    JourneyNotFoundError,
    JourneyscopeError,
    VersionConflictError,
)
from journeyscope.pseudonyms import pseudonymise
from journeyscope.web.deps import EngineContext, EngineDep, require

router = APIRouter(tags=["orchestration"])

IdempotencyKey = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        description="Send the same key again and the command is not applied twice.",
    ),
]


# --------------------------------------------------------------------------------- schemas


class EventCreate(BaseModel):
    """One event in the canonical model's terms."""

    model_config = ConfigDict(extra="forbid")

    event_id: str = Field(
        min_length=1,
        max_length=200,
        pattern=r"^[^\x00-\x1f]+$",
        description="Unique per event; ids starting with cmd: or migrate: belong to commands.",
    )
    customer_id: str = Field(min_length=1, max_length=200, pattern=r"^[^\x00-\x1f]+$")
    activity: str = Field(min_length=1)
    timestamp: datetime | None = Field(default=None, description="When it happened (default: now)")
    channel: str | None = None
    properties: dict[str, Any] = Field(default_factory=dict)

    @field_validator("event_id")
    @classmethod
    def _not_a_command_id(cls, value: str) -> str:
        if value.startswith(COMMAND_PREFIXES):
            raise ValueError(
                f"ids starting with {' or '.join(COMMAND_PREFIXES)} are reserved for commands"
            )
        return value


class EventsCreate(BaseModel):
    events: list[EventCreate] = Field(min_length=1, max_length=10_000)
    identifiers_hashed: bool = Field(
        default=False,
        description="Customer ids email:… and phone:… are hashed already: store them as "
        "they are (otherwise raw addresses and numbers are normalised and hashed with this "
        "store's key).",
    )


class AcceptedPublic(BaseModel):
    accepted: int
    duplicates: int


class CommandPublic(BaseModel):
    command_id: str
    accepted: bool
    processed: bool
    outcome: list[dict[str, Any]] = Field(
        default_factory=list, description="Engine events the command led to, once processed."
    )
    failed: str | None = Field(
        default=None,
        description="The error, when applying the command failed (it is in the dead letters).",
    )


class InvokeCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    input: dict[str, Any] = Field(default_factory=dict)
    version: int | None = None


class EnterCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    step: str | None = None


class BackCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    steps: int = Field(default=1, ge=1)
    to: str | None = None


class ProfileUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    timezone: str | None = None
    marketing_consent: bool | None = None
    opted_out: bool | None = None
    opted_out_channels: list[str] | None = None
    attributes: dict[str, Any] | None = None

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                zone(value)
            except JourneyscopeError as exc:
                raise ValueError(str(exc)) from exc
        return value


class MigrateCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    to_version: int
    from_version: int | None = None
    step_map: dict[str, str] = Field(default_factory=dict)


class LeverUpdate(BaseModel):
    lever: float = Field(ge=0)


# --------------------------------------------------------------------------------- helpers


def _command(
    engine: EngineContext,
    customer_id: str,
    kind: str,
    args: dict[str, Any],
    key: str | None,
    wait: float,
) -> CommandPublic:
    customer_id = _check_customer(engine, customer_id)
    if key is not None and not 0 < len(key) <= 200:
        raise HTTPException(
            status.HTTP_422_UNPROCESSABLE_CONTENT, "Idempotency-Key: 1 to 200 characters"
        )
    command_id = command_id_of(customer_id, key) if key else f"cmd:{uuid.uuid4().hex}"
    command = Command(command_id, customer_id, kind, engine.store.clock.now(), args)
    report = engine.accept([command])
    if report.accepted == 0:
        _same_command(engine, command)
    processed, outcome = _outcome(engine, customer_id, command_id, wait)
    failed = None
    if processed:
        failed = next(
            (
                f["error"]
                for f in deadletters.listing(engine.store, customer_id=customer_id, limit=1000)
                if f["event_id"] == command_id
            ),
            None,
        )
    return CommandPublic(
        command_id=command_id,
        accepted=report.accepted == 1,
        processed=processed,
        outcome=outcome,
        failed=failed,
    )


def _check_customer(engine: EngineContext, customer_id: str) -> str:
    """The id as stored: checked, raw e-mail and phone ids replaced by their keyed hash."""
    if not 0 < len(customer_id) <= 200 or any(ord(ch) < 32 for ch in customer_id):
        raise HTTPException(
            status.HTTP_422_UNPROCESSABLE_CONTENT,
            "customer id: 1 to 200 characters, no control characters",
        )
    return pseudonymise(customer_id, engine.secret())


def _same_command(engine: EngineContext, command: Command) -> None:
    """A repeated ``Idempotency-Key`` must carry the same command: 409 otherwise."""
    stored = engine.store.inbox_entry(command.command_id)
    mine = item_row(command, engine.store.partitions, 0.0)
    if stored is None or stored != (mine[1], mine[3], mine[5]):
        raise HTTPException(
            status.HTTP_409_CONFLICT,
            "this Idempotency-Key was used for another command; use a new key",
        )


def _outcome(
    engine: EngineContext, customer_id: str, command_id: str, wait: float
) -> tuple[bool, list[dict[str, Any]]]:
    deadline = time.monotonic() + wait
    while True:
        history = engine.store.history(customer_id, limit=200)
        done = any(
            i["event_id"] == command_id and i["processed_at"] is not None for i in history["inputs"]
        )
        if done or time.monotonic() >= deadline:
            events = [
                e for e in history["engine_events"] if e["properties"].get("cause") == command_id
            ]
            return done, events
        time.sleep(0.02)


def _check_journey(engine: EngineContext, journey: str, step: str | None = None) -> None:
    try:
        found = engine.store.load_program().journey(journey)
        if step is not None:
            found.step(step)
    except JourneyNotFoundError as exc:
        raise HTTPException(status.HTTP_404_NOT_FOUND, str(exc)) from exc


Wait = Annotated[
    float,
    Query(ge=0, le=30, description="Seconds to wait for the command to be processed (0: do not)."),
]


# ---------------------------------------------------------------------------------- events


@router.post(
    "/events",
    status_code=status.HTTP_202_ACCEPTED,
    dependencies=[Depends(require("events:write"))],
)
def post_events(body: EventsCreate, engine: EngineDep) -> AcceptedPublic:
    """Accept a batch of events; answers once they are committed. Known ids are duplicates."""
    now = engine.store.clock.now()
    secret = engine.secret()
    items: list[Event | Command] = [
        Event(
            e.event_id,
            pseudonymise(e.customer_id, secret, hashed=body.identifiers_hashed),
            e.activity,
            _epoch(e.timestamp) if e.timestamp else now,
            e.channel,
            e.properties,
        )
        for e in body.events
    ]
    report = engine.accept(items)
    return AcceptedPublic(accepted=report.accepted, duplicates=report.duplicates)


def _epoch(ts: datetime) -> float:
    return (ts if ts.tzinfo else ts.replace(tzinfo=UTC)).timestamp()


# ---------------------------------------------------------------------------- interactions


@router.get("/interactions", dependencies=[Depends(require("journeys:read"))])
def list_interactions(engine: EngineDep) -> list[dict[str, Any]]:
    """The catalogue: every interaction object (latest version), with its contracts."""
    return [o.describe() for o in engine.store.load_program().catalogue]


@router.get("/interactions/{name}", dependencies=[Depends(require("journeys:read"))])
def get_interaction(name: str, engine: EngineDep, version: int | None = None) -> dict[str, Any]:
    try:
        return engine.store.load_program().catalogue.get(name, version).describe()
    except InteractionNotFoundError as exc:
        raise HTTPException(status.HTTP_404_NOT_FOUND, str(exc)) from exc


@router.post(
    "/customers/{customer_id}/interactions/{name}/invoke",
    status_code=status.HTTP_202_ACCEPTED,
    dependencies=[Depends(require("interactions:invoke"))],
)
def invoke(
    customer_id: str,
    name: str,
    body: InvokeCreate,
    engine: EngineDep,
    key: IdempotencyKey = None,
    wait: Wait = 5.0,
) -> CommandPublic:
    """The customer invokes an interaction object on demand, wherever they are."""
    try:
        obj = engine.store.load_program().catalogue.get(name, body.version)
        obj.validate_input({"customer_id": customer_id, **body.input})
    except InteractionNotFoundError as exc:
        raise HTTPException(status.HTTP_404_NOT_FOUND, str(exc)) from exc
    except ValueError as exc:  # pydantic's ValidationError is a ValueError
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, str(exc)) from exc
    args = {"interaction": name, "version": body.version, "input": body.input}
    return _command(engine, customer_id, "invoke", args, key, wait)


# ------------------------------------------------------------------------------- customers


@router.get("/customers/{customer_id}", dependencies=[Depends(require("customers:read"))])
def get_customer(customer_id: str, engine: EngineDep) -> dict[str, Any]:
    """The customer's journey state: instances, profile, pending timers, recent contacts."""
    state = engine.store.state(_check_customer(engine, customer_id))
    if state is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no state for customer {customer_id!r}")
    return state.to_dict() | {"wake_at": state.wake_at}


@router.get("/customers/{customer_id}/history", dependencies=[Depends(require("customers:read"))])
def get_history(
    customer_id: str, engine: EngineDep, limit: Annotated[int, Query(ge=1, le=5000)] = 500
) -> dict[str, list[dict[str, Any]]]:
    """What the customer did, what the engine decided and did, and what was delivered."""
    return engine.store.history(_check_customer(engine, customer_id), limit)


@router.post(
    "/customers/{customer_id}/journeys/{journey}/{action}",
    status_code=status.HTTP_202_ACCEPTED,
    dependencies=[Depends(require("customers:write"))],
)
def journey_command(
    customer_id: str,
    journey: str,
    action: Literal["enter", "pause", "resume", "back", "exit"],
    engine: EngineDep,
    body: dict[str, Any] | None = None,
    key: IdempotencyKey = None,
    wait: Wait = 5.0,
) -> CommandPublic:
    """Enter a journey at any step (``{"step": ...}``), pause, resume, go back
    (``{"steps": n}`` or ``{"to": step}``) or leave."""
    payload = body or {}
    args: dict[str, Any] = {"journey": journey}
    try:
        if action == "enter":
            args |= EnterCreate.model_validate(payload).model_dump(exclude_none=True)
        elif action == "back":
            args |= BackCreate.model_validate(payload).model_dump(exclude_none=True)
    except ValueError as exc:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, str(exc)) from exc
    _check_journey(engine, journey, args.get("step"))
    return _command(engine, customer_id, action, args, key, wait)


@router.post(
    "/customers/{customer_id}/profile",
    status_code=status.HTTP_202_ACCEPTED,
    dependencies=[Depends(require("customers:write"))],
)
def update_profile(
    customer_id: str,
    body: ProfileUpdate,
    engine: EngineDep,
    key: IdempotencyKey = None,
    wait: Wait = 5.0,
) -> CommandPublic:
    """Time zone, consent and opt-outs, as the customer set them."""
    changes = body.model_dump(exclude_none=True)
    return _command(engine, customer_id, "profile", {"set": changes}, key, wait)


# -------------------------------------------------------------------------------- journeys


@router.get("/journeys", dependencies=[Depends(require("journeys:read"))])
def list_journeys(engine: EngineDep) -> list[dict[str, Any]]:
    """Every deployed journey: its versions and the one new customers enter."""
    program = engine.store.load_program()
    return [
        {
            "journey": journey_id,
            "versions": sorted(versions),
            "active": program.journey(journey_id).version,
            "name": program.journey(journey_id).spec.name,
        }
        for journey_id, versions in sorted(program.journeys.items())
    ]


@router.get("/journeys/{journey}", dependencies=[Depends(require("journeys:read"))])
def get_journey(journey: str, engine: EngineDep, version: int | None = None) -> dict[str, Any]:
    try:
        return engine.store.load_program().journey(journey, version).spec.model_dump(mode="json")
    except JourneyNotFoundError as exc:
        raise HTTPException(status.HTTP_404_NOT_FOUND, str(exc)) from exc


@router.post(
    "/journeys",
    status_code=status.HTTP_201_CREATED,
    dependencies=[Depends(require("journeys:write"))],
)
def deploy_journey(spec: JourneySpec, engine: EngineDep) -> dict[str, Any]:
    """Deploy a new journey version. Running customers stay on their version."""
    current = engine.store.load_program()
    try:
        program = Program.build(
            [j.spec for j in current.versions()] + [spec], current.catalogue, current.policy
        )
        report = engine.store.deploy(program)
    except (JourneyDefinitionError, VersionConflictError) as exc:
        raise HTTPException(status.HTTP_409_CONFLICT, str(exc)) from exc
    if engine.worker is not None:
        engine.worker.reload()
    return {"deployed": report.journeys_added}


@router.post(
    "/journeys/{journey}/migrate",
    status_code=status.HTTP_202_ACCEPTED,
    dependencies=[Depends(require("journeys:write"))],
)
def migrate(journey: str, body: MigrateCreate, engine: EngineDep) -> dict[str, Any]:
    """Move running customers to another version, explicitly: one command per customer."""
    _check_journey(engine, journey)
    try:
        engine.store.load_program().journey(journey, body.to_version)
    except JourneyNotFoundError as exc:
        raise HTTPException(status.HTTP_404_NOT_FOUND, str(exc)) from exc
    customers = engine.store.customers_in(journey, body.from_version)
    args = {"journey": journey} | body.model_dump()
    batch = uuid.uuid4().hex[:12]
    commands: list[Event | Command] = [
        Command(f"migrate:{batch}:{c}", c, "migrate", engine.store.clock.now(), args)
        for c in customers
    ]
    report = engine.accept(commands) if commands else None
    return {"customers": len(customers), "accepted": report.accepted if report else 0}


def _key_actor(engine: EngineContext, key: str | None, bearer: str | None) -> str:
    return engine.key_actor(key or (bearer or "").removeprefix("Bearer ").strip())


@router.post("/journeys/{journey}/pause", dependencies=[Depends(require("journeys:write"))])
def pause_journey(
    journey: str,
    engine: EngineDep,
    key: Annotated[str | None, Header(alias="X-API-Key")] = None,
    authorization: Annotated[str | None, Header()] = None,
) -> dict[str, Any]:
    """Pause the whole journey: no new entries, no sends; running customers' waits keep the
    time left (docs/console.md). Audited with the key's name."""
    return _switch(journey, engine, _key_actor(engine, key, authorization), pause=True)


@router.post("/journeys/{journey}/resume", dependencies=[Depends(require("journeys:write"))])
def resume_journey(
    journey: str,
    engine: EngineDep,
    key: Annotated[str | None, Header(alias="X-API-Key")] = None,
    authorization: Annotated[str | None, Header()] = None,
) -> dict[str, Any]:
    """Resume the whole journey: customers the pause stopped go on with the time left."""
    return _switch(journey, engine, _key_actor(engine, key, authorization), pause=False)


def _switch(journey: str, engine: EngineContext, actor: str, *, pause: bool) -> dict[str, Any]:
    from journeyscope.services import console_actions

    act = console_actions.pause if pause else console_actions.resume
    try:
        outcome = act(engine, journey, actor)
    except JourneyNotFoundError as exc:
        raise HTTPException(status.HTTP_404_NOT_FOUND, str(exc)) from exc
    except JourneyscopeError as exc:
        raise HTTPException(status.HTTP_409_CONFLICT, str(exc)) from exc
    return {"journey": journey, "paused": pause, "outcome": outcome}


@router.put("/levers/{interaction}", dependencies=[Depends(require("journeys:write"))])
def set_lever(interaction: str, body: LeverUpdate, engine: EngineDep) -> dict[str, Any]:
    """The business's dial in arbitration: priority = propensity × weight × value × lever."""
    engine.store.set_lever(interaction, body.lever)
    return {"interaction": interaction, "lever": body.lever}


@router.get("/engine/status", dependencies=[Depends(require("journeys:read"))])
def engine_status(engine: EngineDep) -> dict[str, Any]:
    """Inbox, outbox and dead-letter counts."""
    return engine.store.counts() | {"embedded_worker": engine.worker is not None}


# ---------------------------------------------------------------------------- dead letters


class DeadLetterAction(BaseModel):
    model_config = ConfigDict(extra="forbid")

    ids: list[int] | None = Field(
        default=None, max_length=10_000, description="The failed inputs to act on (none: all)."
    )


@router.get("/dead-letters", dependencies=[Depends(require("journeys:read"))])
def list_dead_letters(
    engine: EngineDep,
    customer_id: str | None = None,
    limit: Annotated[int, Query(ge=1, le=10_000)] = 100,
) -> list[dict[str, Any]]:
    """Inputs and timer turns whose handling failed, with the error, oldest first."""
    if customer_id is not None:
        customer_id = _check_customer(engine, customer_id)
    return deadletters.listing(engine.store, customer_id=customer_id, limit=limit)


@router.post("/dead-letters/retry", dependencies=[Depends(require("journeys:write"))])
def retry_dead_letters(body: DeadLetterAction, engine: EngineDep) -> dict[str, int]:
    """Hand failed inputs to the workers again (after the cause was fixed, e.g. a new version)."""
    try:
        retried = deadletters.retry(engine.store, body.ids)
    except EngineStoreError as exc:
        raise HTTPException(status.HTTP_404_NOT_FOUND, str(exc)) from exc
    if engine.worker is not None:
        engine.worker.wake()
    return {"retried": retried}


@router.post("/dead-letters/drop", dependencies=[Depends(require("journeys:write"))])
def drop_dead_letters(body: DeadLetterAction, engine: EngineDep) -> dict[str, int]:
    """Forget failed inputs: they stay unapplied."""
    try:
        return {"dropped": deadletters.drop(engine.store, body.ids)}
    except EngineStoreError as exc:
        raise HTTPException(status.HTTP_404_NOT_FOUND, str(exc)) from exc
