"""Customers are spread over the partitions, and their number never changes."""

from __future__ import annotations

from collections import Counter

from journeyscope.engine import partitions
from journeyscope.engine.store import EngineStore


def test_customers_spread_over_every_partition() -> None:
    spread = Counter(partitions.partition_of(f"acct:{i}", 16) for i in range(16_000))
    assert set(spread) == set(range(16))
    assert max(spread.values()) < 1.2 * min(spread.values())


def test_reopening_with_another_number_keeps_the_first(sqlite_url: str) -> None:
    with EngineStore(sqlite_url, partitions=8) as store:
        assert store.partitions == 8
    with EngineStore(sqlite_url, partitions=32) as store:
        assert store.partitions == 8
