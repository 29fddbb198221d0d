"""Conformance: how far real journeys follow the designed one, and where they leave it.

Each case (journey instance, see :mod:`journeyscope.analytics.cases`) is replayed against a
:class:`~journeyscope.definitions.Journey`. Everything is a lazy Ibis expression over the
events table — the same expressions run on DuckDB and on Spark; only
:meth:`Conformance.collect` executes.

How a case is read
------------------

1. Events are ordered by timestamp; equal timestamps keep the input order (as in
   :func:`~journeyscope.analytics.cases.ordered`).
2. Each event's activity is looked up in the design: it belongs to a **regular** step, to an
   ``anytime`` step, or to no step (**unclaimed**).
3. ``anytime`` events (help on demand, surveys, background work) are set aside: they are
   neither moves nor deviations.
4. On a lifecycle log, an event that continues a work item's instance (a ``complete``
   after its ``start``, another session of a scheduled item; see
   :mod:`journeyscope.analytics.work_items`) is no move: only events that open an instance
   are. Consecutive events of the same step are one **visit**; so are consecutive events of the
   same unclaimed activity. A step's events interrupted only by unclaimed activities are
   still one visit (the customer resumed the step after a detour).
5. The **moves** of a case are: the *entry* (into its first visit of a regular step), each
   *step change* (from the previous regular step to the next one), each visit of an
   *unclaimed* activity, and the *exit* (the case ends).
6. Cases **in scope** are those with at least one event of a regular step; others (another
   journey's cases) are left out.

Fitness
-------

``fitness = allowed moves / moves`` per case, in ``[0, 1]``; every case in scope has at least
two moves (entry and exit). A move is *allowed* when the design allows it (below); time limits
do not change fitness, they are reported as deviations of their own.

Deviation types
---------------

``entered_midway``
    The entry move goes to a step that is not an entry of the design (``entries``, or the
    first step), nor reachable from one through optional or unobservable steps only.
    At most one per case.
``skipped_step``
    A step change ``a -> b`` that the design does not allow, where ``b`` comes later than
    ``a`` in the design (reachable from ``a`` by non-loop transitions): mandatory steps in
    between were skipped. The deviation lists them (those on the shortest designed path).
``backtracking``
    A step change ``a -> b`` that the design does not allow, where ``b`` comes earlier than
    ``a`` (``a`` is reachable from ``b`` by non-loop transitions) and the case has visited
    ``b`` before: the customer went back to redo a step where the design has no loop.
``out_of_order``
    A step change ``a -> b`` that the design does not allow and that is neither forward
    (skipped step) nor back to a step already visited: ``b`` is earlier in the design but
    done for the first time (done late, typically after it was skipped), or the design
    never orders ``a`` and ``b`` (steps of alternative branches).
``unexpected_activity``
    A visit of an activity that no step of the design claims. Its ``from_step`` is the last
    regular step before it: where the customer left the designed path.
``left_before_outcome``
    The exit move of a case that never reached the outcome (no event of an outcome
    activity) nor a designed exit (``exits``). At most one per case; ``from_step`` is
    the last regular step. Cases still in progress when the data ends count too.
``time_limit_broken``
    A step change into a step with a ``time_limit``, more than that long after the last
    event of the previous regular step; or (``outcome.within``) the first outcome event
    more than that long after the case's first event. Allowed moves can break time limits.

A step change is *allowed* when a transition leads from ``a`` to ``b``, or a chain of
transitions does whose inner steps are all optional or unobservable (no activities).
Loops (``loop: true``) are allowed moves like any other transition.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import ibis.expr.types as ir
from pydantic import BaseModel, ConfigDict, Field

from journeyscope.analytics import conformance_tables as tables
from journeyscope.analytics.cases import CaseRule
from journeyscope.analytics.conformance_replay import DEVIATIONS, replay
from journeyscope.analytics.conformance_report import (
    SCOPE,
    ConformanceReport,
    Fitness,
    Instead,
    StepConformance,
    TransitionConformance,
    build_report,
)
from journeyscope.analytics.holistic import distinct_count
from journeyscope.definitions.models import Journey

__all__ = [
    "DEVIATIONS",
    "SCOPE",
    "Conformance",
    "ConformanceQuery",
    "ConformanceReport",
    "Fitness",
    "Instead",
    "StepConformance",
    "TransitionConformance",
    "conformance",
    "replay",
]


class ConformanceQuery(BaseModel):
    """How far the cases follow ``journey``: cases grouped by ``case_rule``, ``top`` moves
    off the path listed per step."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    journey: Journey
    case_rule: CaseRule = Field(default_factory=CaseRule.given)
    top: int = Field(default=5, ge=0)


@dataclass(frozen=True)
class Conformance:
    """Conformance of the cases in ``events`` to ``journey``, as lazy Ibis expressions.

    Build it with :func:`conformance`. Nothing runs until an expression is executed or
    :meth:`collect` is called.
    """

    journey: Journey
    rule: CaseRule
    moves: ir.Table
    """One row per move (see :func:`replay`)."""
    events: ir.Table = field(repr=False)
    facts: ir.Table | None = field(default=None, repr=False)
    """Per-case facts (computed from ``moves`` and ``events`` when not given)."""
    kept: bool = False
    """Whether ``moves`` and ``facts`` are tables computed already (:meth:`kept_by`)."""
    large: bool = False
    """Whether distinct cases and percentiles are counted by sorting (see
    :mod:`~journeyscope.analytics.conformance_tables`): for more events than the backend holds
    in memory (:meth:`~journeyscope.analytics.backends.Backend.fits`)."""

    @property
    def info(self) -> ir.Table:
        """One row per case in scope: first and last event, outcome time, ``reached``,
        ``entered_at``, ``left_at``."""
        if self.facts is not None:
            return self.facts
        return tables.case_facts(self.events, self.journey, self.rule, self.moves)

    @property
    def deviations(self) -> ir.Table:
        """One row per deviation: ``case``, ``seq``, ``timestamp``, ``type``, ``from_step``,
        ``to_step``, ``activity``, ``skipped``, ``elapsed_seconds``."""
        return tables.deviations(self.moves, self.journey, self.info)

    @property
    def cases(self) -> ir.Table:
        """One row per case in scope: ``moves``, ``allowed_moves``, ``fitness``,
        ``reached_outcome``, ``entered_at``, ``left_at``, first and last event, and one
        count column per deviation type."""
        return tables.cases(self.moves, self.deviations, self.info)

    @property
    def summary(self) -> ir.Table:
        """One row: ``cases``, ``reached_outcome``, fitness ``mean``, ``min``, ``p10`` ...
        ``p90``, and ``perfect`` (cases with fitness 1)."""
        return tables.summary(self.cases, large=self.large)

    @property
    def steps(self) -> ir.Table:
        """One row per observable step, in design order: arrivals and departures."""
        return tables.steps(self.moves, self.journey, large=self.large)

    @property
    def transitions(self) -> ir.Table:
        """Moves counted by ``kind``, ``from_step``, ``target``, ``allowed``, ``deviation``."""
        return tables.transitions(self.moves, large=self.large)

    def collect(self, *, top: int = 5, transitions: int = 50) -> ConformanceReport:
        """Execute and gather everything into a :class:`ConformanceReport`.

        The moves and then the per-case facts are computed once each (cached on the
        backend) and every aggregate is read from them; a replay kept already
        (:meth:`kept_by`, as an analytics backend keeps it) is read as it is. ``top``: moves
        off the path listed per step; ``transitions``: the most frequent moves listed.
        """
        if self.kept:
            return self._gather(self, top, transitions)
        view = self.kept_by(_cached)
        try:
            return self._gather(view, top, transitions)
        finally:
            view.release()

    def kept_by(self, cache: Callable[[ir.Table], ir.Table]) -> Conformance:
        """This replay with its moves, then its per-case facts, computed now by ``cache``
        (``Table.cache``, or an analytics backend's
        :meth:`~journeyscope.analytics.backends.Backend.cache`) and kept until
        :meth:`release`: every table of the result (deviations, cases, steps...) then reads
        them instead of replaying the events again."""
        if self.kept:
            return self
        moves = cache(_registered(self.moves))
        try:
            facts = cache(
                _registered(tables.case_facts(self.events, self.journey, self.rule, moves))
            )
        except BaseException:
            moves.release()
            raise
        return Conformance(
            self.journey, self.rule, moves, self.events, facts, kept=True, large=self.large
        )

    def release(self) -> None:
        """Drop the tables :meth:`kept_by` computed (nothing to do for a lazy replay)."""
        if self.kept:
            if self.facts is not None:
                self.facts.release()
            self.moves.release()

    def _gather(self, view: Conformance, top: int, transitions: int) -> ConformanceReport:
        summary = view.summary.to_pyarrow().to_pylist()[0]
        devs = view.deviations
        devs, cases = distinct_count(devs, ["type"], "case", large=self.large)
        counted = devs.group_by("type").aggregate(n=devs.count(), cases=cases)
        by_type = {
            r["type"]: (int(r["n"]), int(r["cases"])) for r in counted.to_pyarrow().to_pylist()
        }
        steps = view.steps.to_pyarrow().to_pylist()
        moved = view.transitions.to_pyarrow().to_pylist()
        return build_report(
            self.journey, self.rule, summary, by_type, steps, moved, top, transitions
        )


def _cached(table: ir.Table) -> ir.Table:
    return table.cache()


def _registered(table: ir.Table) -> ir.Table:
    """``table``, its in-memory tables (the design's) registered first on the backends it
    reads: Ibis 12 caches on PySpark without registering them (DuckDB does), so the cached
    query would not find them."""
    backends, _ = table._find_backends()
    for backend in backends:
        register = getattr(backend, "_register_in_memory_tables", None)
        if register is not None:
            register(table)
    return table


def conformance(
    events: ir.Table, journey: Journey, rule: CaseRule | None = None, *, large: bool = False
) -> Conformance:
    """Replay the cases of ``events`` (grouped by ``rule``; default: the data's case ids)
    against ``journey``. Lazy: returns expressions, executes nothing. ``large``: see
    :attr:`Conformance.large`.

    Examples
    --------
    >>> import ibis
    >>> from journeyscope.definitions import Journey
    >>> design = Journey.model_validate({"id": "j", "name": "J", "job_to_be_done": "x",
    ...     "outcome": {"description": "done", "step": "pay"},
    ...     "stages": [{"id": "s", "name": "S", "steps": [
    ...         {"id": "apply", "name": "Apply", "activities": ["Apply"]},
    ...         {"id": "pay", "name": "Pay", "activities": ["Pay"]}]}]})
    >>> events = ibis.memtable({"case_id": ["1", "1", "2"], "activity": ["Apply", "Pay", "Pay"],
    ...     "timestamp": ["2025-01-01 10:00", "2025-01-02 10:00", "2025-01-01 09:00"],
    ...     "source": "demo", "source_row": [1, 2, 3], "event_id": ["a", "b", "c"]}
    ... ).mutate(timestamp=ibis._.timestamp.cast("timestamp"))
    >>> result = conformance(events, design)
    >>> result.cases.order_by("case").select("case", "fitness", "entered_midway").execute()
      case  fitness  entered_midway
    0    1      1.0               0
    1    2      0.5               1
    """
    rule = rule or CaseRule.given()
    return Conformance(journey, rule, replay(events, journey, rule), events, large=large)
