"""Moments of truth: hand-made cases whose effects are known, the robust regression against
statsmodels, risk sets, and the synthetic journeys against their design."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pytest
import statsmodels.api as sm
from analytics_kit import BACKENDS, BASE, backend_for, canonical, stored

from journeyscope.analytics.estimators import adjusted_effects
from journeyscope.analytics.moments import DEVIATIONS, EVERY, MomentsQuery, MomentsResult, rank
from journeyscope.analytics.moments_weights import AnsweringWeights
from journeyscope.definitions import load_journey
from journeyscope.events import Store

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "journeys"


def _log(cases: dict[str, list[tuple[str, str, float, float | None]]]) -> pa.Table:
    """Events from ``case -> [(activity, channel, day, NPS score or None), ...]``."""
    rows: list[dict[str, Any]] = []
    for case, events in cases.items():
        for activity, channel, day, score in events:
            rows.append(
                {
                    "event_id": f"e{len(rows)}",
                    "case_id": case,
                    "customer_id": f"c-{case}",
                    "timestamp": BASE + timedelta(days=day),
                    "activity": activity,
                    "channel": channel,
                    "survey_type": None if score is None else "NPS",
                    "survey_score": score,
                    "source": "declared",
                    "source_row": len(rows),
                    "properties": json.dumps({"segment": "a" if case < "m" else "b"}),
                }
            )
    return canonical(rows)


def _find(result: MomentsResult, name: str):
    return next(m for m in result.moments if m.candidate == name)


def test_adjusted_effects_equal_statsmodels_robust_ols() -> None:
    rng = np.random.default_rng(0)
    n = 2_000
    covariates = rng.normal(size=(n, 3))
    exposures = (rng.random((n, 3)) < 0.3).astype(float)
    exposures[:, 1] = covariates[:, 0] > 0.2  # confounded with a covariate
    y = exposures @ [0.5, -0.3, 0.0] + covariates @ [0.2, 0.1, -0.4] + rng.normal(size=n)
    fit = adjusted_effects(y, exposures, covariates, 1.96)
    for j in range(3):
        ref = sm.OLS(y, sm.add_constant(np.column_stack([exposures[:, j], covariates]))).fit(
            cov_type="HC1"
        )
        assert fit["effect"][j] == pytest.approx(ref.params[1], rel=1e-9)
        assert fit["se"][j] == pytest.approx(ref.bse[1], rel=1e-9)
        assert fit["p"][j] == pytest.approx(ref.pvalues[1], rel=1e-6, abs=1e-12)


def test_collinear_covariates_adjust_like_their_independent_columns() -> None:
    """A property that repeats the first channel (or its complement) adds no information:
    the effect must equal the fit on the independent covariates alone."""
    rng = np.random.default_rng(1)
    n = 3_000
    a = (rng.random(n) < 0.4).astype(float)
    b = (rng.random(n) < 0.3).astype(float)
    exposure = np.where(b > 0, rng.random(n) < 0.6, rng.random(n) < 0.2).astype(float)
    y = -0.4 * exposure + 0.7 * a - 0.3 * b + rng.normal(size=n)
    covariates = np.column_stack([a, a, b, 1 - a])
    fit = adjusted_effects(y, exposure[:, None], covariates, 1.96)
    ref = sm.OLS(y, np.column_stack([np.ones(n), exposure, a, b])).fit(cov_type="HC1")
    assert fit["effect"][0] == pytest.approx(ref.params[1], rel=1e-9)
    assert fit["se"][0] == pytest.approx(ref.bse[1], rel=1e-9)


def test_an_online_error_costs_two_points_of_satisfaction(backend: str) -> None:
    cases = {}
    for i in range(40):
        failed = i % 2 == 0
        events = [("Apply", "web", 0, None)]
        if failed:
            events.append(("Online error", "web", 1, None))
        if i % 4 < 2:
            events.append(("Read FAQ", "web", 1.5, None))  # no effect by construction
        events.append(("Decision", "letter", 2, None))
        events.append(("Answer", "email", 3, (6.0 if failed else 8.0) + (i % 3 - 1) * 0.5))
        cases[f"k{i:02d}"] = events
    result = backend_for(_log(cases), backend).run(MomentsQuery(min_cases=5))
    error = _find(result, "step: Online error")
    assert error.effect == pytest.approx(-2.0, abs=0.05)
    assert error.outcome_with - error.outcome_without == pytest.approx(error.effect, abs=0.05)
    assert error.significant and error.ci[1] < 0
    faq = _find(result, "step: Read FAQ")
    assert not faq.significant and faq.ci[0] < 0 < faq.ci[1]
    assert result.moments[0].candidate == "step: Online error"
    assert result.cases == 40 and "observational" in result.assumptions


def test_late_waits_are_compared_among_the_cases_that_got_that_far(backend: str) -> None:
    """Half the cases stop after A; of those that reach B, half waited long before it. The
    wait changes nothing: completion is 50% with or without it. Compared with every case,
    the wait would look like it doubles completion."""
    cases = {}
    for i in range(80):
        events = [("A", "web", 0, None)]
        if i < 40:
            waited = i % 2 == 0
            events.append(("B", "web", 30 if waited else 2, None))
            if i % 4 < 2:
                events.append(("Done", "web", 40, None))
        cases[f"c{i:02d}"] = events
    result = backend_for(_log(cases), backend).run(
        MomentsQuery(outcome="completion", outcomes=("Done",), min_cases=5)
    )
    wait = _find(result, "waited > 14 days before B")
    assert wait.cases_with + wait.cases_without == 40  # the cases that reached B
    assert wait.effect == pytest.approx(0.0, abs=1e-9)
    assert not wait.significant
    assert not any(m.kind == "step" for m in result.moments)  # not for completion


def test_adjustment_removes_a_segment_difference(backend: str) -> None:
    """Segment b is 2 points less satisfied and more often goes back; going back itself does
    nothing. Unadjusted it looks harmful; adjusted for segment it does not."""
    cases = {}
    for i in range(60):
        name = f"{'a' if i < 30 else 'n'}{i:02d}"  # names < 'm' are segment a
        back = (i % 10 < 2) if i < 30 else (i % 10 < 8)
        events = [("A", "web", 0, None), ("B", "web", 1, None)]
        if back:
            events += [("A", "web", 2, None), ("B", "web", 3, None)]
        score = (8.0 if i < 30 else 6.0) + (i % 3 - 1) * 0.3
        events.append(("Answer", "email", 5, score))
        cases[name] = events
    b = backend_for(_log(cases), backend)
    plain = _find(b.run(MomentsQuery(min_cases=5)), "went back to A")
    adjusted = _find(b.run(MomentsQuery(min_cases=5, adjust=("segment",))), "went back to A")
    assert plain.effect < -1 and plain.significant
    assert abs(adjusted.effect) < 0.2 and not adjusted.significant


@pytest.fixture(scope="module", params=BACKENDS)
def tenancy_moments(request: pytest.FixtureRequest, survey_store: Store) -> MomentsResult:
    """The tenancy journey's moments of truth on the survey store, on each engine."""
    if request.param == "spark":
        request.getfixturevalue("spark")
    journey = load_journey(EXAMPLES / "tenancy.yaml")
    query = MomentsQuery(journey=journey, adjust=("segment",), top=1_000)
    return stored(survey_store, request.param).run(query)


@pytest.mark.slow
def test_synthetic_failures_are_found_and_the_design_is_compared(
    tenancy_moments: MomentsResult, survey_store: Store
) -> None:
    r = tenancy_moments
    # the generator takes 1.1 points per failed digital step
    error = _find(r, "step: Online error")
    assert error.significant and error.ci[0] < -1.1 < error.ci[1] + 0.3
    assert r.significant > 0 and r.candidates_tested >= r.significant
    verdicts = {d.step: d.verdict for d in r.designed}
    assert set(verdicts) == {
        "upload_documents",
        "eligibility_decision",
        "attend_viewing",
        "collect_keys",
    }
    assert verdicts["upload_documents"] == "confirmed"
    assert all(m.significant and m.step not in verdicts for m in r.surprises)
    assert r.adjusted_for == ["first channel", "segment"]
    # only tenancy cases: loan customers who called the contact centre (an anytime step the
    # tenancy design shares) are not in scope
    loan = ("loan", "contractor", "Verify identity", "Funds", "Credit decision")
    assert not [m.candidate for m in r.moments if any(w in m.candidate for w in loan)]
    journey = load_journey(EXAMPLES / "tenancy.yaml")
    regular = [a for s in journey.steps if not s.anytime for a in s.activities]
    cases = survey_store.con.execute(
        "SELECT count(*) FROM (SELECT case_id FROM events WHERE case_id IS NOT NULL GROUP BY 1 "
        "HAVING bool_or(survey_type = 'NPS') AND bool_or(list_contains(?, activity))"
        " AND bool_and(case_id LIKE 'T-%'))",
        [regular],
    ).fetchall()
    assert r.cases == cases[0][0]


@pytest.mark.slow
def test_the_same_experience_under_two_names_is_tested_once(
    tenancy_moments: MomentsResult,
) -> None:
    """A design deviation and a data experience with exactly the same cases ("time limit
    broken before eligibility_decision" and "waited > 14 days before Eligibility decision
    sent" here) are one test under the data's name, not two (before: both, each counted in
    the false-discovery correction)."""
    names = [m.candidate for m in tenancy_moments.moments]
    assert len(names) == len(set(names))
    merged = {n for m in tenancy_moments.moments for n in m.same_as}
    assert not merged & set(names)
    assert tenancy_moments.duplicates_removed == len(merged) > 0
    assert any(n.startswith(tuple(DEVIATIONS.values())) for n in merged)


def _cases_and_answers(n: int, seed: int) -> tuple[pa.Table, pa.Table, pa.Table, float]:
    """Cases whose experience costs 1.44 points; the happy answer more often (the cases,
    their experiences and risk sets as the engine gives them)."""
    rng = np.random.default_rng(seed)
    exposed = rng.random(n) < 0.3
    score = np.clip(np.rint(7.0 - 1.44 * exposed + rng.normal(0, 2.0, n)), 0, 10)
    population = sm.OLS(score, sm.add_constant(exposed.astype(float))).fit().params[1]
    answered = rng.random(n) < 1 / (1 + np.exp(-(-2.2 + 0.42 * (score - 5))))
    ids = np.array([f"k{i:06d}" for i in range(n)])[answered]
    cases = pa.table(
        {
            "case": ids,
            "outcome": score[answered],
            "cutoff": [10] * len(ids),
            "first_channel": ["web"] * len(ids),
        }
    )
    hit = ids[exposed[answered]]
    experiences = pa.table(
        {
            "case": hit,
            "candidate": ["step: Online error"] * len(hit),
            "kind": ["step"] * len(hit),
            "activity": ["Online error"] * len(hit),
            "risk": [EVERY] * len(hit),
        }
    )
    reach = pa.table({"case": ids, "risk": [EVERY] * len(ids)})
    return cases, experiences, reach, float(population)


def test_weighting_by_the_answering_model_recovers_a_planted_effect() -> None:
    cases, experiences, reach, truth = _cases_and_answers(60_000, 3)
    curve = {float(k): float(1 / (1 + np.exp(-(-2.2 + 0.42 * (k - 5))))) for k in range(11)}
    weights = AnsweringWeights(source="the generator's answering curve", p_answer=curve)
    plain = rank(MomentsQuery(min_cases=5), cases, experiences, reach)
    weighted = rank(MomentsQuery(min_cases=5, answering=weights), cases, experiences, reach)
    before, after = plain.moments[0], weighted.moments[0]
    assert not before.ci[0] <= truth <= before.ci[1]  # respondents only: distorted
    assert after.ci[0] <= truth <= after.ci[1]
    assert after.effect_unweighted == before.effect and before.effect_unweighted is None
    assert weighted.weighted_by == weights.source and "1 / P(answer | score)" in weighted.semantics
    assert weighted.ranking_change is not None and plain.ranking_change is None


def test_weighted_effects_equal_statsmodels_wls_robust() -> None:
    rng = np.random.default_rng(4)
    n = 1_500
    covariates = rng.normal(size=(n, 2))
    exposures = (rng.random((n, 2)) < 0.4).astype(float)
    y = exposures @ [0.7, -0.2] + covariates @ [0.3, 0.1] + rng.normal(size=n)
    w = rng.uniform(0.5, 4.0, n)
    fit = adjusted_effects(y, exposures, covariates, 1.96, w)
    for j in range(2):
        x = sm.add_constant(np.column_stack([exposures[:, j], covariates]))
        ref = sm.WLS(y, x, weights=w).fit(cov_type="HC1")
        assert fit["effect"][j] == pytest.approx(ref.params[1], rel=1e-9)
        assert fit["se"][j] == pytest.approx(ref.bse[1], rel=1e-6)
