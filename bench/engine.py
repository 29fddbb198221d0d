"""Orchestration engine benchmark: sustained events/s and event-to-action latency, next to the
raw write rate of the same database measured in the same run.

    python bench/engine.py                          # SQLite embedded, then PostgreSQL 1, 2, 4 workers
    python bench/engine.py --events 20000 --skip-postgres
    python bench/engine.py --write docs/bench/engine.md

The journeys are the shipped examples (examples/orchestration: proactive triggers with waits
of days, help decisions under caps and quiet hours, surveys in local-time windows) plus one
with a five-second proactive wait, so that durable timers fire during the run. Events are the
synthetic tenancy and loan journeys, replayed as a live stream (time stamped when sent).

Two measurements per configuration:

* **sustained** — the producer offers events as fast as it can (batches of 100, bounded
  in flight); events/s = events ÷ (last one processed − first one sent);
* **latency** — events offered at 70 % of that rate in batches of 20; event-to-action latency
  = when the action's delivery started − when its event was sent, for every action caused by
  an event (p50, p99).

Raw write rates of the same database, same run: single-row durable transactions/s, and rows/s
inserted 100 per transaction (SQLite WAL with synchronous=FULL; PostgreSQL with
synchronous_commit=on), through the same driver.
"""

from __future__ import annotations

import argparse
import os
import platform
import signal
import subprocess
import sys
import tempfile
import time
from collections import deque
from concurrent.futures import Future
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
EXAMPLES = REPO / "examples" / "orchestration"

#: The embedded worker as it was before the latency budget and the settled heap.
REFERENCE: dict[str, Any] = {"latency_budget": 0.0, "freeze_heap": False}

QUICK = """
journey: bench-quick-follow-up
re_entry: never
triggers:
  - after: View property listing
    expect: Start housing application
    within: 5s
steps:
  nudge: {invoke: help_article}
"""


def program() -> Any:
    import yaml

    from journeyscope.engine.core.journeys import JourneySpec
    from journeyscope.engine.core.program import Program, load_program

    base = load_program(EXAMPLES)
    specs = [j.spec for j in base.versions()] + [JourneySpec.model_validate(yaml.safe_load(QUICK))]
    return Program.build(specs, base.catalogue, base.policy)


def stream(n: int, seed: int = 7) -> list[tuple[str, str, str, dict[str, Any]]]:
    """``n`` synthetic events in time order: (customer, activity, channel, properties)."""
    from journeyscope import synthetic

    table = synthetic.generate(max(200, n // 9), seed=seed).sort_by("timestamp")
    cols = table.select(
        ["true_customer_id", "activity", "channel", "journey", "segment"]
    ).to_pylist()
    return [
        (
            r["true_customer_id"],
            r["activity"],
            r["channel"],
            {"journey": r["journey"], "segment": r["segment"]},
        )
        for r in cols[:n]
    ]


# --------------------------------------------------------------------------- raw rates


def raw_rates(url: str, seconds: float = 3.0) -> dict[str, float]:
    from sqlalchemy import text

    from journeyscope.engine.store import EngineStore

    with EngineStore(url) as store, store.write() as conn:
        conn.execute(text("DROP TABLE IF EXISTS bench_raw"))
        conn.execute(text("CREATE TABLE bench_raw (id VARCHAR(64) PRIMARY KEY, body TEXT)"))
    mark = "?" if url.startswith("sqlite") else "%s"
    sql = f"INSERT INTO bench_raw (id, body) VALUES ({mark}, {mark})"
    body = '{"activity":"Upload documents","channel":"web","properties":{"segment":"mainstream"}}'
    out: dict[str, float] = {}
    with EngineStore(url) as store:
        n, started = 0, time.perf_counter()
        while time.perf_counter() - started < seconds:
            with store.write() as conn:
                conn.exec_driver_sql(sql, (f"s{n}", body))
            n += 1
        out["single_tx_per_s"] = n / (time.perf_counter() - started)
        n, started = 0, time.perf_counter()
        while time.perf_counter() - started < seconds:
            with store.write() as conn:
                conn.exec_driver_sql(sql, [(f"b{n + i}", body) for i in range(100)])
            n += 100
        out["batch100_rows_per_s"] = n / (time.perf_counter() - started)
        with store.write() as conn:
            conn.execute(text("DROP TABLE bench_raw"))
    return out


# ------------------------------------------------------------------------------ a run


def _events(items: list[tuple[str, str, str, dict[str, Any]]], run: str) -> list[Any]:
    from journeyscope.engine.core.actions import Event

    return [
        Event(f"{run}-{i}", f"{run}-{c}", a, 0.0, ch, p) for i, (c, a, ch, p) in enumerate(items)
    ]


def _stamp(batch: list[Any], sent: dict[str, float]) -> list[Any]:
    from dataclasses import replace

    now = time.time()
    for e in batch:
        sent[e.event_id] = now
    return [replace(e, timestamp=now) for e in batch]


def _produce(
    events: list[Any], submit: Any, rate: float | None, batch: int, in_flight: int
) -> dict[str, float]:
    """Offer ``events`` (paced at ``rate`` per second, or flat out); returns send times."""
    sent: dict[str, float] = {}
    pending: deque[Future[Any]] = deque()
    started = time.perf_counter()
    for i in range(0, len(events), batch):
        if rate is not None:
            delay = started + i / rate - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
        pending.append(submit(_stamp(events[i : i + batch], sent)))
        while len(pending) > in_flight:
            pending.popleft().result()
    while pending:
        pending.popleft().result()
    return sent


def _finished(store: Any, n: int) -> bool:
    from sqlalchemy import func, select

    from journeyscope.engine import schema as t

    with store.read() as conn:
        done = conn.execute(
            select(func.count()).select_from(t.inbox).where(t.inbox.c.processed_at.is_not(None))
        ).scalar_one()
        waiting = conn.execute(
            select(func.count())
            .select_from(t.outbox)
            .where(t.outbox.c.status == "pending", t.outbox.c.next_attempt_at <= time.time())
        ).scalar_one()
    return done >= n and waiting == 0


def _measure(store: Any, sent: dict[str, float]) -> dict[str, float]:
    from sqlalchemy import func, select

    from journeyscope.engine import schema as t

    with store.read() as conn:
        last = conn.execute(select(func.max(t.inbox.c.processed_at))).scalar_one()
        rows = conn.execute(
            select(t.outbox.c.cause, t.outbox.c.sent_at).where(t.outbox.c.sent_at.is_not(None))
        ).all()
        timers = conn.execute(
            select(func.count()).select_from(t.customers).where(t.customers.c.wake_at.is_not(None))
        ).scalar_one()
    lat = sorted((at - sent[cause]) * 1000 for cause, at in rows if cause in sent)
    first = min(sent.values())

    def pct(p: float) -> float:
        return lat[min(len(lat) - 1, int(p * len(lat)))] if lat else float("nan")

    return {
        "events": len(sent),
        "events_per_s": len(sent) / (last - first),
        "actions": len(rows),
        "actions_from_events": len(lat),
        "customers_with_timers": timers,
        "p50_ms": pct(0.50),
        "p99_ms": pct(0.99),
    }


def run_embedded(
    url: str, items: list[Any], rate: float | None, tag: str, **options: Any
) -> dict[str, Any]:
    from journeyscope.engine.phases import summary
    from journeyscope.engine.store import EngineStore
    from journeyscope.engine.worker import Worker

    with EngineStore(url) as store:
        store.deploy(program())
        events = _events(items, tag)  # before the worker starts: a server's heap holds no such list
        worker = Worker(store, batch_size=2000 if rate is None else 500, idle_wait=0.05, **options)
        worker.start()
        batch, in_flight = (100, 30) if rate is None else (20, 1000)
        sent = _produce(events, worker.submit, rate, batch, in_flight)
        while not _finished(store, len(events)):
            time.sleep(0.05)
        worker.stop()
        return _measure(store, sent) | {"phases": summary(list(worker.times.steps))}


def run_postgres(
    url: str, items: list[Any], workers: int, rate: float | None, tag: str, folder: Path
) -> dict[str, float]:
    from concurrent.futures import ThreadPoolExecutor

    from journeyscope.engine.store import EngineStore

    with EngineStore(url) as store:
        store.deploy(program())
        logs = [(folder / f"{tag}-w{i}.log").open("w") for i in range(workers)]
        procs = [
            subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "journeyscope",
                    "worker",
                    "--database-url",
                    url,
                    "--worker-id",
                    f"{tag}-w{i}",
                    "--batch-size",
                    "2000" if rate is None else "500",
                ],
                stdout=log,
                stderr=subprocess.STDOUT,
            )
            for i, log in enumerate(logs)
        ]
        try:
            _wait_for_leases(store, workers, procs)
            events = _events(items, tag)
            pool = ThreadPoolExecutor(
                max_workers=2
            )  # two producer connections, as two API processes
            batch, in_flight = (100, 4) if rate is None else (20, 1000)
            sent = _produce(events, lambda b: pool.submit(store.accept, b), rate, batch, in_flight)
            pool.shutdown()
            while not _finished(store, len(events)):
                for p in procs:
                    if p.poll() is not None:
                        raise RuntimeError(f"worker exited: {p.args}")
                time.sleep(0.05)
            return _measure(store, sent)
        finally:
            for p in procs:
                p.send_signal(signal.SIGTERM)
            for p in procs:
                p.wait()
            for log in logs:
                log.close()


def _wait_for_leases(store: Any, workers: int, procs: list[subprocess.Popen[bytes]]) -> None:
    from sqlalchemy import func, select

    from journeyscope.engine import schema as t

    while True:
        with store.read() as conn:
            owners = conn.execute(
                select(t.partitions.c.owner, func.count())
                .where(t.partitions.c.lease_until > time.time())
                .group_by(t.partitions.c.owner)
            ).all()
        counts = sorted(n for owner, n in owners if owner)
        if (
            len(counts) == workers
            and sum(counts) == store.partitions
            and counts[-1] - counts[0] <= 1
        ):
            return
        for p in procs:
            if p.poll() is not None:
                raise RuntimeError("a worker exited while starting")
        time.sleep(0.2)


# -------------------------------------------------------------------------------- main


def _machine() -> str:
    cpuinfo = Path("/proc/cpuinfo").read_text().splitlines()
    meminfo = Path("/proc/meminfo").read_text().splitlines()
    cpu = next((x.split(":", 1)[1].strip() for x in cpuinfo if x.startswith("model name")), "?")
    mem = next((int(x.split()[1]) // 1024 // 1024 for x in meminfo if x.startswith("MemTotal")), 0)
    return f"{os.cpu_count()} cores ({cpu}), {mem} GiB RAM, {platform.system()} {platform.release()}, Python {platform.python_version()}"


def _pg_version(url: str) -> str:
    from sqlalchemy import text

    from journeyscope.engine.store import EngineStore

    with EngineStore(url) as store, store.read() as conn:
        return str(conn.execute(text("SHOW server_version")).scalar())


def _new_database(server: str) -> str:
    import uuid

    import psycopg

    name = "bench_" + uuid.uuid4().hex[:8]
    with psycopg.connect(
        server.replace("postgresql+psycopg://", "postgresql://"), autocommit=True
    ) as c:
        c.execute(f"CREATE DATABASE {name}")
    return server.rsplit("/", 1)[0] + "/" + name


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--events", type=int, default=40_000)
    parser.add_argument("--workers", type=int, nargs="*", default=[1, 2, 4])
    parser.add_argument("--skip-postgres", action="store_true")
    parser.add_argument("--write", type=Path, help="Also write the report (markdown) here.")
    args = parser.parse_args()

    items = stream(args.events)
    rows: list[tuple[str, dict[str, float], dict[str, float], dict[str, float]]] = []
    load = os.getloadavg()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        url = f"sqlite:///{folder / 'raw.sqlite'}"
        raw = raw_rates(url)
        print(f"sqlite raw: {raw}", flush=True)
        # the reference first: freezing the heap is for the rest of the process
        for name, options in (
            (
                "SQLite (WAL), embedded worker, reference: no latency budget, heap not frozen",
                REFERENCE,
            ),
            ("SQLite (WAL), embedded worker", {}),
        ):
            tag = "r" if options else ""
            sat = run_embedded(
                f"sqlite:///{folder / f'{tag}sat.sqlite'}", items, None, f"{tag}s", **options
            )
            print(f"{name} sustained: {sat}", flush=True)
            lat = run_embedded(
                f"sqlite:///{folder / f'{tag}lat.sqlite'}",
                items,
                0.7 * sat["events_per_s"],
                f"{tag}l",
                **options,
            )
            print(f"{name} latency: {lat}", flush=True)
            rows.append((name, raw, sat, lat))
        pg = ""
        if not args.skip_postgres:
            script = REPO / "scripts" / "postgres.sh"
            server = (
                subprocess.run(
                    ["bash", str(script), "start", "bench"],
                    capture_output=True,
                    text=True,
                    check=True,
                )
                .stdout.strip()
                .splitlines()[-1]
            )
            try:
                pg = _pg_version(server)
                raw_pg = raw_rates(_new_database(server))
                print(f"postgres raw: {raw_pg}", flush=True)
                for n in args.workers:
                    sat = run_postgres(_new_database(server), items, n, None, f"s{n}", folder)
                    print(f"postgres {n} sustained: {sat}", flush=True)
                    lat = run_postgres(
                        _new_database(server), items, n, 0.7 * sat["events_per_s"], f"l{n}", folder
                    )
                    print(f"postgres {n} latency: {lat}", flush=True)
                    rows.append(
                        (
                            f"PostgreSQL {pg.split()[0]}, {n} worker process{'es' if n > 1 else ''}",
                            raw_pg,
                            sat,
                            lat,
                        )
                    )
            finally:
                subprocess.run(["bash", str(script), "destroy", "bench"], check=False)
    report = _report(rows, args.events, load)
    print(report)
    if args.write:
        args.write.parent.mkdir(parents=True, exist_ok=True)
        args.write.write_text(report, encoding="utf-8")


def _report(
    rows: list[tuple[str, dict[str, float], dict[str, float], dict[str, float]]],
    n: int,
    load: tuple[float, float, float],
) -> str:
    lines = [
        f"Machine: {_machine()}; load average before the run {load[0]:.1f} (other work shares these cores).",
        f"{n:,} events per run (synthetic tenancy and loan journeys, examples/orchestration + a 5-second proactive wait).",
        "",
        "| configuration | raw: 1-row tx/s | raw: rows/s, 100 per tx | engine events/s (sustained) | ÷ raw rows/s | ÷ raw tx/s | offered for latency | p50 ms | p99 ms | actions |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name, raw, sat, lat in rows:
        lines.append(
            f"| {name} | {raw['single_tx_per_s']:,.0f} | {raw['batch100_rows_per_s']:,.0f} | "
            f"{sat['events_per_s']:,.0f} | {sat['events_per_s'] / raw['batch100_rows_per_s']:.2f} | "
            f"{sat['events_per_s'] / raw['single_tx_per_s']:.1f} | {0.7 * sat['events_per_s']:,.0f}/s (got {lat['events_per_s']:,.0f}) | "
            f"{lat['p50_ms']:.1f} | {lat['p99_ms']:.1f} | {lat['actions']:,} |"
        )
    from journeyscope.engine.phases import PHASES

    timed = [(name, lat["phases"]) for name, _, _, lat in rows if lat.get("phases")]
    if timed:
        lines += [
            "",
            "Where the embedded worker's time goes in the latency runs: ms per step, p50 / p99 "
            "(wait: how long the oldest submission had waited when its step began; busy: the "
            "step without the wait; share: part of all busy time).",
            "",
            "| phase | " + " | ".join(name for name, _ in timed) + " |",
            "|---|" + "---:|" * len(timed),
        ]
        for phase in (*PHASES, "busy", "inputs"):
            cells = []
            for _, phases in timed:
                x = phases[phase]
                share = f" ({x['share']:.0%})" if phase in PHASES[1:] else ""
                cells.append(f"{x['p50']:.1f} / {x['p99']:.1f}{share}")
            lines.append(f"| {phase} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
