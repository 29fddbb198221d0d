"""The options the analysis commands share, and how they become settings and typed queries.

Public: a command module (``cli/analytics.py``, ``cli/insight.py``, or a new one) declares its
parameters with these ``Annotated`` options and turns them into a query with
:func:`case_rule`, :func:`build_query`, :func:`duration` and :func:`journey`, and into the
settings to run it with :func:`settings`. Importing this module imports nothing heavy (no
Ibis, DuckDB or pandas): each helper imports what it needs when it is called.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer

if TYPE_CHECKING:
    from journeyscope.analytics.cases import CaseRule
    from journeyscope.analytics.contacts import ContactRules
    from journeyscope.config import Settings
    from journeyscope.definitions.models import Journey

Q = TypeVar("Q")

StoreOption = Annotated[
    Path | None,
    typer.Option(
        "--store",
        help="DuckDB store file [default: JOURNEYSCOPE_STORE or .journeyscope/store.duckdb]",
    ),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print machine-readable JSON on stdout.")]
EngineOption = Annotated[
    str | None,
    typer.Option("--engine", help="duckdb or spark [default: JOURNEYSCOPE_ENGINE or duckdb]"),
]
CaseRuleOption = Annotated[
    str, typer.Option("--case-rule", help="given, customer, gap, start or end.")
]
GapOption = Annotated[
    str | None, typer.Option("--gap", help="Inactivity gap for --case-rule gap (e.g. 60d).")
]
CaseActivityOption = Annotated[
    list[str] | None,
    typer.Option("--case-activity", help="Activities for --case-rule start/end."),
]
DesignOption = Annotated[
    Path | None,
    typer.Option("--design", help="Designed journey (YAML): its steps, flags and outcome."),
]
PropertyOption = Annotated[
    list[str] | None,
    typer.Option("--by", help="Property to adjust for, e.g. segment (repeatable)."),
]
SurveyOption = Annotated[
    str, typer.Option("--survey", help="Survey type to study: NPS, CSAT or CES.")
]


def root_settings(ctx: typer.Context | None = None) -> Settings:
    """The one :class:`Settings` the command line built in its callback (``ctx.obj`` of the
    root context). ``ctx`` defaults to the context of the command being run."""
    from typer._click.globals import get_current_context

    from journeyscope.config import Settings

    context = ctx if ctx is not None else get_current_context()
    found = context.find_root().obj
    if not isinstance(found, Settings):
        raise RuntimeError("no Settings on the command line's context: run through cli.app")
    return found


CohortOption = Annotated[
    str | None,
    typer.Option(
        "--cohort",
        help="Only the customers of this saved cohort (a cohort file or a saved name); the "
        "same as journeyscope --cohort, which every analysis command takes.",
    ),
]


def settings(
    ctx: typer.Context | None = None,
    *,
    store: Path | None = None,
    engine: str | None = None,
    cohort: str | None = None,
) -> Settings:
    """The command line's settings with this command's ``--store``, ``--engine`` and
    ``--cohort``. Every analysis runs through the services' engine, which narrows it to
    ``Settings.cohort`` (``journeyscope --cohort NAME <command>``, or a command's own
    ``--cohort``) and adds the ``cohort`` column of ``--by-cohort``: one place for both."""
    base = root_settings(ctx)
    update: dict[str, Any] = {}
    if store is not None:
        update["store"] = store
    if engine is not None:
        update["engine"] = engine
    if cohort is not None:
        update["cohort"] = cohort
    return base.model_copy(update=update) if update else base


def case_rule(rule: str, gap: str | None, activities: list[str] | None) -> CaseRule:
    """``--case-rule``, ``--gap`` and ``--case-activity`` as a :class:`CaseRule`."""
    from journeyscope.analytics.cases import case_rule_from_options

    return case_rule_from_options(rule, gap, tuple(activities or ()))


def build_query(kind: Callable[..., Q], **fields: Any) -> Q:
    """``kind(**fields)``; a validation error becomes one :class:`InvalidQueryError` line
    naming each field at fault. A query with an activity key takes the command line's
    ``--activity-key`` (``JOURNEYSCOPE_ACTIVITY_KEY``) unless the command sets one."""
    from pydantic import ValidationError

    from journeyscope.errors import InvalidQueryError

    model_fields = getattr(kind, "model_fields", {})
    if "activity_key" in model_fields and "activity_key" not in fields:
        from typer._click.globals import get_current_context

        context = get_current_context(silent=True)
        chosen = context.find_root().obj if context is not None else None
        key = getattr(chosen, "activity_key", None)
        if key:
            from journeyscope.analytics.cases import parse_activity_key

            fields["activity_key"] = parse_activity_key(key)
    try:
        return kind(**fields)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc']) or 'query'}: {_problem(e)}" for e in exc.errors()
        )
        raise InvalidQueryError(problems) from None


def _problem(error: Any) -> str:
    """A validation error as the command line spells it: a value that is not one of a field's
    choices names them with hyphens (``any-order``, as the options take them) and the
    closest one."""
    from journeyscope.errors import closest, validation_message

    if error["type"] != "literal_error":
        return validation_message(error)
    choices = [c.replace("_", "-") for c in re.findall(r"'([^']*)'", error["ctx"]["expected"])]
    given = str(error["input"]).replace("_", "-")
    near = closest(given, choices, n=1)
    hint = f" (did you mean {near[0]}?)" if near else ""
    return f"{given!r} is not one of {', '.join(choices)}{hint}"


def duration(text: str | None) -> timedelta | None:
    """A duration option (``30d``, ``12h``, ``90m``) as a timedelta; ``None`` stays ``None``."""
    from journeyscope.analytics.cases import parse_duration

    return None if text is None else parse_duration(text)


def contact_rules(catalogue: Path | None) -> ContactRules:
    """The contact classification declared in ``--catalogue``, or the built-in defaults."""
    from journeyscope.analytics.contacts import contact_rules as declared

    return declared(catalogue)


def journey(design: Path | None) -> Journey | None:
    """The designed journey of ``--design``, loaded (``None`` without one)."""
    from journeyscope.definitions import load_journey

    return None if design is None else load_journey(design)


def channel_costs(chosen: Settings, pairs: list[str] | None) -> dict[str, float]:
    """The settings' channel costs with each ``--cost CHANNEL=AMOUNT`` on top."""
    from journeyscope.errors import InvalidQueryError

    costs = dict(chosen.channel_costs)
    for pair in pairs or ():
        channel, sep, amount = pair.rpartition("=")
        try:
            costs[channel] = float(amount)
        except ValueError:
            sep = ""
        if not sep or not channel:
            raise InvalidQueryError(f"--cost {pair!r}: write CHANNEL=AMOUNT, e.g. phone=6.5")
    return costs
