"""Whole commands as a user runs them: ``journeyscope dfg --json`` and ``journeyscope funnel
--json`` from spawn to exit, next to a fresh process computing the same figures by hand, in
the same run on the same events.

    python bench/commands.py --customers 100000       # about 870k events
    python bench/commands.py                          # 1.1M customers, about 9.6M events

The events come from ``bench/analytics.py``'s preparation (generated, ingested once, and the
stored events exported to Parquet for ClickHouse). The references:

* ``dfg``: a fresh Python that opens the same store read-only and runs hand-written DuckDB
  SQL for the DFG's figures (edges with case counts, starts, durations: median, mean, p90;
  activity counts) — ``analytics.HAND["dfg"]``.
* ``funnel``: a fresh Python running ClickHouse's ``windowFunnel`` through chdb on the same
  events in Parquet (the funnel levels per case, 30-day window) — ``analytics.CH["funnel"]``.

Each process is timed from spawn to exit: wall time and CPU time (user + system, from
``wait4``), the median of ``--runs`` runs, interleaved. The machine's load average is printed
beside each figure: on a shared machine the CPU ratio is the steadier one. Every process runs
with Python's bytecode cache on (as an installed package has; see ``_child.bytecode_env``),
after one warm-up run of each command that is not counted.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
from pathlib import Path

import analytics
from _child import bytecode_env, whole_process

HAND_DFG = r"""
import sys, duckdb
sys.path.insert(0, sys.argv[2])
import analytics
from _child import bytecode_env
con = duckdb.connect(sys.argv[1], read_only=True)
con.execute("SET TimeZone = 'UTC'")
for sql in analytics.HAND["dfg"]:
    con.execute(sql).fetchall()
"""

CHDB_FUNNEL = r"""
import sys, chdb
sys.path.insert(0, sys.argv[2])
import analytics
from _child import bytecode_env
for sql in analytics.CH["funnel"]:
    print(chdb.query(sql.replace("{events}", f"file('{sys.argv[1]}', Parquet)"), "CSV"))
"""


def commands(store: Path, parquet: Path) -> dict[str, tuple[list[str], list[str]]]:
    """Each measured command next to its reference."""
    here = str(Path(__file__).parent)
    js = [sys.executable, "-m", "journeyscope"]
    steps = list(analytics.STEPS)
    window = f"{analytics.WINDOW_DAYS}d"
    return {
        "dfg --json": (
            [*js, "dfg", "--json", "--store", str(store)],
            [sys.executable, "-c", HAND_DFG, str(store), here],
        ),
        "funnel --json": (
            [*js, "funnel", *steps, "--window", window, "--json", "--store", str(store)],
            [sys.executable, "-c", CHDB_FUNNEL, str(parquet), here],
        ),
    }


def run(command: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall and CPU seconds of one fresh process running ``command``."""
    wall, usage = whole_process(command, env)
    return wall, usage.ru_utime + usage.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--customers", type=int, default=1_100_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--workdir", type=Path, default=Path(".journeyscope/bench-analytics"))
    parser.add_argument("--runs", type=int, default=3, help="runs of each; medians count")
    parser.add_argument("--json", type=Path, default=None, help="also write the results here")
    parser.add_argument("--only", default=None, help="one command to run: dfg or funnel")
    args = parser.parse_args()

    parquet, store, events = analytics.prepare(args.customers, args.seed, args.workdir)
    print(f"{events:,} events of {args.customers:,} customers; {analytics.machine()}")
    print(
        f"{'command':<16} {'wall s':>8} {'ref wall':>9} {'x wall':>7} "
        f"{'CPU s':>7} {'ref CPU':>8} {'x CPU':>6} {'load':>5}"
    )
    results = {}
    env = bytecode_env(args.workdir)
    chosen = commands(store, parquet)
    if args.only:
        chosen = {k: v for k, v in chosen.items() if k.split()[0] == args.only}
        if not chosen:
            parser.error(f"--only: unknown {args.only!r}; choose dfg or funnel")
    for name, (ours, reference) in chosen.items():
        run(ours, env), run(reference, env)  # warm-up: fills the bytecode cache
        loads, mine, refs = [], [], []
        for _ in range(args.runs):  # interleaved: both see the same load
            loads.append(os.getloadavg()[0])
            mine.append(run(ours, env))
            refs.append(run(reference, env))
        wall, cpu = (statistics.median(x[i] for x in mine) for i in (0, 1))
        ref_wall, ref_cpu = (statistics.median(x[i] for x in refs) for i in (0, 1))
        load = statistics.median(loads)
        results[name] = {
            "wall": wall,
            "cpu": cpu,
            "ref_wall": ref_wall,
            "ref_cpu": ref_cpu,
            "load": load,
        }
        print(
            f"{name:<16} {wall:>8.2f} {ref_wall:>9.2f} {wall / ref_wall:>6.2f}x "
            f"{cpu:>7.2f} {ref_cpu:>8.2f} {cpu / ref_cpu:>5.2f}x {load:>5.1f}",
            flush=True,
        )
    if args.json:
        args.json.write_text(json.dumps({"events": events, "results": results}, indent=2))


if __name__ == "__main__":
    main()
