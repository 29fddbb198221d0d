"""Customers are hashed to a fixed number of partitions, made when the store is created;
a worker processes the partitions it leases (:mod:`~journeyscope.engine.leases`)."""

from __future__ import annotations

import zlib

from sqlalchemy import Connection, func, insert, select

from journeyscope.engine import schema as t

DEFAULT_PARTITIONS = 64


def partition_of(customer_id: str, partitions: int) -> int:
    """The partition a customer belongs to: stable across processes and machines.

    >>> partition_of("acct:A1", 64) == partition_of("acct:A1", 64) < 64
    True
    """
    return zlib.crc32(customer_id.encode()) % partitions


def count(conn: Connection) -> int:
    """How many partitions the store has (0: not created yet)."""
    return int(conn.execute(select(func.count()).select_from(t.partitions)).scalar_one())


def create(conn: Connection, partitions: int) -> None:
    """Make ``partitions`` unowned partitions, unless the store has some already (their
    number never changes: it decides where every customer lives)."""
    if count(conn) == 0:
        conn.execute(
            insert(t.partitions),
            [{"id": i, "owner": None, "lease_until": 0.0} for i in range(partitions)],
        )
