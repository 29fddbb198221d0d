"""The canonical event model: one row per thing that happened to a customer.

Every reader turns its input into exactly these columns; analytics only ever see them.

=============  ===========  =====================================================
column         type         meaning
=============  ===========  =====================================================
event_id       string       unique id; given by the data or ``<file fingerprint>:<row>``
case_id        string       journey instance when the data has one (else derived later)
customer_id    string       one person, after identity stitching
account_id     string       raw identifier: customer account / customer number
email_hash     string       raw identifier: hashed e-mail address
phone_hash     string       raw identifier: hashed phone number
device_id      string       raw identifier: device
anonymous_id   string       raw identifier: anonymous cookie
timestamp      timestamp    when it happened, UTC (offsets in the input are honoured)
activity       string       what happened
channel        string       web, app, phone, branch, e-mail, letter, chat, ...
source         string       the file (or stream) it came from
source_row     int64        1-based data row in that source: breaks timestamp ties
ingested_at    timestamp    when journeyscope stored it, UTC
survey_type    string       NPS, CSAT or CES when the event is a survey answer
survey_score   float64      0-10 (NPS), 1-5 (CSAT), 1-7 (CES)
sentiment      float64      -1 (negative) ... +1 (positive)
cost           float64      cost to serve this interaction, >= 0
properties     JSON string  every other input column (an empty value as JSON null)
=============  ===========  =====================================================
"""

from __future__ import annotations

from typing import Final

from pydantic import BaseModel, ConfigDict

#: Canonical columns and their DuckDB types, in table order.
COLUMNS: Final[dict[str, str]] = {
    "event_id": "VARCHAR",
    "case_id": "VARCHAR",
    "customer_id": "VARCHAR",
    "account_id": "VARCHAR",
    "email_hash": "VARCHAR",
    "phone_hash": "VARCHAR",
    "device_id": "VARCHAR",
    "anonymous_id": "VARCHAR",
    "timestamp": "TIMESTAMPTZ",
    "activity": "VARCHAR",
    "channel": "VARCHAR",
    "source": "VARCHAR",
    "source_row": "BIGINT",
    "ingested_at": "TIMESTAMPTZ",
    "survey_type": "VARCHAR",
    "survey_score": "DOUBLE",
    "sentiment": "DOUBLE",
    "cost": "DOUBLE",
    "properties": "VARCHAR",
}

#: Raw identifier columns, strongest first. Stitching names a customer after the strongest one.
IDENTIFIERS: Final[tuple[str, ...]] = (
    "account_id",
    "email_hash",
    "phone_hash",
    "device_id",
    "anonymous_id",
)

#: Valid survey scales: type -> (lowest, highest) score.
SURVEY_SCALES: Final[dict[str, tuple[float, float]]] = {
    "NPS": (0.0, 10.0),
    "CSAT": (1.0, 5.0),
    "CES": (1.0, 7.0),
}

#: Canonical fields an input column can be mapped to.
MAPPABLE: Final[tuple[str, ...]] = (
    "event_id",
    "case_id",
    "activity",
    "timestamp",
    "channel",
    *IDENTIFIERS,
    "survey_type",
    "survey_score",
    "sentiment",
    "cost",
)

#: Input column names tried, in order, for a field that is not mapped explicitly.
#: XES attribute names come after the plain ones: an event-level ``channel`` beats ``case:channel``.
DEFAULT_NAMES: Final[dict[str, tuple[str, ...]]] = {
    "event_id": ("event_id",),
    "case_id": ("case_id", "case:concept:name"),
    "activity": ("activity", "concept:name"),
    "timestamp": ("timestamp", "time:timestamp"),
    "channel": ("channel", "case:channel"),
    "account_id": ("account_id", "customer_id"),
    "email_hash": ("email_hash",),
    "phone_hash": ("phone_hash",),
    "device_id": ("device_id",),
    "anonymous_id": ("anonymous_id",),
    "survey_type": ("survey_type",),
    "survey_score": ("survey_score",),
    "sentiment": ("sentiment",),
    "cost": ("cost",),
}


class ColumnMapping(BaseModel):
    """Which input column feeds each canonical field; unset fields use :data:`DEFAULT_NAMES`.

    >>> ColumnMapping(activity="Step").resolve(["id", "Step", "timestamp"])["activity"]
    'Step'
    >>> ColumnMapping().resolve(["case:concept:name", "concept:name"])["case_id"]
    'case:concept:name'
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    event_id: str | None = None
    case_id: str | None = None
    activity: str | None = None
    timestamp: str | None = None
    channel: str | None = None
    account_id: str | None = None
    email_hash: str | None = None
    phone_hash: str | None = None
    device_id: str | None = None
    anonymous_id: str | None = None
    survey_type: str | None = None
    survey_score: str | None = None
    sentiment: str | None = None
    cost: str | None = None
    #: strptime format for timestamps that are not ISO 8601 (e.g. ``%d-%m-%Y %H:%M``)
    timestamp_format: str | None = None

    def resolve(self, columns: list[str]) -> dict[str, str]:
        """Map each canonical field to an input column present in ``columns``.

        Explicitly mapped columns that are absent raise :class:`ColumnNotFoundError`.
        """
        from journeyscope.errors import ColumnNotFoundError, closest

        present = set(columns)
        resolved: dict[str, str] = {}
        for field in MAPPABLE:
            explicit = getattr(self, field)
            if explicit is not None:
                if explicit not in present:
                    near = closest(explicit, columns)
                    hint = f"closest: {', '.join(map(repr, near))}; " if near else ""
                    raise ColumnNotFoundError(
                        f"{field} is mapped to column {explicit!r}, which is not in the input "
                        f"({hint}columns: {', '.join(columns)})"
                    )
                resolved[field] = explicit
                continue
            for name in DEFAULT_NAMES[field]:
                if name in present and name not in resolved.values():
                    resolved[field] = name
                    break
        return resolved


#: Columns the store compresses with zstd instead of letting DuckDB choose: the unique event
#: ids and the properties text. DuckDB's own choice for them (FSST, after analysing every
#: segment) cost as much CPU to write as all the other columns together and made a larger
#: file; zstd writes a 5M-event store in 23% less CPU and 35% less space
#: (docs/benchmarks.md, Ingestion).
ZSTD: Final = ("event_id", "properties")


def create_events_sql(table: str = "events") -> str:
    """``CREATE TABLE`` statement for the canonical events table."""
    cols = ",\n  ".join(
        f'"{name}" {kind}' + (" USING COMPRESSION zstd" if name in ZSTD else "")
        for name, kind in COLUMNS.items()
    )
    return f"CREATE TABLE IF NOT EXISTS {table} (\n  {cols}\n)"
