"""The orchestration console: journeys live, simulate a draft, deploy, pause, resume, migrate.

Everyone signed in reads (``page("read")``); operators and admins act (``csrf("operate")``).
Every action is a form posted twice: first without ``confirmed`` (the answer is a page that
says exactly what will happen, with a button to confirm), then with ``confirmed=yes``. The
figures and the actions are :mod:`journeyscope.services.console` and
:mod:`journeyscope.services.console_actions`; the simulation is
:mod:`journeyscope.services.simulation`.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any
from urllib.parse import quote

import yaml
from fastapi import APIRouter, Depends, File, Form, HTTPException, Request, UploadFile, status
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from journeyscope.engine import audit
from journeyscope.errors import JourneyNotFoundError, JourneyscopeError
from journeyscope.services import console, console_actions, simulation
from journeyscope.services.accounts import Session
from journeyscope.web.auth import csrf, page
from journeyscope.web.templating import render

router = APIRouter(include_in_schema=False)
Reader = Annotated[Session, Depends(page("read"))]
Operator = Annotated[Session, Depends(csrf("operate"))]
Confirmed = Annotated[str, Form()]


def _engine(request: Request) -> Any:
    return request.app.state.engine


def _actor(session: Session) -> str:
    return f"user:{session.user.name}"


def _back(journey: str | None, message: str, ok: bool = True) -> RedirectResponse:
    target = f"/console/{quote(journey)}" if journey else "/console"
    kind = "done" if ok else "refused"
    return RedirectResponse(f"{target}?{kind}={quote(message)}", status_code=303)


def _confirm(
    request: Request, action: str, target: str, what: str, fields: dict[str, Any]
) -> Response:
    return render(
        request,
        "console_confirm.html",
        title=f"Confirm: {action}",
        action=action,
        target=target,
        what=what,
        fields=fields,
    )


# ------------------------------------------------------------------------------ pages


@router.get("/console", response_class=HTMLResponse)
def console_index(request: Request, session: Reader, done: str = "", refused: str = "") -> Response:
    store = _engine(request).store
    return render(
        request,
        "console.html",
        title="Console",
        journeys=console.journeys(store),
        now=console.engine_now(store),
        log=audit.entries(store, limit=20),
        may_act=session.user.may("operate"),
        done=done,
        refused=refused,
    )


def _live(request: Request, journey: str) -> console.JourneyLive:
    try:
        return console.live(_engine(request).store, journey)
    except JourneyNotFoundError as exc:
        raise HTTPException(status.HTTP_404_NOT_FOUND, str(exc)) from exc


@router.get("/console/{journey}", response_class=HTMLResponse)
def console_journey(
    request: Request, journey: str, session: Reader, done: str = "", refused: str = ""
) -> Response:
    found = _live(request, journey)
    return render(
        request,
        "console_journey.html",
        title=f"Console · {journey}",
        live=found,
        log=audit.entries(_engine(request).store, journey, limit=30),
        may_act=session.user.may("operate"),
        done=done,
        refused=refused,
    )


@router.get("/console/{journey}/live", response_class=HTMLResponse)
def console_live(request: Request, journey: str, session: Reader) -> Response:
    """The counters alone: what the journey page polls every two seconds."""
    return render(
        request,
        "console_live.html",
        live=_live(request, journey),
        may_act=session.user.may("operate"),
    )


# ---------------------------------------------------------------------------- actions


def _act(request: Request, journey: str | None, run: Any) -> Response:
    try:
        return _back(journey, run())
    except JourneyNotFoundError as exc:
        raise HTTPException(status.HTTP_404_NOT_FOUND, str(exc)) from exc
    except JourneyscopeError as exc:
        return _back(journey, str(exc), ok=False)


@router.post("/console/{journey}/pause", response_class=HTMLResponse)
def pause(request: Request, journey: str, session: Operator, confirmed: Confirmed = "") -> Response:
    if confirmed != "yes":
        return _confirm(
            request,
            "Pause the journey",
            f"/console/{quote(journey)}/pause",
            f"Pause {journey}: nobody new enters it and nothing of it is sent; every running "
            "customer is paused, their waits keeping the time left. Goals and exits still "
            "apply. Resume continues each wait with the time that was left.",
            {},
        )
    engine = _engine(request)
    return _act(request, journey, lambda: console_actions.pause(engine, journey, _actor(session)))


@router.post("/console/{journey}/resume", response_class=HTMLResponse)
def resume(
    request: Request, journey: str, session: Operator, confirmed: Confirmed = ""
) -> Response:
    if confirmed != "yes":
        return _confirm(
            request,
            "Resume the journey",
            f"/console/{quote(journey)}/resume",
            f"Resume {journey}: customers enter it again and its sends go out; each customer "
            "the pause stopped goes on with the time that was left on their wait (or moves on "
            "at once if what they waited for came meanwhile). Customers who paused themselves "
            "stay paused.",
            {},
        )
    engine = _engine(request)
    return _act(request, journey, lambda: console_actions.resume(engine, journey, _actor(session)))


@router.post("/console/{journey}/migrate", response_class=HTMLResponse)
def migrate(
    request: Request,
    journey: str,
    session: Operator,
    from_version: Annotated[int, Form()],
    to_version: Annotated[int, Form()],
    confirmed: Confirmed = "",
) -> Response:
    engine = _engine(request)
    if confirmed != "yes":
        n = len(engine.store.customers_in(journey, from_version))
        return _confirm(
            request,
            "Migrate running customers",
            f"/console/{quote(journey)}/migrate",
            f"Move the {n} customer(s) running version {from_version} of {journey} to version "
            f"{to_version}, each to the same step there; one whose step does not exist in "
            f"version {to_version} stays where it is (recorded as 'Journey not migrated').",
            {"from_version": from_version, "to_version": to_version},
        )
    return _act(
        request,
        journey,
        lambda: console_actions.migrate(engine, journey, from_version, to_version, _actor(session)),
    )


def _ids(text: str) -> list[int] | None:
    if not text.strip():
        return None
    try:
        return [int(x) for x in text.replace(",", " ").split()]
    except ValueError:
        raise HTTPException(422, f"ids: {text!r} is not a list of numbers") from None


@router.post("/console/dead-letters/{what}", response_class=HTMLResponse)
def dead_letters(
    request: Request,
    what: str,
    session: Operator,
    ids: Annotated[str, Form()] = "",
    journey: Annotated[str, Form()] = "",
    confirmed: Confirmed = "",
) -> Response:
    """``retry`` or ``drop`` failed inputs; ``resend`` failed sends."""
    if what not in ("retry", "drop", "resend"):
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no action {what!r} (retry, drop, resend)")
    chosen = _ids(ids)
    if what == "resend" and not chosen:
        raise HTTPException(422, "resend: name the failed sends")
    if confirmed != "yes":
        which = f"ids {', '.join(map(str, chosen))}" if chosen else "all of them"
        what_text = {
            "retry": f"Hand the failed inputs ({which}) to the workers again: each is applied "
            "to the customer's state as it is now (deploy a fixed version first).",
            "drop": f"Forget the failed inputs ({which}): they stay unapplied.",
            "resend": f"Send the failed sends ({which}) once more, with the same idempotency key.",
        }[what]
        return _confirm(
            request,
            what.capitalize(),
            f"/console/dead-letters/{what}",
            what_text,
            {"ids": ids, "journey": journey},
        )
    engine, actor, where = _engine(request), _actor(session), journey or None
    run = {
        "retry": lambda: console_actions.retry_failed(engine, chosen, actor, where),
        "drop": lambda: console_actions.drop_failed(engine, chosen, actor, where),
        "resend": lambda: console_actions.resend(engine, chosen or [], actor, where),
    }[what]
    return _act(request, where, run)


@router.post("/console/deploy", response_class=HTMLResponse)
def deploy(
    request: Request,
    session: Operator,
    draft: Annotated[str, Form()],
    confirmed: Confirmed = "",
) -> Response:
    try:
        specs = simulation.parse_draft(draft)
    except JourneyscopeError as exc:
        return _back(None, str(exc), ok=False)
    engine = _engine(request)
    if confirmed != "yes":
        running = {s.journey: len(engine.store.customers_in(s.journey)) for s in specs}
        names = ", ".join(f"{s.journey} version {s.version}" for s in specs)
        stay = "; ".join(f"{n} running customer(s) of {j}" for j, n in running.items())
        return _confirm(
            request,
            "Deploy",
            "/console/deploy",
            f"Deploy {names}. New customers enter the new version; {stay} stay on their "
            "version until you migrate them.",
            {"draft": draft},
        )
    journey = specs[0].journey if len(specs) == 1 else None
    return _act(request, journey, lambda: console_actions.deploy(engine, specs, _actor(session)))


# ------------------------------------------------------------------------- simulation


def _draft_of(request: Request, journey: str) -> str:
    """The live version's YAML with the next version number: a starting point for a draft."""
    program = _engine(request).store.load_program()
    try:
        spec = program.journey(journey).spec
    except JourneyNotFoundError:
        return ""
    top = max(program.journeys[journey])
    body = spec.model_dump(mode="json", exclude_defaults=True)
    body = {k: v.strip() if isinstance(v, str) else v for k, v in body.items()}
    data = {"journey": journey, "version": top + 1} | body | {"version": top + 1}
    return str(yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100))


@router.get("/console-simulate", response_class=HTMLResponse)
def simulate_form(request: Request, session: Reader, journey: str = "") -> Response:
    settings = request.app.state.settings
    try:
        found = simulation.default_period(settings)
    except JourneyscopeError:
        found = None
    since, until = found or (date.today(), date.today())
    return render(
        request,
        "console_simulate.html",
        title="Simulate a draft",
        draft=_draft_of(request, journey) if journey else "",
        since=since.isoformat(),
        until=until.isoformat(),
        journeys=console.journeys(_engine(request).store),
        may_act=session.user.may("operate"),
        error="",
    )


@router.post("/console-simulate", response_class=HTMLResponse)
async def simulate_start(
    request: Request,
    session: Operator,
    since: Annotated[str, Form()],
    until: Annotated[str, Form()],
    draft: Annotated[str, Form()] = "",
    file: Annotated[UploadFile | None, File()] = None,
) -> Response:
    if file is not None and file.filename:
        draft = (await file.read()).decode("utf-8", errors="replace")
    settings, store = request.app.state.settings, _engine(request).store
    try:
        start, end = simulation.period(since, until)
        job = simulation.submit(settings, store, draft, start, end, _actor(session))
    except JourneyscopeError as exc:
        return render(
            request,
            "console_simulate.html",
            status_code=422,
            title="Simulate a draft",
            draft=draft,
            since=since,
            until=until,
            journeys=console.journeys(store),
            may_act=True,
            error=str(exc),
        )
    return RedirectResponse(f"/console-simulate/{job.id}", status_code=303)


@router.get("/console-simulate/{job_id}", response_class=HTMLResponse)
def simulate_result(request: Request, job_id: str, session: Reader, part: str = "") -> Response:
    job = simulation.job(job_id)
    if job is None:
        raise HTTPException(
            status.HTTP_404_NOT_FOUND,
            "no such simulation (results are kept in memory until the service restarts)",
        )
    result, error = None, ""
    done = job.future.done()  # read once: the page must not see the job finish half-way
    if done:
        try:
            result = job.future.result()
        except JourneyscopeError as exc:
            error = str(exc)
    context: dict[str, Any] = {
        "job": job,
        "done": done,
        "result": result,
        "error": error,
        "may_act": session.user.may("operate"),
    }
    if part:
        return render(request, "console_sim_result.html", **context)
    return render(request, "console_simulation.html", title="Simulation", **context)
