"""The CSV reader's two paths give the same rows, lines, errors and batches.

The bulk path (Arrow's parser, :mod:`journeyscope.events.csvbulk`) must be indistinguishable
from the row-by-row path (:mod:`csv`): each generated file is read both ways and the
batches compared value by value, ``__row`` and ``__error`` included.
"""

from __future__ import annotations

import csv
import io
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from csv_kit import both_ways, row_by_row, write_csv
from journeyscope.events import Store, csvbulk
from lanes import examples


def test_ingest_reads_a_clean_file_in_bulk(tmp_path: Path) -> None:
    path = tmp_path / "events.csv"
    path.write_text(
        'case_id,activity,timestamp,note\nc1,Apply,2024-01-01,"multi\nline"\nc1,Call,2024-01-02,x\n'
    )
    with Store(":memory:") as store:
        report = store.ingest(path)
        rows = store.con.execute("SELECT activity, source_row FROM events ORDER BY 2").fetchall()
    assert report.events_added == 2
    assert rows == [("Apply", 2), ("Call", 4)]


_PIECES = st.sampled_from(
    ["a", "b", "1", ",", '"', '""', "\n", "\r\n", "\r", " ", "é", "\x00", ";", "\n\n", "x,y"]
)


def _fuzzed() -> st.SearchStrategy[bytes]:
    body = st.lists(_PIECES, max_size=40).map("".join)
    return st.tuples(st.sampled_from(["a,b,c\n", "a\n", "a,b\n", ""]), body).map(
        lambda t: (t[0] + t[1]).encode()
    )


def _well_formed() -> st.SearchStrategy[bytes]:
    field = st.text(alphabet="ab ,\"\n'é", max_size=6)
    rows = st.lists(st.lists(field, min_size=3, max_size=3), max_size=8)

    def encode(records: list[list[str]]) -> bytes:
        out = io.StringIO()
        csv.writer(out, lineterminator="\n").writerows([["x", "y", "z"], *records])
        return out.getvalue().encode()

    return rows.map(encode)


@settings(max_examples=examples(150), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    data=st.one_of(_fuzzed(), _well_formed()),
    batch_size=st.integers(1, 4),
    block=st.sampled_from([8, 64, 1 << 20]),
    header=st.booleans(),
)
@example(data=b'a,b\n1,"x\n\ny"\n2,3\n', batch_size=1, block=1 << 20, header=True)
@example(data=b'a,b\n1,"unterminated\n2,3\n', batch_size=2, block=1 << 20, header=True)
@example(data=b'a\n""\nb\n', batch_size=1, block=1 << 20, header=False)
def test_both_paths_agree(data: bytes, batch_size: int, block: int, header: bool) -> None:
    csvbulk._BLOCK = block  # restored below; Hypothesis runs the cases one after the other
    try:
        _agree(data, batch_size, header)
    finally:
        csvbulk._BLOCK = 16 * 1024 * 1024


def _agree(data: bytes, batch_size: int, header: bool) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = write_csv(folder, data)
        expected = row_by_row(path, header, batch_size)
        assert both_ways(path, header, batch_size) == expected
