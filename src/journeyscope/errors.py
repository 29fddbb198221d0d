"""Errors named after the problem.

Every error says what is wrong and where, so a person can fix it without reading a traceback.

>>> raise ColumnNotFoundError("no column 'ts' in orders.csv (columns: id, when)")
Traceback (most recent call last):
...
journeyscope.errors.ColumnNotFoundError: no column 'ts' in orders.csv (columns: id, when)
"""

from __future__ import annotations


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


class NothingIngestedError(JourneyscopeError):
    """Not a single row of an input could be read.

    Example: ``orders.csv: 0 of 12 rows ingested; all 12 quarantined (see journeyscope quarantine)``.
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


class DefinitionError(JourneyscopeError):
    """A designed-journey definition file is invalid; each problem names the line and field.

    Example: ``tenancy.yaml:48: transitions.3.to: no step 'upload_docs' (did you mean
    'upload_documents'?)``.
    """
