"""Customer-driven commands: invoke an interaction object on demand, enter a journey at any
step, pause, resume, go back, exit, migrate to another version, update the profile.

Stated rules:

* **invoke** — the customer asked: eligibility and consent still apply; caps, quiet hours and
  holdouts do not, and the send does not count towards caps.
* **enter** — at any step (default: the first). Re-entry rules do not stop a customer who asks;
  a customer already in the journey moves to that step instead.
* **pause** — timers of the current wait stop (what was left is kept); goals and exits still
  apply; an awaited event that arrives while paused is remembered.
* **resume** — a wait whose event came while paused moves on at once; otherwise the wait goes
  on with the time that was left.
* **back** — to the step ``steps`` back (default 1) or to a named step visited before; the
  step is entered again, so what it does happens again (a new send, with a new key).
* **migrate** — explicit only: moves an instance to ``to_version`` at the same step (or the one
  ``step_map`` names); refused, and recorded, when that step does not exist there. A pending
  wait keeps its due time when the target step waits too.

A command that cannot apply (no such journey, not in it) is recorded as ``Command rejected``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from journeyscope.engine.core.actions import Command
from journeyscope.engine.core.sending import invoke
from journeyscope.engine.core.state import PAUSED, WAITING, Instance
from journeyscope.errors import JourneyscopeError

if TYPE_CHECKING:
    from journeyscope.engine.core.rules import Turn

#: ``by`` of a pause or resume that the whole journey's pause or resume sent.
JOURNEY = "journey"


def apply_command(turn: Turn, cmd: Command) -> None:
    handler = _HANDLERS.get(cmd.kind)
    if handler is None:
        turn.record("Command rejected", command=cmd.kind, reason="unknown command")
        return
    try:
        handler(turn, cmd.args)
    except JourneyscopeError as exc:
        turn.record("Command rejected", command=cmd.kind, reason=str(exc))


def _instance(turn: Turn, args: dict[str, Any] | Any, command: str) -> Instance | None:
    journey = str(args.get("journey", ""))
    inst = turn.state.instances.get(journey)
    if inst is None:
        turn.record(
            "Command rejected",
            command=command,
            journey=journey,
            reason="the customer is not in this journey",
        )
    return inst


def _invoke(turn: Turn, args: Any) -> None:
    obj = turn.program.catalogue.get(str(args["interaction"]), args.get("version"))
    turn.record(
        "Interaction invoked",
        channel=obj.channel,
        interaction=obj.name,
        interaction_version=obj.version,
    )
    invoke(turn, obj, None, None, "on demand", given=dict(args.get("input") or {}), on_demand=True)


def _enter(turn: Turn, args: Any) -> None:
    journey = turn.program.journey(str(args["journey"]))
    if journey.id in turn.paused:
        raise JourneyscopeError(f"journey {journey.id!r} is paused: nobody enters it now")
    step = args.get("step") or journey.start
    journey.step(step)
    inst = turn.state.instances.get(journey.id)
    if inst is not None:
        turn.end_wait(inst)
        turn.record("Journey moved", inst=inst, step=step, from_step=inst.step, by_customer=True)
        turn.run(inst, step, turn.now)
        return
    turn.enter(journey, turn.now, trigger="customer", step=step, by_customer=True)


def _pause(turn: Turn, args: Any) -> None:
    inst = _instance(turn, args, "pause")
    if inst is not None:
        pause_instance(turn, inst, by=args.get("by"))


def pause_instance(turn: Turn, inst: Instance, by: str | None = None) -> None:
    """Stop the current wait's timer, keeping the time left (``by``: ``"journey"`` when the
    whole journey was paused, so that resuming the journey resumes only those)."""
    if inst.status == PAUSED:
        return
    waiting = inst.waiting or {}
    if waiting.get("timer"):
        inst.remaining = max(0.0, float(waiting["due"]) - turn.now)
        timer_id = waiting["timer"]
        turn.drop_timers(lambda t: t.id != timer_id)
        waiting["timer"] = None
    inst.status, inst.paused_by = PAUSED, by
    extra: dict[str, Any] = {"by": by} if by else {}
    turn.record("Journey paused", inst=inst, step=inst.step, remaining=inst.remaining, **extra)


def _resume(turn: Turn, args: Any) -> None:
    inst = _instance(turn, args, "resume")
    if inst is None:
        return
    by = args.get("by")
    if by == JOURNEY and inst.paused_by != JOURNEY:
        return  # the journey's resume leaves alone what the customer paused (or never paused)
    if inst.status != PAUSED:
        turn.record("Command rejected", command="resume", journey=inst.journey, reason="not paused")
        return
    if by != JOURNEY and inst.journey in turn.paused:
        turn.record(
            "Command rejected",
            command="resume",
            journey=inst.journey,
            reason="the whole journey is paused; it resumes when the journey does",
        )
        return
    resume_instance(turn, inst, by)


def resume_instance(turn: Turn, inst: Instance, by: str | None = None) -> None:
    """A wait whose event came while paused moves on at once; else the wait goes on with the
    time that was left."""
    extra: dict[str, Any] = {"by": by} if by else {}
    turn.record("Journey resumed", inst=inst, step=inst.step, **extra)
    inst.paused_by = None
    step = turn.journey_of(inst).step(inst.step)
    waiting = inst.waiting or {}
    if inst.satisfied is not None:
        turn.end_wait(inst)
        turn.run(inst, step.spec.on_event or step.next, turn.now)
        return
    inst.status = WAITING
    if inst.remaining is not None:
        timer = turn.add_timer("wait", turn.now + inst.remaining, inst.journey)
        waiting.update(timer=timer.id, due=timer.due)
        inst.waiting, inst.remaining = waiting, None


def _back(turn: Turn, args: Any) -> None:
    inst = _instance(turn, args, "back")
    if inst is None:
        return
    path = inst.path
    target = args.get("to")
    if target is None:
        steps = int(args.get("steps", 1))
        if steps < 1 or steps >= len(path):
            turn.record(
                "Command rejected",
                command="back",
                inst=inst,
                reason=f"cannot go {steps} step(s) back from {inst.step!r} (path: {path})",
            )
            return
        cut = len(path) - 1 - steps
    else:
        earlier = [i for i, s in enumerate(path[:-1]) if s == target]
        if not earlier:
            turn.record(
                "Command rejected",
                command="back",
                inst=inst,
                reason=f"{target!r} is not an earlier step (path: {path})",
            )
            return
        cut = earlier[-1]
    target = path[cut]
    turn.end_wait(inst)
    inst.path = path[:cut]
    turn.record("Journey stepped back", inst=inst, step=target, from_step=inst.step)
    turn.run(inst, target, turn.now)


def _exit(turn: Turn, args: Any) -> None:
    inst = _instance(turn, args, "exit")
    if inst is not None:
        turn.finish(inst, "exited", str(args.get("reason") or "asked to leave"))


def _migrate(turn: Turn, args: Any) -> None:
    inst = _instance(turn, args, "migrate")
    if inst is None:
        return
    target = turn.program.journey(inst.journey, int(args["to_version"]))
    step_map = dict(args.get("step_map") or {})
    if args.get("from_version") is not None and int(args["from_version"]) != inst.version:
        turn.record(
            "Command rejected",
            command="migrate",
            inst=inst,
            reason=f"on version {inst.version}, not {args['from_version']}",
        )
        return
    new_step = step_map.get(inst.step, inst.step)
    if new_step not in target.steps:
        turn.record(
            "Journey not migrated",
            inst=inst,
            step=inst.step,
            to_version=target.version,
            reason=f"step {new_step!r} does not exist in version {target.version}",
        )
        return
    old_version, old_step = inst.version, inst.step
    keep_due = (inst.waiting or {}).get("due")
    turn.end_wait(inst)
    inst.version = target.version
    turn.record(
        "Journey migrated", inst=inst, step=new_step, from_version=old_version, from_step=old_step
    )
    new = target.step(new_step)
    if new.kind == "wait" and keep_due is not None and (new.duration or new.timeout or new.window):
        inst.step, inst.status = new_step, WAITING
        inst.path = [*inst.path, new_step]
        timer = turn.add_timer("wait", float(keep_due), inst.journey)
        inst.waiting = {
            "kind": "event" if new.awaited else "duration",
            "timer": timer.id,
            "due": timer.due,
        }
        return
    turn.run(inst, new_step, turn.now)


_PROFILE_KEYS = {"timezone", "marketing_consent", "opted_out", "opted_out_channels", "attributes"}


def _profile(turn: Turn, args: Any) -> None:
    changes = dict(args.get("set") or {})
    unknown = sorted(set(changes) - _PROFILE_KEYS)
    if unknown:
        turn.record(
            "Command rejected",
            command="profile",
            reason=f"unknown profile fields {unknown} (known: {sorted(_PROFILE_KEYS)})",
        )
        return
    if "timezone" in changes:
        from journeyscope.engine.core.localtime import zone
        from journeyscope.errors import JourneyDefinitionError

        try:
            zone(str(changes["timezone"]))
        except JourneyDefinitionError as exc:
            turn.record("Command rejected", command="profile", reason=str(exc))
            return
    turn.state.profile.update(changes)
    turn.record("Profile updated", fields=sorted(changes))
    turn.check_state_exits()  # an opt-out through the profile ends what it should


_HANDLERS = {
    "invoke": _invoke,
    "enter": _enter,
    "pause": _pause,
    "resume": _resume,
    "back": _back,
    "exit": _exit,
    "migrate": _migrate,
    "profile": _profile,
}
