"""Start-up benchmark: the whole ``journeyscope --help`` process next to a fresh Python that
imports DuckDB and Ibis, in the same run.

    python bench/startup.py              # 7 runs of each, interleaved
    python bench/startup.py --runs 15

Each run is a fresh process (``python -m journeyscope --help`` with the interpreter running
this script; the same code as the ``journeyscope`` script), timed from spawn to exit. Both
wall time and CPU time (user + system of the child, from ``wait4``'s resource usage) are
reported as medians, and the ratio of the two medians: ``--help`` / ``import duckdb, ibis``.
The aim (issue "fast everywhere") is a ratio of at most 0.5.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time

COMMANDS: dict[str, list[str]] = {
    "journeyscope --help": [sys.executable, "-m", "journeyscope", "--help"],
    "journeyscope --version": [sys.executable, "-m", "journeyscope", "--version"],
    "python -c 'import duckdb, ibis'": [sys.executable, "-c", "import duckdb, ibis"],
}
REFERENCE = "python -c 'import duckdb, ibis'"


def measure(command: list[str]) -> tuple[float, float]:
    """Wall and CPU seconds of one fresh process running ``command``."""
    started = time.perf_counter()
    child = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - started
    child.returncode = os.waitstatus_to_exitcode(status)
    assert child.stderr is not None
    errors = child.stderr.read().decode()
    child.stderr.close()
    if child.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed ({child.returncode}):\n{errors}")
    return wall, usage.ru_utime + usage.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="runs of each command")
    args = parser.parse_args()
    for command in COMMANDS.values():  # warm the file cache; not counted
        measure(command)
    samples: dict[str, list[tuple[float, float]]] = {name: [] for name in COMMANDS}
    for _ in range(args.runs):
        for name, command in COMMANDS.items():
            samples[name].append(measure(command))
    result: dict[str, dict[str, float]] = {}
    ref_wall = statistics.median(w for w, _ in samples[REFERENCE])
    ref_cpu = statistics.median(c for _, c in samples[REFERENCE])
    print(f"{'command':34} {'wall s':>8} {'cpu s':>8} {'wall ×':>8} {'cpu ×':>8}")
    for name, runs in samples.items():
        wall = statistics.median(w for w, _ in runs)
        cpu = statistics.median(c for _, c in runs)
        result[name] = {
            "wall_seconds": round(wall, 3),
            "cpu_seconds": round(cpu, 3),
            "wall_ratio": round(wall / ref_wall, 3),
            "cpu_ratio": round(cpu / ref_cpu, 3),
        }
        print(f"{name:34} {wall:8.3f} {cpu:8.3f} {wall / ref_wall:8.2f} {cpu / ref_cpu:8.2f}")
    print(f"medians of {args.runs} runs each; ratio = command / ({REFERENCE}); aim: ≤ 0.5")
    print(json.dumps({"runs": args.runs, "commands": result}))


if __name__ == "__main__":
    main()
