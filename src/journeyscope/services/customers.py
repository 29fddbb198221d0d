"""Find a customer by any identifier and read their one stitched timeline.

An identifier is matched exactly against the stitched ``customer_id`` and every raw identifier
column (account, hashed e-mail or phone, device, anonymous cookie) and the case id; the
customers found are those the identity stitching put those events under. The timeline is every
stored event of the customer, in the store's order (timestamp, source, row), with survey
answers and the journeys (cases) reached, beside the orchestration engine's inputs, decisions
and messages when the engine knows the customer.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC
from typing import Any, Protocol

from journeyscope.config import Settings
from journeyscope.errors import CustomerNotFoundError, closest
from journeyscope.events.schema import IDENTIFIERS
from journeyscope.services.overview import open_store

SEARCHED = ("customer_id", *IDENTIFIERS, "case_id")


class EngineHistory(Protocol):
    def history(self, customer_id: str, limit: int = 500) -> dict[str, list[dict[str, Any]]]: ...


@dataclass
class Timeline:
    customer_id: str
    identifiers: dict[str, list[str]]
    events: list[dict[str, Any]]
    cases: list[dict[str, Any]]
    surveys: list[dict[str, Any]]
    engine: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    how: str = (
        "every stored event whose stitched customer_id is this customer, ordered by timestamp, "
        "source and row; cases = distinct case ids with first and last event"
    )


def search(settings: Settings, identifier: str, limit: int = 20) -> list[dict[str, Any]]:
    """Customers with an event carrying ``identifier`` in any identifier column."""
    text = identifier.strip()
    if not text:
        raise CustomerNotFoundError("type an identifier: account, e-mail hash, phone, case")
    ors = " OR ".join(f'"{c}" = ?' for c in SEARCHED)
    with open_store(settings) as store:
        rows = store.con.execute(
            f"""SELECT customer_id, count(*), min(timestamp), max(timestamp),
                       count(DISTINCT case_id)
                FROM events WHERE customer_id IN
                  (SELECT DISTINCT customer_id FROM events WHERE {ors})
                GROUP BY 1 ORDER BY 2 DESC LIMIT ?""",
            [text] * len(SEARCHED) + [limit],
        ).fetchall()
        if not rows:
            like = " UNION ".join(
                f'SELECT DISTINCT "{c}" AS v FROM events WHERE "{c}" ILIKE ?' for c in SEARCHED
            )
            near = store.con.execute(
                f"SELECT v FROM ({like}) WHERE v IS NOT NULL LIMIT 200",
                [f"%{text[:4]}%"] * len(SEARCHED),
            ).fetchall()
            close = closest(text, [str(n[0]) for n in near], cutoff=0.4)
            hint = f"; closest: {', '.join(close)}" if close else ""
            raise CustomerNotFoundError(f"no customer has the identifier {text!r}{hint}")
    return [
        {
            "customer_id": str(r[0]),
            "events": int(r[1]),
            "first": r[2].astimezone(UTC).isoformat(timespec="seconds") if r[2] else None,
            "last": r[3].astimezone(UTC).isoformat(timespec="seconds") if r[3] else None,
            "cases": int(r[4]),
        }
        for r in rows
    ]


def timeline(
    settings: Settings, customer_id: str, *, engine: EngineHistory | None = None, limit: int = 2000
) -> Timeline:
    cols = ", ".join(f'"{c}"' for c in IDENTIFIERS)
    with open_store(settings) as store:
        rows = store.con.execute(
            f"""SELECT timestamp, activity, channel, case_id, survey_type, survey_score,
                       sentiment, cost, properties, source, source_row, {cols}
                FROM events WHERE customer_id = ?
                ORDER BY timestamp, source, source_row LIMIT ?""",
            [customer_id, limit],
        ).fetchall()
    if not rows:
        raise CustomerNotFoundError(f"no customer {customer_id!r} in the store")
    events, surveys = [], []
    identifiers: dict[str, set[str]] = {c: set() for c in IDENTIFIERS}
    cases: dict[str, dict[str, Any]] = {}
    for r in rows:
        when = r[0].astimezone(UTC).isoformat(timespec="seconds") if r[0] else None
        props = json.loads(r[8]) if r[8] else {}
        item = {
            "timestamp": when,
            "activity": r[1],
            "channel": r[2],
            "case_id": r[3],
            "survey": None if r[4] is None else f"{r[4]} {r[5]:g}" if r[5] is not None else r[4],
            "sentiment": r[6],
            "cost": r[7],
            "properties": {k: v for k, v in props.items() if v is not None},
            "source": str(r[9] or "").rsplit("/", 1)[-1],
        }
        events.append(item)
        if r[4] is not None:
            surveys.append({"timestamp": when, "type": r[4], "score": r[5], "case_id": r[3]})
        for c, value in zip(IDENTIFIERS, r[11:], strict=True):
            if value is not None:
                identifiers[c].add(str(value))
        if r[3] is not None:
            case = cases.setdefault(
                str(r[3]), {"case_id": str(r[3]), "first": when, "events": 0, "activities": []}
            )
            case["last"] = when
            case["events"] += 1
            if r[1] not in case["activities"]:
                case["activities"].append(r[1])
    history: dict[str, list[dict[str, Any]]] = {}
    if engine is not None:
        history = engine.history(customer_id, limit=200)
    return Timeline(
        customer_id,
        {c: sorted(v) for c, v in identifiers.items() if v},
        events,
        list(cases.values()),
        surveys,
        history,
    )
