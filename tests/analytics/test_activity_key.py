"""The activity key: what names an activity is chosen per analysis, so lifecycle logs keep
their meaning (BPIC 2013's four statuses split by their sub-status)."""

from __future__ import annotations

import json
from collections.abc import Callable

import pyarrow as pa
import pytest
from analytics_kit import RealLog, backend_for, journeys

from journeyscope.analytics import DfgQuery, FunnelQuery
from journeyscope.analytics.backends import connect
from journeyscope.analytics.cases import parse_activity_key
from journeyscope.errors import InvalidQueryError, UnknownNameError


def lifecycle(table: pa.Table, transitions: list[str | None]) -> pa.Table:
    rows = table.to_pylist()
    for row, life in zip(rows, transitions, strict=True):
        row["properties"] = json.dumps({} if life is None else {"lifecycle:transition": life})
    return pa.Table.from_pylist(rows, schema=table.schema)


@pytest.mark.both_engines
def test_activity_key_joins_the_lifecycle_onto_the_activity(backend: str) -> None:
    table = lifecycle(
        journeys({"c1": "A@0 A@1 B@2", "c2": "A@0 A@1"}),
        ["start", "complete", None, "start", "complete"],
    )
    on = backend_for(table, backend)
    plain = on.run(DfgQuery())
    assert {(e.source, e.target): e.count for e in plain.edges} == {("A", "A"): 2, ("A", "B"): 1}
    key = parse_activity_key("concept:name+lifecycle:transition")
    keyed = on.run(DfgQuery(activity_key=key))
    assert {(e.source, e.target): e.count for e in keyed.edges} == {
        ("A (start)", "A (complete)"): 2,
        ("A (complete)", "B"): 1,  # no lifecycle value: the activity alone
    }
    f = on.run(FunnelQuery(steps=("A (start)", "B"), activity_key=key))
    assert [s.cases for s in f.steps] == [2, 1]
    with pytest.raises(UnknownNameError, match="closest: 'A \\(start\\)'"):
        on.run(FunnelQuery(steps=("A (strat)", "B"), activity_key=key))
    with pytest.raises(InvalidQueryError):
        parse_activity_key(" + ")


@pytest.mark.slow
def test_bpic2013_keeps_its_sub_statuses(real_log: Callable[[str], RealLog], backend: str) -> None:
    with connect(real_log("07_bpic2013_incidents.xes.gz").store, backend) as b:
        plain = b.run(DfgQuery())
        keyed = b.run(DfgQuery(activity_key=("concept:name", "lifecycle:transition")))

    def acts(m: object) -> set[str]:
        edges = m.edges  # type: ignore[attr-defined]
        return {e.source for e in edges} | {e.target for e in edges}

    def self_loops(m: object) -> int:
        return sum(e.count for e in m.edges if e.source == e.target)  # type: ignore[attr-defined]

    assert len(acts(plain)) == 4 and len(acts(keyed)) > 10
    assert self_loops(keyed) < self_loops(plain) / 3
    assert keyed.events == plain.events
