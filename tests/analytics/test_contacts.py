"""Who started each contact, the channel kinds, failure demand: one classification, the same
figures in channels and the value stream, equal to the generator's truth and to SQL written by
hand."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import pytest
from analytics_kit import RealLog, stored

from journeyscope import synthetic
from journeyscope.analytics import (
    Backend,
    ChannelsQuery,
    PathsQuery,
    ValueQuery,
)
from journeyscope.analytics.contacts import ContactRules
from journeyscope.events import Store
from journeyscope.events.catalogue import infer_catalogue

if TYPE_CHECKING:
    import ibis

Declared = Callable[..., Backend]
RULES = ContactRules.from_catalogue(synthetic.catalogue(), "the synthetic catalogue")
ASSISTED = "('phone', 'branch', 'chat', 'email', 'field visit')"
IN_CASE = "case_id IS NOT NULL AND survey_type IS NULL"


def truth(store: Store, where: str) -> int:
    """Events in a case, not survey answers, that the generator's truth columns select."""
    sql = (
        "SELECT count(*) FROM events WHERE "
        + IN_CASE
        + " AND "
        + where.format(
            initiator="json_extract_string(properties, '$.true_initiator')",
            caused="json_extract_string(properties, '$.true_caused_by_failure') = 'true'",
        )
    )
    return int(store.con.execute(sql).fetchall()[0][0])


def test_outbound_events_and_survey_answers_are_not_contacts(declared: Declared) -> None:
    backend = declared(
        {
            # the decision e-mail and the survey are the organisation's: c1 stays digital
            "c1": "Apply/web@0 Decision_sent/email@1 Done/web@2 Survey_sent/email@3",
            "c2": "Apply/web@0 Ask/phone@1 Done/web@2",  # a call: assisted before completion
        }
    )
    r = backend.run(ChannelsQuery(outcomes=("Done",)))
    assert r.contacts.by_initiator == {"customer": 5, "organisation": 2}
    assert (r.contacts.contacts, r.contacts.assisted_contacts) == (5, 1)
    assert (r.digital.completed, r.digital.completed_digitally) == (2, 1)
    assert r.repeats.contacts == 1 and r.assisted_channels == ["email", "phone"]
    declared_rules = ContactRules(initiators={"Decision sent": "customer"})
    strict = backend.run(ChannelsQuery(outcomes=("Done",), contacts=declared_rules))
    assert strict.digital.completed_digitally == 0  # now the e-mail is the customer's


def test_steps_that_cannot_be_done_digitally_are_stated_not_failed(declared: Declared) -> None:
    backend = declared({"c1": "Apply/web@0 Keys/branch@1", "c2": "Apply/web@0 Keys/web@1"})
    plain = backend.run(ChannelsQuery(outcomes=("Keys",)))
    assert plain.digital.completed_digitally == 1
    rules = ContactRules(not_digital=("Keys",))
    r = backend.run(ChannelsQuery(outcomes=("Keys",), contacts=rules))
    assert (r.digital.completed_digitally, r.digital.cases_with_steps_not_digital) == (2, 1)
    assert r.digital.steps_not_digital == ["Keys"] and "cannot be done digitally" in (
        r.classification
    )


def test_a_channel_constant_within_cases_is_a_case_attribute(declared: Declared) -> None:
    backend = declared(
        {
            "c1~p": "Receive/desk@0 Check@1 Check/desk@2 Decide/desk@3",
            "c2~p": "Receive/desk@100 Decide/desk@101",
            "c3~q": "Receive/post@0 Decide/post@5",
        }
    )
    r = backend.run(ChannelsQuery())
    assert r.contacts.channel_is_case_attribute
    assert r.contacts.contacts == 3  # each case's first event: how the case came in
    assert r.contacts.by_initiator == {"customer": 3, "internal": 5}
    assert list(r.contacts.by_initiator) == ["internal", "customer"]  # most first, any engine
    assert (r.repeats.contacts, r.repeats.repeats) == (2, 1)  # p came in twice, 100 min apart
    per_event = backend.run(ChannelsQuery(contacts=ContactRules(channel_scope="event")))
    assert per_event.contacts.contacts == 7 and not per_event.contacts.channel_is_case_attribute


def test_switches_and_ping_pong_count_contacts(declared: Declared) -> None:
    backend = declared(
        {
            "c1": "A/web@0 B/phone@1 Letter_sent/email@2 C/web@3 D/phone@4",
            "c2": "A/web@0 B/web@1",
        }
    )
    r = backend.run(ChannelsQuery())
    cells = {(c.source, c.target): c.transitions for c in r.switches}
    # the outbound e-mail is not a contact: phone -> web directly
    assert cells == {("web", "phone"): 2, ("phone", "web"): 1, ("web", "web"): 1}
    assert (r.ping_pong, r.ping_pong_cases) == (2, 1)  # web-phone-web, phone-web-phone
    # paths count ping-pong with the same definition, over the same contacts
    loops = backend.run(PathsQuery()).loops
    assert loops is not None and loops.ping_pong_cases == 1
    assert sum(p.count for p in loops.ping_pong) == r.ping_pong


def test_outbound_events_make_no_ping_pong_in_paths(declared: Declared) -> None:
    backend = declared({"c1": "A/web@0 Reminder_sent/email@1 B/web@2"})
    loops = backend.run(PathsQuery()).loops
    assert loops is not None and loops.ping_pong == []


def test_failure_demand_ends_at_the_next_step_attempt(declared: Declared) -> None:
    backend = declared(
        {
            # error, call, the step done in the branch (demand), then a later unrelated call
            "c1": "A/web@0 Error/web@1 Call/phone@2 B/branch@3 C/web@4 Call/phone@5",
            "c2": "A/web@0 Call/phone@1",  # a call with no failure before it
        }
    )
    rules = ContactRules(failures=("Error",))
    r = backend.run(ChannelsQuery(contacts=rules))
    f = r.failure_demand
    assert (f.failures, f.assisted_contacts, f.failure_demand_contacts) == (1, 4, 2)
    assert {c.channel: c.failure_demand_contacts for c in f.by_channel} == {
        "phone": 1,
        "branch": 1,
    }
    assert backend.run(ChannelsQuery()).failure_demand.failure_demand_contacts == 0


@pytest.mark.both_engines
def test_synthetic_truth_is_recovered_and_views_reconcile(
    synthetic_store: Store, backend: str
) -> None:
    b = stored(synthetic_store, backend)
    ch = b.run(ChannelsQuery(contacts=RULES))
    value = b.run(ValueQuery(contacts=RULES))
    # contacts: the customer's events in a known channel; assisted: in an assisted one
    initiated = truth(synthetic_store, "{initiator} = 'customer' AND channel IS NOT NULL")
    assisted = truth(synthetic_store, "{initiator} = 'customer' AND channel IN " + ASSISTED)
    caused = truth(synthetic_store, "{caused} AND channel IN " + ASSISTED)
    assert ch.contacts.contacts == initiated
    assert ch.contacts.assisted_contacts == ch.failure_demand.assisted_contacts == assisted
    assert ch.failure_demand.failure_demand_contacts == caused > 0
    # the value stream (no journey: every case) counts the same contacts and failure demand
    assert value.totals.assisted_contacts == assisted
    assert value.totals.failure_demand_contacts == caused
    # hand-written SQL: organisation-initiated events by the catalogue's declaration
    outbound = synthetic_store.con.execute(
        "SELECT count(*) FROM events WHERE case_id IS NOT NULL AND activity IN (SELECT unnest(?))",
        [[a for a, who in synthetic.INITIATOR.items() if who == "organisation"]],
    ).fetchall()[0][0]
    assert ch.contacts.by_initiator["organisation"] == outbound


def test_synthetic_defaults_by_name_come_close(synthetic_store: Store, backend: str) -> None:
    """Without the catalogue, the name rules miss only the organisation's field visit."""
    r = stored(synthetic_store, backend).run(ChannelsQuery())
    missed = synthetic_store.con.execute(
        "SELECT count(*) FROM events WHERE case_id IS NOT NULL AND activity = 'Move-in check'"
    ).fetchall()[0][0]
    assert r.contacts.by_initiator["organisation"] == (
        truth(synthetic_store, "{initiator} = 'organisation'") - missed
    )


def test_catalogue_infer_proposes_the_classification() -> None:
    rows = [
        ("Upload documents", "web", 10),
        ("Upload documents", "email", 2),
        ("Collect keys", "branch", 5),
        ("Decision sent", "letter", 5),
        ("Online error", "web", 3),
        ("Call contact centre", "phone", 4),
    ]
    c = infer_catalogue(rows, [])
    a = c.activities
    assert a["Decision sent"].initiator == "organisation"
    assert a["Upload documents"].initiator == "customer" and a["Upload documents"].can_be_digital
    assert not a["Collect keys"].can_be_digital
    assert a["Online error"].failure and not a["Online error"].help
    assert a["Call contact centre"].help and a["Call contact centre"].can_be_digital
    assert {k: v.kind for k, v in c.channels.items()} == {
        "branch": "assisted",
        "email": "assisted",
        "letter": "other",
        "phone": "assisted",
        "web": "digital",
    }


@pytest.mark.both_engines
def test_receipt_desk_is_a_case_attribute(real_log: Callable[[str], RealLog], backend: str) -> None:
    with Store(real_log("receipt.csv").store) as store:
        r = stored(store, backend).run(ChannelsQuery())
        cases = store.con.execute(
            "SELECT count(DISTINCT case_id) FROM events WHERE channel IS NOT NULL"
        ).fetchall()[0][0]
    assert r.contacts.channel_is_case_attribute
    assert r.contacts.contacts == cases  # one contact per case, not one per back-office task
    assert r.repeats.repeat_rate < 0.2


@pytest.mark.parametrize("scope", ["event", "case"])
def test_catalogue_round_trips_the_classification(scope: str) -> None:
    c = infer_catalogue([("A", "web", 1)], [], channel_scope=scope)  # type: ignore[arg-type]
    rules = ContactRules.from_catalogue(c)
    assert rules.channel_scope == scope and rules.kind_of("web") == "digital"


def test_the_resolving_step_found_by_number_is_the_one_found_by_pair() -> None:
    """With the design's steps known, the attempt that ends a failure is found as one integer
    (position and step number); on generated cases, with attempts of activities in no step,
    that gives what the (position, step) pair gives, row by row."""
    import random

    from journeyscope.analytics.cases import lookup
    from journeyscope.analytics.contacts import classify, with_failure_demand

    rng = random.Random(7)
    activities = ["Apply", "Upload", "Error", "Call", "Visit", "Chat", "Notify", "Loose end"]
    steps = {"Apply": "apply", "Upload": "upload", "Visit": "upload", "Chat": "talk"}
    channels = ["web", "phone", "branch", "chat", None]
    rows = [
        {
            "case": f"c{c}",
            "pos": i,
            "activity": rng.choice(activities),
            "channel": rng.choice(channels),
            "survey_type": None,
        }
        for c in range(400)
        for i in range(rng.randint(1, 12))
    ]
    events = _generated_events(rows)
    events = events.mutate(step=lookup(events.activity, steps, "string"))
    classified = classify(events, ContactRules(failures=("Error",)), position="pos")
    columns = ["case", "pos", "failure_demand", "caused_by", "resolution", "resolution_step"]
    by_pair = with_failure_demand(classified, step="step").select(*columns)
    by_number = with_failure_demand(
        classified, step="step", steps=list(dict.fromkeys(steps.values()))
    ).select(*columns)
    pair = by_pair.order_by(["case", "pos"]).to_pyarrow().to_pylist()
    number = by_number.order_by(["case", "pos"]).to_pyarrow().to_pylist()
    assert number == pair
    assert sum(r["resolution_step"] is not None for r in pair) > 100  # the case is exercised
    assert any(r["resolution"] is not None and r["resolution_step"] is None for r in pair)


@pytest.mark.parametrize("numbered", [False, True])
def test_windows_over_the_failed_cases_alone_change_no_row(numbered: bool) -> None:
    """The failure-demand windows run over the cases that have a failure alone (``split``);
    on generated cases, most without any failure, every row is what the windows over every
    case give."""
    import random

    from journeyscope.analytics.contacts import classify, with_failure_demand

    rng = random.Random(11)
    activities = ["Apply", "Upload", "Call", "Visit", "Chat", "Notify"]
    rows = [
        {
            "case": f"c{c}",
            "pos": i,
            "activity": "Error" if rng.random() < 0.04 else rng.choice(activities),
            "channel": rng.choice(["web", "phone", "branch", "chat", None]),
            "survey_type": None,
            "step": rng.choice(["apply", "upload", None]),
        }
        for c in range(300)
        for i in range(rng.randint(1, 10))
    ]
    events = _generated_events(rows)
    classified = classify(events, ContactRules(failures=("Error",)), position="pos")
    steps = ["apply", "upload"] if numbered else []
    both = [
        with_failure_demand(classified, step="step", steps=steps, split=split)
        .order_by(["case", "pos"])
        .to_pyarrow()
        .to_pylist()
        for split in (True, False)
    ]
    assert both[0] == both[1]
    failed = {r["case"] for r in both[1] if r["failure"]}
    assert 0 < len(failed) < 150  # cases with and without a failure
    assert any(r["failure_demand"] for r in both[1])


def _generated_events(rows: list[dict[str, Any]]) -> ibis.Table:
    """Generated events: ``pos`` an integer, every other column text."""
    import ibis

    return ibis.memtable(rows, schema={k: "int64" if k == "pos" else "string" for k in rows[0]})
