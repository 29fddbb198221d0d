"""What the benchmarks share: running a measurement in a fresh interpreter (so its peak
memory is its own) and reading its result line.

A child prints one JSON object as its last line. DuckDB may have drawn its progress bar on
the same terminal line before it (carriage returns, no newline), so the object is read from
its first brace.

>>> last_json('50% ▕██▏\\r{"seconds": 1.5}\\n')
{'seconds': 1.5}
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any


def bytecode_env(folder: Path, **extra: str) -> dict[str, str]:
    """This environment with Python's bytecode cache on, kept under ``folder``.

    An installed package has its modules compiled once (pip does it at install); a process
    that may not write bytecode (``PYTHONDONTWRITEBYTECODE``, set on some shared machines)
    compiles every module it imports from source on every start, which inflates whole-process
    times by seconds, the more the more Python a command imports."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    return {**env, "PYTHONPYCACHEPREFIX": str(folder / "pycache"), **extra}


def run_child(code: str, *args: object, env: dict[str, str] | None = None) -> dict[str, Any]:
    """Run ``code`` in a fresh Python with ``args`` as ``sys.argv[1:]`` (and ``env`` as its
    environment, if given); its result line.

    A child that fails stops the benchmark with its error output."""
    done = subprocess.run(
        [sys.executable, "-c", code, *map(str, args)], capture_output=True, text=True, env=env
    )
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(map(str, args[:2]))} failed:\n{done.stderr}")
    return last_json(done.stdout)


def last_json(stdout: str) -> dict[str, Any]:
    """The JSON object on the last line of ``stdout`` that holds one."""
    for line in reversed(stdout.replace("\r", "\n").splitlines()):
        if "{" in line:
            found: dict[str, Any] = json.loads(line[line.index("{") :])
            return found
    raise ValueError(f"no result line in the child's output: {stdout[-500:]!r}")


def whole_process(command: list[str], env: dict[str, str]) -> tuple[float, resource.struct_rusage]:
    """Wall seconds and resource usage (CPU, peak RSS) of one fresh process running
    ``command``, from spawn to exit; a failure stops the benchmark with the command's errors."""
    started = time.perf_counter()
    child = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - started
    assert child.stderr is not None
    errors = child.stderr.read().decode()
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{' '.join(command[:5])} failed:\n{errors[-2000:]}")
    return wall, usage
