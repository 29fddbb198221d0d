"""Control groups by a stable hash (engine/core/holdouts.py): a customer's bucket is the same
in every process and run, holdout shares and experiment weights are kept in the large, and
the groups of different salts are independent."""

from __future__ import annotations

import subprocess
import sys

import pytest

from journeyscope.engine.core.holdouts import bucket, in_holdout, variant

CUSTOMERS = [f"C{n:07d}" for n in range(20_000)]


def test_a_bucket_is_the_same_in_another_process() -> None:
    here = [bucket(c, "policy") for c in CUSTOMERS[:5]]
    code = (
        "from journeyscope.engine.core.holdouts import bucket;"
        f"print([bucket(c, 'policy') for c in {CUSTOMERS[:5]!r}])"
    )
    there = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert there.stdout.strip() == repr(here)


@pytest.mark.parametrize("share", [0.0, 0.05, 0.5, 1.0])
def test_the_holdout_share_is_kept_in_the_large(share: float) -> None:
    held = sum(in_holdout(c, share, "policy") for c in CUSTOMERS) / len(CUSTOMERS)
    assert abs(held - share) < 0.015
    if share == 0.0:
        assert held == 0.0


def test_groups_of_different_salts_are_independent() -> None:
    a = {c for c in CUSTOMERS if in_holdout(c, 0.5, "journey-a")}
    b = {c for c in CUSTOMERS if in_holdout(c, 0.5, "journey-b")}
    assert abs(len(a & b) / len(CUSTOMERS) - 0.25) < 0.015


def test_variants_follow_their_weights_and_stay_put() -> None:
    weights = [("control", 1.0), ("email", 2.0), ("sms", 1.0)]
    got = [variant(c, "exp", weights) for c in CUSTOMERS]
    for name, weight in weights:
        assert abs(got.count(name) / len(got) - weight / 4.0) < 0.015
    assert got == [variant(c, "exp", weights) for c in CUSTOMERS]


def test_a_long_salt_is_cut_to_the_keys_limit_not_refused() -> None:
    assert 0.0 <= bucket("C1", "s" * 500) < 1.0
    assert bucket("C1", "s" * 500) == bucket("C1", "s" * 64)
