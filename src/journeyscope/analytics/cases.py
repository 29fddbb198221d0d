"""Cases (journey instances): given by the data, or derived per customer with a stated rule.

Every analysis starts here: :func:`with_cases` adds a ``case`` column and :func:`ordered`
adds ``seq``, the 1-based position of each event in its case. Events are ordered by
timestamp; equal timestamps keep the input order (source, then row in the source), so the
same log always gives the same sequences — the convention of process-mining tools that read
a log top to bottom.

All functions here are pure: they take an Ibis table and return an Ibis expression.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, ClassVar, Literal

import ibis
import ibis.expr.datatypes as dt
from ibis import _
from pydantic import BaseModel, ConfigDict, Field

from journeyscope import durations
from journeyscope.errors import InvalidQueryError

RuleKind = Literal["given", "customer", "gap", "start", "end"]


@dataclass(frozen=True)
class CaseRule:
    """How events are grouped into cases.

    * ``given``: the data's ``case_id``; events without one are left out.
    * ``customer``: one case per (stitched) customer.
    * ``gap``: per customer, a new case after ``gap`` of inactivity (e.g. 30 minutes for web
      sessions, 60 days for service journeys).
    * ``start``: per customer, a new case at each of ``activities``.
    * ``end``: per customer, a case closes after each of ``activities``.

    Every rule but ``given`` leaves out events without a customer id.

    >>> CaseRule.inactivity(timedelta(days=60)).describe()
    'per customer, a new case after 60 days of inactivity; events without a customer are left out'
    """

    kind: RuleKind = "given"
    gap: timedelta | None = None
    activities: tuple[str, ...] = ()

    @classmethod
    def given(cls) -> CaseRule:
        return cls("given")

    @classmethod
    def per_customer(cls) -> CaseRule:
        return cls("customer")

    @classmethod
    def inactivity(cls, gap: timedelta) -> CaseRule:
        return cls("gap", gap=gap)

    @classmethod
    def starting_at(cls, *activities: str) -> CaseRule:
        return cls("start", activities=tuple(activities))

    @classmethod
    def ending_at(cls, *activities: str) -> CaseRule:
        return cls("end", activities=tuple(activities))

    def describe(self) -> str:
        if self.kind == "given":
            return "case_id from the data; events without one are left out"
        if self.kind == "customer":
            return (
                "one case per customer (after identity stitching); events without one are left out"
            )
        if self.kind == "gap":
            assert self.gap is not None
            return (
                f"per customer, a new case after {_human(self.gap)} of inactivity; events "
                "without a customer are left out"
            )
        names = ", ".join(self.activities)
        left = "; events without a customer are left out"
        if self.kind == "start":
            return f"per customer, a new case at each of: {names}{left}"
        return f"per customer, a case ends after each of: {names}{left}"


def human_duration(gap: timedelta) -> str:
    """``60 days``, ``12 hours``, ``45 minutes`` or ``90 seconds``.

    >>> human_duration(timedelta(hours=36))
    '36 hours'
    """
    return _human(gap)


def _human(gap: timedelta) -> str:
    seconds = int(gap.total_seconds())
    for unit, size in (("days", 86400), ("hours", 3600), ("minutes", 60)):
        if seconds % size == 0 and seconds >= size:
            return f"{seconds // size} {unit}"
    return f"{seconds} seconds"


#: Sort keys that make event order total and reproducible.
ORDER_KEYS = ("timestamp", "source", "source_row", "event_id")


def with_cases(events: ibis.Table, rule: CaseRule | None = None) -> ibis.Table:
    """Add a string ``case`` column according to ``rule`` (default: the data's case ids)."""
    rule = rule or CaseRule.given()
    if rule.kind == "given":
        return events.filter(_.case_id.notnull()).mutate(case=_.case_id)
    events = events.filter(_.customer_id.notnull())  # per-customer rules need a customer
    if rule.kind == "customer":
        return events.mutate(case=_.customer_id)
    window = ibis.window(group_by=_.customer_id, order_by=[_[k] for k in ORDER_KEYS])
    if rule.kind == "gap":
        assert rule.gap is not None
        previous = _.timestamp.lag().over(window)
        gap_seconds = int(rule.gap.total_seconds())
        opens = previous.isnull() | (
            (epoch_seconds(_.timestamp) - epoch_seconds(previous)) > gap_seconds
        )
    elif rule.kind == "start":
        opens = _.activity.isin(list(rule.activities))
    else:
        closed_before = _.activity.lag().over(window).isin(list(rule.activities))
        opens = closed_before.fill_null(False)
    marked = events.mutate(__opens=opens.cast("int64"))
    running = ibis.window(
        group_by=marked.customer_id,
        order_by=[marked[k] for k in ORDER_KEYS],
        preceding=None,
        following=0,
    )
    numbered = marked.mutate(__n=marked["__opens"].sum().over(running))
    return numbered.mutate(case=numbered.customer_id + "#" + numbered["__n"].cast("string")).drop(
        "__opens", "__n"
    )


def ordered(cases: ibis.Table) -> ibis.Table:
    """Add ``seq``: the 1-based position of each event in its case (ties: input order)."""
    window = ibis.window(group_by=cases.case, order_by=[cases[k] for k in ORDER_KEYS])
    return cases.mutate(seq=ibis.row_number().over(window) + 1)


# ------------------------------------------------------------------ shared by every analysis


def parse_duration(text: str) -> timedelta:
    """A positive duration in the one grammar of :mod:`journeyscope.durations` (``30d``,
    ``12h``, ``90 minutes``, ``2w``, ``1d 12h``; a bare number means seconds).

    >>> parse_duration("30d")
    datetime.timedelta(days=30)
    >>> parse_duration("1.5h").total_seconds()
    5400.0
    """
    try:
        seconds = durations.parse(text).total_seconds
    except durations.DurationError as exc:
        raise InvalidQueryError(str(exc)) from None
    if seconds <= 0:
        raise InvalidQueryError(f"{text!r}: a duration must be positive")
    return timedelta(seconds=seconds)


def case_rule_from_options(
    kind: str, gap: str | timedelta | None = None, activities: tuple[str, ...] = ()
) -> CaseRule:
    """Build a :class:`CaseRule` from command-line style options.

    >>> case_rule_from_options("gap", "60d").describe().split(";")[0]
    'per customer, a new case after 60 days of inactivity'
    """
    if kind == "gap":
        if gap is None:
            raise InvalidQueryError("--case-rule gap needs --gap (e.g. --gap 60d)")
        return CaseRule.inactivity(gap if isinstance(gap, timedelta) else parse_duration(gap))
    if kind in ("start", "end"):
        if not activities:
            raise InvalidQueryError(f"--case-rule {kind} needs at least one --case-activity")
        return CaseRule(kind, activities=tuple(activities))  # type: ignore[arg-type]
    if kind in ("given", "customer"):
        return CaseRule(kind)  # type: ignore[arg-type]
    raise InvalidQueryError(f"unknown case rule {kind!r} (choose given, customer, gap, start, end)")


class AnalysisQuery(BaseModel):
    """What every typed analysis query has: how events are grouped into cases, and what an
    activity is (``activity_key``, see :func:`keyed`)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    case_rule: CaseRule = Field(default_factory=CaseRule.given)
    activity_key: tuple[str, ...] = ()
    """Fields that together name an activity, e.g. ``("concept:name",
    "lifecycle:transition")``; empty: the activity column alone."""

    #: The analysis draws its figures from cases alone (the DFG, variants, funnels): with
    #: the data's case ids as its cases it reads no customer id.
    CASES_ONLY: ClassVar[bool] = False

    def named_fields(self) -> tuple[str, ...]:
        """The event fields the query names (its activity key, and for some analyses a
        breakdown)."""
        return self.activity_key

    def reads_customers(self) -> bool:
        """Whether the analysis reads ``customer_id``, so that a source's identities must be
        stitched before it runs (see :mod:`journeyscope.analytics.unstitched`): always, but
        for an analysis drawn from cases alone whose cases are the data's case ids and whose
        fields do not name the customer.

        >>> AnalysisQuery().reads_customers()
        True
        """
        return (
            not self.CASES_ONLY
            or self.case_rule.kind != "given"
            or "customer_id" in self.named_fields()
        )


#: Names that mean the canonical activity column in an activity key.
ACTIVITY_NAMES = ("activity", "concept:name")


def parse_activity_key(text: str) -> tuple[str, ...]:
    """``concept:name+lifecycle:transition`` as a key.

    >>> parse_activity_key("concept:name + lifecycle:transition")
    ('concept:name', 'lifecycle:transition')
    """
    parts = tuple(p.strip() for p in text.split("+") if p.strip())
    if not parts:
        raise InvalidQueryError(
            f"{text!r} is no activity key (e.g. concept:name+lifecycle:transition)"
        )
    return parts


def keyed(events: ibis.Table, key: tuple[str, ...]) -> ibis.Table:
    """Events whose ``activity`` is the activity key: the parts joined as ``first (second,
    third)``, parts without a value left out (``A_SUBMITTED (complete)``, ``Accepted (In
    Progress)``). The first part is usually the activity itself (``concept:name``).

    With ``lifecycle:transition`` in the key, ``work_item`` is added: the same name without
    the lifecycle part where the event has a standard XES transition (see
    :mod:`journeyscope.analytics.work_items`), so one work item's transitions can still be
    told apart from going back."""
    if not key or key in (("activity",), ("concept:name",)):
        return events
    from journeyscope.analytics.work_items import LIFECYCLE, transition

    label = _joined(events, key)
    if LIFECYCLE not in key:
        return events.mutate(activity=label)
    plain = _joined(events, tuple(k for k in key if k != LIFECYCLE) or ("activity",))
    item = ibis.cases((transition(events).notnull(), plain), else_=label)
    return events.mutate(activity=label, work_item=item)


def _joined(events: ibis.Table, key: tuple[str, ...]) -> ibis.StringValue:
    values = [events.activity if k in ACTIVITY_NAMES else property_value(events, k) for k in key]
    head, rest = values[0], values[1:]
    if not rest:
        return head
    joined: ibis.StringValue = ibis.literal("")
    for v in rest:
        piece = ibis.cases((v.notnull() & (v != ""), v), else_=ibis.null("string"))
        joined = ibis.cases(
            (piece.isnull(), joined),
            (joined == "", piece),
            else_=joined + ", " + piece,
        )
    return ibis.cases((joined == "", head), else_=head + " (" + joined + ")")


def describe_key(key: tuple[str, ...]) -> str:
    """How activities were named, for a result's semantics."""
    if not key or key in (("activity",), ("concept:name",)):
        return "activity = the activity column"
    return "activity = " + " + ".join(key) + " (joined as 'first (second, ...)')"


def cased(events: ibis.Table, rule: CaseRule) -> ibis.Table:
    """:func:`ordered` events of :func:`with_cases`: columns ``case`` and ``seq`` added."""
    return ordered(with_cases(events, rule))


def person(table: ibis.Table) -> ibis.Value:
    """The customer an event belongs to; the case stands in where no customer is known."""
    return table.customer_id.fill_null(table.case)


def property_value(table: ibis.Table, name: str) -> ibis.StringValue:
    """A canonical column (``channel``) or a key of the ``properties`` JSON (``segment``).

    Properties are read by the engine's JSON function, the same way on DuckDB and Spark:
    a string value comes back as the string (without its quotes, escapes undone), a number
    or a boolean as its JSON text, an object or a list as its JSON text; a missing key, a
    JSON ``null`` and text that is not a JSON object give null. The key is found by a JSON
    pointer (any key), which Spark's compilation turns into its bracketed path
    (:mod:`~journeyscope.analytics.spark_compiler`).
    """
    if name in table.columns and name != "properties":
        return table[name].cast("string")
    pointer = "/" + name.replace("~", "~0").replace("/", "~1")
    return _or_null(_json_text(table.properties, pointer))


def _text_at(properties: str, pointer: str) -> str:
    """DuckDB's ``json_extract_string``: the text at the JSON ``pointer`` of ``properties``
    (only the types are read here: the engine runs it)."""
    return properties


def _tried(value: str) -> str:
    """DuckDB's ``try``: ``value``, null where computing it fails (text that is not JSON)."""
    return value


_json_text: Callable[[ibis.Value, str], ibis.StringValue] = ibis.udf.scalar.builtin(
    _text_at, name="json_extract_string"
)
_or_null: Callable[[ibis.Value], ibis.StringValue] = ibis.udf.scalar.builtin(_tried, name="try")


def read_properties(events: ibis.Table, names: Iterable[str | None]) -> ibis.Table:
    """``events`` with each of the properties ``names`` read out of ``properties`` into a
    column of its own name (:func:`property_value`; a canonical column stays as it is), and
    ``properties`` left out. For analyses that order the events and read no other property:
    their sort then carries these short values instead of the properties text, which at 10M
    events is more than DuckDB's memory limit holds (the sort spilled)."""
    if "properties" not in events.columns:
        return events
    wanted = [n for n in dict.fromkeys(names) if n is not None and n not in events.columns]
    read = {n: property_value(events, n) for n in wanted}
    return events.select(*[c for c in events.columns if c != "properties"], **read)


def lookup(column: ibis.Value, mapping: Mapping[Any, Any], dtype: str) -> ibis.Value:
    """``mapping[column]`` of type ``dtype``, null for other values (and for an empty
    mapping), as a map literal that the engine looks each value up in: no lookup table, and
    no ``IN`` list, which DuckDB plans as a join of every row with the list (at 10M events a
    channel's kind took about 1.2 s of operator time per list that way).

    >>> t = ibis.memtable({"activity": ["A", "B", "C"]})
    >>> steps = lookup(t.activity, {"A": "apply", "B": "apply"}, "string")
    >>> t.select(step=steps).to_pyarrow()["step"].to_pylist()
    ['apply', 'apply', None]
    """
    if not mapping:
        return ibis.null(dtype)
    keys = ibis.literal(list(mapping), type=dt.Array(column.type()))
    values = ibis.literal(list(mapping.values()), type=dt.Array(dt.dtype(dtype)))
    return ibis.map(keys, values).get(column)


def split_cases(events: ibis.Table, marked: ibis.BooleanValue) -> tuple[ibis.Table, ibis.Table]:
    """The events (with ``case``) of the cases that have an event where ``marked`` holds, and
    those of the other cases. A hash join tells them apart, so a window that only such cases
    need sorts none of the others' events."""
    found = events.filter(marked).select(m_case=events.case).distinct()
    return (
        events.semi_join(found, events.case == found.m_case),
        events.anti_join(found, events.case == found.m_case),
    )


def _micros(ts: datetime) -> int:
    """DuckDB's ``epoch_us``: microseconds since 1970 (UTC) of a time (the engine runs it;
    Spark's compilation says it as ``unix_micros``)."""
    return 0


_epoch_us: Callable[[ibis.Value], ibis.IntegerValue] = ibis.udf.scalar.builtin(
    _micros, name="epoch_us"
)


def _from_micros(micros: int) -> datetime:
    """DuckDB's ``make_timestamp`` of microseconds since 1970: a time without a zone (Spark's
    compilation says it as ``timestamp_micros``)."""
    return datetime.min


_make_timestamp: Callable[[ibis.Value], ibis.TimestampValue] = ibis.udf.scalar.builtin(
    _from_micros, name="make_timestamp"
)


def utc_time(ts: ibis.TimestampValue) -> ibis.TimestampValue:
    """The time as a clock in UTC shows it, without a zone: for calendar parts and periods
    (``truncate``, ``year``, ``month``), which DuckDB computes on a zoned time through its
    calendar library value by value (a week's start of 5.0M events: 1.68 CPU s, against
    0.11 on this). The same instant on every engine; on Spark, whose times are the session's
    (UTC), the same time."""
    return _make_timestamp(_epoch_us(ts))


def epoch_seconds(ts: ibis.TimestampValue) -> ibis.FloatingValue:
    """Seconds since 1970 (UTC) with their fraction, a double: the engine's integer
    microseconds divided by a million, as Ibis's ``epoch_seconds`` is compiled for Spark
    (``spark_compiler``). On DuckDB Ibis compiles that as the epoch of the time cast without
    its zone, a conversion value by value (5.0M events: 0.26 CPU s, against 0.02 for this)."""
    return _epoch_us(ts) / 1_000_000


def epoch_ms(ts: ibis.TimestampValue) -> ibis.IntegerValue:
    """Milliseconds since 1970 (UTC), floored, computed the same way on every engine: the
    engine's integer microseconds since 1970, divided by a thousand and floored.

    On DuckDB that reads the stored integer (5.0M events: 0.02-0.06 CPU s), where the whole
    seconds of Ibis's ``epoch_seconds`` plus the time's millisecond part took 0.9 (DuckDB
    converts a zoned time to its calendar parts value by value). A double holds every
    microsecond count of the years a log can have (below 2**53, about 285 years from 1970)
    exactly, and the division's rounding cannot carry a fraction of a thousandth past a whole
    number.
    """
    return (_epoch_us(ts) / 1000).floor().cast("int64")
