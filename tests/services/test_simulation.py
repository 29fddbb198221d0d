"""Simulating a draft journey on stored events (services/simulation.py): the draft read with
messages that name the draft's line, the period checked, and the replay of the period's
events through the engine's rules counting who would have entered and what would have been
sent, the live history beside it."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from engine_kit import RECEIPT, program

from journeyscope.config import Settings
from journeyscope.engine.store import EngineStore
from journeyscope.errors import InvalidQueryError, JourneyDefinitionError
from journeyscope.events import Store
from journeyscope.events.identity import stitch
from journeyscope.services.simulation import parse_draft, period, simulate

EVENTS = """\
case_id,activity,timestamp,account_id
a1,Start,2025-03-01T09:00:00Z,A
a2,Browse,2025-03-01T10:00:00Z,A
b1,Start,2025-03-02T09:00:00Z,B
c1,Start,2025-03-03T23:59:00Z,C
d1,Start,2025-03-04T00:00:00Z,D
e1,Start,2025-02-28T23:59:59Z,E
"""


def test_a_draft_is_read_with_messages_naming_its_line() -> None:
    (spec,) = parse_draft(RECEIPT)
    assert (spec.journey, spec.version) == ("apply", 1)
    with pytest.raises(JourneyDefinitionError, match="the draft is empty"):
        parse_draft("  \n")
    with pytest.raises(JourneyDefinitionError) as wrong:
        parse_draft(RECEIPT.replace("version: 1", "version: one"))
    assert str(wrong.value).startswith("draft:3") and "version" in str(wrong.value)
    assert "/tmp" not in str(wrong.value)


def test_a_period_is_two_dates_in_order() -> None:
    assert period(" 2025-03-01", "2025-03-03 ") == (date(2025, 3, 1), date(2025, 3, 3))
    with pytest.raises(InvalidQueryError, match="since: '1 March' is not a date"):
        period("1 March", "2025-03-03")
    with pytest.raises(InvalidQueryError, match="until 2025-02-01 is before since 2025-03-01"):
        period("2025-03-01", "2025-02-01")


def test_the_periods_events_replayed_through_the_draft(tmp_path: Path) -> None:
    csv = tmp_path / "events.csv"
    csv.write_text(EVENTS)
    with Store(tmp_path / "store.duckdb") as store:
        store.ingest(csv)
        stitch(store.con)
    settings = Settings(store=tmp_path / "store.duckdb")
    with EngineStore(f"sqlite:///{tmp_path / 'engine.sqlite'}") as engine:
        engine.deploy(program(RECEIPT))  # the interaction objects and policy the draft uses
        result = simulate(
            settings, engine, parse_draft(RECEIPT), date(2025, 3, 1), date(2025, 3, 3)
        )
    # March 1 to 3, both days whole: A (twice), B and C; not D (March 4) nor E (February)
    assert result.events == 4
    assert (result.journeys, result.versions) == (["apply"], [1])
    assert result.simulated.totals["Journey entered"] == 3
    assert result.simulated.sent_by_interaction == {"receipt": 3}
    assert result.simulated.customers == 3
    assert sorted(row.customer_id for row in result.sample) == ["acct:A", "acct:B", "acct:C"]
    assert all(row.sent == ["receipt"] and row.entered == 1 for row in result.sample)
    assert result.live.customers == 0 and not result.live.totals, "nothing ran live"
