"""Identity stitching: order-independent, transitive, never merging strangers."""

from __future__ import annotations

import random

import numpy as np
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from event_logs import identifier_events
from journeyscope.events import Store, identity
from journeyscope.events.identity import representatives, stitch
from journeyscope.events.schema import IDENTIFIERS
from lanes import examples

KINDS = ("case_id", *IDENTIFIERS)


def _store_from(rows: list[dict[str, str | None]]) -> Store:
    store = Store(":memory:")
    table = pa.table(
        {
            **{k: pa.array([r.get(k) for r in rows], pa.string()) for k in KINDS},
            "activity": ["x"] * len(rows),
            "timestamp": pa.array(
                [1_700_000_000_000_000 + i for i in range(len(rows))], pa.timestamp("us", tz="UTC")
            ),
            "row": [r["row"] for r in rows],
        }
    )
    store.con.register("rows", table)
    store.con.execute(
        f"""INSERT INTO events (event_id, {", ".join(KINDS)}, activity, timestamp, source, source_row)
        SELECT row, {", ".join(KINDS)}, activity, timestamp, 't', 0 FROM rows"""
    )
    store.con.unregister("rows")
    return store


def _customers(rows: list[dict[str, str | None]]) -> dict[str, str]:
    store = _store_from(rows)
    stitch(store.con)
    return dict(store.con.execute("SELECT event_id, customer_id FROM events").fetchall())


event = identifier_events(at_least_one=True)


@pytest.mark.slow
@settings(max_examples=examples(40), deadline=None)
@given(st.lists(event, min_size=1, max_size=25), st.randoms(use_true_random=False))
def test_stitching_is_order_independent_and_respects_links(
    rows: list[dict[str, str | None]], rnd: random.Random
) -> None:
    rows = [{**r, "row": str(i)} for i, r in enumerate(rows)]
    first = _customers(rows)
    shuffled = rows[:]
    rnd.shuffle(shuffled)
    assert _customers(shuffled) == first
    # events sharing any identifier value belong to the same customer
    for a in rows:
        for b in rows:
            if any(a[k] is not None and a[k] == b[k] for k in KINDS):
                assert first[str(a["row"])] == first[str(b["row"])]
    # every customer is named after one of its own identifiers
    for r in rows:
        name = first[str(r["row"])]
        assert any(name.endswith(":" + v) for v in _component_values(rows, first, name))


def _component_values(
    rows: list[dict[str, str | None]], customers: dict[str, str], name: str
) -> set[str]:
    return {
        str(r[k])
        for r in rows
        if customers[str(r["row"])] == name
        for k in KINDS
        if r[k] is not None
    }


def test_chain_links_transitively_and_strongest_identifier_names_the_customer() -> None:
    rows = [
        {"row": "1", "anonymous_id": "ck1"},
        {"row": "2", "anonymous_id": "ck1", "account_id": "A9"},
        {"row": "3", "account_id": "A9", "phone_hash": "p1"},
        {"row": "4", "phone_hash": "p1"},
        {"row": "5", "phone_hash": "p2"},
    ]
    customers = _customers(rows)
    assert {customers[r] for r in "1234"} == {"acct:A9"}
    assert customers["5"] == "phone:p2"


def test_representatives_pick_smallest_node() -> None:
    rep = representatives(6, np.array([5, 1, 3]), np.array([4, 4, 2]))
    assert rep.tolist() == [0, 1, 2, 2, 1, 1]


def test_synthetic_customers_are_never_merged(synthetic_store: Store) -> None:
    mixed, stitched, people = synthetic_store.con.execute(
        """SELECT (SELECT count(*) FROM (SELECT customer_id FROM events GROUP BY 1
                  HAVING count(DISTINCT json_extract_string(properties, '$.true_customer_id')) > 1)),
                  count(DISTINCT customer_id),
                  count(DISTINCT json_extract_string(properties, '$.true_customer_id'))
           FROM events"""
    ).fetchall()[0]
    assert mixed == 0
    # people who only browsed on one device and applied on another stay split: a minority
    assert people <= stitched < people * 1.35


@settings(max_examples=examples(30), deadline=None)
@given(st.lists(event, min_size=1, max_size=25), st.integers(2, 9))
def test_the_stitch_in_parts_names_the_same_customers(
    rows: list[dict[str, str | None]], parts: int
) -> None:
    """Above a size the stitch updates the events in parts (by their anchor's hash), each
    part one statement: the same customers as in one."""
    rows = [{**r, "row": str(i)} for i, r in enumerate(rows)]
    whole = _customers(rows)
    with pytest.MonkeyPatch.context() as m:
        m.setattr(identity, "update_parts", lambda con, table="events": parts)
        assert _customers(rows) == whole


def test_update_parts_follow_the_memory_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    store = _store_from([{"row": str(i), "account_id": f"A{i}"} for i in range(100)])
    store.con.execute("SET memory_limit = '1GB'")  # DuckDB prints it as 953.6 MiB
    monkeypatch.setattr(identity, "EVENTS_PER_GIB", 10)
    assert identity.update_parts(store.con) == 11  # 100 / (10 x 0.93125) = 10.7
    store.con.execute("SET memory_limit = '4GiB'")
    assert identity.update_parts(store.con) == 3  # 100 / 40 = 2.5
    monkeypatch.setattr(identity, "EVENTS_PER_GIB", 4_000_000)
    assert identity.update_parts(store.con) == 1
    store.con.execute("SET memory_limit = '-1'")  # no limit: DuckDB shows 16383.9 PiB
    assert identity.update_parts(store.con) == 1
    with pytest.raises(ValueError, match="not a memory setting"):
        identity.memory_gib("lots")


class _StopsAtSecondUpdate:
    """A connection that fails its second UPDATE, as a process stopped half-way would."""

    def __init__(self, con: object) -> None:
        self.con, self.updates = con, 0

    def execute(self, sql: str, *args: object) -> object:
        if sql.lstrip().startswith("UPDATE"):
            self.updates += 1
            if self.updates == 2:
                raise KeyboardInterrupt
        return self.con.execute(sql, *args)  # type: ignore[attr-defined]

    def __getattr__(self, name: str) -> object:
        return getattr(self.con, name)


def test_a_stitch_stopped_between_parts_is_done_again_when_the_store_opens(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    rows = [{"row": str(i), "account_id": f"A{i % 7}", "device_id": f"d{i}"} for i in range(60)]
    whole = _customers(rows)
    monkeypatch.setattr(identity, "update_parts", lambda con, table="events": 3)
    store = _store_from(rows)
    with pytest.raises(KeyboardInterrupt):
        stitch(_StopsAtSecondUpdate(store.con))  # type: ignore[arg-type]
    pending = store.con.execute("SELECT count(*) FROM pending_stitch").fetchall()
    assert pending == [(1,)]  # the first part is committed, the stitch still pending
    done = store.con.execute("SELECT count(customer_id) FROM events").fetchall()[0][0]
    assert 0 < done < len(rows)
    store.complete_pending_stitch()
    assert dict(store.con.execute("SELECT event_id, customer_id FROM events").fetchall()) == whole
    assert store.con.execute("SELECT count(*) FROM pending_stitch").fetchall() == [(0,)]
