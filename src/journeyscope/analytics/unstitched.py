"""A source's events, with identities stitched only when an analysis reads customers.

Opening a source (``--source``) maps its columns as a view; stitching its identities into
``customer_id`` (:func:`~journeyscope.events.identity.stitch_view`) is the costly part of
opening it: at 10M events 16 s on DuckDB and about 240 s on Spark in ``local[2]``, more than
the DFG's own query (docs/benchmarks.md, "Scale-out"). An analysis drawn from cases alone
whose cases are the data's case ids (the DFG, variants, funnels:
:meth:`~journeyscope.analytics.cases.AnalysisQuery.reads_customers`) needs no customer, so
it runs on the events as mapped; the first caller that reads customers stitches them, once,
for the life of the backend.

The events as mapped carry ``customer_id`` as a **guard**: a column whose value is an error
raised by the engine (DuckDB's ``error()``, Spark's ``raise_error()``) in any query that
reads it. A column no query reads is never computed, on either engine; so an analysis that
says it reads no customer and does fails with :data:`GUARD`, instead of computing figures on
customers that were never stitched.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

import ibis

from journeyscope.events.identity import stitch_view

#: What a query that reads the guard fails with.
GUARD = (
    "journeyscope: an analysis read customer_id from a source before its identities were "
    "stitched (its query says it reads no customer): please report this"
)


def _raising(name: str) -> Callable[[ibis.Value], ibis.StringValue]:
    """The engine's own function ``name(message)``, which raises when evaluated."""

    def signature(message: str) -> str:  # only its types are read: the engine runs ``name``
        return message

    made: Callable[[ibis.Value], ibis.StringValue] = ibis.udf.scalar.builtin(signature, name=name)
    return made


def guarded(events: ibis.Table) -> ibis.Table:
    """``events`` whose ``customer_id`` raises :data:`GUARD` in any query that reads it."""
    spark = events._find_backend().name == "pyspark"
    fail = _raising("raise_error" if spark else "error")(ibis.literal(GUARD))
    return events.mutate(customer_id=fail.cast("string"))


class SourceEvents:
    """``mapped`` (a source's canonical events, ``customer_id`` not stitched), and the same
    events stitched on first need and then kept by ``keep`` (on Spark a local checkpoint;
    by default the stitched view itself, whose component labels the engine keeps)."""

    def __init__(
        self, mapped: ibis.Table, keep: Callable[[ibis.Table], ibis.Table] | None = None
    ) -> None:
        self._unstitched = guarded(mapped)
        self._mapped = mapped
        self._keep = keep or (lambda t: t)
        self._stitched: ibis.Table | None = None
        self._stitching = threading.Lock()

    def events(self, customers: bool = True) -> ibis.Table:
        """The events, stitched when ``customers`` (computed the first time); otherwise as
        mapped, with the guard in ``customer_id``."""
        if not customers:
            return self._unstitched
        with self._stitching:
            if self._stitched is None:
                self._stitched = self._keep(stitch_view(self._mapped))
            return self._stitched
