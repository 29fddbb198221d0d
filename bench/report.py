"""Report benchmark: the whole journey report of about 10M synthetic events, next to one
directly-follows graph (DFG) of the same events in the same run.

    python bench/report.py                      # 1,100,000 customers (about 12M events)
    python bench/report.py --customers 20000    # smaller

The events are generated (``journeyscope.synthetic.generate``, seeded), ingested and
stitched once into a store under ``--workdir`` (kept for later runs). Each measurement then
runs in a fresh process that opens the store as the ``report`` command does (with the
configured memory limit), so its peak RSS (VmHWM) is its own; the clock starts after the
imports. Reported: best of ``--repeat`` runs, wall and CPU time (every thread of the
process), with the load average at the end of each run: on a shared machine the CPU ratio is
the one to read.

* ``dfg``: ``DfgQuery`` on the raw events — the reference, one useful pass over the data;
* ``report``: :func:`~journeyscope.services.report.compute_report` with the tenancy design
  (cases derived and scoped once, then every analysis once), then — **with the store
  closed** — :func:`~journeyscope.render.report.report_html`, and the file written. The
  HTML step cannot query anything, so every picture and table is drawn from the results
  computed once; the run counts per analysis say so too.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from pathlib import Path

from _child import run_child

ROOT = Path(__file__).resolve().parents[1]

CHILD = r"""
import json, os, sys, time
kind, store, design, out = sys.argv[1:5]
from journeyscope.config import Settings
from journeyscope.events import Store
from journeyscope.analytics.backends import IbisBackend
from journeyscope.analytics.process import DfgQuery
from journeyscope.definitions import load_journey
from journeyscope.render.report import report_html
from journeyscope.services.report import compute_report
from datetime import UTC, datetime
import ibis.backends.duckdb.converter  # imported on the first query otherwise (pandas: ~3s)
journey = load_journey(design)
started = time.perf_counter()  # after imports: start-up is not report generation
cpu_started = time.process_time()  # every thread of the process, DuckDB's included
result = {}
db = Store(store, memory_limit=Settings().memory_limit)
if kind == "dfg":
    edges = IbisBackend(db.events()).run(DfgQuery()).edges
    db.close()
    result["edges"] = len(edges)
else:
    data = compute_report(db.events(), journey, source=store)
    db.close()  # from here on nothing can be queried
    computed = time.perf_counter()
    page = report_html(data, now=datetime.now(UTC))
    Path = __import__("pathlib").Path
    Path(out).write_text(page, encoding="utf-8")
    result.update(
        analysis_seconds=computed - started,
        html_seconds=time.perf_counter() - computed,
        bytes=Path(out).stat().st_size,
        runs=data.runs,
        per_analysis=data.seconds,
        cases=data.overview["cases"],
        events_in_scope=data.overview["events"],
    )
result["seconds"] = time.perf_counter() - started
result["cpu_seconds"] = time.process_time() - cpu_started
result["load"] = os.getloadavg()[0]
hwm = next(l for l in open("/proc/self/status") if l.startswith("VmHWM"))
result["peak_rss_mb"] = int(hwm.split()[1]) / 1024
print(json.dumps(result))
"""


def prepare(customers: int, seed: int, folder: Path) -> tuple[Path, int]:
    """The store of ``customers`` synthetic customers (built once, then reused)."""
    from journeyscope import synthetic
    from journeyscope.config import Settings
    from journeyscope.events import Store
    from journeyscope.events.identity import stitch

    store = folder / f"store-{customers}-{seed}.duckdb"
    if not store.is_file():
        folder.mkdir(parents=True, exist_ok=True)
        data = folder / f"events-{customers}-{seed}.parquet"
        started = time.perf_counter()
        synthetic.write(synthetic.generate(customers, seed), data)
        print(f"generated {data} in {time.perf_counter() - started:.0f}s", flush=True)
        partial = store.with_suffix(".partial")
        partial.unlink(missing_ok=True)
        with Store(partial, memory_limit=Settings().memory_limit) as db:
            db.ingest(data)
            stitch(db.con)
        partial.rename(store)
        data.unlink()
        print(f"ingested and stitched in {time.perf_counter() - started:.0f}s", flush=True)
    with Store(store) as db:
        events = int(db.con.execute("SELECT count(*) FROM events").fetchall()[0][0])
    return store, events


def measure(kind: str, store: Path, design: Path, out: Path, repeat: int) -> dict:
    runs = []
    for _ in range(repeat):
        runs.append(run_child(CHILD, kind, store, design, out))
    return min(runs, key=lambda r: r["seconds"])


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--customers", type=int, default=1_100_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--workdir", type=Path, default=ROOT / ".journeyscope" / "bench-report")
    parser.add_argument("--repeat", type=int, default=1, help="runs per measurement; best counts")
    parser.add_argument("--design", type=Path, default=ROOT / "examples/journeys/tenancy.yaml")
    args = parser.parse_args()

    store, events = prepare(args.customers, args.seed, args.workdir)
    out = args.workdir / f"report-{args.customers}.html"
    dfg = measure("dfg", store, args.design, out, args.repeat)
    report = measure("report", store, args.design, out, args.repeat)
    once = all(n == 1 for n in report["runs"].values())
    summary = {
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, {platform.platform()}",
        "python": platform.python_version(),
        "memory_limit": os.environ.get("JOURNEYSCOPE_MEMORY_LIMIT", "default (settings)"),
        "customers": args.customers,
        "events": events,
        "dfg": dfg,
        "report": report,
        "report_vs_dfg": report["seconds"] / dfg["seconds"],
        "report_vs_dfg_cpu": report["cpu_seconds"] / dfg["cpu_seconds"],
        "each_analysis_once": once,
    }
    print(json.dumps(summary, indent=2))
    print()
    print(f"{events:,} events ({args.customers:,} customers), {summary['machine']}")
    print(
        f"reference, one DFG: {dfg['seconds']:.1f}s ({dfg['cpu_seconds']:.1f} CPU s, load "
        f"{dfg['load']:.1f}), peak RSS {dfg['peak_rss_mb']:.0f} MB"
    )
    print(
        f"report: {report['seconds']:.1f}s = {summary['report_vs_dfg']:.1f} x the DFG "
        f"(analyses {report['analysis_seconds']:.1f}s, HTML {report['html_seconds']:.1f}s with "
        f"the store closed), {report['bytes'] / 1e6:.1f} MB, peak RSS "
        f"{report['peak_rss_mb']:.0f} MB"
    )
    print(
        f"CPU time: report {report['cpu_seconds']:.1f} s = {summary['report_vs_dfg_cpu']:.1f} x "
        f"the DFG's (load {report['load']:.1f} at the report's end)"
    )
    for name, seconds in report["per_analysis"].items():
        print(f"  {name:<12} {seconds:7.1f}s  runs: {report['runs'][name]}")
    print(f"every analysis computed once: {once}")
    if not once:
        sys.exit(1)


if __name__ == "__main__":
    main()
