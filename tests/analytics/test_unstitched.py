"""A source's events: identities stitched only when an analysis reads customers, and a guard
in ``customer_id`` that fails any query reading it before then."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import ibis
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import journeyscope.analytics.unstitched as unstitched
from journeyscope import synthetic
from journeyscope.analytics import ChannelsQuery, DfgQuery, FunnelQuery, PathsQuery, VariantsQuery
from journeyscope.analytics.backends import Backend, SparkBackend, connect
from journeyscope.analytics.cases import CaseRule
from journeyscope.analytics.funnels import Exclusion, FunnelStep
from journeyscope.analytics.unstitched import guarded
from journeyscope.events import Store
from lanes import examples

STEPS = (
    "Start housing application",
    "Upload documents",
    "Eligibility decision sent",
    "Book viewing",
    "Attend viewing",
)


@pytest.fixture(scope="module")
def lake(tmp_path_factory: pytest.TempPathFactory) -> str:
    """80 synthetic customers (several identifiers each, linked across events) as Parquet."""
    path = tmp_path_factory.mktemp("unstitched") / "events.parquet"
    synthetic.write(synthetic.generate(80, seed=5), path)
    return f"parquet:{path}"


@pytest.fixture
def stitchings(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """From now on, one entry per stitching of a source's identities."""
    calls: list[int] = []
    real = unstitched.stitch_view
    monkeypatch.setattr(unstitched, "stitch_view", lambda view: calls.append(1) or real(view))
    return calls


def _guarded_duckdb() -> ibis.Table:
    con = ibis.duckdb.connect()
    table = con.create_table(
        "e",
        {"case": ["c1", "c1", "c2"], "activity": ["A", "B", "A"], "customer_id": ["x"] * 3},
    )
    return guarded(table)


def test_the_guard_fails_only_a_query_that_reads_customer_id() -> None:
    t = _guarded_duckdb()
    w = ibis.window(group_by=t.case, order_by=t.activity)
    numbered = t.mutate(n=ibis.row_number().over(w))
    assert sorted(
        numbered.group_by("case").agg(n=numbered.n.max()).to_pyarrow().to_pylist(), key=str
    ) == [
        {"case": "c1", "n": 1},
        {"case": "c2", "n": 0},
    ]
    for reads in (t.select("customer_id"), t.filter(t.customer_id.notnull()), t.distinct()):
        with pytest.raises(Exception, match="before its identities were stitched"):
            reads.to_pyarrow()
    with pytest.raises(Exception, match="before its identities were stitched"):
        t.cache()  # keeping every column reads it too


def test_only_an_analysis_drawn_from_cases_alone_on_given_cases_skips_stitching() -> None:
    for query in (DfgQuery(), VariantsQuery(), FunnelQuery(steps=STEPS[:2], breakdown="segment")):
        assert not query.reads_customers()
        assert query.model_copy(update={"case_rule": CaseRule.per_customer()}).reads_customers()
        assert query.model_copy(
            update={"activity_key": ("activity", "customer_id")}
        ).reads_customers()
    assert FunnelQuery(steps=STEPS[:2], breakdown="customer_id").reads_customers()
    assert PathsQuery().reads_customers() and ChannelsQuery().reads_customers()


def test_a_source_is_stitched_once_when_an_analysis_first_reads_customers(
    lake: str, tmp_path: Path, stitchings: list[int]
) -> None:
    with connect(tmp_path / "none.duckdb", source=lake) as e:
        e.run(DfgQuery())
        e.run(VariantsQuery())
        e.run(FunnelQuery(steps=STEPS[:3], window=timedelta(days=30), breakdown="segment"))
        assert stitchings == []
        e.run(PathsQuery(start=STEPS[0], steps=3))  # paths count people
        e.run(ChannelsQuery())
        e.run(DfgQuery(case_rule=CaseRule.per_customer()))
        assert stitchings == [1]
        customers = e.rows(e.events().aggregate(n=e.events().customer_id.nunique()))
    with Store(tmp_path / "store.duckdb") as store:  # stitched at ingest, by the same rule
        store.ingest(Path(lake.removeprefix("parquet:")))
    with connect(tmp_path / "store.duckdb") as e:
        stored = e.rows(e.events().aggregate(n=e.events().customer_id.nunique()))
    assert customers == stored


class _AlwaysStitched(Backend):
    """Another backend's events, stitched for every analysis."""

    def __init__(self, inner: Backend) -> None:
        super().__init__()
        self.inner = inner
        self.name = inner.name

    def events(self, customers: bool = True) -> ibis.Table:
        return self.inner.events(True)

    def arrow(self, expr: ibis.Table) -> Any:
        return self.inner.arrow(expr)

    def cache(self, expr: ibis.Table) -> ibis.Table:
        return self.inner.cache(expr)


@st.composite
def cases_only_queries(draw: st.DrawFn) -> Any:
    key = draw(st.sampled_from([(), ("activity", "channel")]))
    kind = draw(st.sampled_from(["dfg", "variants", "funnel"]))
    if kind == "dfg":
        return DfgQuery(activity_key=key)
    if kind == "variants":
        return VariantsQuery(top=draw(st.integers(1, 5)), activity_key=key)
    mode = draw(st.sampled_from(["sequential", "strict", "any_order"]))
    n = draw(st.integers(2, 4))
    exclusions = ()
    if mode == "sequential" and draw(st.booleans()):
        exclusions = (Exclusion(activities=("Online error",), from_step=1),)
    ordered = mode != "any_order"
    return FunnelQuery(
        steps=tuple(FunnelStep(activities=(a,)) for a in STEPS[:n]),
        mode=mode,
        window=draw(st.sampled_from([None, timedelta(days=3), timedelta(days=30)])),
        entry=draw(st.sampled_from(["furthest", "first"])),
        ties=draw(st.sampled_from(["advance", "strict_increase"])) if ordered else "advance",
        open=ordered and draw(st.booleans()),
        exclusions=exclusions,
        breakdown=draw(st.sampled_from([None, "segment", "channel"])),
    )


@pytest.mark.slow
@settings(max_examples=examples(40), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(query=cases_only_queries())
def test_an_analysis_on_unstitched_events_equals_it_on_stitched_ones(
    lake: str, tmp_path_factory: pytest.TempPathFactory, query: Any
) -> None:
    """Generated DFG, variants and funnel queries (every mode, windows, exclusions,
    breakdowns, activity keys) never read the guard, and give what they give stitched."""
    folder = tmp_path_factory.getbasetemp()
    with connect(folder / "none.duckdb", source=lake) as e:
        assert not query.reads_customers()
        assert e.run(query) == _AlwaysStitched(e).run(query)


@pytest.mark.spark
def test_spark_guards_and_skips_stitching_as_duckdb_does(
    spark: Any, lake: str, tmp_path: Path, stitchings: list[int]
) -> None:
    query = FunnelQuery(steps=STEPS[:3], window=timedelta(days=30))
    with connect(tmp_path / "none.duckdb", source=lake) as duck:
        expected = duck.run(query)
    with connect(tmp_path / "none.duckdb", "spark", source=lake) as e:
        assert isinstance(e, SparkBackend) and len(e.views) == 1  # the mapped events, kept
        assert e.run(query) == expected
        assert stitchings == []
        with pytest.raises(Exception, match="before its identities were stitched"):
            e.rows(e.events(customers=False).select("customer_id"))
        e.run(PathsQuery(start=STEPS[0], steps=3))
        assert stitchings == [1] and len(e.views) == 2  # the stitched events, kept too
