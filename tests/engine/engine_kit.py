"""Helpers for the engine tests: programs from YAML text, timelines, test implementations.

Functions named ``*_impl`` are interaction-object implementations the test programs point at
(``engine_kit:recording_impl``); this folder is on ``sys.path`` in tests and subprocesses.
"""

from __future__ import annotations

import json
import threading
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from journeyscope.engine.core.actions import Action, Command, Event, Record, Send
from journeyscope.engine.core.clock import at
from journeyscope.engine.core.interactions import (
    DeliveryContext,
    InteractionCatalogue,
    InteractionSpec,
)
from journeyscope.engine.core.journeys import JourneySpec
from journeyscope.engine.core.policy import ContactPolicy
from journeyscope.engine.core.program import Program
from journeyscope.engine.core.rules import Rules
from journeyscope.engine.core.state import CustomerState
from journeyscope.errors import DeliveryError

if TYPE_CHECKING:  # the runtime is imported where it is used: worker processes load this kit
    from journeyscope.engine.clock import FakeClock
    from journeyscope.engine.store import EngineStore
    from journeyscope.engine.worker import Worker

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = REPO / "examples" / "orchestration"
#: a small journey: a receipt, then a reminder unless documents come within two days
FLOW = """
journey: apply
version: 1
triggers: [{event: Start}]
steps:
  welcome: {invoke: receipt, next: wait}
  wait: {wait: {event: Upload documents, timeout: 2d}, on_timeout: remind}
  remind: {invoke: remind}
"""

OBJECTS = """
- {name: remind, category: service, channel: email, value: 3,
   outcome: {event: Upload documents, within: 3d}}
- {name: sms_remind, category: service, channel: sms, value: 3}
- {name: legal, category: mandatory, channel: letter}
- {name: receipt, category: transactional, channel: email}
- {name: offer, category: marketing, channel: email, value: 4}
- {name: chat, category: service, channel: chat, value: 2,
   eligibility: "event.channel in ('web', 'app')",
   outcome: {event: Upload documents, within: 2d}}
- {name: article, category: service, channel: web, value: 1,
   weights: [{when: "event.properties.segment == 'digital first'", weight: 3}],
   outcome: {event: Upload documents, within: 2d}}
- name: case
  category: service
  channel: case
  input: {customer_id: str, reason: str}
  output: {status: str, reference: str | None}
"""

#: The smallest journey that sends: enter on ``Start``, send ``receipt``, end.
RECEIPT = """
journey: apply
version: 1
triggers: [{event: Start}]
steps:
  welcome: {invoke: receipt}
"""


def program(
    *journeys: str, policy: dict[str, Any] | None = None, objects: str = OBJECTS
) -> Program:
    """A program from journey YAML texts, the test objects and a policy (default: none)."""
    specs = [JourneySpec.model_validate(yaml.safe_load(j)) for j in journeys]
    catalogue = InteractionCatalogue(
        [InteractionSpec.model_validate(o) for o in yaml.safe_load(objects)]
    )
    return Program.build(specs, catalogue, ContactPolicy.model_validate(policy or {}))


def ev(customer: str, activity: str, when: str, n: int | str = "", **props: Any) -> Event:
    channel = props.pop("channel", "web")
    return Event(f"{customer}:{activity}:{when}:{n}", customer, activity, at(when), channel, props)


def cmd(customer: str, kind: str, when: str, **args: Any) -> Command:
    return Command(f"cmd:{customer}:{kind}:{when}", customer, kind, at(when), args)


def deployed_store(
    url: str, *journeys: str, now: str = "2025-05-05T09:00:00+00:00", partitions: int = 4
) -> tuple[EngineStore, FakeClock]:
    """An engine store at ``url`` on a fake clock set to ``now``, with a program of the
    journey YAML texts (the test objects, no policy) deployed; the store and its clock."""
    from journeyscope.engine.clock import FakeClock
    from journeyscope.engine.store import EngineStore

    clock = FakeClock(at(now))
    store = EngineStore(url, clock=clock, partitions=partitions)
    store.deploy(program(*journeys))
    return store, clock


def inline_worker(store: EngineStore) -> Worker:
    """A worker that works only when the test calls ``drain()``, in the test's thread: it
    sends nothing and re-reads the deployed program and the journeys' switches every time."""
    from journeyscope.engine.worker import Worker

    return Worker(store, dispatch=False, reload_every=0.0)


class Timeline:
    """Feeds inputs through the rules for one customer, with a clock that jumps."""

    def __init__(self, prog: Program, customer: str = "c1") -> None:
        self.rules = Rules(prog)
        self.state = CustomerState(customer)
        self.actions: list[Action] = []

    def feed(self, item: Event | Command, now: float | None = None) -> list[Action]:
        before = self.state.to_json()
        new, actions = self.rules(self.state, item, item.timestamp if now is None else now)
        assert self.state.to_json() == before, "the transition changed its input state"
        self.state = new
        self.actions += actions
        return actions

    def tick(self, when: str) -> list[Action]:
        from journeyscope.engine.core.actions import Tick

        new, actions = self.rules(self.state, Tick(), at(when))
        self.state = new
        self.actions += actions
        return actions

    def records(self, activity: str | None = None) -> list[Record]:
        return [
            a
            for a in self.actions
            if isinstance(a, Record) and (activity is None or a.activity == activity)
        ]

    def sends(self) -> list[Send]:
        return [a for a in self.actions if isinstance(a, Send)]


# ----------------------------------------------------------------- test implementations

_lock = threading.Lock()
CALLS: Counter[str] = Counter()
FAILURES: dict[str, int] = {}


def recording_impl(payload: Any, context: DeliveryContext) -> dict[str, Any]:
    with _lock:
        CALLS[context.idempotency_key] += 1
    return {"status": "ok", "reference": context.idempotency_key}


ATTEMPTS: list[tuple[str, int]] = []


def attempt_impl(payload: Any, context: DeliveryContext) -> dict[str, Any]:
    """Records (key, attempt number) of every call."""
    with _lock:
        ATTEMPTS.append((context.idempotency_key, context.attempt))
    return {"status": "ok"}


#: An object whose implementation fails the first ``FAILURES[customer]`` attempts.
FLAKY = """
- {name: flaky, category: transactional, channel: email,
   implementation: {python: "engine_kit:flaky_impl"}}
"""


def flaky_impl(payload: Any, context: DeliveryContext) -> dict[str, Any]:
    """Fails the first ``FAILURES[customer]`` attempts for that customer."""
    with _lock:
        CALLS[context.idempotency_key] += 1
    if context.attempt <= FAILURES.get(context.customer_id, 0):
        raise DeliveryError(f"temporarily down (attempt {context.attempt})")
    return {"status": "ok"}


def broken_impl(payload: Any, context: DeliveryContext) -> dict[str, Any]:
    raise DeliveryError("rejected: no such mailbox", permanent=True)


class Receiver:
    """An HTTP webhook receiver that applies each idempotency key once and counts calls."""

    def __init__(self) -> None:
        self.calls: Counter[str] = Counter()
        self.effects: dict[str, dict[str, Any]] = {}
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"  # keep connections alive

            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                key = self.headers["Idempotency-Key"]
                with _lock:
                    receiver.calls[key] += 1
                    receiver.effects.setdefault(key, body)  # the effect happens once per key
                out = json.dumps({"status": "ok", "reference": key}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(out)))
                self.end_headers()
                self.wfile.write(out)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join()


# -------------------------------------------------------------------- worker processes


class WorkerProcess:
    """``journeyscope worker`` in a subprocess, its output kept for the failure message."""

    def __init__(
        self,
        url: str,
        worker_id: str,
        folder: Path,
        *,
        failpoint: str = "",
        lease_ttl: float = 2.0,
        batch_size: int = 200,
    ) -> None:
        import os
        import subprocess
        import sys

        self.log = folder / f"{worker_id}-{os.urandom(3).hex()}.log"
        # this folder (test implementations) and the package the tests import (the source
        # tree under test, not whatever an installed copy points at)
        import journeyscope

        paths = [str(Path(__file__).parent), str(Path(journeyscope.__file__).parents[1])]
        env = os.environ | {"PYTHONPATH": os.pathsep.join(paths)}
        env.pop("JOURNEYSCOPE_FAILPOINT", None)
        if failpoint:
            env["JOURNEYSCOPE_FAILPOINT"] = failpoint
        self._out = self.log.open("w")
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "journeyscope",
                "worker",
                "--database-url",
                url,
                "--worker-id",
                worker_id,
                "--lease-ttl",
                str(lease_ttl),
                "--batch-size",
                str(batch_size),
            ],
            stdout=self._out,
            stderr=subprocess.STDOUT,
            env=env,
        )

    def alive(self) -> bool:
        return self.proc.poll() is None

    def kill(self) -> None:
        """SIGKILL: no clean-up of any kind."""
        self.proc.kill()
        self.wait()

    def wait(self) -> int:
        code = self.proc.wait()
        self._out.close()
        return code

    def stop(self) -> int:
        """SIGTERM and wait: the worker finishes its step and hands its partitions back."""
        if self.alive():
            self.proc.terminate()
        return self.wait()

    def output(self) -> str:
        return self.log.read_text(errors="replace")[-3000:]


def wait_until(
    condition: Any, workers: list[WorkerProcess], what: str, stall: float = 180.0
) -> None:
    """Poll ``condition()`` (it returns progress: any comparable value, or True when done)
    while the workers live. Not a time limit: it fails only when a worker dies or when
    nothing at all has moved for ``stall`` seconds (something is stuck)."""
    import time

    last, moved = None, time.monotonic()
    while True:
        progress = condition()
        if progress is True:
            return
        if progress != last:
            last, moved = progress, time.monotonic()
        dead = [w for w in workers if not w.alive()]
        if dead:
            raise AssertionError(
                f"{what}: a worker exited (code {dead[0].proc.returncode}):\n{dead[0].output()}"
            )
        if time.monotonic() - moved > stall:
            raise AssertionError(
                f"{what}: no progress for {stall:.0f} s (at {progress}):\n"
                + "\n".join(w.output() for w in workers)
            )
        time.sleep(0.05)
