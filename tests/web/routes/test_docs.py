"""The API's documentation (web/routes/docs.py): the OpenAPI schema is public, ``/docs`` is
behind sign-in unless the app was built with ``public_docs``, and the page works offline (its
script and styles are served by the app itself)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from fastapi.testclient import TestClient

from journeyscope.config import Settings
from journeyscope.web import create_app


@contextmanager
def client(tmp_path: Path, *, public_docs: bool) -> Iterator[TestClient]:
    settings = Settings(
        store=tmp_path / "store.duckdb", database_url=f"sqlite:///{tmp_path / 'engine.sqlite'}"
    )
    app = create_app(settings, embedded_worker=False, public_docs=public_docs)
    with TestClient(app, base_url="http://127.0.0.1") as found:
        yield found


def test_the_schema_is_public_and_describes_the_api(tmp_path: Path) -> None:
    with client(tmp_path, public_docs=False) as c:
        schema = c.get("/openapi.json")
        assert schema.status_code == 200
        paths = schema.json()["paths"]
        assert any(p.startswith("/v1/") for p in paths)
        assert "/docs" not in paths and "/openapi.json" not in paths
        page = c.get("/docs", follow_redirects=False)
        assert page.status_code in (302, 303, 307)
        assert page.headers["location"].startswith("/signin?next=/docs")


def test_public_docs_are_served_with_their_own_script_and_styles(tmp_path: Path) -> None:
    with client(tmp_path, public_docs=True) as c:
        page = c.get("/docs")
        assert page.status_code == 200
        assert "/openapi.json" in page.text
        for asset in ("/static/swagger-ui-bundle.js", "/static/swagger-ui.css"):
            assert asset in page.text
            served = c.get(asset)
            assert served.status_code == 200 and len(served.content) > 10_000, asset
        assert "cdn" not in page.text.lower(), "nothing fetched from elsewhere"
