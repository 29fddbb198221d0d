"""Emotion curve: measures linked to steps, scaled to −2..+2, averaged with t-intervals; pinned
by tiny journeys declared as data and checked against truths of the synthetic data."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest
from analytics_kit import as_json, backend_for, journeys, stored

from journeyscope.analytics import DuckDBBackend, EmotionQuery, SparkBackend
from journeyscope.analytics.emotion import interval
from journeyscope.definitions import Journey
from journeyscope.definitions.loader import load_journey
from journeyscope.events import Store

pytestmark = pytest.mark.both_engines  # every test here runs on Spark as well

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "journeys"

JOURNEY = Journey.model_validate(
    {
        "id": "tiny",
        "name": "Tiny",
        "job_to_be_done": "Get it done.",
        "outcome": {"description": "Done", "step": "c"},
        "stages": [
            {
                "id": "s1",
                "name": "One",
                "steps": [
                    {"id": "a", "name": "Step A", "activities": ["A"], "emotion": 1},
                    {
                        "id": "b",
                        "name": "Step B",
                        "activities": ["B"],
                        "emotion": -1,
                        "moment_of_truth": {"why": "it decides"},
                    },
                ],
            },
            {
                "id": "s2",
                "name": "Two",
                "steps": [{"id": "c", "name": "Step C", "activities": ["C"], "emotion": 2}],
            },
            {
                "id": "support",
                "name": "Support",
                "steps": [
                    {
                        "id": "help",
                        "name": "Help",
                        "activities": ["Call"],
                        "emotion": -1,
                        "anytime": True,
                    },
                    {
                        "id": "survey",
                        "name": "Survey",
                        "activities": ["Survey answered"],
                        "anytime": True,
                    },
                ],
            },
        ],
    }
)


def with_measures(table: pa.Table, measures: dict[str, tuple[str, float]]) -> pa.Table:
    """Set ``survey_type``/``survey_score`` (or ``sentiment``) on the events named by id."""
    rows: list[dict[str, Any]] = table.to_pylist()
    for row in rows:
        kind, value = measures.get(row["event_id"], ("", 0.0))
        if kind == "sentiment":
            row["sentiment"] = value
        elif kind:
            row["survey_type"], row["survey_score"] = kind, value
    return pa.Table.from_pylist(rows, schema=table.schema)


# c1: e1 A, e2 B, e3 NPS 10 (+2) -> B        c2: e4 A sentiment .5 (+1) -> A, e5 B, e6 CSAT 1 (-2) -> B
# c3: e7 A, e8 NPS 0 after 15 days -> unlinked  c4: e9 NPS 5 with no step before -> unlinked
# c5: e10 A, e11 B, e12 Call sentiment -1 (-2) -> help   c6: e13 A, e14 B, e15 CES 7 (+2) -> B
CASES = {
    "c1": "A@0 B@10 Survey_answered@20",
    "c2": "A@0 B@5 Survey_answered@6",
    "c3": "A@0 Survey_answered@21600",
    "c4": "Survey_answered@0",
    "c5": "A@0 B@1 Call/phone@2",
    "c6": "A@0 B@3 Survey_answered@4",
}
MEASURES = {
    "e3": ("NPS", 10.0),
    "e4": ("sentiment", 0.5),
    "e6": ("CSAT", 1.0),
    "e8": ("NPS", 0.0),
    "e9": ("NPS", 5.0),
    "e12": ("sentiment", -1.0),
    "e15": ("CES", 7.0),
}


def tiny() -> pa.Table:
    return with_measures(journeys(CASES), MEASURES)


def test_linking_scaling_and_intervals_by_hand(backend: str) -> None:
    r = backend_for(tiny(), backend).run(EmotionQuery(journey=JOURNEY))
    assert (r.measures, r.linked, r.unlinked) == (7, 5, 2)
    assert r.by_measure == {"CES": 1, "CSAT": 1, "NPS": 3, "sentiment": 2}
    steps = {s.step: s for s in r.steps}
    assert [s.step for s in r.steps] == ["a", "b", "c", "help", "survey"]
    # B: +2, -2, +2 -> mean 2/3, sd sqrt(16/3), t(0.975, 2) = 4.302653
    b = steps["b"]
    assert (b.n, b.expected, b.moment_of_truth) == (3, -1, True)
    assert b.by_measure == {"CES": 1, "CSAT": 1, "NPS": 1}
    assert b.felt == pytest.approx(2 / 3, abs=1e-6)
    assert b.low == pytest.approx(-5.070207, abs=1e-5)
    assert b.high == pytest.approx(6.403540, abs=1e-5)
    assert b.gap == pytest.approx(5 / 3, abs=1e-6) and not b.significant
    assert b.gap_low == pytest.approx(-4.070207, abs=1e-5)
    a = steps["a"]
    assert (a.n, a.felt, a.low, a.high, a.gap) == (1, 1.0, None, None, 0.0)
    assert (steps["help"].n, steps["help"].felt, steps["help"].gap) == (1, -2.0, -1.0)
    c = steps["c"]  # no measures: listed with n = 0 and no felt emotion
    assert (c.n, c.felt, c.gap, c.by_measure, c.link_target) == (0, None, None, {}, True)
    assert not steps["survey"].link_target and r.excluded_steps == ["survey"]
    stages = {s.stage: s for s in r.stages}
    assert (stages["s1"].n, stages["s1"].felt, stages["s1"].expected) == (4, 0.75, 0.0)
    assert (stages["s2"].n, stages["s2"].felt, stages["s2"].expected) == (0, None, 2.0)
    assert stages["support"].expected == -1.0
    assert [(g.rank, g.step) for g in r.gaps] == [(1, "b"), (2, "help"), (3, "a")]
    assert "most recent" in r.semantics and "(s-5)/2.5" in r.semantics
    assert r.window == "14 days" and r.case_rule.startswith("case_id")


def test_a_gap_whose_interval_excludes_zero_is_significant(backend: str) -> None:
    table = with_measures(
        journeys({"x": "A@0", "y": "A@0", "z": "A@0"}),
        {"e1": ("sentiment", 0.5), "e2": ("sentiment", 0.6), "e3": ("sentiment", 0.7)},
    )
    journey = JOURNEY.model_copy(deep=True)
    r = backend_for(table, backend).run(EmotionQuery(journey=journey, confidence=0.9))
    a = r.steps[0]
    # values 1.0, 1.2, 1.4: mean 1.2, se 0.2/sqrt(3), t(0.95, 2) = 2.919986
    assert a.felt == pytest.approx(1.2) and a.low == pytest.approx(1.2 - 0.337171, abs=1e-5)
    assert a.gap == pytest.approx(0.2) and a.significant is False
    r = backend_for(table, backend).run(EmotionQuery(journey=journey, confidence=0.5))
    assert r.steps[0].significant  # t(0.75, 2) = 0.816497: 0.2 - 0.0943 > 0


def test_window_edge_and_options(backend: str) -> None:
    cases = {"c1": "A@0 B@10 Survey_answered@20"}
    table = with_measures(journeys(cases), {"e3": ("CES", 1.0)})
    edge = EmotionQuery(journey=JOURNEY, window=timedelta(minutes=10))
    r = backend_for(table, backend).run(edge)
    assert r.linked == 1 and r.steps[1].felt == -2.0  # exactly at the window: linked
    r = backend_for(table, backend).run(edge.model_copy(update={"window": timedelta(minutes=9)}))
    assert r.unlinked == 1
    r = backend_for(table, backend).run(EmotionQuery(journey=JOURNEY, ces_high_is_easy=False))
    assert r.steps[1].felt == 2.0
    # excluding B: the answer goes to the step before it
    r = backend_for(table, backend).run(
        EmotionQuery(journey=JOURNEY, exclude_steps=("b", "survey"))
    )
    assert r.steps[0].n == 1 and r.steps[1].n == 0 and not r.steps[1].link_target
    with pytest.raises(ValueError, match="unknown steps: nope"):
        EmotionQuery(journey=JOURNEY, exclude_steps=("nope",))


def test_interval_helper() -> None:
    assert interval(0, 0.0, 0.0).mean is None
    ci = interval(4, 4.0, 4.0)  # four values of 1: no spread
    assert (ci.mean, ci.low, ci.high) == (1.0, 1.0, 1.0)


def test_synthetic_emotion_curve_shows_the_generators_truths(
    synthetic_store: Store, backend: str
) -> None:
    journey = load_journey(EXAMPLES / "tenancy.yaml")
    r = stored(synthetic_store, backend).run(EmotionQuery(journey=journey))
    # every measure of a case is counted once: surveys with a score plus sentiment scores
    expected = synthetic_store.con.execute(
        "SELECT count(*) FILTER (WHERE survey_type IS NOT NULL AND survey_score IS NOT NULL)"
        " + count(sentiment) FROM events WHERE case_id IS NOT NULL"
    ).fetchall()[0]
    assert r.measures == expected[0]
    assert r.linked + r.unlinked == r.measures and r.linked == sum(s.n for s in r.steps)
    assert r.linked == sum(s.n for s in r.stages)
    steps = {s.step: s for s in r.steps}
    big = [s for s in r.steps if s.n >= 50 and s.step not in ("get_help", "move_in_check")]
    assert len(big) >= 4
    # only customers whose digital step failed call, and failures lower satisfaction
    help_ = steps["get_help"]
    assert help_.n >= 100 and help_.high is not None
    assert all(s.low is not None and help_.high < s.low for s in big)
    # completing the journey raises satisfaction: the answers after the last step are the best
    done = steps["move_in_check"]
    assert done.low is not None and all(s.high is not None and done.low > s.high for s in big)
    assert steps["feedback"].n == 0 and not steps["feedback"].link_target
    ranked = [abs(g.gap) for g in r.gaps]
    assert ranked == sorted(ranked, reverse=True)


@pytest.mark.spark
@pytest.mark.slow
def test_duckdb_and_spark_agree(spark: object, tmp_path: Path) -> None:
    path = tmp_path / "tiny.duckdb"
    with Store(path) as store:
        store.con.register("tiny", tiny())
        store.con.execute("INSERT INTO events SELECT * FROM tiny")
    query = EmotionQuery(journey=JOURNEY)
    with DuckDBBackend(path) as duck, SparkBackend(path, session=spark) as sparky:  # type: ignore[arg-type]
        assert as_json(sparky.run(query)) == as_json(duck.run(query))
