"""Query results as plain Python rows: what a runner reads from :meth:`Backend.rows
<journeyscope.analytics.backends.Backend.rows>`, the same on every backend (timestamps as UTC
ISO text, dates as ISO text, NaN as None)."""

from __future__ import annotations

import math
from datetime import UTC, date, datetime
from typing import Any

import pyarrow as pa


def plain_rows(table: pa.Table) -> list[dict[str, Any]]:
    """Every row of ``table`` as a dict of plain values."""
    return [{k: _value(v) for k, v in row.items()} for row in _naive_utc(table).to_pylist()]


def _naive_utc(table: pa.Table) -> pa.Table:
    """Zoned timestamp columns as naive UTC: the same instants, written as the same UTC text
    by :func:`_value`. Turning a zoned Arrow timestamp into Python makes pyarrow import pandas
    (to ask whether it is there), which a command would otherwise pay for at its start."""
    for i, field in enumerate(table.schema):
        if pa.types.is_timestamp(field.type) and field.type.tz is not None:
            naive = table.column(i).cast(pa.timestamp(field.type.unit))
            table = table.set_column(i, field.name, naive)
    return table


def _value(value: Any) -> Any:
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            value = value.astimezone(UTC).replace(tzinfo=None)
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and math.isnan(value):
        return None
    return value
