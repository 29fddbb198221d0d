"""Who was asked: the population the silent-customer estimate speaks for, and the
extrapolation to the customers who were never asked.

Survey programmes ask only some customers (those who finished, those with an e-mail address
on file, a sample). Answering can only be modelled among customers who were *asked*; the
customers who were never asked are a different question, answered only under a stronger
assumption. The ``asked`` option of :class:`journeyscope.analytics.silent.SilentQuery`:

* an activity name (``"Survey sent"``): asked = customers with at least one such event, or
  who answered (an answer proves the question);
* ``"every customer"``: everybody was asked (the estimate speaks for every customer);
* not given: inferred from the activity names: activities that read as a survey invitation
  (:data:`INVITATION_PATTERN`, e.g. "Survey sent", "NPS invitation"); every customer when
  none does. What was inferred is stated in the result.

Invitation events are left out of the journey features (like the survey's own answers):
being asked is the condition, not a clue to the score.

>>> import re
>>> [bool(re.search(INVITATION_PATTERN, a)) for a in ("Survey sent", "NPS invitation", "Send offer")]
[True, True, False]
"""

from __future__ import annotations

from typing import Final, Literal

import ibis
import numpy as np
from pydantic import BaseModel

#: The ``asked`` value meaning that everybody was asked.
EVERY_CUSTOMER: Final = "every customer"

#: Activity names that read as a survey invitation (case-insensitive).
INVITATION_PATTERN: Final = (
    r"(?i)((survey|questionnaire|feedback|nps|csat|ces)\b.*\b(sent|send|invit\w*|request\w*"
    r"|issued|delivered))|((invit\w*|request\w*|send)\b.*\b(survey|questionnaire|feedback"
    r"|nps|csat|ces))"
)

#: An inferred invitation needs at least this share of the respondents to have had one.
MIN_INVITED: Final = 0.95

#: What must hold for the never-asked figure, in one sentence.
NEVER_ASKED_ASSUMPTION: Final = (
    "whether a customer was asked depends only on what their journey shows, so never-asked "
    "customers would score like asked customers with the same journey (a stronger assumption "
    "than the asked customers' own estimate needs: nothing in the answers can check it)"
)


def invitation(t: ibis.Table, asked: str | None) -> ibis.BooleanValue | None:
    """Which events are survey invitations under ``asked`` (None: nobody singled out)."""
    if asked == EVERY_CUSTOMER:
        return None
    if asked is None:
        return t.activity.re_search(INVITATION_PATTERN).fill_null(False)
    return (t.activity == asked).fill_null(False)


class AskedPopulation(BaseModel):
    """Who was asked: the population the headline speaks for."""

    source: Literal["option", "inferred", "every customer"]
    activities: list[str]
    customers: int
    respondents: int
    never_asked: int
    rule: str


def asked_population(
    asked: str | None, activities: list[str], invited: np.ndarray, answered: np.ndarray
) -> tuple[AskedPopulation, np.ndarray]:
    """The asked population and its mask (invited or answered), in words. An inferred
    invitation counts only when at least :data:`MIN_INVITED` of the respondents had one (an
    invitation to another survey does not say who was asked this one)."""
    share = float(invited[answered].mean()) if answered.any() else 0.0
    if asked is None and activities and share < MIN_INVITED:
        named = ", ".join(repr(a) for a in activities)
        return (
            AskedPopulation(
                source="every customer",
                activities=[],
                customers=len(answered),
                respondents=int(answered.sum()),
                never_asked=0,
                rule=f"every customer was taken as asked: {named} reads as a survey invitation "
                f"but only {share:.0%} of the respondents had one (needs {MIN_INVITED:.0%}; "
                "give who was asked with --asked)",
            ),
            np.ones(len(answered), dtype=bool),
        )
    if asked == EVERY_CUSTOMER or not activities:
        mask = np.ones(len(answered), dtype=bool)
        source: Literal["option", "inferred", "every customer"] = "every customer"
        rule = (
            "every customer was asked (--asked 'every customer')"
            if asked == EVERY_CUSTOMER
            else "every customer was taken as asked: no activity reads as a survey invitation "
            "(give one with --asked)"
        )
    else:
        mask = invited | answered
        source = "option" if asked is not None else "inferred"
        named = ", ".join(repr(a) for a in activities)
        how = "given with --asked" if asked is not None else "inferred from the activity names"
        rule = (
            f"asked = customers with a {named} event or an answer ({how}); the estimate is "
            f"the score of the asked customers, answered or silent"
        )
    return (
        AskedPopulation(
            source=source,
            activities=activities,
            customers=int(mask.sum()),
            respondents=int(answered[mask].sum()),
            never_asked=int((~mask).sum()),
            rule=rule,
        ),
        mask,
    )


class Figure(BaseModel):
    """One figure with its interval, or a span when it is not identified."""

    kind: Literal["estimate", "range", "abstain"]
    value: float | None
    low: float | None
    high: float | None
    how: str


class NeverAsked(BaseModel):
    """The extrapolation to customers who were never asked, and every customer together."""

    customers: int
    assumption: str
    figure: Figure
    overlap: str
    every_customer: Figure


def silent_asked(
    kind: Literal["estimate", "range", "abstain"],
    value: float | None,
    low: float | None,
    high: float | None,
    asked: int,
    respondents: int,
    respondents_mean: float,
) -> Figure | None:
    """The metric of the asked customers who did not answer, from that of every asked
    customer: ``(asked x all - respondents x respondents' mean) / silent``, the respondents'
    answers being known."""
    silent = asked - respondents
    if silent <= 0:
        return None

    def of(v: float | None) -> float | None:
        return (
            None if v is None else round((asked * v - respondents * respondents_mean) / silent, 4)
        )

    return Figure(
        kind=kind,
        value=of(value),
        low=of(low),
        high=of(high),
        how=(
            f"from the asked customers' figure: ({asked:,} x it - {respondents:,} x the "
            f"respondents' mean {respondents_mean:+.1f}) / {silent:,} silent, its interval "
            "mapped the same way (the respondents' answers are known)"
        ),
    )


def extrapolate(
    head: Figure,
    transported: tuple[float, float, float] | None,
    overlap_share: float,
    asked: int,
    never: int,
) -> NeverAsked:
    """The never-asked figure (the headline strategy's respondents reweighted to look like
    the never-asked) and every customer's, or abstentions saying why."""
    overlap = (
        f"{overlap_share:.1%} of never-asked customers have under 1% chance of being asked "
        "given their journey (allowed 2%)"
    )
    ok = overlap_share <= 0.02
    if head.kind != "estimate" or transported is None or not ok:
        why = (
            "the asked customers' own figure is not a single estimate"
            if head.kind != "estimate"
            else "never-asked journeys are unlike any asked one (" + overlap + ")"
            if not ok
            else "the headline strategy gave no reweighted figure"
        )
        figure = Figure(
            kind="abstain", value=None, low=None, high=None, how="not identified: " + why
        )
        every = Figure(
            kind="abstain",
            value=None,
            low=None,
            high=None,
            how="not identified: the never-asked customers' figure is not (" + why + ")",
        )
        return NeverAsked(
            customers=never,
            assumption=NEVER_ASKED_ASSUMPTION,
            figure=figure,
            overlap=overlap,
            every_customer=every,
        )
    value, low, high = transported
    figure = Figure(
        kind="estimate",
        value=round(value, 4),
        low=round(low, 4),
        high=round(high, 4),
        how=(
            "the headline strategy's weighted respondents, reweighted by the odds of never "
            "being asked given the journey (cross-fitted trees); its interval refits the "
            "answering model, the asking model held fixed"
        ),
    )
    share = never / (asked + never)
    assert head.value is not None and head.low is not None and head.high is not None

    def mix(a: float, b: float) -> float:
        return round((1 - share) * a + share * b, 4)

    every = Figure(
        kind="estimate",
        value=mix(head.value, value),
        low=mix(head.low, low),
        high=mix(head.high, high),
        how=(
            f"asked ({1 - share:.1%}) and never-asked ({share:.1%}) figures weighted by their "
            "customers; interval: their intervals' ends weighted the same way (conservative)"
        ),
    )
    return NeverAsked(
        customers=never,
        assumption=NEVER_ASKED_ASSUMPTION,
        figure=figure,
        overlap=overlap,
        every_customer=every,
    )
