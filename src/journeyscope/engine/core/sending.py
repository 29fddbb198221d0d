"""Sending: building an interaction's input, eligibility, holdouts, the contact policy and
arbitration between candidates — the part of a transition that decides what goes out.

Each function works on a :class:`~journeyscope.engine.core.rules.Turn` (the transition in progress).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from journeyscope.engine.core import policy as contact
from journeyscope.engine.core.actions import Send
from journeyscope.engine.core.decisions import Candidate, choose
from journeyscope.engine.core.holdouts import in_holdout
from journeyscope.engine.core.interactions import Category, InteractionObject
from journeyscope.engine.core.journeys import OrchestratedStep
from journeyscope.engine.core.localtime import add
from journeyscope.engine.core.state import Instance
from journeyscope.errors import ConditionError, validation_message

if TYPE_CHECKING:
    from journeyscope.engine.core.rules import Turn

BYPASS_HOLDOUT = frozenset({Category.MANDATORY, Category.TRANSACTIONAL})


def build_payload(
    turn: Turn,
    obj: InteractionObject,
    inst: Instance | None,
    step: OrchestratedStep | None,
    given: dict[str, Any] | None = None,
) -> dict[str, Any]:
    e = turn.event
    defaults: dict[str, Any] = {
        "customer_id": turn.state.customer_id,
        "journey": inst.journey if inst else None,
        "journey_version": inst.version if inst else None,
        "step": step.id if step else None,
        "designed_step": step.spec.designed_step if step else None,
        "event_id": e.event_id if e else None,
        "activity": e.activity if e else None,
        "event_channel": e.channel if e else None,
    }
    fields = obj.input_model.model_fields
    open_contract = obj.input_model.model_config.get("extra") == "allow"
    data = {
        k: v for k, v in defaults.items() if k in fields or (open_contract and k == "customer_id")
    }
    if step is not None and step.input:
        names = turn.names(inst)
        for key, expr in step.input.items():
            data[key] = expr(names)
    data.update(given or {})
    return obj.validate_input(data)


def invoke(
    turn: Turn,
    obj: InteractionObject,
    inst: Instance | None,
    step: OrchestratedStep | None,
    context: str,
    *,
    given: dict[str, Any] | None = None,
    on_demand: bool = False,
) -> bool:
    where: dict[str, Any] = {"step": step.id} if step else {}
    if obj.eligibility is not None and not obj.eligibility(turn.names(inst)):
        turn.record(
            "Interaction suppressed",
            channel=obj.channel,
            inst=inst,
            **where,
            interaction=obj.name,
            reason=f"not eligible: {obj.eligibility.text}",
        )
        return False
    try:
        payload = build_payload(turn, obj, inst, step, given)
    except (ValidationError, ConditionError, TypeError, ValueError, ArithmeticError) as exc:
        reason = (
            validation_message(exc.errors()[0]) if isinstance(exc, ValidationError) else str(exc)
        )
        turn.record(
            "Interaction failed",
            channel=obj.channel,
            inst=inst,
            **where,
            interaction=obj.name,
            reason=f"input breaks the contract: {reason}",
        )
        return False
    return deliver(
        turn, obj, payload, inst, step.id if step else None, context, on_demand=on_demand
    )


def deliver(
    turn: Turn,
    obj: InteractionObject,
    payload: dict[str, Any],
    inst: Instance | None,
    step_id: str | None,
    context: str,
    *,
    on_demand: bool = False,
    deferred: bool = False,
) -> bool:
    state = turn.state
    info: dict[str, Any] = {
        "interaction": obj.name,
        "interaction_version": obj.version,
        "category": str(obj.category),
    }
    if step_id:
        info["step"] = step_id
    if inst is not None and not on_demand and inst.journey in turn.paused:
        turn.record(
            "Interaction suppressed",
            channel=obj.channel,
            inst=inst,
            **info,
            reason="journey paused",
        )
        return False
    if not on_demand and obj.category not in BYPASS_HOLDOUT:
        group = None
        if in_holdout(state.customer_id, turn.policy.holdout.share, turn.policy.holdout.salt):
            group = "global"
        elif inst is not None and inst.holdout:
            group = "journey"
        if group is not None:
            turn.record(
                "Interaction withheld",
                channel=obj.channel,
                inst=inst,
                **info,
                holdout=group,
                would_have_sent=True,
                payload=payload,
            )
            return False
    verdict = contact.check(
        turn.policy,
        obj.category,
        obj.channel,
        state.contacts,
        state.profile,
        turn.now,
        on_demand=on_demand,
        journey_zone=turn.journey_of(inst).spec.timezone if inst is not None else None,
    )
    if verdict.allowed:
        key = state.next_id("a")
        turn.actions.append(
            Send(
                key,
                state.customer_id,
                obj.name,
                obj.version,
                obj.channel,
                str(obj.category),
                payload,
                turn.now,
                inst.journey if inst else None,
                step_id,
                turn.cause,
                f"{state.customer_id}/{inst.case_id}" if inst else None,
            )
        )
        if verdict.counts:
            state.contacts = contact.remember(
                turn.policy, state.contacts, turn.now, obj.channel, obj.category
            )
        turn.record(
            "Interaction sent",
            channel=obj.channel,
            inst=inst,
            **info,
            key=key,
            policy=verdict.reason,
            on_demand=on_demand,
            deferred=deferred,
        )
        if obj.outcome_within is not None:
            turn.add_timer(
                "outcome",
                add(turn.now, obj.outcome_within, turn.tz()),
                None,
                interaction=obj.name,
                context=context,
                events=sorted(obj.outcome_events),
                sent=key,
            )
        return True
    if verdict.defer_until is not None:
        turn.add_timer(
            "deferred",
            verdict.defer_until,
            inst.journey if inst else None,
            interaction=obj.name,
            version=obj.version,
            payload=payload,
            step=step_id,
            context=context,
            cause=turn.cause,
            on_demand=on_demand,
            # the instance it belongs to, kept so that it is delivered (or cancelled) as part
            # of that instance even after it ended or a later one started
            **(
                {
                    "entry": inst.entry,
                    "journey_version": inst.version,
                    "entered_at": inst.entered_at,
                    "holdout": inst.holdout,
                }
                if inst is not None
                else {}
            ),
        )
        turn.record(
            "Interaction deferred",
            channel=obj.channel,
            inst=inst,
            **info,
            reason=verdict.reason,
            until=verdict.defer_until,
        )
        return False
    turn.record(
        "Interaction suppressed", channel=obj.channel, inst=inst, **info, reason=verdict.reason
    )
    return False


def decide(turn: Turn, inst: Instance, step: OrchestratedStep) -> None:
    spec = step.spec.decide
    assert spec is not None
    names = turn.names(inst)
    context = str(step.context(names)) if step.context is not None else "all"
    state, candidates, objects = turn.state, [], {}
    for name in spec.candidates:
        obj = turn.program.catalogue.get(name)
        objects[obj.name] = obj
        if obj.eligibility is not None and not obj.eligibility(names):
            candidates.append(
                Candidate(
                    obj.name, obj.version, False, reason=f"not eligible: {obj.eligibility.text}"
                )
            )
            continue
        successes, trials = turn.knowledge.counts(obj.name, context)
        propensity = turn.knowledge.propensity(obj.name, context, obj.spec.prior)
        weight = 1.0
        for condition, w in obj.weights:
            if condition(names):
                weight *= w
        lever = turn.knowledge.levers.get(obj.name, obj.spec.lever)
        verdict = contact.check(
            turn.policy,
            obj.category,
            obj.channel,
            state.contacts,
            state.profile,
            turn.now,
            journey_zone=turn.journey_of(inst).spec.timezone,
        )
        candidates.append(
            Candidate(
                obj.name,
                obj.version,
                True,
                propensity,
                successes,
                trials,
                weight,
                obj.spec.value,
                lever,
                propensity * weight * obj.spec.value * lever,
                verdict.allowed,
                verdict.reason,
            )
        )
    decision = choose(candidates, context)
    turn.record("Decision", inst=inst, step=step.id, **decision.explain())
    if decision.winner is not None:
        invoke(turn, objects[decision.winner], inst, step, context)
