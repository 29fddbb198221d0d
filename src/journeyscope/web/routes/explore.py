"""Explore: funnel, paths, process map, variants and channels, built in the page.

The whole query lives in the URL, named as the CLI's options (``/explore/funnel?step=A&step=B
&breakdown=channel&channel=web``), so a link shares it and back/forward work. A result that is
not ready within about a second is shown as a progress note that asks for
``/explore/{kind}/result``, which answers when the background job is done (a long poll);
``/explore/{kind}/csv`` exports the table; ``/explore/funnel/drill`` lists who dropped after a
step.

Cohorts (saved by name in the cohorts folder, as ``journeyscope cohort save`` saves them):
``cohort=NAME`` keeps only that cohort's customers; ``by_cohort=NAME`` (repeatable) splits by
cohort: the funnel's breakdown becomes the ``cohort`` column (as ``--by-cohort NAME
--breakdown cohort``); the other views show one result per group (each cohort, then the rest:
customers in none of them). ``group=NAME`` keeps one group (what a group's drill-down and
export carry).
"""

from __future__ import annotations

import contextlib
import threading
import weakref
from dataclasses import replace
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, HTTPException, Request, status
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from journeyscope.analytics.cases import AnalysisQuery
from journeyscope.analytics.cohorts import NONE as REST
from journeyscope.config import Settings
from journeyscope.errors import InvalidQueryError, closest
from journeyscope.services import cohorts, overview, queries, results
from journeyscope.services.accounts import Session
from journeyscope.web import views, waiting
from journeyscope.web.auth import csrf, page
from journeyscope.web.templating import render

router = APIRouter(include_in_schema=False)
#: Explore's tabs: its five analyses, then Trends (served by :mod:`.trends`).
TABS = {**views.LABELS, "trends": "Trends"}
#: The events' own columns a breakdown may name beside the properties.
EVENT_COLUMNS = ("channel", "source", "survey_type")
FILTER_PARAMETERS = (
    "since",
    "until",
    "channel",
    "where",
    "first_channel",
    "cohort",
    "by_cohort",
    "group",
)


def catalogue(settings: Settings) -> overview.Catalogue:
    """The store's catalogue, read once per store state."""
    return overview.cached_catalogue(settings)


def params_of(request: Request) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for key, value in request.query_params.multi_items():
        out.setdefault(key, []).append(value)
    return out


def _kind(kind: str) -> str:
    if kind not in queries.KINDS:
        raise HTTPException(
            status.HTTP_404_NOT_FOUND,
            f"no analysis {kind!r}; choose one of {', '.join(views.LABELS.values())}",
        )
    return kind


def with_cohorts(
    settings: Settings, filters: results.Filters, params: dict[str, list[str]]
) -> results.Filters:
    """``filters`` with the cohorts the URL names (``cohort``, ``by_cohort``, ``group``),
    each a cohort saved by name; an unknown name is an error with the closest names."""
    from journeyscope.analytics.cohorts import saved

    folder = settings.cohorts
    name = next((v.strip() for v in reversed(params.get("cohort", [])) if v.strip()), None)
    split = list(dict.fromkeys(v.strip() for v in params.get("by_cohort", []) if v.strip()))
    group = next((v.strip() for v in reversed(params.get("group", [])) if v.strip()), None)
    by = tuple(saved(n, folder, "by_cohort") for n in split)
    if group is not None and group != REST and group not in split:
        raise InvalidQueryError(
            f"group: {group!r} is none of the cohorts split by "
            f"({', '.join([*split, REST]) if split else 'by_cohort: none given'})"
        )
    return replace(
        filters,
        cohort=None if name is None else saved(name, folder, "cohort"),
        by_cohort=by,
        group=group,
    )


def groups(kind: str, filters: results.Filters) -> list[tuple[str, results.Filters]]:
    """The results a page shows: ``("", filters)``, or with a breakdown by cohorts of a view
    other than the funnel (which splits by itself), one ``(group, filters)`` per cohort and
    one for the rest."""
    if kind == "funnel" or not filters.by_cohort or filters.group is not None:
        return [("", filters)]
    return [
        (label, replace(filters, group=label))
        for label in [*(c.name for c in filters.by_cohort), REST]
    ]


def breakdown_of(
    asked: str | None, filters: results.Filters, known: overview.Catalogue
) -> str | None:
    """The breakdown a URL asks for (``None``: none), checked against the store's catalogue
    (an unknown property is an error naming the closest); with cohorts to compare
    (``by_cohort``) the breakdown is ``cohort``, as ``--by-cohort NAME --breakdown cohort``."""
    asked = (asked or "").strip() or None
    if filters.by_cohort:
        if asked not in (None, "cohort"):
            raise InvalidQueryError(
                f"breakdown: {asked!r} and a split by cohort at once; clear one of them"
            )
        return "cohort"
    if asked == "cohort":
        raise InvalidQueryError(
            "breakdown: 'cohort' needs the cohorts to split by (by_cohort: a cohort's name)"
        )
    if asked is not None and asked not in (*known.properties, *EVENT_COLUMNS):
        close = closest(asked, [*known.properties, *EVENT_COLUMNS], cutoff=0.5)
        hint = f"; closest: {', '.join(close)}" if close else ""
        raise InvalidQueryError(f"breakdown: no property {asked!r} in the events{hint}")
    return asked


def prepare(
    settings: Settings, kind: str, params: dict[str, list[str]]
) -> tuple[AnalysisQuery | None, results.Filters, str | None]:
    """The query and filters of a URL, or the message saying what is wrong with it."""
    try:
        filters = results.Filters.parse(
            (params.get("since") or [""])[-1],
            (params.get("until") or [""])[-1],
            params.get("channel", []),
            [w for w in params.get("where", []) if w.strip()],
            params.get("first_channel", []),
        )
        filters = with_cohorts(settings, filters, params)
        if kind == "funnel" and not any(s.strip() for s in params.get("step", [])):
            return None, filters, None
        known = catalogue(settings)
        if kind == "funnel":
            breakdown = breakdown_of((params.get("breakdown") or [""])[-1], filters, known)
            params = {**params, "breakdown": [breakdown] if breakdown else []}
        query = queries.build_query(kind, params)
        queries.check_activities(query, known.names)
        channels = set(known.channels)
        for option, chosen in (
            ("channel", filters.channels),
            ("first_channel", filters.first_channels),
        ):
            for ch in chosen:
                if ch not in channels:
                    raise InvalidQueryError(
                        f"{option}: no channel {ch!r} in the store "
                        f"(channels: {', '.join(known.channels)})"
                    )
        for name, _value in filters.where:
            if name not in known.properties and name not in ("channel", "source"):
                close = closest(name, known.properties, cutoff=0.5)
                hint = f"; closest: {', '.join(close)}" if close else ""
                raise InvalidQueryError(f"where: no property {name!r} in the events{hint}")
        return query, filters, None
    except InvalidQueryError as exc:
        return None, results.Filters(), str(exc)


#: What each result shows, drawn once per result object: a result served from the cache is
#: the same object on every request, so a cached page draws no table, chart or picture again
#: (the process map's layout: about 25 ms a request at 9.6M events). Keyed by ``id(result)``
#: and holding the result weakly (an entry whose result is gone is dropped at the next
#: drawing; its id may be reused, so a hit is checked to be the same object).
_drawn: dict[int, tuple[weakref.ref[Any], dict[str, Any]]] = {}
_drawn_lock = threading.Lock()


def result_context(
    kind: str, query: AnalysisQuery, filters: results.Filters, result: Any
) -> dict[str, Any]:
    """What the page shows of ``result`` (a new dict each call; its parts drawn once)."""
    with _drawn_lock:
        hit = _drawn.get(id(result))
    own = {
        "kind": kind,
        "result": result,
        "filters_text": results.describe_filters(filters, cohorts=False),
    }
    if hit is not None and hit[0]() is result and hit[1]["kind"] == kind:
        return {**hit[1], **own}
    drawn = {
        "kind": kind,
        "table": views.table(kind, result),
        "figure": views.chart(kind, result),
        "svg": views.svg(kind, result),
        "semantics": views.semantics(kind, result),
        "headline": views.headline(kind, result),
    }
    with contextlib.suppress(TypeError):  # a result that takes no weak reference: not kept
        ref = weakref.ref(result)
        with _drawn_lock:
            for gone in [k for k, (r, _) in _drawn.items() if r() is None]:
                del _drawn[gone]
            _drawn[id(result)] = (ref, drawn)
    return {**drawn, **own}


def group_title(group: str) -> str:
    return "The rest: in none of these cohorts" if group == REST else f"Cohort {group}"


def panels(
    kind: str, query: AnalysisQuery, parts: list[tuple[str, results.Filters]], done: list[Any]
) -> list[dict[str, Any]]:
    """One result context per group (``group``: its name, empty when not split; ``title``;
    ``group_query``: the URL parameter that keeps the group, for its drill-downs)."""
    out = []
    for (group, filters), result in zip(parts, done, strict=True):
        context = result_context(kind, query, filters, result)
        context.update(
            group=group,
            title=group_title(group) if group else "",
            group_query=urlencode([("group", group)]) if group else "",
        )
        out.append(context)
    return out


def cohort_choices(settings: Settings) -> dict[str, Any]:
    """The cohorts a page offers (every one saved in the cohorts folder), and a message for
    each saved file that is not a cohort."""
    from journeyscope.analytics.cohorts import saved_cohorts

    found, problems = saved_cohorts(settings.cohorts)
    return {"cohorts": found, "cohort_problems": problems}


@router.get("/explore")
def explore_root(_: Annotated[Session, Depends(page("read"))]) -> RedirectResponse:
    return RedirectResponse("/explore/funnel", status_code=303)


@router.get("/explore/{kind}", response_class=HTMLResponse)
def explore(
    request: Request, kind: str, session: Annotated[Session, Depends(page("read"))]
) -> Response:
    kind = _kind(kind)
    settings: Settings = request.app.state.settings
    if not settings.store.is_file():
        return render(request, "explore.html", kind=kind, no_store=True, params={}, tabs=TABS)
    params = params_of(request)
    query, filters, error = prepare(settings, kind, params)
    shown: list[dict[str, Any]] = []
    jobs: list[results.Job] = []
    if query is not None:
        parts = groups(kind, filters)
        jobs = [results.submit(settings, query, f) for _g, f in parts]
        try:
            done = [job.result(timeout=1.0) for job in jobs]
            shown = panels(kind, query, parts, done)
        except TimeoutError:
            pass
    return render(
        request,
        "explore.html",
        kind=kind,
        tabs=TABS,
        params=params,
        query_string=urlencode(list(request.query_params.multi_items())),
        catalogue=catalogue(settings),
        error=error,
        **(progress_of(jobs) if jobs and not shown else {}),
        may_save=session.user.may("insights"),
        panels=shown,
        result=bool(shown),
        **cohort_choices(settings),
    )


@router.get("/explore/{kind}/result", response_class=HTMLResponse)
async def explore_result(
    request: Request, kind: str, session: Annotated[Session, Depends(page("read"))]
) -> Response:
    """The result part of the page, which a pending page asks for: answered as soon as the
    jobs are done (a long poll, :mod:`journeyscope.web.waiting`), or with their progress."""
    kind = _kind(kind)
    submitted = await run_in_threadpool(_submitted, request, kind)
    await waiting.until_done(job.future for job in submitted[2])
    return await run_in_threadpool(_result_part, request, kind, session, submitted)


def progress_of(jobs: list[results.Job]) -> dict[str, Any]:
    """What a pending page or result part shows: the slowest unfinished job's time so far,
    its expected time and its progress (the slowest job when all are done)."""
    slowest = max([job for job in jobs if not job.done()] or jobs, key=lambda job: job.elapsed)
    return {
        "pending": True,
        "elapsed": slowest.elapsed,
        "expected": slowest.expected,
        "progress": slowest.progress,
    }


Submitted = tuple[
    AnalysisQuery | None, list[tuple[str, results.Filters]], list[results.Job], str | None
]


def _submitted(request: Request, kind: str) -> Submitted:
    """The page's query, its groups, their jobs (started or reused) and the query's error."""
    settings: Settings = request.app.state.settings
    query, filters, error = prepare(settings, kind, params_of(request))
    if query is None:
        return None, [], [], error
    parts = groups(kind, filters)
    return query, parts, [results.submit(settings, query, f) for _g, f in parts], error


def _result_part(request: Request, kind: str, session: Session, submitted: Submitted) -> Response:
    query, parts, jobs, error = submitted
    if query is None:
        return render(request, "_result.html", kind=kind, error=error or "pick the steps first")
    if not all(job.done() for job in jobs):
        return render(
            request,
            "_result.html",
            kind=kind,
            query_string=urlencode(list(request.query_params.multi_items())),
            **progress_of(jobs),
        )
    return render(
        request,
        "_result.html",
        kind=kind,
        query_string=urlencode(list(request.query_params.multi_items())),
        may_save=session.user.may("insights"),
        panels=panels(kind, query, parts, [job.result() for job in jobs]),
    )


@router.get("/explore/{kind}/csv")
def explore_csv(
    request: Request, kind: str, _: Annotated[Session, Depends(page("read"))]
) -> Response:
    kind = _kind(kind)
    settings: Settings = request.app.state.settings
    query, filters, error = prepare(settings, kind, params_of(request))
    if query is None:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, error or "no query")
    parts = groups(kind, filters)
    tables = [(g, views.table(kind, results.run(settings, query, f))) for g, f in parts]
    table = tables[0][1] if len(tables) == 1 else views.stacked("cohort", tables)
    return Response(
        table.csv(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{kind}.csv"'},
    )


#: The paths options a drill-down carries to "the paths after" (how the paths are shaped).
PATHS_SHAPING = ("steps", "top", "clean", "collapse_repeats", "hide", "min_cases", "back_moves")


def _paths_after(activity: str, params: dict[str, list[str]]) -> str:
    """The paths starting at ``activity``, with the case rule, filters and (from a paths
    drill-down) the paths options of ``params``."""
    return "/explore/paths?" + urlencode(
        [("start", activity), ("case_rule", (params.get("case_rule") or ["given"])[-1])]
        + [(k, v) for k in (*FILTER_PARAMETERS, *PATHS_SHAPING) for v in params.get(k, [])]
    )


@router.get("/explore/funnel/drill", response_class=HTMLResponse)
def funnel_drill(
    request: Request, at: int, session: Annotated[Session, Depends(page("read"))]
) -> Response:
    """Who dropped after step ``at`` of the funnel in the URL, and where to look next."""
    settings: Settings = request.app.state.settings
    params = {k: v for k, v in params_of(request).items() if k != "at"}
    query, filters, error = prepare(settings, "funnel", params)
    if query is None:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, error or "no funnel")
    result: Any = results.run(settings, query, filters)
    if not 1 <= at <= len(result.steps):
        raise HTTPException(
            status.HTTP_422_UNPROCESSABLE_CONTENT, f"at: a step from 1 to {len(result.steps)}"
        )
    step = result.steps[at - 1]
    return render(
        request,
        "drill.html",
        title=f"{step.dropped:,} cases dropped after “{step.name}”",
        back_url="/explore/funnel?" + urlencode([(k, v) for k, vs in params.items() for v in vs]),
        back_label="Back to the funnel",
        how=f"Cases that reached step {step.step} and not the next step; listed: the first "
        f"{len(step.dropped_cases)} (the funnel's dropped setting).",
        cases=step.dropped_cases,
        paths_url=_paths_after(step.activities[0], params),
        paths_label=f"Paths after “{step.name}” (every case that reached it, not only these)",
        may_customers=session.user.may("customers"),
    )


@router.get("/explore/paths/drill", response_class=HTMLResponse)
def paths_drill(
    request: Request,
    at: int,
    source: str,
    target: str,
    session: Annotated[Session, Depends(page("read"))],
) -> Response:
    """The cases behind one link of the paths in the URL (step ``at``, ``source`` to
    ``target``): how many, a sample to open, and the paths after the link's target."""
    from journeyscope.analytics.paths import PathsQuery

    settings: Settings = request.app.state.settings
    params = {k: v for k, v in params_of(request).items() if k not in ("at", "source", "target")}
    query, filters, error = prepare(settings, "paths", params)
    if not isinstance(query, PathsQuery):
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, error or "no paths query")
    if not 1 <= at <= query.steps:
        raise HTTPException(
            status.HTTP_422_UNPROCESSABLE_CONTENT, f"at: a path step from 1 to {query.steps}"
        )
    link = results.path_link_cases(settings, query, filters, at, source, target)
    return render(
        request,
        "drill.html",
        title=f"{link.cases:,} cases went from “{source}” to “{target}”",
        back_url="/explore/paths?" + urlencode([(k, v) for k, vs in params.items() for v in vs]),
        back_label="Back to the paths",
        how=f"Cases whose path did “{source}” at step {at} and “{target}” right after it, as "
        f"the paths analysis counts them (the same anchoring, cleaning and filters); listed: "
        f"the first {len(link.sample)} by case id.",
        cases=link.sample,
        paths_url=_paths_after(target, params),
        paths_label=f"Paths after “{target}” (every case that did it, not only these)",
        may_customers=session.user.may("customers"),
    )


@router.post("/explore/cohorts")
def save_cohort(
    request: Request,
    _: Annotated[Session, Depends(csrf("insights"))],
    name: Annotated[str, Form()],
    back: Annotated[str, Form()] = "/explore/funnel",
    where: Annotated[str, Form()] = "",
    channel: Annotated[str, Form()] = "",
    since: Annotated[str, Form()] = "",
    until: Annotated[str, Form()] = "",
    activity: Annotated[str, Form()] = "",
    min_count: Annotated[int, Form()] = 1,
) -> Response:
    """Save the page's filter (segment, channel, dates; an activity done) as a cohort by
    name, in the cohorts folder the command line reads, and show the page filtered to it."""
    from datetime import datetime, time, timedelta

    from journeyscope.analytics.cohorts import from_filter, save_named

    settings: Settings = request.app.state.settings
    try:
        filters = results.Filters.parse(since, until, [channel], [where] if where.strip() else [])
        known = catalogue(settings)
        if activity.strip():
            queries.check_activities_named([("activity", activity.strip())], known.names)
        cohort = from_filter(
            name.strip(),
            where=filters.where,
            channels=filters.channels,
            since=None if filters.since is None else datetime.combine(filters.since, time()),
            until=None
            if filters.until is None
            else datetime.combine(filters.until + timedelta(days=1), time()),
            activity=activity.strip() or None,
            min_count=min_count,
        )
        if cohorts.size(settings, cohort) == 0:
            raise InvalidQueryError(
                f"no customer in the store is in {cohort.describe()}; nothing saved "
                "(check the segment's value: the filter finds no customer either)"
            )
        save_named(cohort, settings.cohorts)
    except InvalidQueryError as exc:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, str(exc)) from exc
    target = back if back.startswith("/explore/") else "/explore/funnel"
    joiner = "&" if "?" in target else "?"
    return RedirectResponse(f"{target}{joiner}{urlencode([('cohort', cohort.name)])}", 303)
