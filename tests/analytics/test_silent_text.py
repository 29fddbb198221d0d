"""The silent-customer result in plain words and rows (analytics/silent_text.py): the headline
sentence, who was asked, one row per strategy, every check, the answering curve and the
sensitivity sweep, on results built by hand."""

from __future__ import annotations

import math
from typing import Any

from journeyscope.analytics import silent_text as text
from journeyscope.analytics.identification import (
    AnsweringCurve,
    Check,
    CurvePoint,
    Headline,
    Strategy,
)
from journeyscope.analytics.sensitivity import Sensitivity, SensitivityPoint
from journeyscope.analytics.silent_asked import AskedPopulation, Figure, NeverAsked
from journeyscope.analytics.silent_result import METRICS, Estimate, Estimates, SilentResult, Truth


def _estimates() -> Estimates:
    e = Estimate(value=None, ci=None, method="m")
    return Estimates(metric=e, mean_score=e)


def result(**kw: Any) -> SilentResult:
    fields: dict[str, Any] = {
        "survey": "NPS",
        "metric": METRICS["NPS"],
        "customers": 1200,
        "respondents": 300,
        "response_rate": 0.25,
        "naive": _estimates(),
        "model": _estimates(),
        "doubly_robust": _estimates(),
        "corrected": _estimates(),
        "truth": None,
        "features": 10,
        "properties": [],
        "case_rule": "case id",
        "assumptions": "observational",
        "semantics": "unit: customer",
    }
    return SilentResult(**(fields | kw))


def _headline(kind: str, value: float | None, low: float | None, high: float | None) -> Headline:
    strategy = "combined" if kind == "estimate" else None
    return Headline(kind=kind, strategy=strategy, value=value, low=low, high=high, reason="why")  # type: ignore[arg-type]


def test_the_headline_is_an_estimate_a_range_or_an_abstention_for_every_customer() -> None:
    estimate = result(headline=_headline("estimate", -12.34, -20.0, -4.5))
    assert (
        text.headline_text(estimate) == "NPS of every customer (1,200): -12.3 [-20.0, -4.5] (why)"
    )
    ranged = result(headline=_headline("range", None, -30.0, 2.0))
    assert text.headline_text(ranged) == "NPS of every customer (1,200): range -30.0 .. +2.0 (why)"
    abstain = result(headline=_headline("abstain", None, None, None))
    assert text.headline_text(abstain) == (
        "NPS of every customer (1,200): not identified; plausible span (why)"
    )
    assert text.headline_text(result()) == "NPS: no headline (too few answers, or nobody silent)"
    assert result(headline=_headline("estimate", 1.0, 0.0, 2.0)).headline_text().startswith("NPS")


def _asked(never: int) -> AskedPopulation:
    return AskedPopulation(
        source="inferred",
        activities=["Survey sent"],
        customers=1000,
        respondents=300,
        never_asked=never,
        rule="invited by 'Survey sent' (inferred)",
    )


def test_the_headline_speaks_for_the_asked_when_some_were_never_asked() -> None:
    r = result(headline=_headline("estimate", 5.0, 1.0, 9.0), asked=_asked(200))
    assert text.headline_text(r).startswith("NPS of the 1,000 asked customers: +5.0")
    everyone = result(headline=_headline("estimate", 5.0, 1.0, 9.0), asked=_asked(0))
    assert text.headline_text(everyone).startswith("NPS of every customer (1,200)")


def test_who_was_asked_the_silent_asked_and_the_never_asked_with_their_truth() -> None:
    assert text.asked_lines(result()) == []
    assert text.asked_lines(result(customers_meaning="1,200 customers")) == [
        "customers: 1,200 customers"
    ]
    figure = Figure(kind="estimate", value=-20.0, low=-30.0, high=-10.0, how="the rest")
    span = Figure(kind="abstain", value=None, low=-50.0, high=10.0, how="unlike them")
    r = result(
        asked=_asked(200),
        silent_asked=figure,
        never_asked=NeverAsked(
            customers=200,
            assumption="like the asked",
            figure=span,
            overlap="none",
            every_customer=span,
        ),
        truth=Truth(
            metric=1.0,
            mean_score=7.0,
            customers=1000,
            rule="r",
            silent_asked=-18.26,
            never_asked=None,
            every_customer=-3.0,
        ),
    )
    assert text.asked_lines(r) == [
        "who was asked: invited by 'Survey sent' (inferred); 1,000 asked, 200 never asked",
        "NPS of the 700 asked customers who did not answer: -20.0 [-30.0, -10.0] (the rest); "
        "truth -18.3",
        "NPS of the 200 never-asked customers: not identified; plausible span -50.0 .. +10.0 "
        "(unlike them); assumes like the asked; overlap: none",
        "NPS of every customer (1,200): not identified; plausible span -50.0 .. +10.0 "
        "(unlike them); truth -3.0",
    ]


def _strategy(name: str, ok: bool, metric: float | None = -7.25) -> Strategy:
    checks = [Check(name="balance", passed=ok, detail="largest difference 0.3")]
    return Strategy(
        name=name,
        assumption=f"{name} holds",
        metric=metric,
        metric_ci=(-9.0, -5.5) if metric is not None else None,
        mean_score=7.456 if metric is not None else None,
        mean_score_ci=None,
        interval="",
        checks=checks,
        survives=ok and metric is not None,
    )


def test_one_row_per_strategy_with_its_verdict() -> None:
    r = result(
        strategies=[_strategy("mar", True), _strategy("shadow", False), _strategy("x", True, None)]
    )
    assert text.strategy_rows(r) == [
        {
            "strategy": "at random given the journey (= doubly robust)",
            "value": "-7.2",
            "interval": "-9.0 .. -5.5",
            "mean score": "7.46",
            "verdict": "kept",
            "assumption": "mar holds",
        },
        {
            "strategy": "score only (shadow variable; = corrected)",
            "value": "-7.2",
            "interval": "-9.0 .. -5.5",
            "mean score": "7.46",
            "verdict": "set aside: balance",
            "assumption": "shadow holds",
        },
        {
            "strategy": "x",
            "value": "-",
            "interval": "-",
            "mean score": "-",
            "verdict": "set aside: no interval",
            "assumption": "x holds",
        },
    ]
    assert text.check_lines(r) == [
        "mar · balance: passed — largest difference 0.3",
        "shadow · balance: FAILED — largest difference 0.3",
        "x · balance: passed — largest difference 0.3",
    ]


def test_the_sensitivity_in_one_sentence_with_where_it_changes_sign() -> None:
    assert text.sensitivity_text(result()) == "no sensitivity analysis (no answering model)"
    points = [
        SensitivityPoint(delta=-0.6, odds_ratio_per_point=0.5488, value=12.0),
        SensitivityPoint(delta=0.6, odds_ratio_per_point=1.8221, value=-8.0),
    ]
    s = Sensitivity(
        strategy="shadow", parameter="delta", points=points, crosses_zero_at=0.2, rule=""
    )
    assert text.sensitivity_text(result(sensitivity=s)) == (
        "if each point of score changed the odds of answering by x0.55 .. x1.82 more than the "
        f"shadow model estimated, the figure would be +12.0 .. -8.0; it changes sign at odds "
        f"x{math.exp(0.2):.2f} per point"
    )
    flat = s.model_copy(update={"crosses_zero_at": None})
    assert text.sensitivity_text(result(sensitivity=flat)).endswith("+12.0 .. -8.0")
    empty = s.model_copy(update={"points": []})
    assert text.sensitivity_text(result(sensitivity=empty)).startswith("no sensitivity")


def test_the_answering_curve_at_both_ends_and_the_middle_of_the_scale() -> None:
    assert text.curve_text(result()).startswith("no answering curve")
    curve = AnsweringCurve(
        strategy="combined",
        shape="linear",
        described="happier customers answer more",
        score_coefficients=[],
        points=[
            CurvePoint(score=float(k), p_answer=0.1 + 0.02 * k, low=None, high=None)
            for k in range(11)
        ],
    )
    assert text.curve_text(result(answering_curve=curve)) == (
        "who answers (combined model, linear): happier customers answer more; P(answer) "
        "score 0: 10%, score 5: 20%, score 10: 30%"
    )


def test_the_results_lines_are_the_headline_asked_curve_and_sensitivity() -> None:
    r = result(customers_meaning="1,200 customers")
    assert r.lines() == [
        text.headline_text(r),
        "customers: 1,200 customers",
        text.curve_text(r),
        text.sensitivity_text(r),
    ]
