"""Before and after a change, on journeys declared as data and computed by hand."""

from __future__ import annotations

import math
from datetime import timedelta
from pathlib import Path

import pyarrow as pa
import pytest
from analytics_kit import BASE, backend_for, journeys, line_journey
from pydantic import ValidationError

from journeyscope.analytics.compare import Z95, CompareQuery
from journeyscope.analytics.value import ValueQuery
from journeyscope.config import Settings
from journeyscope.errors import InvalidQueryError
from journeyscope.services.backlog import compare_step

pytestmark = pytest.mark.both_engines  # every test here runs on Spark as well

DAY = timedelta(days=1)

JOURNEY = line_journey("j", "ABC")


def _log() -> pa.Table:
    events = journeys(
        {
            # before (started before day 20)
            "c1": "A@0 Online_error/web@1 Call/phone@1.5 B@2 C@3",  # waits 12 h, one call
            "c2": "A@1 B@5",  # waits 96 h, dropped
            "c3": "A@2 B@3",  # waits 24 h, dropped
            # rolled out in between: left out
            "c8": "A@50 B@51",
            # after (started on or after day 90)
            "c4": "A@100 B@101 C@102",
            "c5": "A@101 B@102 C@104",
            "c6": "A@102",  # never reached B: not counted at B
            "c7": "A@103 B@104",  # dropped
        },
        unit=DAY,
    ).to_pylist()
    for case, at, score in (("c1", 4, 9), ("c2", 6, 3), ("c4", 105, 10), ("c5", 105, 8)):
        events.append(
            {
                **events[0],
                "event_id": f"s-{case}",
                "case_id": case,
                "activity": "Survey",
                "timestamp": BASE + at * DAY,
                "survey_type": "NPS",
                "survey_score": float(score),
                "channel": "email",
                "source_row": 1000 + at,
            }
        )
    return pa.Table.from_pylist(events, schema=journeys({"x": "A@0"}).schema)


def test_each_measure_before_and_after_by_hand(backend: str) -> None:
    b = backend_for(_log(), backend)
    result = b.run(
        CompareQuery(
            journey=JOURNEY,
            step="b",
            before=BASE + 20 * DAY,
            after=BASE + 90 * DAY,
            value=ValueQuery(journey=JOURNEY, failure_activities=("Online error",)),
        )
    )
    assert (result.before.cases, result.before.reached) == (3, 3)
    assert (result.after.cases, result.after.reached) == (4, 3)
    m = {c.name: c for c in result.measures}
    drop = m["drop-off"]
    assert drop.before.estimate == pytest.approx(2 / 3)
    assert drop.after.estimate == pytest.approx(1 / 3)
    se_b, se_a = math.sqrt(2 / 9 / 3), math.sqrt(2 / 9 / 3)
    assert drop.difference.estimate == pytest.approx(-1 / 3)
    assert drop.difference.high == pytest.approx(-1 / 3 + Z95 * math.hypot(se_b, se_a))
    wait = m["waiting"]
    assert wait.before.estimate == pytest.approx((12 + 96 + 24) / 3)
    assert wait.after.estimate == pytest.approx(24)
    assert result.median_waiting_hours[1] == pytest.approx(24)
    fd = m["failure demand"]
    assert fd.before.estimate == pytest.approx(1 / 3) and fd.after.estimate == 0
    score = m["NPS score"]
    assert (score.before.estimate, score.after.estimate) == (6.0, 9.0)
    assert (score.before.n, score.after.n) == (2, 2)
    assert score.difference.low == pytest.approx(3 - Z95 * math.sqrt(18 / 2 + 2 / 2))
    assert "not a controlled comparison" in result.semantics


def test_an_unknown_step_names_the_closest_and_dates_must_be_in_order() -> None:
    with pytest.raises(InvalidQueryError, match="did you mean b"):
        compare_step(Settings(store=Path(__file__)), JOURNEY, "bb", BASE, BASE + DAY)
    with pytest.raises(ValidationError, match="earlier"):
        CompareQuery(journey=JOURNEY, step="b", before=BASE + DAY, after=BASE)


def test_a_difference_of_shares_stays_within_minus_one_and_one() -> None:
    from journeyscope.analytics.compare import Measure, _change

    before = Measure(estimate=0.9, low=0.5, high=1.0, n=3, standard_error=0.3)
    after = Measure(estimate=0.1, low=0.0, high=0.5, n=3, standard_error=0.3)
    clipped = _change("drop-off", "share", before, after, bounds=(-1.0, 1.0)).difference
    assert clipped.estimate == pytest.approx(-0.8)
    assert clipped.low == -1.0  # the normal interval would reach -1.63
    assert clipped.high == pytest.approx(-0.8 + Z95 * math.hypot(0.3, 0.3))
    free = _change("waiting", "hours", before, after).difference
    assert free.low is not None and free.low < -1.0  # a difference of hours is not bounded
