"""Analytics backends: where analyses execute, DuckDB (the embedded default) or Spark,
through the same expressions.

Each analysis is a runner object (:class:`Analysis`) that takes a typed query and builds lazy
Ibis expressions; a :class:`Backend` executes them and hands the rows back to the runner,
which turns them into a typed result. The analysis code never knows which backend runs it.

>>> from journeyscope.events import Store
>>> from journeyscope.analytics.process import DfgQuery
>>> backend = IbisBackend(Store(":memory:").events())
>>> backend.run(DfgQuery()).edges
[]
"""

from __future__ import annotations

import tempfile
import threading
import uuid
from collections.abc import Mapping
from importlib import import_module
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final, Protocol, TypeVar, overload

import ibis
import pyarrow as pa

from journeyscope.analytics import names
from journeyscope.analytics.cases import AnalysisQuery, keyed
from journeyscope.analytics.duckdb_connection import allow_arrow_lambdas, duckdb_arrow, same_limit
from journeyscope.analytics.holistic import holistic_fits
from journeyscope.analytics.plain_rows import plain_rows
from journeyscope.analytics.spark_session import spark_driver_exit, spark_session
from journeyscope.analytics.unstitched import SourceEvents
from journeyscope.errors import SparkDriverLostError, UnknownEngineError
from journeyscope.events.identity import memory_gib
from journeyscope.events.schema import ColumnMapping
from journeyscope.events.sources import Source, canonical_view, parse_source, read_raw

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

    from journeyscope.analytics.cases import CaseRule
    from journeyscope.analytics.channels import ChannelsQuery, ChannelsResult
    from journeyscope.analytics.compare import CompareQuery, CompareResult
    from journeyscope.analytics.conformance import Conformance
    from journeyscope.analytics.emotion import EmotionQuery, EmotionResult
    from journeyscope.analytics.funnels import FunnelQuery, FunnelResult
    from journeyscope.analytics.moments import MomentsQuery, MomentsResult
    from journeyscope.analytics.paths import PathsQuery, PathsResult
    from journeyscope.analytics.process import DfgQuery, ProcessMap
    from journeyscope.analytics.silent import SilentQuery, SilentResult
    from journeyscope.analytics.value import ValueQuery, ValueResult
    from journeyscope.analytics.variants import VariantsQuery, VariantsResult
    from journeyscope.definitions.models import Journey

Q = TypeVar("Q", bound=AnalysisQuery, contravariant=True)
R = TypeVar("R", covariant=True)
Rows = list[dict[str, Any]]

BACKENDS = ("duckdb", "spark")


class Analysis(Protocol[Q, R]):
    """A runner: builds expressions for one kind of query and reads their rows into a result.

    ``prepare`` returns the relation every output is computed from; the backend may
    materialise it once (a temporary table on DuckDB, a cached temporary view on Spark).
    A runner whose ``arrow`` attribute is true gets Arrow tables instead of rows (the
    statistical analyses, which fit models on one row per customer), and the backend hands
    the memory its queries used back before the runner's Python part begins
    (:meth:`Backend.hand_back_memory`). A runner with names to
    check (activities, properties) also has ``checks(events, query)``, expressions the backend
    executes first, and ``validate(query, rows)``, which raises on an unknown name (see
    :mod:`journeyscope.analytics.names`). A runner that reads the conformance replay (moments
    of truth with a design) has ``replays(query)``, the design and case rule it replays (or
    None), and gets ``expressions(..., replay=...)``: the replay the backend keeps for the
    events, design and rule (:meth:`Backend.conformance`), or None, and then it replays the
    events inside its own queries. A runner whose ``keeps`` attribute is true gets
    ``expressions(..., keep=...)``: ``keep(expr)`` computes an intermediate that several of
    its outputs read once (materialised as the prepared relation is) and releases it after
    the outputs are read, instead of each output's query computing it again. A runner whose
    ``sized`` attribute is true gets ``prepare(..., large=...)`` and ``expressions(...,
    large=...)``: true where the backend cannot hold a holistic aggregate (an exact percentile,
    a distinct count) of every event in memory (:meth:`Backend.fits`), and the runner computes
    them by sorting instead (:mod:`journeyscope.analytics.holistic`).
    """

    def prepare(self, events: ibis.Table, query: Q) -> ibis.Table: ...

    def expressions(
        self, prepared: ibis.Table, events: ibis.Table, query: Q
    ) -> dict[str, ibis.Table]: ...

    def result(self, query: Q, rows: Mapping[str, Rows]) -> R: ...


#: The built-in runners, by the full name of their query type: the runner is the named
#: attribute of the module that defines the query type. Naming them (rather than importing
#: them) keeps this module light: a command that runs a DFG imports neither the statistical
#: analyses nor their libraries (pandas, SciPy, scikit-learn).
RUNNERS: Final[Mapping[str, str]] = {
    "journeyscope.analytics.process.DfgQuery": "DFG",
    "journeyscope.analytics.variants.VariantsQuery": "VARIANTS",
    "journeyscope.analytics.funnels.FunnelQuery": "FUNNEL",
    "journeyscope.analytics.paths.PathsQuery": "PATHS",
    "journeyscope.analytics.channels.ChannelsQuery": "CHANNELS",
    "journeyscope.analytics.emotion.EmotionQuery": "EMOTION",
    "journeyscope.analytics.moments.MomentsQuery": "MOMENTS",
    "journeyscope.analytics.silent.SilentQuery": "SILENT",
    "journeyscope.analytics.value.ValueQuery": "VALUE",
    "journeyscope.analytics.compare.CompareQuery": "COMPARE",
}


class Registry(dict[type[AnalysisQuery], Analysis[Any, Any]]):
    """Query type → runner. A built-in runner (:data:`RUNNERS`) is looked up in its query
    type's module the first time a query of that type runs (the module is already imported:
    the query was built from it); other modules register theirs by assignment
    (``ANALYSES[TrendsQuery] = TRENDS``) when they are imported. So the mapping lists the
    runners used or registered so far, and a type with no runner is a ``KeyError``."""

    def __missing__(self, query_type: type[AnalysisQuery]) -> Analysis[Any, Any]:
        attribute = RUNNERS.get(f"{query_type.__module__}.{query_type.__qualname__}")
        if attribute is None:
            raise KeyError(query_type)
        runner: Analysis[Any, Any] = getattr(import_module(query_type.__module__), attribute)
        self[query_type] = runner
        return runner


#: One runner per query type; ``Backend.run`` looks the query's type up here.
ANALYSES: Final = Registry()


class Backend:
    """Executes analyses on an Ibis table of canonical events.

    A backend also keeps what several analyses on it read, computed once: the conformance
    replay of its events for each design and case rule (:meth:`conformance`), until it is
    closed."""

    name = "ibis"

    def __init__(self) -> None:
        self._replays: dict[tuple[Any, str, CaseRule], Conformance] = {}
        self._replaying = threading.Lock()
        self._source: SourceEvents | None = None

    def events(self, customers: bool = True) -> ibis.Table:
        """The canonical events. ``customers=False``: the caller reads no ``customer_id``,
        so a source's identities need not be stitched for it
        (:mod:`journeyscope.analytics.unstitched`)."""
        raise NotImplementedError

    def rows(self, expr: ibis.Table) -> Rows:
        """Execute ``expr``; values come back as plain Python (timestamps as UTC ISO text)."""
        return plain_rows(self.arrow(expr))

    def arrow(self, expr: ibis.Table) -> pa.Table:
        """Execute ``expr`` into an Arrow table (for analyses that model many rows)."""
        return expr.to_pyarrow()

    @overload
    def run(self, query: DfgQuery) -> ProcessMap: ...
    @overload
    def run(self, query: VariantsQuery) -> VariantsResult: ...
    @overload
    def run(self, query: FunnelQuery) -> FunnelResult: ...
    @overload
    def run(self, query: PathsQuery) -> PathsResult: ...
    @overload
    def run(self, query: ChannelsQuery) -> ChannelsResult: ...
    @overload
    def run(self, query: EmotionQuery) -> EmotionResult: ...
    @overload
    def run(self, query: MomentsQuery) -> MomentsResult: ...
    @overload
    def run(self, query: SilentQuery) -> SilentResult: ...
    @overload
    def run(self, query: ValueQuery) -> ValueResult: ...
    @overload
    def run(self, query: CompareQuery) -> CompareResult: ...

    def run(self, query: AnalysisQuery) -> Any:
        """Run the analysis registered for the query's type and return its typed result."""
        analysis = ANALYSES[type(query)]
        raw = self.events(customers=query.reads_customers())
        for part in query.activity_key[1:]:  # the first part is the activity itself
            found = {n: self.rows(e) for n, e in names.property_checks(raw, part).items()}
            names.check_property(part, raw.columns, found, "--activity-key")
        events = keyed(raw, query.activity_key)
        checks = getattr(analysis, "checks", None)
        if checks is not None:
            known = {name: self.rows(expr) for name, expr in checks(events, query).items()}
            if known:
                getattr(analysis, "validate")(query, known)  # noqa: B009 (optional method)
        replays = getattr(analysis, "replays", None)
        design = replays(query) if replays is not None else None
        shared: dict[str, Any] = {}
        if getattr(analysis, "sized", False):
            shared["large"] = not self.fits(events)
        built = analysis.prepare(events, query, **shared)
        self.register(built)
        # rows already in this process's memory (a funnel computed by its kernel) are read as
        # they are, with nothing to release: caching them would only copy them
        prepared = built if _in_memory(built) else self.cache(built)
        kept: list[ibis.Table] = []

        def keep(expr: ibis.Table) -> ibis.Table:
            """``expr`` computed once for the expressions that read it, released after."""
            kept.append(self._keep(expr))
            return kept[-1]

        try:
            if design is not None:
                shared["replay"] = self.kept_conformance(events, *design)
            if getattr(analysis, "keeps", False):  # its expressions share intermediates
                shared["keep"] = keep
            exprs = analysis.expressions(prepared, events, query, **shared)
            in_python = getattr(analysis, "arrow", False)
            fetch = self.arrow if in_python else self.rows
            rows = {name: fetch(expr) for name, expr in exprs.items()}
        finally:
            for table in kept:
                table.release()
            if prepared is not built:
                prepared.release()
        if in_python:
            self.hand_back_memory()
        return analysis.result(query, rows)

    def cache(self, expr: ibis.Table) -> ibis.Table:
        """``expr`` computed once and kept until released (``.release()``)."""
        return expr.cache()

    def fits(self, table: ibis.Table) -> bool:
        """Whether a holistic aggregate of every row of ``table`` (an exact percentile, which
        holds all its values until it is done) fits in the backend's memory (yes, unless the
        backend knows its limit)."""
        return True

    def conformance(self, events: ibis.Table, journey: Journey, rule: CaseRule) -> Conformance:
        """The conformance replay of ``events`` (the backend's, or a table derived from them)
        against ``journey``, cases grouped by ``rule``: replayed the first time it is asked,
        its moves and per-case facts kept (:meth:`cache`) until the backend is closed, and
        handed back as it is every later time for the same events, design and rule.
        Analyses that read the replay (moments of truth with a design) read the kept one
        (:meth:`kept_conformance`): the report's conformance section keeps it, and its two
        moments-of-truth runs (satisfaction, and the backlog's completion) read it, so the
        report replays the events once instead of three times. Its distinct counts and
        percentiles are sized to the backend's memory (:meth:`fits`).

        Whoever expects several readers asks for it; a lone run replays in its own queries
        (it would hold the tables through its model fits). Events are the same when their
        expressions are (Ibis compares them by structure)."""
        from journeyscope.analytics.conformance import conformance

        key = self._replay_key(events, journey, rule)
        with self._replaying:
            kept = self._replays.get(key)
            if kept is None:
                large = not self.fits(events)
                kept = conformance(events, journey, rule, large=large).kept_by(self._keep)
                self._replays[key] = kept
            return kept

    def kept_conformance(
        self, events: ibis.Table, journey: Journey, rule: CaseRule
    ) -> Conformance | None:
        """The replay :meth:`conformance` keeps for these events, design and rule, if it
        keeps one (nothing is replayed here)."""
        with self._replaying:
            return self._replays.get(self._replay_key(events, journey, rule))

    @staticmethod
    def _replay_key(events: ibis.Table, journey: Journey, rule: CaseRule) -> Any:
        return (events.op(), journey.model_dump_json(), rule)

    def _keep(self, expr: ibis.Table) -> ibis.Table:
        self.register(expr)
        return self.cache(expr)

    def release_replays(self) -> None:
        """Drop the conformance replays :meth:`conformance` keeps (closing does it too)."""
        with self._replaying:
            kept, self._replays = list(self._replays.values()), {}
        for replay in kept:
            replay.release()

    def hand_back_memory(self) -> None:
        """Return to the operating system what the backend's finished queries still hold,
        before a runner's Python part needs memory of its own (no-op by default)."""

    def register(self, expr: ibis.Expr) -> None:
        """Make the in-memory tables ``expr`` refers to visible to the backend before it is
        compiled or cached (backends that execute through Ibis do it themselves)."""

    def close(self) -> None:
        """Release what the backend holds (subclasses call this first, then close their own
        connection)."""
        self.release_replays()

    def __enter__(self) -> Backend:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class IbisBackend(Backend):
    """Any Ibis table of canonical events, on the backend it belongs to (DuckDB by default)."""

    def __init__(self, events: ibis.Table, name: str = "duckdb", *, stitch: bool = False) -> None:
        """``stitch``: ``events`` are a source's, mapped but not stitched; customers are
        stitched when a caller first reads them."""
        super().__init__()
        self._events = events
        self.name = name
        backend = events._find_backend()
        self._duckdb: Any = backend if backend.name == "duckdb" else None
        if self._duckdb is not None:
            allow_arrow_lambdas(backend.con)
        if stitch:
            self._source = SourceEvents(events)

    def events(self, customers: bool = True) -> ibis.Table:
        if self._source is not None:
            return self._source.events(customers)
        return self._events

    def cache(self, expr: ibis.Table) -> ibis.Table:
        # on the events' backend, also for an expression that reads in-memory tables only,
        # which Ibis would cache on its default backend
        cached: ibis.Table = self._events._find_backend()._cached_table(expr)
        return cached

    def arrow(self, expr: ibis.Table) -> pa.Table:
        if self._duckdb is None:
            return super().arrow(expr)
        return duckdb_arrow(self._duckdb, expr)

    def fits(self, table: ibis.Table) -> bool:
        """On DuckDB: ``table``'s rows against its memory limit (:func:`holistic_fits`)."""
        if self._duckdb is None:
            return True
        counted = duckdb_arrow(self._duckdb, table.aggregate(n=table.count()))
        limit = self._duckdb.con.execute("SELECT current_setting('memory_limit')").fetchall()
        return holistic_fits(int(counted["n"][0].as_py()), memory_gib(limit[0][0]))

    def hand_back_memory(self) -> None:
        """DuckDB's allocator keeps the memory of finished queries (at a million customers the
        silent estimate's queries left 0.6 GB resident through its model fits); setting the
        memory limit makes DuckDB flush it to the operating system at once. It is set to
        the value it has (:func:`same_limit`), so queries of other threads on the same
        database are not affected."""
        if self._duckdb is not None:
            con = self._duckdb.con
            (shown,) = con.execute("SELECT current_setting('memory_limit')").fetchone()
            con.execute(f"SET memory_limit = '{same_limit(shown)}'")


class DuckDBBackend(IbisBackend):
    """The events of a journeyscope store, analysed in DuckDB."""

    def __init__(self, store: str | Path) -> None:
        from journeyscope.events import Store

        self.store = Store(store)
        allow_arrow_lambdas(self.store.con)
        super().__init__(self.store.events(), "duckdb")

    def close(self) -> None:
        super().close()
        self.store.close()


class SparkBackend(Backend):
    """Events analysed by Spark (local mode by default): a journeyscope store, exported once to
    Parquet and registered as a temporary view (nothing is written to a Spark warehouse), or
    any Ibis table of canonical events on the session (a source read in place).

    ``checkpoint``: compute ``events`` once, now, and keep its rows on the executors (a local
    checkpoint under a temporary view), so every analysis starts from a short plan; with
    ``stitch`` (a source's events, mapped but not stitched) the stitched events are kept the
    same way when a caller first reads customers. ``views``: the temporary views, dropped
    on close. A source's
    view (the column mapping and identity stitching) inlined into every query made Spark's
    optimiser run out of memory on the larger analyses (moments of truth): each use of the
    events repeated the view's dozens of derived columns, and the constraints Spark infers
    from them grow with every copy (see docs/deployment.md, "The report on Spark").
    """

    name = "spark"

    def __init__(
        self,
        store: str | Path | None = None,
        *,
        session: SparkSession | None = None,
        events: ibis.Table | None = None,
        checkpoint: bool = False,
        stitch: bool = False,
    ) -> None:
        from journeyscope.events import Store

        if store is None and events is None:  # said before a JVM starts
            raise ValueError("a Spark backend needs a store or an events table")
        super().__init__()
        self.session = session or spark_session()
        self.ibis = ibis.pyspark.connect(self.session)
        self.driver_memory = self.session.sparkContext.getConf().get("spark.driver.memory", "1g")
        self._folder: tempfile.TemporaryDirectory[str] | None = None
        self.views: list[str] = []
        if events is not None:
            self._events = self._checkpoint(events) if checkpoint else events
            if stitch:  # the stitched events kept as the mapped ones are
                self._source = SourceEvents(self._events, self._checkpoint if checkpoint else None)
            return
        assert store is not None
        self._folder = tempfile.TemporaryDirectory(prefix="journeyscope-spark-")
        data = Path(self._folder.name) / "events.parquet"
        with Store(store) as db:
            target = str(data).replace("'", "''")
            db.con.execute(f"COPY events TO '{target}' (FORMAT PARQUET)")
        view = f"js_events_{uuid.uuid4().hex[:12]}"
        self.session.read.parquet(str(data)).createOrReplaceTempView(view)
        self.views.append(view)
        self._events = self.ibis.table(view)

    def _checkpoint(self, events: ibis.Table) -> ibis.Table:
        self.register(events)
        frame = self.session.sql(self.ibis.compile(events)).localCheckpoint()
        view = f"js_events_{uuid.uuid4().hex[:12]}"
        frame.createOrReplaceTempView(view)
        self.views.append(view)
        return self.ibis.table(view)

    def events(self, customers: bool = True) -> ibis.Table:
        if self._source is not None:
            return self._source.events(customers)
        return self._events

    def register(self, expr: ibis.Expr) -> None:
        # Spark compiles SQL that names in-memory tables (ibis.memtable) as views: register
        # them first, or a cached or compiled query cannot see them.
        self.ibis._register_in_memory_tables(expr)

    def arrow(self, expr: ibis.Table) -> pa.Table:
        self.register(expr)
        return self.session.sql(self.ibis.compile(expr)).toArrow()

    def close(self) -> None:
        super().close()
        for view in self.views:
            self.session.catalog.dropTempView(view)
        if self._folder is not None:
            self._folder.cleanup()

    def __exit__(self, *exc: object) -> None:
        error = exc[1] if isinstance(exc[1], BaseException) else None
        # the driver's death reaches Python as a lost connection, a moment before the JVM
        # has exited: wait for it briefly, then say what happened and what to do
        lost = isinstance(error, ConnectionError | EOFError) or (
            error is not None and type(error).__module__.split(".")[0] in ("py4j", "pyspark")
        )
        code = spark_driver_exit(self.session, wait=10.0 if lost else 0.0)
        if code is None:
            self.close()
            return
        if self._folder is not None:
            self._folder.cleanup()
        cause = "out of memory" if code == 3 else f"exit code {code}"
        raise SparkDriverLostError(
            f"Spark's driver stopped ({cause}; spark.driver.memory is {self.driver_memory}): "
            "give it more with JOURNEYSCOPE_SPARK_CONF, e.g. "
            '\'{"spark.driver.memory": "4g"}\', or analyse less data'
        ) from error


def connect(
    store: str | Path,
    backend: str = "duckdb",
    *,
    spark_master: str = "local[2]",
    spark_conf: dict[str, str] | None = None,
    source: str | None = None,
    mapping: ColumnMapping | None = None,
) -> Backend:
    """Open events for analysis on ``backend`` (``duckdb`` or ``spark``, what ``--engine`` chooses): the store, or
    ``source`` (``parquet:PATH``, ``csv:PATH``, ``table:NAME``; see
    :mod:`journeyscope.events.sources`) read in place through ``mapping``."""
    if backend not in BACKENDS:
        raise UnknownEngineError(f"unknown engine {backend!r} (choose {' or '.join(BACKENDS)})")
    found = parse_source(source) if source else Source("store", str(store))
    if found.kind == "store":
        if backend == "duckdb":
            return DuckDBBackend(found.location)
        return SparkBackend(found.location, session=spark_session(spark_master, spark_conf))
    if backend == "duckdb":
        con = ibis.duckdb.connect()
        con.raw_sql("SET TimeZone = 'UTC'")
        view = canonical_view(read_raw(con, found), mapping or ColumnMapping(), found)
        return IbisBackend(view, "duckdb", stitch=True)
    session = spark_session(spark_master, spark_conf)
    con = ibis.pyspark.connect(session)
    view = canonical_view(read_raw(con, found), mapping or ColumnMapping(), found)
    return SparkBackend(session=session, events=view, checkpoint=True, stitch=True)


def _in_memory(expr: ibis.Table) -> bool:
    from ibis.expr import operations

    return isinstance(expr.op(), operations.InMemoryTable)
