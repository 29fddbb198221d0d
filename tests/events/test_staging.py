"""The staging query on its own, in an in-memory DuckDB: what each bad row is quarantined for
(the reason a reader sees), the generated event ids, unmapped columns kept as properties, and
the raw row rebuilt for the quarantine."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import duckdb
import pytest

from journeyscope.events.schema import ColumnMapping
from journeyscope.events.staging import (
    EPOCH_RANGE,
    StagingSpec,
    literal,
    quote,
    record_sql,
    staged_sql,
)

COLUMNS = ("case_id", "activity", "timestamp", "survey_type", "survey_score", "cost", "note")


def _stage(
    rows: Sequence[tuple[Any, ...]],
    columns: Sequence[str] = COLUMNS,
    types: Sequence[str] | None = None,
    **spec: Any,
) -> list[dict[str, Any]]:
    """Stage ``rows`` (``__row`` numbered from 1) and answer each staged row as a dict (with
    ``__record``, the quarantine's raw row, when ``record`` gives its expression)."""
    spec_record = spec.pop("record", None)
    types = types or ["VARCHAR"] * len(columns)
    con = duckdb.connect()
    decl = ", ".join(f"{quote(c)} {t}" for c, t in zip(columns, types, strict=True))
    con.execute(f"CREATE TABLE input (__row BIGINT, {decl})")
    marks = ", ".join("?" for _ in range(len(columns) + 1))
    con.executemany(f"INSERT INTO input VALUES ({marks})", [(i, *r) for i, r in enumerate(rows, 1)])
    found = StagingSpec(
        relation="input",
        columns=list(zip(columns, types, strict=True)),
        mapping=spec.pop("mapping", ColumnMapping()),
        source="test.csv",
        id_prefix="f00d",
        ingested_at="2025-06-01T00:00:00+00:00",
        **spec,
    )
    record = f", {spec_record} AS __record" if spec_record else ""
    cursor = con.execute(f"SELECT *{record} FROM ({staged_sql(found)}) ORDER BY source_row")
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def _reasons(*rows: tuple[Any, ...], **spec: Any) -> list[str | None]:
    return [r["__reason"] for r in _stage(rows, **spec)]


GOOD = ("C1", "Apply", "2025-05-05T09:00:00Z", None, None, None, None)


def _with(**values: Any) -> tuple[Any, ...]:
    row = dict(zip(COLUMNS, GOOD, strict=True))
    row.update(values)
    return tuple(row[c] for c in COLUMNS)


def test_a_good_row_has_no_reason_and_a_generated_id_from_its_row() -> None:
    [row] = _stage([GOOD])
    assert row["__reason"] is None
    assert row["event_id"] == "f00d:1" and row["source_row"] == 1
    assert (row["case_id"], row["activity"], row["source"]) == ("C1", "Apply", "test.csv")
    assert row["timestamp"].isoformat().startswith("2025-05-05")


@pytest.mark.parametrize(
    ("values", "reason"),
    [
        ({"activity": None}, "missing activity (column 'activity')"),
        ({"activity": ""}, "missing activity (column 'activity')"),
        ({"timestamp": None}, "missing timestamp (column 'timestamp')"),
        ({"timestamp": "not a time"}, "unparseable timestamp not a time (column 'timestamp')"),
        ({"timestamp": "epoch"}, "timestamp epoch is a word, not a moment (column 'timestamp')"),
        (
            {"timestamp": "2025-05-05 09:00:00+19:00"},
            "timestamp 2025-05-05 09:00:00+19:00 has a UTC offset beyond ±18:00 "
            "(column 'timestamp')",
        ),
        ({"case_id": None}, "no case id and no customer identifier: the event belongs to nobody"),
        ({"survey_type": "nps", "survey_score": "11"}, "NPS score 11.0 is outside 0..10"),
        ({"survey_type": "CSAT", "survey_score": "0"}, "CSAT score 0.0 is outside 1..5"),
        (
            {"survey_type": "stars", "survey_score": "4"},
            "survey type STARS is not one of NPS, CSAT, CES",
        ),
        ({"survey_score": "7"}, "survey score without a survey type"),
        ({"survey_type": "NPS", "survey_score": "ten"}, "survey score ten is not a number"),
        ({"cost": "-1"}, "cost -1.0 is negative"),
        ({"cost": "a lot"}, "cost a lot is not a number"),
    ],
)
def test_each_bad_row_says_what_is_wrong_and_where(values: dict[str, Any], reason: str) -> None:
    assert _reasons(GOOD, _with(**values)) == [None, reason]


@pytest.mark.parametrize("word", ["EPOCH", " epoch ", "Infinity", "-infinity"])
def test_a_word_read_as_a_timestamp_is_quarantined_whatever_its_case_and_blanks(
    word: str,
) -> None:
    assert _reasons(_with(timestamp=word)) == [
        f"timestamp {word} is a word, not a moment (column 'timestamp')"
    ]


@pytest.mark.parametrize("word", ["now", "Today", "tomorrow", "+infinity", "allballs"])
def test_a_word_not_read_as_a_timestamp_is_unparseable(word: str) -> None:
    assert _reasons(_with(timestamp=word)) == [f"unparseable timestamp {word} (column 'timestamp')"]


def test_the_first_rule_that_applies_is_the_reason() -> None:
    """A row wrong in two ways is quarantined for the first: a missing activity before a
    negative cost."""
    assert _reasons(_with(activity=None, cost="-5")) == ["missing activity (column 'activity')"]


def test_a_scale_boundary_is_inside_and_a_survey_type_is_read_case_blind() -> None:
    assert _reasons(_with(survey_type=" ces ", survey_score="7")) == [None]
    [row] = _stage([_with(survey_type="csat", survey_score="1")])
    assert (row["survey_type"], row["survey_score"], row["__reason"]) == ("CSAT", 1.0, None)


def test_an_unmapped_timestamp_column_is_named_as_missing() -> None:
    reasons = _reasons(("C1", "Apply"), columns=("case_id", "activity"))
    assert reasons == ["missing timestamp (no column mapped or found)"]


def test_the_strict_catalogue_refuses_other_activities() -> None:
    reasons = _reasons(GOOD, _with(activity="Aply"), allowed_activities=["Apply"])
    assert reasons == [None, "activity 'Aply' is not in the strict catalogue"]


def test_an_empty_strict_catalogue_refuses_every_activity() -> None:
    assert _reasons(GOOD, allowed_activities=[]) == [
        "activity 'Apply' is not in the strict catalogue"
    ]


def test_a_reader_error_comes_first() -> None:
    columns = (*COLUMNS, "__error")
    rows = [(*GOOD, None), (*GOOD, "too many fields")]
    staged = _stage(rows, columns=columns, has_errors=True)
    assert [r["__reason"] for r in staged] == [None, "too many fields"]


def test_numeric_timestamps_are_seconds_and_out_of_range_ones_are_quarantined() -> None:
    low, high = EPOCH_RANGE
    rows = [("C1", "Apply", 0), ("C1", "Apply", high + 1), ("C1", "Apply", low)]
    staged = _stage(
        rows, columns=("case_id", "activity", "timestamp"), types=["VARCHAR"] * 2 + ["BIGINT"]
    )
    assert staged[0]["__reason"] is None and staged[0]["timestamp"].year == 1970
    assert staged[1]["__reason"] == (f"unparseable timestamp {high + 1} (column 'timestamp')")
    assert staged[2]["__reason"] is None and staged[2]["timestamp"].year == 1


def test_a_timestamp_format_reads_other_notations() -> None:
    mapping = ColumnMapping(timestamp_format="%d-%m-%Y %H:%M")
    staged = _stage([_with(timestamp="05-05-2025 09:30")], mapping=mapping)
    assert staged[0]["__reason"] is None
    assert (staged[0]["timestamp"].month, staged[0]["timestamp"].minute) == (5, 30)


def test_unmapped_columns_become_properties_with_their_nulls() -> None:
    [row] = _stage([_with(note="called twice")])
    assert json.loads(row["properties"]) == {"note": "called twice"}
    [row] = _stage([GOOD])
    assert json.loads(row["properties"]) == {"note": None}  # the input had the column


def test_an_explicit_mapping_renames_and_the_data_own_ids_are_kept() -> None:
    mapping = ColumnMapping(case_id="ticket", activity="step", event_id="uid")
    staged = _stage(
        [("T-9", "Apply", "2025-05-05T09:00:00Z", "e-1")],
        columns=("ticket", "step", "timestamp", "uid"),
        mapping=mapping,
    )
    assert (staged[0]["event_id"], staged[0]["case_id"], staged[0]["__reason"]) == (
        "e-1",
        "T-9",
        None,
    )


def test_the_raw_row_is_rebuilt_for_the_quarantine() -> None:
    """Mapped columns under their own names, timestamps and numbers as the text they were,
    the other columns after them."""
    columns = ("case_id", "activity", "when", "price", "note")
    mapping = ColumnMapping(timestamp="when", cost="price")
    resolved = mapping.resolve(list(columns))
    [row] = _stage(
        [("C1", None, "not a time", "-3", "x")],
        columns=columns,
        mapping=mapping,
        record=record_sql(resolved),
    )
    assert row["__reason"] == "missing activity (column 'activity')"
    assert json.loads(row["__record"]) == {
        "case_id": "C1",
        "activity": None,
        "when": "not a time",
        "price": "-3",
        "note": "x",
    }


def test_identifiers_and_literals_are_quoted_for_duckdb() -> None:
    assert quote('odd "name"') == '"odd ""name"""'
    assert literal("it's") == "'it''s'"
    con = duckdb.connect()
    assert con.execute(f"SELECT {literal(chr(39) + 'x')} AS {quote('a b')}").fetchall() == [("'x",)]
