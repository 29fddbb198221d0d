"""Did it help? The outcome and satisfaction of treated vs held-out customers of a journey.

An orchestrated journey with a ``holdout`` assigns each customer, by a stable hash, to the
**treatment** arm (sends go out) or the **holdout** arm (sends become ``Interaction
withheld``, the would-have-sent record); both arms run through the journey's waits and goals.
The comparison is **intention to treat**: a customer belongs to the arm of their first
``Journey entered`` record in the period (the assignment), whether or not anything was sent.

For each journey that has held-out customers, over the entries in the period:

* **outcome rate** — the share of customers with the outcome within ``window`` of their first
  entry. The outcome is an activity (``query.outcome``), by default the journey's own
  ``Journey goal reached`` record (the goals of its design, measured in both arms);
* **satisfaction** — the mean survey score (one survey type) of the customers who answered
  one within ``window`` of their first entry (each customer's answers averaged first);
* **per interaction object** — customers sent it (treatment arm) vs customers it was withheld
  from (holdout arm, "would have sent"), and the outcome rate within ``window`` of the first
  send (or would-have-send) in each.

Differences are treatment minus holdout, with a 95 % interval: Newcombe's hybrid score
interval (from Wilson intervals of each rate) for rates, Welch's *t* interval for means.

Reads the store's ``journey_records`` view (engine records with their stitched customer id,
written by ``journeyscope engine export``) and its events. Pure: :func:`uplift_frame` builds
one Ibis expression (one row per journey, customer and interaction), :func:`summarise`
computes the statistics from its rows.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any, Final

import ibis
from pydantic import BaseModel, ConfigDict, Field
from scipy import stats

from journeyscope.errors import InvalidQueryError, unknown_name

GOAL: Final[str] = "Journey goal reached"
ENTERED: Final[str] = "Journey entered"
SENT: Final[str] = "Interaction sent"
WITHHELD: Final[str] = "Interaction withheld"
TREATMENT: Final[str] = "treatment"
HOLDOUT: Final[str] = "holdout"
Z95: Final[float] = 1.959963984540054
ALL_INTERACTIONS: Final[str] = ""  # the journey-level row of the frame


class UpliftQuery(BaseModel):
    """Which journey (all with a holdout when None), which outcome, over which entries."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    journey: str | None = None
    #: outcome activity; None: the journey's own ``Journey goal reached`` records
    outcome: str | None = None
    #: outcomes and survey answers count within this time after the first entry (or send)
    window: timedelta = Field(default=timedelta(days=30))
    #: entries from this day (UTC, inclusive)
    since: date | None = None
    #: entries up to this day (UTC, inclusive)
    until: date | None = None
    #: survey type for satisfaction (NPS, CSAT, CES); None: the most answered one
    survey_type: str | None = None


class Difference(BaseModel):
    """Treatment vs holdout for one measure: values, customers, difference and its interval."""

    model_config = ConfigDict(frozen=True)

    treated: float | None
    held_out: float | None
    treated_customers: int  # customers the value is computed over, per arm
    held_out_customers: int
    difference: float | None  # treated - held_out
    low: float | None  # 95 % interval of the difference
    high: float | None
    method: str


class InteractionUplift(BaseModel):
    """Sends vs would-have-sends of one interaction object, and the outcome after them."""

    model_config = ConfigDict(frozen=True)

    interaction: str
    sent_customers: int  # treatment-arm customers sent it at least once
    withheld_customers: int  # holdout-arm customers it was withheld from ("would have sent")
    outcome: Difference  # outcome rate within the window after the first (would-have-)send


class JourneyUplift(BaseModel):
    model_config = ConfigDict(frozen=True)

    journey: str
    outcome_activity: str
    treated_customers: int
    held_out_customers: int
    outcome: Difference
    survey_type: str | None
    satisfaction: Difference | None
    interactions: list[InteractionUplift]


class UpliftResult(BaseModel):
    model_config = ConfigDict(frozen=True)

    journeys: list[JourneyUplift]
    without_holdout: list[str]  # journeys entered in the period with no held-out customer
    since: date | None
    until: date | None
    window_days: float
    semantics: str


# ----------------------------------------------------------------------------- statistics


def wilson(successes: int, n: int, z: float = Z95) -> tuple[float, float]:
    """Wilson score interval of a proportion.

    >>> [round(x, 4) for x in wilson(3, 10)]
    [0.1078, 0.6032]
    """
    if n == 0:
        return (math.nan, math.nan)
    p = successes / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return (max(0.0, centre - half), min(1.0, centre + half))


def rate_difference(x1: int, n1: int, x2: int, n2: int) -> Difference:
    """``x1/n1 - x2/n2`` with Newcombe's hybrid score interval (his method 10).

    >>> d = rate_difference(56, 70, 48, 80)  # Newcombe (1998), example (a)
    >>> round(d.difference, 4), round(d.low, 4), round(d.high, 4)
    (0.2, 0.0524, 0.3339)
    """
    method = "Newcombe hybrid score interval (Wilson intervals of each rate), 95 %"
    p1 = x1 / n1 if n1 else None
    p2 = x2 / n2 if n2 else None
    if p1 is None or p2 is None:
        return Difference(
            treated=p1,
            held_out=p2,
            treated_customers=n1,
            held_out_customers=n2,
            difference=None,
            low=None,
            high=None,
            method=method,
        )
    l1, u1 = wilson(x1, n1)
    l2, u2 = wilson(x2, n2)
    d = p1 - p2
    return Difference(
        treated=p1,
        held_out=p2,
        treated_customers=n1,
        held_out_customers=n2,
        difference=d,
        low=d - math.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2),
        high=d + math.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2),
        method=method,
    )


def mean_difference(a: Sequence[float], b: Sequence[float]) -> Difference:
    """``mean(a) - mean(b)`` with Welch's t interval (Welch–Satterthwaite degrees of freedom);
    no interval when an arm has fewer than two values or both have no spread.

    >>> d = mean_difference([1, 2, 3, 4], [1, 2])
    >>> round(d.difference, 3), round(d.low, 3), round(d.high, 3)
    (1.0, -1.343, 3.343)
    """
    method = "Welch t interval (unequal variances), 95 %"
    n1, n2 = len(a), len(b)
    m1 = sum(a) / n1 if n1 else None
    m2 = sum(b) / n2 if n2 else None
    low = high = diff = None
    if m1 is not None and m2 is not None:
        diff = m1 - m2
        if n1 >= 2 and n2 >= 2:
            v1 = sum((x - m1) ** 2 for x in a) / (n1 - 1) / n1
            v2 = sum((x - m2) ** 2 for x in b) / (n2 - 1) / n2
            se = math.sqrt(v1 + v2)
            if se > 0:
                df = (v1 + v2) ** 2 / (v1**2 / (n1 - 1) + v2**2 / (n2 - 1))
                half = float(stats.t.ppf(0.975, df)) * se
                low, high = diff - half, diff + half
            else:
                low = high = diff
    return Difference(
        treated=m1,
        held_out=m2,
        treated_customers=n1,
        held_out_customers=n2,
        difference=diff,
        low=low,
        high=high,
        method=method,
    )


# ------------------------------------------------------------------------------- queries


def _bounds(query: UpliftQuery) -> tuple[datetime | None, datetime | None]:
    start = datetime.combine(query.since, datetime.min.time(), UTC) if query.since else None
    end = (
        datetime.combine(query.until + timedelta(days=1), datetime.min.time(), UTC)
        if query.until
        else None
    )
    if start is not None and end is not None and end <= start:
        raise InvalidQueryError(f"uplift: --until {query.until} is before --since {query.since}")
    return start, end


def entries(records: ibis.Table, query: UpliftQuery) -> ibis.Table:
    """One row per (journey, customer) entered in the period: first entry time and its arm."""
    e = records.filter(
        (records.activity == ENTERED)
        & records.journey.notnull()
        & records.journey_arm.notnull()
        & records.customer_id.notnull()
    )
    if query.journey is not None:
        e = e.filter(e.journey == query.journey)
    start, end = _bounds(query)
    if start is not None:
        e = e.filter(e.timestamp >= start)
    if end is not None:
        e = e.filter(e.timestamp < end)
    return e.group_by(["journey", "customer_id"]).aggregate(
        entered_at=e.timestamp.min(), arm=e.journey_arm.argmin(e.timestamp)
    )


def uplift_frame(
    records: ibis.Table, events: ibis.Table, query: UpliftQuery, survey_type: str | None
) -> ibis.Table:
    """One row per (journey, customer, interaction): the arm; ``interaction`` empty for the
    journey-level row (``since`` = first entry), else the first send or would-have-send;
    ``reached``: the outcome within the window after ``since``; ``score``: the customer's
    mean survey score within the window after the first entry (journey-level rows)."""
    first = entries(records, query)
    window = ibis.interval(seconds=int(query.window.total_seconds()))
    # the outcome: the journey's own goal records, or an activity among all events
    if query.outcome is None:
        o = records.filter(records.activity == GOAL)
        outcomes = o.select(o.journey, o.customer_id, at=o.timestamp)
        by = ["journey", "customer_id"]
    else:
        o = events.filter((events.activity == query.outcome) & events.customer_id.notnull())
        outcomes = o.select(o.customer_id, at=o.timestamp)
        by = ["customer_id"]
    # journey level: since = first entry
    level = first.select(
        "journey",
        "customer_id",
        "arm",
        interaction=ibis.literal(ALL_INTERACTIONS),
        since=first.entered_at,
    )
    # interaction level: first send (treatment arm) or would-have-send (holdout arm)
    s = records.filter(records.activity.isin([SENT, WITHHELD]) & records.interaction.notnull())
    s = s.join(first, ["journey", "customer_id"])
    s = s.filter(
        ((s.arm == TREATMENT) & (s.activity == SENT))
        | ((s.arm == HOLDOUT) & (s.activity == WITHHELD))
    )
    s = s.filter(s.timestamp >= s.entered_at)
    sends = s.group_by(["journey", "customer_id", "arm", "interaction"]).aggregate(
        since=s.timestamp.min()
    )
    rows = level.union(sends.select(level.columns))
    hit = rows.join(outcomes, by, how="left")
    hit = hit.mutate(
        hit=(hit.at.notnull() & (hit.at >= hit.since) & (hit.at <= hit.since + window)).cast(
            "int64"
        )
    )
    reached = hit.group_by(["journey", "customer_id", "arm", "interaction"]).aggregate(
        reached=hit.hit.max()
    )
    if survey_type is None:
        return reached.mutate(score=ibis.null("float64"))
    sv = events.filter(
        events.survey_score.notnull()
        & (events.survey_type == survey_type)
        & events.customer_id.notnull()
    )
    j = first.join(
        sv.select(sv.customer_id, sat=sv.timestamp, value=sv.survey_score), "customer_id"
    )
    j = j.filter((j.sat >= j.entered_at) & (j.sat <= j.entered_at + window))
    scores = j.group_by(["journey", "customer_id"]).aggregate(score=j.value.mean())
    out = reached.left_join(
        scores,
        (reached.journey == scores.journey)
        & (reached.customer_id == scores.customer_id)
        & (reached.interaction == ALL_INTERACTIONS),
    )
    return out.select(
        journey=reached.journey,
        customer_id=reached.customer_id,
        arm=reached.arm,
        interaction=reached.interaction,
        reached=reached.reached,
        score=scores.score,
    )


def checks(records: ibis.Table, events: ibis.Table, query: UpliftQuery) -> dict[str, ibis.Table]:
    """Names to validate first: journeys entered, activities, answered survey types."""
    j = records.filter(records.activity == ENTERED)
    sv = events.filter(events.survey_score.notnull() & events.survey_type.notnull())
    return {
        "journeys": j.group_by("journey").aggregate(n=j.count()),
        "activities": events.select(name=events.activity).distinct(),
        "surveys": sv.group_by(name=sv.survey_type).aggregate(n=sv.count()),
    }


def survey_of(query: UpliftQuery, rows: Mapping[str, list[dict[str, Any]]]) -> str | None:
    """The survey type to compare: the asked one (checked), else the most answered one."""
    answered = {str(r["name"]): int(r["n"]) for r in rows["surveys"]}
    if query.survey_type is not None:
        asked = query.survey_type.upper()
        if asked not in answered:
            raise unknown_name("survey type", asked, sorted(answered), "uplift --survey")
        return asked
    return max(sorted(answered), key=lambda k: answered[k]) if answered else None


def validate(query: UpliftQuery, rows: Mapping[str, list[dict[str, Any]]]) -> None:
    journeys = sorted(str(r["journey"]) for r in rows["journeys"] if r["journey"] is not None)
    if not journeys:
        raise InvalidQueryError(
            "uplift: the store has no engine records (Journey entered); export them with "
            "`journeyscope engine export` first"
        )
    if query.journey is not None and query.journey not in journeys:
        raise unknown_name("journey", query.journey, journeys, "uplift")
    if query.outcome is not None:
        known = sorted(str(r["name"]) for r in rows["activities"] if r["name"] is not None)
        if query.outcome not in known:
            raise unknown_name("activity", query.outcome, known, "uplift --outcome")


# ------------------------------------------------------------------------------- results


def summarise(
    query: UpliftQuery, frame: Sequence[Mapping[str, Any]], survey_type: str | None
) -> UpliftResult:
    """The statistics of :func:`uplift_frame`'s rows."""
    level: dict[str, dict[str, list[Mapping[str, Any]]]] = defaultdict(lambda: defaultdict(list))
    per: dict[tuple[str, str], dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
    for r in frame:
        if r["interaction"] == ALL_INTERACTIONS:
            level[str(r["journey"])][str(r["arm"])].append(r)
        else:
            per[(str(r["journey"]), str(r["interaction"]))][str(r["arm"])].append(
                int(r["reached"] or 0)
            )
    journeys, without = [], []
    for name in sorted(level):
        arms = level[name]
        t, h = arms.get(TREATMENT, []), arms.get(HOLDOUT, [])
        if not h:
            without.append(name)
            continue
        outcome = rate_difference(
            sum(int(r["reached"] or 0) for r in t),
            len(t),
            sum(int(r["reached"] or 0) for r in h),
            len(h),
        )
        satisfaction = None
        if survey_type is not None:
            satisfaction = mean_difference(
                [float(r["score"]) for r in t if r["score"] is not None],
                [float(r["score"]) for r in h if r["score"] is not None],
            )
        interactions = [
            InteractionUplift(
                interaction=i,
                sent_customers=len(groups.get(TREATMENT, [])),
                withheld_customers=len(groups.get(HOLDOUT, [])),
                outcome=rate_difference(
                    sum(groups.get(TREATMENT, [])),
                    len(groups.get(TREATMENT, [])),
                    sum(groups.get(HOLDOUT, [])),
                    len(groups.get(HOLDOUT, [])),
                ),
            )
            for (j, i), groups in sorted(per.items())
            if j == name
        ]
        journeys.append(
            JourneyUplift(
                journey=name,
                outcome_activity=query.outcome or f"{GOAL} ({name})",
                treated_customers=len(t),
                held_out_customers=len(h),
                outcome=outcome,
                survey_type=survey_type,
                satisfaction=satisfaction,
                interactions=interactions,
            )
        )
    return UpliftResult(
        journeys=journeys,
        without_holdout=without,
        since=query.since,
        until=query.until,
        window_days=query.window.total_seconds() / 86400,
        semantics=semantics(query, survey_type),
    )


def semantics(query: UpliftQuery, survey_type: str | None) -> str:
    days = f"{query.window.total_seconds() / 86400:g} days"
    period = (
        f"entries from {query.since or 'the first record'} to {query.until or 'the last'} (UTC)"
    )
    outcome = (
        f"outcome = an '{query.outcome}' event"
        if query.outcome
        else "outcome = the journey's own 'Journey goal reached' record"
    )
    survey = (
        f"satisfaction = mean {survey_type} score of the customers who answered one within "
        f"{days} of their first entry (their answers averaged first)"
        if survey_type
        else "satisfaction = none (no survey answers)"
    )
    return (
        "Intention to treat: customers = stitched customers with a 'Journey entered' record "
        f"in the period ({period}), each in the arm of their first entry (the journey's "
        f"holdout assignment, whether or not anything was sent); {outcome} within {days} of "
        f"the first entry; {survey}; per interaction object: treatment-arm customers sent it vs "
        "holdout-arm customers it was withheld from (would have sent), outcome within "
        f"{days} of the first (would-have-)send; difference = treatment - holdout; 95 % "
        "intervals: Newcombe hybrid score (rates), Welch t (means)"
    )


def uplift(records: ibis.Table | None, events: ibis.Table, query: UpliftQuery) -> UpliftResult:
    """Run the analysis: ``records`` is the store's ``journey_records`` view (None when the
    store has none: an error saying how to export them)."""
    if records is None:
        raise InvalidQueryError(
            "uplift: the store has no engine records; export them with "
            "`journeyscope engine export` first"
        )
    rows = {k: v.to_pyarrow().to_pylist() for k, v in checks(records, events, query).items()}
    validate(query, rows)
    survey_type = survey_of(query, rows)
    frame = uplift_frame(records, events, query, survey_type).to_pyarrow().to_pylist()
    return summarise(query, frame, survey_type)
