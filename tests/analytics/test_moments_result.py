"""The moments-of-truth result's types (analytics/moments_result.py): a ranked experience with
its optional unweighted fit, the designers' moments with one of three verdicts, and the whole
result's defaults when nothing was weighted or merged."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from journeyscope.analytics.moments_result import DesignedMoment, Moment, MomentsResult
from journeyscope.analytics.moments_weights import RankingChange


def _moment(**kw: Any) -> Moment:
    fields: dict[str, Any] = {
        "candidate": "went back to Upload",
        "kind": "backtrack",
        "step": "upload",
        "cases_with": 40,
        "cases_without": 160,
        "outcome_with": 5.5,
        "outcome_without": 7.5,
        "effect": -1.8,
        "ci": (-2.4, -1.2),
        "p": 0.001,
        "q": 0.004,
        "significant": True,
        "impact": -72.0,
    }
    return Moment(**(fields | kw))


def test_a_moment_has_no_unweighted_fit_or_other_names_unless_given() -> None:
    m = _moment()
    assert (m.effect_unweighted, m.ci_unweighted, m.same_as) == (None, None, [])
    other = _moment(same_as=["waited > 14 days before Upload"])
    assert m.same_as == [] and other.same_as == ["waited > 14 days before Upload"]


def test_an_interval_is_a_pair() -> None:
    assert _moment(ci=[-2.0, -1.0]).ci == (-2.0, -1.0)
    with pytest.raises(ValidationError):
        _moment(ci=(-2.0,))


def test_a_designed_moment_is_confirmed_not_confirmed_or_not_testable() -> None:
    for verdict in ("confirmed", "not confirmed", "not testable"):
        assert DesignedMoment(step="s", name="S", verdict=verdict, evidence=[]).verdict == verdict
    with pytest.raises(ValidationError, match="verdict"):
        DesignedMoment(step="s", name="S", verdict="maybe", evidence=[])  # type: ignore[arg-type]


def test_a_result_without_weights_has_no_ranking_change_and_round_trips_as_json() -> None:
    moment = _moment()
    result = MomentsResult(
        outcome="satisfaction",
        unit="case",
        cases=200,
        outcome_mean=7.1,
        candidates_tested=12,
        significant=1,
        moments=[moment],
        designed=[DesignedMoment(step="upload", name="Upload", verdict="confirmed", evidence=[])],
        surprises=[],
        adjusted_for=["first channel"],
        case_rule="case_id from the data",
        assumptions="observational",
        semantics="unit: case",
    )
    assert (result.weighted_by, result.ranking_change, result.duplicates_removed) == (None, None, 0)
    again = MomentsResult.model_validate_json(result.model_dump_json())
    assert again == result and again.moments[0].ci == (-2.4, -1.2)
    change = RankingChange(
        rank_correlation=1.0, top_overlap=1.0, significance_changed=[], moved=[], rule="r"
    )
    weighted = result.model_copy(update={"weighted_by": "answering", "ranking_change": change})
    assert MomentsResult.model_validate(weighted.model_dump()).ranking_change == change
