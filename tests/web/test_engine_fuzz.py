"""Fuzz every engine API route from its OpenAPI schema (issue 11): bodies built from the
request schema (and broken on purpose), odd path and query values, with and without a key.
Invariants: no 5xx and no traceback; each request finishes within a time budget enforced
by the harness (a hang fails the case; nothing is asserted about speed)."""

from __future__ import annotations

import json
import os
import sys
import threading
import warnings
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from journeyscope.engine.core.interactions import InteractionCatalogue, InteractionSpec
from journeyscope.engine.core.journeys import JourneySpec
from journeyscope.engine.core.program import Program
from journeyscope.engine.store import EngineStore
from journeyscope.services import api_keys
from journeyscope.web import create_app

with warnings.catch_warnings():
    warnings.filterwarnings("ignore", "Using `httpx` with `starlette.testclient`")
    from fastapi.testclient import TestClient

BUDGET = 30.0  # seconds one request may take before it counts as a hang
TRIED: Counter[str] = Counter()  # requests per route, for docs/reliability.md

OBJECTS = """
- {name: receipt, category: transactional, channel: email}
- name: callback
  category: service
  channel: phone
  input: {customer_id: str, phone: str}
"""
JOURNEY = """
journey: apply
version: 1
exits: [{name: opted out, when: "profile.opted_out"}]
triggers: [{event: Start}]
steps:
  welcome: {invoke: receipt, set: {n: "event.properties.n + 1"}, next: wait}
  wait: {wait: {event: Upload documents, timeout: 3d}}
"""


@pytest.fixture(scope="module")
def service(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[TestClient, dict[str, str]]]:
    folder = tmp_path_factory.mktemp("fuzz")
    with EngineStore(f"sqlite:///{folder / 'engine.sqlite'}") as store:
        store.deploy(
            Program.build(
                [JourneySpec.model_validate(yaml.safe_load(JOURNEY))],
                InteractionCatalogue(
                    [InteractionSpec.model_validate(o) for o in yaml.safe_load(OBJECTS)]
                ),
            )
        )
        admin = {"X-API-Key": api_keys.issue(store, "fuzz", ["admin"])}
        with TestClient(create_app(store=store)) as client:
            yield client, admin


def _schema() -> dict[str, Any]:
    """The service's OpenAPI document (built, not served: nothing is opened or written)."""
    import tempfile

    from journeyscope.config import Settings

    folder = Path(tempfile.mkdtemp(prefix="fuzz-schema-"))
    settings = Settings(store=folder / "store.duckdb", database_url=f"sqlite:///{folder}/e.sqlite")
    return create_app(settings).openapi()


SPEC = _schema()
OPERATIONS = sorted(
    (path, method)
    for path, item in SPEC["paths"].items()
    if path.startswith("/v1/")
    for method in item
)

odd_text = st.one_of(
    st.text(max_size=30),
    st.sampled_from(
        ["a:b", "email:Alice@Example.com", "../../etc/passwd", "x" * 300, "%00", "cmd:x", "Ω"]
    ),
)
json_leaf = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=False, allow_infinity=False),
    odd_text,
)
any_json = st.recursive(
    json_leaf,
    lambda c: st.one_of(
        st.lists(c, max_size=4), st.dictionaries(st.text(max_size=8), c, max_size=4)
    ),
    max_leaves=12,
)


def _resolve(schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        schema = SPEC["components"]["schemas"][name]
    return schema


def from_schema(schema: dict[str, Any], depth: int = 0) -> st.SearchStrategy[Any]:
    """Values that follow ``schema`` (mostly), with odd ones mixed in at every level."""
    schema = _resolve(schema)
    if depth > 4:
        return json_leaf
    for key in ("anyOf", "oneOf", "allOf"):
        if key in schema:
            return st.one_of([from_schema(s, depth + 1) for s in schema[key]])
    if "enum" in schema:
        return st.sampled_from(schema["enum"])
    kind = schema.get("type")
    if kind == "object" or "properties" in schema:
        props = schema.get("properties", {})
        fixed = {k: from_schema(v, depth + 1) for k, v in props.items()}
        required = set(schema.get("required", []))
        return st.fixed_dictionaries(
            {k: v for k, v in fixed.items() if k in required},
            optional={k: v for k, v in fixed.items() if k not in required},
        )
    if kind == "array":
        return st.lists(from_schema(schema.get("items", {}), depth + 1), max_size=3)
    if kind == "string":
        if schema.get("format") == "date-time":
            return st.one_of(st.datetimes().map(lambda d: d.isoformat()), odd_text)
        return odd_text
    if kind == "integer":
        return st.one_of(st.integers(-3, 3), st.integers())
    if kind == "number":
        return st.one_of(st.floats(allow_nan=False, allow_infinity=False), st.integers(-3, 3))
    if kind == "boolean":
        return st.booleans()
    return any_json


def _body(operation: dict[str, Any]) -> st.SearchStrategy[Any]:
    content = operation.get("requestBody", {}).get("content", {})
    schema = content.get("application/json", {}).get("schema")
    valid = from_schema(schema) if schema else st.just(None)
    return st.one_of(valid, valid, any_json, st.just("{broken json"))


@st.composite
def requests(draw: st.DrawFn) -> tuple[str, str, dict[str, Any], Any, str]:
    path, method = draw(st.sampled_from(OPERATIONS))
    operation = SPEC["paths"][path][method]
    url, query = path, {}
    for param in operation.get("parameters", []):
        value = draw(from_schema(param.get("schema", {})))
        if param["in"] == "path":
            url = url.replace("{" + param["name"] + "}", _segment(value))
        elif param["in"] == "query" and param["name"] != "wait" and draw(st.booleans()):
            query[param["name"]] = (
                value if not isinstance(value, dict | list) else json.dumps(value)
            )
    if any(p["name"] == "wait" for p in operation.get("parameters", [])):
        query["wait"] = 0  # commands answer at once; the worker still applies them
    key = draw(st.sampled_from(["admin", "admin", "admin", "none", "wrong"]))
    return method, url, query, draw(_body(operation)), key + "|" + path


def _segment(value: Any) -> str:
    from urllib.parse import quote

    return quote(str(value), safe="") or "x"


@pytest.mark.slow
@settings(
    max_examples=int(os.environ.get("FUZZ_EXAMPLES", "250")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(request=requests())
def test_fuzz_every_engine_route_never_crashes_or_hangs(
    service: tuple[TestClient, dict[str, str]],
    request: tuple[str, str, dict[str, Any], Any, str],
) -> None:
    client, admin = service
    method, url, query, body, tag = request
    key, _, route = tag.partition("|")
    headers = admin if key == "admin" else ({"X-API-Key": "nope"} if key == "wrong" else {})
    TRIED[f"{method.upper()} {route}"] += 1
    box: dict[str, Any] = {}

    def call() -> None:
        try:
            if isinstance(body, str) and body == "{broken json":
                box["r"] = client.request(method, url, params=query, content=body, headers=headers)
            elif body is None:
                box["r"] = client.request(method, url, params=query, headers=headers)
            else:
                box["r"] = client.request(method, url, params=query, json=body, headers=headers)
        except BaseException as exc:  # a crash inside the app: reported below
            box["e"] = exc

    thread = threading.Thread(target=call, daemon=True)
    thread.start()
    thread.join(BUDGET)
    assert not thread.is_alive(), f"hang: {method} {url} {query} {body!r:.300}"
    if "e" in box:
        raise box["e"]
    response = box["r"]
    assert response.status_code < 500, (method, url, query, body, response.text[:500])
    assert "Traceback" not in response.text
    if response.status_code in (401, 429):
        return
    assert response.headers["content-type"].startswith("application/json")


def test_zz_report_inputs_tried_per_route() -> None:
    """Prints how many inputs each route got (run with -s); the figures in
    docs/reliability.md come from here."""
    for route, n in sorted(TRIED.items()):
        sys.stdout.write(f"{n:5d}  {route}\n")
    assert not TRIED or sum(TRIED.values()) >= 1
