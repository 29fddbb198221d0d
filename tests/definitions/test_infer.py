"""Drafting a design from data: thresholds, order, loops, entries, outcome, stages."""

from __future__ import annotations

from pathlib import Path

import ibis
import pytest

from journeyscope.analytics.cases import ordered, with_cases
from journeyscope.analytics.conformance import conformance
from journeyscope.definitions import parse_journey, validate_journey
from journeyscope.definitions.export import to_yaml
from journeyscope.definitions.infer import Evidence, draft_journey, gather, infer_journey, slug
from journeyscope.definitions.lint import lint
from journeyscope.events import Store


def cases_of(sequences: dict[str, list[str]]) -> ibis.Table:
    rows = [
        {"case": case, "activity": activity, "seq": i + 1}
        for case, acts in sequences.items()
        for i, activity in enumerate(acts)
    ]
    return ibis.memtable(rows, schema={"case": "string", "activity": "string", "seq": "int64"})


def test_slugs_are_valid_step_ids() -> None:
    assert slug("Upload documents") == "upload_documents"
    assert slug("W_Completeren aanvraag") == "w_completeren_aanvraag"
    assert slug("T07-1 Draft intern advice aspect 1") == "t07_1_draft_intern_advice_aspect_1"
    assert slug("***") == "step"
    assert len(slug("x" * 200)) == 64


def test_gather_counts_follows_with_repeats_collapsed_and_rare_activities_left_out() -> None:
    sequences = {str(i): ["A", "A", "B", "C"] for i in range(18)}
    sequences["18"] = ["A", "Rare", "C", "B"]
    sequences["19"] = ["B", "C"]
    evidence = gather(cases_of(sequences), min_cases=0.1)
    assert evidence.cases == 20
    assert evidence.activities["Rare"] == (1, 2.0)
    assert evidence.follows == {("A", "B"): 18, ("B", "C"): 19, ("A", "C"): 1, ("C", "B"): 1}
    assert evidence.starts == {"A": 19, "B": 1}
    assert evidence.ends == {"C": 19, "B": 1}


def test_draft_journey() -> None:
    evidence = Evidence(
        cases=100,
        activities={"A": (100, 1.0), "B": (90, 2.0), "C": (80, 3.0), "D": (60, 4.0), "X": (2, 2.5)},
        follows={
            ("A", "B"): 90,
            ("B", "C"): 78,
            ("C", "B"): 10,
            ("C", "D"): 60,
            ("A", "C"): 2,
            ("B", "D"): 1,
        },
        starts={"A": 95, "B": 5},
        ends={"D": 60, "C": 30, "B": 10},
        channels={"A": ["web", "app"]},
        stages={"A": "Apply", "B": "Apply", "C": "Decide"},
    )
    j = draft_journey(evidence, journey_id="drafted", min_cases=0.05, min_edge=0.05)
    assert [s.id for s in j.steps] == ["a", "b", "c", "d"]  # X is too rare
    assert [st.name for st in j.stages] == ["Apply", "Decide", "Journey"]
    assert j.entries == ["a", "b"]  # B starts 5% of the cases
    assert j.outcome.step == "d"  # where most cases end
    moves = {(t.source, t.target): t.loop for t in j.transitions}
    assert moves == {("a", "b"): False, ("b", "c"): False, ("c", "b"): True, ("c", "d"): False}
    assert j.step("a").channels == ["web", "app"]
    assert "90 times" in j.transitions[0].label
    validate_journey(j)
    assert parse_journey(to_yaml(j)) == j


def test_every_step_keeps_its_strongest_ways_in_and_out() -> None:
    evidence = Evidence(
        cases=100,
        activities={"A": (100, 1.0), "B": (100, 2.0), "C": (10, 3.0)},
        follows={("A", "B"): 100, ("B", "C"): 3, ("A", "C"): 1},
        starts={"A": 100},
        ends={"B": 97, "C": 3},
        channels={},
        stages={},
    )
    j = draft_journey(evidence, min_edge=0.5)
    assert {(t.source, t.target) for t in j.transitions} == {("a", "b"), ("b", "c")}


def test_the_outcome_can_be_named() -> None:
    evidence = Evidence(
        10, {"A": (10, 1.0), "B": (10, 2.0)}, {("A", "B"): 10}, {"A": 10}, {"B": 10}, {}, {}
    )
    assert draft_journey(evidence, outcome="A").outcome.step == "a"
    assert draft_journey(evidence, outcome="Elsewhere").outcome.activities == ["Elsewhere"]


def test_nothing_frequent_enough() -> None:
    evidence = Evidence(100, {"A": (1, 1.0)}, {}, {"A": 1}, {"A": 1}, {}, {})
    with pytest.raises(ValueError, match="lower min_cases"):
        draft_journey(evidence)


@pytest.mark.slow
def test_infer_from_the_receipt_log(tmp_path: Path, real_data: Path) -> None:
    store = Store(tmp_path / "s.duckdb")
    store.ingest(real_data / "receipt.csv")
    events = store.events()
    j = infer_journey(ordered(with_cases(events)), journey_id="receipt", name="Receipt")
    assert j.steps[0].activities == ["Confirmation of receipt"]
    assert j.entries == ["confirmation_of_receipt"]  # every case starts there
    ids = {s.id for s in j.steps}
    assert {
        "t02_check_confirmation_of_receipt",
        "t10_determine_necessity_to_stop_indication",
    } <= ids
    assert all(s.channels for s in j.steps)  # case:channel: Internet, Desk, ...
    validate_journey(j)
    # the draft describes the data it came from well
    report = conformance(events, j).collect()
    assert report.cases == 1434 and report.fitness.mean > 0.8
    # T05 -> T06 is 90% of the moves out of T05: forward, not a loop, and T05 comes first
    t05, t06 = (
        "t05_print_and_send_confirmation_of_receipt",
        "t06_determine_necessity_of_stop_advice",
    )
    move = next(t for t in j.transitions if (t.source, t.target) == (t05, t06))
    assert not move.loop
    order = [s.id for s in j.steps]
    assert order.index(t05) < order.index(t06)
    # no pair of steps has loops both ways
    loops = {(t.source, t.target) for t in j.transitions if t.loop}
    assert not any((b, a) in loops for a, b in loops)


def test_the_dominant_move_is_never_a_loop() -> None:
    # B first occurs earlier on average (cases that start at B), yet A -> B is the main flow
    ev = Evidence(
        10,
        {"A": (8, 1.5), "B": (10, 1.2), "C": (8, 3.0)},
        {("A", "B"): 8, ("B", "C"): 8, ("B", "A"): 1},
        {"A": 6, "B": 4},
        {"C": 8, "B": 2},
        {},
        {},
    )
    j = draft_journey(ev, min_cases=0.2)
    assert [s.id for s in j.steps] == ["a", "b", "c"]
    assert [(t.source, t.target, t.loop) for t in j.transitions] == [
        ("a", "b", False),
        ("b", "c", False),
        ("b", "a", True),
    ]


@pytest.mark.slow
@pytest.mark.parametrize(
    "name", ["receipt.csv", "running-example.xes", "sepsis.csv", "helpdesk.xes.gz"]
)
def test_drafts_pass_their_own_lint(name: str, tmp_path: Path, real_data: Path) -> None:
    store = Store(tmp_path / "s.duckdb")
    store.ingest(real_data / name)
    j = infer_journey(ordered(with_cases(store.events())))
    assert lint(j) == []  # no unreachable step, no dead end (ends are exits), valid


def test_infer_stages_from_the_synthetic_data(synthetic_store: Store) -> None:
    events = synthetic_store.events()
    tenancy = events.filter(events.case_id.startswith("T-"))
    j = infer_journey(ordered(with_cases(tenancy)), journey_id="tenancy_draft", name="Draft")
    stages = [st.name for st in j.stages]
    # the generator's 'stage' property, stages in the order customers first reach them
    assert stages[:2] == ["Apply", "Assess"]
    assert {"View", "Offer", "Sign", "Move in", "Support"} <= set(stages)
    assert j.outcome.step in {"collect_keys", "move_in_check", "survey_sent", "survey_answered"}
