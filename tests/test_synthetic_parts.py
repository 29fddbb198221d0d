"""A synthetic population written part by part: one file, every customer distinct, and up to
one part exactly the generator's own table."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pyarrow as pa
import pytest

from journeyscope import synthetic
from journeyscope.synthetic_parts import write_population

IDS = ("case_id", "account_id", "email_hash", "phone_hash", "device_id", "anonymous_id")


def _read(path: Path) -> pa.Table:
    return duckdb.sql(f"SELECT * FROM '{path}'").arrow().read_all()


@pytest.mark.parametrize("name", ["e.parquet", "e.csv"])
def test_parts_make_one_file_of_distinct_customers(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    events = write_population(250, 5, path, part=100)  # parts of 100, 100 and 50 customers
    table = _read(path)
    assert table.num_rows == events
    parts = [
        synthetic.generate(n, 5, first=first, width=7)
        for first, n in ((0, 100), (100, 100), (200, 50))
    ]
    assert events == sum(p.num_rows for p in parts)
    con = duckdb.connect()
    con.register("t", table)
    customers = con.sql("SELECT count(DISTINCT true_customer_id) FROM t").fetchall()[0]
    assert customers == (250,)
    for column in IDS:  # no identifier is shared by customers of different parts
        shared = con.sql(
            f"SELECT count(*) FROM (SELECT {column} FROM t WHERE {column} IS NOT NULL "
            f"GROUP BY {column} HAVING count(DISTINCT true_customer_id) > 1)"
        ).fetchall()[0]
        assert shared == (0,), column
    # in the parts' order, the first part being the generator's table for its customers
    first = con.sql("SELECT * FROM t LIMIT 3").fetchall()
    assert [r[0] for r in first] == parts[0].column("case_id").to_pylist()[:3]


def test_the_parts_draw_from_their_own_streams() -> None:
    a = synthetic.generate(100, 5, first=0)
    b = synthetic.generate(100, 5, first=100)
    assert a.column("true_satisfaction") != b.column("true_satisfaction")
    assert b.column("true_customer_id")[0].as_py() == "C0000100"


def test_up_to_one_part_the_file_is_the_generators(tmp_path: Path) -> None:
    write_population(120, 3, tmp_path / "a.parquet", part=120)
    synthetic.write(synthetic.generate(120, 3), tmp_path / "b.parquet")
    assert (tmp_path / "a.parquet").read_bytes() == (tmp_path / "b.parquet").read_bytes()


def test_numbers_wider_than_seven_digits_are_not_cut() -> None:
    """A customer numbered 10,000,000 or more keeps every digit (a cut id would merge two)."""
    t = synthetic.generate(20, 2, first=9_999_990)
    ids = t.column("true_customer_id").to_pylist()
    assert set(ids) == {f"C{n:08d}" for n in range(9_999_990, 10_000_010)}
    cases = [c for c in t.column("case_id").to_pylist() if c is not None]
    assert all(len(c.split("-")[1]) == 8 for c in cases)
