"""The funnel kernel's own machinery: rows read in chunks of whole cases, cases found from a
hash of their id (and told apart when two ids share a hash), and the same answers as the
brute-force reference whatever the chunk size.

The kernel's semantics are pinned by ``test_funnels.py`` and
``test_funnel_properties.py`` (DuckDB runs the kernel) and by the ClickHouse oracle."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from unittest import mock

import numpy as np
import pyarrow as pa
import pytest
from analytics_kit import BASE, backend_for, journeys
from funnel_reference import reference
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from event_logs import logs
from journeyscope.analytics import FunnelQuery, funnel_cases, funnel_kernel

ACTIVITIES = ("A", "B", "C", "X")
token = st.tuples(st.sampled_from(ACTIVITIES), st.integers(0, 4))


def batch(keys: list[int], cases: list[str], minutes: list[int], codes: list[int]) -> Any:
    micros = [m * 60_000_000 for m in minutes]
    return pa.record_batch(
        {
            "key": pa.array(keys, pa.int64()),
            "case": pa.array(cases, pa.string()),
            "ts": pa.array(micros, pa.timestamp("us", tz="UTC")),
            "code": pa.array(codes, pa.int64()),
        }
    )


def test_cases_that_share_a_hash_are_told_apart() -> None:
    rows = list(
        funnel_kernel.chunks(iter([batch([7, 7, 7], ["a", "a", "b"], [0, 1, 0], [1, 2, 1])]))
    )
    assert len(rows) == 1
    assert rows[0].bounds.tolist() == [0, 2, 3]
    assert rows[0].cases.to_pylist() == ["a", "b"]
    assert rows[0].case_of.tolist() == [0, 0, 1]


def test_a_case_across_batches_stays_in_one_chunk() -> None:
    batches = [
        batch([1, 1], ["a", "a"], [0, 1], [1, 2]),
        batch([1, 2], ["a", "b"], [2, 0], [3, 1]),
        batch([2, 3], ["b", "c"], [1, 0], [2, 1]),
    ]
    chunks = list(funnel_kernel.chunks(iter(batches), size=2))
    assert [c.cases.to_pylist() for c in chunks] == [["a"], ["b"], ["c"]]
    assert [c.ts.tolist() for c in chunks] == [
        [0, 60_000_000, 120_000_000],
        [0, 60_000_000],
        [0],
    ]
    assert np.concatenate([c.code for c in chunks]).tolist() == [1, 2, 3, 1, 2, 1]


@st.composite
def queries(draw: st.DrawFn) -> FunnelQuery:
    mode = draw(st.sampled_from(["sequential", "strict", "any_order"]))
    ordered = mode != "any_order"
    exclusions: Any = ()
    if mode == "sequential" and draw(st.booleans()):
        exclusions = ({"activities": ("X",), "from_step": 1, "to_step": 3},)
    return FunnelQuery(
        steps=("A", "B", "C"),
        mode=mode,
        window=draw(st.sampled_from([None, timedelta(minutes=2)])),
        entry=draw(st.sampled_from(["furthest", "first"])),
        ties=draw(st.sampled_from(["advance", "strict_increase"])) if ordered else "advance",
        open=ordered and draw(st.booleans()),
        exclusions=exclusions,
    )


@pytest.mark.slow
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(logs(token, [f"c{i}" for i in range(8)]), queries(), st.integers(1, 6))
def test_small_chunks_give_the_reference_answer(
    logs: dict[str, list[Any]], query: FunnelQuery, size: int
) -> None:
    declared = {c: " ".join(f"{a}@{t}" for a, t in evs) for c, evs in logs.items()}
    backend = backend_for(journeys(declared))
    with (
        mock.patch.object(funnel_kernel, "CHUNK_ROWS", size),
        mock.patch.object(funnel_kernel, "BATCH_ROWS", 1 + size // 2),
    ):
        rows = backend.rows(funnel_cases(backend.events(), query))
    got = {r["case"]: (r["level"], r["ms_to_convert"]) for r in rows}
    expected = {}
    for c, evs in logs.items():
        out = reference([(BASE + timedelta(minutes=t), a) for a, t in evs], query)
        if out is not None:
            expected[c] = (out.level, out.ms_to_convert)
    assert got == expected
