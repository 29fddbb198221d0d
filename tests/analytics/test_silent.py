"""Silent-customer satisfaction: the estimators on hand-made numbers, the whole analysis on
synthetic data where every customer's true score is known, and its edge cases."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from journeyscope.analytics.backends import IbisBackend
from journeyscope.analytics.estimators import aipw, mean_of, outcome_selection
from journeyscope.analytics.silent import SilentQuery, SilentResult, estimate, headline
from journeyscope.analytics.silent_asked import EVERY_CUSTOMER
from journeyscope.analytics.silent_sim import simulate
from journeyscope.events import Store

#: The generator's answering model: logit P(answer) = -2.2 + 0.42 (score - 5).
TRUE_GAMMA = 0.42


@pytest.fixture(scope="module")
def result(survey_store: Store) -> SilentResult:
    return IbisBackend(survey_store.events()).run(SilentQuery(predictions=True))


def test_headline_metrics() -> None:
    scores = np.array([0, 6, 7, 8, 9, 10], dtype=float)
    assert headline("NPS", scores).mean() == pytest.approx(0.0)  # 2 promoters, 2 detractors
    assert headline("CSAT", np.array([1.0, 4.0, 5.0, 3.0])).mean() == 50.0
    assert headline("CES", np.array([2.0, 6.0])).mean() == 4.0


def test_aipw_by_hand() -> None:
    y = np.array([10.0, 0.0, 0.0, 0.0])
    m = np.array([8.0, 6.0, 5.0, 7.0])
    answered = np.array([True, False, True, False])
    y[2] = 4.0
    p = np.array([0.5, 0.5, 0.25, 0.5])
    # psi = m + R/p (y - m): 8 + 2*2, 6, 5 + 4*(-1), 7
    value, (low, high) = aipw(y, m, answered, p, 1.96)
    assert value == pytest.approx((12 + 6 + 1 + 7) / 4)
    assert low < value < high
    assert mean_of(np.array([1.0, 3.0]), 1.96)[0] == 2.0


def test_outcome_selection_recovers_how_strongly_the_score_drives_answering() -> None:
    rng = np.random.default_rng(3)
    n = 200_000
    shadow = rng.normal(7, 1.2, n)  # what the journey predicts
    score = np.clip(np.rint(shadow + rng.normal(0, 1, n)), 0, 10)
    answered = rng.random(n) < 1 / (1 + np.exp(-(-3.0 + 0.5 * score)))
    alpha, gamma, ok = outcome_selection(np.where(answered, score, -99.0), answered, shadow)
    assert ok
    assert gamma == pytest.approx(0.5, abs=0.05)
    assert alpha == pytest.approx(-3.0, abs=0.4)


@pytest.mark.slow
def test_corrected_estimate_lands_on_the_truth_where_the_naive_one_is_biased(
    result: SilentResult,
) -> None:
    assert result.truth is not None and result.selection is not None
    truth = result.truth.metric
    naive, corrected = result.naive.metric, result.corrected.metric
    assert naive.ci is not None and corrected.ci is not None and corrected.value is not None
    assert naive.ci[0] > truth  # the respondents are happier than everybody
    assert corrected.ci[0] <= truth <= corrected.ci[1]
    assert abs(corrected.value - truth) < abs((naive.value or 0) - truth) / 3
    mean = result.corrected.mean_score
    assert mean.ci is not None and mean.ci[0] <= result.truth.mean_score <= mean.ci[1]
    fit = result.selection
    assert fit.converged and fit.used
    assert fit.gamma_ci[0] <= TRUE_GAMMA <= fit.gamma_ci[1]


@pytest.mark.slow
def test_the_answer_model_is_cross_validated_and_calibrated(result: SilentResult) -> None:
    q = result.quality
    assert q is not None and q.folds == 5
    assert q.score_mae < 0.85 * q.score_mae_baseline
    assert q.metric_mae < q.metric_mae_baseline
    assert q.interval_coverage == pytest.approx(q.interval_level, abs=0.03)
    assert q.calibration_error < 10  # NPS points
    assert sum(c["customers"] for c in q.calibration) == result.respondents
    assert q.propensity_auc is not None and q.propensity_auc > 0.55


@pytest.mark.slow
def test_every_customer_gets_an_estimate(result: SilentResult) -> None:
    rows = pd.DataFrame([p.model_dump() for p in result.predictions])
    assert result.asked is not None  # predictions are for the asked customers
    assert len(rows) == result.asked.customers and rows["person"].is_unique
    assert int(rows["answered"].sum()) == result.respondents
    assert (
        (rows["low"] <= rows["expected_score"]) & (rows["expected_score"] <= rows["high"])
    ).all()
    silent = rows[~rows["answered"]]
    assert silent["score"].isna().all()
    # the silent are, as the generator made them, less satisfied than the respondents
    assert silent["expected_score"].mean() < rows.loc[rows["answered"], "score"].mean()


@pytest.mark.slow
def test_json_names_each_estimate_by_its_metric(result: SilentResult) -> None:
    data = result.to_json()
    for key in ("naive", "corrected", "doubly_robust", "model"):
        assert set(data[key]) >= {"nps", "ci", "method", "mean_score"}
    assert set(data["truth"]) >= {"nps", "customers", "rule"}
    assert data["respondents"] == result.respondents and data["customers"] == result.customers
    assert "at random" in data["assumptions"] and "shadow" in data["semantics"]


def _facts(scores: list[float | None]) -> tuple[pd.DataFrame, pd.DataFrame]:
    facts = pd.DataFrame(
        {
            "person": [f"p{i}" for i in range(len(scores))],
            "answers": [0 if s is None else 1 for s in scores],
            "score": pd.array(scores, dtype="Float64"),
        }
    )
    x = pd.DataFrame({"events": np.arange(len(scores), dtype=float)})
    return facts, x


def test_nobody_answered() -> None:
    r = estimate(SilentQuery(), *_facts([None] * 20))
    assert r.respondents == 0 and r.corrected.metric.value is None
    assert r.naive.metric.method == "no answers"


def test_too_few_answers_are_said_so() -> None:
    r = estimate(SilentQuery(), *_facts([9.0, 3.0, 10.0] + [None] * 30))
    assert r.naive.metric.value == pytest.approx(100 / 3, abs=1e-3)
    assert r.corrected.metric.value is None and "too few" in r.corrected.metric.method


def test_everybody_answered_needs_no_correction() -> None:
    r = estimate(SilentQuery(), *_facts([9.0, 3.0, 10.0, 8.0] * 5))
    assert r.corrected.metric.value == r.naive.metric.value == pytest.approx(25.0)


@pytest.mark.slow
def test_strategies_checks_headline_and_sensitivity_come_with_the_result(
    result: SilentResult,
) -> None:
    """On the demo generator only customers sent the survey ("Survey sent", inferred as who
    was asked) can answer, and those answer logistic in the score: the headline speaks for
    the asked customers and covers their truth; the never-asked are extrapolated to (or
    abstained on) separately, with the truth of each population beside it."""
    assert result.truth is not None and result.headline is not None
    a = result.asked
    assert a is not None and a.source == "inferred" and a.activities == ["Survey sent"]
    assert a.customers + a.never_asked == result.customers and a.never_asked > 0
    assert result.response_rate == pytest.approx(result.respondents / a.customers, abs=1e-5)
    names = {s.name: s for s in result.strategies}
    assert set(names) == {"mar", "shadow", "combined"}
    assert all(s.assumption and s.checks for s in result.strategies)
    h = result.headline
    assert h.low is not None and h.high is not None and h.low <= result.truth.metric <= h.high
    assert h.reason and result.headline_text().startswith(f"NPS of the {a.customers:,} asked")
    assert result.truth.customers == a.customers and result.truth.never_asked is not None
    n = result.never_asked
    assert n is not None and n.customers == a.never_asked and n.assumption
    if n.figure.kind == "estimate":
        assert n.figure.low is not None and n.figure.high is not None
        assert n.figure.low <= result.truth.never_asked <= n.figure.high
    assert result.silent_asked is not None and result.truth.silent_asked is not None
    assert "stitching" in result.customers_meaning
    curve = result.answering_curve
    assert curve is not None and len(curve.points) == 11
    assert curve.points[-1].p_answer > curve.points[0].p_answer  # the happy answer more
    s = result.sensitivity
    assert s is not None and s.points[len(s.points) // 2].delta == 0
    if h.kind == "estimate":
        assert s.strategy == h.strategy
        assert s.points[len(s.points) // 2].value == pytest.approx(h.value, abs=0.05)
    data = result.to_json()
    assert {"strategies", "headline", "sensitivity", "answering_curve", "asked"} <= set(data)
    assert any(line.startswith("who was asked") for line in result.lines())


@pytest.mark.slow
def test_every_customer_asked_speaks_for_everybody() -> None:
    facts, x = simulate(1500, "random", seed=2)
    q = SilentQuery(truth=None, bootstrap=10, asked=EVERY_CUSTOMER)
    r = estimate(q, facts, x, ["Survey sent"])
    assert r.asked is not None and r.asked.source == "every customer"
    assert r.never_asked is None and r.headline_text().startswith("NPS of every customer (1,500)")


@pytest.mark.slow
def test_the_fetched_tables_are_let_go_before_the_models_are_fitted(
    small_store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """At a million customers the fetched tables are half a gigabyte: the analysis takes them
    out of the fetched rows as it builds the features, so none is held while models fit."""
    import journeyscope.analytics.silent as silent

    seen: list[dict[str, object]] = []
    fetched = silent.SilentAnalysis.result

    def watched(self, query, rows):  # type: ignore[no-untyped-def]
        seen.append(rows)
        return fetched(self, query, rows)

    def fitting(*args, **kwargs):  # type: ignore[no-untyped-def]
        assert seen and not seen[0], f"still held while fitting: {sorted(seen[0])}"
        return estimate(*args, **kwargs)

    monkeypatch.setattr(silent.SilentAnalysis, "result", watched)
    monkeypatch.setattr(silent, "estimate", fitting)
    assert IbisBackend(small_store.events()).run(SilentQuery()).customers > 0
