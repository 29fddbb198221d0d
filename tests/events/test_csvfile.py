"""The CSV reader's two paths give the same rows, lines, errors and batches.

The bulk path (Arrow's parser, :mod:`journeyscope.events.csvbulk`) must be indistinguishable
from the row-by-row path (:mod:`csv`): each generated file is read both ways and the
batches compared value by value, ``__row`` and ``__error`` included.
"""

from __future__ import annotations

import csv
import gzip
import io
import tempfile
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from journeyscope.errors import InputFormatError
from journeyscope.events import Store, csvbulk, csvfile
from journeyscope.events.csvbulk import Resume, read_bulk, scan
from lanes import examples


def _row_by_row(path: Path, header: bool = True, batch_size: int = 100_000) -> Any:
    try:
        batches = list(
            csvfile._read_rows(path, ",", "utf-8-sig", "utf-8", header, batch_size, None, Resume())
        )
    except InputFormatError as exc:
        return str(exc)
    return [b.to_pylist() for b in batches]


def _both_ways(path: Path, header: bool = True, batch_size: int = 100_000) -> Any:
    try:
        batches = list(csvfile.read_csv(path, ",", header=header, batch_size=batch_size))
    except InputFormatError as exc:
        return str(exc)
    return [b.to_pylist() for b in batches]


def _bulk_only(path: Path, batch_size: int = 100_000) -> tuple[list[Any], Resume | None]:
    gen = read_bulk(path, ",", True, batch_size)
    out = []
    while True:
        try:
            out.append(next(gen).to_pylist())
        except StopIteration as stop:
            return out, stop.value


def _write(folder: str, data: bytes, name: str = "f.csv") -> Path:
    path = Path(folder) / name
    path.write_bytes(data)
    return path


def test_a_clean_file_is_read_in_bulk_with_physical_lines(tmp_path: Path) -> None:
    data = b'id,note\n1,"two\nlines"\n2,"crlf\r\ninside"\n3,plain\n'
    path = _write(str(tmp_path), data)
    batches, resume = _bulk_only(path)
    assert resume is None  # the whole file, in bulk
    rows = batches[0]
    assert [(r["id"], r["__row"]) for r in rows] == [("1", 2), ("2", 4), ("3", 6)]
    assert rows[0]["note"] == "two\nlines" and rows[1]["note"] == "crlf\r\ninside"
    assert batches == _row_by_row(path)


def test_the_row_by_row_reader_takes_over_at_the_first_record_in_doubt(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(csvbulk, "_BLOCK", 16)  # Arrow parses a few records at a time
    good = b"".join(b"%d,x\n" % i for i in range(10))
    data = b"id,v\n" + good + b"bad\n" + b"11,y\n"
    path = _write(str(tmp_path), data)
    batches, resume = _bulk_only(path, batch_size=4)
    assert [len(b) for b in batches] == [4, 4]  # only whole batches before the doubt
    assert resume == Resume(line=10, good=8)
    assert _both_ways(path, batch_size=4) == _row_by_row(path, batch_size=4)
    rows = [r for b in _both_ways(path, batch_size=4) for r in b]
    assert [r["__row"] for r in rows if r["__error"]] == [12]
    assert rows[-1]["__row"] == 13


@pytest.mark.parametrize(
    "data",
    [
        b"a,b\n\n1,2\n",  # a blank line moves every later line
        b"a,b\r1,2\r",  # carriage returns alone
        b"a,b\n1,\x002\n",
        b"\na,b\n1,2\n",
        b"",
        b"\n\n",
    ],
)
def test_files_the_bulk_path_cannot_vouch_for(tmp_path: Path, data: bytes) -> None:
    assert scan(_write(str(tmp_path), data)) is None


def test_trailing_blank_lines_and_a_bom_are_fine(tmp_path: Path) -> None:
    path = _write(str(tmp_path), b"\xef\xbb\xbfa,b\n1,2\n\n\r\n")
    batches, resume = _bulk_only(path)
    assert resume is None and batches == _row_by_row(path)
    assert batches[0] == [{"a": "1", "b": "2", "__row": 2, "__error": None}]


def test_gzip_and_a_field_near_the_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    plain = b'a,b\n1,"x\ny"\n2,z\n'
    path = tmp_path / "f.csv.gz"
    path.write_bytes(gzip.compress(plain))
    batches, resume = _bulk_only(path)
    assert resume is None and batches == _row_by_row(path)
    monkeypatch.setattr(csvbulk, "MAX_FIELD", 3)
    assert _bulk_only(path)[1] == Resume(1, 0)  # 'x\ny' is 3 bytes: read row by row


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
        path = _write(folder, data)
        expected = _row_by_row(path, header, batch_size)
        assert _both_ways(path, header, batch_size) == expected


def test_line_feed_counts_read_from_buffers_honour_nulls_and_offsets() -> None:
    values = pa.array(["a\nb", None, "", "x\n\ny", None, "\n"], pa.string())
    for start in range(4):
        part = values.slice(start)
        counts = csvbulk._integers(pc.count_substring(part, "\n"))
        assert counts.tolist() == [0 if v is None else v.count("\n") for v in part.to_pylist()]
