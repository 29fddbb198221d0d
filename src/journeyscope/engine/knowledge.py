"""What the engine has learnt: propensity counts per interaction and context, and the
operators' levers; read into the core's :class:`~journeyscope.engine.core.decisions.Knowledge`.

Counts only grow: each batch adds its lessons (successes and trials) to the stored ones in
the batch's transaction, so several workers may learn about one interaction at once.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import TYPE_CHECKING

from sqlalchemy import Connection, select

from journeyscope.engine import schema as t
from journeyscope.engine.core.actions import Learn
from journeyscope.engine.core.decisions import Knowledge

if TYPE_CHECKING:
    from journeyscope.engine.store import EngineStore

COLUMNS = ("interaction", "context", "successes", "trials")
#: Counts add up: the stored ones plus the batch's.
ADD = (
    "ON CONFLICT (interaction, context) DO UPDATE SET "
    "successes = propensity.successes + excluded.successes, "
    "trials = propensity.trials + excluded.trials"
)


def load(conn: Connection) -> Knowledge:
    stats = {
        (r.interaction, r.context): (r.successes, r.trials)
        for r in conn.execute(select(t.propensity))
    }
    levers = {r.interaction: r.lever for r in conn.execute(select(t.levers))}
    return Knowledge(stats, levers)


def set_lever(store: EngineStore, conn: Connection, interaction: str, lever: float) -> None:
    stmt = store.insert(t.levers).values(interaction=interaction, lever=lever)
    conn.execute(stmt.on_conflict_do_update(index_elements=["interaction"], set_={"lever": lever}))


def learn(store: EngineStore, conn: Connection, lessons: Sequence[Learn]) -> None:
    """Add ``lessons`` to the stored counts (one row per interaction and context)."""
    if not lessons:
        return
    deltas: dict[tuple[str, str], list[float]] = defaultdict(lambda: [0.0, 0.0])
    for lesson in lessons:
        d = deltas[(lesson.interaction, lesson.context)]
        d[0] += 1.0 if lesson.success else 0.0
        d[1] += 1.0
    rows = [(k[0], k[1], v[0], v[1]) for k, v in sorted(deltas.items())]
    store.bulk(conn, t.propensity, COLUMNS, rows, ADD)
