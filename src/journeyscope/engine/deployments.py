"""Deployed programs: journey versions, interaction objects, the contact policy and pins.

Versions are immutable: deploying a known version with another definition raises
:class:`~journeyscope.errors.VersionConflictError`; deploying the same one again changes
nothing. A policy is stored again only when it changed (the latest one applies). On
PostgreSQL a deployment notifies the workers (``LISTEN journeyscope_program``); every worker
also compares :func:`marker` now and then and reloads the program when it moved.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, func, insert, select, text

from journeyscope.engine import schema as t
from journeyscope.engine.core.interactions import InteractionCatalogue, InteractionSpec
from journeyscope.engine.core.journeys import JourneySpec
from journeyscope.engine.core.policy import ContactPolicy
from journeyscope.engine.core.program import Program
from journeyscope.errors import VersionConflictError

PROGRAM_CHANNEL = "journeyscope_program"


@dataclass(frozen=True)
class DeployReport:
    """What a deployment added: ``journey@version`` and ``interaction@version`` names."""

    journeys_added: list[str]
    interactions_added: list[str]
    policy_changed: bool


def deploy(conn: Connection, program: Program, now: float, *, notify: bool) -> DeployReport:
    """Store every journey version, interaction object and the policy of ``program`` and its
    pins, in the caller's transaction; ``notify``: tell PostgreSQL listeners."""
    added_j = _journeys(conn, program, now)
    added_i = _interactions(conn, program, now)
    policy = json.dumps(program.policy.model_dump(mode="json", by_alias=True), sort_keys=True)
    latest = conn.execute(
        select(t.policies.c.body).order_by(t.policies.c.id.desc()).limit(1)
    ).scalar()
    changed = latest is None or json.loads(latest) != json.loads(policy)
    if changed:
        conn.execute(insert(t.policies), {"body": policy, "deployed_at": now})
    for journey_id, version in program.pinned.items():
        pin(conn, journey_id, version)
    if notify and (added_j or added_i or changed or program.pinned):
        conn.execute(text("SELECT pg_notify(:c, '')"), {"c": PROGRAM_CHANNEL})
    return DeployReport(added_j, added_i, changed)


def _journeys(conn: Connection, program: Program, now: float) -> list[str]:
    known = {
        (r.journey, r.version): r.digest
        for r in conn.execute(
            select(t.journeys.c.journey, t.journeys.c.version, t.journeys.c.digest)
        )
    }
    added: list[str] = []
    for journey in program.versions():
        digest = known.get((journey.id, journey.version))
        if digest is None:
            conn.execute(
                insert(t.journeys),
                {
                    "journey": journey.id,
                    "version": journey.version,
                    "digest": journey.digest,
                    "body": json.dumps(journey.spec.model_dump(mode="json")),
                    "deployed_at": now,
                },
            )
            added.append(f"{journey.id}@{journey.version}")
        elif digest != journey.digest:
            raise VersionConflictError(
                f"journey {journey.id!r} version {journey.version} is already deployed "
                "with another definition; give the change a new version"
            )
    return added


def _interactions(conn: Connection, program: Program, now: float) -> list[str]:
    have = {
        (r.name, r.version): r.body
        for r in conn.execute(
            select(t.interactions.c.name, t.interactions.c.version, t.interactions.c.body)
        )
    }
    added: list[str] = []
    for spec in program.catalogue.specs():
        body = json.dumps(spec.model_dump(mode="json"), sort_keys=True)
        old = have.get((spec.name, spec.version))
        if old is None:
            conn.execute(
                insert(t.interactions),
                {"name": spec.name, "version": spec.version, "body": body, "deployed_at": now},
            )
            added.append(f"{spec.name}@{spec.version}")
        elif json.loads(old) != json.loads(body):
            raise VersionConflictError(
                f"interaction object {spec.name!r} version {spec.version} is already "
                "deployed with another definition; give the change a new version"
            )
    return added


def pin(conn: Connection, journey: str, version: int | None) -> None:
    """New customers enter ``version`` of ``journey`` (``None``: the highest again)."""
    conn.execute(t.pins.delete().where(t.pins.c.journey == journey))
    if version is not None:
        conn.execute(insert(t.pins), {"journey": journey, "version": version})


def marker(conn: Connection) -> tuple[Any, ...]:
    """Changes whenever something is deployed or pinned (workers reload on a change)."""
    journeys = conn.execute(
        select(func.count(), func.max(t.journeys.c.deployed_at)).select_from(t.journeys)
    ).one()
    objects = conn.execute(
        select(func.count(), func.max(t.interactions.c.deployed_at)).select_from(t.interactions)
    ).one()
    policy = conn.execute(select(func.max(t.policies.c.id))).scalar()
    pinned = sorted(tuple(r) for r in conn.execute(select(t.pins.c.journey, t.pins.c.version)))
    return (*journeys, *objects, policy, *pinned)


def load(conn: Connection) -> Program:
    """The deployed program: every journey version, object, the latest policy, the pins."""
    journeys = [
        JourneySpec.model_validate_json(b)
        for b in conn.execute(select(t.journeys.c.body)).scalars()
    ]
    specs = [
        InteractionSpec.model_validate_json(b)
        for b in conn.execute(select(t.interactions.c.body)).scalars()
    ]
    policy = conn.execute(
        select(t.policies.c.body).order_by(t.policies.c.id.desc()).limit(1)
    ).scalar()
    pinned = {r.journey: r.version for r in conn.execute(select(t.pins))}
    return Program.build(
        journeys,
        InteractionCatalogue(specs),
        ContactPolicy.model_validate_json(policy) if policy else ContactPolicy(),
        pinned,
    )
