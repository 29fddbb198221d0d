"""A family of non-response mechanisms with a known truth, for testing the silent estimates.

Independent of :mod:`journeyscope.synthetic` (whose single mechanism the silent estimator
was first built on): customers get a segment, channel use, a complaint flag, a sentiment and
an NPS answer (0-10) they *would* give; then one of :data:`MECHANISMS` decides who answers.
:func:`simulate` returns the ``(facts, x)`` pair that
:func:`journeyscope.analytics.silent.estimate` takes, with ``truth`` every customer's score
and ``invited`` whether they were asked (1) or not (0).

>>> facts, x = simulate(200, "random", seed=1)
>>> len(facts), int(facts["answers"].sum()) < 200, "ch:phone" in x.columns
(200, True, True)
"""

from __future__ import annotations

from typing import Final

import numpy as np
import pandas as pd

#: Who answers, in words (the generator's own ground truth).
MECHANISMS: Final[dict[str, str]] = {
    "random": "everybody answers with probability 0.2",
    "journey": (
        "answering depends on the journey only: callers, customers with an e-mail address "
        "and complainers answer more, segment c less (logit -2.4 + 0.9 called + 1.1 email "
        "+ 0.9 complained - 0.6 segment c)"
    ),
    "logistic": "answering is logistic in the score: logit -2.2 + 0.42 (score - 5)",
    "nonmonotone": (
        "the least and the most satisfied answer more: logit -2.1 + 0.09 (score - 5)^2"
    ),
    "never_asked": (
        "customers without an e-mail address (30%) are never asked; the others answer "
        "logistic in the score (logit -1.9 + 0.42 (score - 5))"
    ),
    "mixture": (
        "journey and score together: logit -2.6 + 0.8 called + 0.9 email - 0.5 segment c "
        "+ 0.3 (score - 5)"
    ),
}


def simulate(n: int, mechanism: str, seed: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``n`` customers whose answering follows ``mechanism`` (a key of :data:`MECHANISMS`)."""
    if mechanism not in MECHANISMS:
        raise ValueError(f"unknown mechanism {mechanism!r}; one of {', '.join(MECHANISMS)}")
    rng = np.random.default_rng(seed)
    segment = rng.choice(np.array(["a", "b", "c"]), size=n, p=[0.5, 0.3, 0.2])
    latent = rng.normal(0, 1, n)
    problem = rng.random(n) < 1 / (1 + np.exp(-(-1.0 - 0.6 * latent)))
    phone = rng.poisson(0.3 + 1.2 * problem)
    web = rng.poisson(4, n)
    email = rng.random(n) < 0.7
    mails = email * rng.poisson(1.5, n)
    complained = problem & (rng.random(n) < 0.5)
    rework = rng.poisson(0.3 + 1.5 * problem)
    sentiment = latent + rng.normal(0, 0.8, n)
    seg_effect = np.select([segment == "b", segment == "c"], [0.5, -0.8], 0.0)
    true = (
        7.2
        + 1.5 * latent
        - 1.0 * problem
        - 0.3 * phone
        - 0.8 * complained
        + seg_effect
        + rng.normal(0, 1.0, n)
    )
    score = np.clip(np.floor(true + 0.5), 0, 10)
    called, seg_c = (phone > 0).astype(float), (segment == "c").astype(float)
    asked = np.ones(n, dtype=bool)
    y5 = score - 5
    if mechanism == "random":
        logit = np.full(n, np.log(0.2 / 0.8))
    elif mechanism == "journey":
        logit = -2.4 + 0.9 * called + 1.1 * email + 0.9 * complained - 0.6 * seg_c
    elif mechanism == "logistic":
        logit = -2.2 + 0.42 * y5
    elif mechanism == "nonmonotone":
        logit = -2.1 + 0.09 * y5**2
    elif mechanism == "never_asked":
        asked = email
        logit = -1.9 + 0.42 * y5
    else:
        logit = -2.6 + 0.8 * called + 0.9 * email - 0.5 * seg_c + 0.3 * y5
    answered = asked & (rng.random(n) < 1 / (1 + np.exp(-logit)))
    person = [f"c{i:07d}" for i in range(n)]
    facts = pd.DataFrame(
        {
            "person": person,
            "answers": answered.astype(int),
            "score": pd.array(np.where(answered, score, np.nan), dtype="Float64"),
            "truth": score,
            "invited": asked.astype(int),
        }
    )
    x = pd.DataFrame(
        {
            "events": (web + phone + mails + rework + 1).astype(float),
            "rework": rework.astype(float),
            "sentiment_mean": sentiment,
            "sentiments": np.ones(n),
            "other_surveys": np.zeros(n),
            "act:Complain": complained.astype(float),
            "ch:web": web.astype(float),
            "ch:phone": phone.astype(float),
            "ch:email": mails.astype(float) + email,
        },
        index=pd.Index(person),
    )
    dummies = pd.get_dummies(pd.Series(segment, index=x.index), prefix="prop:segment", dtype=float)
    return facts, x.join(dummies)
