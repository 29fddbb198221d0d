"""The canonical event model (events/schema.py): which input column feeds each field (an
explicit mapping, else the default names, plain before XES ones, each column used once), a
mapped column that is absent named with the columns there are, and the events table."""

from __future__ import annotations

import duckdb
import pytest
from pydantic import ValidationError

from journeyscope.errors import ColumnNotFoundError
from journeyscope.events.schema import COLUMNS, ColumnMapping, create_events_sql


def test_default_names_find_plain_columns_before_xes_ones() -> None:
    columns = ["concept:name", "activity", "time:timestamp", "case:concept:name", "case:channel"]
    resolved = ColumnMapping().resolve(columns)
    assert resolved == {
        "activity": "activity",
        "timestamp": "time:timestamp",
        "case_id": "case:concept:name",
        "channel": "case:channel",
    }


def test_an_explicit_mapping_wins_and_a_column_feeds_one_field() -> None:
    columns = ["customer_id", "Step", "When", "channel", "score"]
    mapping = ColumnMapping(
        case_id="customer_id", activity="Step", timestamp="When", survey_score="score"
    )
    resolved = mapping.resolve(columns)
    assert resolved["case_id"] == "customer_id"
    assert "account_id" not in resolved, "customer_id already feeds the case id"
    assert resolved["channel"] == "channel" and resolved["survey_score"] == "score"
    assert ColumnMapping().resolve(["customer_id"]) == {"account_id": "customer_id"}


def test_a_mapped_column_that_is_not_there_is_named_with_the_closest_and_all_columns() -> None:
    with pytest.raises(ColumnNotFoundError) as missing:
        ColumnMapping(activity="Stpe").resolve(["case_id", "Step", "timestamp"])
    assert str(missing.value) == (
        "activity is mapped to column 'Stpe', which is not in the input "
        "(closest: 'Step'; columns: case_id, Step, timestamp)"
    )
    with pytest.raises(ColumnNotFoundError) as missing:
        ColumnMapping(cost="price").resolve(["case_id", "Step", "timestamp"])
    assert str(missing.value) == (
        "cost is mapped to column 'price', which is not in the input "
        "(columns: case_id, Step, timestamp)"
    )
    with pytest.raises(ValidationError, match="activty"):
        ColumnMapping(activty="Step")  # type: ignore[call-arg]


def test_the_events_table_has_every_canonical_column() -> None:
    con = duckdb.connect()
    con.execute(create_events_sql("ev"))
    con.execute(create_events_sql("ev"))  # again: nothing happens
    described = {row[0]: row[1] for row in con.execute("DESCRIBE ev").fetchall()}
    assert list(described) == list(COLUMNS)
    assert described["timestamp"].startswith("TIMESTAMP WITH TIME ZONE")
