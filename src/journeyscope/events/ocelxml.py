"""OCEL 2.0 XML: read it into the OCEL 2.0 JSON layout, and write that layout as XML.

The XML layout (``<log>`` with ``<object-types>``, ``<event-types>``, ``<objects>`` and
``<events>``; an object or event has ``<attributes>`` and ``<objects>`` of
``<relationship object-id=".." qualifier=".."/>``) carries the same content as the JSON one,
so :func:`load_xml` returns the dictionary :func:`journeyscope.events.ocel.load_log` returns
for a JSON file, and everything downstream (flattening, the object-centric tables, export)
is shared. Attribute values are text in XML; they are typed by the attribute's declared type
(``integer``, ``float``, ``boolean``; ``string`` and ``time`` stay text), and a value that
does not fit its type stays the text it was.

Hostile input is refused with a clear error, never expanded: the parser resolves no
entities, loads no DTD, fetches nothing from the network and keeps no comments or processing
instructions; a document type declaration is refused outright (OCEL XML has none, and it is
how entity bombs are declared). A malformed element inside ``<events>`` (no id, an attribute
without a name) becomes an event the reader quarantines with the reason, as in JSON.

>>> data = {"objectTypes": [{"name": "Order", "attributes": [{"name": "n", "type": "integer"}]}],
...         "eventTypes": [], "objects": [{"id": "o1", "type": "Order",
...         "attributes": [{"name": "n", "time": "1970-01-01T00:00:00Z", "value": 3}]}],
...         "events": [{"id": "e1", "type": "Place", "time": "2024-01-01T10:00:00Z",
...         "relationships": [{"objectId": "o1", "qualifier": "placed"}]}]}
>>> parse_xml(to_xml(data), "x.xmlocel")["objects"][0]["attributes"][0]["value"]
3
"""

from __future__ import annotations

import json
from typing import Any

from lxml import etree

from journeyscope.errors import InputFormatError

_KINDS = (
    ("object-types", "object-type", "objectTypes"),
    ("event-types", "event-type", "eventTypes"),
)


def _parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )


def parse_xml(content: bytes, where: str) -> dict[str, Any]:
    """The OCEL 2.0 JSON layout of the XML document ``content`` (``where`` names it in
    errors)."""
    try:
        root = etree.fromstring(content, _parser())
    except etree.XMLSyntaxError as exc:
        raise InputFormatError(
            f"{where}:{exc.lineno}: not an OCEL 2.0 XML log: {exc.msg}"
        ) from None
    tree = root.getroottree()
    if tree.docinfo.doctype or tree.docinfo.internalDTD is not None:
        raise InputFormatError(
            f"{where}: not an OCEL 2.0 XML log: it has a document type declaration "
            "(<!DOCTYPE ...>), which OCEL XML never has and which can declare entities; "
            "refused"
        )
    if root.tag != "log":
        raise InputFormatError(
            f"{where}:{root.sourceline}: not an OCEL 2.0 XML log: the root element is "
            f"<{root.tag}>, expected <log>"
        )
    types: dict[str, dict[str, dict[str, str]]] = {}
    data: dict[str, Any] = {}
    for group, item, key in _KINDS:
        declared = [_declaration(t) for t in _children(root, group, item)]
        data[key] = declared
        types[key] = {
            str(d["name"]): {str(a["name"]): str(a["type"]) for a in d["attributes"]}
            for d in declared
        }
    if root.find("events") is None:
        raise InputFormatError(
            f"{where}: not an OCEL 2.0 XML log: <events> is missing, expected a list of events"
        )
    data["objects"] = [
        _object(o, types["objectTypes"]) for o in _children(root, "objects", "object")
    ]
    data["events"] = [_event(e, types["eventTypes"]) for e in _children(root, "events", "event")]
    return data


def _children(parent: Any, group: str, item: str) -> list[Any]:
    holder = parent.find(group)
    return [] if holder is None else [c for c in holder if c.tag == item]


def _declaration(element: Any) -> dict[str, Any]:
    return {
        "name": element.get("name"),
        "attributes": [
            {"name": a.get("name"), "type": a.get("type") or "string"}
            for a in _children(element, "attributes", "attribute")
        ],
    }


def _typed(text: str | None, kind: str | None) -> object:
    """``text`` as its declared ``kind``; text that does not fit stays text."""
    if text is None:
        return None
    try:
        if kind == "integer":
            return int(text.strip())
        if kind == "float":
            return float(text.strip())
    except ValueError:
        return text
    if kind == "boolean" and text.strip().lower() in ("true", "false"):
        return text.strip().lower() == "true"
    return text


def _relationships(element: Any) -> list[dict[str, Any]]:
    return [
        {"objectId": r.get("object-id"), "qualifier": r.get("qualifier")}
        for r in _children(element, "objects", "relationship")
    ]


def _object(element: Any, types: dict[str, dict[str, str]]) -> dict[str, Any]:
    declared = types.get(element.get("type") or "", {})
    attributes = []
    for a in _children(element, "attributes", "attribute"):
        entry = {"name": a.get("name"), "value": _typed(a.text, declared.get(a.get("name")))}
        if a.get("time") is not None:
            entry["time"] = a.get("time")
        attributes.append(entry)
    return {
        "id": element.get("id"),
        "type": element.get("type"),
        "attributes": attributes,
        "relationships": _relationships(element),
    }


def _event(element: Any, types: dict[str, dict[str, str]]) -> dict[str, Any]:
    declared = types.get(element.get("type") or "", {})
    return {
        "id": element.get("id"),
        "type": element.get("type"),
        "time": element.get("time"),
        "attributes": [
            {"name": a.get("name"), "value": _typed(a.text, declared.get(a.get("name")))}
            for a in _children(element, "attributes", "attribute")
        ],
        "relationships": _relationships(element),
    }


def _text(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return value
    if isinstance(value, int | float):
        return repr(value)
    return json.dumps(value, ensure_ascii=False)


def _attributes(parent: Any, attributes: list[dict[str, Any]], *, timed: bool) -> None:
    holder = etree.SubElement(parent, "attributes")
    for a in attributes:
        node = etree.SubElement(holder, "attribute", name=str(a["name"]))
        if timed and a.get("time") is not None:
            node.set("time", str(a["time"]))
        if a.get("value") is not None:
            node.text = _text(a["value"])


def _links(parent: Any, relationships: list[dict[str, Any]]) -> None:
    holder = etree.SubElement(parent, "objects")
    for r in relationships:
        node = etree.SubElement(holder, "relationship", {"object-id": str(r["objectId"])})
        node.set("qualifier", "" if r.get("qualifier") is None else str(r["qualifier"]))


def to_xml(data: dict[str, Any]) -> bytes:
    """The OCEL 2.0 XML document of a log in the OCEL 2.0 JSON layout (UTF-8)."""
    root = etree.Element("log")
    for group, item, key in _KINDS:
        holder = etree.SubElement(root, group)
        for declared in data.get(key) or []:
            node = etree.SubElement(holder, item, name=str(declared["name"]))
            attrs = etree.SubElement(node, "attributes")
            for a in declared.get("attributes") or []:
                etree.SubElement(attrs, "attribute", name=str(a["name"]), type=str(a["type"]))
    objects = etree.SubElement(root, "objects")
    for o in data.get("objects") or []:
        node = etree.SubElement(objects, "object", id=str(o["id"]), type=str(o["type"]))
        _attributes(node, o.get("attributes") or [], timed=True)
        _links(node, o.get("relationships") or [])
    events = etree.SubElement(root, "events")
    for e in data.get("events") or []:
        node = etree.SubElement(
            events, "event", id=str(e["id"]), type=str(e["type"]), time=str(e["time"])
        )
        _attributes(node, e.get("attributes") or [], timed=False)
        _links(node, e.get("relationships") or [])
    written: bytes = etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
    return written
