"""Shared pieces of the CLI: the console, JSON output, progress bars.

The shared options live in :mod:`journeyscope.cli.options` (re-exported here for modules
written against this one).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from rich.console import Console

from journeyscope.cli.options import JsonOption, StoreOption, root_settings

console = Console(stderr=True, soft_wrap=True)

__all__ = ["JsonOption", "StoreOption", "console", "print_json", "progress_bar", "store_path"]


def store_path(store: Path | None) -> Path:
    """``--store``, or the store of the command line's settings."""
    return store if store is not None else root_settings().store


def print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, indent=2, default=str, ensure_ascii=False) + "\n")


@contextmanager
def progress_bar(label: str) -> Iterator[Callable[[float], None]]:
    """A rich progress bar on stderr; yields ``update(percent)``."""
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

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
