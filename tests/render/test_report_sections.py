"""The report's journey sections (render/report_sections.py), built from hand-made results:
the overlay and process graph drawn from shared results, headline cards, tables, and the
reason a section shows when its analysis is missing."""

from __future__ import annotations

import html
import re
from typing import Any

import pytest

from journeyscope.analytics.conformance_report import (
    ConformanceReport,
    Fitness,
    Instead,
    StepConformance,
)
from journeyscope.analytics.emotion import EmotionResult, StepEmotion
from journeyscope.analytics.process import ActivityCount, Edge, ProcessMap
from journeyscope.analytics.retention import LifecyclePeriod, LifecycleResult
from journeyscope.analytics.variants import Variant, VariantsResult
from journeyscope.definitions import Journey
from journeyscope.render.process_map import Move
from journeyscope.render.report_data import ReportData
from journeyscope.render.report_sections import (
    LIFECYCLE_ROWS,
    channels_section,
    conformance_section,
    emotion_section,
    funnel_section,
    journey_sections,
    lifecycle_section,
    overlay_of,
    overview_section,
    paths_section,
    process_graph,
    process_section,
)


def _journey(emotions: bool = True) -> Journey:
    """Apply (emotion +1, a two-day limit), Upload (emotion −1), Pay (the outcome)."""
    return Journey.model_validate(
        {
            "id": "renew",
            "name": "Renew",
            "job_to_be_done": "renew my permit",
            "outcome": {"description": "permit renewed", "step": "pay"},
            "stages": [
                {
                    "id": "apply",
                    "name": "Apply",
                    "steps": [
                        {
                            "id": "apply",
                            "name": "Apply online",
                            "activities": ["Apply"],
                            "emotion": 1 if emotions else None,
                            "time_limit": "2 days",
                        },
                        {
                            "id": "upload",
                            "name": "Upload documents",
                            "activities": ["Upload"],
                            "emotion": -1 if emotions else None,
                        },
                        {"id": "pay", "name": "Pay", "activities": ["Pay"]},
                    ],
                }
            ],
        }
    )


def _step(
    sid: str, name: str, instead: list[Instead] | None = None, **counts: int
) -> StepConformance:
    zero = dict.fromkeys(
        [
            *("cases", "visits", "entries", "entered_midway", "arrived_off_path", "late"),
            *("moves_out", "off_path", "cases_off_path", "left_here", "ended_here"),
        ],
        0,
    )
    return StepConformance(
        id=sid, name=name, stage="apply", **(zero | counts), instead=instead or []
    )


def _conformance() -> ConformanceReport:
    apply = _step(
        "apply",
        "Apply online",
        [Instead(to="(end)", kind="end", deviation=None, count=10, cases=10)],
        cases=100,
        visits=120,
        arrived_off_path=12,
        late=6,
        left_here=10,
    )
    return ConformanceReport(
        journey="renew",
        case_rule="case id",
        cases=1000,
        reached_outcome=640,
        fitness=Fitness(mean=0.91, min=0.2, p10=0.5, p25=0.8, p50=0.95, p75=1, p90=1, perfect=0.42),
        deviations={"skipped_step": 3, "wrong_order": 40, "off_design_activity": 0},
        cases_with={"skipped_step": 3, "wrong_order": 30, "off_design_activity": 0},
        steps=[
            apply,
            _step("upload", "Upload documents", cases=80),
            _step("ghost", "Gone", cases=5, visits=5, late=5),
        ],
        transitions=[],
        definitions={
            "skipped_step": "a step was left out",
            "wrong_order": "steps in another order",
            "off_design_activity": "an activity no step claims",
        },
    )


def _data(**fields: Any) -> ReportData:
    return ReportData(
        **(
            {"title": "t", "journey": None, "case_rule": "case id", "source": "", "overview": {}}
            | fields
        )
    )


def _rows(markup: str) -> list[list[str]]:
    """The cells of every table row in ``markup``, unescaped."""
    return [
        [html.unescape(c) for c in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", row)]
        for row in re.findall(r"<tr>(.*?)</tr>", markup)
    ]


def _cards(markup: str) -> list[tuple[str, str]]:
    values = re.findall(r'<div class="value">(.*?)</div>', markup)
    labels = re.findall(r'<div class="label">(.*?)</div>', markup)
    return list(zip(values, [html.unescape(label) for label in labels], strict=True))


def test_the_overlay_reads_the_shared_conformance_and_emotion_results() -> None:
    assert overlay_of(_data(journey=_journey())) is None  # no conformance: no overlay
    assert overlay_of(_data(conformance=_conformance())) is None  # no design: no overlay
    emotion = EmotionResult.model_construct(
        steps=[
            StepEmotion.model_construct(step="apply", felt=0.4, n=25),
            StepEmotion.model_construct(step="upload", felt=None, n=0),
        ]
    )
    data = _data(
        journey=_journey(),
        conformance=_conformance(),
        emotion=emotion,
        step_medians={"upload": 3600.0},
    )
    overlay = overlay_of(data)
    assert overlay is not None
    assert (overlay.cases, overlay.reached_outcome, overlay.label) == (1000, 640, "1,000 cases")
    apply = overlay.step("apply")
    assert apply.drop_off == pytest.approx(10 / 100)
    assert apply.conformance == pytest.approx((120 - 12) / 120)
    assert apply.late == pytest.approx(6 / 120)  # the step has a time limit
    assert (apply.felt_emotion, apply.felt_n, apply.median_seconds) == (0.4, 25, None)
    upload = overlay.step("upload")
    assert upload.median_seconds == 3600.0 and upload.drop_off == 0.0
    assert upload.conformance is None and upload.late is None  # no visits, no time limit
    assert upload.felt_emotion is None and upload.felt_n is None  # no felt value: no count
    assert overlay.step("ghost").late is None  # not a step of the design: no limit known


def test_the_process_graph_adds_the_starts_and_ends_as_moves_from_and_to_nowhere() -> None:
    result = ProcessMap(
        edges=[
            Edge(
                source="A",
                target="B",
                count=7,
                cases=6,
                median_seconds=60.0,
                mean_seconds=90.0,
                p90_seconds=120.0,
            )
        ],
        start={"A": 8},
        end={"B": 6, "A": 2},
        activities=[
            ActivityCount(activity="A", events=9, cases=8),
            ActivityCount(activity="B", events=7, cases=6),
        ],
        events=16,
        cases=8,
        case_rule="case id",
    )
    graph = process_graph(result)
    assert graph.edges == (
        Move("A", "B", 7, 60.0),
        Move(None, "A", 8),
        Move("B", None, 6),
        Move("A", None, 2),
    )
    assert [(a.name, a.count, a.cases) for a in graph.nodes] == [("A", 9, 8), ("B", 7, 6)]
    assert graph.cases == 8


def test_the_overview_shows_headline_cards_and_the_channels() -> None:
    overview = {
        "cases": 1000,
        "events": 12_345,
        "customers": 900,
        "activities": 7,
        "channels": 14,
        "first": "2024-01-01",
        "last": None,
        "per_channel": [
            {"channel": f"ch{i}", "cases": 10 * i, "events": 1000 * i} for i in range(14)
        ],
    }
    plain = overview_section(_data(overview=overview, source="events.csv"))
    assert _cards(plain.body) == [
        ("1,000", "cases"),
        ("12.3k", "events"),
        ("900", "customers"),
        ("7", "activities"),
        ("14", "channels"),
        ("2024-01-01", "first event"),
        ("–", "last event"),
    ]
    rows = _rows(plain.body)
    assert rows[0] == ["channel", "cases using it", "events"] and len(rows) == 1 + 12  # capped
    assert rows[2] == ["ch1", "10", "1,000"]
    assert plain.lead.startswith("No designed journey was given")
    assert plain.notes == ["Cases: case id.", "Data: events.csv."]
    designed = overview_section(_data(overview={}, journey=_journey(), conformance=_conformance()))
    assert _cards(designed.body)[-2:] == [
        ("64%", "reached the outcome"),
        ("0.91", "mean fitness to the design (0–1)"),
    ]
    assert designed.lead == "Renew. Job to be done: renew my permit Outcome: permit renewed"
    assert len(designed.notes) == 2 and "designed step" in designed.notes[1]


def test_without_their_results_the_sections_say_why() -> None:
    data = _data()
    data.missing.update(
        {
            "journey-map": "no design given",
            "funnel": "the funnel needs two steps",
            "channels": "no channel column",
        }
    )
    journey_map, blueprint = journey_sections(data)
    assert "no design given" in journey_map.body and "no design given" in blueprint.body
    assert "the funnel needs two steps" in funnel_section(data).body
    assert "no channel column" in channels_section(data).body
    assert "no designed journey" in conformance_section(data).body
    assert "no paths in the data" in paths_section(data).body
    assert "no activities" in process_section(data).body
    assert emotion_section(data) is None  # no design: no emotion curve at all
    assert "no lifecycle analysis" in lifecycle_section(data).body


def test_the_design_draws_its_map_and_blueprint_with_the_overlay_note_when_measured() -> None:
    plain = journey_sections(_data(journey=_journey()))
    assert [s.id for s in plain] == ["journey-map", "blueprint"]
    assert 'data-picture="journey-map"' in plain[0].body and "<svg" in plain[0].body
    assert 'data-picture="blueprint"' in plain[1].body
    assert plain[0].notes == [] and "@font-face" not in plain[0].body  # the page has the font
    measured = journey_sections(_data(journey=_journey(), conformance=_conformance()))
    assert measured[0].notes and "Actual lanes" in measured[0].notes[0]


def test_conformance_lists_deviations_most_frequent_first_and_each_step() -> None:
    section = conformance_section(_data(journey=_journey(), conformance=_conformance()))
    assert section.lead == (
        "1,000 cases replayed against the design: 42% followed it perfectly; mean fitness "
        "0.91 (median 0.95); 64% reached the outcome."
    )
    rows = _rows(section.body)
    deviations = rows[1:4]
    assert [r[0] for r in deviations] == ["wrong order", "skipped step", "off design activity"]
    assert deviations[0] == ["wrong order", "40", "30", "steps in another order"]
    steps = {r[0]: r for r in rows if r[0] in ("Apply online", "Upload documents", "Gone")}
    assert steps["Apply online"] == [
        "Apply online",
        "100",
        "90%",
        "6",
        "10",
        "left the journey (10)",
    ]
    assert steps["Upload documents"][2] == "–"  # no visits: no share


def test_the_emotion_curve_needs_a_step_with_an_emotion() -> None:
    section = emotion_section(_data(journey=_journey()))
    assert section is not None and 'data-picture="emotion-curve"' in section.body
    assert section.notes[0].startswith("Only the expected emotion is drawn")
    assert emotion_section(_data(journey=_journey(emotions=False))) is None


def test_paths_leave_out_activities_scattered_over_the_journey() -> None:
    top = [
        (["Apply", "Survey", "Upload", "Pay"], 40),
        (["Survey", "Apply", "Upload"], 30),
        (["Apply", "Upload", "Survey"], 20),
        (["Apply", "Upload", "Pay", "Survey"], 10),
    ]
    variants = VariantsResult(
        cases=120,
        variants=9,
        top=[
            Variant(rank=i + 1, activities=a, cases=n, share=n / 120, cumulative_share=0.0)
            for i, (a, n) in enumerate(top)
        ],
        coverage=0.8,
        variants_for_coverage=3,
        curve=[],
        case_rule="case id",
    )
    section = paths_section(_data(journey=_journey(), variants=variants))
    assert "of the 120 cases" in section.lead and "83%" in section.lead  # 100 of 120 shown
    assert "Not drawn" in section.lead and "Survey" in section.lead  # first met at 4 places
    assert '"Survey"' not in section.body.split("paths-sankey")[1].split("</script>")[0]
    rows = _rows(section.body)
    assert rows[1] == ["1", "Apply → Survey → Upload → Pay", "40", "33%"]  # the table has it
    assert "9 different paths in all; 3 of them cover 80% of the cases" in section.notes[0]


def test_the_lifecycle_table_lists_the_latest_periods() -> None:
    periods = [
        LifecyclePeriod(
            period=f"2024-{m:02d}", active=10 + m, new=m, returning=10, resurrecting=0, dormant=1
        )
        for m in range(1, 15)
    ]
    result = LifecycleResult(
        period="month",
        active_event=None,
        unit="customer",
        periods=periods,
        case_rule="c",
        semantics="s",
    )
    section = lifecycle_section(_data(lifecycle=result))
    rows = _rows(section.body)
    assert rows[0] == ["month", "active", "new", "returning", "resurrecting", "dormant"]
    assert [r[0] for r in rows[1:]] == [p.period for p in periods[-LIFECYCLE_ROWS:]]
    assert "The 12 most recent of 14 periods are listed." in section.body
    assert "Latest month (2024-14): 24 active, 14 new, 1 dormant." in section.lead
    assert "s" in section.notes  # the semantics line, as in attribution and retention
    empty = result.model_copy(update={"periods": []})
    assert "no customers" in lifecycle_section(_data(lifecycle=empty)).body
