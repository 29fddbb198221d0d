"""What each customer went through, one row each: the features the statistical analyses learn from.

:func:`customer_features` builds lazy expressions (it never executes): a wide table with one
row per customer, and two long tables (customer, activity, count) and (customer, channel,
count) that :func:`feature_matrix` pivots once they have run. The survey being studied is
left out of every feature: its answers are the *target*, never an input.

>>> from journeyscope.events import Store
>>> events = with_person(Store(":memory:").events(), CaseRule.given())
>>> exprs = customer_features(events, "NPS")
>>> sorted(exprs)
['activities', 'channels', 'customers']
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Final

import ibis
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from journeyscope.analytics.cases import CaseRule, epoch_seconds, person, property_value, with_cases
from journeyscope.events.schema import SURVEY_SCALES

#: At most this many activities (the most frequent) and channels become count features.
MAX_ACTIVITIES: Final = 60
MAX_CHANNELS: Final = 20


def with_person(events: ibis.Table, rule: CaseRule) -> ibis.Table:
    """The events that fall in a case under ``rule``, with ``person``: the customer (or the
    case, where no customer is known)."""
    t = with_cases(events, rule)
    return t.mutate(person=person(t))


def customer_features(
    t: ibis.Table,
    survey: str,
    properties: tuple[str, ...] = (),
    truth: str | None = None,
    invitation: ibis.BooleanValue | None = None,
) -> dict[str, ibis.Table]:
    """Expressions describing each customer of ``t`` (events :func:`with_person`).

    ``customers`` has ``person``, ``events``, ``cases``, ``activities``, ``span_days``,
    ``sentiment_mean`` / ``sentiments``, ``other_survey_mean`` / ``other_surveys`` (other
    survey types, scaled to 0..1), ``cost``, one column per name in ``properties``
    (``prop_<name>``, the customer's smallest value), ``answers`` and ``score`` (the last
    answer of ``survey`` by time) and, when ``truth`` names a property, ``truth`` (its mean).
    With an ``invitation`` (which events invite to the survey): ``invited`` (their count per
    customer), those events left out of every feature, and ``invitations`` (each invitation
    activity with its customers).
    """
    answer = (t.survey_type == survey).fill_null(False) & t.survey_score.notnull()
    target = answer if invitation is None else answer | invitation
    other = t.survey_type.notnull() & t.survey_score.notnull() & ~target
    scaled = ibis.cases(
        *[
            (t.survey_type == name, (t.survey_score - lo) / (hi - lo))
            for name, (lo, hi) in SURVEY_SCALES.items()
        ],
        else_=ibis.null("float64"),
    )
    seconds = epoch_seconds(t.timestamp)
    aggregates: dict[str, ibis.Value] = {
        "events": t.count(where=~target),
        "cases": t.case.nunique(where=~target),
        "activities": t.activity.nunique(where=~target),
        "span_days": (seconds.max(where=~target).cast("float64") - seconds.min(where=~target))
        / 86400.0,
        "sentiment_mean": t.sentiment.mean(where=~target),
        "sentiments": t.sentiment.count(where=~target),
        "other_survey_mean": scaled.mean(where=other),
        "other_surveys": t.count(where=other),
        "cost": t.cost.sum(where=~target),
        "identified": t.customer_id.count(),
        "answers": t.count(where=answer),
        "score": t.survey_score.argmax(t.timestamp, where=answer),
    }
    if invitation is not None:
        aggregates["invited"] = t.count(where=invitation & ~answer)
    for name in properties:
        aggregates[f"prop_{name}"] = property_value(t, name).min()
    if truth is not None:
        aggregates["truth"] = property_value(t, truth).cast("float64").mean()
    base = t.filter(~target)
    used = base.filter(base.channel.notnull())
    exprs = {
        "customers": t.group_by("person").aggregate(**aggregates),
        "activities": base.group_by(["person", "activity"]).aggregate(n=base.count()),
        "channels": used.group_by(["person", "channel"]).aggregate(n=used.count()),
    }
    if invitation is not None:
        sent = t.filter(invitation & ~answer)
        exprs["invitations"] = sent.group_by("activity").aggregate(customers=sent.person.nunique())
    return exprs


def feature_matrix(
    customers: pa.Table, activities: pa.Table, channels: pa.Table, properties: tuple[str, ...]
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Pivot the executed expressions into (facts, X): facts keeps ``person``, ``answers``,
    ``score`` and ``truth``; X is the numeric design matrix, one row per customer, same order.

    Missing sentiment or other-survey means are 0 with their count beside them (a count of 0
    says "not observed"); properties become one-hot columns; activity and channel counts are
    kept for the most frequent :data:`MAX_ACTIVITIES` activities and :data:`MAX_CHANNELS`
    channels.

    X is one float32 block filled in place (the models read float32; counts are exact in it
    up to 2**24): the long tables are pivoted in Arrow and NumPy (no pandas copy of their
    text columns, no join per block), so a million customers cost the matrix and little
    beside it, and :func:`as_array` hands the same block on without a copy.
    """
    facts = customers.to_pandas().sort_values("person", kind="stable").reset_index(drop=True)
    index = pd.Index(facts["person"])
    persons = pa.array(facts["person"].to_numpy(), type=customers.schema.field("person").type)

    def column(name: str) -> np.ndarray:
        values: np.ndarray = facts[name].astype("float64").fillna(0).to_numpy()
        return values

    counted = ("events", "cases", "activities", "span_days", "sentiments", "other_surveys")
    base = {name: column(name) for name in counted}
    base["rework"] = base["events"] - base["activities"]
    for name in ("sentiment_mean", "other_survey_mean", "cost"):
        base[name] = column(name)
    act_names, act_fill = _top(activities, "activity", "act", MAX_ACTIVITIES)
    ch_names, ch_fill = _top(channels, "channel", "ch", MAX_CHANNELS)
    dummies = [
        pd.get_dummies(
            facts[f"prop_{name}"].astype("string").fillna("(none)"),
            prefix=f"prop:{name}",
            dtype="float64",
        )
        for name in properties
    ]
    names = [*base, *act_names, *ch_names, *(c for d in dummies for c in d.columns)]
    x = np.zeros((len(facts), len(names)), dtype=np.float32)
    for j, values in enumerate(base.values()):
        x[:, j] = values
    at = len(base)
    for fill, width in ((act_fill, len(act_names)), (ch_fill, len(ch_names))):
        fill(x[:, at : at + width], persons)
        at += width
    for d in dummies:
        x[:, at : at + d.shape[1]] = d.to_numpy()
        at += d.shape[1]
    return facts, pd.DataFrame(x, index=index, columns=names, copy=False)


def _top(
    long: pa.Table, key: str, prefix: str, keep: int
) -> tuple[list[str], Callable[[np.ndarray, pa.Array], None]]:
    """The ``keep`` most frequent values of ``key`` in ``long`` (person, key, n), as column
    names, and a function adding their counts into a block of X (rows in ``persons`` order)."""
    # the rows without a value are left out by their totals, not by a filtered copy of the
    # whole long table (at a million customers the activities' table is 300 MB): a row
    # whose value is not among the top ones adds nothing below
    totals = long.group_by(key).aggregate([("n", "sum")])
    totals = totals.filter(pc.is_valid(totals[key]))
    if totals.num_rows == 0:
        return [], lambda block, persons: None
    totals = totals.sort_by([("n_sum", "descending"), (key, "ascending")])
    top = totals.column(key).slice(0, keep).combine_chunks()

    def fill(block: np.ndarray, persons: pa.Array) -> None:
        rows = pc.index_in(long["person"], value_set=persons)
        cols = pc.index_in(long[key], value_set=top)
        ok = pc.and_(pc.is_valid(rows), pc.is_valid(cols))
        np.add.at(
            block,
            (rows.filter(ok).to_numpy(), cols.filter(ok).to_numpy()),
            long["n"].filter(ok).to_numpy().astype("float64"),
        )

    return [f"{prefix}:{name}" for name in top.to_pylist()], fill


def as_array(x: pd.DataFrame) -> np.ndarray:
    """The design matrix as float32 (the block :func:`feature_matrix` built, not a copy)."""
    values: np.ndarray = x.to_numpy(dtype=np.float32)
    return values
