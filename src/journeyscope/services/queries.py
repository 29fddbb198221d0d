"""Typed analysis queries from request parameters named as the CLI's options.

A URL such as ``/explore/funnel?step=Apply&step=Sign&window=30d&breakdown=channel`` and the
``/api/funnel`` endpoint take the parameters ``journeyscope funnel`` takes (``step`` for its
positional steps, ``--case-rule`` as ``case_rule``), so one query has one spelling everywhere.
Activity names are checked against the store's activities: a typo is an error naming the
closest activities, never a silent zero.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any, Final

from pydantic import BaseModel, ValidationError

from journeyscope.analytics.cases import (
    AnalysisQuery,
    case_rule_from_options,
    parse_duration,
)
from journeyscope.errors import InvalidQueryError, closest

Params = Mapping[str, Sequence[str]]

KINDS: Final[tuple[str, ...]] = ("funnel", "paths", "dfg", "variants", "channels")

#: For each kind, the parameters it reads (everything else in a URL is ignored).
PARAMETERS: Final[dict[str, tuple[str, ...]]] = {
    "funnel": (
        "step",
        "window",
        "mode",
        "entry",
        "ties",
        "exclude",
        "optional",
        "open",
        "breakdown",
        "dropped",
    ),
    "paths": (
        "start",
        "end",
        "steps",
        "top",
        "clean",
        "collapse_repeats",
        "hide",
        "min_cases",
        "back_moves",
        "loops",
    ),
    "dfg": (),
    "variants": ("top", "coverage"),
    "channels": ("digital", "assisted", "outcome", "repeat_within", "period"),
}
CASE_PARAMETERS: Final = ("case_rule", "gap", "case_activity")


def _one(params: Params, name: str, default: str | None = None) -> str | None:
    values = [v for v in params.get(name, ()) if v != ""]
    return values[-1] if values else default


def _many(params: Params, name: str) -> list[str]:
    return [v.strip() for v in params.get(name, ()) if v.strip()]


def _flag(params: Params, name: str, default: bool) -> bool:
    value = _one(params, name)
    if value is None:
        return default
    if value.lower() in ("1", "true", "on", "yes"):
        return True
    if value.lower() in ("0", "false", "off", "no"):
        return False
    raise InvalidQueryError(f"{name}: {value!r} is not a yes/no value (use true or false)")


def _int(params: Params, name: str, default: int) -> int:
    value = _one(params, name)
    try:
        return default if value is None else int(value)
    except ValueError:
        raise InvalidQueryError(f"{name}: {value!r} is not a whole number") from None


def _float(params: Params, name: str, default: float) -> float:
    value = _one(params, name)
    try:
        return default if value is None else float(value)
    except ValueError:
        raise InvalidQueryError(f"{name}: {value!r} is not a number") from None


def _build(kind: type[AnalysisQuery], **fields: Any) -> AnalysisQuery:
    try:
        return kind(**fields)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc']) or 'query'}: {e['msg']}" for e in exc.errors()
        )
        raise InvalidQueryError(problems) from None


def _exclusion(text: str) -> dict[str, Any]:
    """``ACTIVITY`` or ``ACTIVITY@FROM-TO`` (steps, 1-based), as ``--exclude``."""
    match = re.fullmatch(r"(.+)@(\d+)-(\d+)", text)
    if match is None:
        return {"activities": (text,)}
    return {"activities": (match[1],), "from_step": int(match[2]), "to_step": int(match[3])}


def _cleaning(text: str) -> dict[str, str]:
    pattern, sep, alias = text.rpartition("=")
    if not sep or not pattern:
        raise InvalidQueryError(f"clean {text!r}: write REGEX=ALIAS")
    return {"pattern": pattern, "alias": alias}


def build_query(kind: str, params: Params) -> AnalysisQuery:
    """The typed query of analysis ``kind`` from CLI-named parameters."""
    if kind not in KINDS:
        close = closest(kind, KINDS, n=2)
        hint = f" (did you mean {', '.join(close)}?)" if close else ""
        raise InvalidQueryError(f"unknown analysis {kind!r}{hint}; choose {', '.join(KINDS)}")
    rule = case_rule_from_options(
        _one(params, "case_rule", "given") or "given",
        _one(params, "gap"),
        tuple(_many(params, "case_activity")),
    )
    if kind == "funnel":
        from journeyscope.analytics.funnels import FunnelQuery

        steps = _many(params, "step")
        if not steps:
            raise InvalidQueryError("step: pick at least one step")
        skip = {_int({"optional": [o]}, "optional", 0) for o in _many(params, "optional")}
        window = _one(params, "window")
        return _build(
            FunnelQuery,
            steps=tuple(
                {"activities": (s,), "optional": k in skip} for k, s in enumerate(steps, 1)
            ),
            window=None if window is None else parse_duration(window),
            mode=(_one(params, "mode", "sequential") or "").replace("-", "_"),
            entry=_one(params, "entry", "furthest"),
            ties=(_one(params, "ties", "advance") or "").replace("-", "_"),
            exclusions=tuple(_exclusion(x) for x in _many(params, "exclude")),
            open=_flag(params, "open", False),
            breakdown=_one(params, "breakdown"),
            dropped_limit=_int(params, "dropped", 20),
            case_rule=rule,
        )
    if kind == "paths":
        from journeyscope.analytics.paths import PathsQuery

        return _build(
            PathsQuery,
            start=_one(params, "start"),
            end=_one(params, "end"),
            steps=_int(params, "steps", 5),
            top_edges=_int(params, "top", 20),
            cleaning=tuple(_cleaning(c) for c in _many(params, "clean")),
            collapse_repeats=_flag(params, "collapse_repeats", False),
            hide=tuple(dict.fromkeys(_many(params, "hide"))),
            min_cases=_int(params, "min_cases", 0),
            back_moves=_one(params, "back_moves", "show"),
            loops=_flag(params, "loops", True),
            case_rule=rule,
        )
    if kind == "dfg":
        from journeyscope.analytics.process import DfgQuery

        return _build(DfgQuery, case_rule=rule)
    if kind == "variants":
        from journeyscope.analytics.variants import VariantsQuery

        return _build(
            VariantsQuery,
            top=_int(params, "top", 20),
            coverage=_float(params, "coverage", 0.8),
            case_rule=rule,
        )
    from journeyscope.analytics.channels import ChannelsQuery

    def _list(name: str, default: str) -> tuple[str, ...]:
        text = _one(params, name, default) or ""
        return tuple(c.strip() for c in text.split(",") if c.strip())

    return _build(
        ChannelsQuery,
        digital=_list("digital", "web,app"),
        assisted=_list("assisted", "phone,branch,chat,email"),
        outcomes=tuple(_many(params, "outcome")),
        repeat_within=parse_duration(_one(params, "repeat_within", "7d") or "7d"),
        period=_one(params, "period", "week"),
        case_rule=rule,
    )


def activities_named(query: BaseModel) -> list[tuple[str, str]]:
    """Every (parameter, activity) a query names, to check against the store's activities."""
    named: list[tuple[str, str]] = []
    kind = getattr(query, "kind", "")
    if kind == "funnel":
        for k, step in enumerate(getattr(query, "steps", ()), 1):
            named += [(f"step {k}", a) for a in step.activities]
        for x in getattr(query, "exclusions", ()):
            named += [("exclude", a) for a in x.activities]
    elif kind == "paths":
        for name in ("start", "end"):
            value = getattr(query, name, None)
            if value is not None:
                named.append((name, value))
        named += [("hide", a) for a in getattr(query, "hide", ())]
    elif kind == "channels":
        named += [("outcome", a) for a in getattr(query, "outcomes", ())]
    rule = getattr(query, "case_rule", None)
    named += [("case_activity", a) for a in getattr(rule, "activities", ())]
    return named


def check_activities(query: BaseModel, known: Sequence[str]) -> None:
    """Raise :class:`InvalidQueryError` naming every unknown activity and its closest names."""
    check_activities_named(activities_named(query), known)


def check_activities_named(named: Sequence[tuple[str, str]], known: Sequence[str]) -> None:
    """The same for ``(option, activity)`` pairs not in a query (a cohort's activity)."""
    have = set(known)
    problems = []
    for where, name in named:
        if name not in have:
            close = closest(name, known, cutoff=0.5)
            hint = f"; closest: {', '.join(repr(c) for c in close)}" if close else ""
            problems.append(f"{where}: no activity {name!r} in the store{hint}")
    if problems:
        raise InvalidQueryError("; ".join(problems))
