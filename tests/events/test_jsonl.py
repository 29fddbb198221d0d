"""The JSON Lines reader (events/jsonl.py) on generated lines: whatever bytes a line holds,
it becomes one row, read or quarantined with its line number and a reason, and never stops
the reader; values keep the text they were written with."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from journeyscope.errors import InputFormatError
from journeyscope.events.jsonl import parse_line, read_jsonl
from journeyscope.events.rawio import ERROR, ROW

#: a line's bytes: anything but a line break (the reader splits on those)
LINE = st.binary(max_size=200).map(lambda b: b.replace(b"\n", b" ").replace(b"\r", b" "))
OBJECT = st.dictionaries(
    st.text(min_size=1, max_size=8),
    st.none() | st.booleans() | st.integers() | st.text(max_size=12),
    max_size=4,
).map(lambda d: json.dumps(d).encode())


@given(LINE)
@settings(max_examples=300, deadline=None)
def test_any_line_is_either_read_or_given_a_reason(raw: bytes) -> None:
    values, why = parse_line(raw)
    assert (values is None) != (why is None)
    if why is not None:
        assert why.strip()


def test_a_line_nested_past_the_interpreter_limit_is_a_reason_not_a_crash() -> None:
    values, why = parse_line(b'{"a":' + b"[" * 100_000 + b"]" * 100_000 + b"}")
    assert values is None and why is not None and ("nested" in why or "JSON" in why)


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (b"[1, 2]", "a JSON list, not an object"),
        (b'"c1"', "a JSON str, not an object"),
        (b'{"a": NaN}', "NaN is not a JSON number"),
        (b'{"a": 1', "not valid JSON"),
        (b"\xff\xfe{}", "not UTF-8 text"),
    ],
)
def test_what_is_not_an_object_says_what_it_is(raw: bytes, reason: str) -> None:
    values, why = parse_line(raw)
    assert values is None and why is not None and reason in why


def test_a_file_that_starts_like_gzip_is_read_as_gzip_and_says_so(tmp_path: Path) -> None:
    path = tmp_path / "e.jsonl"
    path.write_bytes(b"\x1f\x8b not really")
    with pytest.raises(InputFormatError, match=r"e.jsonl: cannot read as gzip \(it starts with"):
        list(read_jsonl(path))


def test_values_keep_the_text_they_were_written_with() -> None:
    values, _ = parse_line(
        b'{"case": "c1", "n": 1.50, "big": 12345678901234567890, "x": [1, {"y": null}]}'
    )
    assert values == {
        "case": '"c1"',
        "n": "1.50",
        "big": "12345678901234567890",
        "x": '[1,{"y":null}]',
    }


@given(st.lists(LINE | OBJECT, min_size=1, max_size=40))
@settings(max_examples=60, deadline=None)
def test_every_non_blank_line_is_one_row_numbered_by_its_line(
    tmp_path_factory: pytest.TempPathFactory, lines: list[bytes]
) -> None:
    path = tmp_path_factory.mktemp("jsonl") / "e.jsonl"
    path.write_bytes(b"\n".join(lines))
    expected = [n for n, line in enumerate(lines, start=1) if line.strip()]
    readable = [n for n in expected if parse_line(lines[n - 1])[1] is None]
    if lines[0].startswith(b"\x1f\x8b"):  # read as gzip, as a .jsonl.gz is
        with pytest.raises(InputFormatError, match=r"cannot read as gzip \(it starts with"):
            list(read_jsonl(path))
        return
    if expected and not readable:
        with pytest.raises(
            InputFormatError, match=r"cannot read any line as JSON Lines \(line \d+"
        ):
            list(read_jsonl(path, batch_size=7))
        return
    rows = [r for t in read_jsonl(path, batch_size=7) for r in t.select([ROW, ERROR]).to_pylist()]
    assert [r[ROW] for r in rows] == expected
    assert [r[ROW] for r in rows if r[ERROR] is None] == readable
    assert all(r[ERROR].startswith(f"line {r[ROW]}: ") for r in rows if r[ERROR] is not None)


def test_a_file_cut_off_inside_its_compression_keeps_what_was_read(tmp_path: Path) -> None:
    import gzip

    whole = gzip.compress(b"".join(b'{"case": "c%d"}\n' % i for i in range(2000)))
    path = tmp_path / "e.jsonl.gz"
    path.write_bytes(whole[: len(whole) // 2])
    rows = [r for t in read_jsonl(path) for r in t.select([ROW, ERROR]).to_pylist()]
    assert rows and all(r[ERROR] is None for r in rows[:-1])
    assert "cut off or damaged" in rows[-1][ERROR]
