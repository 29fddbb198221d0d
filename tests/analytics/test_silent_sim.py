"""The simulated non-response mechanisms (analytics/silent_sim.py): every customer's score
known, who answers decided by the named mechanism, and the (facts, x) pair the silent
estimate takes."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from journeyscope.analytics.silent_sim import MECHANISMS, simulate


def test_unknown_mechanism_is_named() -> None:
    with pytest.raises(ValueError, match="one of random, journey"):
        simulate(10, "randm", 0)
    assert set(MECHANISMS) >= {"random", "journey", "logistic", "nonmonotone", "never_asked"}


# each of these simulates 4,000 customers and bootstraps 60 times (minutes on a shared
# machine): the full run only. The fast lane keeps the pieces they rest on: the combined model
# recovering known effects, the quadratic finding a U shape, the balance check, the headline's
# estimate / range / abstention (the tests above).
@pytest.mark.slow
def test_facts_and_features_describe_the_same_customers_in_the_same_order() -> None:
    facts, x = simulate(300, "journey", seed=2)
    assert list(facts.columns) == ["person", "answers", "score", "truth", "invited"]
    assert facts["person"].tolist() == list(x.index) and facts["person"].is_unique
    assert facts["person"].iloc[0] == "c0000000"
    assert {"events", "rework", "act:Complain", "ch:web", "ch:phone", "ch:email"} <= set(x.columns)
    segments = x[["prop:segment_a", "prop:segment_b", "prop:segment_c"]].to_numpy()
    assert (segments.sum(axis=1) == 1).all()  # one segment each
    assert (x["events"] >= x["rework"] + x["ch:web"] + x["ch:phone"] + 1).all()


def test_only_respondents_have_a_score_and_it_is_their_true_one() -> None:
    facts, _ = simulate(500, "logistic", seed=4)
    answered = facts["answers"].to_numpy() == 1
    score = facts["score"].to_numpy(dtype="float64", na_value=np.nan)
    assert np.isnan(score[~answered]).all()
    assert (score[answered] == facts["truth"].to_numpy()[answered]).all()
    truth = facts["truth"].to_numpy()
    assert ((truth >= 0) & (truth <= 10) & (truth == np.floor(truth))).all()
    assert facts["invited"].eq(1).all()  # everybody was asked


def test_the_same_seed_gives_the_same_customers() -> None:
    first, x1 = simulate(200, "mixture", seed=7)
    again, x2 = simulate(200, "mixture", seed=7)
    pd.testing.assert_frame_equal(first, again)
    pd.testing.assert_frame_equal(x1, x2)
    other, _ = simulate(200, "mixture", seed=8)
    assert not other["truth"].equals(first["truth"])


def test_at_random_about_a_fifth_answer_whatever_their_score() -> None:
    facts, _ = simulate(4_000, "random", seed=1)
    answered = facts["answers"].to_numpy() == 1
    assert answered.mean() == pytest.approx(0.2, abs=0.02)
    truth = facts["truth"].to_numpy()
    assert truth[answered].mean() == pytest.approx(truth.mean(), abs=0.15)


def test_when_answering_follows_the_score_the_respondents_are_happier() -> None:
    facts, _ = simulate(4_000, "logistic", seed=1)
    answered = facts["answers"].to_numpy() == 1
    truth = facts["truth"].to_numpy()
    assert truth[answered].mean() > truth.mean() + 0.3


def test_customers_without_an_email_address_are_never_asked_and_never_answer() -> None:
    facts, x = simulate(1_000, "never_asked", seed=3)
    invited = facts["invited"].to_numpy() == 1
    assert (invited == (x["ch:email"].to_numpy() > 0)).all()
    assert invited.mean() == pytest.approx(0.7, abs=0.05)
    assert (facts["answers"].to_numpy()[~invited] == 0).all()
