"""Errors named after the problem.

Every error says what is wrong and where, so a person can fix it without reading a traceback.

>>> raise ColumnNotFoundError("no column 'ts' in orders.csv (columns: id, when)")
Traceback (most recent call last):
...
journeyscope.errors.ColumnNotFoundError: no column 'ts' in orders.csv (columns: id, when)
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any


class JourneyscopeError(Exception):
    """Base of every error journeyscope raises on purpose."""


class InputFormatError(JourneyscopeError):
    """A file could not be read as the format it claims to be.

    Example: ``events.xes: line 12: mismatched tag 'trace'``.
    """


class ColumnNotFoundError(JourneyscopeError):
    """A mapped column is not in the input.

    Example: ``--activity 'Step' names no column of orders.csv (columns: id, step, at)``.
    """


class NothingIngestedError(InputFormatError):
    """Not a single row of an input could be read (one bad row is quarantined instead; only a
    file with nothing readable is refused).

    Example: ``log.xes: line 3: not well-formed XES: ...; no event could be read``.
    """


class CatalogueError(JourneyscopeError):
    """An event catalogue file is invalid.

    Example: ``catalogue.yaml:14: activities.Pay.channel: 'fax' is not a known channel``.
    """


class StoreError(JourneyscopeError):
    """The event store cannot be opened or is not a journeyscope store.

    Example: ``/tmp/x.duckdb: table 'events' has column 'ts' where 'timestamp' was expected``.
    """


class UnknownEngineError(JourneyscopeError):
    """An analytics engine name is not one journeyscope knows.

    Example: ``unknown engine 'sparkk' (choose duckdb or spark)``.
    """


class SparkDriverLostError(JourneyscopeError):
    """Spark's driver (the JVM PySpark started) stopped during an analysis, e.g. out of memory.

    Example: ``Spark's driver stopped (out of memory; spark.driver.memory is 1g): ...``.
    """


class JourneyDefinitionError(JourneyscopeError):
    """An orchestrated journey, interaction catalogue or contact policy is invalid.

    Example: ``tenancy.yaml:12: steps.remind.next: no step 'remind-2' in journey 'tenancy-docs'``.
    """


class ConditionError(JourneyDefinitionError):
    """A condition or input expression cannot be parsed or uses what is not allowed.

    Example: ``"event.__class__" : attribute names starting with '_' are not allowed``.
    """


class InteractionNotFoundError(JourneyscopeError):
    """An interaction object (or a version of it) is not in the catalogue.

    Example: ``no interaction object 'help_offer' version 3 (known versions: 1, 2)``.
    """


class JourneyNotFoundError(JourneyscopeError):
    """A journey id, version or step is not deployed.

    Example: ``journey 'tenancy-docs' has no step 'upload' in version 2``.
    """


class VersionConflictError(JourneyscopeError):
    """A journey version is deployed again with a different definition; versions are immutable.

    Example: ``journey 'tenancy-docs' version 2 is already deployed with another definition``.
    """


class EngineStoreError(JourneyscopeError):
    """The orchestration database cannot be used.

    Example: ``postgresql://…: cannot connect: connection refused``.
    """


class DeliveryError(JourneyscopeError):
    """An interaction object's implementation failed; ``permanent`` ones are not retried.

    Example: ``webhook http://crm/tasks answered 500 (attempt 3 of 8)``.
    """

    def __init__(self, message: str, *, permanent: bool = False) -> None:
        super().__init__(message)
        self.permanent = permanent


class DefinitionError(JourneyscopeError):
    """A designed-journey definition file is invalid; each problem names the line and field.

    Example: ``tenancy.yaml:48: transitions.3.to: no step 'upload_docs' (did you mean
    'upload_documents'?)``.
    """


class SettingsError(JourneyscopeError):
    """A setting (a ``JOURNEYSCOPE_*`` environment variable or ``.env`` line) is invalid.

    Example: ``settings: JOURNEYSCOPE_CHANNEL_COSTS: Input should be a valid dictionary``.
    """


class InvalidQueryError(JourneyscopeError, ValueError):
    """An analysis query asks for something that cannot be computed as stated.

    Example: ``an any-order funnel cannot have exclusion steps``.
    """


class UnknownNameError(JourneyscopeError, ValueError):
    """An analysis names an activity, step, property or breakdown the data does not have.

    Example: ``funnel step 2: no activity 'Upload documentz' in the events (closest: 'Upload
    documents')``.
    """


class AccountError(JourneyscopeError, ValueError):
    """A user, role or password that cannot be used, said plainly.

    Example: ``unknown role 'analist' (did you mean analyst?)``.
    """


class SignInRefused(JourneyscopeError):
    """Too many failed sign-ins; ``retry_after`` seconds until the next attempt is heard."""

    def __init__(self, retry_after: float) -> None:
        super().__init__(f"too many failed sign-ins; try again in {retry_after:.0f} s")
        self.retry_after = retry_after


class InsightError(JourneyscopeError, LookupError):
    """An insight or dashboard that does not exist, or a name that cannot be used."""


class CustomerNotFoundError(JourneyscopeError, LookupError):
    """No stored event carries the identifier; the message names the closest ones."""


class BrowserNotFoundError(JourneyscopeError):
    """No Chromium to draw pictures with.

    Example: ``no Chromium found: set JOURNEYSCOPE_CHROMIUM to its path``.
    """


class SecretError(JourneyscopeError):
    """The workspace secret cannot be read or made."""


class ConditionCostError(ConditionError):
    """An expression went past the cost bound while being evaluated (or folded at load)."""


def closest(name: str, known: Iterable[str], n: int = 3, cutoff: float = 0.6) -> list[str]:
    """The known names most like ``name`` (case-insensitive; similarity at least ``cutoff``,
    or one containing the other), best first. Every "closest names" hint comes from here.

    >>> closest("Upload documentz", ["Pay deposit", "Upload documents", "Upload quote"])
    ['Upload documents', 'Upload quote']
    """
    import difflib

    lowered = {k.lower(): k for k in known}
    hits = difflib.get_close_matches(name.lower(), list(lowered), n=n, cutoff=cutoff)
    within = sorted(k for k in lowered if name.lower() in k or (k and k in name.lower()))
    picked = list(dict.fromkeys([*hits, *within]))[:n]
    return [lowered[h] for h in picked]


def validation_message(problem: Mapping[str, Any]) -> str:
    """The sentence of one problem a pydantic validation found (an item of
    ``ValidationError.errors()``), without the ``Value error, `` tag pydantic puts before a
    validator's own sentence.

    >>> validation_message({"msg": "Value error, give a window of at least 1 day"})
    'give a window of at least 1 day'
    """
    return str(problem["msg"]).removeprefix("Value error, ")


def unknown_name(what: str, name: str, known: list[str], where: str) -> UnknownNameError:
    """The error for ``name`` missing from ``known``, naming the closest known names.

    >>> str(unknown_name("activity", "Pay", ["Pay deposit", "Sign"], "funnel step 1"))
    "funnel step 1: no activity 'Pay' in the events (closest: 'Pay deposit')"
    """
    near = closest(name, known)
    if near:
        hint = "closest: " + ", ".join(repr(k) for k in near)
    else:
        shown = sorted(known)[:8]
        hint = "known: " + (", ".join(repr(k) for k in shown) or "none")
        hint += ", ..." if len(known) > len(shown) else ""
    return UnknownNameError(f"{where}: no {what} {name!r} in the events ({hint})")
