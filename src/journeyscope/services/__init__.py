"""The application layer: what the CLI, the API and the workspace pages do, written once."""
