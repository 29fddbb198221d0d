"""``journeyscope serve`` end to end: a real uvicorn process, an API key from the command line,
events in, state out; stopped cleanly."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "orchestration"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.mark.slow
def test_serve_accepts_events_and_answers_with_state(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'engine.sqlite'}"
    cli = [sys.executable, "-m", "journeyscope"]
    deployed = subprocess.run(
        [*cli, "engine", "deploy", str(EXAMPLES), "--database-url", url],
        capture_output=True,
        text=True,
        check=False,
    )
    assert deployed.returncode == 0, deployed.stderr
    key = subprocess.run(
        [*cli, "engine", "api-key", "test", "--scope", "admin", "--database-url", url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    port = _free_port()
    log = (tmp_path / "serve.log").open("w")
    server = subprocess.Popen(
        [*cli, "serve", "--database-url", url, "--port", str(port)],
        stdout=log,
        stderr=subprocess.STDOUT,
        env=os.environ.copy(),
    )
    try:
        base = f"http://127.0.0.1:{port}"
        while True:  # wait for it to listen (or to die)
            assert server.poll() is None, (tmp_path / "serve.log").read_text()
            try:
                if httpx.get(f"{base}/healthz").status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.2)
        headers = {"X-API-Key": key}
        now = time.time()
        body = {
            "events": [
                {
                    "event_id": "e1",
                    "customer_id": "acct:A1",
                    "timestamp": now,
                    "activity": "Sign loan agreement",
                    "channel": "app",
                }
            ]
        }
        accepted = httpx.post(f"{base}/v1/events", json=body, headers=headers)
        assert accepted.status_code == 202 and accepted.json()["accepted"] == 1
        state = httpx.get(f"{base}/v1/customers/acct:A1", headers=headers).json()
        assert state["instances"]["loan-after-signing"]["step"] == "wait-for-funds"
        journeys = httpx.get(f"{base}/v1/journeys", headers=headers).json()
        assert {j["journey"] for j in journeys} >= {"tenancy-documents", "loan-after-signing"}
    finally:
        server.send_signal(signal.SIGTERM)
        code = server.wait()
        log.close()
    # uvicorn shuts down gracefully, then re-raises the signal it caught
    output = (tmp_path / "serve.log").read_text()
    assert code in (0, -signal.SIGTERM) and "Application shutdown complete" in output, output


def test_serve_hands_its_settings_to_the_app_not_to_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import uvicorn
    from typer.testing import CliRunner

    from journeyscope.cli import app as cli

    ran: dict[str, Any] = {}
    monkeypatch.setattr(uvicorn, "run", lambda app, **options: ran.update(app=app, **options))
    monkeypatch.delenv("JOURNEYSCOPE_DATABASE_URL", raising=False)
    monkeypatch.delenv("JOURNEYSCOPE_EMBEDDED_WORKER", raising=False)
    url = f"sqlite:///{tmp_path / 'engine.sqlite'}"
    args = ["serve", "--database-url", url, "--port", "8123", "--no-embedded-worker"]
    before = signal.getsignal(signal.SIGTERM)
    try:
        result = CliRunner().invoke(cli, [*args, "--public-docs"])
    finally:
        signal.signal(signal.SIGTERM, before)  # serve sets its own handler
    assert result.exit_code == 0, result.output
    served = ran["app"]
    assert (served.state.settings.database_url, ran["port"]) == (url, 8123)
    assert served.state.public_docs is True
    assert "JOURNEYSCOPE_DATABASE_URL" not in os.environ
    assert "JOURNEYSCOPE_EMBEDDED_WORKER" not in os.environ
    with TestClient(served) as client:  # the lifespan opens the store the settings name
        assert client.get("/healthz").json()["embedded_worker"] is False
