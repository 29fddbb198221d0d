"""The demo's store: synthetic events ingested, stitched, and the stitching checked against
the generator's truth (the figures ``journeyscope demo`` prints in steps 2-4)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pyarrow.compute as pc
import pytest

from journeyscope import synthetic
from journeyscope.errors import StoreError
from journeyscope.events import Store
from journeyscope.services.demo import build_demo_store, stitch_truth


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory):
    """300 synthetic customers written to Parquet: (the table, the file)."""
    table = synthetic.generate(300, seed=4)
    data = tmp_path_factory.mktemp("demo") / "events.parquet"
    synthetic.write(table, data)
    return table, data


@pytest.fixture(scope="module")
def built(generated, tmp_path_factory: pytest.TempPathFactory):
    """The demo store built over a file left from an earlier run: (what it found, the file)."""
    store_file = tmp_path_factory.mktemp("demo") / "store.duckdb"
    store_file.write_bytes(b"left over from an earlier run")  # replaced, not opened
    return build_demo_store(generated[1], store_file), store_file


def test_the_demo_store_holds_the_events_stitched_with_the_truth_beside(generated, built):
    table, _ = generated
    built, _ = built
    assert built.ingest.events_added + built.ingest.quarantined == table.num_rows
    assert built.stats["events"] == built.ingest.events_added
    people = len(pc.unique(table["true_customer_id"]))
    assert built.truth.people == people  # every person the generator made, counted once
    assert built.truth.customers == built.stats["customers"] == built.stitch.customers
    # the stitching links a person's identifiers: far fewer customers than identifiers, and
    # (on this generator) never two people in one customer
    assert built.stitch.identifiers > built.truth.customers >= people
    assert built.truth.mixed == 0
    assert set(built.catalogue.activities) == set(pc.unique(table["activity"]).to_pylist())


def test_a_customer_mixing_two_people_is_counted(built, tmp_path):
    store_file = tmp_path / "store.duckdb"
    shutil.copy(built[1], store_file)
    with Store(store_file) as db:
        two = [
            r[0]
            for r in db.con.execute(
                "SELECT customer_id FROM events GROUP BY 1 ORDER BY 1 LIMIT 2"
            ).fetchall()
        ]
        before = stitch_truth(db.con)
        db.con.execute("UPDATE events SET customer_id = ? WHERE customer_id = ?", two)
        after = stitch_truth(db.con)
    assert after.mixed == before.mixed + 1
    assert after.customers == before.customers - 1 and after.people == before.people


def test_events_without_the_generators_truth_are_refused(real_data: Path, tmp_path):
    with Store(tmp_path / "store.duckdb") as db:
        db.ingest(real_data / "receipt.csv")
        with pytest.raises(StoreError, match="true_customer_id"):
            stitch_truth(db.con)
