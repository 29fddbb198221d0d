"""Pausing a whole journey: what it means, inside the pure transition.

A journey is paused as a whole by an operator (``journeyscope`` console, ``POST
/v1/journeys/{id}/pause``); the flag lives in the ``journey_controls`` table
(:mod:`~journeyscope.engine.journey_controls`), read by workers in each batch, and reaches
the rules as
:attr:`Rules.paused <journeyscope.engine.core.rules.Rules.paused>`. While a journey is paused:

* **nobody enters it**: triggers (reactive and proactive) are recorded as ``Trigger ignored``
  with the reason ``journey paused``; a customer's ``enter`` command is rejected;
* **nothing of it is sent**: every running instance is paused exactly as a customer's own
  pause does (the current wait's timer stops and keeps the time left; an awaited event that
  arrives is remembered; goals and exits still apply), marked ``paused_by: journey``; a send
  that would still come from it (a deferred send coming due, a step run by an operator's
  migrate) is recorded as ``Interaction suppressed`` with the reason ``journey paused`` and
  not made later. What a customer invokes on demand is not the journey's and still goes out;
* **resuming** the journey resumes the instances it paused, each as a customer's resume does
  (the wait goes on with the time that was left, or moves on at once if its event came);
  instances the customer paused stay paused, and a customer cannot resume an instance while
  its journey is paused.

The switch reaches running instances two ways: the console sends one ``pause`` (or
``resume``) command with ``by: journey`` per running customer, so timers stop at once; and
:func:`hold`, run at the start and the end of every turn, pauses (or resumes) any instance
that the commands missed (one that entered while the flag was travelling to the workers).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from journeyscope.engine.core.commands import JOURNEY, pause_instance, resume_instance
from journeyscope.engine.core.state import PAUSED

if TYPE_CHECKING:
    from journeyscope.engine.core.rules import Turn


def hold(turn: Turn) -> None:
    """Bring the customer's instances in line with the journeys' pause switches."""
    for inst in list(turn.state.instances.values()):
        if turn.state.instances.get(inst.journey) is not inst:
            continue
        if inst.journey in turn.paused:
            if inst.status != PAUSED:
                pause_instance(turn, inst, by=JOURNEY)
        elif inst.status == PAUSED and inst.paused_by == JOURNEY:
            resume_instance(turn, inst, by=JOURNEY)
