"""What the benchmarks share: reading a measuring child process's result line.

A child prints one JSON object as its last line. DuckDB may have drawn its progress bar on
the same terminal line before it (carriage returns, no newline), so the object is read from
its first brace.

>>> last_json('50% ▕██▏\\r{"seconds": 1.5}\\n')
{'seconds': 1.5}
"""

from __future__ import annotations

import json
from typing import Any


def last_json(stdout: str) -> dict[str, Any]:
    """The JSON object on the last line of ``stdout`` that holds one."""
    for line in reversed(stdout.replace("\r", "\n").splitlines()):
        if "{" in line:
            found: dict[str, Any] = json.loads(line[line.index("{") :])
            return found
    raise ValueError(f"no result line in the child's output: {stdout[-500:]!r}")
