"""Work items on lifecycle logs: one work item's transitions are not going back.

A tiny hand-made lifecycle log pins the definition; BPI Challenge 2012 (slow) shows it on
the log that motivated it (71.6% of cases "went back" when every transition was a step).
"""

from __future__ import annotations

import json
from collections.abc import Callable

import pyarrow as pa
import pytest
from analytics_kit import RealLog, backend_for, journeys

from journeyscope.analytics import MomentsQuery, PathsQuery
from journeyscope.analytics.backends import connect
from journeyscope.analytics.cases import with_cases
from journeyscope.analytics.work_items import instances

KEY = ("concept:name", "lifecycle:transition")


def lifecycle_log(cases: dict[str, str]) -> pa.Table:
    """Declared journeys whose tokens may carry a transition: ``W:start@3``."""
    plain: dict[str, str] = {}
    transitions: list[str | None] = []
    for case, text in cases.items():
        tokens = []
        for token in text.split():
            name, _, at = token.rpartition("@")
            activity, _, life = name.partition(":")
            tokens.append(f"{activity}@{at}")
            transitions.append(life or None)
        plain[case] = " ".join(tokens)
    rows = journeys(plain).to_pylist()
    for row, life in zip(rows, transitions, strict=True):
        row["properties"] = json.dumps({} if life is None else {"lifecycle:transition": life})
    return pa.Table.from_pylist(rows, schema=journeys({"x": "A@0"}).schema)


CASES = {
    # one scheduled work item, worked on in two sessions around other steps: no going back
    "sessions": "A:complete@0 W:schedule@1 B:complete@2 W:start@3 W:complete@4 "
    "C:complete@5 W:start@6 W:complete@7",
    # start ... complete of one activity around another: one instance
    "around": "W:start@0 X:complete@1 W:complete@2",
    # never scheduled: a second start after a complete is a new instance, after X: went back
    "again": "W:start@0 W:complete@1 X:complete@2 W:start@3 W:complete@4",
    # scheduled again after another step: went back
    "rescheduled": "W:schedule@0 W:start@1 W:complete@2 X:complete@3 W:schedule@4",
    # atomic events (complete only, or no lifecycle): as on any log
    "atomic": "A:complete@0 B:complete@1 A:complete@2",
    "plain": "A@0 B@1 A@2",
    # a non-standard transition is part of the name, not a transition
    "status": "S:open@0 T@1 S:open@2",
}


def opened(table: pa.Table, engine: str, key: tuple[str, ...] = ()) -> dict[str, list[str]]:
    from journeyscope.analytics.cases import keyed

    b = backend_for(table, engine)
    t = instances(with_cases(keyed(b.events(), key)))
    rows = b.rows(t.filter(t.opens).order_by(["case", "source_row"]))
    out: dict[str, list[str]] = {}
    for r in rows:
        out.setdefault(r["case"], []).append(r["item"])
    return out


@pytest.mark.parametrize("key", [(), KEY])
@pytest.mark.both_engines
def test_instances_open_at_new_work_only(key: tuple[str, ...], backend: str) -> None:
    got = opened(lifecycle_log(CASES), backend, key)
    assert got["sessions"] == ["A", "W", "B", "C"]
    assert got["around"] == ["W", "X"]
    assert got["again"] == ["W", "X", "W"]
    assert got["rescheduled"] == ["W", "X", "W"]
    assert got["atomic"] == ["A", "B", "A"]
    assert got["plain"] == ["A", "B", "A"]
    # with the key, a non-standard transition stays in the work item's name
    assert got["status"] == (["S (open)", "T", "S (open)"] if key else ["S", "T", "S"])


@pytest.mark.both_engines
def test_a_case_opens_the_same_instances_whatever_the_other_cases_carry(backend: str) -> None:
    """Cases without a lifecycle transition skip the instances' windows; alone, among
    lifecycle cases, or among cases without one, each case opens the same instances."""
    mixed = opened(lifecycle_log(CASES), backend)
    without = {c: t for c, t in CASES.items() if ":" not in t}
    assert without and opened(lifecycle_log(without), backend) == {c: mixed[c] for c in without}
    for case in ("sessions", "again", "plain"):
        assert opened(lifecycle_log({case: CASES[case]}), backend) == {case: mixed[case]}


@pytest.mark.parametrize("key", [(), KEY])
@pytest.mark.both_engines
def test_going_back_ignores_the_transitions_of_one_work_item(
    key: tuple[str, ...], backend: str
) -> None:
    loops = backend_for(lifecycle_log(CASES), backend).run(PathsQuery(activity_key=key)).loops
    assert loops is not None
    back = {(e.source, e.target): e.cases for e in loops.back_edges}
    status = ("T", "S (open)") if key else ("T", "S")
    assert back == {("X", "W"): 2, ("B", "A"): 2, status: 1}
    assert loops.cases_went_back == 5 and loops.cases == 7  # not sessions, not around
    assert {r.activity: r.cases for r in loops.rework}["W"] == 2
    assert "schedule, start, complete" in loops.semantics


@pytest.mark.both_engines
def test_moments_name_work_items_and_skip_their_transitions(backend: str) -> None:
    cases = {
        **{f"ok{i}": "W:schedule@0 X:complete@1 W:start@2 W:complete@3 Done@4" for i in range(4)},
        **{
            f"back{i}": "W:start@0 W:complete@1 X:complete@2 W:start@3 W:complete@4"
            for i in range(4)
        },
    }
    r = backend_for(lifecycle_log(cases), backend).run(
        MomentsQuery(
            outcome="completion", outcomes=("Done",), min_cases=2, activity_key=KEY, top=50
        )
    )
    tested = {m.candidate: m.cases_with for m in r.moments}
    assert tested == {"went back to W": 4}
    assert all("(start)" not in m.candidate and "(complete)" not in m.candidate for m in r.moments)


@pytest.mark.slow
def test_bpic2012_goes_back_far_less_once_work_items_are_one(
    real_log: Callable[[str], RealLog], backend: str
) -> None:
    log = real_log("bpic2012.xes.gz")
    with connect(log.store, backend) as b:
        plain = b.run(PathsQuery(steps=2, top_edges=1)).loops
        keyed = b.run(PathsQuery(steps=2, top_edges=1, activity_key=KEY)).loops
        moments = b.run(
            MomentsQuery(outcome="completion", outcomes=("A_APPROVED",), activity_key=())
        )
    assert plain is not None and keyed is not None
    # read event by event 9,367 of 13,087 cases (71.6%) "went back"; now 2,322 (17.7%): new
    # offers (O_SELECTED, O_CREATED, O_SENT again) and work items scheduled again
    assert (plain.cases, plain.cases_went_back) == (13_087, 2_322)
    assert keyed.cases_went_back == plain.cases_went_back
    assert [(e.source, e.target) for e in keyed.back_edges] == [
        (e.source, e.target) for e in plain.back_edges
    ]
    # the definition written once more in plain SQL on the store (BPIC 2012 has only
    # schedule, start and complete)
    import duckdb

    with duckdb.connect(str(log.store), read_only=True) as con:
        row = con.execute(ORACLE).fetchone()
    assert row is not None and row[0] == plain.cases_went_back
    assert not any("(START)" in m.candidate or "(COMPLETE)" in m.candidate for m in moments.moments)
    went = {m.candidate: m.cases_with for m in moments.moments if m.kind == "backtrack"}
    # once per rescheduled validation, not 3,210 cases of START/COMPLETE sessions
    assert went["went back to W_Valideren aanvraag"] == 1_362


ORACLE = """
with e as (
  select case_id, activity,
         lower(json_extract_string(properties, '$."lifecycle:transition"')) as life,
         row_number() over (partition by case_id
                            order by timestamp, source, source_row, event_id) as seq
  from events where case_id is not null),
f as (
  select *, lag(life) over w as prev_life, row_number() over w as n,
         coalesce(max((life = 'schedule')::int) over (partition by case_id, activity
             order by seq rows between unbounded preceding and 1 preceding), 0) as scheduled
  from e window w as (partition by case_id, activity order by seq)),
o as (
  select * from f
  where life is null or life = 'schedule' or n = 1 or prev_life is null
     or (prev_life = 'complete' and scheduled = 0)),
b as (
  select case_id, activity, lag(activity) over (partition by case_id order by seq) as prev,
         row_number() over (partition by case_id, activity order by seq) as k
  from o)
select count(distinct case_id) from b where k > 1 and prev <> activity
"""
