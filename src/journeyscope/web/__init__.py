"""The web service (FastAPI): ``create_app(settings)`` builds it; routes live in ``routes/``."""

from journeyscope.web.app import create_app

__all__ = ["create_app"]
