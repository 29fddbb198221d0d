"""Executing analyses: one function per analysis, each ``(settings, query) -> result``.

Every function opens the store of ``settings`` **read-only** (:func:`open_store`), runs the
typed query on ``settings.engine`` (DuckDB, or Spark at ``settings.spark_master``) under
``settings.memory_limit``, closes the store and returns the typed result. The result's
``model_dump(mode="json")`` is what ``journeyscope <command> --json`` prints, so the command
line, the web API and the pages give the same numbers from one implementation.

>>> from journeyscope.config import Settings
>>> from journeyscope.analytics.process import DfgQuery
>>> dfg(Settings(store="missing.duckdb"), DfgQuery())
Traceback (most recent call last):
...
journeyscope.errors.StoreError: missing.duckdb: no such store (ingest data first, or give --store)

Importing this module imports the analytics layer (Ibis); the command line imports it only
when a command runs.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, Final

from journeyscope.services.store import open_store

if TYPE_CHECKING:
    from journeyscope.analytics.backends import Backend
    from journeyscope.analytics.cases import AnalysisQuery
    from journeyscope.analytics.channels import ChannelsQuery, ChannelsResult
    from journeyscope.analytics.conformance import ConformanceQuery, ConformanceReport
    from journeyscope.analytics.emotion import EmotionQuery, EmotionResult
    from journeyscope.analytics.funnels import FunnelQuery, FunnelResult
    from journeyscope.analytics.moments import MomentsQuery, MomentsResult
    from journeyscope.analytics.paths import PathsQuery, PathsResult
    from journeyscope.analytics.process import DfgQuery, ProcessMap
    from journeyscope.analytics.silent import SilentQuery, SilentResult
    from journeyscope.analytics.trends import TrendsQuery, TrendsResult
    from journeyscope.analytics.uplift import UpliftQuery, UpliftResult
    from journeyscope.analytics.value import ValueQuery, ValueResult
    from journeyscope.analytics.variants import VariantsQuery, VariantsResult
    from journeyscope.config import Settings
    from journeyscope.events.schema import ColumnMapping


@contextmanager
def backend(settings: Settings) -> Iterator[Backend]:
    """An analytics backend on the store of ``settings``, opened read-only, or on
    ``settings.source`` read in place (:mod:`journeyscope.events.sources`); closed on exit.

    ``settings.engine`` chooses DuckDB (the store itself) or Spark (the store's events
    exported once to Parquet for a Spark session at ``settings.spark_master``).
    """
    from journeyscope.analytics.backends import (
        BACKENDS,
        IbisBackend,
        SparkBackend,
        connect,
    )
    from journeyscope.analytics.spark_session import spark_session
    from journeyscope.errors import UnknownEngineError
    from journeyscope.events.sources import parse_source

    if settings.cohort is not None or settings.cohort_breakdown:
        with backend(settings.model_copy(update={"cohort": None, "cohort_breakdown": ()})) as e:
            yield cohort_backend(e, settings)
        return
    if settings.source is not None and parse_source(settings.source).kind != "store":
        with connect(
            settings.store,
            settings.engine,
            spark_master=settings.spark_master,
            spark_conf=settings.spark_conf,
            source=settings.source,
            mapping=source_mapping(settings),
        ) as in_place:
            yield in_place
        return
    if settings.source is not None:
        settings = settings.model_copy(update={"store": parse_source(settings.source).location})
    if settings.engine == "duckdb":
        store = open_store(settings)
        opened = IbisBackend(store.events(), "duckdb")
        try:
            yield opened
        finally:
            opened.close()  # what it keeps (a conformance replay) before the store goes
            store.close()
    elif settings.engine == "spark":
        open_store(settings).close()  # the same checks and errors as on DuckDB
        with SparkBackend(
            settings.store, session=spark_session(settings.spark_master, settings.spark_conf)
        ) as spark:
            yield spark
    else:
        raise UnknownEngineError(
            f"unknown engine {settings.engine!r} (choose {' or '.join(BACKENDS)})"
        )


def cohort_backend(inner: Backend, settings: Settings) -> Backend:
    """``inner`` narrowed to ``settings.cohort`` and given the ``cohort`` column of
    ``settings.cohort_breakdown`` (the one place ``--cohort`` and ``--by-cohort`` take
    effect); ``inner`` itself without either."""
    from journeyscope.analytics.cohorts import CohortBackend, resolve

    if settings.cohort is None and not settings.cohort_breakdown:
        return inner
    chosen = None if settings.cohort is None else resolve(settings.cohort, settings.cohorts)
    split = [resolve(ref, settings.cohorts) for ref in settings.cohort_breakdown]
    return CohortBackend(inner, chosen, split)


def source_mapping(settings: Settings) -> ColumnMapping:
    """The column mapping of ``settings.source_columns``; an unknown field is an error naming
    the fields."""
    from pydantic import ValidationError

    from journeyscope.errors import InputFormatError
    from journeyscope.events.schema import ColumnMapping

    try:
        return ColumnMapping(**settings.source_columns)
    except ValidationError as exc:
        fields = ", ".join(sorted(ColumnMapping.model_fields))
        bad = ", ".join(str(e["loc"][0]) for e in exc.errors())
        raise InputFormatError(f"--source-column {bad}: not a field (fields: {fields})") from None


def run(settings: Settings, query: AnalysisQuery) -> Any:
    """Run any registered typed query (see ``analytics.backends.ANALYSES``); the functions
    below are the same call with the result's type stated."""
    with backend(settings) as e:
        return e.run(query)  # type: ignore[call-overload]


def dfg(settings: Settings, query: DfgQuery) -> ProcessMap:
    """The process map (directly-follows graph): frequencies, start/end counts, durations."""
    result: ProcessMap = run(settings, query)
    return result


def variants(settings: Settings, query: VariantsQuery) -> VariantsResult:
    """Variants (distinct activity sequences) with counts, shares and the coverage curve."""
    result: VariantsResult = run(settings, query)
    return result


def funnel(settings: Settings, query: FunnelQuery) -> FunnelResult:
    """The funnel with its semantics (mode, window, entry rule, ties) and drop-outs."""
    result: FunnelResult = run(settings, query)
    return result


def paths(settings: Settings, query: PathsQuery) -> PathsResult:
    """Paths forward, backward or between two activities; loops and ping-pong."""
    result: PathsResult = run(settings, query)
    return result


def channels(settings: Settings, query: ChannelsQuery) -> ChannelsResult:
    """Channel switches, digital completion, repeat contacts and volumes over time."""
    result: ChannelsResult = run(settings, query)
    return result


def trends(settings: Settings, query: TrendsQuery) -> TrendsResult:
    """Events, customers, cases and conversions of one event per day, week or month, with
    an optional breakdown by a property (:mod:`journeyscope.analytics.trends`)."""
    import journeyscope.analytics.trends  # noqa: F401  (registers the analysis)

    result: TrendsResult = run(settings, query)
    return result


def silent(settings: Settings, query: SilentQuery) -> SilentResult:
    """The survey score of every customer, the silent ones estimated from their journeys.

    Its JSON is ``result.to_json()`` (per-customer predictions included when asked for)."""
    result: SilentResult = run(settings, query)
    return result


def moments(settings: Settings, query: MomentsQuery) -> MomentsResult:
    """Moments of truth: experiences ranked by their adjusted effect on the outcome."""
    result: MomentsResult = run(settings, query)
    return result


def emotions(settings: Settings, query: EmotionQuery) -> EmotionResult:
    """The emotion curve: felt emotion per designed step and stage, next to the designed."""
    result: EmotionResult = run(settings, query)
    return result


def value(settings: Settings, query: ValueQuery) -> ValueResult:
    """The value stream: time, cost to serve, failure demand, ranked opportunities."""
    result: ValueResult = run(settings, query)
    return result


def conformance(settings: Settings, query: ConformanceQuery) -> ConformanceReport:
    """How far real cases follow the designed journey, and where they leave it (DuckDB; the
    cohort of ``settings`` applies as to every analysis)."""
    from journeyscope.analytics.cohorts import CohortBackend, describe_use, note_on

    with backend(settings.model_copy(update={"engine": "duckdb"})) as e:
        # the backend's replay: sized to its memory, kept until it closes
        replay = e.conformance(e.events(), query.journey, query.case_rule)
        report = replay.collect(top=query.top)
        if isinstance(e, CohortBackend):
            report = note_on(report, describe_use(e.cohort, e.breakdown))
        return report


#: What uplift reads of the store, as Spark reads it (each exported once to Parquet).
UPLIFT_TABLES: Final = {
    "journey_records": "SELECT * FROM journey_records",
    "events": "SELECT * FROM events",
}


def uplift(settings: Settings, query: UpliftQuery) -> UpliftResult:
    """Did it help? Treated vs held-out customers of each journey with a holdout: outcome
    rate, satisfaction, per interaction object, from the store's ``journey_records`` and
    events, on ``settings.engine`` (Spark: both exported once to Parquet, the same
    expressions run there)."""
    from journeyscope.analytics.backends import BACKENDS
    from journeyscope.analytics.uplift import uplift as compare_arms
    from journeyscope.errors import InvalidQueryError, UnknownEngineError

    if settings.source is not None:  # never a silent fall-back to the store
        raise InvalidQueryError(
            "uplift reads the engine records of the store (journey_records); it does not "
            "take --source / JOURNEYSCOPE_SOURCE"
        )
    if settings.engine not in BACKENDS:
        raise UnknownEngineError(
            f"unknown engine {settings.engine!r} (choose {' or '.join(BACKENDS)})"
        )
    store = open_store(settings)
    try:
        views = {r[0] for r in store.con.execute("SHOW TABLES").fetchall()}
        if "journey_records" not in views:
            return compare_arms(None, store.events(), query)  # the error saying what to do
        if settings.engine == "spark":
            from journeyscope.services.spark_views import spark_views

            with spark_views(settings, store, UPLIFT_TABLES) as t:
                return compare_arms(t["journey_records"], t["events"], query)
        return compare_arms(store.ibis.table("journey_records"), store.events(), query)
    finally:
        store.close()


def stats(settings: Settings) -> dict[str, Any]:
    """What ``journeyscope stats`` shows: events, cases, customers, activities, channels,
    quarantine; ``case_rule`` says how each is counted."""
    from journeyscope.analytics.semantics import store_semantics

    store = open_store(settings)
    try:
        return {**store.stats(), "semantics": store_semantics()}
    finally:
        store.close()


def quarantine(settings: Settings, limit: int = 20) -> dict[str, Any]:
    """The first ``limit`` quarantined rows (by source and row) and how many there are."""
    store = open_store(settings)
    try:
        q = store.quarantine()
        rows = (
            q.order_by([q.source, q.source_row])
            .limit(limit)
            .select("source", "source_row", "reason", "record")
            .to_pyarrow()
            .to_pylist()
        )
        total = int(q.count().to_pyarrow().as_py())
    finally:
        store.close()
    return {"total": total, "rows": rows}
