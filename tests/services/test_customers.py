"""Finding a customer and reading their stitched timeline (services/customers.py), on a store
of six events built here: one customer known by an account and a device across two cases, one
known only by a cookie, one by a phone hash."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from journeyscope.config import Settings
from journeyscope.errors import CustomerNotFoundError, StoreError
from journeyscope.events import Store
from journeyscope.events.identity import stitch
from journeyscope.services.customers import search, timeline

# c1 starts on a device with no account; its second event names the account, which c2 also
# carries: stitching puts all four under the account. The rows are out of time order.
EVENTS = """\
case_id,activity,timestamp,account_id,device_id,anonymous_id,phone_hash,channel,survey_type,survey_score,plan
c2,Call,2024-01-02T08:00:00Z,A1,,,,phone,,,
c1,Visit,2024-01-01T09:00:00Z,,d1,,,web,,,
c1,Apply,2024-01-01T10:00:00Z,A1,d1,,,web,,,gold
c2,Survey,2024-01-03T08:00:00Z,A1,,,,email,NPS,9,
c3,Visit,2024-01-01T11:00:00Z,,,cookie9,,web,,,
c4,Visit,2024-01-05T11:00:00Z,,,,ph77,app,CSAT,,
"""


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    (tmp_path / "events.csv").write_text(EVENTS)
    with Store(tmp_path / "store.duckdb") as store:
        store.ingest(tmp_path / "events.csv")
        stitch(store.con)
    return Settings(store=tmp_path / "store.duckdb")


class History:
    """An engine that knows one customer."""

    def __init__(self) -> None:
        self.asked: list[tuple[str, int]] = []

    def history(self, customer_id: str, limit: int = 500) -> dict[str, list[dict[str, Any]]]:
        self.asked.append((customer_id, limit))
        return {"decisions": [{"journey": "welcome"}]}


def test_any_identifier_finds_the_one_stitched_customer(settings: Settings) -> None:
    expected = [
        {
            "customer_id": "acct:A1",
            "events": 4,
            "first": "2024-01-01T09:00:00+00:00",
            "last": "2024-01-03T08:00:00+00:00",
            "cases": 2,
        }
    ]
    for identifier in ("A1", "d1", "c2", " acct:A1 "):  # account, device, case, the id itself
        assert search(settings, identifier) == expected, identifier
    assert [c["customer_id"] for c in search(settings, "cookie9")] == ["anon:cookie9"]
    assert [c["customer_id"] for c in search(settings, "ph77")] == ["phone:ph77"]


def test_a_match_is_exact_and_the_closest_identifiers_are_suggested(settings: Settings) -> None:
    with pytest.raises(CustomerNotFoundError) as missing:
        search(settings, "acct:A2")
    assert str(missing.value) == "no customer has the identifier 'acct:A2'; closest: acct:A1"
    with pytest.raises(CustomerNotFoundError, match=r"^no customer has the identifier 'zzz'$"):
        search(settings, "zzz")
    with pytest.raises(CustomerNotFoundError, match="type an identifier"):
        search(settings, "   ")


def test_the_timeline_holds_every_event_in_time_order_with_cases_and_surveys(
    settings: Settings,
) -> None:
    found = timeline(settings, "acct:A1")
    assert found.customer_id == "acct:A1"
    assert found.identifiers == {"account_id": ["A1"], "device_id": ["d1"]}
    assert [(e["timestamp"], e["activity"], e["case_id"]) for e in found.events] == [
        ("2024-01-01T09:00:00+00:00", "Visit", "c1"),
        ("2024-01-01T10:00:00+00:00", "Apply", "c1"),
        ("2024-01-02T08:00:00+00:00", "Call", "c2"),
        ("2024-01-03T08:00:00+00:00", "Survey", "c2"),
    ]
    first, second = found.events[0], found.events[1]
    assert first["properties"] == {} and second["properties"] == {"plan": "gold"}  # no nulls
    assert first["source"] == "events.csv" and first["channel"] == "web"
    assert [e["survey"] for e in found.events] == [None, None, None, "NPS 9"]
    assert found.surveys == [
        {"timestamp": "2024-01-03T08:00:00+00:00", "type": "NPS", "score": 9.0, "case_id": "c2"}
    ]
    assert found.cases == [
        {
            "case_id": "c1",
            "first": "2024-01-01T09:00:00+00:00",
            "last": "2024-01-01T10:00:00+00:00",
            "events": 2,
            "activities": ["Visit", "Apply"],
        },
        {
            "case_id": "c2",
            "first": "2024-01-02T08:00:00+00:00",
            "last": "2024-01-03T08:00:00+00:00",
            "events": 2,
            "activities": ["Call", "Survey"],
        },
    ]
    assert found.engine == {}


def test_a_survey_without_a_score_is_named_by_its_type(settings: Settings) -> None:
    found = timeline(settings, "phone:ph77")
    assert [e["survey"] for e in found.events] == ["CSAT"]
    assert found.identifiers == {"phone_hash": ["ph77"]}
    assert found.surveys == [
        {"timestamp": "2024-01-05T11:00:00+00:00", "type": "CSAT", "score": None, "case_id": "c4"}
    ]


def test_the_limit_keeps_the_earliest_events(settings: Settings) -> None:
    found = timeline(settings, "acct:A1", limit=2)
    assert [e["activity"] for e in found.events] == ["Visit", "Apply"]
    assert [c["case_id"] for c in found.cases] == ["c1"]


def test_the_engines_history_is_asked_for_this_customer(settings: Settings) -> None:
    engine = History()
    found = timeline(settings, "anon:cookie9", engine=engine)
    assert engine.asked == [("anon:cookie9", 200)]
    assert found.engine == {"decisions": [{"journey": "welcome"}]}


def test_an_unknown_customer_or_a_missing_store_is_a_clear_error(
    settings: Settings, tmp_path: Path
) -> None:
    engine = History()
    with pytest.raises(CustomerNotFoundError, match=r"no customer 'A1' in the store"):
        timeline(settings, "A1", engine=engine)  # an identifier, not a customer id
    assert engine.asked == []
    missing = Settings(store=tmp_path / "none.duckdb")
    with pytest.raises(StoreError, match=r"no event store at none\.duckdb yet"):
        search(missing, "A1")
    with pytest.raises(StoreError, match=r"no event store at none\.duckdb yet"):
        timeline(missing, "acct:A1")
