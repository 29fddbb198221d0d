"""Insight benchmark: moments-of-truth ranking and silent-customer estimation on synthetic
customers, next to references measured in the same run on the same store.

    python bench/insight.py                        # 1M customers, about 9M events
    python bench/insight.py --customers 50000      # a quick run
    python bench/insight.py --customers 200000 --before /tmp/before/src --kinds moments,silent

Each analysis runs as the commands run it: the store opened read-only through the analyses
service, under DuckDB's memory limit from the settings (``--memory-limit`` to change it;
``none`` leaves DuckDB its own default, most of the machine's memory, as this benchmark did
before 2 December 2026).

References (each in its own process, like the measurements, so peak memory is its own):

* ``plain SQL``: hand-written DuckDB SQL reading every event once into one row per customer
  (counts, span, sentiment, cost, last NPS answer): the floor for any per-customer analysis;
* ``one model fit``: a single scikit-learn gradient-boosting fit of the answer on the
  feature matrix of the respondents (the silent estimate does 3 x folds of those, cross-fitted).

``--before SRC`` also measures moments and silent with another version of journeyscope in
the same run (``SRC``: its ``src`` folder, e.g. ``git archive COMMIT src | tar -x -C DIR``).

Printed: wall time, CPU time (user + system of the child: the steadier figure on a shared
machine), peak RSS (VmHWM of the process), the ratio to the plain SQL read and the load
average when the child ended, and, for the silent estimate, its error against the
generator's truth.
"""

from __future__ import annotations

import argparse
import os
import platform
import tempfile
from pathlib import Path

from _child import bytecode_env, run_child

CHILD = r"""
import json, os, sys, time
from pathlib import Path
kind, store, design, limit = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
import duckdb
from journeyscope.config import Settings
from journeyscope.services.analyses import backend
settings = Settings(store=store, memory_limit=None if limit == "none" else limit)
started, cpu_started = time.perf_counter(), sum(os.times()[:2])
extra = {}
if kind == "plain SQL":
    con = duckdb.connect(store, read_only=True)
    if settings.memory_limit:
        con.execute(f"SET memory_limit = '{settings.memory_limit}'")
    rows = con.execute('''
        SELECT count(*) FROM (
          SELECT customer_id, count(*) AS events, count(DISTINCT activity) AS activities,
                 epoch(max(timestamp)) - epoch(min(timestamp)) AS span, avg(sentiment) AS s,
                 sum(cost) AS cost, arg_max(survey_score, timestamp)
                   FILTER (WHERE survey_type = 'NPS') AS score
          FROM events WHERE case_id IS NOT NULL GROUP BY customer_id)''').fetchall()[0][0]
elif kind == "one model fit":
    import numpy as np
    from sklearn.ensemble import HistGradientBoostingRegressor
    from journeyscope.analytics.features import as_array, customer_features, feature_matrix, with_person
    from journeyscope.analytics.cases import CaseRule
    with backend(settings) as engine:
        t = with_person(engine.events(), CaseRule.given())
        exprs = customer_features(t, "NPS")
        facts, x = feature_matrix(*(engine.arrow(exprs[k]) for k in ("customers", "activities", "channels")), ())
    answered = facts["answers"].to_numpy() > 0
    started, cpu_started = time.perf_counter(), sum(os.times()[:2])  # the fit alone
    HistGradientBoostingRegressor(max_iter=300, early_stopping=True, random_state=0).fit(
        as_array(x)[answered], facts["score"].to_numpy(dtype="float64")[answered])
    rows = int(answered.sum())
elif kind == "moments":
    from journeyscope.analytics.moments import MomentsQuery
    from journeyscope.definitions import load_journey
    with backend(settings) as engine:
        r = engine.run(MomentsQuery(journey=load_journey(design), adjust=("segment",)))
    rows = r.cases
    extra = {"candidates": r.candidates_tested, "significant": r.significant}
else:
    from journeyscope.analytics.silent import SilentQuery
    with backend(settings) as engine:
        r = engine.run(SilentQuery())
    rows = r.customers
    extra = {"respondents": r.respondents, "naive": r.naive.metric.value,
             "corrected": r.corrected.metric.value, "ci": r.corrected.metric.ci,
             "truth": r.truth.metric if r.truth else None}
seconds = time.perf_counter() - started
cpu = sum(os.times()[:2]) - cpu_started
hwm = next(l for l in open("/proc/self/status") if l.startswith("VmHWM"))
print(json.dumps({"rows": rows, "seconds": seconds, "peak_rss_mb": int(hwm.split()[1]) / 1024,
                  "cpu_seconds": cpu, "load": os.getloadavg()[0], **extra}))
"""


KINDS = ("plain SQL", "one model fit", "moments", "silent")


def measure(
    kind: str, store: Path, design: Path, limit: str, env: dict[str, str]
) -> dict[str, object]:
    return run_child(CHILD, kind, store, design, limit, env=env)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--workdir", type=Path, default=None)
    parser.add_argument(
        "--memory-limit",
        default=None,
        help="DuckDB's memory limit for every child (default: the commands' setting; "
        "'none': DuckDB's own default, most of the machine's memory)",
    )
    parser.add_argument(
        "--kinds", default=",".join(KINDS), help=f"which to measure, of: {', '.join(KINDS)}"
    )
    parser.add_argument(
        "--before", type=Path, default=None, help="src folder of another version to measure too"
    )
    args = parser.parse_args()
    kinds = [k.strip() for k in args.kinds.split(",")]
    unknown = [k for k in kinds if k not in KINDS]
    if unknown:
        parser.error(f"--kinds: unknown {unknown}; known: {', '.join(KINDS)}")

    from journeyscope import synthetic
    from journeyscope.config import Settings
    from journeyscope.events import Store
    from journeyscope.events.identity import stitch

    limit = args.memory_limit or Settings().memory_limit or "none"
    folder = args.workdir or Path(tempfile.mkdtemp(prefix="js-insight-"))
    folder.mkdir(parents=True, exist_ok=True)
    store = folder / f"insight-{args.customers}-{args.seed}.duckdb"
    if not store.exists():
        data = folder / "events.parquet"
        synthetic.write(synthetic.generate(args.customers, args.seed), data)
        with Store(store, memory_limit=Settings().memory_limit) as s:
            s.ingest(data)
            stitch(s.con)
        data.unlink()
    design = Path(__file__).resolve().parents[1] / "examples" / "journeys" / "tenancy.yaml"
    with Store(store) as s:
        events = s.con.execute("SELECT count(*) FROM events").fetchall()[0][0]
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    )
    print(f"store: {events:,} events of {args.customers:,} synthetic customers")
    print(f"DuckDB memory limit: {limit}")
    print(
        f"{'analysis':21} {'rows':>10} {'seconds':>8} {'CPU s':>7} {'peak RSS':>9} "
        f"{'vs plain SQL':>12} {'load':>5}"
    )
    env = bytecode_env(folder / "installed")
    versions = [("", env)]
    if args.before is not None:
        versions.append(
            (" (before)", {**bytecode_env(folder / "before"), "PYTHONPATH": str(args.before)})
        )
    ref = measure("plain SQL", store, design, limit, env)
    for kind in kinds:
        for label, where in versions if kind in ("moments", "silent") else versions[:1]:
            m = ref if kind == "plain SQL" else measure(kind, store, design, limit, where)
            seconds = float(m["seconds"])  # type: ignore[arg-type]
            print(
                f"{kind + label:21} {m['rows']:>10,} {seconds:>8.1f} {m['cpu_seconds']:>7.1f} "
                f"{m['peak_rss_mb']:>7,.0f}MB {seconds / float(ref['seconds']):>11.1f}x "  # type: ignore[arg-type]
                f"{m['load']:>5.1f}"
            )
            if kind == "moments":
                print(
                    f"{'':21} {m['candidates']} candidates tested, {m['significant']} significant"
                )
            if kind == "silent":
                print(
                    f"{'':21} {m['respondents']:,} answered; NPS naive {m['naive']}, corrected "
                    f"{m['corrected']} {m['ci']}, truth {m['truth']}"
                )


if __name__ == "__main__":
    main()
