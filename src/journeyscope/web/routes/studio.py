"""The design studio: every design with the report's sections live, and the editor.

* ``GET /journeys``: the designs (the designs folder's and those begun here), and for the
  designer role a form to start a new one from a template or from ``design infer``.
* ``GET /journeys/{design}``: the latest version's journey map (designed lanes, the actual
  lanes under them, the opportunities at each step with their evidence), service blueprint,
  personas, conformance, emotion curve, moments of truth, silent customers and value stream,
  computed by the report's own code (:mod:`journeyscope.services.studio`) as background jobs,
  one per part of the page (the fastest first, the silent-customer estimates last), on the
  events Explore's filters keep (``since``, ``until``, ``channel``, ``where``); each section
  links to its Explore query. ``/journeys/{design}/sections/{section}`` is one section,
  which a pending section asks for (answered when its job is done: a long poll).
* ``GET /journeys/{design}/edit`` (role designer or admin): the YAML beside a preview of the
  map; ``POST /journeys/validate`` checks as the person types; ``POST /journeys/overlay``
  computes the actual lanes for the text being edited, on demand.

Versions, diffs, restore, download and write-back are in :mod:`.studio_versions`.
"""

from __future__ import annotations

from typing import Annotated, Any, Final
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, HTTPException, Request, status
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, JSONResponse, Response
from markupsafe import Markup

from journeyscope.config import Settings
from journeyscope.errors import InvalidQueryError, JourneyscopeError, closest
from journeyscope.services import results
from journeyscope.services.accounts import Session
from journeyscope.services.design_check import check_design
from journeyscope.services.designs import DesignNotFound, Designs
from journeyscope.services.studio import (
    SECTION_PART,
    Failed,
    describe,
    explore_links,
    opportunities_by_step,
    submit_part,
    submit_parts,
)
from journeyscope.web import waiting
from journeyscope.web.auth import csrf, page
from journeyscope.web.routes.explore import catalogue, cohort_choices, params_of, with_cohorts
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
        params = params_of(request)
        filters = with_cohorts(settings, filters, {"cohort": params.get("cohort", [])})
    except InvalidQueryError as exc:
        return results.Filters(), str(exc)
    if filters.empty() or not settings.store.is_file():
        return filters, None
    known = catalogue(settings)
    for ch in filters.channels:
        if ch not in known.channels:
            close = closest(ch, known.channels, cutoff=0.5)
            hint = f" (did you mean {', '.join(close)}?)" if close else ""
            return results.Filters(), f"channel: no channel {ch!r} in the store{hint}"
    for name, _value in filters.where:
        if name not in known.properties and name not in ("channel", "source"):
            close = closest(name, known.properties, cutoff=0.5)
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


#: The page's sections in page order, with their titles; those without a job
#: (:data:`~journeyscope.services.studio.SECTION_PART`) are the design alone.
PAGE_ORDER: Final = (
    ("journey-map", "Journey map"),
    ("opportunities", "Pain points and opportunities on the map"),
    ("blueprint", "Service blueprint"),
    ("personas", "Personas"),
    ("conformance", "Conformance"),
    ("emotion", "Emotion"),
    ("moments", "Moments of truth"),
    ("silent", "Silent customers"),
    ("value", "Value stream"),
)
#: What each job computes, for the progress note of the sections waiting on it.
PART_WORK: Final = {
    "map": "the actual lanes (conformance replay, time between steps, felt emotion)",
    "insight": "the moments of truth, the value stream and the opportunities they support",
    "silent": "the silent-customer estimates (bootstrap refits: the slowest analysis)",
}


def _page_context(request: Request, design: str) -> dict[str, Any]:
    """What every section shares: the design, its filters, or the error that stops them all."""
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
    out.update(
        filters=filters,
        filters_text=describe(filters),
        links=explore_links(journey, filters),
        order=PAGE_ORDER,
    )
    return out


def _section_context(
    request: Request,
    shared: dict[str, Any],
    section: str,
    *,
    wait: float,
    job: results.Job | None = None,
) -> dict[str, Any]:
    """One section of the page: pending (with its poll URL and elapsed time), its error, or
    drawn from its job's results (``job``: the section's job where the caller has it)."""
    from journeyscope.render.report_data import ReportData
    from journeyscope.render.report_sections import journey_sections

    settings: Settings = request.app.state.settings
    design, journey, filters = shared["design"], shared["journey"], shared["filters"]
    title = dict(PAGE_ORDER)[section]
    out: dict[str, Any] = {"id": section, "title": title, "state": "done"}
    part = SECTION_PART.get(section)
    if section == "personas":  # drawn by the page from the design
        return out
    if part is None:  # the design alone
        alone = ReportData(title="", journey=journey, case_rule="", source="", overview={})
        out["section"] = _figures(next(s for s in journey_sections(alone) if s.id == section))
        return out
    if job is None:
        job = submit_part(settings, journey, shared["version"].text, filters, part)
    try:
        data = job.result(timeout=wait)
    except TimeoutError:
        query = f"?{shared['query_string']}" if shared["query_string"] else ""
        out.update(
            state="pending",
            elapsed=job.elapsed,
            work=PART_WORK[part],
            poll=f"/journeys/{design}/sections/{section}{query}",
        )
        if section == "journey-map":  # the designed lanes at once, the actual ones to come
            alone = ReportData(title="", journey=journey, case_rule="", source="", overview={})
            out["design_only"] = _figures(journey_sections(alone)[0])
        return out
    except JourneyscopeError as exc:
        out.update(state="error", error=str(exc))
        return out
    if isinstance(data, Failed):
        out.update(state="error", error=data.message)
        return out
    if section == "opportunities":
        out.update(columns=opportunities_by_step(data, journey, filters), backlog=data.backlog)
        return out
    drawn = _draw(data, section)
    if drawn is None:
        out["state"] = "absent"
    else:
        out["section"] = _figures(drawn)
    return out


def _draw(data: Any, section: str) -> Any:
    """The report's own rendering of ``section`` (``None``: the report leaves it out)."""
    from journeyscope.render.report_insight import moments_section, silent_section, value_section
    from journeyscope.render.report_sections import (
        conformance_section,
        emotion_section,
        journey_sections,
    )

    draw = {
        "journey-map": lambda d: journey_sections(d)[0],
        "conformance": conformance_section,
        "emotion": emotion_section,
        "moments": moments_section,
        "silent": silent_section,
        "value": value_section,
    }[section]
    return draw(data)


def _figures(s: Any) -> Any:
    """The report's figures are drawn by studio.js; app.js reads another data-figure form."""
    s.body = Markup(str(s.body).replace(' data-figure="', ' data-report-figure="'))
    return s


@router.get("/journeys/{design}", response_class=HTMLResponse)
def journey_page(
    request: Request, design: str, session: Annotated[Session, Depends(page("read"))]
) -> Response:
    """The page with every section: the jobs are started (the fastest first); the page waits
    a moment for the first, and each section still computing polls for itself."""
    from journeyscope.render._svg import font_face_css

    context = _page_context(request, design)
    settings: Settings = request.app.state.settings
    if "error" not in context:
        submit_parts(settings, context["journey"], context["version"].text, context["filters"])
        context["sections"] = {
            sid: _section_context(request, context, sid, wait=WAIT_S if sid == "journey-map" else 0)
            for sid, _title in PAGE_ORDER
        }
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
        **cohort_choices(settings),
        font_css=Markup(font_face_css()),
        **context,
    )


@router.get("/journeys/{design}/sections/{section}", response_class=HTMLResponse)
async def journey_section_part(
    request: Request, design: str, section: str, _: Annotated[Session, Depends(page("read"))]
) -> Response:
    """One section of the page, which a pending section asks for."""
    names = [sid for sid, _title in PAGE_ORDER if sid != "personas"]
    if section not in names:
        close = closest(section, names, cutoff=0.5)
        hint = f" (did you mean {', '.join(close)}?)" if close else ""
        raise HTTPException(
            status.HTTP_404_NOT_FOUND,
            f"no section {section!r}{hint}; the sections: {', '.join(names)}",
        )
    context = await run_in_threadpool(_page_context, request, design)
    if "error" in context:
        return render(request, "_journey_section.html", **context)
    part = SECTION_PART.get(section)
    job = None
    if part is not None:  # answered when its job is done (a long poll), or with its progress
        settings: Settings = request.app.state.settings
        job = await run_in_threadpool(
            submit_part,
            settings,
            context["journey"],
            context["version"].text,
            context["filters"],
            part,
        )
        await waiting.until_done([job.future])
    one = await run_in_threadpool(_section_context, request, context, section, wait=0, job=job)
    return await run_in_threadpool(render, request, "_journey_section.html", one=one, **context)


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
    job = submit_part(settings, checked.journey, text, results.Filters(), "map")
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
