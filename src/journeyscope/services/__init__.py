"""The application layer: the only place that executes analyses.

Every function here takes the one injected :class:`~journeyscope.config.Settings` (which
store, which engine, what memory limit) and a typed query, opens the store **read-only**,
runs the query and returns the typed result. The command line, the web pages and API and
the report all call these functions, so they give the same numbers.

Modules: :mod:`~journeyscope.services.store` (opening a store for reading),
:mod:`~journeyscope.services.analyses` (one function per analysis),
:mod:`~journeyscope.services.report` (the journey report),
:mod:`~journeyscope.services.backlog` (opportunities, the story map, before/after).

The workspace's own records and reads: :mod:`~journeyscope.services.accounts` (users,
roles, sessions), :mod:`~journeyscope.services.insights` (saved insights, dashboards),
:mod:`~journeyscope.services.queries` (typed queries from CLI-named parameters),
:mod:`~journeyscope.services.results` (analysis jobs cached by store state and query),
:mod:`~journeyscope.services.overview` (counts, catalogue, ingestion history, quarantine),
:mod:`~journeyscope.services.customers` (search and timeline),
:mod:`~journeyscope.services.uploads` (ingesting an uploaded file).

Importing this package imports nothing heavy; each function imports what it uses.
"""
