"""Explore: funnel, paths, process map, variants and channels, built in the page.

The whole query lives in the URL, named as the CLI's options (``/explore/funnel?step=A&step=B
&breakdown=channel&channel=web``), so a link shares it and back/forward work. A result that is
not ready within about a second is shown as a progress note that polls
``/explore/{kind}/result`` until the background job is done; ``/explore/{kind}/csv`` exports
the table; ``/explore/funnel/drill`` lists who dropped after a step.
"""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, HTTPException, Request, status
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from journeyscope.analytics.cases import AnalysisQuery
from journeyscope.config import Settings
from journeyscope.errors import InvalidQueryError
from journeyscope.services import overview, queries, results
from journeyscope.services.accounts import Session
from journeyscope.web import views
from journeyscope.web.auth import page
from journeyscope.web.templating import render

router = APIRouter(include_in_schema=False)
FILTER_PARAMETERS = ("since", "until", "channel", "where", "first_channel")


def catalogue(settings: Settings) -> overview.Catalogue:
    """The store's catalogue, read once per store state."""
    return results.memo(settings, "catalogue", lambda: overview.catalogue(settings))


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
        if kind == "funnel" and not any(s.strip() for s in params.get("step", [])):
            return None, filters, None
        query = queries.build_query(kind, params)
        known = catalogue(settings)
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
                from difflib import get_close_matches

                close = get_close_matches(name, known.properties, n=3, cutoff=0.5)
                hint = f"; closest: {', '.join(close)}" if close else ""
                raise InvalidQueryError(f"where: no property {name!r} in the events{hint}")
        breakdown = getattr(query, "breakdown", None)
        if (
            breakdown
            and breakdown not in known.properties
            and breakdown
            not in (
                "channel",
                "source",
                "survey_type",
            )
        ):
            from difflib import get_close_matches

            close = get_close_matches(breakdown, [*known.properties, "channel"], n=3, cutoff=0.5)
            hint = f"; closest: {', '.join(close)}" if close else ""
            raise InvalidQueryError(f"breakdown: no property {breakdown!r} in the events{hint}")
        return query, filters, None
    except InvalidQueryError as exc:
        return None, results.Filters(), str(exc)


def result_context(
    kind: str, query: AnalysisQuery, filters: results.Filters, result: Any
) -> dict[str, Any]:
    return {
        "kind": kind,
        "result": result,
        "table": views.table(kind, result),
        "figure": views.chart(kind, result),
        "svg": views.svg(kind, result),
        "semantics": views.semantics(kind, result),
        "filters_text": results.describe_filters(filters),
        "headline": views.headline(kind, result),
    }


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
        return render(
            request, "explore.html", kind=kind, no_store=True, params={}, labels=views.LABELS
        )
    params = params_of(request)
    query, filters, error = prepare(settings, kind, params)
    context: dict[str, Any] = {}
    job = None
    if query is not None:
        job = results.submit(settings, query, filters)
        try:
            context = result_context(kind, query, filters, job.result(timeout=1.0))
            del context["kind"]
        except TimeoutError:
            pass
    return render(
        request,
        "explore.html",
        kind=kind,
        labels=views.LABELS,
        params=params,
        query_string=urlencode(list(request.query_params.multi_items())),
        catalogue=catalogue(settings),
        error=error,
        pending=job is not None and not context,
        elapsed=job.elapsed if job is not None else None,
        expected=job.expected if job is not None else None,
        progress=job.progress if job is not None else None,
        may_save=session.user.may("insights"),
        **context,
    )


@router.get("/explore/{kind}/result", response_class=HTMLResponse)
def explore_result(
    request: Request, kind: str, session: Annotated[Session, Depends(page("read"))]
) -> Response:
    """The result part of the page (htmx polls it while the job runs)."""
    kind = _kind(kind)
    settings: Settings = request.app.state.settings
    params = params_of(request)
    query, filters, error = prepare(settings, kind, params)
    if query is None:
        return render(request, "_result.html", kind=kind, error=error or "pick the steps first")
    job = results.submit(settings, query, filters)
    if not job.done():
        return render(
            request,
            "_result.html",
            kind=kind,
            pending=True,
            elapsed=job.elapsed,
            expected=job.expected,
            progress=job.progress,
            query_string=urlencode(list(request.query_params.multi_items())),
        )
    return render(
        request,
        "_result.html",
        query_string=urlencode(list(request.query_params.multi_items())),
        may_save=session.user.may("insights"),
        **result_context(kind, query, filters, job.result()),
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
    table = views.table(kind, results.run(settings, query, filters))
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
