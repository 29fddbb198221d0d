"""``journeyscope report``: one self-contained HTML report (and PNG pictures) of the store."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from journeyscope.cli.common import StoreOption, console, store_path
from journeyscope.cli.options import root_settings


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


def write_demo_report(store_file: Path, workdir: Path) -> Path:
    """The demo's last step: the report of the synthetic store (with the tenancy design)."""
    from journeyscope.definitions import load_journey
    from journeyscope.events import Store
    from journeyscope.render.report import compute_report, report_html

    design = demo_design()
    journey = load_journey(design) if design is not None else None
    limit = root_settings().memory_limit
    with Store(store_file, memory_limit=limit) as db, console.status("analysing for the report"):
        data = compute_report(
            db.events(), journey, source=f"{store_file} (synthetic omnichannel journeys)"
        )
    out = workdir / "report.html"
    out.write_text(report_html(data), encoding="utf-8")
    return out


def register(app: typer.Typer) -> None:
    """Add this group's commands to ``app``."""

    @app.command()
    def report(
        out: Annotated[Path, typer.Option("--out", help="The HTML file to write.")] = Path(
            "report.html"
        ),
        store: StoreOption = None,
        design: Annotated[
            Path | None,
            typer.Option("--design", help="A designed journey (YAML) to map and compare with."),
        ] = None,
        variant: Annotated[
            str | None, typer.Option("--variant", help="Draw this variant of the design.")
        ] = None,
        case_rule: Annotated[
            str, typer.Option("--case-rule", help="given, customer, gap, start or end.")
        ] = "given",
        gap: Annotated[
            str | None, typer.Option("--gap", help="Inactivity gap for --case-rule gap (e.g. 60d).")
        ] = None,
        case_activity: Annotated[
            list[str] | None,
            typer.Option("--case-activity", help="Activities for --case-rule start/end."),
        ] = None,
        title: Annotated[str | None, typer.Option("--title", help="The report's title.")] = None,
        png_dir: Annotated[
            Path | None,
            typer.Option("--png-dir", help="Also write each picture as a PNG into this folder."),
        ] = None,
    ) -> None:
        """Write the journey report: map, blueprint, paths, process map, funnel, channels,
        conformance and insights, in one HTML file that opens offline."""
        from journeyscope.analytics.cases import case_rule_from_options
        from journeyscope.definitions import load_journey
        from journeyscope.events import Store
        from journeyscope.render.report import compute_report, report_html

        path = store_path(store)
        if not path.is_file():
            from journeyscope.errors import StoreError

            raise StoreError(f"{path}: no such store (ingest data first, or give --store)")
        journey = load_journey(design) if design is not None else None
        if journey is not None and variant is not None:
            journey = journey.variant(variant)
        rule = case_rule_from_options(case_rule, gap, tuple(case_activity or ()))
        with (
            Store(path, memory_limit=root_settings().memory_limit) as db,
            console.status("analysing"),
        ):
            data = compute_report(db.events(), journey, rule=rule, title=title, source=str(path))
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(report_html(data), encoding="utf-8")
        size = out.stat().st_size / 1e6
        console.print(f"report: {out} ({size:.1f} MB)")
        if png_dir is not None:
            from journeyscope.render.png import export_pngs

            with console.status("drawing pictures"):
                written = export_pngs(out, png_dir)
            console.print(f"{len(written)} pictures: {png_dir}")
