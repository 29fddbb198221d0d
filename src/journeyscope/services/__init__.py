"""The application layer: the only place that executes analyses.

Every function here takes the one injected :class:`~journeyscope.config.Settings` (which
store, which engine, what memory limit) and a typed query, opens the store **read-only**,
runs the query and returns the typed result. The command line, the web pages and API and
the report all call these functions, so they give the same numbers.

Modules: :mod:`~journeyscope.services.store` (opening a store for reading),
:mod:`~journeyscope.services.analyses` (one function per analysis),
:mod:`~journeyscope.services.report` (the journey report),
:mod:`~journeyscope.services.backlog` (opportunities, the story map, before/after).

Importing this package imports nothing heavy; each function imports what it uses.
"""
