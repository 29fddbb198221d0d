"""Control groups by a stable hash, so the effect of orchestration is measured, not assumed.

A customer's bucket is a number in ``[0, 1)`` from a keyed BLAKE2 hash of their id: the same
customer lands in the same group in every process, on every run, whatever the order of events.
The global holdout uses the policy's salt; each journey hashes with its own id, so the two
groups are independent; experiments hash with the journey and experiment names.

Customers in a holdout still go through the journey (waits, branches, timing are real), but
every send that is not mandatory or transactional becomes a *would-have-sent* record
(``Interaction withheld``), which is what the analysis compares against.

>>> bucket("C0000001", "journeyscope") == bucket("C0000001", "journeyscope")
True
>>> 0.0 <= bucket("C0000001", "x") < 1.0
True
"""

from __future__ import annotations

from hashlib import blake2b


def bucket(customer_id: str, salt: str) -> float:
    digest = blake2b(customer_id.encode(), digest_size=8, key=salt.encode()[:64]).digest()
    return int.from_bytes(digest, "big") / 2.0**64


def in_holdout(customer_id: str, share: float, salt: str) -> bool:
    return share > 0.0 and bucket(customer_id, salt) < share


def variant(customer_id: str, salt: str, weights: list[tuple[str, float]]) -> str:
    """The experiment variant of a customer: weighted, stable."""
    total = sum(w for _, w in weights)
    point = bucket(customer_id, salt) * total
    for name, weight in weights:
        point -= weight
        if point < 0:
            return name
    return weights[-1][0]
