"""The report's insight sections (render/report_insight.py), built from hand-made results:
moments of truth, silent customers, value and the backlog, and the reason each shows when
its analysis is missing."""

from __future__ import annotations

import html
import re
from typing import Any

from journeyscope.analytics.moments_result import DesignedMoment, Moment, MomentsResult
from journeyscope.analytics.sensitivity import Sensitivity, SensitivityPoint
from journeyscope.analytics.silent_result import (
    METRICS,
    Estimate,
    Estimates,
    SilentResult,
    Truth,
)
from journeyscope.analytics.story_map import (
    BackboneStage,
    BackboneStep,
    Release,
    StoryCard,
    StoryMap,
)
from journeyscope.analytics.value import Opportunity, ValueResult, ValueTotals
from journeyscope.definitions import Journey
from journeyscope.render.report_data import ReportData
from journeyscope.render.report_insight import (
    TOP_MOMENTS,
    TOP_OPPORTUNITIES,
    backlog_section,
    moments_section,
    silent_section,
    value_section,
)


def _data(**fields: Any) -> ReportData:
    base = {"title": "t", "journey": None, "case_rule": "case id", "source": "", "overview": {}}
    return ReportData(**(base | fields))


def _rows(markup: str) -> list[list[str]]:
    """The cells of every table row in ``markup``, unescaped."""
    return [
        [html.unescape(c) for c in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", row)]
        for row in re.findall(r"<tr>(.*?)</tr>", markup)
    ]


def _moment(name: str, step: str | None, effect: float, q: float, significant: bool) -> Moment:
    return Moment(
        candidate=name,
        kind="activity",
        step=step,
        cases_with=1200,
        cases_without=800,
        outcome_with=0.5,
        outcome_without=0.7,
        effect=effect,
        ci=(effect - 0.1, effect + 0.1),
        p=q / 2,
        q=q,
        significant=significant,
        impact=1.0,
    )


def _moments(**fields: Any) -> MomentsResult:
    base: dict[str, Any] = {
        "outcome": "satisfaction",
        "unit": "case",
        "cases": 2000,
        "outcome_mean": 6.25,
        "candidates_tested": 40,
        "significant": 1,
        "moments": [_moment(f"Call {i}", "upload", -0.25, 0.01, i == 0) for i in range(12)],
        "designed": [
            DesignedMoment(step="upload", name="Upload", verdict="confirmed", evidence=["q 0.01"])
        ],
        "surprises": [],
        "adjusted_for": ["channel", "segment"],
        "case_rule": "case id",
        "assumptions": "no hidden confounder",
        "semantics": "effects on the outcome",
    }
    return MomentsResult(**(base | fields))


def _journey() -> Journey:
    return Journey.model_validate(
        {
            "id": "j",
            "name": "J",
            "job_to_be_done": "x",
            "outcome": {"description": "d"},
            "stages": [
                {"id": "a", "name": "A", "steps": [{"id": "upload", "name": "Upload documents"}]}
            ],
        }
    )


def test_without_their_results_the_sections_say_why() -> None:
    data = _data()
    data.missing.update({"silent": "no survey in the data", "value": "no costs given"})
    assert "no survey in the data" in silent_section(data).body
    assert "no costs given" in value_section(data).body
    assert "no moments-of-truth analysis" in moments_section(data).body
    assert "no backlog" in backlog_section(data).body
    none_tested = moments_section(_data(moments=_moments(cases=0)))
    assert "no case has an outcome to test against (satisfaction)" in none_tested.body


def test_moments_list_the_top_experiences_with_step_names_and_the_designed_ones() -> None:
    section = moments_section(_data(moments=_moments(), journey=_journey()))
    assert section.lead == (
        "Which experiences go with a better or worse outcome: 40 tested on 2,000 cases, "
        "1 significant. Outcome: satisfaction; mean 6.25. Adjusted for channel, segment."
    )
    rows = _rows(section.body)
    ranked = [r for r in rows if r and r[1].startswith("Call ")]
    assert len(ranked) == TOP_MOMENTS == 10  # of 12
    assert ranked[0] == [
        "1",
        "Call 0",
        "Upload documents",  # the step's name, not its id
        "1,200",
        "-0.25",
        "-0.35 … -0.15",
        "0.01",
        "yes",
    ]
    assert ranked[1][-1] == "no"
    assert ["Upload", "confirmed", "q 0.01"] in rows
    assert "No significant experience outside the designed moments of truth." in section.body
    assert section.technical == ["Assumptions: no hidden confounder.", "effects on the outcome"]


def test_moments_without_design_or_candidates_say_so() -> None:
    surprise = _moment("Letter sent", None, 0.5, 0.001, True)
    section = moments_section(
        _data(moments=_moments(moments=[], designed=[], surprises=[surprise], adjusted_for=[]))
    )
    assert "Adjusted for nothing." in section.lead
    assert "No experience was seen in enough cases to test." in section.body
    assert "The design marks no step as a moment of truth." in section.body
    rows = _rows(section.body)
    assert rows[-1][:3] == ["1", "Letter sent", "–"]  # a surprise with no step


def _value() -> ValueResult:
    totals = ValueTotals(
        events=500,
        cases=120,
        cost=12_345.6,
        cost_from={"table": 500},
        processing_observed=False,
        flow_efficiency=None,
        assisted_contacts=40,
        failure_demand_contacts=15,
        failure_demand_cost=987.0,
        unattributed_failures=0,
        unattributed_demand_contacts=0,
        unattributed_demand_cost=0.0,
    )
    opportunities = [
        Opportunity(
            rank=i + 1,
            step=f"s{i}",
            name=f"Step {i}",
            volume=100 - i,
            gap=0.2,
            impact=12.5,
            value=(100 - i) * 0.2 * 12.5,
        )
        for i in range(12)
    ]
    return ValueResult(
        journey="j",
        steps=[],
        opportunities=opportunities,
        totals=totals,
        cost_rule="channel costs",
        failure_activities=[],
        classification="by name",
        outcomes=[],
        value_per_case=0.0,
        case_rule="case id",
        semantics="value semantics",
    )


def test_value_ranks_what_is_worth_fixing_in_the_configured_currency() -> None:
    section = value_section(_data(value=_value(), currency="GBP"))
    assert section.lead == (
        "Cost to serve GBP 12,346 over 120 cases; failure demand 15 contacts costing GBP 987."
    )
    rows = _rows(section.body)
    assert rows[0][-2:] == ["cost per failure (GBP)", "worth fixing (GBP)"]
    assert len(rows) == 1 + TOP_OPPORTUNITIES
    assert rows[1] == ["1", "Step 0", "100", "20%", "12.50", "250"]
    assert "Amounts are in GBP, the configured currency; they are not converted." in section.notes
    assert section.technical == ["Cost: channel costs.", "value semantics"]
    nothing = _value().model_copy(update={"opportunities": []})
    assert "No step has failures: nothing to rank." in value_section(_data(value=nothing)).body


def _estimates(value: float, method: str) -> Estimates:
    return Estimates(
        metric=Estimate(value=value, ci=(value - 5, value + 5), method=method),
        mean_score=Estimate(value=7.1, ci=None, method=method),
    )


def _silent(**fields: Any) -> SilentResult:
    base: dict[str, Any] = {
        "survey": "NPS",
        "metric": METRICS["NPS"],
        "customers": 1000,
        "respondents": 200,
        "response_rate": 0.2,
        "naive": _estimates(12.0, "respondents only"),
        "model": _estimates(5.0, "model"),
        "doubly_robust": _estimates(4.0, "dr"),
        "corrected": _estimates(3.0, "shadow"),
        "truth": Truth(metric=2.5, mean_score=6.9, customers=1000, rule="every customer"),
        "features": 3,
        "properties": [],
        "case_rule": "case id",
        "assumptions": "a",
        "semantics": "silent semantics",
    }
    return SilentResult(**(base | fields))


def test_silent_customers_show_the_naive_estimate_the_truth_and_the_response_rate() -> None:
    section = silent_section(_data(silent=_silent()))
    rows = _rows(section.body)
    assert rows[0][:3] == ["estimate", "NPS", "interval"]  # the metric's short name
    assert rows[1][:4] == ["respondents only (naive)", "+12.0", "+7.0 … +17.0", "+7.10"]
    assert rows[-1][:4] == ["truth", "+2.5", "–", "+6.90"]
    assert "known for 1,000 customers (synthetic data)" in rows[-1][-1]
    assert "Response rate: 20% (200 of 1,000 customers answered NPS)." in section.body
    assert "silent-sensitivity" not in section.body  # no curve to draw
    assert section.technical == ["silent semantics"]
    no_truth = silent_section(_data(silent=_silent(truth=None)))
    assert [r[0] for r in _rows(no_truth.body)][-1] == "respondents only (naive)"


def test_the_sensitivity_curve_is_drawn_with_the_truth_when_there_is_one() -> None:
    curve = Sensitivity(
        strategy="combined",
        parameter="delta",
        crosses_zero_at=None,
        rule="r",
        points=[
            SensitivityPoint(delta=d, odds_ratio_per_point=1.0, value=v)
            for d, v in ((-0.5, 8.0), (0.0, 4.0), (0.5, 1.0))
        ],
    )
    section = silent_section(_data(silent=_silent(sensitivity=curve)))
    assert 'data-picture="silent-sensitivity"' in section.body
    assert "<polyline" in section.body and "truth +2.5" in section.body
    empty = curve.model_copy(update={"points": []})
    assert "silent-sensitivity" not in silent_section(_data(silent=_silent(sensitivity=empty))).body


def _card(cid: str, rank: int, value: float | None, evidence: list[str]) -> StoryCard:
    return StoryCard(
        id=cid,
        step="upload",
        step_name="Upload documents",
        stage="a",
        persona="tenant",
        text=f"As a tenant, I want {cid}",
        drafted=True,
        opportunity=None,
        opportunity_title=None,
        value_at_stake=value,
        confidence=0.5 if value is not None else None,
        effort=None,
        score=None,
        rank=rank,
        release=1,
        evidence=evidence,
    )


def test_the_backlog_draws_the_story_map_and_lists_the_top_stories() -> None:
    story_map = StoryMap(
        journey="j",
        journey_name="J",
        backbone=[
            BackboneStage(
                id="a", name="A", steps=[BackboneStep(id="upload", name="Upload documents")]
            )
        ],
        stories=[
            _card("faster checks", 1, 4_000.0, ["a finding", "another", "a third"]),
            _card("a tracker", 10**6, None, []),  # unranked
        ],
        releases=[Release(number=1, stories=2, value_at_stake=4_000.0, share_of_value=1.0)],
        opportunities=[],
        semantics="backlog semantics",
    )
    section = backlog_section(_data(backlog=story_map, currency="USD"))
    assert section.lead == (
        "2 stories from 0 opportunities (0 with a measured value at stake), cut into 1 releases."
    )
    assert 'data-picture="story-map"' in section.body and "@font-face" not in section.body
    rows = _rows(section.body)
    assert rows[1] == [
        "1",
        "Upload documents",
        "As a tenant, I want faster checks",
        "USD 4,000 a year",
        "50%",
        "a finding; another",  # two pieces of evidence at most
    ]
    assert rows[2][0] == "–" and rows[2][3:] == ["not measured", "–", "–"]
    assert section.technical == ["backlog semantics"]
