"""The customers repository: states saved and read back, due timers, parking, history."""

from __future__ import annotations

from journeyscope.engine import customers
from journeyscope.engine.core.state import CustomerState
from journeyscope.engine.partitions import partition_of
from journeyscope.engine.store import EngineStore

Row = tuple[str, int, str, float | None, float]


def _row(c: str, state: CustomerState, wake_at: float | None, now: float = 1.0) -> Row:
    return (c, partition_of(c, 4), state.to_json(), wake_at, now)


def test_states_are_saved_replaced_and_read_back(database_url: str) -> None:
    with EngineStore(database_url, partitions=4) as store:
        one, two = CustomerState("c1"), CustomerState("c2")
        with store.write() as conn:
            customers.save(store, conn, [_row("c1", one, 10.0), _row("c2", two, None)])
        one.applied = 3
        with store.write() as conn:
            customers.save(store, conn, [_row("c1", one, 20.0, now=2.0)])  # replaces
        with store.read() as conn:
            found = customers.states(conn, ["c1", "c2", "nobody"])
            assert set(found) == {"c1", "c2"} and found["c1"].applied == 3
            assert customers.state(conn, "nobody") is None
        assert store.counts()["customers"] == 2
        assert store.counts()["timers_due_next"] == 20.0


def test_due_timers_of_the_partitions_longest_overdue_first_and_parking(
    database_url: str,
) -> None:
    with EngineStore(database_url, partitions=4) as store:
        ids = [f"c{i}" for i in range(20)]
        with store.write() as conn:
            customers.save(
                store, conn, [_row(c, CustomerState(c), 100.0 - i) for i, c in enumerate(ids)]
            )
        everything = list(range(4))
        with store.read() as conn:
            due = customers.due(conn, everything, 90.0, 100)
            assert due == [f"c{i}" for i in range(19, 9, -1)]  # wake_at 81 … 90
            assert customers.due(conn, everything, 90.0, 2) == ["c19", "c18"]
            one = partition_of("c19", 4)
            assert all(partition_of(c, 4) == one for c in customers.due(conn, [one], 90.0, 100))
        with store.write() as conn:
            customers.park(conn, ["c19", "c18"])
            customers.park(conn, [])
        with store.read() as conn:
            assert customers.due(conn, everything, 90.0, 2) == ["c17", "c16"]


def test_many_ids_are_read_in_chunks(sqlite_url: str) -> None:
    with EngineStore(sqlite_url, partitions=4) as store:
        ids = [f"c{i}" for i in range(customers.CHUNK * 2 + 7)]
        with store.write() as conn:
            customers.save(store, conn, [_row(c, CustomerState(c), None) for c in ids])
        with store.read() as conn:
            assert len(customers.states(conn, ids)) == len(ids)
