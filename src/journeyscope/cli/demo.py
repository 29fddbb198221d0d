"""``journeyscope demo``: the whole story on the embedded default, in a couple of minutes."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from journeyscope import synthetic
from journeyscope.cli.common import console
from journeyscope.events import Store, draft_catalogue
from journeyscope.identity import stitch


def register(app: typer.Typer) -> None:
    @app.command()
    def demo(
        workdir: Annotated[Path, typer.Option(help="Where the demo writes its files.")] = Path(
            ".journeyscope/demo"
        ),
        customers: Annotated[int, typer.Option(help="Synthetic customers.")] = 20_000,
        seed: Annotated[int, typer.Option(help="Random seed.")] = 7,
    ) -> None:
        """Generate omnichannel journeys, ingest them into DuckDB, stitch identities, report."""
        workdir.mkdir(parents=True, exist_ok=True)
        started = time.perf_counter()
        data = workdir / "events.parquet"
        console.rule("1. realistic synthetic journeys")
        table = synthetic.generate(customers, seed)
        synthetic.write(table, data)
        console.print(f"{table.num_rows:,} events of {customers:,} customers -> {data}")

        console.rule("2. ingest into the embedded store (DuckDB)")
        store_file = workdir / "store.duckdb"
        store_file.unlink(missing_ok=True)
        with Store(store_file) as db:
            report = db.ingest(data)
            console.print(
                f"{report.events_added:,} events stored, {report.quarantined:,} quarantined, "
                f"{report.seconds:.2f}s ({report.events_added / max(report.seconds, 1e-9):,.0f} events/s)"
            )
            console.rule("3. identity stitching")
            ident = stitch(db.con)
            truth = db.con.execute(
                """SELECT count(DISTINCT customer_id),
                          count(DISTINCT json_extract_string(properties, '$.true_customer_id')),
                          (SELECT count(*) FROM (SELECT customer_id FROM events GROUP BY 1
                             HAVING count(DISTINCT json_extract_string(properties, '$.true_customer_id')) > 1))
                   FROM events"""
            ).fetchall()[0]
            console.print(
                f"{ident.identifiers:,} identifiers (accounts, e-mail and phone hashes, devices, "
                f"cookies, cases) -> {ident.customers:,} customers; the generator made "
                f"{truth[1]:,} real people; stitched customers mixing two people: {truth[2]}"
            )
            stats = db.stats()
            catalogue = draft_catalogue(db.events())
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
        console.print(f"[green]demo finished in {time.perf_counter() - started:.1f}s[/]")

        console.rule("5. the journey report")
        from journeyscope.cli.report import write_demo_report

        report_started = time.perf_counter()
        report_file = write_demo_report(store_file, workdir)
        console.print(
            f"report: {report_file} ({time.perf_counter() - report_started:.1f}s; open it in "
            f"a browser, it needs no network)"
        )
