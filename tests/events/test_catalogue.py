"""The event catalogue (events/catalogue.py): a catalogue file read with errors that say
where, written back as it was read, and a draft inferred from the data (names proposing the
initiator, failures, help contacts and channel kinds; property types; the channel scope)."""

from __future__ import annotations

import json
from pathlib import Path

import ibis
import pytest

from journeyscope.errors import CatalogueError
from journeyscope.events.catalogue import (
    channel_kind,
    draft_catalogue,
    infer_catalogue,
    initiator_by_name,
    load_catalogue,
)

CATALOGUE = """\
version: 1
activities:
  Submit application:
    description: The customer sends the form.
    channels: [web]
    properties: {amount: number}
  Hand over keys:
    can_be_digital: false
channels:
  web: {kind: digital}
identifiers:
  email_hash: {hashed: true}
"""


def test_a_catalogue_file_is_read_and_written_back_the_same(tmp_path: Path) -> None:
    path = tmp_path / "catalogue.yaml"
    path.write_text(CATALOGUE)
    catalogue = load_catalogue(path)
    assert catalogue.activities["Submit application"].properties == {"amount": "number"}
    assert not catalogue.activities["Hand over keys"].can_be_digital
    assert catalogue.already_hashed() == ["email_hash"]
    again = tmp_path / "again.yaml"
    again.write_text(catalogue.to_yaml())
    assert load_catalogue(again) == catalogue


def test_a_wrong_field_is_named_with_its_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "catalogue.yaml"
    path.write_text(CATALOGUE.replace("kind: digital", "kind: digitl"))
    with pytest.raises(CatalogueError) as wrong:
        load_catalogue(path)
    message = str(wrong.value)
    assert "catalogue.yaml:10: channels.web.kind" in message
    assert "'digital', 'assisted' or 'other'" in message  # what is allowed
    path.write_text(CATALOGUE.replace("    channels: [web]", "    chanels: [web]"))
    with pytest.raises(CatalogueError, match="chanels"):
        load_catalogue(path)


def test_names_propose_the_initiator_and_channel_kinds() -> None:
    assert initiator_by_name("Reminder sent") == "organisation"
    assert initiator_by_name("Send documents") == "organisation"
    assert initiator_by_name("Upload documents") == "customer"
    assert [channel_kind(c) for c in (" Phone ", "APP", "letter", "pigeon")] == [
        "assisted",
        "digital",
        "other",
        "other",
    ]


def test_a_draft_classifies_each_activity_from_its_name_and_channels() -> None:
    rows = [
        ("Apply", "web", 10),
        ("Apply", "branch", 2),
        ("Payment failed", "web", 3),
        ("Call contact centre", "phone", 4),
        ("Sign contract", "branch", 5),
        ("Offer sent", "email", 6),
    ]
    samples = [
        ("Apply", json.dumps({"amount": 5, "home_address": "x", "stage": "Apply"})),
        ("Apply", json.dumps({"amount": "many", "stage": "Apply", "when": "2025-01-02"})),
        ("Apply", json.dumps({"stage": "Decide", "note": None})),
    ]
    draft = infer_catalogue(rows, samples)
    apply = draft.activities["Apply"]
    assert apply.channels == ["web", "branch"]  # most events first
    assert apply.stage == "Apply"  # the most common stage value
    assert apply.properties == {
        "amount": "string",
        "home_address": "string",
        "stage": "string",
        "when": "timestamp",
    }
    assert apply.pii == ["home_address"]
    assert "12 events" in apply.description
    assert (
        draft.activities["Payment failed"].failure and not draft.activities["Payment failed"].help
    )
    assert draft.activities["Call contact centre"].help
    assert draft.activities["Offer sent"].initiator == "organisation"
    # a customer step only ever seen at the branch cannot (yet) be done digitally
    assert not draft.activities["Sign contract"].can_be_digital
    assert apply.can_be_digital and draft.activities["Call contact centre"].can_be_digital
    assert {name: c.kind for name, c in draft.channels.items()} == {
        "branch": "assisted",
        "email": "assisted",
        "phone": "assisted",
        "web": "digital",
    }
    as_case = infer_catalogue(rows, samples, channel_scope="case")
    assert {a.initiator for a in as_case.activities.values()} == {None}
    assert as_case.activities["Sign contract"].can_be_digital


def _events(rows: list[tuple[str, str, str]]) -> ibis.Table:
    return ibis.memtable(
        {
            "event_id": [f"e{i}" for i in range(len(rows))],
            "case_id": [r[0] for r in rows],
            "activity": [r[1] for r in rows],
            "channel": [r[2] for r in rows],
            "properties": ['{"segment": "gold"}'] * len(rows),
        }
    )


def test_a_draft_from_events_detects_whether_the_channel_belongs_to_the_case() -> None:
    per_case = _events(
        [
            ("c1", "Apply", "web"),
            ("c1", "Decide", "web"),
            ("c2", "Apply", "phone"),
            ("c2", "Decide", "phone"),
        ]
    )
    draft = draft_catalogue(per_case)
    assert draft.channel_scope == "case"
    assert draft.activities["Apply"].properties == {"segment": "string"}
    per_event = _events([("c1", "Apply", "web"), ("c1", "Decide", "phone")])
    assert draft_catalogue(per_event).channel_scope == "event"
