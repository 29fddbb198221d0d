"""Insight benchmark: moments-of-truth ranking and silent-customer estimation on synthetic
customers, next to references measured in the same run on the same store.

    python bench/insight.py                        # 1M customers, about 9M events
    python bench/insight.py --customers 50000      # a quick run

References (each in its own process, like the measurements, so peak memory is its own):

* ``plain SQL``: hand-written DuckDB SQL reading every event once into one row per customer
  (counts, span, sentiment, cost, last NPS answer): the floor for any per-customer analysis;
* ``one model fit``: a single scikit-learn gradient-boosting fit of the answer on the
  feature matrix of the respondents (the silent estimate does 3 x folds of those, cross-fitted).

Printed: wall time, peak RSS (VmHWM of the process) and the ratio to the plain SQL read, and,
for the silent estimate, its error against the generator's truth.
"""

from __future__ import annotations

import argparse
import os
import platform
import tempfile
from pathlib import Path

from _child import run_child

CHILD = r"""
import json, sys, time
from pathlib import Path
kind, store, design = sys.argv[1], sys.argv[2], sys.argv[3]
import duckdb
from journeyscope.analytics.backends import DuckDBBackend
started = time.perf_counter()
extra = {}
if kind == "plain SQL":
    con = duckdb.connect(store, read_only=True)
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
    with DuckDBBackend(store) as engine:
        t = with_person(engine.events(), CaseRule.given())
        exprs = customer_features(t, "NPS")
        facts, x = feature_matrix(*(engine.arrow(exprs[k]) for k in ("customers", "activities", "channels")), ())
    answered = facts["answers"].to_numpy() > 0
    started = time.perf_counter()  # the fit alone
    HistGradientBoostingRegressor(max_iter=300, early_stopping=True, random_state=0).fit(
        as_array(x)[answered], facts["score"].to_numpy(dtype="float64")[answered])
    rows = int(answered.sum())
elif kind == "moments":
    from journeyscope.analytics.moments import MomentsQuery
    from journeyscope.definitions import load_journey
    with DuckDBBackend(store) as engine:
        r = engine.run(MomentsQuery(journey=load_journey(design), adjust=("segment",)))
    rows = r.cases
    extra = {"candidates": r.candidates_tested, "significant": r.significant}
else:
    from journeyscope.analytics.silent import SilentQuery
    with DuckDBBackend(store) as engine:
        r = engine.run(SilentQuery())
    rows = r.customers
    extra = {"respondents": r.respondents, "naive": r.naive.metric.value,
             "corrected": r.corrected.metric.value, "ci": r.corrected.metric.ci,
             "truth": r.truth.metric if r.truth else None}
seconds = time.perf_counter() - started
hwm = next(l for l in open("/proc/self/status") if l.startswith("VmHWM"))
print(json.dumps({"rows": rows, "seconds": seconds, "peak_rss_mb": int(hwm.split()[1]) / 1024, **extra}))
"""


def measure(kind: str, store: Path, design: Path) -> dict[str, object]:
    return run_child(CHILD, kind, store, design)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--workdir", type=Path, default=None)
    args = parser.parse_args()

    from journeyscope import synthetic
    from journeyscope.config import Settings
    from journeyscope.events import Store
    from journeyscope.events.identity import stitch

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
    print(f"{'analysis':14} {'rows':>10} {'seconds':>8} {'peak RSS':>9} {'vs plain SQL':>12}")
    ref = measure("plain SQL", store, design)
    for kind in ("plain SQL", "one model fit", "moments", "silent"):
        m = ref if kind == "plain SQL" else measure(kind, store, design)
        seconds = float(m["seconds"])  # type: ignore[arg-type]
        print(
            f"{kind:14} {m['rows']:>10,} {seconds:>8.1f} {m['peak_rss_mb']:>7,.0f}MB "
            f"{seconds / float(ref['seconds']):>11.1f}x"  # type: ignore[arg-type]
        )
        if kind == "moments":
            print(f"{'':14} {m['candidates']} candidates tested, {m['significant']} significant")
        if kind == "silent":
            print(
                f"{'':14} {m['respondents']:,} answered; NPS naive {m['naive']}, corrected "
                f"{m['corrected']} {m['ci']}, truth {m['truth']}"
            )


if __name__ == "__main__":
    main()
