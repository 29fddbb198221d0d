"""OCEL 2.0 XML: read into the same layout as JSON (values typed by their declared type),
written from it, and hostile documents refused with a clear error, never expanded."""

from __future__ import annotations

from pathlib import Path

import pytest
from ocel_kit import TINY

from journeyscope.errors import InputFormatError
from journeyscope.events import Store
from journeyscope.events.ocel import load_log
from journeyscope.events.ocel_store import canonical
from journeyscope.events.ocelxml import parse_xml, to_xml


def test_xml_written_from_json_reads_back_equal(tmp_path: Path, real_data: Path) -> None:
    for data in (TINY, load_log(real_data / "ocel20_example.jsonocel")):
        path = tmp_path / "log.xmlocel"
        path.write_bytes(to_xml(data))
        assert canonical(load_log(path)) == canonical(data)


def test_values_are_typed_by_their_declaration() -> None:
    xml = b"""<log><object-types><object-type name="T"><attributes>
      <attribute name="n" type="integer"/><attribute name="x" type="float"/>
      <attribute name="b" type="boolean"/><attribute name="s" type="string"/>
    </attributes></object-type></object-types><event-types/>
    <objects><object id="o" type="T"><attributes>
      <attribute name="n" time="1970-01-01T00:00:00Z">42</attribute>
      <attribute name="x" time="1970-01-01T00:00:00Z">1.5</attribute>
      <attribute name="b" time="1970-01-01T00:00:00Z">TRUE</attribute>
      <attribute name="s" time="1970-01-01T00:00:00Z">42</attribute>
      <attribute name="n" time="2024-01-01T00:00:00Z">many</attribute>
    </attributes></object></objects><events/></log>"""
    values = [a["value"] for a in parse_xml(xml, "t.xmlocel")["objects"][0]["attributes"]]
    assert values == [42, 1.5, True, "42", "many"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            b'<?xml version="1.0"?><!DOCTYPE log [<!ENTITY a "aaaaaaaaaa">'
            b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><log><events>&b;</events></log>',
            "document type declaration",
        ),
        (
            b'<?xml version="1.0"?><!DOCTYPE log [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
            b"<log><events><event id='&x;'/></events></log>",
            "references external entity|document type declaration",
        ),
        (b"<log><events><event id='e1'></log>", r"t\.xmlocel:1: not an OCEL 2.0 XML log"),
        (b"<trace/>", "the root element is <trace>, expected <log>"),
        (b"<log><objects/></log>", "<events> is missing"),
    ],
)
def test_hostile_or_broken_xml_is_refused(content: bytes, message: str) -> None:
    with pytest.raises(InputFormatError, match=message):
        parse_xml(content, "t.xmlocel")


def test_a_broken_event_is_quarantined_not_fatal(tmp_path: Path) -> None:
    path = tmp_path / "bad.xmlocel"
    path.write_bytes(
        b"<log><objects><object id='o' type='T'/></objects><events>"
        b"<event type='A' time='2024-01-01T10:00:00Z'><objects>"
        b"<relationship object-id='o' qualifier='q'/></objects></event>"
        b"<event id='e2' type='B' time='2024-01-01T11:00:00Z'><objects>"
        b"<relationship object-id='o' qualifier='q'/></objects></event>"
        b"</events></log>"
    )
    store = Store(":memory:")
    report = store.ingest(path)
    assert (report.events_added, report.quarantined) == (1, 1)
    assert report.reasons == {"the event has no id": 1}
