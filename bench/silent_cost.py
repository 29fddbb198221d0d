"""Time and peak memory of the silent-customer estimate at scale, against one model fit.

    OMP_NUM_THREADS=1 python bench/silent_cost.py                       # 1M customers
    python bench/silent_cost.py --customers 200000 --before /tmp/before/src --before-draws 5

Customers come from :func:`journeyscope.analytics.silent_sim.simulate` (``--mechanism``,
default ``mixture``: answering by journey and score), already one row per customer, so the
figures are the estimate's own (no store, no DuckDB): :func:`~journeyscope.analytics.silent.
estimate` with ``--by segment`` and the query's defaults (200 bootstrap resamples; intervals
from the linearised estimating equations above ``bootstrap_up_to`` customers).

Each version runs in its own fresh process (so peak memory is its own). Printed per version,
all CPU time (user + system) of the one process, load average beside each:

* ``estimate``: the whole estimate; ``identification``: the strategies and their intervals
  (:func:`~journeyscope.analytics.identification.identify`), the part the bootstrap made
  large;
* ``one answering fit``: one solve of the combined answering model's calibration equations
  (:class:`~journeyscope.analytics.nonresponse.Calibration`) on the same customers, the
  reference of the aim "identification ≤ 3 fits";
* ``one model fit``: one gradient-boosting fit of the answer on the respondents' features,
  the product's settings (the silent estimate makes 15 of these, cross-fitted), the
  reference ``bench/insight.py`` uses;
* peak RSS (VmHWM) once the customers are simulated and at the end.

``--before SRC`` runs another version's ``src`` with ``--before-draws`` resamples (its
bootstrap costs one refit per resample, so a full 200 would take most of an hour at 1M);
its identification time for 200 resamples is then extrapolated linearly and marked so.
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
os.environ.setdefault("OMP_NUM_THREADS", "1")
n, mechanism, draws = int(sys.argv[1]), sys.argv[2], int(sys.argv[3])
import numpy as np

def cpu():
    return sum(os.times()[:2])

def hwm():
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM"):
            return int(line.split()[1]) // 1024
    return 0

from journeyscope.analytics import silent_estimate
try:
    from journeyscope.analytics.nonresponse import Calibration
    def fit_answering(*args):
        return Calibration.of(*args).solve()
except ImportError:  # a version before the calibration class
    from journeyscope.analytics.nonresponse import fit_answering
from journeyscope.analytics.silent import SilentQuery, estimate
from journeyscope.analytics.silent_sim import simulate
from journeyscope.analytics.silent import headline
facts, x = simulate(n, mechanism, 1)
truth = float(headline("NPS", facts["truth"].to_numpy(dtype="float64")).mean())
simulated = hwm()
seen = {}
identify = silent_estimate.identify

def timed(inp, **kw):
    started = cpu()
    out = identify(inp, **kw)
    seen["identification"], seen["inputs"] = cpu() - started, inp
    return out

silent_estimate.identify = timed
query = SilentQuery(properties=("segment",), truth=None, seed=1, bootstrap=draws)
started, wall = cpu(), time.perf_counter()
result = estimate(query, facts, x)
whole, wall = cpu() - started, time.perf_counter() - wall
load_estimate = os.getloadavg()[0]
peak = hwm()
inp = seen["inputs"]
started = cpu()
fit = fit_answering(inp.score, inp.answered, inp.covariates, inp.m_score, 0, 10, "linear")
answering_fit = cpu() - started
from sklearn.ensemble import HistGradientBoostingRegressor
from journeyscope.analytics.features import as_array
from journeyscope.analytics.models import _params
answered = inp.answered
rows = int(answered.sum())
started = cpu()
HistGradientBoostingRegressor(**_params(rows, 1)).fit(as_array(x)[answered], inp.score[answered])
model_fit = cpu() - started
by = {s.name: s for s in result.strategies}
print(json.dumps({
    "customers": n, "respondents": rows, "draws": draws,
    "estimate": whole, "wall": wall, "identification": seen["identification"],
    "answering_fit": answering_fit, "model_fit": model_fit,
    "rss_simulated": simulated, "rss_peak": peak,
    "load_estimate": load_estimate, "load_end": os.getloadavg()[0],
    "combined": [by["combined"].metric, by["combined"].metric_ci, by["combined"].interval[:40]],
    "truth": round(truth, 4),
    "headline": [result.headline.kind, result.headline.value, result.headline.low,
                 result.headline.high],
}))
"""


def measure(src: Path, customers: int, mechanism: str, draws: int, tmp: Path) -> dict:
    env = bytecode_env(tmp, PYTHONPATH=str(src), OMP_NUM_THREADS="1")
    return run_child(CHILD, customers, mechanism, draws, env=env)


def report(name: str, r: dict, full_draws: int) -> None:
    ident = r["identification"]
    note = ""
    if r["draws"] and r["draws"] != full_draws:
        # the bootstrap part grows with the resamples: 3 fits + draws x 3 refits
        fits = 3 * r["answering_fit"]
        ident = fits + (r["identification"] - fits) * full_draws / r["draws"]
        note = f" (measured {r['identification']:.1f} s with {r['draws']} resamples; extrapolated)"
    print(
        f"{name}: {r['customers']:,} customers, {r['respondents']:,} answered\n"
        f"  estimate {r['estimate']:.1f} CPU s (wall {r['wall']:.1f} s, load {r['load_estimate']:.1f})\n"
        f"  identification {ident:.1f} CPU s{note} = {ident / r['answering_fit']:.1f} x one "
        f"answering fit ({r['answering_fit']:.2f} s)\n"
        f"  one model fit {r['model_fit']:.1f} CPU s; estimate = "
        f"{r['estimate'] / r['model_fit']:.1f} x one model fit (load {r['load_end']:.1f})\n"
        f"  peak RSS {r['rss_peak']:,} MB ({r['rss_simulated']:,} MB once simulated)\n"
        f"  combined {r['combined']}; headline {r['headline']}; truth {r['truth']}"
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--customers", type=int, default=1_000_000)
    ap.add_argument("--mechanism", default="mixture")
    ap.add_argument("--before", type=Path, help="another version's src folder")
    ap.add_argument("--before-draws", type=int, default=5)
    args = ap.parse_args()
    here = Path(__file__).resolve().parent.parent / "src"
    print(f"{platform.node()}: {os.cpu_count()} cores; load {os.getloadavg()}")
    with tempfile.TemporaryDirectory() as tmp:
        if args.before:
            r = measure(args.before, args.customers, args.mechanism, args.before_draws, Path(tmp))
            report("before", r, 200)
        r = measure(here, args.customers, args.mechanism, 200, Path(tmp))
        report("after", r, 200)


if __name__ == "__main__":
    main()
