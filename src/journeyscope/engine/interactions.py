"""Delivering interaction objects: the runtime side of ``engine/core/interactions.py``.

The core describes an interaction object (its contracts, its implementation as data); this
module calls the implementation — a Python callable, or an HTTP webhook through the
dispatcher's own clients (:class:`WebhookClients`, closed when its worker stops) — and checks
the answer against the output contract. ``acknowledge`` lives here so that
``journeyscope.engine.interactions:acknowledge``, the default implementation written in
deployed programs, keeps naming it.
"""

from __future__ import annotations

import threading
from typing import Any

import httpx
from pydantic import BaseModel, ValidationError

from journeyscope.engine.core.interactions import (
    DeliveryContext,
    InteractionObject,
    PythonImplementation,
    WebhookImplementation,
)
from journeyscope.errors import DeliveryError


def deliver(
    obj: InteractionObject,
    payload: dict[str, Any],
    context: DeliveryContext,
    clients: WebhookClients,
) -> dict[str, Any]:
    """Call ``obj``'s implementation (a webhook with one of ``clients``); the answer is
    checked against the output contract."""
    implementation = obj.spec.implementation
    validated = obj.input_model.model_validate(payload)
    if isinstance(implementation, PythonImplementation):
        result = _call_python(implementation, validated, context)
    else:
        result = _post_webhook(implementation, validated, context, clients)
    if isinstance(result, BaseModel):
        result = result.model_dump(mode="json")
    try:
        return obj.output_model.model_validate(result or {}).model_dump(mode="json")
    except ValidationError as exc:
        raise DeliveryError(
            f"{obj.ref}: the answer breaks the output contract: {exc.errors()[0]['msg']}",
            permanent=True,
        ) from exc


def _call_python(
    implementation: PythonImplementation, payload: BaseModel, context: DeliveryContext
) -> Any:
    try:
        return implementation.resolve()(payload, context)
    except DeliveryError:
        raise
    except Exception as exc:
        raise DeliveryError(f"{implementation.python} raised {type(exc).__name__}: {exc}") from exc


class WebhookClients:
    """The HTTP clients webhooks are posted with, one per timeout, kept open between
    deliveries (connections are reused) until :meth:`close`; thread-safe. A dispatcher owns
    one and closes it when its worker stops."""

    def __init__(self) -> None:
        self._clients: dict[float, httpx.Client] = {}
        self._lock = threading.Lock()

    def get(self, timeout: float) -> httpx.Client:
        with self._lock:
            if timeout not in self._clients:
                self._clients[timeout] = httpx.Client(timeout=timeout)
            return self._clients[timeout]

    def __len__(self) -> int:
        with self._lock:
            return len(self._clients)

    def close(self) -> None:
        with self._lock:
            clients, self._clients = list(self._clients.values()), {}
        for client in clients:
            client.close()


def _post_webhook(
    implementation: WebhookImplementation,
    payload: BaseModel,
    context: DeliveryContext,
    clients: WebhookClients,
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
        response = clients.get(implementation.timeout).post(webhook, json=body, headers=headers)
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
