"""The demo's store: synthetic journeys ingested into a new DuckDB store, identities stitched,
and the stitching checked against the generator's truth (``journeyscope demo``, steps 2-4).

The command line prints what this returns; it runs no query of its own.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from journeyscope.errors import StoreError

if TYPE_CHECKING:
    import duckdb

    from journeyscope.events import Catalogue
    from journeyscope.events.identity import StitchReport
    from journeyscope.events.store import IngestReport

__all__ = ["DemoStore", "StitchTruth", "build_demo_store", "stitch_truth"]

_TRUE = "json_extract_string(properties, '$.true_customer_id')"


@dataclass(frozen=True)
class StitchTruth:
    """Stitched customers against the people the generator simulated."""

    customers: int  # distinct customer ids after stitching
    people: int  # distinct true_customer_id: the people the generator made
    mixed: int  # stitched customers whose events belong to two people or more


@dataclass(frozen=True)
class DemoStore:
    """What building the demo store did and found."""

    ingest: IngestReport
    stitch: StitchReport
    truth: StitchTruth
    stats: dict[str, Any]  # the store's counts (``Store.stats``)
    catalogue: Catalogue  # a draft event catalogue of the stored events


def stitch_truth(con: duckdb.DuckDBPyConnection) -> StitchTruth:
    """Count the stitched customers, the generator's true people and the stitched customers
    that mix two people or more, in the events of the store open on ``con`` (synthetic
    events, stitched).

    Raises :class:`StoreError` when the events carry no ``true_customer_id`` property (only
    the generator's events have one)."""
    ((customers, people, mixed),) = con.execute(
        f"""SELECT count(DISTINCT customer_id), count(DISTINCT {_TRUE}),
                   (SELECT count(*) FROM (SELECT customer_id FROM events GROUP BY 1
                                          HAVING count(DISTINCT {_TRUE}) > 1))
            FROM events"""
    ).fetchall()
    if people == 0:
        raise StoreError(
            "the events have no true_customer_id property: the truth of the stitching is "
            "known for the generator's synthetic events only"
        )
    return StitchTruth(int(customers), int(people), int(mixed))


def build_demo_store(data: Path, store_file: Path) -> DemoStore:
    """A new store at ``store_file`` (any file there is replaced) holding the events of
    ``data`` (the generator's Parquet), stitched, with its counts and a draft catalogue."""
    from journeyscope.events import Store, draft_catalogue
    from journeyscope.events.identity import stitch

    store_file.unlink(missing_ok=True)
    with Store(store_file) as db:
        ingested = db.ingest(data)
        stitched = stitch(db.con)
        return DemoStore(
            ingest=ingested,
            stitch=stitched,
            truth=stitch_truth(db.con),
            stats=db.stats(),
            catalogue=draft_catalogue(db.events()),
        )
