"""Delivery (engine/interactions.py): the implementation is called, the answer checked against
the output contract, and a dispatcher's webhook clients are closed with it."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import BaseModel

from journeyscope.engine.core.interactions import (
    DeliveryContext,
    InteractionObject,
    InteractionSpec,
)
from journeyscope.engine.interactions import WebhookClients, deliver
from journeyscope.engine.outbox import Delivery, Dispatcher
from journeyscope.errors import DeliveryError

from .engine_kit import Receiver

CONTEXT = DeliveryContext("key-1", "c1", "ack", 1, "api", 1)


def _object(
    implementation: dict[str, Any], output: dict[str, str] | None = None
) -> InteractionObject:
    spec = InteractionSpec.model_validate(
        {
            "name": "ack",
            "category": "transactional",
            "channel": "api",
            "input": {"customer_id": "str"},
            "output": output or {"status": "str", "reference": "str?"},
            "implementation": implementation,
        }
    )
    return InteractionObject.from_spec(spec)


def broken(payload: BaseModel, context: DeliveryContext) -> dict[str, Any]:
    raise ValueError("no stamps left")


def test_the_default_implementation_answers_accepted() -> None:
    obj = _object({"python": "journeyscope.engine.interactions:acknowledge"})
    answer = deliver(obj, {"customer_id": "c1"}, CONTEXT, WebhookClients())
    assert answer == {"status": "accepted", "reference": "key-1"}


def test_a_failing_callable_is_a_delivery_error_naming_it() -> None:
    obj = _object({"python": f"{__name__}:broken"})
    with pytest.raises(DeliveryError, match="broken raised ValueError: no stamps left") as err:
        deliver(obj, {"customer_id": "c1"}, CONTEXT, WebhookClients())
    assert not err.value.permanent


def test_an_answer_breaking_the_output_contract_fails_permanently() -> None:
    obj = _object({"python": "journeyscope.engine.interactions:acknowledge"}, {"score": "int"})
    with pytest.raises(DeliveryError, match="breaks the output contract") as err:
        deliver(obj, {"customer_id": "c1"}, CONTEXT, WebhookClients())
    assert err.value.permanent


def test_a_webhook_is_posted_with_the_key_and_the_clients_close_with_the_dispatcher() -> None:
    receiver = Receiver()
    try:
        obj = _object({"webhook": receiver.url, "timeout": 5})
        catalogue = type("Catalogue", (), {"get": lambda self, name, version: obj})()
        dispatcher = Dispatcher(lambda: catalogue, threads=2)  # type: ignore[arg-type,return-value]
        deliveries = [
            Delivery(f"key-{i}", f"c{i}", "ack", 1, "api", {"customer_id": f"c{i}"}, 1)
            for i in range(3)
        ]
        results = dispatcher.deliver(deliveries, 0.0)
        assert [r.ok for r in results] == [True, True, True]
        assert [r.response for r in results] == [
            {"status": "ok", "reference": f"key-{i}"} for i in range(3)
        ]
        assert receiver.calls == {"key-0": 1, "key-1": 1, "key-2": 1}
        client = dispatcher.clients.get(5.0)
        assert len(dispatcher.clients) == 1  # one client per timeout, reused
        dispatcher.close()
        assert client.is_closed and len(dispatcher.clients) == 0
    finally:
        receiver.close()
