"""How cost grows with data: whole commands at several sizes, time and peak memory each.

    python bench/scaling.py                          # 115,000 and 1,150,000 customers (1M, 10M events)
    python bench/scaling.py --customers 20000        # one small size
    python bench/scaling.py --customers 11500000 --only dfg funnel   # 100M events, two commands

For each size the synthetic tenancy and loan journeys are generated (``journeyscope
synthetic``, seeded; about 8.7 events per customer; above 1.5M customers in parts, each with
its own random stream), then each command runs as a user runs
it, in a fresh process, timed from spawn to exit: ``ingest`` of the Parquet file into a new
store (identity stitching included), ``dfg``, ``funnel`` (5 steps, 30-day window),
``paths`` (forward from the first step), ``conformance`` to the tenancy design, and the
whole ``report`` with that design. Reported per command: wall and CPU seconds (user +
system of the process and its children, from ``wait4``), peak RSS (the largest resident set of
the process or of any child it waited for), and the machine's load average after it. Every
process runs with Python's bytecode cache on, as an installed package has it
(``_child.bytecode_env``). One run each: the figures show how cost grows, not a ratio to a
reference (the per-analysis ratios are ``bench/analytics.py``, ``commands.py``, ``report.py``).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from _child import bytecode_env, whole_process
from analytics import STEPS, WINDOW_DAYS, machine

ROOT = Path(__file__).resolve().parents[1]
DESIGN = ROOT / "examples" / "journeys" / "tenancy.yaml"


def run(command: list[str], env: dict[str, str]) -> dict[str, float]:
    """Wall s, CPU s and peak RSS (MB) of one fresh process running ``command``."""
    wall, usage = whole_process(command, env)
    return {
        "wall_s": wall,
        "cpu_s": usage.ru_utime + usage.ru_stime,
        "peak_mb": usage.ru_maxrss / 1024,  # kB on Linux
        "load": os.getloadavg()[0],
    }


def commands(store: Path, parquet: Path, out: Path) -> dict[str, list[str]]:
    """The measured commands, in the order they run (ingest first: the others read its store)."""
    js = [sys.executable, "-m", "journeyscope"]
    at = ["--store", str(store)]
    return {
        "ingest": [*js, "ingest", str(parquet), *at],
        "dfg": [*js, "dfg", "--json", *at],
        "funnel": [*js, "funnel", *STEPS, "--window", f"{WINDOW_DAYS}d", "--json", *at],
        "paths": [*js, "paths", "--start", STEPS[0], "--json", *at],
        "conformance": [*js, "conformance", str(DESIGN), "--json", *at],
        "report": [*js, "report", "--design", str(DESIGN), "--out", str(out), *at],
    }


def events_in(store: Path, env: dict[str, str]) -> int:
    done = subprocess.run(
        [sys.executable, "-m", "journeyscope", "stats", "--json", "--store", str(store)],
        capture_output=True,
        text=True,
        check=True,
        env=env,
    )
    return int(json.loads(done.stdout)["events"])


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--customers", type=int, nargs="+", default=[115_000, 1_150_000])
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--workdir", type=Path, default=Path(".journeyscope/bench-scaling"))
    parser.add_argument("--json", type=Path, default=None, help="also write the results here")
    parser.add_argument(
        "--only",
        nargs="+",
        default=None,
        help="the commands to run besides ingest (which the others read), e.g. dfg funnel",
    )
    args = parser.parse_args()
    known = list(commands(Path(), Path(), Path()))
    for name in args.only or ():
        if name not in known:
            parser.error(f"--only: unknown command {name!r}; choose from {', '.join(known)}")

    args.workdir.mkdir(parents=True, exist_ok=True)
    env = bytecode_env(args.workdir)
    print(machine(), flush=True)
    results: list[dict[str, object]] = []
    print(f"{'events':>11} {'command':12} {'wall s':>8} {'CPU s':>8} {'peak MB':>8} {'load':>5}")
    for customers in args.customers:
        folder = args.workdir / f"{customers}-{args.seed}"
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        parquet, store = folder / "events.parquet", folder / "store.duckdb"
        subprocess.run(
            [sys.executable, "-m", "journeyscope", "synthetic", "--customers", str(customers),
             "--seed", str(args.seed), "--out", str(parquet)],
            check=True, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        n = 0
        for name, command in commands(store, parquet, folder / "report.html").items():
            if args.only is not None and name not in ("ingest", *args.only):
                continue
            try:
                figures = run(command, env)
            except SystemExit as failed:  # reported, as a user would meet it, and the run goes on
                reason = str(failed).strip().splitlines()[-1]
                results.append({"customers": customers, "command": name, "failed": reason})
                print(f"{'':>11} {name:12} failed: {reason}", flush=True)
                if name == "ingest":
                    break
                continue
            n = n or events_in(store, env)
            results.append({"customers": customers, "events": n, "command": name} | figures)
            print(
                f"{n:>11,} {name:12} {figures['wall_s']:8.1f} {figures['cpu_s']:8.1f} "
                f"{figures['peak_mb']:8.0f} {figures['load']:5.1f}",
                flush=True,
            )
        shutil.rmtree(folder, ignore_errors=True)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
