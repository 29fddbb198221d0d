"""The funnel kernel's own machinery: rows read in chunks of whole cases, cases found where
the id changes (within a batch and at a batch's edge), the chunks computed on threads in
their order, and the same answers as the brute-force reference whatever the chunk size.

The kernel's semantics are pinned by ``test_funnels.py`` and
``test_funnel_properties.py`` (DuckDB runs the kernel) and by the ClickHouse oracle."""

from __future__ import annotations

import time
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


def batch(cases: list[str], minutes: list[int], codes: list[int]) -> Any:
    micros = [m * 60_000_000 for m in minutes]
    return pa.record_batch(
        {
            "case": pa.array(cases, pa.string()),
            "ts": pa.array(micros, pa.timestamp("us", tz="UTC")),
            "code": pa.array(codes, pa.int64()),
        }
    )


def test_cases_open_where_the_id_changes() -> None:
    one = batch(["a", "a", "b", "ab"], [0, 1, 0, 0], [1] * 4)
    rows = list(funnel_kernel.chunks(iter([one])))
    assert len(rows) == 1
    assert rows[0].bounds.tolist() == [0, 2, 3, 4]
    assert rows[0].cases.to_pylist() == ["a", "b", "ab"]
    assert rows[0].case_of.tolist() == [0, 0, 1, 2]


def test_a_case_across_batches_stays_in_one_chunk() -> None:
    batches = [
        batch(["a", "a"], [0, 1], [1, 2]),
        batch(["a", "b"], [2, 0], [3, 1]),
        batch(["b", "c"], [1, 0], [2, 1]),
    ]
    chunks = list(funnel_kernel.chunks(iter(batches), size=2))
    assert [c.cases.to_pylist() for c in chunks] == [["a"], ["b"], ["c"]]
    assert [c.ts.tolist() for c in chunks] == [
        [0, 60_000_000, 120_000_000],
        [0, 60_000_000],
        [0],
    ]
    assert np.concatenate([c.code for c in chunks]).tolist() == [1, 2, 3, 1, 2, 1]


def test_a_case_that_opens_a_batch_is_a_new_case() -> None:
    batches = [batch(["a", "a"], [0, 1], [1, 2]), batch(["b"], [0], [1]), batch(["b"], [1], [2])]
    chunks = list(funnel_kernel.chunks(iter(batches), size=100))
    assert [c.cases.to_pylist() for c in chunks] == [["a", "b"]]
    assert chunks[0].bounds.tolist() == [0, 2, 4]


def test_rows_without_a_case_are_refused() -> None:
    rows = pa.record_batch(
        {
            "case": pa.array(["a", None], pa.string()),
            "ts": pa.array([0, 1], pa.timestamp("us")),
            "code": pa.array([1, 2], pa.int64()),
        }
    )
    with pytest.raises(ValueError, match="without a case"):
        list(funnel_kernel.chunks(iter([rows])))


def test_the_chunks_come_back_in_their_order_from_the_threads() -> None:
    def slow_for_the_first(x: int) -> int:
        if x == 0:
            time.sleep(0.05)  # the first item finishes last
        return x * 10

    for threads in (1, 2, 4):
        got = list(funnel_kernel.in_order(slow_for_the_first, iter(range(9)), threads))
        assert got == [x * 10 for x in range(9)]


def test_the_threads_take_at_most_one_chunk_more_than_they_compute() -> None:
    taken: list[int] = []

    def items() -> Any:
        for x in range(20):
            taken.append(x)
            yield x

    results = funnel_kernel.in_order(lambda x: x, items(), 3)
    for done, x in enumerate(results, start=1):
        assert x == done - 1
        assert len(taken) <= done + 3  # memory bounded by the chunks in flight, not the log


def test_an_error_in_a_thread_reaches_the_caller() -> None:
    def fails_on_three(x: int) -> int:
        if x == 3:
            raise ValueError("three")
        return x

    with pytest.raises(ValueError, match="three"):
        list(funnel_kernel.in_order(fails_on_three, iter(range(6)), 2))


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
