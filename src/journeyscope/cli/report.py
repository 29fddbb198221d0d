"""``journeyscope report``: one self-contained HTML report (and PNG pictures) of the store.

Computed by :func:`journeyscope.services.report.build_report` (the same call the demo and
the web page make), drawn by :func:`journeyscope.render.report.report_html`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from journeyscope.cli.common import console
from journeyscope.cli.options import (
    CaseActivityOption,
    CaseRuleOption,
    EngineOption,
    GapOption,
    StoreOption,
    case_rule,
    settings,
)

__all__ = ["register"]


def report(
    ctx: typer.Context,
    out: Annotated[Path, typer.Option("--out", help="The HTML file to write.")] = Path(
        "report.html"
    ),
    store: StoreOption = None,
    engine: EngineOption = None,
    design: Annotated[
        Path | None,
        typer.Option("--design", help="A designed journey (YAML) to map and compare with."),
    ] = None,
    variant: Annotated[
        str | None, typer.Option("--variant", help="Draw this variant of the design.")
    ] = None,
    rule: CaseRuleOption = "given",
    gap: GapOption = None,
    case_activity: CaseActivityOption = None,
    title: Annotated[str | None, typer.Option("--title", help="The report's title.")] = None,
    png_dir: Annotated[
        Path | None,
        typer.Option("--png-dir", help="Also write each picture as a PNG into this folder."),
    ] = None,
    value_per_case: Annotated[
        float,
        typer.Option(
            "--value-per-case",
            help="Money one completed case is worth (values drop-offs and moments in the "
            "value stream and the backlog).",
        ),
    ] = 0.0,
) -> None:
    """Write the journey report: map, blueprint, paths, process map, funnel, channels,
    conformance and insights, in one HTML file that opens offline."""
    from datetime import UTC, datetime

    from journeyscope.definitions import load_journey
    from journeyscope.errors import DefinitionError
    from journeyscope.render.report import report_html
    from journeyscope.services.report import build_report

    if variant is not None and design is None:
        raise typer.BadParameter(
            "a variant is one of a design's: give --design too", param_hint="--variant"
        )
    journey = load_journey(design) if design is not None else None
    if journey is not None and variant is not None:
        try:
            journey = journey.variant(variant)
        except DefinitionError as exc:
            raise DefinitionError(f"{design}: {exc}") from None
    chosen = settings(ctx, store=store, engine=engine)
    with console.status("analysing"):
        data = build_report(
            chosen,
            journey,
            rule=case_rule(rule, gap, case_activity),
            title=title,
            value_per_case=value_per_case,
        )
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(report_html(data, now=datetime.now(UTC)), encoding="utf-8")
    console.print(f"report: {out} ({out.stat().st_size / 1e6:.1f} MB)")
    if png_dir is not None:
        from journeyscope.render.png import export_pngs

        with console.status("drawing pictures"):
            written = export_pngs(out, png_dir)
        console.print(f"{len(written)} pictures: {png_dir}")


def register(app: typer.Typer) -> None:
    """Add ``report`` to ``app``."""
    app.command()(report)
