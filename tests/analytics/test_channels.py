"""Channels (analytics/channels.py): switches between consecutive contacts, digital
completion, repeat contacts, failure demand and volumes, pinned by journeys declared as data."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest

from journeyscope import synthetic
from journeyscope.analytics import Backend, ChannelsQuery
from journeyscope.analytics.backends import IbisBackend
from journeyscope.analytics.channels import (
    completion,
    contact_events,
    moves,
    repeat_contacts,
    switches,
    volumes,
)
from journeyscope.analytics.contacts import ContactRules
from journeyscope.events import Store

Declared = Callable[..., Backend]


def test_channel_switches_digital_completion_and_repeats(declared: Declared) -> None:
    backend = declared(
        {
            "c1": "Apply/web@0 Upload/app@1 Done/web@2",  # digital all the way
            "c2": "Apply/web@0 Help/phone@1 Done/web@2",  # assisted before completion
            "c3": "Apply/phone@0 Help/phone@60 Done/branch@20000",  # repeat within 7 days
            "c4": "Apply/web@0 Upload/web@1",  # never completed
        }
    )
    r = backend.run(ChannelsQuery(outcomes=("Done",), repeat_within=timedelta(days=7)))
    d = r.digital
    assert (d.cases, d.completed, d.completed_digitally, d.digital_completion) == (
        4,
        3,
        1,
        0.333333,
    )
    assert (d.started_digitally, d.started_digitally_completed_digitally) == (3, 1)
    assert {(c.source, c.target): c.transitions for c in r.switches}[("web", "phone")] == 1
    assert (r.repeats.contacts, r.repeats.repeats) == (4, 1)  # c3's second call
    assert {v.channel for v in r.volumes} == {"web", "app", "phone", "branch"}
    assert "first of: Done" in r.semantics


@pytest.mark.both_engines
def test_channel_sets_are_parameters(declared: Declared) -> None:
    backend = declared({"c1": "Apply/web@0 Help/email@1 Done/web@2"})
    default = backend.run(ChannelsQuery(outcomes=("Done",)))
    assert default.digital.completed_digitally == 0  # e-mail is assisted by default
    relaxed = backend.run(ChannelsQuery(outcomes=("Done",), digital=("email",)))
    assert relaxed.digital.completed_digitally == 1
    declared = ChannelsQuery(
        outcomes=("Done",), contacts=ContactRules(channel_kinds={"email": "other"})
    )
    assert backend.run(declared).digital.completed_digitally == 1


def test_the_overrides_change_only_the_kinds_they_name() -> None:
    rules = ContactRules(channel_kinds={"kiosk": "digital"}, failures=("Error",))
    assert ChannelsQuery(contacts=rules).rules() is rules
    over = ChannelsQuery(contacts=rules, digital=("phone",), assisted=("kiosk",)).rules()
    assert over.channel_kinds == {"kiosk": "assisted", "phone": "digital"}
    assert over.failures == ("Error",)
    assert (over.kind_of("phone"), over.kind_of("web"), over.kind_of("branch")) == (
        "digital",
        "digital",
        "assisted",
    )


def _prepared(
    declared: Declared, cases: dict[str, str], rules: ContactRules | None = None
) -> tuple[Backend, Any]:
    backend = declared(cases)
    return backend, contact_events(backend.events(), rules or ContactRules(), None)


@pytest.mark.both_engines
def test_moves_pair_consecutive_contacts_and_skip_events_that_are_not_contacts(
    declared: Declared,
) -> None:
    backend, p = _prepared(
        declared,
        {
            "c1": "Apply/web@0 Note@1 Call/phone@2 Call/phone@3 Apply/web@4",
            "c2": "Apply/app@0",
        },
    )
    got = sorted((r["case"], r["source"], r["target"]) for r in backend.rows(moves(p)))
    assert got == [("c1", "phone", "phone"), ("c1", "phone", "web"), ("c1", "web", "phone")]
    cells = {
        (r["source"], r["target"]): (r["transitions"], r["cases"])
        for r in backend.rows(switches(p))
    }
    assert cells == {("web", "phone"): (1, 1), ("phone", "phone"): (1, 1), ("phone", "web"): (1, 1)}


def test_completion_is_the_first_outcome_and_assisted_contacts_after_it_do_not_count(
    declared: Declared,
) -> None:
    backend, p = _prepared(
        declared,
        {
            "c1": "Apply/web@0 Done/web@1 Call/phone@2",  # the call comes after completion
            "c2": "Apply/phone@0 Done/web@1",  # assisted first contact
            "c3": "Apply/web@0 Upload/app@1",  # never done
        },
    )
    rows = {r["case"]: r for r in backend.rows(completion(p, ("Done",)))}
    flags = ("completed", "assisted", "first_digital", "switched")
    assert {c: tuple(r[f] for f in flags) for c, r in rows.items()} == {
        "c1": (True, False, True, True),
        "c2": (True, True, False, True),
        "c3": (False, False, True, True),
    }
    # without outcome activities every case completes at its last event
    last = {r["case"]: r for r in backend.rows(completion(p, ()))}
    assert last["c1"]["assisted"] is True and last["c3"]["completed"] is True


def test_an_activity_that_cannot_be_done_digitally_is_counted_apart(declared: Declared) -> None:
    rules = ContactRules(not_digital=("Collect keys",))
    backend, p = _prepared(
        declared,
        {"c1": "Apply/web@0 Collect_keys/branch@1 Done/web@2", "c2": "Apply/web@0 Done/web@1"},
        rules,
    )
    rows = {r["case"]: r for r in backend.rows(completion(p, ("Done",)))}
    assert (rows["c1"]["assisted"], rows["c1"]["not_digital"]) == (False, True)
    assert (rows["c2"]["assisted"], rows["c2"]["not_digital"]) == (False, False)


def test_a_repeat_is_the_same_customers_assisted_contact_within_the_limit(
    declared: Declared,
) -> None:
    backend, p = _prepared(
        declared,
        {
            "a~p1": "Call/phone@0",
            "b~p1": "Call/chat@1440",  # one day later, another case of the same customer
            "c~p2": "Call/phone@0 Apply/web@1 Call/phone@20000",  # about 14 days later
        },
    )
    rows = backend.rows(repeat_contacts(p, timedelta(days=2)))
    assert sorted((r["channel"], r["repeat"]) for r in rows) == [
        ("chat", True),
        ("phone", False),
        ("phone", False),
        ("phone", False),
    ]


def test_volumes_count_events_contacts_and_cases_per_period_and_channel(declared: Declared) -> None:
    # 2024-01-01 is a Monday: minute 10080 is the next Monday
    backend, p = _prepared(
        declared,
        {"c1": "Apply/web@0 Letter_sent/web@1 Call/phone@10080", "c2": "Apply/web@10081 X@10082"},
    )
    weekly = {
        (r["period"], r["channel"]): (r["events"], r["contacts"], r["cases"])
        for r in backend.rows(volumes(p, "week"))
    }
    assert weekly == {
        ("2024-01-01", "web"): (2, 1, 1),  # the letter was sent: not a contact
        ("2024-01-08", "phone"): (1, 1, 1),
        ("2024-01-08", "web"): (1, 1, 1),
    }
    monthly = backend.rows(volumes(p, "month"))
    assert {(r["period"], r["channel"], r["events"]) for r in monthly} == {
        ("2024-01-01", "web", 3),
        ("2024-01-01", "phone", 1),
    }


def test_the_result_counts_cases_apart_and_states_its_rules(declared: Declared) -> None:
    rules = ContactRules(not_digital=("Collect keys",))
    backend = declared(
        {"c1": "Apply/web@0 Collect_keys/branch@1 Done/web@2", "c2": "Apply@0 Done@1"}
    )
    r = backend.run(ChannelsQuery(outcomes=("Done",), contacts=rules))
    d = r.digital
    # c2 has no contact at all: no assisted contact before completion, so digital
    assert (d.completed, d.completed_digitally, d.digital_completion) == (2, 2, 1.0)
    assert (d.started_digitally, d.digital_completion_at_first_contact) == (1, 1.0)
    assert (d.cases_with_steps_not_digital, d.steps_not_digital) == (1, ["Collect keys"])
    assert (r.repeats.contacts, r.repeats.repeats, r.repeats.repeat_rate) == (1, 0, 0.0)
    assert (r.failure_demand.assisted_contacts, r.failure_demand.failure_demand_share) == (1, 0.0)
    assert r.contacts.by_initiator == {"customer": 5} and r.contacts.contacts == 3
    assert (r.digital_channels, r.assisted_channels) == (["web"], ["branch"])
    assert "first of: Done" in r.semantics and "within 7 days" in r.semantics


def test_counted_by_sorting_the_channels_are_the_same(
    synthetic_store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """For more events than DuckDB holds the cases of each switch or period of, the backend
    has them counted by sorting (analytics/holistic.py): the same result."""
    query = ChannelsQuery(contacts=ContactRules.from_catalogue(synthetic.catalogue()))
    backend = IbisBackend(synthetic_store.events())
    held = backend.run(query)
    monkeypatch.setattr(backend, "fits", lambda t: False)
    assert backend.run(query) == held
    assert held.switches and held.ping_pong_cases and held.volumes
