"""``journeyscope demo``: the whole story on the embedded default, in a couple of minutes."""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from journeyscope.cli.common import console
from journeyscope.cli.options import root_settings

if TYPE_CHECKING:
    from journeyscope.config import Settings

__all__ = ["demo_design", "example", "register", "write_demo_report"]


def example(relative: str) -> Path | None:
    """``examples/<relative>`` from the working folder or the source checkout, if there."""
    for root in (Path.cwd(), Path(__file__).resolve().parents[3]):
        candidate = root / "examples" / relative
        if candidate.exists():
            return candidate
    return None


def demo_design() -> Path | None:
    """The example tenancy design, from the working folder or the source checkout."""
    return example("journeys/tenancy.yaml")


def write_demo_report(store_file: Path, workdir: Path, settings: Settings) -> Path:
    """The demo's last step: the report of the synthetic store (with the tenancy design).

    ``settings``: the command line's (their memory limit applies); the store is
    ``store_file``."""
    from datetime import UTC, datetime

    from journeyscope.analytics.contacts import ContactRules
    from journeyscope.definitions import load_journey
    from journeyscope.render.report import report_html
    from journeyscope.services.report import build_report
    from journeyscope.synthetic import catalogue

    design = demo_design()
    journey = load_journey(design) if design is not None else None
    with console.status("analysing for the report"):
        data = build_report(
            settings.model_copy(update={"store": store_file}),
            journey,
            source=f"{store_file} (synthetic omnichannel journeys)",
            value_per_case=400.0,
            contacts=ContactRules.from_catalogue(catalogue(), "the generator's catalogue"),
        )
    out = workdir / "report.html"
    out.write_text(report_html(data, now=datetime.now(UTC)), encoding="utf-8")
    return out


def demo(
    workdir: Annotated[Path, typer.Option(help="Where the demo writes its files.")] = Path(
        ".journeyscope/demo"
    ),
    customers: Annotated[int, typer.Option(help="Synthetic customers.")] = 20_000,
    seed: Annotated[int, typer.Option(help="Random seed.")] = 7,
) -> None:
    """Generate omnichannel journeys, ingest them into DuckDB, stitch identities, report."""
    from rich.table import Table

    from journeyscope.services.demo import build_demo_store
    from journeyscope.synthetic_parts import write_population

    workdir.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    data = workdir / "events.parquet"
    console.rule("1. realistic synthetic journeys")
    events = write_population(customers, seed, data)
    console.print(f"{events:,} events of {customers:,} customers -> {data}")

    console.rule("2. ingest into the embedded store (DuckDB)")
    store_file = workdir / "store.duckdb"
    built = build_demo_store(data, store_file)
    report, ident, truth = built.ingest, built.stitch, built.truth
    console.print(
        f"{report.events_added:,} events stored, {report.quarantined:,} quarantined, "
        f"{report.seconds:.2f}s ({report.events_added / max(report.seconds, 1e-9):,.0f} events/s)"
    )
    console.rule("3. identity stitching")
    console.print(
        f"{ident.identifiers:,} identifiers (accounts, e-mail and phone hashes, devices, "
        f"cookies, cases) -> {ident.customers:,} customers; the generator made "
        f"{truth.people:,} real people; stitched customers mixing two people: {truth.mixed}"
    )
    stats, catalogue = built.stats, built.catalogue
    (workdir / "catalogue.yaml").write_text(catalogue.to_yaml(), encoding="utf-8")

    console.rule("4. what is in the store")
    overview = Table("measure", "value")
    for key in (
        "events",
        "cases",
        "events_without_case",
        "customers",
        "activities",
        "quarantined",
        "first_event",
        "last_event",
    ):
        value = stats[key]
        overview.add_row(key, f"{value:,}" if isinstance(value, int) else str(value))
    console.print(overview)
    channels = Table("channel", "cases using it")
    for name, n in stats["channels"].items():
        channels.add_row(name, f"{n:,}")
    console.print(channels)
    console.print(f"draft event catalogue: {workdir / 'catalogue.yaml'}")
    console.print(f"store: {store_file}   (try: journeyscope stats --store {store_file})")

    console.rule("5. experience insight: silent customers and moments of truth")
    _insight(store_file, root_settings())

    console.rule("6. the orchestration engine, live")
    _live(data, workdir)

    console.rule("7. the journey report")
    report_started = time.perf_counter()
    report_file = write_demo_report(store_file, workdir, root_settings())
    console.print(
        f"report: {report_file} ({time.perf_counter() - report_started:.1f}s; open it in "
        f"a browser, it needs no network)"
    )
    console.rule("8. the workspace in the browser")
    engine_url = _export_engine(store_file, workdir)
    _workspace_user(store_file, engine_url, root_settings())
    console.print(f"[green]demo finished in {time.perf_counter() - started:.1f}s[/]")


def _export_engine(store_file: Path, workdir: Path) -> str | None:
    """The live step's engine records into the demo store (the closed loop: Explore breaks
    analyses down by journey and arm, "Did it help?" compares treated and held-out customers);
    the engine database's URL for ``serve``, so the console shows the same journeys."""
    from journeyscope.engine import EngineStore
    from journeyscope.engine.export import export_events
    from journeyscope.events import Store

    database = workdir / "engine.sqlite"
    if not database.is_file():
        return None
    url = f"sqlite:///{database}"
    with EngineStore(url) as engine, Store(store_file) as store:
        report = export_events(engine, store)
    console.print(
        f"engine records exported into the store: {report.events_added:,} events "
        "(journey, version, step, decision and arm as columns of their own)"
    )
    return url


def _workspace_user(store_file: Path, engine_url: str | None, settings: Settings) -> None:
    """A demo user (role admin, a new random password each run) in the workspace database
    beside the demo store, and the command that serves the workspace on it (with the demo's
    engine database, when the live step made one)."""
    import secrets

    from journeyscope.services.accounts import Accounts, workspace_database

    accounts = Accounts(workspace_database(settings.model_copy(update={"store": store_file})))
    if accounts.user("demo") is not None:
        accounts.remove("demo")
    password = secrets.token_urlsafe(12)
    accounts.add("demo", "admin", password)
    console.print(
        f"serve it:  JOURNEYSCOPE_STORE={store_file} "
        + (f"JOURNEYSCOPE_DATABASE_URL={engine_url} " if engine_url else "")
        + ".venv/bin/journeyscope serve\n"
        f"then open http://127.0.0.1:8000/ and sign in as demo / {password}",
        highlight=False,
        soft_wrap=True,
    )


def register(app: typer.Typer) -> None:
    """Add ``demo`` to ``app``."""
    app.command()(demo)


def _insight(store_file: Path, settings: Settings) -> None:
    """NPS of every customer next to the respondents' and the truth; the top moments."""
    from rich.table import Table

    from journeyscope.analytics.moments import MomentsQuery
    from journeyscope.analytics.silent import SilentQuery
    from journeyscope.definitions import load_journey
    from journeyscope.services import analyses

    design = demo_design()
    from journeyscope.analytics.silent_text import headline_text, strategy_rows

    on_store = settings.model_copy(update={"store": store_file})
    with console.status("learning from the answers"):
        silent = analyses.silent(on_store, SilentQuery())
        moments = (
            analyses.moments(
                on_store, MomentsQuery(journey=load_journey(design), adjust=("segment",), top=5)
            )
            if design is not None
            else None
        )
    table = Table(
        "NPS",
        "value",
        "95% interval",
        "how",
        title=(f"{silent.respondents:,} of {silent.customers:,} customers answered the NPS survey"),
    )
    e = silent.naive.metric
    ci = "-" if e.ci is None else f"{e.ci[0]:+.1f} .. {e.ci[1]:+.1f}"
    table.add_row("respondents only", "-" if e.value is None else f"{e.value:+.1f}", ci, e.method)
    for row in strategy_rows(silent):
        table.add_row(row["strategy"], row["value"], row["interval"], row["verdict"])
    if silent.truth is not None:
        table.add_row("truth", f"{silent.truth.metric:+.1f}", "", "the generator's true scores")
    console.print(table)
    console.print(headline_text(silent), highlight=False)
    if moments is not None:
        top = Table(
            "moment of truth (tenancy)",
            "cases",
            "effect on NPS score",
            "q",
            title=(
                f"{moments.significant} of {moments.candidates_tested} experiences matter "
                f"(adjusted for first channel and segment; observational)"
            ),
        )
        for m in moments.moments:
            top.add_row(m.candidate, f"{m.cases_with:,}", f"{m.effect:+.2f}", f"{m.q:.1g}")
        console.print(top)
        for d in moments.designed:
            console.print(f"designed moment {d.name!r}: {d.verdict}")
    console.print("more: journeyscope silent | moments | emotions | value --help")


def _live(data: Path, workdir: Path, customers: int = 300) -> None:
    """The first customers' events through the durable engine (SQLite), clock simulated."""
    from collections import Counter

    from rich.table import Table

    from journeyscope.engine import EngineStore, FakeClock, Worker, load_program, read_history
    from journeyscope.engine.replay import replay

    folder = example("orchestration")
    if folder is None:
        console.print("no examples/orchestration folder here: skipped the live engine")
        return
    everything = read_history(data)
    chosen = set(sorted({e.customer_id for e in everything})[:customers])
    history = [e for e in everything if e.customer_id in chosen]
    database = workdir / "engine.sqlite"
    for path in workdir.glob("engine.sqlite*"):
        path.unlink()
    clock = FakeClock(history[0].timestamp)
    started = time.perf_counter()
    with EngineStore(f"sqlite:///{database}", clock=clock) as store:
        store.deploy(load_program(folder))
        worker = Worker(store, clock=clock)
        processed = replay(store, worker, clock, history, history[-1].timestamp + 20 * 86400)
        worker.close()
        actions = Counter(e["activity"] for e in store.engine_events(limit=10_000_000))
    seconds = time.perf_counter() - started
    table = Table(
        "decision or action",
        "count",
        title=(
            f"{len(history):,} events of {len(chosen):,} customers through the journeys in "
            f"{folder.name}/ ({processed:,} inputs in {seconds:.1f}s, timers included)"
        ),
    )
    for name, n in actions.most_common(12):
        table.add_row(name, f"{n:,}")
    console.print(table)
    console.print(
        f"engine store: {database}   (same replay in memory: journeyscope simulate "
        f"{folder}/tenancy.yaml {data})"
    )
