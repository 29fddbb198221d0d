"""Saving designs and their versions: save (refused with line-located messages on error),
the version list, the diff of any two versions (text, and what changed in the map), restore,
download as YAML and write back to the designs folder.

Reading needs a signed-in user; every change needs the ``designs`` action (designer, admin)
and the session's CSRF token.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, HTTPException, Request, status
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from journeyscope.errors import DefinitionError
from journeyscope.services.accounts import Session
from journeyscope.services.designs import DesignNotFound, DesignRefused
from journeyscope.web.auth import csrf, page
from journeyscope.web.routes.studio import _editor, designs_of
from journeyscope.web.templating import render

router = APIRouter(include_in_schema=False)


def _notice(exc: DesignRefused) -> str:
    """The refusal in one line: how many errors, and the first with its line."""
    head = str(exc).splitlines()[0].rstrip(":")
    first = exc.messages[0] if exc.messages else None
    if first is None:
        return head
    where = f"line {first.line}: " if first.line else ""
    more = " (every message is listed under the text)" if len(exc.messages) > 1 else ""
    return f"{head}: {where}{first.field + ': ' if first.field else ''}{first.text}{more}"


def _not_found(exc: DesignNotFound) -> HTTPException:
    return HTTPException(status.HTTP_404_NOT_FOUND, str(exc))


@router.post("/journeys/new/save", response_class=HTMLResponse)
def save_new(
    request: Request,
    session: Annotated[Session, Depends(csrf("designs"))],
    text: Annotated[str, Form()],
    message: Annotated[str, Form()] = "",
) -> Response:
    try:
        version = designs_of(request).create(text, session.user.name, message)
    except DesignRefused as exc:
        return _editor(
            request,
            session,
            design=None,
            text=text,
            messages=exc.messages,
            status_code=422,
            message=message,
            notice=_notice(exc),
        )
    return RedirectResponse(
        f"/journeys/{version.design}/versions?saved={version.number}", status_code=303
    )


@router.post("/journeys/{design}/save", response_class=HTMLResponse)
def save(
    request: Request,
    design: str,
    session: Annotated[Session, Depends(csrf("designs"))],
    text: Annotated[str, Form()],
    message: Annotated[str, Form()] = "",
) -> Response:
    """A new version; with an error, the editor again (422) with every message and line."""
    try:
        version = designs_of(request).save(design, text, session.user.name, message)
    except DesignNotFound as exc:
        raise _not_found(exc) from exc
    except DesignRefused as exc:
        return _editor(
            request,
            session,
            design=design,
            text=text,
            messages=exc.messages,
            status_code=422,
            message=message,
            notice=_notice(exc),
        )
    return RedirectResponse(f"/journeys/{design}/versions?saved={version.number}", status_code=303)


@router.get("/journeys/{design}/versions", response_class=HTMLResponse)
def versions(
    request: Request,
    design: str,
    session: Annotated[Session, Depends(page("read"))],
    saved: int | None = None,
    restored: int | None = None,
    written: str | None = None,
) -> Response:
    try:
        found = designs_of(request).versions(design)
    except DesignNotFound as exc:
        raise _not_found(exc) from exc
    return render(
        request,
        "studio_versions.html",
        title=f"Versions of {design}",
        design=design,
        versions=found,
        saved=saved,
        restored=restored,
        written=written,
        may_edit=session.user.may("designs"),
        file=designs_of(request).files().get(design),
    )


@router.get("/journeys/{design}/diff", response_class=HTMLResponse)
def diff(
    request: Request,
    design: str,
    _: Annotated[Session, Depends(page("read"))],
    old: int,
    new: int,
) -> Response:
    try:
        found = designs_of(request).diff(design, old, new)
    except DesignNotFound as exc:
        raise _not_found(exc) from exc
    lines = found.text.splitlines()
    return render(
        request,
        "studio_diff.html",
        title=f"{design}: version {old} → {new}",
        design=design,
        diff=found,
        lines=lines,
        versions=designs_of(request).versions(design),
    )


@router.post("/journeys/{design}/restore")
def restore(
    request: Request,
    design: str,
    session: Annotated[Session, Depends(csrf("designs"))],
    number: Annotated[int, Form()],
) -> Response:
    """Version ``number`` saved again as the newest version."""
    try:
        version = designs_of(request).restore(design, number, session.user.name)
    except DesignNotFound as exc:
        raise _not_found(exc) from exc
    except DesignRefused as exc:
        raise HTTPException(status.HTTP_409_CONFLICT, str(exc)) from exc
    return RedirectResponse(
        f"/journeys/{design}/versions?restored={number}&saved={version.number}", status_code=303
    )


@router.get("/journeys/{design}/download")
def download(
    request: Request,
    design: str,
    _: Annotated[Session, Depends(page("read"))],
    version: int | None = None,
) -> Response:
    """The version (default: the latest) as the YAML file it is."""
    try:
        store = designs_of(request)
        found = store.version(design, version) if version is not None else store.latest(design)
    except DesignNotFound as exc:
        raise _not_found(exc) from exc
    return Response(
        found.text,
        media_type="application/yaml; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{design}.yaml"'},
    )


@router.post("/journeys/{design}/write")
def write_back(
    request: Request,
    design: str,
    _: Annotated[Session, Depends(csrf("designs"))],
    number: Annotated[int, Form()],
) -> Response:
    """Write version ``number`` to the designs folder (an explicit action)."""
    try:
        path = designs_of(request).write_back(design, number)
    except DesignNotFound as exc:
        raise _not_found(exc) from exc
    except DefinitionError as exc:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, str(exc)) from exc
    return RedirectResponse(f"/journeys/{design}/versions?written={path.name}", status_code=303)
