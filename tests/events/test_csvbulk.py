"""The bulk path of the CSV reader (events/csvbulk.py): Arrow's parser hands over the rows the
row-by-row reader would, with each record's physical line, and says where that reader takes
over for the records it cannot vouch for."""

from __future__ import annotations

import gzip
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from csv_kit import both_ways, row_by_row, write_csv
from journeyscope.events import csvbulk
from journeyscope.events.csvbulk import Resume, header_names, read_bulk, scan


def _bulk_only(path: Path, batch_size: int = 100_000) -> tuple[list[Any], Resume | None]:
    gen = read_bulk(path, ",", True, batch_size)
    out = []
    while True:
        try:
            out.append(next(gen).to_pylist())
        except StopIteration as stop:
            return out, stop.value


def test_a_clean_file_is_read_in_bulk_with_physical_lines(tmp_path: Path) -> None:
    data = b'id,note\n1,"two\nlines"\n2,"crlf\r\ninside"\n3,plain\n'
    path = write_csv(str(tmp_path), data)
    batches, resume = _bulk_only(path)
    assert resume is None  # the whole file, in bulk
    rows = batches[0]
    assert [(r["id"], r["__row"]) for r in rows] == [("1", 2), ("2", 4), ("3", 6)]
    assert rows[0]["note"] == "two\nlines" and rows[1]["note"] == "crlf\r\ninside"
    assert batches == row_by_row(path)


def test_the_row_by_row_reader_takes_over_at_the_first_record_in_doubt(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(csvbulk, "_BLOCK", 16)  # Arrow parses a few records at a time
    good = b"".join(b"%d,x\n" % i for i in range(10))
    data = b"id,v\n" + good + b"bad\n" + b"11,y\n"
    path = write_csv(str(tmp_path), data)
    batches, resume = _bulk_only(path, batch_size=4)
    assert [len(b) for b in batches] == [4, 4]  # only whole batches before the doubt
    assert resume == Resume(line=10, good=8)
    assert both_ways(path, batch_size=4) == row_by_row(path, batch_size=4)
    rows = [r for b in both_ways(path, batch_size=4) for r in b]
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
    assert scan(write_csv(str(tmp_path), data)) is None


def test_trailing_blank_lines_and_a_bom_are_fine(tmp_path: Path) -> None:
    path = write_csv(str(tmp_path), b"\xef\xbb\xbfa,b\n1,2\n\n\r\n")
    batches, resume = _bulk_only(path)
    assert resume is None and batches == row_by_row(path)
    assert batches[0] == [{"a": "1", "b": "2", "__row": 2, "__error": None}]


def test_gzip_and_a_field_near_the_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    plain = b'a,b\n1,"x\ny"\n2,z\n'
    path = tmp_path / "f.csv.gz"
    path.write_bytes(gzip.compress(plain))
    batches, resume = _bulk_only(path)
    assert resume is None and batches == row_by_row(path)
    monkeypatch.setattr(csvbulk, "MAX_FIELD", 3)
    assert _bulk_only(path)[1] == Resume(1, 0)  # 'x\ny' is 3 bytes: read row by row


def test_line_feed_counts_read_from_buffers_honour_nulls_and_offsets() -> None:
    values = pa.array(["a\nb", None, "", "x\n\ny", None, "\n"], pa.string())
    for start in range(4):
        part = values.slice(start)
        counts = csvbulk._integers(pc.count_substring(part, "\n"))
        assert counts.tolist() == [0 if v is None else v.count("\n") for v in part.to_pylist()]


def test_header_names_fill_blanks_rename_hidden_columns_and_number_repeats() -> None:
    names = header_names(["a", "__row", "", "a", " a ", "__error", "a_1"])
    assert names == ["a", "csv:__row", "column2", "a_1", "a_2", "csv:__error", "a_1_1"]


def test_without_a_header_every_record_is_a_row_named_by_position(tmp_path: Path) -> None:
    path = write_csv(str(tmp_path), b"id,v\n1,a\n")
    gen = read_bulk(path, ",", False, 10)
    rows = next(gen).to_pylist()
    assert rows == [
        {"column0": "id", "column1": "v", "__row": 1, "__error": None},
        {"column0": "1", "column1": "a", "__row": 2, "__error": None},
    ]
    with pytest.raises(StopIteration) as stop:
        next(gen)
    assert stop.value.value is None  # the whole file, in bulk


def test_scan_counts_the_line_feeds_before_the_trailing_ones(tmp_path: Path) -> None:
    assert scan(write_csv(str(tmp_path), b'a,b\n1,"x\ny"\n2,z\n\n')) == csvbulk.Scan(3, True)
    assert scan(write_csv(str(tmp_path), b"a;b\r\n1;2")) == csvbulk.Scan(1, False)


def test_progress_is_reported_per_batch_and_never_passes_100(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(csvbulk, "_BLOCK", 16)  # a few records per Arrow block
    path = write_csv(str(tmp_path), b"id,v\n" + b"".join(b"%d,x\n" % i for i in range(40)))
    seen: list[float] = []
    batches = list(read_bulk(path, ",", True, 5, seen.append))
    assert sum(b.num_rows for b in batches) == 40
    assert len(seen) == 8  # one per batch of 5
    assert seen == sorted(seen) and 0 < seen[0] < 100 and seen[-1] <= 100


def _scan_at_once(data: bytes) -> csvbulk.Scan | None:
    """What :func:`scan` says, written for the whole file at once."""
    data = data.removeprefix(b"\xef\xbb\xbf")
    body = data.rstrip(b"\r\n")
    if data[:1] in (b"\r", b"\n") or not body or b"\x00" in body or b"\n\n" in body:
        return None
    if b"\r" in body and (b"\n\r\n" in body or body.count(b"\r") != body.count(b"\r\n")):
        return None
    return csvbulk.Scan(body.count(b"\n"), b'"' in body)


@settings(max_examples=300, deadline=None)
@given(
    data=st.lists(
        st.sampled_from([b"a", b",", b'"', b"\n", b"\r\n", b"\r", b"\x00", b"\xef\xbb\xbf"]),
        max_size=40,
    ).map(b"".join),
    chunk=st.integers(4, 9),  # the first read holds a byte-order mark and a byte after it
)
def test_scan_in_chunks_says_what_the_whole_file_says(
    tmp_path_factory: pytest.TempPathFactory, data: bytes, chunk: int
) -> None:
    path = tmp_path_factory.mktemp("scan") / "f.csv"
    path.write_bytes(data)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(csvbulk, "_SCAN_CHUNK", chunk)  # line breaks split across reads
        assert scan(path) == _scan_at_once(data)


def test_a_scan_run_in_a_thread_says_what_the_scan_says_and_raises_what_it_raises(
    tmp_path: Path,
) -> None:
    path = write_csv(str(tmp_path), b'a,b\n1,"x\ny"\n')
    assert csvbulk.scan_in_thread(path).result() == scan(path)
    with pytest.raises(FileNotFoundError):
        csvbulk.scan_in_thread(tmp_path / "missing.csv").result()
