"""Learnt counts add up across batches and workers; levers are replaced."""

from __future__ import annotations

from journeyscope.engine import knowledge
from journeyscope.engine.core.actions import Learn
from journeyscope.engine.store import EngineStore


def test_lessons_add_to_the_stored_counts(database_url: str) -> None:
    with EngineStore(database_url) as store:
        lessons = [
            Learn("offer", "web", True),
            Learn("offer", "web", False),
            Learn("offer", "app", True),
        ]
        with store.write() as conn:
            knowledge.learn(store, conn, lessons)
            knowledge.learn(store, conn, [])
        with store.write() as conn:  # another batch (or another worker)
            knowledge.learn(store, conn, [Learn("offer", "web", True)])
            knowledge.set_lever(store, conn, "offer", 1.5)
        with store.read() as conn:
            found = knowledge.load(conn)
        assert found.stats == {("offer", "web"): (2.0, 3.0), ("offer", "app"): (1.0, 1.0)}
        assert found.levers == {"offer": 1.5}
