"""Analytics benchmark: journeyscope's Ibis analyses against hand-written DuckDB SQL and
ClickHouse (chdb) on the same synthetic events, in the same run.

    python bench/analytics.py                       # 1.1M customers, about 9.6M events
    python bench/analytics.py --customers 20000     # a quick run

The events are generated once (``journeyscope.synthetic.generate``), written to Parquet and
ingested into a DuckDB store; later runs reuse both. Every measurement runs in a fresh
process (so its peak memory, VmHWM, is its own), repeats the analysis ``--repeat`` times and
keeps the best time (the machine is shared: the minimum is the least disturbed). The clock
covers building the query, executing it and reading the rows back into Python.

* journeyscope: ``DuckDBBackend(store).run(query)`` — the full typed result; for the funnel
  also ``funnel_cases`` alone (the levels per case, which is what the others compute).
* DuckDB SQL: the same numbers, written by hand against the same store.
* chdb: ClickHouse reading the stored events exported to Parquet (``windowFunnel`` for the funnel; arrays sorted
  by the same keys for the process map, variants and paths).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import time
from pathlib import Path

from _child import run_child

STEPS = (
    "Start housing application",
    "Upload documents",
    "Eligibility decision sent",
    "Book viewing",
    "Attend viewing",
)
WINDOW_DAYS = 30
ORDER = "timestamp, source, source_row, event_id"

HAND = {
    "dfg": [
        f"""WITH f AS (
              SELECT case_id, activity, lead(activity) OVER w AS target,
                     epoch_ms(lead(timestamp) OVER w) - epoch_ms(timestamp) AS ms,
                     (row_number() OVER w = 1)::INT AS first
              FROM events WHERE case_id IS NOT NULL
              WINDOW w AS (PARTITION BY case_id ORDER BY {ORDER}))
            SELECT activity, target, count(*), count(DISTINCT case_id), sum(first), count(ms),
                   sum(ms), quantile_cont(ms, 0.5), quantile_cont(ms, 0.9)
            FROM f GROUP BY ALL""",
        "SELECT activity, count(*), count(DISTINCT case_id) FROM events "
        "WHERE case_id IS NOT NULL GROUP BY ALL",
    ],
    "variants": [
        f"""WITH v AS (
              SELECT string_agg(activity, chr(31) ORDER BY {ORDER}) AS variant, count(*) AS n
              FROM events WHERE case_id IS NOT NULL GROUP BY case_id),
            c AS (SELECT variant, count(*) AS cases FROM v GROUP BY variant),
            r AS (SELECT *, row_number() OVER (ORDER BY cases DESC, variant) AS rank,
                         sum(cases) OVER (ORDER BY cases DESC, variant) AS covered,
                         sum(cases) OVER () AS total FROM c)
            SELECT rank, variant, cases, covered FROM r
            WHERE rank <= 20 OR covered - cases < 0.8 * total AND covered >= 0.8 * total"""
    ],
    "paths": [
        f"""WITH s AS (
              SELECT case_id, activity,
                     row_number() OVER (PARTITION BY case_id ORDER BY {ORDER}) AS seq
              FROM events WHERE case_id IS NOT NULL),
            a AS (SELECT *, min(CASE WHEN activity = '{STEPS[0]}' THEN seq END)
                             OVER (PARTITION BY case_id) AS anchor FROM s),
            k AS (SELECT case_id, seq - anchor + 1 AS step, activity,
                         lead(activity) OVER (PARTITION BY case_id ORDER BY seq) AS target
                  FROM a WHERE seq >= anchor AND seq < anchor + 5)
            SELECT step, activity, target, count(*) AS cases FROM k GROUP BY ALL"""
    ],
}


def _funnel_sql() -> str:
    """The funnel by hand: one window pass per step keeping the latest start (windowFunnel)."""
    case = " ".join(f"WHEN '{a}' THEN {k}" for k, a in enumerate(STEPS, 1))
    names = ", ".join(f"'{a}'" for a in STEPS)
    sql = f"""WITH r AS (SELECT case_id AS c, timestamp AS ts, CASE activity {case} END AS step
                         FROM events WHERE case_id IS NOT NULL AND activity IN ({names})),
              p1 AS (SELECT *, CASE WHEN step = 1 THEN ts END AS s FROM r)"""
    for k in range(2, len(STEPS) + 1):
        sql += f""", p{k} AS (SELECT c, ts, step,
              CASE WHEN step = {k} THEN (CASE WHEN ts <= m + INTERVAL {WINDOW_DAYS} DAY THEN m END)
                   ELSE s END AS s
              FROM (SELECT *, max(CASE WHEN step = {k - 1} THEN s END) OVER (
                      PARTITION BY c ORDER BY ts, step ROWS UNBOUNDED PRECEDING) AS m
                    FROM p{k - 1}))"""
    return (
        sql + f" SELECT level, count(*) FROM (SELECT c, max(CASE WHEN s IS NOT NULL THEN step END)"
        f" AS level FROM p{len(STEPS)} GROUP BY c) GROUP BY level"
    )


HAND["funnel"] = [_funnel_sql()]

CASES = """SELECT case_id, arraySort(e -> (e.1, e.2, e.3, e.4), groupArray(
              (toUnixTimestamp64Micro(timestamp), source, source_row, event_id, activity,
               toUnixTimestamp64Milli(timestamp)))) AS ev
            FROM {events} WHERE case_id IS NOT NULL GROUP BY case_id"""
CH = {
    "dfg": [
        f"""SELECT a.5 AS source, b.5 AS target, count(), uniqExact(case_id),
                   quantileExactInclusive(0.5)(b.6 - a.6), sum(b.6 - a.6),
                   quantileExactInclusive(0.9)(b.6 - a.6)
            FROM ({CASES}) ARRAY JOIN arrayPopBack(ev) AS a, arrayPopFront(ev) AS b
            GROUP BY source, target""",
        f"SELECT ev[1].5 AS first_activity, ev[-1].5 AS last_activity, count() "
        f"FROM ({CASES}) GROUP BY first_activity, last_activity",
        "SELECT activity, count(), uniqExact(case_id) FROM {events} "
        "WHERE case_id IS NOT NULL GROUP BY activity",
    ],
    "variants": [
        f"""SELECT variant, count() AS cases FROM (
              SELECT arrayStringConcat(arrayMap(e -> e.5, ev), '\\x1f') AS variant
              FROM ({CASES})) GROUP BY variant ORDER BY cases DESC, variant LIMIT 20"""
    ],
    "funnel": [
        f"""SELECT level, count() FROM (
              SELECT case_id, windowFunnel({WINDOW_DAYS * 86400 * 10**6})(
                toUInt64(toUnixTimestamp64Micro(timestamp)),
                {", ".join(f"activity = '{a}'" for a in STEPS)}) AS level
              FROM {{events}} WHERE case_id IS NOT NULL
                AND activity IN ({", ".join(f"'{a}'" for a in STEPS)})
              GROUP BY case_id) GROUP BY level"""
    ],
    "paths": [
        f"""SELECT step, source, target, count() FROM (
              SELECT arrayMap(e -> e.5, ev) AS acts,
                     arrayFirstIndex(a -> a = '{STEPS[0]}', acts) AS anchor,
                     arraySlice(acts, anchor, 5) AS path
              FROM ({CASES}) WHERE anchor > 0)
            ARRAY JOIN arrayEnumerate(arrayPopBack(path)) AS step,
                       arrayPopBack(path) AS source, arrayPopFront(path) AS target
            GROUP BY step, source, target"""
    ],
}

CHILD = r"""
import json, sys, time
system, analysis, store, parquet, repeat = sys.argv[1:6]
sys.path.insert(0, sys.argv[6])
import analytics as bench
from datetime import timedelta
if system == "chdb":
    import chdb
else:
    import duckdb, ibis
    from journeyscope import analytics as a
times = []
for _ in range(int(repeat)):
    started = time.perf_counter()
    if system == "chdb":
        for sql in bench.CH[analysis]:
            chdb.query(sql.replace("{events}", f"file('{parquet}', Parquet)"), "ArrowTable")
    elif system == "duckdb-sql":
        con = duckdb.connect(store, read_only=True)
        con.execute("SET TimeZone = 'UTC'")
        for sql in bench.HAND[analysis]:
            con.execute(sql).fetchall()
        con.close()
    else:
        with a.DuckDBBackend(store) as engine:
            if analysis == "funnel-levels":
                q = a.FunnelQuery(steps=bench.STEPS, window=timedelta(days=bench.WINDOW_DAYS))
                levels = a.funnel_cases(engine.events(), q)
                engine.rows(levels.group_by("level").aggregate(n=levels.count()))
            else:
                engine.run(bench.query(analysis))
    times.append(time.perf_counter() - started)
hwm = next(l for l in open("/proc/self/status") if l.startswith("VmHWM"))
print(json.dumps({"seconds": min(times), "peak_rss_mb": int(hwm.split()[1]) / 1024}))
"""


def query(analysis: str) -> object:
    """The journeyscope query for one analysis."""
    from datetime import timedelta

    from journeyscope import analytics as a

    return {
        "dfg": a.DfgQuery(),
        "variants": a.VariantsQuery(),
        "funnel": a.FunnelQuery(steps=STEPS, window=timedelta(days=WINDOW_DAYS)),
        "paths": a.PathsQuery(start=STEPS[0], steps=5, loops=False),
    }[analysis]


def measure(system: str, analysis: str, store: Path, parquet: Path, repeat: int) -> dict:
    return run_child(CHILD, system, analysis, store, parquet, repeat, Path(__file__).parent)


def prepare(customers: int, seed: int, folder: Path) -> tuple[Path, Path, int]:
    """Generate, write and ingest the events once; later runs reuse them."""
    from journeyscope import synthetic
    from journeyscope.events import Store

    folder.mkdir(parents=True, exist_ok=True)
    parquet = folder / f"events-{customers}-{seed}.parquet"
    store = folder / f"store-{customers}-{seed}.duckdb"
    if not parquet.is_file():
        synthetic.write(synthetic.generate(customers, seed), parquet)
    if not store.is_file():
        with Store(store) as db:
            db.ingest(parquet)
    import duckdb

    # ClickHouse reads the stored events (with their source, row and id sort keys), exported
    canonical = folder / f"canonical-{customers}-{seed}.parquet"
    con = duckdb.connect(str(store), read_only=True)
    if not canonical.is_file():
        con.execute("SET enable_progress_bar = false")
        con.execute(f"COPY events TO '{canonical}' (FORMAT PARQUET)")
    events = con.execute("SELECT count(*) FROM events").fetchall()[0][0]
    con.close()
    return canonical, store, int(events)


def machine() -> str:
    cpuinfo = Path("/proc/cpuinfo").read_text().splitlines()
    cpu = next((x.split(":", 1)[1].strip() for x in cpuinfo if "model name" in x), "?")
    meminfo = Path("/proc/meminfo").read_text().splitlines()
    mem = next(x.split()[1] for x in meminfo if x.startswith("MemTotal"))
    return (
        f"{os.cpu_count()} cores ({cpu}), {int(mem) / 1024**2:.0f} GiB RAM, {platform.platform()}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--customers", type=int, default=1_100_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--workdir", type=Path, default=Path(".journeyscope/bench-analytics"))
    parser.add_argument("--repeat", type=int, default=3, help="runs per measurement; best counts")
    parser.add_argument("--json", type=Path, default=None, help="also write the results here")
    parser.add_argument(
        "--only", default=None, help="comma-separated analyses to run (default: all)"
    )
    args = parser.parse_args()

    started = time.perf_counter()
    parquet, store, events = prepare(args.customers, args.seed, args.workdir)
    print(
        f"{events:,} events of {args.customers:,} customers; {machine()}; "
        f"load average {os.getloadavg()[0]:.1f}",
        flush=True,
    )
    plan = [
        ("dfg", ["journeyscope", "duckdb-sql", "chdb"]),
        ("variants", ["journeyscope", "duckdb-sql", "chdb"]),
        ("funnel", ["journeyscope", "duckdb-sql", "chdb"]),
        ("paths", ["journeyscope", "duckdb-sql", "chdb"]),
    ]
    if args.only:
        wanted = args.only.split(",")
        unknown = sorted(set(wanted) - {a for a, _ in plan})
        if unknown:
            parser.error(f"--only: unknown {unknown}; choose from {[a for a, _ in plan]}")
        plan = [p for p in plan if p[0] in wanted]
    results: dict[str, dict[str, dict]] = {}
    header = f"{'analysis':<10} {'journeyscope':>14} {'DuckDB SQL':>12} {'chdb':>10} {'vs SQL':>8} {'vs chdb':>8} {'peak MB':>8}"
    print(header, flush=True)
    for analysis, systems in plan:
        r = {s: measure(s, analysis, store, parquet, args.repeat) for s in systems}
        if analysis == "funnel":
            r["journeyscope-levels"] = measure(
                "journeyscope", "funnel-levels", store, parquet, args.repeat
            )
        results[analysis] = r
        js, sql, ch = (r[s]["seconds"] for s in systems)
        print(
            f"{analysis:<10} {js:>13.2f}s {sql:>11.2f}s {ch:>9.2f}s {js / sql:>7.2f}x "
            f"{js / ch:>7.2f}x {r['journeyscope']['peak_rss_mb']:>8.0f}",
            flush=True,
        )
        if analysis == "funnel":
            lv = r["journeyscope-levels"]
            print(
                f"{'  levels':<10} {lv['seconds']:>13.2f}s {'':>12} {'':>10} "
                f"{lv['seconds'] / sql:>7.2f}x {lv['seconds'] / ch:>7.2f}x "
                f"{lv['peak_rss_mb']:>8.0f}",
                flush=True,
            )
    peak = max(m["peak_rss_mb"] for r in results.values() for m in r.values())
    print(f"peak memory of any process: {peak:,.0f} MB; total {time.perf_counter() - started:.0f}s")
    if args.json:
        args.json.write_text(
            json.dumps({"events": events, "machine": machine(), "results": results}, indent=2)
        )


if __name__ == "__main__":
    main()
