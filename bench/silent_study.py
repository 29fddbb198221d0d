"""Simulation study of the silent-customer estimates under six answering mechanisms.

    OMP_NUM_THREADS=1 python bench/silent_study.py                      # the run in the docs
    python bench/silent_study.py --sizes 5000 --runs 4 --bootstrap 50   # a smoke run
    python bench/silent_study.py --bootstrap-up-to 0       # sandwich intervals at every size

Customers come from :func:`journeyscope.analytics.silent_sim.simulate` (a generator of our
own, independent of the demo's), one mechanism at a time, each run with its own seed
(``seed = customers + 1000 * mechanism index + run``), so every run is reproducible
alone. Each run goes through :func:`journeyscope.analytics.silent.estimate`, the function the
CLI, the report and the workspace call, with ``--by segment`` as a user would give it.

Per mechanism, size and estimator: bias and RMSE against the truth (NPS of every customer;
with ``--asked``, of the asked customers, and the never-asked figure against theirs),
the share of runs whose 95% interval covers the truth; for the headline, how often it is an
estimate, a range or an abstention, and how often it (or its range) covers the truth.
Writes one CSV row per run and estimator (``--rows``, as each run ends) and prints the
markdown table; ``--table a.csv b.csv`` prints the table of earlier runs together.
"""

from __future__ import annotations

import argparse
import csv
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")

import numpy as np
from scipy import stats

from journeyscope.analytics.silent import SilentQuery, SilentResult, estimate, headline
from journeyscope.analytics.silent_sim import MECHANISMS, simulate

ESTIMATORS = ("naive", "model", "mar", "shadow", "combined", "headline", "never asked")


def one(
    n: int,
    mechanism: str,
    seed: int,
    bootstrap: int,
    asked: bool = False,
    bootstrap_up_to: int | None = None,
) -> list[dict[str, object]]:
    facts, x = simulate(n, mechanism, seed)
    every = headline("NPS", facts["truth"].to_numpy(dtype="float64"))
    query = SilentQuery(properties=("segment",), truth=None, bootstrap=bootstrap, seed=seed)
    if bootstrap_up_to is not None:
        query = query.model_copy(update={"bootstrap_up_to": bootstrap_up_to})
    if asked:  # who was asked is named: the headline speaks for them
        query = query.model_copy(update={"asked": "invitation"})
        r: SilentResult = estimate(query, facts, x, ["invitation"])
        answered = facts["answers"].to_numpy() > 0
        mask = (facts["invited"].to_numpy() > 0) | answered
    else:
        r = estimate(query, facts, x)
        mask = np.ones(n, dtype=bool)
    truth = float(every[mask].mean())
    rows: list[dict[str, object]] = []

    def add(
        name: str,
        value: float | None,
        low: float | None,
        high: float | None,
        kind: str,
        truth: float = truth,
    ) -> None:
        covered = low is not None and high is not None and low <= truth <= high
        rows.append(
            {
                "mechanism": mechanism + (" (asked named)" if asked else ""),
                "customers": n,
                "seed": seed,
                "estimator": name,
                "truth": round(truth, 3),
                "value": value,
                "low": low,
                "high": high,
                "covered": covered,
                "kind": kind,
                "respondents": r.respondents,
            }
        )

    for name, e in (("naive", r.naive.metric), ("model", r.model.metric)):
        low, high = e.ci or (None, None)
        add(name, e.value, low, high, "estimate")
    for s in r.strategies:
        ci = s.metric_ci or (None, None)
        add(s.name, s.metric, ci[0], ci[1], "survives" if s.survives else "rejected")
    h = r.headline
    assert h is not None
    add("headline", h.value, h.low, h.high, h.kind)
    if r.never_asked is not None and (~mask).any():
        f = r.never_asked.figure
        add("never asked", f.value, f.low, f.high, f.kind, float(every[~mask].mean()))
    return rows


def summarise(rows: list[dict[str, object]]) -> str:
    lines = [
        "| mechanism | customers | runs | estimator | bias | RMSE | 95% coverage (its 95% interval) | kept by checks / headline kind |",
        "|---|---:|---:|---|---:|---:|---:|---|",
    ]
    keys = sorted(
        {(str(r["mechanism"]), int(str(r["customers"]))) for r in rows},
        key=lambda k: (list(MECHANISMS).index(k[0].split(" ")[0]), k[0], k[1]),
    )
    for mech, n in keys:
        for est in ESTIMATORS:
            sel = [
                r
                for r in rows
                if r["mechanism"] == mech and r["customers"] == n and r["estimator"] == est
            ]
            if not sel:
                continue
            errs = np.array(
                [
                    float(str(r["value"])) - float(str(r["truth"]))
                    for r in sel
                    if r["value"] is not None
                ]
            )
            bias = f"{errs.mean():+.1f}" if len(errs) else "-"
            rmse = f"{np.sqrt(np.mean(errs**2)):.1f}" if len(errs) else "-"
            cover = _coverage(sum(bool(r["covered"]) for r in sel), len(sel))
            kinds: dict[str, int] = {}
            for r in sel:
                kinds[str(r["kind"])] = kinds.get(str(r["kind"]), 0) + 1
            kind = ", ".join(f"{k} {v}" for k, v in sorted(kinds.items()))
            name = f"**{est}**" if est == "headline" else est
            lines.append(
                f"| {mech} | {n:,} | {len(sel)} | {name} | {bias} | {rmse} | {cover} | {kind} |"
            )
    return "\n".join(lines)


def _coverage(covered: int, runs: int) -> str:
    """The share of runs that covered the truth, with its exact (Clopper-Pearson) 95%
    binomial interval: how far from 95% the runs can tell a coverage apart.

    >>> _coverage(59, 62)
    '95% (87%-99%)'
    """
    ci = stats.binomtest(covered, runs).proportion_ci(0.95, method="exact")
    return f"{covered / runs:.0%} ({ci.low:.0%}-{ci.high:.0%})"


FIELDS = [
    "mechanism",
    "customers",
    "seed",
    "estimator",
    "truth",
    "value",
    "low",
    "high",
    "covered",
    "kind",
    "respondents",
]


def _read(path: Path) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = []
    with path.open() as fh:
        for r in csv.DictReader(fh):
            row: dict[str, object] = dict(r)
            for key in ("value", "low", "high"):
                row[key] = float(r[key]) if r[key] not in ("", "None") else None
            row["customers"] = int(r["customers"])
            row["covered"] = r["covered"] == "True"
            rows.append(row)
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", default="5000,20000", help="customers per run, comma-separated")
    ap.add_argument("--runs", default="16,4", help="runs per size (one number, or one per size)")
    ap.add_argument("--bootstrap", type=int, default=100)
    ap.add_argument(
        "--bootstrap-up-to",
        type=int,
        default=None,
        help="customers up to which intervals come from the bootstrap (the query's default "
        "unless given): 0 gives every size the linearised (sandwich) intervals",
    )
    ap.add_argument("--mechanisms", default=",".join(MECHANISMS))
    ap.add_argument(
        "--asked",
        action="store_true",
        help="name who was asked (the simulation's 'invited'): the headline's truth is then "
        "the asked customers', and the never-asked figure is checked against theirs",
    )
    ap.add_argument("--rows", type=Path, default=Path("docs/silent_study.csv"))
    ap.add_argument(
        "--table",
        nargs="*",
        type=Path,
        help="only print the table of these CSV files (several runs of this script together)",
    )
    args = ap.parse_args()
    if args.table:
        print(summarise([r for path in args.table for r in _read(path)]))
        return
    sizes = [int(s) for s in args.sizes.split(",")]
    runs = [int(s) for s in args.runs.split(",")]
    runs = runs * len(sizes) if len(runs) == 1 else runs
    mechanisms = args.mechanisms.split(",")
    rows: list[dict[str, object]] = []
    started = time.perf_counter()
    with args.rows.open("w", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=FIELDS)
        writer.writeheader()
        for n, count in zip(sizes, runs, strict=True):
            for mech in mechanisms:
                for run in range(count):
                    seed = n + 1000 * list(MECHANISMS).index(mech) + run
                    new = one(n, mech, seed, args.bootstrap, args.asked, args.bootstrap_up_to)
                    writer.writerows(new)
                    fh.flush()
                    rows.extend(new)
                done = [
                    r
                    for r in rows
                    if r["customers"] == n
                    and str(r["mechanism"]).split(" ")[0] == mech
                    and r["estimator"] == "headline"
                ]
                print(
                    f"{n:>7,} {mech:12} {count} runs, headline covers "
                    f"{np.mean([bool(r['covered']) for r in done]):.0%} "
                    f"({time.perf_counter() - started:.0f} s so far)",
                    file=sys.stderr,
                    flush=True,
                )
    print(summarise(rows))


if __name__ == "__main__":
    main()
