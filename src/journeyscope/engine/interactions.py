"""Delivering interaction objects: the runtime side of :mod:`journeyscope.engine.core.interactions`.

The core describes an interaction object (its contracts, its implementation as data); this
module calls the implementation — a Python callable, or an HTTP webhook through a pooled
client — and checks the answer against the output contract. ``acknowledge`` lives here so
that ``journeyscope.engine.interactions:acknowledge``, the default implementation written in
deployed programs, keeps naming it.
"""

from __future__ import annotations

import threading
from typing import Any

import httpx
from pydantic import BaseModel, ValidationError

from journeyscope.engine.core.interactions import (
    DeliveryContext,
    Implementation,
    InteractionObject,
    PythonImplementation,
    WebhookImplementation,
)
from journeyscope.errors import DeliveryError


def deliver(
    obj: InteractionObject, payload: dict[str, Any], context: DeliveryContext
) -> dict[str, Any]:
    """Call ``obj``'s implementation; the answer is checked against the output contract."""
    result = _call(obj.spec.implementation, obj.input_model.model_validate(payload), context)
    if isinstance(result, BaseModel):
        result = result.model_dump(mode="json")
    try:
        return obj.output_model.model_validate(result or {}).model_dump(mode="json")
    except ValidationError as exc:
        raise DeliveryError(
            f"{obj.ref}: the answer breaks the output contract: {exc.errors()[0]['msg']}",
            permanent=True,
        ) from exc


def _call(
    implementation: Implementation,
    payload: BaseModel,
    context: DeliveryContext,
) -> Any:
    if isinstance(implementation, PythonImplementation):
        return _call_python(implementation, payload, context)
    return _post_webhook(implementation, payload, context)


def _call_python(
    implementation: PythonImplementation, payload: BaseModel, context: DeliveryContext
) -> Any:
    try:
        return implementation.resolve()(payload, context)
    except DeliveryError:
        raise
    except Exception as exc:
        raise DeliveryError(f"{implementation.python} raised {type(exc).__name__}: {exc}") from exc


_clients: dict[float, httpx.Client] = {}
_clients_lock = threading.Lock()


def _client(timeout: float) -> httpx.Client:
    with _clients_lock:
        if timeout not in _clients:
            _clients[timeout] = httpx.Client(timeout=timeout)
        return _clients[timeout]


def close_http_clients() -> None:
    """Close the pooled webhook clients (workers call this on shutdown)."""
    with _clients_lock:
        for client in _clients.values():
            client.close()
        _clients.clear()


def _post_webhook(
    implementation: WebhookImplementation, payload: BaseModel, context: DeliveryContext
) -> Any:
    """POST JSON with an ``Idempotency-Key`` header; 2xx answers with the output as JSON.
    4xx (other than 408/429) fail permanently; 5xx and timeouts are retried."""
    webhook = implementation.webhook
    body = {
        "interaction": context.interaction,
        "version": context.version,
        "customer_id": context.customer_id,
        "channel": context.channel,
        "attempt": context.attempt,
        "payload": payload.model_dump(mode="json"),
    }
    headers = {**implementation.headers, "Idempotency-Key": context.idempotency_key}
    try:
        response = _client(implementation.timeout).post(webhook, json=body, headers=headers)
    except httpx.HTTPError as exc:
        raise DeliveryError(f"webhook {webhook}: {type(exc).__name__}: {exc}") from exc
    if response.status_code >= 300:
        permanent = 400 <= response.status_code < 500 and response.status_code not in (408, 429)
        raise DeliveryError(
            f"webhook {webhook} answered {response.status_code}", permanent=permanent
        )
    return response.json() if response.content else {}


def acknowledge(payload: BaseModel, context: DeliveryContext) -> dict[str, Any]:
    """A built-in implementation that delivers nothing and answers ``accepted`` (demos, tests)."""
    return {"status": "accepted", "reference": context.idempotency_key}
