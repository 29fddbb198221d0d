"""Friendly failures on a bare app with only the error handlers installed: a page for a
browser, JSON for a machine, the request id on both and in the log, never a traceback."""

from __future__ import annotations

import logging
import warnings
from collections.abc import Iterator

import pytest
from fastapi import FastAPI, HTTPException
from fastapi.responses import Response, StreamingResponse

from journeyscope.errors import JourneyscopeError
from journeyscope.web import errors
from journeyscope.web.auth import SignInRequired

with warnings.catch_warnings():
    warnings.filterwarnings("ignore", "Using `httpx` with `starlette.testclient`")
    from fastapi.testclient import TestClient

HTML = {"Accept": "text/html,application/xhtml+xml"}
SECRET_PATH = "/srv/journeyscope/secret/store.duckdb"


@pytest.fixture
def client() -> Iterator[TestClient]:
    app = FastAPI()
    errors.install(app)

    @app.get("/boom")
    @app.get("/api/boom")
    def boom() -> None:
        raise RuntimeError(f"disk full at {SECRET_PATH}")

    @app.get("/missing")
    @app.get("/api/missing")
    def missing() -> None:
        raise HTTPException(404, "no journey 'tenancy'")

    @app.get("/typo")
    def typo() -> None:
        raise JourneyscopeError("no activity 'Upload documnets'; did you mean 'Upload documents'?")

    @app.get("/private")
    @app.get("/api/private")
    def private() -> None:
        raise SignInRequired("/private%3Fx%3D1")

    @app.get("/count")
    def count(n: int) -> int:
        return n

    @app.get("/framed")
    def framed() -> Response:
        return Response("ok", headers={"X-Frame-Options": "SAMEORIGIN"})

    @app.get("/half")
    def half() -> StreamingResponse:
        def body() -> Iterator[bytes]:
            yield b"first part"
            raise RuntimeError("failed after the answer began")

        return StreamingResponse(body())

    with TestClient(app, raise_server_exceptions=False) as found:
        yield found


def test_a_crash_is_a_page_with_a_request_id_and_the_traceback_goes_to_the_log(
    client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.ERROR, logger="journeyscope.web"):
        answer = client.get("/boom", headers=HTML)
    rid = answer.headers["X-Request-ID"]
    assert answer.status_code == 500 and len(rid) == 12
    assert "Something went wrong" in answer.text and rid in answer.text
    assert SECRET_PATH not in answer.text and "Traceback" not in answer.text
    [record] = [r for r in caplog.records if rid in r.getMessage()]
    assert record.exc_info is not None and SECRET_PATH in str(record.exc_info[1])


def test_a_machine_gets_json_with_the_request_id(client: TestClient) -> None:
    answer = client.get("/api/boom", headers=HTML)  # the API path wins over Accept
    assert answer.status_code == 500
    assert answer.json() == {
        "detail": "internal error; quote the request id",
        "request_id": answer.headers["X-Request-ID"],
    }
    assert client.get("/boom").headers["content-type"] == "application/json"  # no text/html


def test_every_answer_has_an_id_of_its_own_and_safe_headers(client: TestClient) -> None:
    first, second = client.get("/count?n=1"), client.get("/count?n=1")
    assert first.headers["X-Request-ID"] != second.headers["X-Request-ID"]
    assert first.headers["X-Content-Type-Options"] == "nosniff"
    assert first.headers["X-Frame-Options"] == "DENY"
    assert first.headers["Referrer-Policy"] == "same-origin"


def test_an_answers_own_header_is_kept_and_a_failure_after_the_answer_began_is_not_answered_twice(
    client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    framed = client.get("/framed")
    assert framed.headers["X-Frame-Options"] == "SAMEORIGIN" and framed.headers["X-Request-ID"]
    with caplog.at_level(logging.ERROR, logger="journeyscope.web"):
        half = client.get("/half")
    assert half.status_code == 200 and "Something went wrong" not in half.text
    assert any(half.headers["X-Request-ID"] in r.getMessage() for r in caplog.records)


def test_an_http_error_is_a_titled_page_or_json(client: TestClient) -> None:
    page = client.get("/missing", headers=HTML)
    assert page.status_code == 404 and "Not found" in page.text
    assert "no journey &#39;tenancy&#39;" in page.text  # escaped
    assert client.get("/api/missing").json() == {"detail": "no journey 'tenancy'"}


def test_bad_input_names_the_field_and_a_known_error_says_what_to_do(client: TestClient) -> None:
    assert client.get("/count?n=many").json()["detail"].startswith("n: ")
    page = client.get("/count?n=many", headers=HTML)
    assert page.status_code == 422 and "Check the input" in page.text
    answer = client.get("/typo", headers=HTML)
    assert answer.status_code == 422 and "did you mean" in answer.text


def test_sign_in_first_redirects_a_browser_and_refuses_a_machine(client: TestClient) -> None:
    page = client.get("/private", headers=HTML, follow_redirects=False)
    assert page.status_code == 303
    assert page.headers["location"] == "/signin?next=/private%3Fx%3D1"
    htmx = client.get("/private", headers={**HTML, "HX-Request": "true"})
    assert htmx.status_code == 204 and htmx.headers["HX-Redirect"].startswith("/signin?next=")
    assert client.get("/api/private").status_code == 401
