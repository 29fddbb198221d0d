"""Ingestion benchmark: journeyscope ingest vs plain DuckDB reading the same file, same run.

    python bench/ingest.py --customers 1100000     # about 10M events

Each measurement runs in a fresh process (so peak RSS is its own) against a fresh DuckDB
file; the clock starts after the imports. Besides the wall time, each child reports its CPU
time (all threads): on a shared, loaded machine the CPU ratio is the steadier figure. The
reference is what DuckDB itself does with plain SQL: ``CREATE TABLE t AS SELECT * FROM
read_parquet(...)`` / ``read_csv(...)``. journeyscope does more — maps columns,
validates every row, builds the JSON properties, fingerprints the file for idempotency —
and the ratio says what that costs.

``--before SRC`` also measures another version of journeyscope in the same run (``SRC``: its
``src`` folder, e.g. ``git archive COMMIT src | tar -x -C /tmp/before``). The machine's load
average (1 minute) is printed beside each measurement: on a shared machine, compare ratios
taken under similar load only. Children run with Python's bytecode cache on
(``_child.bytecode_env``): modules imported lazily during ingestion are not compiled anew in
every run.
"""

from __future__ import annotations

import argparse
import os
import platform
import tempfile
import time
from pathlib import Path

from _child import bytecode_env, run_child

CHILD = r"""
import json, sys, time
kind, path, store = sys.argv[1], sys.argv[2], sys.argv[3]
import duckdb
if kind == "journeyscope":
    from journeyscope.config import Settings
    from journeyscope.events import Store
started = time.perf_counter()  # after imports: interpreter and library start-up are not ingestion
cpu_started = time.process_time()  # CPU of every thread of this process
if kind == "journeyscope":
    from journeyscope.events.identity import stitch
    with Store(store, memory_limit=Settings().memory_limit) as s:  # as the CLI runs it
        report = s.ingest(path)
        rows = report.events_added
        ingested = time.perf_counter()
        ingested_cpu = time.process_time()
        stitched = stitch(s.con)
        stitch_seconds = time.perf_counter() - ingested
else:
    con = duckdb.connect(store)
    reader = "read_parquet" if path.endswith(".parquet") else "read_csv"
    con.execute(f"CREATE TABLE t AS SELECT * FROM {reader}('{path}')")
    rows = con.execute("SELECT count(*) FROM t").fetchall()[0][0]
    con.close()
seconds = (ingested if kind == "journeyscope" else time.perf_counter()) - started
cpu = (ingested_cpu if kind == "journeyscope" else time.process_time()) - cpu_started
# VmHWM: this process's own peak (ru_maxrss would carry the parent's peak across exec)
hwm = next(l for l in open("/proc/self/status") if l.startswith("VmHWM"))
extra = {"stitch_seconds": stitch_seconds, "customers": stitched.customers} if kind == "journeyscope" else {}
print(json.dumps({"rows": rows, "seconds": seconds, "cpu_seconds": cpu, "peak_rss_mb": int(hwm.split()[1]) / 1024, **extra}))
"""


def measure(
    kind: str, data: Path, folder: Path, repeat: int, src: Path | None = None
) -> dict[str, float]:
    """Best of ``repeat`` runs (the machine is shared: the minimum is the least disturbed);
    ``src``: the journeyscope sources to run instead of the installed ones."""
    env = bytecode_env(folder / (src.name if src else "installed"))
    if src is not None:
        env["PYTHONPATH"] = str(src)
    runs = []
    for _ in range(repeat):
        store = folder / f"{kind}-{data.suffix[1:]}.duckdb"
        store.unlink(missing_ok=True)
        load = os.getloadavg()[0]
        runs.append({**run_child(CHILD, kind, data, store, env=env), "load": load})
        store.unlink(missing_ok=True)
    return min(runs, key=lambda r: r["seconds"])


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--customers", type=int, default=1_100_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--workdir", type=Path, default=None)
    parser.add_argument(
        "--repeat", type=int, default=3, help="runs per measurement; the best counts"
    )
    parser.add_argument(
        "--before", type=Path, default=None, help="src folder of another version to measure too"
    )
    args = parser.parse_args()

    from journeyscope import synthetic

    folder = args.workdir or Path(tempfile.mkdtemp(prefix="js-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    table = synthetic.generate(args.customers, args.seed)
    generated = time.perf_counter() - started
    files = {"parquet": folder / "events.parquet", "csv": folder / "events.csv"}
    for path in files.values():
        synthetic.write(table, path)
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    )
    print(
        f"generated {table.num_rows:,} events of {args.customers:,} customers in {generated:.1f}s "
        f"({table.num_rows / generated:,.0f} events/s)"
    )
    del table
    print(
        f"{'format':8} {'engine':13} {'events':>12} {'seconds':>8} {'events/s':>12} {'peak RSS':>9} "
        f"{'ratio':>6} {'CPU s':>7} {'CPU ratio':>9} {'load':>5}"
    )
    for fmt, path in files.items():
        ref = measure("duckdb", path, folder, args.repeat)
        ours = measure("journeyscope", path, folder, args.repeat)
        rows = [("plain DuckDB", ref), ("journeyscope", ours)]
        if args.before is not None:
            rows.append(("before", measure("journeyscope", path, folder, args.repeat, args.before)))
        for name, m in rows:
            print(
                f"{fmt:8} {name:13} {m['rows']:>12,} {m['seconds']:>8.2f} "
                f"{m['rows'] / m['seconds']:>12,.0f} {m['peak_rss_mb']:>7,.0f}MB "
                f"{m['seconds'] / ref['seconds']:>5.2f}x {m['cpu_seconds']:>7.2f} "
                f"{m['cpu_seconds'] / ref['cpu_seconds']:>8.2f}x {m['load']:>5.1f}"
            )
        path.unlink()


if __name__ == "__main__":
    main()
