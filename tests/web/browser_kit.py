"""What the workspace's browser tests share: the app served on a free local port, Chromium,
signing in through the form, a watch on each page's console errors and on requests leaving
this machine, and full-page screenshots (under ``out/screenshots/``, which git ignores)."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

#: the password of every user the web tests create (one per role)
PASSWORD = "correct horse battery"
CHROMIUM = Path("/usr/bin/chromium")
SHOTS = Path(__file__).resolve().parents[2] / "out" / "screenshots"
#: a module-level ``pytestmark`` entry: these tests need the system's Chromium
needs_chromium = pytest.mark.skipif(
    not CHROMIUM.exists(), reason="needs Chromium at /usr/bin/chromium"
)
LOCAL_HOSTS = ("127.0.0.1", "localhost")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def serve(app: Any) -> Iterator[str]:
    """``app`` served by uvicorn in a thread on a free local port; its base URL. The server
    stops when the block ends."""
    import uvicorn

    config = uvicorn.Config(app, host="127.0.0.1", port=free_port(), log_level="warning")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        assert thread.is_alive(), "the server stopped before it started"
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{config.port}"
    finally:
        server.should_exit = True
        thread.join()


def launch(playwright: Any) -> Any:
    """Chromium (the system's), headless."""
    return playwright.chromium.launch(executable_path=str(CHROMIUM))


def screenshots(name: str) -> Path:
    """The folder ``out/screenshots/<name>``, created."""
    folder = SHOTS / name
    folder.mkdir(parents=True, exist_ok=True)
    return folder


class Watch:
    """Console errors and requests off this machine, of every page attached. A console error
    whose text holds one of ``expected`` is not counted: Chromium logs the status of a
    document answered with an error (a refused save: 422, a refused page: 403), which a test
    may cause on purpose."""

    def __init__(self, expected: tuple[str, ...] = ()) -> None:
        self.expected = expected
        self.errors: list[str] = []
        self.offsite: list[str] = []

    def attach(self, page: Any) -> None:
        page.on("console", self._console)
        page.on("pageerror", lambda e: self.errors.append(str(e)))
        page.on("request", self._request)

    def _console(self, message: Any) -> None:
        if message.type == "error" and not any(e in message.text for e in self.expected):
            self.errors.append(message.text)

    def _request(self, request: Any) -> None:
        if request.url.startswith(("data:", "blob:")):
            return
        if urlsplit(request.url).hostname not in LOCAL_HOSTS:
            self.offsite.append(request.url)

    def assert_clean(self) -> None:
        assert self.errors == [], self.errors
        assert self.offsite == [], self.offsite


def sign_in(page: Any, base: str, name: str, at: str = "/signin") -> None:
    """Open ``at``, sign ``name`` in with the form, and wait to land where sign-in leads: the
    home page from ``/signin``, else ``at`` itself (which must first send to the form)."""
    page.goto(f"{base}{at}")
    if at != "/signin":
        assert "/signin" in page.url, f"{at} did not ask to sign in: {page.url}"
    page.fill("#username", name)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/" if at == "/signin" else f"{base}{at}")


def shot(page: Any, folder: Path, name: str) -> None:
    """A full-page screenshot ``<folder>/<name>.png`` once the page's requests have settled."""
    page.wait_for_load_state("networkidle")
    page.screenshot(path=str(folder / f"{name}.png"), full_page=True)
