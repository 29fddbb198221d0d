"""Shared pieces of the CLI: the store option, error handling, JSON output, progress."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from journeyscope.config import Settings

console = Console(stderr=True, soft_wrap=True)

StoreOption = Annotated[
    Path | None,
    typer.Option(
        "--store",
        help="DuckDB store file [default: JOURNEYSCOPE_STORE or .journeyscope/store.duckdb]",
    ),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print machine-readable JSON on stdout.")]


def store_path(store: Path | None) -> Path:
    return store if store is not None else Settings().store


def print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, indent=2, default=str, ensure_ascii=False) + "\n")


@contextmanager
def progress_bar(label: str) -> Iterator[Callable[[float], None]]:
    """A rich progress bar on stderr; yields ``update(percent)``."""
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.percentage:>5.1f}%"),
        TimeElapsedColumn(),
        console=console,
        transient=True,
        disable=not console.is_terminal,
    ) as bar:
        task = bar.add_task(label, total=100)
        yield lambda pct: bar.update(task, completed=pct)
