"""Who was asked: the asked population, the silent asked, and the never-asked extrapolation,
on hand-made numbers and on simulated customers of whom only some were asked."""

from __future__ import annotations

import numpy as np
import pytest
from analytics_kit import stored

from journeyscope.analytics.silent import SilentQuery, estimate, headline
from journeyscope.analytics.silent_asked import (
    EVERY_CUSTOMER,
    Figure,
    asked_population,
    extrapolate,
    silent_asked,
)
from journeyscope.analytics.silent_sim import simulate
from journeyscope.errors import UnknownNameError
from journeyscope.events import Store

pytestmark = pytest.mark.both_engines  # every test here runs on Spark as well


def test_asked_is_invited_or_answered_and_says_how_it_was_found() -> None:
    invited = np.array([True, True, False, True])
    answered = np.array([True, True, False, False])
    pop, mask = asked_population(None, ["Survey sent"], invited, answered)
    assert mask.tolist() == [True, True, False, True]
    assert (pop.source, pop.customers, pop.respondents, pop.never_asked) == ("inferred", 3, 2, 1)
    assert "'Survey sent'" in pop.rule and "inferred" in pop.rule
    pop, mask = asked_population("Survey sent", ["Survey sent"], ~answered, answered)
    assert mask.all() and pop.source == "option"  # answering proves the question
    pop, mask = asked_population(EVERY_CUSTOMER, ["Survey sent"], invited, answered)
    assert mask.all() and pop.source == "every customer" and pop.never_asked == 0
    pop, mask = asked_population(None, [], invited, answered)
    assert mask.all() and "no activity reads as a survey invitation" in pop.rule
    # an invitation only half the respondents had is another survey's: not inferred
    pop, mask = asked_population(None, ["Survey sent"], np.array([True, False]), np.ones(2, bool))
    assert mask.all() and pop.source == "every customer" and "50% of the respondents" in pop.rule


def test_the_silent_asked_figure_is_the_rest_of_the_asked_ones() -> None:
    # 100 asked at +10 overall, 20 respondents at +50: the 80 silent are (1000 - 1000) / 80 = 0
    f = silent_asked("estimate", 10.0, 5.0, 15.0, 100, 20, 50.0)
    assert f is not None and (f.value, f.low, f.high) == (0.0, -6.25, 6.25)
    assert silent_asked("estimate", 10.0, 5.0, 15.0, 20, 20, 50.0) is None


def test_never_asked_abstains_without_overlap_or_a_headline_estimate() -> None:
    head = Figure(kind="estimate", value=0.0, low=-2.0, high=2.0, how="")
    ok = extrapolate(head, (-10.0, -14.0, -6.0), 0.0, 300, 100)
    assert ok.figure.kind == "estimate" and ok.every_customer.kind == "estimate"
    assert ok.every_customer.value == pytest.approx(-2.5)
    assert ok.every_customer.low == pytest.approx(0.75 * -2 + 0.25 * -14)
    far = extrapolate(head, (-10.0, -14.0, -6.0), 0.3, 300, 100)
    assert far.figure.kind == "abstain" and "unlike any asked one" in far.figure.how
    assert far.every_customer.kind == "abstain"
    ranged = Figure(kind="range", value=None, low=-5.0, high=5.0, how="")
    assert extrapolate(ranged, (-10.0, -14.0, -6.0), 0.0, 300, 100).figure.kind == "abstain"


@pytest.mark.slow
def test_only_the_asked_are_estimated_and_the_never_asked_abstain_when_unlike_them() -> None:
    """The simulation's never-asked mechanism: customers without an e-mail address are never
    asked, the others answer logistic in the score. With who was asked given, the headline
    speaks for the asked customers and covers their truth; the never-asked (no e-mail at
    all) share no journey with the asked, so they are not extrapolated to."""
    facts, x = simulate(3000, "never_asked", seed=11)
    truth = headline("NPS", facts["truth"].to_numpy(dtype="float64"))
    asked = facts["invited"].to_numpy() > 0
    q = SilentQuery(properties=("segment",), truth=None, bootstrap=40, asked="Survey sent")
    r = estimate(q, facts, x, ["Survey sent"])
    assert r.asked is not None and r.asked.customers == int(asked.sum())
    assert r.customers == 3000 and r.response_rate == pytest.approx(
        r.respondents / r.asked.customers, abs=1e-5
    )
    h = r.headline
    assert h is not None and h.low is not None and h.high is not None
    assert h.low <= truth[asked].mean() <= h.high
    assert r.never_asked is not None and r.never_asked.customers == int((~asked).sum())
    assert r.never_asked.figure.kind == "abstain"
    assert r.silent_asked is not None
    assert any(line.startswith("who was asked") for line in r.lines())


def test_an_asked_activity_no_event_has_names_the_closest(small_store: Store, backend: str) -> None:
    with pytest.raises(UnknownNameError, match="closest: 'Survey sent'"):
        stored(small_store, backend).run(SilentQuery(asked="Survey snt"))
