"""Cohorts: saved groups of customers, defined by a rule over their events or by a list.

A customer is the stitched ``customer_id``, or the data's ``case_id`` where no customer is
known (the same unit as retention). A cohort is either

* a **rule**: every one of its conditions holds for the customer. A condition counts the
  customer's events that match it (an activity, a property value, a time range) and asks for
  at least ``min_count`` of them, or, when ``negate`` is set, for fewer (``did not``); or
* a **list** of customer ids.

Cohorts are saved as JSON files and used by analyses in two ways: :func:`filter_events`
keeps the events of the cohort's members (any analysis runs on the filtered table;
:class:`CohortBackend` wraps a backend so that every analysis it runs is filtered), and
:func:`with_cohort` adds a ``cohort`` column naming the first listed cohort each customer
belongs to, which any analysis with a ``breakdown`` can break down by.

>>> Cohort(name="movers", conditions=(Condition(activity="Collect keys"),)).describe()
'movers: customers with at least 1 Collect keys event'
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import ibis
import pyarrow as pa
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from journeyscope.analytics.backends import Backend
from journeyscope.analytics.cases import property_value
from journeyscope.errors import InvalidQueryError, closest, validation_message

if TYPE_CHECKING:
    from journeyscope.analytics.cases import CaseRule
    from journeyscope.analytics.conformance import Conformance
    from journeyscope.definitions.models import Journey

NONE = "(no cohort)"


class Condition(BaseModel):
    """Customers with at least ``min_count`` events that match (fewer, when ``negate``)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    activity: str | None = None
    property: str | None = None
    equals: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    min_count: int = Field(1, ge=1)
    negate: bool = False

    @model_validator(mode="after")
    def _property_with_value(self) -> Condition:
        if (self.property is None) != (self.equals is None):
            raise ValueError("property and equals go together (e.g. segment = students)")
        return self

    def describe(self) -> str:
        what = [f"{self.activity} " if self.activity else ""]
        events = f"{what[0]}event{'s' if self.min_count > 1 else ''}"
        parts = [f"{'fewer than' if self.negate else 'at least'} {self.min_count} {events}"]
        if self.property is not None:
            parts.append(f"with {self.property} = {self.equals}")
        if self.since is not None:
            parts.append(f"from {self.since.isoformat()}")
        if self.until is not None:
            parts.append(f"before {self.until.isoformat()}")
        return " ".join(parts)


class Cohort(BaseModel):
    """A named group of customers: by ``conditions`` (all must hold) or by ``customers``."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = Field(min_length=1)
    conditions: tuple[Condition, ...] = ()
    customers: tuple[str, ...] = ()

    @model_validator(mode="after")
    def _rule_or_list(self) -> Cohort:
        if bool(self.conditions) == bool(self.customers):
            raise ValueError(
                "a cohort has either conditions or a list of customers (one, not both)"
            )
        return self

    def describe(self) -> str:
        if self.customers:
            return f"{self.name}: a list of {len(self.customers)} customers"
        return f"{self.name}: customers with " + " and ".join(c.describe() for c in self.conditions)


def customer(events: ibis.Table) -> ibis.StringValue:
    """The customer of each event: ``customer_id``, else the data's ``case_id``."""
    return events.customer_id.fill_null(events.case_id)


def _matches(events: ibis.Table, c: Condition) -> ibis.BooleanValue:
    # a column expression even when the condition names nothing (any event matches)
    match = events.timestamp.notnull() | events.timestamp.isnull()
    if c.activity is not None:
        match = match & (events.activity == c.activity)
    if c.property is not None:
        match = match & (property_value(events, c.property) == c.equals).fill_null(False)
    if c.since is not None:
        match = match & (events.timestamp >= c.since)
    if c.until is not None:
        match = match & (events.timestamp < c.until)
    return match


def members(events: ibis.Table, cohort: Cohort) -> ibis.Table:
    """The cohort's members present in ``events``: one row per customer, column ``who``."""
    t = events.mutate(who=customer(events))
    t = t.filter(t.who.notnull())
    if cohort.customers:
        return t.filter(t.who.isin(list(cohort.customers))).select("who").distinct()
    counts = t.group_by("who").aggregate(
        **{f"c{i}": _matches(t, c).cast("int64").sum() for i, c in enumerate(cohort.conditions)}
    )
    keep = ibis.literal(True)
    for i, c in enumerate(cohort.conditions):
        n = counts[f"c{i}"].fill_null(0)
        keep = keep & ((n < c.min_count) if c.negate else (n >= c.min_count))
    return counts.filter(keep).select("who")


def filter_events(events: ibis.Table, cohort: Cohort) -> ibis.Table:
    """The events of the cohort's members (same columns as ``events``)."""
    m = members(events, cohort)
    return events.filter(customer(events).isin(m.who))


def with_cohort(
    events: ibis.Table, cohorts: Sequence[Cohort], population: ibis.Table | None = None
) -> ibis.Table:
    """``events`` with a ``cohort`` column: the first of ``cohorts`` the customer belongs to,
    or ``(no cohort)``. Analyses break down by it with ``breakdown="cohort"``. Membership is
    decided on ``population`` (default: ``events`` themselves; the workspace passes every
    event of the store, so that a date filter never changes who is in a cohort)."""
    if not cohorts:
        raise InvalidQueryError("with_cohort needs at least one cohort")
    base = events if population is None else population
    label: ibis.Value = ibis.literal(NONE)
    for c in reversed(cohorts):
        label = ibis.cases((customer(events).isin(members(base, c).who), c.name), else_=label)
    return events.mutate(cohort=label)


def in_cohort(
    events: ibis.Table, cohort: Cohort, population: ibis.Table | None = None
) -> ibis.Table:
    """The events of ``cohort``'s members, membership decided on ``population`` (default:
    ``events``; then the same as :func:`filter_events`)."""
    m = members(events if population is None else population, cohort)
    return events.filter(customer(events).isin(m.who))


def describe_group(label: str, cohorts: Sequence[Cohort]) -> str:
    """Who one group of a breakdown by ``cohorts`` is, as a sentence: a cohort's customers
    not in an earlier listed cohort, or ``(no cohort)``: those in none of them."""
    names = [c.name for c in cohorts]
    if label == NONE:
        return f"Only the customers in none of the cohorts {', '.join(names)} (the rest)."
    found = next((c for c in cohorts if c.name == label), None)
    if found is None:
        raise InvalidQueryError(f"no cohort {label!r} among {', '.join(names)}")
    earlier = names[: names.index(label)]
    unless = f", not in {', '.join(earlier)} (listed first)" if earlier else ""
    return f"Only the customers in cohort {found.describe()}{unless}."


def from_filter(
    name: str,
    where: Sequence[tuple[str, str]] = (),
    channels: Sequence[str] = (),
    since: datetime | None = None,
    until: datetime | None = None,
    activity: str | None = None,
    min_count: int = 1,
) -> Cohort:
    """The cohort a workspace filter describes: customers with an event where each property
    has its value (``where``), with an event in each channel, and with at least
    ``min_count`` events of ``activity``; every condition within ``since`` (inclusive) and
    ``until`` (exclusive); only dates: customers with an event in that range.

    >>> from_filter("young", where=[("segment", "young")]).describe()
    'young: customers with at least 1 event with segment = young'
    """
    dates: dict[str, Any] = {"since": since, "until": until}
    conditions = [Condition(property=k, equals=v, **dates) for k, v in where]
    conditions += [Condition(property="channel", equals=c, **dates) for c in channels]
    if activity:
        conditions.append(Condition(activity=activity, min_count=min_count, **dates))
    if not conditions and (since is not None or until is not None):
        conditions.append(Condition(**dates))
    if not conditions:
        raise InvalidQueryError(
            "nothing to define the cohort by: give a segment (customers where), a channel, "
            "dates or an activity"
        )
    try:
        return Cohort(name=name, conditions=tuple(conditions))
    except ValidationError as exc:
        raise InvalidQueryError("; ".join(validation_message(e) for e in exc.errors())) from None


# -------------------------------------------------------------------------- saved cohorts


def save(cohort: Cohort, path: str | Path) -> Path:
    """Write ``cohort`` as JSON to ``path`` (folders created) and return the path."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(cohort.model_dump_json(indent=2, exclude_defaults=True) + "\n")
    return target


def load(path: str | Path) -> Cohort:
    """Read a cohort saved by :func:`save`; a missing file or a bad field is a clear error."""
    source = Path(path)
    if not source.is_file():
        raise InvalidQueryError(f"{source}: no such cohort file")
    try:
        data = json.loads(source.read_text())
    except json.JSONDecodeError as exc:
        raise InvalidQueryError(f"{source}: not JSON ({exc.msg} at line {exc.lineno})") from None
    try:
        return Cohort.model_validate(data)
    except ValidationError as exc:
        problems = []
        for e in exc.errors():
            where = ".".join(str(p) for p in e["loc"]) or "cohort"
            hint = ""
            if e["type"] == "extra_forbidden":
                close = closest(
                    str(e["loc"][-1]), [*Cohort.model_fields, *Condition.model_fields], n=1
                )
                hint = f" (did you mean {close[0]}?)" if close else ""
            problems.append(f"{where}: {e['msg']}{hint}")
        raise InvalidQueryError(f"{source}: " + "; ".join(problems)) from None


def read_list(path: str | Path) -> tuple[str, ...]:
    """Customer ids from a text file, one a line (blank lines and ``#`` comments skipped)."""
    source = Path(path)
    if not source.is_file():
        raise InvalidQueryError(f"{source}: no such file of customer ids")
    lines = (line.strip() for line in source.read_text().splitlines())
    ids = tuple(dict.fromkeys(x for x in lines if x and not x.startswith("#")))
    if not ids:
        raise InvalidQueryError(f"{source}: no customer ids in it")
    return ids


SUFFIX = ".json"


def saved_names(folder: str | Path) -> list[str]:
    """The names of the cohorts saved in ``folder`` (file names without ``.json``), sorted."""
    root = Path(folder)
    return sorted(p.stem for p in root.glob(f"*{SUFFIX}")) if root.is_dir() else []


def resolve(ref: str | Path, folder: str | Path, option: str = "--cohort") -> Cohort:
    """The cohort ``ref`` names: a saved cohort's file, or the name of one saved in ``folder``
    (``journeyscope cohort save NAME`` writes ``folder/NAME.json``). An unknown name is an
    error listing the closest saved names, said of ``option`` (how the caller takes it).

    >>> resolve("nobody", "/nonexistent")
    Traceback (most recent call last):
    ...
    journeyscope.errors.InvalidQueryError: --cohort 'nobody': no such cohort file, and no cohort of that name is saved in /nonexistent (none saved yet: journeyscope cohort save NAME ...)
    """
    text = str(ref)
    if Path(text).is_file():
        return load(text)
    named = Path(folder) / f"{text}{SUFFIX}"
    if named.is_file():
        return load(named)
    known = saved_names(folder)
    close = closest(text.removesuffix(SUFFIX), known, n=3, cutoff=0.5)
    if close:
        hint = f"did you mean {', '.join(repr(c) for c in close)}?"
    elif known:
        hint = f"saved cohorts: {', '.join(known)}"
    else:
        hint = "none saved yet: journeyscope cohort save NAME ..."
    raise InvalidQueryError(
        f"{option} {text!r}: no such cohort file, and no cohort of that name is saved in "
        f"{folder} ({hint})"
    )


#: What a name saved from the workspace may be: a file name in the cohorts folder.
NAME_PATTERN = r"[A-Za-z0-9][A-Za-z0-9 _.-]{0,59}"


def saved(name: str, folder: str | Path, option: str = "cohort") -> Cohort:
    """The cohort saved under ``name`` in ``folder``, by name only (never a path: what the
    workspace accepts from a URL). An unknown name is an error with the closest names."""
    known = saved_names(folder)
    if name in known:
        return load(Path(folder) / f"{name}{SUFFIX}")
    close = closest(name, known, n=3, cutoff=0.5)
    if close:
        hint = f"closest: {', '.join(close)}"
    elif known:
        hint = f"defined: {', '.join(known)}"
    else:
        hint = "none defined yet"
    raise InvalidQueryError(f"{option}: no cohort {name!r} ({hint})")


def saved_cohorts(folder: str | Path) -> tuple[list[Cohort], list[str]]:
    """Every cohort saved in ``folder`` (by name), and a message for each file that is not a
    cohort (so a broken file is said, not silently skipped)."""
    found, problems = [], []
    for name in saved_names(folder):
        try:
            found.append(load(Path(folder) / f"{name}{SUFFIX}"))
        except InvalidQueryError as exc:
            problems.append(f"cohort {name!r}: {str(exc).partition(': ')[2] or exc}")
    return found, problems


def save_named(cohort: Cohort, folder: str | Path, replace: bool = False) -> Path:
    """Save ``cohort`` in ``folder`` under its name (as ``journeyscope cohort save`` does);
    a name that is no plain file name, or one already taken (unless ``replace``), is an
    error."""
    import re

    if not re.fullmatch(NAME_PATTERN, cohort.name):
        raise InvalidQueryError(
            f"name {cohort.name!r}: use letters, digits, spaces, '_', '-' or '.' "
            "(at most 60, starting with a letter or digit)"
        )
    target = Path(folder) / f"{cohort.name}{SUFFIX}"
    if target.exists() and not replace:
        raise InvalidQueryError(f"name {cohort.name!r}: a cohort of that name exists already")
    return save(cohort, target)


def describe_use(cohort: Cohort | None, breakdown: Sequence[Cohort]) -> str:
    """The sentence a result's semantics gains when it was computed on a cohort backend."""
    parts = []
    if cohort is not None:
        parts.append(f"Only the events of the customers in cohort {cohort.describe()}.")
    if breakdown:
        names = ", ".join(c.name for c in breakdown)
        parts.append(
            f"Column 'cohort' (for breakdowns): the first of {names} the customer is in, "
            f"else {NONE}."
        )
    return " ".join(parts)


def note_on(result: Any, sentence: str) -> Any:
    """``result`` with ``sentence`` added to its ``case_rule`` (which every command prints
    under its table) and its ``semantics``: how a cohort narrowed or split what it counts."""
    if not sentence or not isinstance(result, BaseModel):
        return result
    update = {}
    for field in ("case_rule", "semantics"):
        current = getattr(result, field, None)
        if isinstance(current, str):
            update[field] = f"{current.rstrip(' .')}. {sentence}" if current else sentence
    return result.model_copy(update=update)


class CohortBackend(Backend):
    """Another backend's events, narrowed to a cohort: every analysis run on it sees only the
    cohort's members (``CohortBackend(backend, cohort).run(FunnelQuery(...))``). With
    ``breakdown`` cohorts the events also get the ``cohort`` column of :func:`with_cohort`, so
    that ``breakdown="cohort"`` splits any analysis by them. Results come back with
    :func:`describe_use` in their semantics."""

    def __init__(
        self, inner: Backend, cohort: Cohort | None, breakdown: Sequence[Cohort] = ()
    ) -> None:
        super().__init__()
        self.inner = inner
        self.cohort = cohort
        self.breakdown = tuple(breakdown)
        self.name = inner.name

    def events(self, customers: bool = True) -> ibis.Table:
        # a cohort is a set of customers: narrowing to it or splitting by it reads them
        events = self.inner.events(customers or self.cohort is not None or bool(self.breakdown))
        if self.cohort is not None:
            events = filter_events(events, self.cohort)
        return with_cohort(events, self.breakdown) if self.breakdown else events

    def run(self, query: Any) -> Any:
        return note_on(super().run(query), describe_use(self.cohort, self.breakdown))

    def arrow(self, expr: ibis.Table) -> pa.Table:
        return self.inner.arrow(expr)

    def cache(self, expr: ibis.Table) -> ibis.Table:
        return self.inner.cache(expr)  # where the inner backend keeps it (its own connection)

    def fits(self, table: ibis.Table) -> bool:
        return self.inner.fits(table)  # the inner backend's memory runs the queries

    def conformance(self, events: ibis.Table, journey: Journey, rule: CaseRule) -> Conformance:
        # kept by the inner backend too (the cohort's events are built the same way each
        # time, so every analysis of the cohort reads one replay), released when it closes
        return self.inner.conformance(events, journey, rule)

    def kept_conformance(
        self, events: ibis.Table, journey: Journey, rule: CaseRule
    ) -> Conformance | None:
        return self.inner.kept_conformance(events, journey, rule)

    def register(self, expr: ibis.Expr) -> None:
        self.inner.register(expr)

    def hand_back_memory(self) -> None:
        self.inner.hand_back_memory()

    def close(self) -> None:
        self.inner.close()


def require_activities(named: Mapping[str, Iterable[str]], rows: list[dict[str, Any]]) -> None:
    """Raise when an activity named by a query option occurs in no analysed event, naming the
    option and the closest activities; ``rows`` are the distinct ``activity`` values of the
    events. (A typo guard: on a :class:`CohortBackend` the analysed events are the cohort's, so
    a conversion no member made is reported here too, rather than as zero conversions.)

    >>> require_activities({"conversions": ["Buy"]}, [{"activity": "Buy"}])
    >>> require_activities({"conversions": ["buy"]}, [{"activity": "Buy"}])
    Traceback (most recent call last):
    ...
    journeyscope.errors.InvalidQueryError: conversions: no analysed event has activity 'buy'; did you mean 'Buy'?
    """
    known = sorted({str(r["activity"]) for r in rows if r["activity"] is not None})
    for option, names in named.items():
        for name in names:
            if name in known:
                continue
            close = closest(name, known, n=3, cutoff=0.5)
            hint = f"; did you mean {', '.join(repr(c) for c in close)}?" if close else ""
            raise InvalidQueryError(f"{option}: no analysed event has activity {name!r}{hint}")
