"""The pure transition: ``Rules(program, knowledge)(state, input, now) -> (state, actions)``.

Nothing here touches a database, a network or the clock: the same state, input and ``now``
always give the same new state and the same actions (ids included), which is what makes
replays, simulations and crash recovery exact. The input state is never modified.

Stated policies (see also docs/engine.md):

* **Event time.** An event is evaluated at its own time ``t = min(event time, now)``: timers
  due at or before ``t`` fire first, and waits started by the event count from ``t``. Sends
  happen at ``now`` (the engine cannot act in the past) and the contact policy judges ``now``.
* **Late and out-of-order events** (older than the latest event already seen) are applied in
  arrival order: goals, exits, waits and outcomes react to them as to any event; what was
  already done is not undone. An event older than the lateness horizon (policy ``lateness``,
  or the journey's) starts no journey and no proactive trigger.
* **Goals and exits** are checked the moment an event arrives, whatever the customer is
  waiting for, paused or not.
"""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from journeyscope.engine.core.actions import Action, Command, Event, Learn, Record, Tick
from journeyscope.engine.core.commands import apply_command
from journeyscope.engine.core.conditions import View
from journeyscope.engine.core.decisions import Knowledge
from journeyscope.engine.core.holdouts import in_holdout, variant
from journeyscope.engine.core.journey_pause import hold
from journeyscope.engine.core.journeys import END, OrchestratedJourney, OrchestratedStep
from journeyscope.engine.core.localtime import add, zone
from journeyscope.engine.core.program import Program
from journeyscope.engine.core.sending import decide, deliver, invoke
from journeyscope.engine.core.state import (
    ACTIVE,
    COMPLETED,
    EXITED,
    GOAL,
    PAUSED,
    WAITING,
    CustomerState,
    Instance,
    Timer,
)
from journeyscope.errors import JourneyscopeError

MAX_STEPS = 200  # steps run in one turn before a journey is stopped as a loop
MAX_PATH = 50  # steps remembered for "back"
SOURCE = "journeyscope-engine"


class Rules:
    """The transition function, bound to a program and the current propensity knowledge."""

    def __init__(self, program: Program, knowledge: Knowledge | None = None) -> None:
        self.program = program
        self.knowledge = knowledge if knowledge is not None else Knowledge()
        #: journeys paused as a whole (:mod:`~journeyscope.engine.core.journey_pause`)
        self.paused: frozenset[str] = frozenset()

    def __call__(
        self, state: CustomerState, item: Event | Command | Tick, now: float
    ) -> tuple[CustomerState, list[Action]]:
        turn = Turn(self, state.copy(), now)
        turn.apply(item)
        return turn.state, turn.actions


class Turn:
    """One application of the rules: a working copy of the state and the actions so far."""

    def __init__(self, rules: Rules, state: CustomerState, now: float) -> None:
        self.program = rules.program
        self.policy = rules.program.policy
        self.knowledge = rules.knowledge
        self.paused = rules.paused
        self.state = state
        self.now = now
        self.actions: list[Action] = []
        self.event: Event | None = None
        self.cause: str | None = None
        self._event_view: View | None = None

    # ------------------------------------------------------------------------- plumbing

    def record(
        self,
        activity: str,
        *,
        at: float | None = None,
        channel: str | None = None,
        inst: Instance | None = None,
        **properties: Any,
    ) -> None:
        if inst is not None:
            properties.setdefault("journey", inst.journey)
            properties.setdefault("version", inst.version)
        if self.cause is not None:
            properties.setdefault("cause", self.cause)
        self.actions.append(
            Record(
                event_id=self.state.next_id("r"),
                customer_id=self.state.customer_id,
                at=self.now if at is None else at,
                activity=activity,
                channel=channel,
                case_id=f"{self.state.customer_id}/{inst.case_id}" if inst is not None else None,
                properties=properties,
            )
        )

    def names(self, inst: Instance | None = None) -> dict[str, Any]:
        if self._event_view is None:
            e = self.event
            self._event_view = View(
                {}
                if e is None
                else {
                    "event_id": e.event_id,
                    "activity": e.activity,
                    "channel": e.channel,
                    "timestamp": e.timestamp,
                    "properties": e.properties,
                }
            )
        return {
            "event": self._event_view,
            "profile": View(self.state.profile),
            "journey": View(inst.vars if inst is not None else {}),
            "customer_id": self.state.customer_id,
            "now": self.now,
        }

    def tz(self, journey: OrchestratedJourney | None = None) -> ZoneInfo:
        name = self.state.profile.get("timezone") or (journey.spec.timezone if journey else None)
        return zone(str(name or self.policy.timezone))

    def add_timer(self, kind: str, due: float, journey: str | None, **data: Any) -> Timer:
        timer = Timer(self.state.next_id("t"), due, kind, journey, data)
        self.state.timers.append(timer)
        return timer

    def drop_timers(self, keep: Any) -> None:
        self.state.timers = [t for t in self.state.timers if keep(t)]

    def journey_of(self, inst: Instance) -> OrchestratedJourney:
        return self.program.journey(inst.journey, inst.version)

    def owner(self, timer: Timer) -> Instance | None:
        """The instance a deferred send belongs to: the running one if it is the same entry,
        else the ended one, rebuilt from what the timer kept (journey, version, entry)."""
        if not timer.journey:
            return None
        d, current = timer.data, self.state.instances.get(timer.journey)
        entry = d.get("entry")
        if current is not None and (entry is None or current.entry == entry):
            return current
        if entry is None:
            return None
        at = float(d["entered_at"])
        step = d.get("step") or ""
        version = int(d["journey_version"])
        return Instance(timer.journey, version, entry, step, "ended", at, at, holdout=d["holdout"])

    def check_state_exits(self, only: Instance | None = None) -> None:
        """Exits that name no event (``when: "profile.opted_out"``) are conditions on the
        state: checked at entry, before a timer moves an instance on, after timer turns and
        after profile changes, not only when an event arrives."""
        for inst in [only] if only is not None else list(self.state.instances.values()):
            if self.state.instances.get(inst.journey) is not inst:
                continue
            for label, pattern in self.journey_of(inst).exits:
                state_only = pattern.any_activity and not pattern.channels
                if state_only and pattern.when is not None and pattern.when(self.names(inst)):
                    self.finish(inst, EXITED, f"exit: {label}")
                    break

    # ---------------------------------------------------------------------------- inputs

    def apply(self, item: Event | Command | Tick) -> None:
        self.state.applied += 1
        hold(self)
        self._apply(item)
        hold(self)

    def _apply(self, item: Event | Command | Tick) -> None:
        if isinstance(item, Event):
            self.on_event(item)
        elif isinstance(item, Command):
            self.cause = item.command_id
            apply_command(self, item)
        else:
            self.fire_due(self.now)
            self.check_state_exits()

    def on_event(self, e: Event) -> None:
        t = min(e.timestamp, self.now)
        self.fire_due(t)
        self.event, self.cause, self._event_view = e, e.event_id, None
        state = self.state
        late = state.watermark is not None and e.timestamp < state.watermark
        state.watermark = (
            e.timestamp if state.watermark is None else max(state.watermark, e.timestamp)
        )
        self.update_profile(e)
        self.match_timers(e)
        for inst in list(state.instances.values()):
            self.check_instance(inst, e, t)
        if self.now - e.timestamp <= self.policy.lateness_seconds:
            for journey in self.program.triggered_by(e.activity):
                self.consider_triggers(journey, e, t)
        elif self.program.triggered_by(e.activity):
            self.record(
                "Trigger ignored",
                reason="event older than the lateness horizon",
                event_activity=e.activity,
                late=late,
            )

    def update_profile(self, e: Event) -> None:
        props, profile, consent = e.properties, self.state.profile, self.policy.consent
        tz = props.get("timezone")
        if isinstance(tz, str) and tz != profile.get("timezone"):
            try:
                zone(tz)
                profile["timezone"] = tz
            except JourneyscopeError:
                self.record("Profile not updated", reason=f"unknown time zone {tz!r}")
        if e.activity in consent.opt_out_events:
            channel = props.get("opt_out_channel")
            if isinstance(channel, str):
                profile["opted_out_channels"] = sorted(
                    {*profile.get("opted_out_channels", []), channel}
                )
            else:
                profile["opted_out"] = True
            self.record("Consent changed", opted_out=channel or "all")
        elif e.activity in consent.opt_in_events:
            profile["marketing_consent"] = True
            self.record("Consent changed", marketing_consent=True)

    def match_timers(self, e: Event) -> None:
        """Outcome windows and proactive watches that this event closes."""
        kept: list[Timer] = []
        for timer in self.state.timers:
            if timer.kind == "outcome" and e.activity in timer.data["events"]:
                self.actions.append(Learn(timer.data["interaction"], timer.data["context"], True))
                self.record(
                    "Interaction outcome",
                    interaction=timer.data["interaction"],
                    success=True,
                    context=timer.data["context"],
                    sent=timer.data["sent"],
                )
                continue
            if timer.kind == "watch" and timer.journey is not None:
                watch = self.program.journey(timer.journey, timer.data["version"]).watches[
                    timer.data["watch"]
                ]
                if watch.expect.activity_matches(e.activity):
                    continue
            kept.append(timer)
        self.state.timers = kept

    def check_instance(self, inst: Instance, e: Event, t: float) -> None:
        journey = self.journey_of(inst)
        names = None
        needs = any(p.when is not None for _, p in journey.goals + journey.exits)
        if needs:
            names = self.names(inst)
        for label, pattern in journey.goals:
            if pattern.matches(e.activity, e.channel, names):
                self.finish(inst, GOAL, f"goal reached: {label}")
                return
        for label, pattern in journey.exits:
            if pattern.matches(e.activity, e.channel, names):
                self.finish(inst, EXITED, f"exit: {label}")
                return
        waiting = inst.waiting
        if waiting is None or waiting.get("kind") != "event":
            return
        step = journey.step(inst.step)
        assert step.awaited is not None
        if not step.awaited.matches(
            e.activity, e.channel, self.names(inst) if step.awaited.when else None
        ):
            return
        if inst.status == PAUSED:
            inst.satisfied = e.event_id
            self.record("Journey wait satisfied while paused", inst=inst, step=inst.step)
            return
        self.end_wait(inst)
        self.run(inst, step.spec.on_event or step.next, t)

    def consider_triggers(self, journey: OrchestratedJourney, e: Event, t: float) -> None:
        names = None
        for pattern in journey.triggers:
            if pattern.when is not None and names is None:
                names = self.names()
            if pattern.matches(e.activity, e.channel, names):
                self.enter(journey, t, trigger=pattern.describe())
                break
        for watch in journey.watches:
            if watch.after.when is not None and names is None:
                names = self.names()
            if not watch.after.matches(e.activity, e.channel, names):
                continue
            pending = any(
                tm.kind == "watch" and tm.journey == journey.id and tm.data["watch"] == watch.index
                for tm in self.state.timers
            )
            if not pending:
                due = add(t, watch.within, self.tz(journey))
                self.add_timer(
                    "watch",
                    due,
                    journey.id,
                    version=journey.version,
                    watch=watch.index,
                    after=e.event_id,
                )

    # ---------------------------------------------------------------------------- timers

    def fire_due(self, limit: float) -> None:
        for _ in range(10_000):
            due = [tm for tm in self.state.timers if tm.due <= limit]
            if not due:
                return
            timer = min(due, key=lambda tm: (tm.due, tm.id))
            self.state.timers.remove(timer)
            self.event, self.cause, self._event_view = None, timer.id, None
            self.on_timer(timer)
        raise RuntimeError("timers keep coming due: a journey schedules without waiting")

    def on_timer(self, timer: Timer) -> None:
        at = max(timer.due, 0.0)
        if timer.kind == "wait":
            inst = self.state.instances.get(timer.journey or "")
            if inst is None or inst.waiting is None or inst.waiting.get("timer") != timer.id:
                return
            self.check_state_exits(inst)
            if self.state.instances.get(inst.journey) is not inst:
                return
            step = self.journey_of(inst).step(inst.step)
            inst.waiting = None
            target = (step.spec.on_timeout or step.next) if step.awaited is not None else step.next
            if step.awaited is not None:
                self.record("Journey wait timed out", inst=inst, step=inst.step)
            self.run(inst, target, at)
        elif timer.kind == "watch":
            journey = self.program.journey(timer.journey or "", timer.data["version"])
            watch = journey.watches[timer.data["watch"]]
            self.record(
                "Trigger fired",
                journey=journey.id,
                version=journey.version,
                trigger=f"{watch.expect.describe()} did not follow "
                f"{watch.after.describe()} within {watch.within}",
                after=timer.data["after"],
            )
            self.enter(self.program.journey(journey.id), at, trigger="proactive")
        elif timer.kind == "outcome":
            self.actions.append(Learn(timer.data["interaction"], timer.data["context"], False))
            self.record(
                "Interaction outcome",
                interaction=timer.data["interaction"],
                success=False,
                context=timer.data["context"],
                sent=timer.data["sent"],
            )
        elif timer.kind == "deferred":
            d = timer.data
            obj = self.program.catalogue.get(d["interaction"], d["version"])
            inst = self.owner(timer)
            self.cause = d.get("cause")
            deliver(
                self,
                obj,
                d["payload"],
                inst,
                d.get("step"),
                d["context"],
                on_demand=d.get("on_demand", False),
                deferred=True,
            )

    # ----------------------------------------------------------------------- instances

    def enter(
        self,
        journey: OrchestratedJourney,
        at: float,
        *,
        trigger: str,
        step: str | None = None,
        by_customer: bool = False,
    ) -> Instance | None:
        state = self.state
        if journey.id in self.paused:
            self.record("Trigger ignored", journey=journey.id, reason="journey paused")
            return None
        running = state.instances.get(journey.id)
        history = state.history.get(journey.id, {})
        if running is not None:
            if by_customer or journey.spec.re_entry != "anytime":
                return None
            self.finish(running, EXITED, "re-entered (re_entry: anytime)")
        elif journey.spec.re_entry == "never" and history.get("entries", 0) and not by_customer:
            return None
        inst = Instance(
            journey=journey.id,
            version=journey.version,
            entry=history.get("entries", 0) + 1,
            step=step or journey.start,
            status=ACTIVE,
            entered_at=at,
            step_at=at,
            holdout=in_holdout(state.customer_id, journey.spec.holdout, f"journey:{journey.id}"),
        )
        state.instances[journey.id] = inst
        state.history[journey.id] = {**history, "entries": inst.entry, "status": ACTIVE}
        self.record(
            "Journey entered",
            at=at,
            inst=inst,
            trigger=trigger,
            holdout=inst.holdout,
            designed_journey=journey.spec.designed_journey,
            step=inst.step,
            by_customer=by_customer,
        )
        self.check_state_exits(inst)
        if state.instances.get(journey.id) is inst:
            self.run(inst, inst.step, at)
        return inst

    def finish(self, inst: Instance, status: str, reason: str) -> None:
        state = self.state
        state.instances.pop(inst.journey, None)
        # a journey that ran out of steps still delivers what it deferred; a goal or an exit
        # cancels it (the customer did it already, or left)
        # (only this instance's: a deferred send of an earlier entry is not this one's to drop)
        cancel = ("wait",) if status == COMPLETED else ("wait", "deferred")

        def cancelled(t: Timer) -> bool:
            mine = t.kind != "deferred" or t.data.get("entry", inst.entry) == inst.entry
            return t.journey == inst.journey and t.kind in cancel and mine

        for timer in self.state.timers:
            if timer.kind == "deferred" and cancelled(timer):
                self.record(
                    "Interaction cancelled",
                    inst=inst,
                    interaction=timer.data["interaction"],
                    step=timer.data.get("step"),
                    deferred_until=timer.due,
                    reason=f"the journey ended before the send was due ({reason})",
                )
        self.drop_timers(lambda t: not cancelled(t))
        inst.status, inst.waiting = status, None
        state.history[inst.journey] = {
            "entries": inst.entry,
            "status": status,
            "version": inst.version,
            "ended_at": self.now,
            "reason": reason,
        }
        activity = {GOAL: "Journey goal reached", COMPLETED: "Journey completed"}.get(
            status, "Journey exited"
        )
        self.record(activity, inst=inst, step=inst.step, reason=reason)

    def end_wait(self, inst: Instance) -> None:
        if inst.waiting is not None and inst.waiting.get("timer"):
            timer_id = inst.waiting["timer"]
            self.drop_timers(lambda t: t.id != timer_id)
        inst.waiting = None
        inst.satisfied = None
        inst.remaining = None

    def run(self, inst: Instance, step_id: str, at: float) -> None:
        """Enter ``step_id`` and keep going until a wait or the end."""
        journey = self.journey_of(inst)
        for _ in range(MAX_STEPS):
            if step_id == END:
                self.finish(inst, COMPLETED, "end of steps")
                return
            step = journey.step(step_id)
            inst.step, inst.step_at, inst.status = step_id, at, ACTIVE
            inst.visits += 1
            inst.path = [*inst.path[-(MAX_PATH - 1) :], step_id]
            self.record(
                "Journey step",
                at=at,
                inst=inst,
                step=step_id,
                designed_step=step.spec.designed_step,
            )
            if step.set:
                names = self.names(inst)
                for key, expr in step.set.items():
                    inst.vars[key] = expr(names)
            nxt = self.execute(inst, journey, step, at)
            if nxt is None:
                return
            step_id = nxt
        self.finish(inst, EXITED, f"more than {MAX_STEPS} steps in one turn: a loop?")

    def execute(
        self, inst: Instance, journey: OrchestratedJourney, step: OrchestratedStep, at: float
    ) -> str | None:
        """Do one step; the next step's id, or ``None`` when the instance now waits."""
        kind = step.kind
        if kind == "wait":
            return self.start_wait(inst, journey, step, at)
        if kind == "invoke":
            obj = self.program.catalogue.get(step.spec.invoke or "")
            invoke(self, obj, inst, step, "all")
        elif kind == "decide":
            decide(self, inst, step)
        elif kind == "branch":
            names = self.names(inst)
            for condition, target in step.branches:
                if condition(names):
                    return target
            return step.spec.otherwise or step.next
        elif kind == "experiment":
            spec = step.spec.experiment
            assert spec is not None
            salt = f"experiment:{journey.id}:{spec.name}"
            name = inst.variants.get(spec.name) or variant(
                self.state.customer_id, salt, [(v.name, v.weight) for v in spec.variants]
            )
            inst.variants[spec.name] = name
            self.record(
                "Experiment assigned", inst=inst, step=step.id, experiment=spec.name, variant=name
            )
            return next(v.next for v in spec.variants if v.name == name)
        return step.next

    def start_wait(
        self, inst: Instance, journey: OrchestratedJourney, step: OrchestratedStep, at: float
    ) -> str | None:
        tz = self.tz(journey)
        if step.awaited is not None:
            timer = (
                self.add_timer("wait", add(at, step.timeout, tz), inst.journey)
                if step.timeout
                else None
            )
            inst.waiting = {
                "kind": "event",
                "timer": timer.id if timer else None,
                "due": timer.due if timer else None,
            }
        else:
            if step.duration is not None:
                due = add(at, step.duration, tz)
            else:
                assert step.window is not None
                due = step.window.next_open(at, tz)
                if due <= at:
                    return step.next
            timer = self.add_timer("wait", due, inst.journey)
            inst.waiting = {
                "kind": "duration" if step.duration else "until",
                "timer": timer.id,
                "due": due,
            }
        inst.status = WAITING
        return None
