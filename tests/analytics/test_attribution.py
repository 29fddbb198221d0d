"""Attribution models against hand computation on declared journeys; Shapley against the
permutation formula by enumeration; every model's credits summing to the conversions."""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from analytics_kit import RealLog, as_json, backend_for, journeys, stored
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from event_logs import logs
from journeyscope.analytics import Backend, CaseRule, FunnelQuery, InvalidQueryError
from journeyscope.analytics.attribution import (
    MODELS,
    NO_TOUCH,
    AttributionQuery,
    AttributionResult,
    removal_effects,
    run_attribution,
)
from journeyscope.events import Store
from lanes import examples

Declared = Callable[..., Backend]

LOG = {
    "c1": "A/web@0 B/email@1 C/phone@2 Buy@3",
    "c2": "A/web@0 Buy@1",
    "d3": "A/email@0 X@5",
    "c4": "Buy@0",
}


def credit(result: AttributionResult, model: str) -> dict[str, float]:
    found = next(m for m in result.overall.models if m.model == model)
    return {c.touchpoint: c.conversions for c in found.credits}


def test_rule_based_models_by_hand(declared: Declared) -> None:
    r = run_attribution(declared(LOG), AttributionQuery(conversions=("Buy",)))
    assert (r.overall.cases, r.overall.conversions) == (4, 3)
    assert r.overall.conversions_without_touchpoint == 1  # c4 converts with no touchpoint
    # c1's path web, email, phone; c2's path web; c4 none
    assert credit(r, "first") == {"web": 2.0, NO_TOUCH: 1.0}
    assert credit(r, "last") == {"phone": 1.0, "web": 1.0, NO_TOUCH: 1.0}
    assert credit(r, "linear") == pytest.approx(
        {"web": 1 + 1 / 3, "email": 1 / 3, "phone": 1 / 3, NO_TOUCH: 1.0}, abs=1e-6
    )
    assert credit(r, "position") == pytest.approx(
        {"web": 1.4, "email": 0.2, "phone": 0.4, NO_TOUCH: 1.0}
    )
    assert credit(r, "j") == pytest.approx({"web": 1.2, "email": 0.2, "phone": 0.6, NO_TOUCH: 1.0})
    assert credit(r, "inverse_j") == pytest.approx(
        {"web": 1.6, "email": 0.2, "phone": 0.2, NO_TOUCH: 1.0}
    )
    assert r.overall.touchpoints_per_conversion == 2.0  # (3 + 1) / 2 attributed conversions
    assert "first of: Buy" in r.semantics and "30 days" in r.semantics


def test_two_touchpoints_share_the_middle_in_proportion(declared: Declared) -> None:
    r = run_attribution(
        declared({"c1": "A/web@0 B/app@1 Buy@2"}), AttributionQuery(conversions=("Buy",))
    )
    assert credit(r, "position") == pytest.approx({"web": 0.5, "app": 0.5})
    assert credit(r, "j") == pytest.approx({"web": 0.25, "app": 0.75})
    assert credit(r, "inverse_j") == pytest.approx({"web": 0.75, "app": 0.25})


def test_time_decay_and_lookback_by_hand(declared: Declared) -> None:
    # ages 14, 7 and 0 days before the conversion at day 14 (unit: one day)
    backend = declared(
        {"c1": "A/web@0 B/app@7 C/email@14 Buy@14", "c2": "A/letter@-30 Buy@14"},
        unit=timedelta(days=1),
    )
    q = AttributionQuery(
        conversions=("Buy",), half_life=timedelta(days=7), lookback=timedelta(days=20)
    )
    r = run_attribution(backend, q)
    w = [0.25, 0.5, 1.0]  # 2^(-14/7), 2^(-7/7), 2^0
    expected = {"web": w[0] / sum(w), "app": w[1] / sum(w), "email": w[2] / sum(w)}
    # c2's letter is 44 days before its conversion: outside the 20-day lookback
    assert credit(r, "time_decay") == pytest.approx({**expected, NO_TOUCH: 1.0}, abs=1e-6)
    assert r.overall.conversions_without_touchpoint == 1
    wide = run_attribution(backend, q.model_copy(update={"lookback": None}))
    assert credit(wide, "first") == {"web": 1.0, "letter": 1.0}


def test_markov_removal_effects_by_hand(declared: Declared) -> None:
    r = run_attribution(declared(LOG), AttributionQuery(conversions=("Buy",)))
    # start->web 2/3, start->email 1/3; web->email 1/2, web->conv 1/2;
    # email->phone 1/2, email->null 1/2; phone->conv 1. P = 2/3 * 3/4 + 1/3 * 1/2 = 2/3
    assert r.overall.conversion_probability == pytest.approx(2 / 3, abs=1e-6)
    effects = {e.touchpoint: e.removal_effect for e in r.overall.removal_effects}
    assert effects == pytest.approx({"web": 0.75, "email": 0.5, "phone": 0.5}, abs=1e-6)
    assert credit(r, "markov") == pytest.approx(
        {"web": 2 * 0.75 / 1.75, "email": 2 * 0.5 / 1.75, "phone": 2 * 0.5 / 1.75, NO_TOUCH: 1},
        abs=1e-5,
    )


def test_removal_effects_of_a_single_channel() -> None:
    counts = {("(start)", "a"): 4, ("a", "(conversion)"): 1, ("a", "(null)"): 3}
    assert removal_effects(counts) == (0.25, {"a": 1.0})


def reference_shapley(paths: list[tuple[set[str], bool]]) -> dict[str, float]:
    """The Shapley value by its permutation formula: the average marginal worth of each player
    over every ordering, with v(S) = conversions whose touchpoint set lies within S."""
    players = sorted(set().union(*(s for s, _ in paths)))

    def worth(coalition: set[str]) -> int:
        return sum(1 for s, converted in paths if converted and s and s <= coalition)

    values = dict.fromkeys(players, 0.0)
    orders = list(itertools.permutations(players))
    for order in orders:
        seen: set[str] = set()
        for p in order:
            before = worth(seen)
            seen.add(p)
            values[p] += worth(seen) - before
    return {p: v / len(orders) for p, v in values.items() if v}


def test_shapley_matches_enumeration(declared: Declared) -> None:
    log = {
        "c1": "A/web@0 B/email@1 A/web@2 Buy@3",
        "c2": "A/web@0 B/phone@1 Buy@2",
        "c3": "A/app@0 B/phone@1 C/email@2 Buy@3",
        "c4": "A/app@0 Buy@1",
        "c5": "A/web@0 B/app@1 C/phone@2 D/email@3 Buy@4",
        "c6": "A/email@0 B/web@1",  # no conversion: worth nothing
    }
    paths = [
        ({"web", "email"}, True),
        ({"web", "phone"}, True),
        ({"app", "phone", "email"}, True),
        ({"app"}, True),
        ({"web", "app", "phone", "email"}, True),
        ({"email", "web"}, False),
    ]
    r = run_attribution(declared(log), AttributionQuery(conversions=("Buy",)))
    assert credit(r, "shapley") == pytest.approx(reference_shapley(paths), abs=1e-6)


def test_segments_add_up_to_the_whole(declared: Declared) -> None:
    log = {**LOG, "e5": "A/app@0 B/web@1 Buy@2", "e6": "A/app@0"}
    r = run_attribution(declared(log), AttributionQuery(conversions=("Buy",), breakdown="segment"))
    assert [s.segment for s in r.by_segment] == ["seg-c", "seg-d", "seg-e"]
    assert sum(s.conversions for s in r.by_segment) == r.overall.conversions == 4
    for model in ("first", "linear", "time_decay", "shapley"):
        pooled: dict[str, float] = {}
        for s in r.by_segment:
            for m in s.models:
                if m.model == model:
                    for c in m.credits:
                        pooled[c.touchpoint] = pooled.get(c.touchpoint, 0) + c.conversions
        assert pooled == pytest.approx(credit(r, model), abs=1e-5), model


def test_an_unknown_conversion_names_the_closest_activities(declared: Declared) -> None:
    with pytest.raises(
        InvalidQueryError, match=r"conversions: no analysed event has activity 'By'.*'Buy'"
    ):
        run_attribution(declared(LOG), AttributionQuery(conversions=("By",)))


def test_bad_queries_say_what_is_wrong() -> None:
    with pytest.raises(ValidationError, match="did you mean markov"):
        AttributionQuery(conversions=("Buy",), models=("markof",))
    with pytest.raises(ValidationError, match="at least one conversion"):
        AttributionQuery(conversions=())
    with pytest.raises(ValidationError, match="positive"):
        AttributionQuery(conversions=("Buy",), half_life=timedelta(0))


CHANNELS = ("web", "app", "phone", "email")
token = st.tuples(
    st.sampled_from(["A", "B", "Buy"]), st.sampled_from((*CHANNELS, "")), st.integers(0, 40)
)
touch_logs = logs(token, [f"{s}{i}" for s in "cd" for i in range(8)])
lookbacks = st.sampled_from([None, timedelta(minutes=5), timedelta(minutes=20)])
breakdowns = st.sampled_from([None, "segment"])


@pytest.mark.slow
@settings(max_examples=examples(40), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(touch_logs, lookbacks, breakdowns)
def test_every_model_sums_to_the_conversions(
    log: dict[str, list[Any]], lookback: timedelta | None, breakdown: str | None
) -> None:
    check_every_model_sums("duckdb", log, lookback, breakdown)


@pytest.mark.spark
@settings(max_examples=examples(8), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(touch_logs, lookbacks, breakdowns)
def test_spark_every_model_sums_to_the_conversions(
    spark: object,
    log: dict[str, list[Any]],
    lookback: timedelta | None,
    breakdown: str | None,
) -> None:
    """The same property on Spark, on fewer examples: each is a few Spark jobs."""
    check_every_model_sums("spark", log, lookback, breakdown)


def check_every_model_sums(
    engine: str, log: dict[str, list[Any]], lookback: timedelta | None, breakdown: str | None
) -> None:
    declared = {
        c: " ".join(f"{a}/{ch}@{t}" if ch else f"{a}@{t}" for a, ch, t in evs)
        for c, evs in log.items()
    }
    converting = sum(1 for evs in log.values() if any(a == "Buy" for a, _, _ in evs))
    q = AttributionQuery(
        conversions=("Buy",), lookback=lookback, breakdown=breakdown, half_life=timedelta(minutes=3)
    )
    backend = backend_for(journeys(declared), engine)
    if not converting:
        with pytest.raises(InvalidQueryError, match="no analysed event has activity 'Buy'"):
            run_attribution(backend, q)
        return
    r = run_attribution(backend, q)
    assert r.overall.conversions == converting
    for part in [r.overall, *r.by_segment]:
        assert [m.model for m in part.models] == list(MODELS)
        for m in part.models:
            assert math.isclose(m.total, part.conversions, abs_tol=1e-5), (m.model, part.segment)
            assert all(c.conversions > 0 for c in m.credits)


@pytest.mark.both_engines
def test_synthetic_store_reconciles_with_the_funnel(synthetic_store: Store, backend: str) -> None:
    b = stored(synthetic_store, backend)
    rule = CaseRule.per_customer()
    conv = "Sign loan agreement"
    r = run_attribution(
        b, AttributionQuery(conversions=(conv,), case_rule=rule, breakdown="segment")
    )
    f = b.run(FunnelQuery(steps=(conv,), case_rule=rule))
    assert r.overall.conversions == f.steps[0].cases > 0
    assert sum(s.conversions for s in r.by_segment) == r.overall.conversions
    for m in r.overall.models:
        assert m.total == pytest.approx(r.overall.conversions, abs=1e-4), m.model


@pytest.mark.both_engines
def test_real_log_every_model_sums(real_log: Callable[[str], RealLog], backend: str) -> None:
    log = real_log("receipt.csv")
    with Store(log.store) as store:
        b = stored(store, backend)
        conv = "T10 Determine necessity to stop indication"
        r = run_attribution(
            b,
            AttributionQuery(conversions=(conv,), touchpoint="activity", lookback=None),
        )
        f = b.run(FunnelQuery(steps=(conv,)))
    assert r.overall.conversions == f.steps[0].cases > 0
    for m in r.overall.models:
        assert m.total == pytest.approx(r.overall.conversions, abs=1e-4), m.model


def test_cli_json_matches_the_python_api(real_log: Callable[[str], RealLog]) -> None:
    import json

    from typer.testing import CliRunner

    from journeyscope.analytics import DuckDBBackend
    from journeyscope.cli import app

    store = str(real_log("receipt.csv").store)
    conv = "T06 Determine necessity of stop advice"
    args = ["attribution", conv, "--store", store, "--touchpoint", "activity", "--model", "first"]
    result = CliRunner().invoke(app, [*args, "--model", "markov", "--lookback", "none", "--json"])
    assert result.exit_code == 0, result.stderr
    out = json.loads(result.stdout)
    query = AttributionQuery(
        conversions=(conv,), touchpoint="activity", models=("first", "markov"), lookback=None
    )
    with DuckDBBackend(store) as backend:
        assert out == {**run_attribution(backend, query).model_dump(mode="json"), "cohort": None}
    bad = CliRunner().invoke(app, [*args, "--model", "shapely"])
    assert bad.exit_code == 2 and "did you mean shapley" in bad.stderr


@pytest.mark.spark
@pytest.mark.slow
def test_duckdb_and_spark_agree(spark: object, real_log: Callable[[str], RealLog]) -> None:
    from journeyscope.analytics import DuckDBBackend, SparkBackend

    log = real_log("receipt.csv")
    query = AttributionQuery(
        conversions=("T10 Determine necessity to stop indication",),
        touchpoint="activity",
        lookback=timedelta(days=20),
        breakdown="channel",
    )
    # one backend at a time: the store is opened by one of them only
    with DuckDBBackend(log.store) as duck:
        ours = as_json(run_attribution(duck, query))
    with SparkBackend(log.store, session=spark) as sparky:  # type: ignore[arg-type]
        assert ours == as_json(run_attribution(sparky, query))


def absorbed(counts: dict[tuple[str, str], int], removed: str | None) -> float:
    """Probability of reaching (conversion) from (start), by pushing probability mass along
    the transitions until (almost) all of it is absorbed: independent of the linear solve."""
    out: dict[str, int] = {}
    for (s, _), c in counts.items():
        out[s] = out.get(s, 0) + c
    mass, converted = {"(start)": 1.0}, 0.0
    for _ in range(5_000):
        step: dict[str, float] = {}
        for state, m in mass.items():
            for (s, t), c in counts.items():
                if s != state:
                    continue
                share = m * c / out[s]
                if t == "(conversion)":
                    converted += share
                elif t != "(null)" and t != removed:
                    step[t] = step.get(t, 0.0) + share
        mass = step
        if sum(mass.values()) < 1e-13:
            break
    return converted


@settings(max_examples=examples(30), deadline=None)
@given(
    st.dictionaries(
        st.tuples(
            st.sampled_from(["(start)", "a", "b", "c"]),
            st.sampled_from(["a", "b", "c", "(conversion)", "(null)"]),
        ),
        st.integers(1, 9),
        min_size=1,
    )
)
def test_removal_effects_match_probability_pushing(counts: dict[tuple[str, str], int]) -> None:
    states = {s for s, _ in counts} | {t for _, t in counts}
    for state in states - {"(start)", "(conversion)", "(null)"}:
        counts.setdefault((state, "(null)"), 1)  # every state can be left, as on real paths
    p, effects = removal_effects(counts)
    assert p == pytest.approx(absorbed(counts, None), abs=1e-9)
    for state, effect in effects.items():
        expected = 1 - absorbed(counts, state) / p if p > 0 else 0.0
        assert effect == pytest.approx(max(0.0, expected), abs=1e-7), state
