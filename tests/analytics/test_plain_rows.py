"""Rows as every runner reads them: timestamps as UTC ISO text whatever their zone, dates as
ISO text, NaN as None, everything else as it is."""

from __future__ import annotations

import math
from datetime import date, datetime, timedelta, timezone

import pyarrow as pa

from journeyscope.analytics.plain_rows import plain_rows


def test_zoned_and_naive_timestamps_come_back_as_the_same_utc_text() -> None:
    paris = timezone(timedelta(hours=1))
    table = pa.table(
        {
            "zoned": pa.array(
                [datetime(2026, 1, 2, 10, 30, tzinfo=paris)], pa.timestamp("us", "UTC")
            ),
            "naive": pa.array([datetime(2026, 1, 2, 9, 30)], pa.timestamp("us")),
        }
    )
    assert plain_rows(table) == [{"zoned": "2026-01-02T09:30:00", "naive": "2026-01-02T09:30:00"}]


def test_dates_nan_and_nulls() -> None:
    table = pa.table(
        {
            "day": pa.array([date(2026, 3, 4), None], pa.date32()),
            "x": pa.array([math.nan, 1.5], pa.float64()),
            "name": pa.array(["a", None]),
        }
    )
    assert plain_rows(table) == [
        {"day": "2026-03-04", "x": None, "name": "a"},
        {"day": None, "x": 1.5, "name": None},
    ]


def test_an_empty_table_has_no_rows() -> None:
    assert plain_rows(pa.table({"t": pa.array([], pa.timestamp("ms", "UTC"))})) == []
