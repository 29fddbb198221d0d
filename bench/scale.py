"""Scale-out benchmark: each analysis on Spark (local mode) against DuckDB, both reading the
same Parquet folder in place (``--source parquet:``), in the same run.

    python bench/scale.py                                   # 1.15M customers, about 10M events
    python bench/scale.py --customers 20000 --spark-master 'local[2]'   # a quick run
    python bench/scale.py --customers 11500000 --spark-master 'local[16]'  # 100M on 16 cores

The events are generated once (``journeyscope.synthetic.generate``, in chunks of customers so
memory stays bounded) and written as a folder of Parquet files; later runs reuse it. Every
measurement runs in a fresh process: the figure is the whole analysis as a user waits for it
— opening the source (identity stitching included; on Spark also keeping the stitched
events as a local checkpoint), running the query, reading the result —
and, for Spark, also the session's start. Results must be equal on both engines: a
difference stops the benchmark. The aim (issue 14): Spark within 3× DuckDB on one machine at
10M events.

The first rows, ``floor`` and ``floor-lean``, are the DFG's figures written by hand on each
engine alone (``FLOOR_SQL``: the data's case ids, no mapping, no stitching; ``-lean`` without
the quantiles), each in a fresh process, the Spark session's start included: what Spark itself
costs against DuckDB on this machine, before anything journeyscope adds.

Spark in local mode runs its executors inside the driver's JVM: ``--spark-conf`` (JSON; by
default ``spark.driver.memory`` 8g) gives it memory for 10M events and more. ``--only`` runs
some analyses. Each row also says the machine's 1-minute load average when it started, since
other work on the machine inflates every wall time.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path

from _child import run_child
from analytics import machine
from analytics import query as analytics_query

CHILD = r"""
import hashlib, json, resource, sys, time
started = time.perf_counter()
engine, analysis, folder, master = sys.argv[1:5]
sys.path.insert(0, sys.argv[5])
conf = json.loads(sys.argv[6])
from datetime import timedelta
from journeyscope import analytics as a
from journeyscope.analytics.backends import connect
from journeyscope.analytics.spark_session import spark_session
from scale import query
if engine == "spark":
    spark_session(master, conf)
ready = time.perf_counter()
with connect("unused.duckdb", engine, spark_master=master, spark_conf=conf,
             source=f"parquet:{folder}") as e:
    opened = time.perf_counter()
    result = e.run(query(analysis))
done = time.perf_counter()
# keys sorted: a mapping filled in row order is the same mapping whatever the order
text = json.dumps(result.model_dump(mode="json"), sort_keys=True)
digest = hashlib.sha256(text.encode()).hexdigest()[:16]
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"seconds": done - started, "session": ready - started, "open": opened - ready,
                  "analysis": done - opened, "digest": digest, "peak_mb": round(peak)}))
"""

ANALYSES = ("dfg", "variants", "funnel", "paths", "channels")

# The floor: the DFG's figures written by hand on each engine, straight from the Parquet (the
# data's case ids, no column mapping, no identity stitching), as a user of that engine alone
# would write them. Its ratio is what Spark itself costs against DuckDB on this machine, before
# anything journeyscope adds. "floor-lean" leaves the quantiles out on both engines (Spark's
# exact percentile is its slowest part): a lower bound for any plan.
EDGES = """SELECT activity, target, count(*) AS n, count(DISTINCT case_id) AS cases,
           count(ms) AS timed, sum(ms) AS total, {quantiles} AS q
    FROM (SELECT case_id, activity, lead(activity) OVER w AS target,
                 {us}(lead(timestamp) OVER w) {div} 1000 - {us}(timestamp) {div} 1000 AS ms
          FROM events WHERE case_id IS NOT NULL
          WINDOW w AS (PARTITION BY case_id ORDER BY timestamp, activity)) f
    GROUP BY activity, target"""
FLOOR_SQL = {
    ("floor", "duckdb"): EDGES.format(
        quantiles="quantile_cont(ms, [0.5, 0.9])", us="epoch_us", div="//"
    ),
    ("floor", "spark"): EDGES.format(
        quantiles="percentile(ms, array(0.5, 0.9))", us="unix_micros", div="div"
    ),
    ("floor-lean", "duckdb"): EDGES.format(quantiles="NULL", us="epoch_us", div="//"),
    ("floor-lean", "spark"): EDGES.format(quantiles="NULL", us="unix_micros", div="div"),
}

FLOOR = r"""
import hashlib, json, resource, sys, time
started = time.perf_counter()
floor, engine, folder, master = sys.argv[1:5]
sys.path.insert(0, sys.argv[5])
conf = json.loads(sys.argv[6])
from scale import FLOOR_SQL
if engine == "spark":
    from journeyscope.analytics.backends import spark_session
    session = spark_session(master, conf)
    ready = time.perf_counter()
    session.read.parquet(folder).createOrReplaceTempView("events")
    rows = [tuple(r) for r in session.sql(FLOOR_SQL[floor, "spark"]).collect()]
else:
    import duckdb
    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    ready = time.perf_counter()
    con.execute(f"CREATE VIEW events AS SELECT * FROM read_parquet('{folder}/*.parquet')")
    rows = con.execute(FLOOR_SQL[floor, "duckdb"]).fetchall()
done = time.perf_counter()
def plain(v):
    if isinstance(v, (list, tuple)):
        return [plain(x) for x in v]
    return float(f"{v:.9g}") if isinstance(v, float) else v  # sums added in any order
text = json.dumps(sorted((plain(list(r)) for r in rows), key=str))
digest = hashlib.sha256(text.encode()).hexdigest()[:16]
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"seconds": done - started, "session": ready - started, "open": 0.0,
                  "analysis": done - ready, "digest": digest, "peak_mb": round(peak),
                  "edges": len(rows)}))
"""


def query(analysis: str) -> object:
    """The journeyscope query for one analysis: bench/analytics.py's, and the channels."""
    from journeyscope.analytics import ChannelsQuery

    return ChannelsQuery() if analysis == "channels" else analytics_query(analysis)


def prepare(customers: int, seed: int, folder: Path, chunk: int = 200_000) -> tuple[Path, int]:
    """A folder of Parquet files holding ``customers`` synthetic customers' events."""
    import pyarrow.parquet as pq

    from journeyscope import synthetic

    target = folder / f"lake-{customers}-{seed}"
    if not target.is_dir():
        partial = target.with_suffix(".partial")
        partial.mkdir(parents=True, exist_ok=True)
        for i, first in enumerate(range(0, customers, chunk)):
            n = min(chunk, customers - first)
            table = synthetic.generate(n, seed + i)
            # customers of other chunks must not share identifiers or cases
            table = _prefixed(table, f"k{i}-")
            pq.write_table(table, partial / f"part-{i:05d}.parquet")
        partial.rename(target)
    rows = sum(pq.ParquetFile(p).metadata.num_rows for p in target.glob("*.parquet"))
    return target, rows


def _prefixed(table: object, prefix: str) -> object:
    import pyarrow as pa
    import pyarrow.compute as pc

    ids = ("case_id", "account_id", "email_hash", "phone_hash", "device_id", "anonymous_id")
    out: pa.Table = table  # type: ignore[assignment]
    for name in ids:
        column = out[name]
        out = out.set_column(
            out.schema.get_field_index(name), name, pc.binary_join_element_wise(prefix, column, "")
        )
    return out


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--customers", type=int, default=1_150_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--spark-master", default="local[2]")
    parser.add_argument("--workdir", type=Path, default=Path(".journeyscope/bench-scale"))
    parser.add_argument(
        "--spark-conf",
        type=json.loads,
        default={"spark.driver.memory": "8g"},
        help="Spark settings as JSON (local mode runs in the driver: give it memory at 10M)",
    )
    parser.add_argument(
        "--only", nargs="*", choices=ANALYSES, default=list(ANALYSES), help="these analyses"
    )
    parser.add_argument("--json", type=Path, default=None, help="also write the results here")
    args = parser.parse_args()

    started = time.perf_counter()
    folder, events = prepare(args.customers, args.seed, args.workdir)
    print(f"{events:,} events of {args.customers:,} customers; {machine()}", flush=True)
    print(
        f"{'analysis':<10} {'DuckDB s':>9} {'open':>6} {'query':>6} {'Spark s':>9} {'ratio':>6} "
        f"{'Spark start':>11} {'Spark open':>10} {'Spark query':>11} {'equal':>6} {'load':>5}",
        flush=True,
    )
    here = Path(__file__).parent
    results = {}
    conf = json.dumps(args.spark_conf)
    for analysis in ["floor", "floor-lean", *args.only]:
        load = os.getloadavg()[0]  # other work on the machine inflates wall times: say how much
        if analysis.startswith("floor"):  # the DFG by hand on each engine alone (FLOOR_SQL)
            duck = run_child(FLOOR, analysis, "duckdb", folder, args.spark_master, here, conf)
            spark = run_child(FLOOR, analysis, "spark", folder, args.spark_master, here, conf)
        else:
            duck = run_child(CHILD, "duckdb", analysis, folder, args.spark_master, here, conf)
            spark = run_child(CHILD, "spark", analysis, folder, args.spark_master, here, conf)
        equal = duck["digest"] == spark["digest"]
        results[analysis] = {"duckdb": duck, "spark": spark, "equal": equal, "load": load}
        print(
            f"{analysis:<10} {duck['seconds']:>9.2f} {duck['open']:>6.2f} {duck['analysis']:>6.2f} "
            f"{spark['seconds']:>9.2f} "
            f"{spark['seconds'] / duck['seconds']:>6.2f} {spark['session']:>11.2f} "
            f"{spark['open']:>10.2f} {spark['analysis']:>11.2f} {'yes' if equal else 'NO':>6} "
            f"{load:>5.1f}",
            flush=True,
        )
        if not equal:
            raise SystemExit(f"{analysis}: DuckDB and Spark disagree")
    print(f"total {time.perf_counter() - started:.0f} s", flush=True)
    if args.json:
        args.json.write_text(
            json.dumps(
                {
                    "events": events,
                    "machine": machine(),
                    "spark_conf": args.spark_conf,
                    "results": results,
                },
                indent=2,
            )
        )


if __name__ == "__main__":
    main()
