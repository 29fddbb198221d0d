"""``journeyscope serve`` stops cleanly on SIGTERM (issue 11: within 10 s), losing nothing.

A real server process with its embedded worker gets events, then SIGTERM while the worker is
still busy with them (and, in one case, with a poison event whose transition raises). It must
exit with status 0; every event it accepted must be processed, or still in the inbox, where a
worker started afterwards processes it. The time from SIGTERM to exit is printed (``-s``),
not asserted: the only limit is a hang guard of 60 s, far above the 10 s the server allows
itself (the worker's 8 s stop, then the close).
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from journeyscope.engine import deadletters
from journeyscope.engine.store import EngineStore
from journeyscope.engine.worker import Worker

pytestmark = pytest.mark.slow

COUNT = """\
journey: count
version: 1
triggers: [{event: Start}]
steps:
  first: {set: {n: "event.properties.count + 1"}, next: wait}
  wait: {wait: {duration: 1d}, next: end}
"""
CUSTOMERS = 600
HANG = 60.0  # seconds: past this the server is taken to hang
START_GUARD = 300.0  # seconds to start listening (a loaded machine is slow to import)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _cli(*args: str, cwd: Path) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "journeyscope", *args],
        capture_output=True,
        text=True,
        check=False,
        cwd=cwd,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def _start(tmp_path: Path, url: str) -> tuple[subprocess.Popen[bytes], str]:
    port = _free_port()
    log = (tmp_path / "serve.log").open("w")
    env = {**os.environ, "JOURNEYSCOPE_STORE": str(tmp_path / "store.duckdb")}
    server = subprocess.Popen(
        [sys.executable, "-m", "journeyscope", "serve", "--database-url", url, "--port", str(port)],
        stdout=log,
        stderr=subprocess.STDOUT,
        env=env,
        cwd=tmp_path,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + START_GUARD
    while True:  # wait for it to listen (or to die)
        if server.poll() is not None or time.monotonic() > deadline:
            server.kill()
            server.wait()
            log.close()
            pytest.fail("serve did not start:\n" + (tmp_path / "serve.log").read_text())
        try:
            if httpx.get(f"{base}/healthz").status_code == 200:
                log.close()  # the child keeps its own descriptor
                return server, base
        except httpx.TransportError:
            time.sleep(0.2)


@pytest.mark.parametrize("poison", [False, True], ids=["clean", "poison-in-flight"])
def test_sigterm_stops_serve_cleanly_and_loses_no_accepted_event(
    tmp_path: Path, poison: bool
) -> None:
    url = f"sqlite:///{tmp_path / 'engine.sqlite'}"
    journeys = tmp_path / "journeys"
    journeys.mkdir()
    (journeys / "count.yaml").write_text(COUNT)
    _cli("engine", "deploy", str(journeys), "--database-url", url, cwd=tmp_path)
    key = _cli("engine", "api-key", "t", "--scope", "admin", "--database-url", url, cwd=tmp_path)
    server, base = _start(tmp_path, url)
    counts = {f"acct:c{i}": i for i in range(CUSTOMERS)}
    if poison:
        counts["acct:poison"] = "not a number"  # type: ignore[assignment]
    accepted: set[str] = set()
    try:
        now = time.time()
        items = [
            {
                "event_id": f"e-{customer}",
                "customer_id": customer,
                "activity": "Start",
                "timestamp": now,
                "properties": {"count": count},
            }
            for customer, count in counts.items()
        ]
        if poison:  # the poison goes in with the last batch: in flight at SIGTERM
            items.insert(len(items) - 50, items.pop())
        for start in range(0, len(items), 100):
            batch = items[start : start + 100]
            answer = httpx.post(
                f"{base}/v1/events",
                json={"events": batch},
                headers={"X-API-Key": key},
                timeout=HANG,
            )
            assert answer.status_code == 202, answer.text
            assert answer.json()["accepted"] == len(batch)
            accepted |= {e["event_id"] for e in batch}
    finally:
        signalled = time.monotonic()
        server.send_signal(signal.SIGTERM)
        try:
            code = server.wait(timeout=HANG)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
            pytest.fail(f"serve did not stop within {HANG:.0f} s of SIGTERM: a hang")
        took = time.monotonic() - signalled
    log = (tmp_path / "serve.log").read_text()
    assert code == 0, log
    assert "Traceback" not in log, log
    with EngineStore(url) as store:
        left = store.pending()
        print(
            f"\nserve stopped {took:.2f} s after SIGTERM; {len(accepted)} events accepted, "
            f"{left} still in the inbox for the next worker"
        )
        worker = Worker(store)  # what a restart does: the rest of the inbox
        worker.drain()
        worker.close()
        assert store.pending() == 0
        for customer, count in counts.items():
            state = store.state(customer)
            if customer == "acct:poison":
                assert state is None or not state.instances
                continue
            assert state is not None, f"{customer}: accepted, then lost"
            assert state.instances["count"].vars["n"] == count + 1
        failed = deadletters.listing(store)
        assert [f["customer_id"] for f in failed] == (["acct:poison"] if poison else [])
