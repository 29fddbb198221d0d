"""The simulator (engine/simulator.py): the engine's rules on a simulated clock, in memory.
Inputs are applied in time order whatever order they come in; a timer fires when its time
comes, unless an event cancelled it; the output is the same every time."""

from __future__ import annotations

from engine_kit import FLOW, ev, program

from journeyscope.engine.core.actions import Record, Send
from journeyscope.engine.core.clock import at
from journeyscope.engine.simulator import Simulator, action_json

DAY = 86400.0


def _inputs() -> list:  # type: ignore[type-arg]
    return [
        ev("late", "Start", "2025-05-05T12:00:00+00:00", 2),
        ev("quick", "Upload documents", "2025-05-06T09:00:00+00:00", 3),  # before its timeout
        ev("quick", "Start", "2025-05-05T09:00:00+00:00", 1),  # given last, happened first
    ]


def _sends(actions: list) -> list[tuple[str, str, float]]:  # type: ignore[type-arg]
    return [(a.customer_id, a.interaction, a.at) for a in actions if isinstance(a, Send)]


def test_inputs_in_time_order_and_timers_when_due_unless_cancelled() -> None:
    start = at("2025-05-05T09:00:00+00:00")
    actions = list(Simulator(program(FLOW)).run(_inputs(), until=start + 5 * DAY))
    assert _sends(actions) == [
        ("quick", "receipt", start),
        ("late", "receipt", start + 3 * 3600),
        ("late", "remind", start + 3 * 3600 + 2 * DAY),  # quick uploaded: no reminder
    ]
    records = [a for a in actions if isinstance(a, Record)]
    assert [r.at for r in records] == sorted(r.at for r in records), "the clock never goes back"


def test_a_timer_past_until_does_not_fire_yet() -> None:
    start = at("2025-05-05T09:00:00+00:00")
    simulator = Simulator(program(FLOW))
    early = list(simulator.run(_inputs(), until=start + DAY))
    assert [s[1] for s in _sends(early)] == ["receipt", "receipt"]
    assert simulator.state("late").wake_at == start + 3 * 3600 + 2 * DAY
    later = list(simulator.advance(start + 3 * DAY))
    assert _sends(later) == [("late", "remind", start + 3 * 3600 + 2 * DAY)]


def test_the_output_is_the_same_every_time_and_prints_as_json() -> None:
    until = at("2025-05-12T00:00:00+00:00")
    first = [action_json(a) for a in Simulator(program(FLOW)).run(_inputs(), until=until)]
    again = [action_json(a) for a in Simulator(program(FLOW)).run(_inputs(), until=until)]
    assert first == again and first
    kinds = {a["type"] for a in first}
    assert {"record", "send"} <= kinds
    timed = [a for a in first if a["type"] in ("record", "send")]
    assert all(a["timestamp"].startswith("2025-05-") for a in timed)
