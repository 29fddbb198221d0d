"""The application layer: the only place that executes analyses; the CLI, the API, the pages and the report call it."""
