"""The fuzz harness: mutations of valid inputs, a time budget per case, counts for the docs.

``JS_FUZZ_EXAMPLES`` sets Hypothesis' ``max_examples`` per test (default 12, so the folder
runs well under a minute; ``make fuzz`` raises it). Each case runs under a budget of
``JS_FUZZ_BUDGET`` seconds (default 30): an alarm fails a case stuck in Python, and a
faulthandler watchdog ends the whole run, with every thread's stack, when a case is stuck in
native code. The budget catches hangs; it is not a speed requirement.
"""

from __future__ import annotations

import faulthandler
import json
import os
import signal
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

EXAMPLES = int(os.environ.get("JS_FUZZ_EXAMPLES", "12"))
BUDGET = float(os.environ.get("JS_FUZZ_BUDGET", "30"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

#: inputs tried and outcomes, per target: written to $JS_FUZZ_REPORT at the end of the run
TALLY: Counter[tuple[str, str]] = Counter()


class Hang(Exception):
    """A fuzz case ran past its time budget."""


@contextmanager
def budget(target: str) -> Iterator[None]:
    def alarm(signum: int, frame: FrameType | None) -> None:
        raise Hang(f"{target}: one case ran longer than the {BUDGET:g} s budget")

    previous = signal.signal(signal.SIGALRM, alarm)
    signal.setitimer(signal.ITIMER_REAL, BUDGET)
    faulthandler.dump_traceback_later(BUDGET * 2, exit=True)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        faulthandler.cancel_dump_traceback_later()


TOKENS = [
    b"\n",
    b"\r\n",
    b",",
    b";",
    b'"',
    b"'",
    b"\t",
    b"\x00",
    b"\xff\xfe",
    b"\xc3",
    b"{",
    b"}",
    b"[",
    b"]",
    b":",
    b"<",
    b">",
    b"</trace>",
    b"<event>",
    b"</event>",
    b"<trace>",
    b'<int key="n" value="9223372036854775808"/>',
    b'<float key="f" value="1,5"/>',
    b'<int key="i" value="1.0"/>',
    b"&amp;",
    b"&x;",
    b"<!ENTITY x 'y'>",
    b"null",
    b"1e400",
    b"-infinity",
    b"epoch",
    b"+25:00",
    b"NaN",
    b'"x":',
    b"9" * 30,
    b"A" * 5000,
]


@st.composite
def mutated(draw: st.DrawFn, seed: bytes) -> bytes:
    """``seed`` with a few random edits: byte flips, cuts, token insertions, repeats."""
    data = bytearray(seed)
    for _ in range(draw(st.integers(1, 6))):
        op = draw(st.sampled_from(["flip", "cut", "insert", "repeat", "truncate"]))
        at = draw(st.integers(0, max(len(data) - 1, 0)))
        if op == "flip" and data:
            data[at] = draw(st.integers(0, 255))
        elif op == "cut":
            del data[at : at + draw(st.integers(1, 40))]
        elif op == "insert":
            data[at:at] = draw(st.sampled_from(TOKENS))
        elif op == "repeat":
            span = bytes(data[at : at + draw(st.integers(1, 80))])
            data[at:at] = span * draw(st.integers(1, 5))
        else:
            del data[at:]
    return bytes(data)


def write_tally() -> None:
    path = os.environ.get("JS_FUZZ_REPORT")
    if not path:
        return
    out: dict[str, dict[str, int]] = {}
    for (target, outcome), n in sorted(TALLY.items()):
        out.setdefault(target, {})[outcome] = n
    Path(path).write_text(json.dumps(out, indent=2) + "\n")
