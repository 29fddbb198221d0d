"""``journeyscope simulate``, ``serve``, ``worker`` and ``journeyscope engine …``: the
orchestration engine from the command line. Thin: every command calls the engine's API."""

from __future__ import annotations

import json
import signal
import sys
import threading
from collections import Counter
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from journeyscope.cli.common import JsonOption, StoreOption, console, print_json, store_path
from journeyscope.cli.options import root_settings

DatabaseOption = Annotated[
    str | None,
    typer.Option(
        "--database-url",
        help="Orchestration database [default: JOURNEYSCOPE_DATABASE_URL or "
        "sqlite:///.journeyscope/engine.sqlite]",
    ),
]
ProgramOption = Annotated[
    list[Path] | None,
    typer.Option(
        "--program",
        help="Journey, interaction and policy YAML files or folders to deploy first.",
    ),
]

#: The web layer's app factory, ``create_app(settings, *, embedded_worker, public_docs)``.
APP_FACTORY = "journeyscope.web.app:create_app"

engine_app = typer.Typer(
    rich_markup_mode=None,  # plain help: no rich markdown/syntax import at start-up
    help="Deploy programs, create API keys, export engine events.",
    no_args_is_help=True,
)


def _url(database_url: str | None) -> str:
    return database_url or root_settings().database_url


def _deploy(url: str, program: list[Path] | None) -> None:
    if not program:
        return
    from journeyscope.engine.core.program import load_program
    from journeyscope.engine.store import EngineStore

    with EngineStore(url) as store:
        report = store.deploy(load_program(*program))
    added = report.journeys_added + report.interactions_added
    console.print(
        f"deployed: {', '.join(added) or 'nothing new'}"
        + ("; policy changed" if report.policy_changed else "")
    )


def simulate(
    journey: Annotated[Path, typer.Argument(help="A journey YAML file (or a folder of them).")],
    events: Annotated[
        Path, typer.Argument(help="An event history (CSV, Parquet, JSON Lines, XES).")
    ],
    horizon: Annotated[
        str, typer.Option(help="After the last event, keep firing timers for this long.")
    ] = "30d",
    as_json: JsonOption = False,
) -> None:
    """Replay EVENTS through JOURNEY with a simulated clock; print every decision and
    action (with --json: one JSON object per line). Interaction catalogues and the policy
    are read from the journey's folder. Deterministic: same input, same output."""
    from journeyscope.engine.core.localtime import parse_duration
    from journeyscope.engine.core.program import load_program
    from journeyscope.engine.history import read_history
    from journeyscope.engine.simulator import Simulator, action_json

    folder = journey if journey.is_dir() else journey.parent
    program = load_program(folder, only=None if journey.is_dir() else journey)
    history = read_history(events)
    until = history[-1].timestamp + parse_duration(horizon).nominal if history else None
    counts: Counter[str] = Counter()
    out = sys.stdout
    for action in Simulator(program).run(history, until=until):
        data = action_json(action)
        if as_json:
            out.write(
                json.dumps(data, ensure_ascii=False, separators=(",", ":"), default=str) + "\n"
            )
        counts[data.get("activity") or data["type"]] += 1
    if not as_json:
        table = Table(
            "decision or action", "count", title=f"{len(history):,} events through {journey}"
        )
        for name, n in counts.most_common():
            table.add_row(name, f"{n:,}")
        console.print(table)


def serve(
    database_url: DatabaseOption = None,
    program: ProgramOption = None,
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port.")] = 8000,
    embedded_worker: Annotated[
        bool | None,
        typer.Option(
            "--embedded-worker/--no-embedded-worker",
            help="Process events in the service (default: yes on SQLite, no on PostgreSQL).",
        ),
    ] = None,
    public_docs: Annotated[
        bool | None,
        typer.Option(
            "--public-docs/--no-public-docs",
            help="Serve /docs without sign-in [default: JOURNEYSCOPE_PUBLIC_DOCS or no].",
        ),
    ] = None,
) -> None:
    """Run the workspace and the web service (FastAPI; sign in at /, OpenAPI at /docs)."""
    import uvicorn
    from uvicorn.importer import import_from_string

    config = root_settings()
    if database_url:
        config = config.model_copy(update={"database_url": database_url})
    _deploy(config.database_url, program)
    # the command line reaches the web layer by name only, as uvicorn itself would (cli and
    # web never import each other); the app gets this command's Settings object itself
    create_app = import_from_string(APP_FACTORY)
    app = create_app(
        config,
        embedded_worker=config.embedded_worker if embedded_worker is None else embedded_worker,
        public_docs=config.public_docs if public_docs is None else public_docs,
    )
    console.print(f"workspace at http://{host}:{port}/ (users: journeyscope users add)")
    # uvicorn stops gracefully on SIGTERM, then raises it again for the handler that was there
    # before: a stop that was asked for and completed is a clean exit (status 0)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    uvicorn.run(app, host=host, port=port)


def worker(
    database_url: DatabaseOption = None,
    program: ProgramOption = None,
    worker_id: Annotated[str | None, typer.Option(help="A stable name for this worker.")] = None,
    batch_size: Annotated[int, typer.Option(help="Inputs per transaction at most.")] = 1000,
    lease_ttl: Annotated[float, typer.Option(help="Seconds a partition lease lasts.")] = 15.0,
    latency_budget: Annotated[
        float | None,
        typer.Option(
            min=0.0,
            help="Seconds a batch may take (0: none); default: the engine_latency_budget setting.",
        ),
    ] = None,
) -> None:
    """Run a worker process against the database: it leases partitions and processes
    their events, timers and deliveries until stopped (SIGTERM or Ctrl-C)."""
    from journeyscope.engine.store import EngineStore
    from journeyscope.engine.worker import Worker

    url = _url(database_url)
    _deploy(url, program)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    settings = root_settings()
    with EngineStore(url) as store:
        w = Worker(
            store,
            worker_id=worker_id,
            batch_size=batch_size,
            lease_ttl=lease_ttl,
            latency_budget=settings.engine_latency_budget
            if latency_budget is None
            else latency_budget,
            failpoint=settings.failpoint,
        )
        console.print(f"worker {w.id} on {store.dialect} ({store.partitions} partitions)")
        w.run(stop)
        console.print(f"worker {w.id} stopped: {w.processed:,} inputs, {w.delivered:,} deliveries")


def register(app: typer.Typer) -> None:
    """Add ``simulate``, ``serve``, ``worker`` and the ``engine`` group to ``app``."""
    for command in (simulate, serve, worker):
        app.command()(command)
    app.add_typer(engine_app, name="engine")


@engine_app.command("deploy")
def deploy(
    program: Annotated[list[Path], typer.Argument(help="YAML files or folders.")],
    database_url: DatabaseOption = None,
) -> None:
    """Deploy journeys, interaction objects and the policy (versions are immutable)."""
    _deploy(_url(database_url), program)


@engine_app.command("api-key")
def api_key(
    name: Annotated[str, typer.Argument(help="Who or what the key is for.")],
    scope: Annotated[list[str], typer.Option("--scope", help="A scope (repeat); admin: all.")],
    database_url: DatabaseOption = None,
) -> None:
    """Create an API key; it is printed once (only its hash is stored)."""
    from journeyscope.engine.store import EngineStore
    from journeyscope.services.api_keys import issue

    with EngineStore(_url(database_url)) as store:
        key = issue(store, name, scope)
    sys.stdout.write(key + "\n")


@engine_app.command("status")
def status(database_url: DatabaseOption = None, as_json: JsonOption = False) -> None:
    """Inbox, customers, outbox and dead letters."""
    from journeyscope.engine.store import EngineStore

    with EngineStore(_url(database_url)) as store:
        counts = store.counts()
    if as_json:
        print_json(counts)
        return
    table = Table("measure", "value")
    for key, value in counts.items():
        table.add_row(key, str(value))
    console.print(table)


@engine_app.command("export")
def export(database_url: DatabaseOption = None, store: StoreOption = None) -> None:
    """Ingest the engine's decisions and actions into the event store (the closed loop)."""
    from journeyscope.engine.export import export_events
    from journeyscope.engine.store import EngineStore
    from journeyscope.events import Store

    with EngineStore(_url(database_url)) as engine, Store(store_path(store)) as db:
        report = export_events(engine, db)
    console.print(f"{report.events_added:,} engine events added to {store_path(store)}")


dead_app = typer.Typer(
    help="Inputs and timer turns whose handling failed: list, retry, drop.",
    no_args_is_help=True,
)
engine_app.add_typer(dead_app, name="dead-letters")
IdsArgument = Annotated[
    list[int] | None, typer.Argument(help="Ids from `dead-letters list` (none: all).")
]


@dead_app.command("list")
def dead_list(
    customer: Annotated[str | None, typer.Option(help="Only this customer's.")] = None,
    limit: Annotated[int, typer.Option(min=1, help="At most this many.")] = 100,
    database_url: DatabaseOption = None,
    as_json: JsonOption = False,
) -> None:
    """Failed inputs, oldest first, with the error."""
    from journeyscope.engine import deadletters
    from journeyscope.engine.store import EngineStore

    with EngineStore(_url(database_url)) as store:
        rows = deadletters.listing(store, customer_id=customer, limit=limit)
    if as_json:
        print_json(rows)
        return
    table = Table("id", "customer", "kind", "event id", "error")
    for r in rows:
        table.add_row(str(r["id"]), r["customer_id"], r["kind"], r["event_id"] or "", r["error"])
    console.print(table if rows else "no failed inputs")


@dead_app.command("retry")
def dead_retry(ids: IdsArgument = None, database_url: DatabaseOption = None) -> None:
    """Hand failed inputs to the workers again (after fixing the cause)."""
    from journeyscope.engine import deadletters
    from journeyscope.engine.store import EngineStore

    with EngineStore(_url(database_url)) as store:
        console.print(f"{deadletters.retry(store, ids or None):,} handed to the workers again")


@dead_app.command("drop")
def dead_drop(ids: IdsArgument = None, database_url: DatabaseOption = None) -> None:
    """Forget failed inputs: they stay unapplied."""
    from journeyscope.engine import deadletters
    from journeyscope.engine.store import EngineStore

    with EngineStore(_url(database_url)) as store:
        console.print(f"{deadletters.drop(store, ids or None):,} dropped")
