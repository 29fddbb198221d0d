"""Identity stitching: every identifier of one person leads to one ``customer_id``.

Rule. Two events belong to the same customer when they share an identifier (account id,
hashed e-mail, hashed phone, device id, anonymous cookie) or a case id, directly or through a
chain of events. The customers are the connected components of the graph whose nodes are
identifier values and whose edges join identifiers seen on the same event. A component is
named after its strongest identifier (account before e-mail before phone before device
before cookie before case), ties broken by the smallest value, e.g. ``acct:A-1001``. The
result therefore depends only on the set of events, never on their order, and the work is
one pass to build the graph plus a linear-time connected-components search.

Known limit: a shared device or cookie (a family computer, a branch kiosk) joins everybody
who used it. Leave such identifiers out of the input, or map them to properties.
"""

from __future__ import annotations

import math
import re
import uuid
from dataclasses import dataclass
from typing import Any, Final

import duckdb
import ibis
import numpy as np

from journeyscope.events.schema import IDENTIFIERS

#: Node kinds, strongest first, and the prefix of the customer ids they name.
KINDS: Final[tuple[str, ...]] = (*IDENTIFIERS, "case_id")
PREFIX: Final[dict[str, str]] = {
    "account_id": "acct",
    "email_hash": "email",
    "phone_hash": "phone",
    "device_id": "device",
    "anonymous_id": "anon",
    "case_id": "case",
}


def representatives(n_nodes: int, src: np.ndarray, dst: np.ndarray) -> np.ndarray:
    """For each node, the smallest node index in its connected component.

    Node indices must already be ordered by strength, so the smallest index is the name.

    >>> representatives(5, np.array([0, 3]), np.array([2, 4])).tolist()
    [0, 1, 0, 3, 3]
    """
    if n_nodes == 0:
        return np.zeros(0, dtype=np.int64)
    from scipy.sparse import coo_matrix  # here, not at import: SciPy costs a command's start
    from scipy.sparse.csgraph import connected_components

    graph = coo_matrix(
        (np.ones(len(src), dtype=np.int8), (src, dst)), shape=(n_nodes, n_nodes)
    ).tocsr()
    _, labels = connected_components(graph, directed=False)
    smallest = np.full(labels.max() + 1, n_nodes, dtype=np.int64)
    np.minimum.at(smallest, labels, np.arange(n_nodes, dtype=np.int64))
    result: np.ndarray = smallest[labels]
    return result


def _anchor_kind() -> str:
    whens = " ".join(f"WHEN {k} IS NOT NULL THEN '{k}'" for k in KINDS)
    return f"CASE {whens} END"


def _anchor_value() -> str:
    return f"COALESCE({', '.join(KINDS)})"


@dataclass(frozen=True)
class StitchReport:
    identifiers: int
    links: int
    customers: int
    events_updated: int


#: Events one transaction of the stitch updates at most, per GiB of DuckDB's memory limit: a
#: transaction holds what it changes until its commit, outside what DuckDB can spill (at
#: 1 GB, 10.1M events updated in one, 12.5M ran out of memory, as did 29M in parts of 4.2M).
EVENTS_PER_GIB: Final[int] = 6_000_000

#: The units DuckDB shows a memory setting in (no limit, ``-1``, shows as 16383.9 PiB).
_UNITS: Final[dict[str, int]] = {
    "B": 1, "BYTES": 1, "KB": 1000, "MB": 1000**2, "GB": 1000**3, "TB": 1000**4, "PB": 1000**5,
    "KIB": 1024, "MIB": 1024**2, "GIB": 1024**3, "TIB": 1024**4, "PIB": 1024**5,
}  # fmt: skip


def update_parts(con: duckdb.DuckDBPyConnection, table: str = "events") -> int:
    """In how many parts the stitch updates ``table``: one up to :data:`EVENTS_PER_GIB` events
    per GiB of the connection's memory limit, more above (100M events at 1 GB: 18)."""
    ((events,), (limit,)) = con.execute(
        f"SELECT count(*) FROM {table} UNION ALL "
        "SELECT current_setting('memory_limit')::VARCHAR"  # e.g. '953.6 MiB'
    ).fetchall()
    return max(1, math.ceil(int(events) / (EVENTS_PER_GIB * memory_gib(str(limit)))))


def memory_gib(setting: str) -> float:
    """GiB in a DuckDB memory setting as DuckDB prints it.

    >>> memory_gib("953.6 MiB"), memory_gib("16.0 GiB"), round(memory_gib("2GB"), 3)
    (0.93125, 16.0, 1.863)
    >>> memory_gib("16383.9 PiB"), memory_gib("512 bytes") * 1024**3
    (17179764326.4, 512.0)
    """
    found = re.fullmatch(r"\s*([\d.]+)\s*([A-Za-z]*)\s*", setting)
    if found is None or (found[2] or "B").upper() not in _UNITS:
        raise ValueError(f"not a memory setting: {setting!r}")
    return float(found[1]) * _UNITS[(found[2] or "B").upper()] / 1024**3


def stitch(con: duckdb.DuckDBPyConnection, table: str = "events") -> StitchReport:
    """Recompute ``customer_id`` for every event of ``table`` (in place).

    One transaction up to :func:`update_parts`' size; above it, one per part of the update,
    a stitch recorded as pending (``pending_stitch``) until the last part is committed, so that
    a stitch stopped half-way is done again, whole, when the store is next opened (no other
    process can open the store while this one writes to it).
    """
    values = [
        f"SELECT DISTINCT '{kind}' AS kind, {rank} AS rank, {kind} AS value "
        f"FROM {table} WHERE {kind} IS NOT NULL"
        for rank, kind in enumerate(KINDS)
    ]
    parts = update_parts(con, table)
    con.execute("BEGIN")
    try:
        if parts > 1 and table == "events":
            con.execute("CREATE TABLE IF NOT EXISTS pending_stitch (since TIMESTAMPTZ)")
            con.execute(
                "INSERT INTO pending_stitch SELECT now() "
                "WHERE NOT EXISTS (SELECT * FROM pending_stitch)"
            )
        con.execute(
            "CREATE OR REPLACE TEMP TABLE js_nodes AS SELECT kind, value, "
            "CAST(row_number() OVER (ORDER BY rank, value) - 1 AS BIGINT) AS node "
            f"FROM ({' UNION ALL '.join(values)})"
        )
        links = [
            f"SELECT DISTINCT {_anchor_kind()} AS a_kind, {_anchor_value()} AS a_value, "
            f"'{kind}' AS b_kind, {kind} AS b_value FROM {table} "
            f"WHERE {kind} IS NOT NULL AND {_anchor_kind()} <> '{kind}'"
            for kind in KINDS[1:]
        ]
        edges = con.execute(
            f"""
            SELECT a.node, b.node FROM ({" UNION ALL ".join(links)}) l
            JOIN js_nodes a ON a.kind = l.a_kind AND a.value = l.a_value
            JOIN js_nodes b ON b.kind = l.b_kind AND b.value = l.b_value
            """
        ).fetchnumpy()
        ((n_nodes,),) = con.execute("SELECT count(*) FROM js_nodes").fetchall()
        src = np.asarray(edges["node"], dtype=np.int64)
        dst = np.asarray(edges["node_1"], dtype=np.int64)
        rep = representatives(int(n_nodes), src, dst)
        con.register("js_rep", {"node": np.arange(len(rep), dtype=np.int64), "rep": rep})
        prefix = " ".join(f"WHEN '{k}' THEN '{p}:'" for k, p in PREFIX.items())
        con.execute(
            f"""
            CREATE OR REPLACE TEMP TABLE js_customers AS
            SELECT n.kind, n.value, (CASE r.kind {prefix} END) || r.value AS customer_id
            FROM js_nodes n JOIN js_rep m ON m.node = n.node JOIN js_nodes r ON r.node = m.rep
            """
        )
        con.unregister("js_rep")
        anchor = f"COALESCE({', '.join('e.' + k for k in KINDS)})"
        updated = 0
        for i in range(parts):  # each part: the events whose anchor hashes to it
            ((n,),) = con.execute(
                f"""
                UPDATE {table} AS e SET customer_id = c.customer_id
                FROM (SELECT * FROM js_customers WHERE hash(value) % {parts} = {i}) c
                WHERE c.kind = {_anchor_kind().replace("WHEN ", "WHEN e.")}
                  AND c.value = {anchor} AND hash({anchor}) % {parts} = {i}
                  AND e.customer_id IS DISTINCT FROM c.customer_id
                """
            ).fetchall()
            updated += int(n)
            if i < parts - 1:  # what an update changes is held in memory until its commit
                con.execute("COMMIT")
                con.execute("BEGIN")
        customers = len(np.unique(rep))
        con.execute("DROP TABLE js_customers")
        con.execute("DROP TABLE js_nodes")
        if table == "events":  # a pending stitch recorded by ingest is done now
            con.execute("CREATE TABLE IF NOT EXISTS pending_stitch (since TIMESTAMPTZ)")
            con.execute("DELETE FROM pending_stitch")
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return StitchReport(
        identifiers=int(n_nodes),
        links=len(src),
        customers=customers,
        events_updated=updated,
    )


#: Rounds of label propagation at most before :func:`stitch_view` gives up (each round at
#: least halves every path's length through pointer jumping, so real graphs need few).
MAX_ROUNDS: Final[int] = 64


def stitch_view(view: ibis.Table) -> ibis.Table:
    """``view`` (canonical events on any Ibis backend) with ``customer_id`` stitched by the
    rule above, computed where the data lives: the connected components are found by label
    propagation with pointer jumping, one query per round, each round's labels kept by the
    backend (:class:`_Kept`); nothing is collected to this process but a count per round.
    Gives the same ids as :func:`stitch` on a store.

    A node is written ``"<rank>:<value>"`` (rank = the kind's strength, one digit), so the
    smallest string of a component is its strongest identifier, ties broken by the smallest
    value, exactly as :func:`stitch` orders them. Only linked nodes (two identifiers seen on
    one event) take part in the rounds; an identifier never linked names its own events.
    """
    anchor = _anchor(view)
    # every row's identifiers as one array, unnested: one pass over the events, not one per kind
    nodes = ibis.array([ibis.ifelse(view[k].notnull(), _node(view, k), None) for k in KINDS])
    pairs = view.select(a=anchor, b=nodes.unnest())
    kept = _Kept(view)
    one_way = pairs.filter(pairs.b.notnull() & (pairs.b != pairs.a)).distinct()
    # both directions; an edge seen both ways appears twice, which no minimum minds
    both = kept(one_way.union(one_way.select(a=one_way.b, b=one_way.a)))
    # the first round from every node labelled by itself: its smallest neighbour, or itself
    first = both.group_by(node=both.a).agg(m=both.b.min())
    step = kept(first.select(node=first.node, label=_least(first.node, first.m), old=first.node))
    for _ in range(MAX_ROUNDS):
        target = step.view()
        labels = kept(
            step.join(target, step.label == target.node).select(
                node=step.node, label=_least(step.label, target.label), old=step.old
            )
        )
        kept.release(step)
        changed = int(labels.filter(labels.label != labels.old).count().execute())
        if changed == 0:
            break
        seen = (
            both.join(labels, both.b == labels.node).group_by(node=both.a).agg(m=labels.label.min())
        )
        step = kept(
            labels.join(seen, labels.node == seen.node).select(
                node=labels.node, label=_least(labels.label, seen.m), old=labels.label
            )
        )
        kept.release(labels)
    else:
        raise RuntimeError(f"identity stitching did not settle in {MAX_ROUNDS} rounds")
    keyed = view.mutate(js_anchor=anchor)
    joined = keyed.left_join(labels, keyed.js_anchor == labels.node)
    label = joined.label.fill_null(joined.js_anchor)
    rank = label.left(1)
    value = label.substr(2)
    stitched = ibis.cases(
        *((rank == str(r), ibis.literal(f"{PREFIX[k]}:") + value) for r, k in enumerate(KINDS))
    )
    return joined.select(
        *[stitched.name(c) if c == "customer_id" else joined[c] for c in view.columns]
    )


class _Kept:
    """Intermediate results kept by the backend between rounds: a temporary table (Ibis's
    cache) on DuckDB; on Spark a *local checkpoint* under a temporary view, because a cached
    DataFrame keeps its whole lineage, and a plan that grows each round soon exhausts the
    driver (the executors keep the rows; the driver only the plan's root)."""

    def __init__(self, view: ibis.Table) -> None:
        self.backend: Any = view._find_backend()
        self.spark = getattr(self.backend, "name", "") == "pyspark"

    def __call__(self, expr: ibis.Table) -> ibis.Table:
        if not self.spark:
            return expr.cache()
        self.backend._register_in_memory_tables(expr)
        frame = self.backend._session.sql(self.backend.compile(expr)).localCheckpoint()
        name = f"js_stitch_{uuid.uuid4().hex[:12]}"
        frame.createOrReplaceTempView(name)
        return self.backend.table(name)

    def release(self, table: ibis.Table) -> None:
        if not self.spark:
            table.release()
            return
        self.backend._session.catalog.dropTempView(table.get_name())


def _node(view: ibis.Table, kind: str) -> ibis.StringValue:
    return ibis.literal(f"{KINDS.index(kind)}:") + view[kind].cast("string")


def _anchor(view: ibis.Table) -> ibis.StringValue:
    """Each row's strongest identifier, as a node."""
    return ibis.cases(*((view[k].notnull(), _node(view, k)) for k in KINDS))


def _least(a: ibis.StringValue, b: ibis.StringValue) -> ibis.StringValue:
    return ibis.ifelse(b < a, b, a)
