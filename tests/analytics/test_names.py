"""Names an analysis asks for are checked against the data (analytics/names.py): a typo in an
activity or a property is an error naming the closest known names, never a confident zero;
a property that some event carries passes."""

from __future__ import annotations

import ibis
import pytest
from analytics_kit import executed

from journeyscope.analytics.names import (
    activities,
    check_activities,
    check_property,
    property_checks,
)
from journeyscope.errors import UnknownNameError

pytestmark = pytest.mark.both_engines  # every test here runs on Spark as well

EVENTS = ibis.memtable(
    {
        "activity": ["Apply", "Upload documents", "Apply", None],
        "channel": ["web", None, "app", "web"],
        "properties": ['{"segment": "gold"}', "{}", '{"region": "north"}', "not json"],
    }
)


def _rows(expressions: dict[str, ibis.Table], engine: str) -> dict[str, list[dict[str, object]]]:
    return {name: executed(expr, engine) for name, expr in expressions.items()}


def test_a_known_activity_passes_and_a_typo_names_the_closest(backend: str) -> None:
    rows = _rows({"activities": activities(EVENTS)}, backend)
    check_activities([("Apply", "step 1"), ("Upload documents", "step 2")], rows)
    with pytest.raises(UnknownNameError) as wrong:
        check_activities([("Apply", "step 1"), ("Uplaod documents", "step 2")], rows)
    message = str(wrong.value)
    assert "Uplaod documents" in message and "Upload documents" in message and "step 2" in message


def test_a_property_with_a_value_somewhere_passes(backend: str) -> None:
    for name in ("segment", "region", "channel"):
        found = _rows(property_checks(EVENTS, name), backend)
        check_property(name, EVENTS.columns, found, "--by")


def test_an_unknown_property_names_the_closest_columns_and_keys(backend: str) -> None:
    rows = _rows(property_checks(EVENTS, "segmnet"), backend)
    with pytest.raises(UnknownNameError) as wrong:
        check_property("segmnet", EVENTS.columns, rows, "--by")
    message = str(wrong.value)
    assert "segmnet" in message and "segment" in message and "--by" in message
