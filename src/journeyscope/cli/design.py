"""``journeyscope design ...`` and ``journeyscope conformance``: designed journeys as code.

Thin: every command calls :mod:`journeyscope.definitions` or
:mod:`journeyscope.analytics.conformance`. Errors are :class:`~journeyscope.errors.
JourneyscopeError` subclasses, printed as one clear message with exit code 2 by the app.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from journeyscope.cli.common import console, print_json
from journeyscope.cli.options import (
    CaseActivityOption,
    CaseRuleOption,
    GapOption,
    JsonOption,
    StoreOption,
    case_rule,
    settings,
)
from journeyscope.errors import DefinitionError

if TYPE_CHECKING:
    from journeyscope.definitions import Journey
    from journeyscope.events import Store

app = typer.Typer(
    rich_markup_mode=None,  # plain help: no rich markdown/syntax import at start-up
    help="Designed journeys as code: validate, lint, draft from data, export.",
    no_args_is_help=True,
)

FileArgument = Annotated[Path, typer.Argument(help="Journey definition (YAML).")]


VariantOption = Annotated[
    str | None, typer.Option("--variant", help="Use this variant of the journey.")
]


def _open_store(store: Path | None) -> Store:
    """The store of ``--store`` (or the settings), opened read-only."""
    from journeyscope.services.store import open_store

    return open_store(settings(store=store))


def _journey(file: Path, variant: str | None) -> Journey:
    from journeyscope.definitions import load_journey

    journey = load_journey(file)
    if variant is None:
        return journey
    try:
        return journey.variant(variant)
    except DefinitionError as exc:
        raise DefinitionError(f"{file}: {exc}") from None


@app.command()
def validate(file: FileArgument, as_json: JsonOption = False) -> None:
    """Check a journey definition; every problem names its line and field."""
    from journeyscope.definitions import load_journey

    journey = load_journey(file)
    summary = {
        "file": str(file),
        "journey": journey.id,
        "stages": len(journey.stages),
        "steps": len(journey.steps),
        "transitions": len(journey.flow()),
        "variants": [v.id for v in journey.variants],
    }
    if as_json:
        print_json({"ok": True, **summary})
        return
    console.print(
        f"[green]ok[/]: {file}: journey {journey.id!r}, {summary['stages']} stages, "
        f"{summary['steps']} steps, {summary['transitions']} transitions, "
        f"{len(journey.variants)} variants",
        highlight=False,
    )


@app.command()
def lint(
    file: FileArgument,
    store: Annotated[
        Path | None,
        typer.Option(
            "--store", help="Also check the design against the events in this DuckDB store."
        ),
    ] = None,
    rule: CaseRuleOption = "given",
    gap: GapOption = None,
    case_activity: CaseActivityOption = None,
    as_json: JsonOption = False,
) -> None:
    """Find what is valid but probably wrong: unreachable steps, dead ends, and (with
    --store) steps the data never shows and activities no step claims. Exit code 1 when
    anything is found."""
    from rich.markup import escape

    from journeyscope.analytics.cases import with_cases
    from journeyscope.definitions.lint import lint as lint_journey
    from journeyscope.definitions.loader import load_document

    journey, doc = load_document(file)
    if store is None:
        findings = lint_journey(journey)
    else:
        with _open_store(store) as db:
            chosen = case_rule(rule, gap, case_activity)
            events = db.events()
            # the data's case ids, keeping events without one: they still show activities
            cases = (
                events.mutate(case=events.case_id)
                if chosen.kind == "given"
                else with_cases(events, chosen)
            )
            findings = lint_journey(journey, cases, case="case")
    if as_json:
        print_json(
            [
                {
                    "severity": f.severity,
                    "code": f.code,
                    "field": ".".join(str(p) for p in f.loc),
                    "line": doc.line(f.loc) if f.loc else None,
                    "message": f.message,
                }
                for f in findings
            ]
        )
    else:
        for f in findings:
            colour = {"error": "red", "warning": "yellow", "info": "cyan"}[f.severity]
            console.print(f"[{colour}]{escape(f.format(doc))}[/]", highlight=False)
        if not findings:
            console.print(f"[green]ok[/]: {file}: nothing to report", highlight=False)
    if findings:
        raise typer.Exit(1)


@app.command()
def infer(
    out: Annotated[Path, typer.Option("--out", help="Write the drafted YAML here.")],
    store: StoreOption = None,
    journey_id: Annotated[str, typer.Option("--id", help="Id of the drafted journey.")] = (
        "drafted_journey"
    ),
    name: Annotated[str, typer.Option(help="Name of the drafted journey.")] = "Drafted journey",
    min_cases: Annotated[
        float, typer.Option(help="Keep activities present in at least this share of cases.")
    ] = 0.05,
    min_edge: Annotated[
        float,
        typer.Option(help="Keep moves making at least this share of the moves out of a step."),
    ] = 0.05,
    outcome: Annotated[
        str | None,
        typer.Option(help="Activity that means the outcome; default: where most cases end."),
    ] = None,
    source: Annotated[
        str | None, typer.Option(help="Only events from this source file (e.g. receipt.csv).")
    ] = None,
    rule: CaseRuleOption = "given",
    gap: GapOption = None,
    case_activity: CaseActivityOption = None,
) -> None:
    """Draft a journey definition from the directly-follows graph of the data."""
    from journeyscope.definitions.export import to_yaml
    from journeyscope.services.design_drafts import infer_from_store

    chosen = case_rule(rule, gap, case_activity)
    opened = settings(store=store)
    journey = infer_from_store(
        opened,
        journey_id=journey_id,
        name=name,
        rule=chosen,
        source=source,
        min_cases=min_cases,
        min_edge=min_edge,
        outcome=outcome,
    )
    header = (
        f"Drafted by journeyscope design infer from {opened.store} "
        f"({chosen.describe()}).\nEdit the TODOs; check with: journeyscope design validate {out}"
    )
    out.write_text(to_yaml(journey, header=header), encoding="utf-8")
    console.print(
        f"wrote {len(journey.steps)} steps and {len(journey.transitions)} transitions to {out}",
        highlight=False,
    )


@app.command()
def mermaid(
    file: FileArgument,
    variant: VariantOption = None,
    actors: Annotated[
        str, typer.Option(help="Actors of each task: 'channels' or 'customer'.")
    ] = "channels",
) -> None:
    """Print the journey as a Mermaid ``journey`` diagram (for docs)."""
    from journeyscope.definitions.export import to_mermaid

    typer.echo(to_mermaid(_journey(file, variant), actors=actors), nl=False)


@app.command("json")
def export_json(file: FileArgument, variant: VariantOption = None) -> None:
    """Print the journey as JSON for the web UI (definition plus its worked-out graph)."""
    from journeyscope.definitions.export import to_json

    print_json(to_json(_journey(file, variant)))


@app.command()
def schema() -> None:
    """Print the JSON Schema of journey definition files."""
    from journeyscope.definitions import json_schema

    typer.echo(json.dumps(json_schema(), indent=2, ensure_ascii=False))


def register(parent: typer.Typer) -> None:
    """Add ``design`` (a group) and ``conformance`` to ``parent``."""
    parent.add_typer(app, name="design")

    @parent.command()
    def conformance(
        file: FileArgument,
        store: StoreOption = None,
        variant: VariantOption = None,
        rule: CaseRuleOption = "given",
        gap: GapOption = None,
        case_activity: CaseActivityOption = None,
        top: Annotated[int, typer.Option(help="Moves off the path listed per step.")] = 5,
        as_json: JsonOption = False,
    ) -> None:
        """How far real cases follow a designed journey, and where they leave it."""
        from rich.table import Table

        from journeyscope.analytics.conformance import ConformanceQuery
        from journeyscope.services import analyses

        query = ConformanceQuery(
            journey=_journey(file, variant), case_rule=case_rule(rule, gap, case_activity), top=top
        )
        report = analyses.conformance(settings(store=store), query)
        if as_json:
            print_json({"variant": variant, **report.model_dump(mode="json")})
            return
        f = report.fitness
        console.print(
            f"{report.journey}: {report.cases:,} cases ({report.case_rule}); "
            f"{report.reached_outcome:,} reached the outcome; fitness mean {f.mean:.3f}, "
            f"p10 {f.p10:.3f}, median {f.p50:.3f}; {f.perfect:.0%} follow the design exactly",
            highlight=False,
        )
        table = Table("deviation", "count", "cases", title="deviations")
        for name, n in report.deviations.items():
            table.add_row(name, f"{n:,}", f"{report.cases_with[name]:,}")
        console.print(table)
        steps = Table("step", "cases", "off path", "left here", "late", "instead (top)")
        for s in report.steps:
            instead = ", ".join(f"{i.to} ({i.count:,})" for i in s.instead[:3])
            steps.add_row(
                s.id, f"{s.cases:,}", f"{s.off_path:,}", f"{s.left_here:,}", f"{s.late:,}", instead
            )
        console.print(steps)


__all__ = ["app", "register"]
