"""The design studio: every design with the report's sections live, and the editor.

* ``GET /journeys``: the designs (the designs folder's and those begun here), and for the
  designer role a form to start a new one from a template or from ``design infer``.
* ``GET /journeys/{design}``: the latest version's journey map (designed lanes, the actual
  lanes under them, the opportunities at each step with their evidence), service blueprint,
  personas, conformance, emotion curve, moments of truth, silent customers and value stream,
  computed by the report's own code (:mod:`journeyscope.services.studio`) as a background job
  on the events Explore's filters keep (``since``, ``until``, ``channel``, ``where``); each
  section links to its Explore query. ``/journeys/{design}/sections`` is the part polled while
  the job runs.
* ``GET /journeys/{design}/edit`` (role designer or admin): the YAML beside a preview of the
  map; ``POST /journeys/validate`` checks as the person types; ``POST /journeys/overlay``
  computes the actual lanes for the text being edited, on demand.

Versions, diffs, restore, download and write-back are in :mod:`.studio_versions`.
"""

from __future__ import annotations

from difflib import get_close_matches
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, HTTPException, Request, status
from fastapi.responses import HTMLResponse, JSONResponse, Response
from markupsafe import Markup

from journeyscope.config import Settings
from journeyscope.errors import InvalidQueryError, JourneyscopeError
from journeyscope.services import results
from journeyscope.services.accounts import Session
from journeyscope.services.design_check import check_design
from journeyscope.services.designs import DesignNotFound, Designs
from journeyscope.services.studio import (
    Failed,
    describe,
    explore_links,
    opportunities_by_step,
    submit_journey,
)
from journeyscope.web.auth import csrf, page
from journeyscope.web.routes.explore import catalogue
from journeyscope.web.templating import render

router = APIRouter(include_in_schema=False)
WAIT_S = 1.0  # how long a page waits for its job before showing the progress note


def designs_of(request: Request) -> Designs:
    found: Designs | None = getattr(request.app.state, "designs", None)
    if found is None:
        found = Designs.of(request.app.state.settings)
        request.app.state.designs = found
    return found


def filters_of(settings: Settings, request: Request) -> tuple[results.Filters, str | None]:
    """Explore's filters from the URL, checked against the store (closest names on a typo)."""
    q = request.query_params
    try:
        filters = results.Filters.parse(
            q.get("since"), q.get("until"), q.getlist("channel"), q.getlist("where")
        )
    except InvalidQueryError as exc:
        return results.Filters(), str(exc)
    if filters.empty() or not settings.store.is_file():
        return filters, None
    known = catalogue(settings)
    for ch in filters.channels:
        if ch not in known.channels:
            close = get_close_matches(ch, known.channels, n=3, cutoff=0.5)
            hint = f" (did you mean {', '.join(close)}?)" if close else ""
            return results.Filters(), f"channel: no channel {ch!r} in the store{hint}"
    for name, _value in filters.where:
        if name not in known.properties and name not in ("channel", "source"):
            close = get_close_matches(name, known.properties, n=3, cutoff=0.5)
            hint = f" (did you mean {', '.join(close)}?)" if close else ""
            return results.Filters(), f"where: no property {name!r} in the events{hint}"
    return filters, None


@router.get("/journeys", response_class=HTMLResponse)
def journeys(request: Request, session: Annotated[Session, Depends(page("read"))]) -> Response:
    settings: Settings = request.app.state.settings
    return render(
        request,
        "journeys.html",
        title="Journeys",
        designs=designs_of(request).entries(),
        may_edit=session.user.may("designs"),
        has_store=settings.store.is_file(),
    )


def _latest(request: Request, design: str) -> Any:
    try:
        return designs_of(request).latest(design)
    except DesignNotFound as exc:
        raise HTTPException(status.HTTP_404_NOT_FOUND, str(exc)) from exc


def _sections_context(request: Request, design: str, *, wait: float) -> dict[str, Any]:
    """What the sections part shows: pending (with the poll URL), an error, or the sections."""
    from journeyscope.render.report_insight import (
        moments_section,
        silent_section,
        value_section,
    )
    from journeyscope.render.report_sections import (
        conformance_section,
        emotion_section,
        journey_sections,
    )

    settings: Settings = request.app.state.settings
    version = _latest(request, design)
    checked = check_design(version.text, f"{design}.yaml")
    query = urlencode(list(request.query_params.multi_items()))
    out: dict[str, Any] = {"design": design, "query_string": query, "version": version}
    if checked.journey is None or checked.errors:
        out["error"] = "this version does not load: " + "; ".join(
            m.format(f"{design}.yaml") for m in checked.errors
        )
        return out
    journey = checked.journey
    out["journey"] = journey
    filters, problem = filters_of(settings, request)
    if problem:
        out["error"] = problem
        return out
    if not settings.store.is_file():
        out["error"] = "no event store yet: upload a file on the Data page"
        return out
    job = submit_journey(settings, journey, version.text, filters)
    try:
        data = job.result(timeout=wait)
    except TimeoutError:
        from journeyscope.render.report_data import ReportData

        # the design alone, drawn at once, while the analyses run
        design_only = ReportData(title="", journey=journey, case_rule="", source="", overview={})
        out.update(pending=True, elapsed=job.elapsed, design_only=journey_sections(design_only))
        return out
    except JourneyscopeError as exc:
        out["error"] = str(exc)
        return out
    if isinstance(data, Failed):
        out["error"] = data.message
        return out
    links = explore_links(journey, filters)
    sections = journey_sections(data)
    emotion = emotion_section(data)
    built = {s.id: s for s in sections}
    built["conformance"] = conformance_section(data)
    if emotion is not None:
        built["emotion"] = emotion
    built["moments"] = moments_section(data)
    built["silent"] = silent_section(data)
    built["value"] = value_section(data)
    for s in built.values():
        # the report's figures are drawn by studio.js; app.js reads another data-figure form
        s.body = Markup(str(s.body).replace(' data-figure="', ' data-report-figure="'))
    out.update(
        journey=journey,
        sections=built,
        links=links,
        columns=opportunities_by_step(data, journey, filters),
        filters_text=describe(filters),
        backlog=data.backlog,
        overview=data.overview,
    )
    return out


@router.get("/journeys/{design}", response_class=HTMLResponse)
def journey_page(
    request: Request, design: str, session: Annotated[Session, Depends(page("read"))]
) -> Response:
    from journeyscope.render._svg import font_face_css

    context = _sections_context(request, design, wait=WAIT_S)
    settings: Settings = request.app.state.settings
    params = dict(request.query_params)
    return render(
        request,
        "journey.html",
        title=f"Journey {design}",
        may_edit=session.user.may("designs"),
        params=params,
        wheres=request.query_params.getlist("where"),
        channels=request.query_params.getlist("channel"),
        catalogue=catalogue(settings) if settings.store.is_file() else None,
        font_css=Markup(font_face_css()),
        **context,
    )


@router.get("/journeys/{design}/sections", response_class=HTMLResponse)
def journey_sections_part(
    request: Request, design: str, _: Annotated[Session, Depends(page("read"))]
) -> Response:
    """The sections part of the page (polled while its job runs)."""
    return render(request, "_journey_sections.html", **_sections_context(request, design, wait=0))


# ----------------------------------------------------------------------------- the editor


TEMPLATE = """\
version: 1
id: {id}
name: {name}
owner: ""
job_to_be_done: >
  When I ..., I want to ..., so I can ...
outcome:
  description: What the customer has at the end.
  step: done
  within: 30 days

personas:
  - id: first_persona
    name: First persona
    needs: [What they need]

stages:
  - id: start
    name: Start
    goal: What the customer wants here.
    steps:
      - id: begin
        name: Begin
        activities: [Activity name in the data]
        channels: [web]
        touchpoints:
          - {{name: Start page, channel: web}}
        emotion: 0
        blueprint:
          customer_action: What the customer does.
          backstage: [What the organisation does]
  - id: finish
    name: Finish
    steps:
      - id: done
        name: Done
        activities: [Another activity]
        emotion: 1

transitions:
  - {{from: begin, to: done}}
"""


def _editor(
    request: Request,
    session: Session,
    *,
    design: str | None,
    text: str,
    messages: list[Any] | None = None,
    status_code: int = 200,
    message: str = "",
    notice: str = "",
) -> HTMLResponse:
    checked = check_design(text, f"{design or 'new design'}.yaml")
    preview = None
    if checked.journey is not None and not checked.errors:
        from journeyscope.render.journey_map import journey_map_svg

        preview = Markup(journey_map_svg(checked.journey, embed_font=False))
    from journeyscope.render._svg import font_face_css

    return render(
        request,
        "studio_edit.html",
        status_code=status_code,
        title=f"Edit {design}" if design else "New design",
        design=design,
        text=text,
        messages=messages if messages is not None else checked.messages,
        refused=messages is not None,
        preview=preview,
        message=message,
        notice=notice,
        latest=designs_of(request).latest(design) if design else None,
        font_css=Markup(font_face_css()),
    )


@router.get("/journeys/{design}/edit", response_class=HTMLResponse)
def edit(
    request: Request, design: str, session: Annotated[Session, Depends(page("designs"))]
) -> Response:
    version = _latest(request, design)
    return _editor(request, session, design=design, text=version.text)


@router.post("/journeys/new", response_class=HTMLResponse)
def new_design(
    request: Request,
    session: Annotated[Session, Depends(csrf("designs"))],
    start: Annotated[str, Form()] = "template",
    journey_id: Annotated[str, Form(alias="id")] = "new_journey",
    name: Annotated[str, Form()] = "New journey",
    source: Annotated[str, Form()] = "",
    min_cases: Annotated[float, Form()] = 0.05,
    since: Annotated[str, Form()] = "",
    until: Annotated[str, Form()] = "",
    channel: Annotated[str, Form()] = "",
) -> Response:
    """The editor with a new design's first text: a template, or drafted from the data."""
    import re

    if not re.fullmatch(r"[a-z][a-z0-9_]{0,63}", journey_id):
        raise HTTPException(
            status.HTTP_422_UNPROCESSABLE_CONTENT,
            f"id {journey_id!r}: lower_case letters, digits and '_', starting with a letter",
        )
    name = " ".join(name.split()) or "New journey"
    if start == "infer":
        from journeyscope.services.design_drafts import draft_from_store

        settings: Settings = request.app.state.settings
        try:
            filters = results.Filters.parse(since, until, [channel] if channel else [])
        except InvalidQueryError as exc:
            raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, str(exc)) from exc
        text = draft_from_store(
            settings,
            journey_id=journey_id,
            name=name,
            source=source or None,
            filters=filters,
            min_cases=min_cases,
        )
        notice = "Drafted from the data by design infer: edit the TODOs, then save."
    elif start == "template":
        text = TEMPLATE.format(id=journey_id, name=name.replace(":", " -"))
        notice = "From the template: replace the activities with those in your data, then save."
    else:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, "start: 'template' or 'infer'")
    return _editor(request, session, design=None, text=text, notice=notice)


@router.post("/journeys/validate")
def validate(
    request: Request,
    _: Annotated[Session, Depends(csrf("designs"))],
    text: Annotated[str, Form()],
    design: Annotated[str, Form()] = "",
) -> JSONResponse:
    """The checks of ``text`` as the CLI runs them, each with its line; with no error, the
    map's preview (SVG) too."""
    if design:
        checked = designs_of(request).check(design, text)
    else:
        checked = check_design(text, "new design.yaml")
    svg = None
    if checked.journey is not None and not checked.errors:
        from journeyscope.render.journey_map import journey_map_svg

        svg = journey_map_svg(checked.journey, embed_font=False)
    return JSONResponse(
        {
            "ok": checked.ok,
            "errors": len(checked.errors),
            "messages": [
                {
                    "severity": m.severity,
                    "line": m.line,
                    "field": m.field,
                    "code": m.code,
                    "text": m.text,
                }
                for m in checked.messages
            ],
            "svg": svg,
        }
    )


@router.post("/journeys/overlay")
def overlay(
    request: Request,
    _: Annotated[Session, Depends(csrf("designs"))],
    text: Annotated[str, Form()],
) -> JSONResponse:
    """The map of ``text`` with the actual lanes, computed on the store (a background job;
    answers ``pending`` until it is done, then the SVG)."""
    from journeyscope.render.journey_map import journey_map_svg
    from journeyscope.render.report import overlay_of

    settings: Settings = request.app.state.settings
    checked = check_design(text, "design.yaml")
    if checked.journey is None or checked.errors:
        return JSONResponse({"detail": "fix the errors first"}, status_code=422)
    if not settings.store.is_file():
        return JSONResponse({"detail": "no event store yet"}, status_code=404)
    job = submit_journey(settings, checked.journey, text, results.Filters())
    try:
        data = job.result(timeout=WAIT_S)
    except TimeoutError:
        return JSONResponse({"pending": True, "elapsed": round(job.elapsed, 1)})
    if isinstance(data, Failed):
        return JSONResponse({"detail": data.message}, status_code=422)
    found = overlay_of(data)
    return JSONResponse(
        {
            "pending": False,
            "svg": journey_map_svg(checked.journey, found, embed_font=False),
            "cases": found.cases if found is not None else 0,
        }
    )
